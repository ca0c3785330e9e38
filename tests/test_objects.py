"""The object store's interface, run against both backends: a folder (file://) and a real S3 server (Ceph RGW).

The same test body checks both, so the two stores behave alike wherever the pipeline, the CLI and the API
can tell; S3-only behaviour (checksums kept in metadata, multipart, presigned URLs) is in test_objects_s3.py.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from storage import s3 as s3_module
from storage.objects import ObjectNotFound, StorageError, open_store

PART = 5 * 1024 * 1024


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.fixture(params=["file", "s3"])
def store(request, tmp_path, monkeypatch):
    # The smallest part size S3 allows, so a 12 MiB file is a three-part upload.
    monkeypatch.setenv("SOHOA_S3_PART_SIZE", str(PART))
    if request.param == "file":
        return open_store((tmp_path / "objects").as_uri())
    return open_store(request.getfixturevalue("s3_url"))


def test_round_trip_of_bytes_and_files(store, tmp_path):
    store.put_bytes("documents/d1/metadata.json", '{"tên": "Đạt"}'.encode(), content_type="application/json")
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(300_000))
    store.put_file("originals/abc", scan, content_type="image/png")

    assert store.get_bytes("documents/d1/metadata.json") == '{"tên": "Đạt"}'.encode()
    out = tmp_path / "out" / "copy.png"
    out.parent.mkdir()
    store.download("originals/abc", out)
    assert out.read_bytes() == scan.read_bytes()
    assert [p.name for p in out.parent.iterdir()] == ["copy.png"]  # no temporary file left beside it
    assert out.stat().st_mode & 0o777 == 0o666 & ~current_umask()  # an ordinary file, not a private temp file

    info = store.stat("originals/abc")
    assert info.size == scan.stat().st_size
    assert info.sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
    assert store.exists("originals/abc") and not store.exists("originals/abd")


def test_overwrite_replaces_the_whole_object(store):
    store.put_bytes("documents/d1/document.pdf", b"A" * 5000)
    store.put_bytes("documents/d1/document.pdf", b"B" * 10)
    assert store.get_bytes("documents/d1/document.pdf") == b"B" * 10
    assert store.stat("documents/d1/document.pdf").size == 10


def test_listing_is_by_prefix_in_key_order(store):
    keys = ["documents/d2/metadata.json", "documents/d1/ocr/page-0002.hocr", "originals/ff",
            "documents/d1/ocr/page-0001.hocr", "documents/d1-x/metadata.json", "documents/d1/document.pdf"]
    for key in keys:
        store.put_bytes(key, key.encode())
    assert list(store.list()) == sorted(keys)
    assert list(store.list("documents/d1/")) == ["documents/d1/document.pdf", "documents/d1/ocr/page-0001.hocr",
                                                 "documents/d1/ocr/page-0002.hocr"]
    assert list(store.list("nothing/")) == []


def test_long_listing_goes_page_by_page(store, monkeypatch):
    monkeypatch.setattr(s3_module, "PAGE", 3)  # S3 answers 3 keys per request: 8 keys take 3 requests
    keys = [f"documents/d{i}/metadata.json" for i in range(8)]
    for key in keys:
        store.put_bytes(key, b"{}")
    assert list(store.list("documents/")) == keys


def test_delete_removes_and_is_idempotent(store):
    store.put_bytes("documents/d1/metadata.json", b"{}")
    store.delete("documents/d1/metadata.json")
    store.delete("documents/d1/metadata.json")
    assert not store.exists("documents/d1/metadata.json")
    assert list(store.list()) == []


def test_missing_object_is_a_typed_error_everywhere(store, tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"previous")
    for read in (lambda: store.get_bytes("documents/nope/document.pdf"),
                 lambda: store.download("documents/nope/document.pdf", target),
                 lambda: store.stream("documents/nope/document.pdf"),
                 lambda: store.stat("documents/nope/document.pdf")):
        with pytest.raises(ObjectNotFound) as err:
            read()
        assert err.value.code == "object_not_found"
    assert target.read_bytes() == b"previous"  # a failed download leaves the target alone
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")) == []


@pytest.mark.parametrize("key", ["../escape", "/abs", "a//b", "a/./b", ""])
def test_keys_outside_the_layout_are_refused(store, key):
    with pytest.raises(StorageError) as err:
        store.put_bytes(key, b"x")
    assert err.value.code == "invalid_key"


def test_stream_gives_the_object_in_chunks(store):
    data = os.urandom(3 * 1024 * 1024 + 17)
    store.put_bytes("documents/d1/document.pdf", data, content_type="application/pdf")
    with store.stream("documents/d1/document.pdf", chunk_size=1024 * 1024) as stream:
        assert stream.size == len(data)
        chunks = list(stream)
    assert len(chunks) >= 4 and b"".join(chunks) == data
    assert stream.digest == hashlib.sha256(data).hexdigest()


def test_large_file_round_trip(store, tmp_path):
    big = tmp_path / "long-scan.pdf"
    big.write_bytes(os.urandom(12 * 1024 * 1024 + 5))  # above the part size: three parts on S3
    store.put_file("originals/big", big, content_type="application/pdf")
    copy = tmp_path / "copy.pdf"
    store.download("originals/big", copy)
    assert copy.read_bytes() == big.read_bytes()
    assert store.stat("originals/big").sha256 == hashlib.sha256(big.read_bytes()).hexdigest()


def test_storing_a_missing_file_changes_nothing(store, tmp_path):
    store.put_bytes("documents/d1/document.pdf", b"good pdf")
    with pytest.raises(FileNotFoundError):
        store.put_file("documents/d1/document.pdf", tmp_path / "vanished.pdf")
    assert store.get_bytes("documents/d1/document.pdf") == b"good pdf"
    assert list(store.list()) == ["documents/d1/document.pdf"]


def test_presigned_url_only_where_the_store_serves_http(store):
    store.put_bytes("documents/d1/document.pdf", b"%PDF-1.7")
    url = store.presigned_url("documents/d1/document.pdf")
    if store.describe().startswith("file:"):
        assert url is None
    else:
        assert url.startswith("http://") and "X-Amz-Signature=" in url


def test_describe_names_the_store(store, tmp_path):
    text = store.describe()
    assert text.startswith("file:///") or text.startswith("s3://")
    assert Path(tmp_path).as_uri() in text or "@127.0.0.1:" in text
