"""What only the S3 store does, against a real S3 server (Ceph RGW): checksums kept in object metadata and
checked on every read, multipart uploads, presigned GET URLs, refused credentials, bucket creation, URLs."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import time
import traceback
import urllib.error
import urllib.request

import pytest

from config.settings import load_settings
from storage import s3 as s3_module
from storage.objects import (
    ChecksumMismatch,
    InvalidStorageUrl,
    SourceChanged,
    StorageAuthError,
    open_store,
)
from storage.s3_config import parse_s3_url, redact_url
from tests.servers.fixtures import new_bucket_name

PART = 5 * 1024 * 1024


@pytest.fixture
def store(s3_url, monkeypatch):
    monkeypatch.setenv("SOHOA_S3_PART_SIZE", str(PART))
    return open_store(s3_url)


def test_sha256_is_kept_in_object_metadata(store, rgw):
    store.put_bytes("documents/d1/metadata.json", b'{"a": 1}', content_type="application/json")
    raw = rgw.client().stat_object(store.config.bucket, "documents/d1/metadata.json")
    assert raw.metadata["x-amz-meta-sha256"] == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert raw.content_type == "application/json"


def test_object_changed_behind_the_stores_back_is_refused_on_read(store, rgw, tmp_path):
    data = b"%PDF-1.7 the real document" + os.urandom(2000)
    store.put_bytes("documents/d1/document.pdf", data)
    # Same size, same claimed checksum, one byte different: what bit rot or a careless tool would leave.
    tampered = bytearray(data)
    tampered[100] ^= 0xFF
    rgw.client().put_object(store.config.bucket, "documents/d1/document.pdf", io.BytesIO(bytes(tampered)),
                            len(tampered), metadata={"sha256": hashlib.sha256(data).hexdigest()})

    with pytest.raises(ChecksumMismatch) as err:
        store.get_bytes("documents/d1/document.pdf")
    assert err.value.code == "checksum_mismatch"
    assert "documents/d1/document.pdf" in str(err.value)

    target = tmp_path / "doc.pdf"
    with pytest.raises(ChecksumMismatch):
        store.download("documents/d1/document.pdf", target)
    assert not target.exists() and list(tmp_path.iterdir()) == []  # no damaged file handed on

    chunks = []
    with pytest.raises(ChecksumMismatch), store.stream("documents/d1/document.pdf", chunk_size=512) as stream:
        for chunk in stream:
            chunks.append(chunk)
    assert b"".join(chunks) == bytes(tampered)  # the bytes flowed, but the end of the stream was an error


def test_object_without_a_checksum_is_not_returned_unchecked(store, rgw):
    store.put_bytes("originals/aa", b"x")  # makes the bucket
    rgw.client().put_object(store.config.bucket, "originals/bb", io.BytesIO(b"foreign"), 7)
    with pytest.raises(ChecksumMismatch) as err:
        store.get_bytes("originals/bb")
    assert err.value.code == "checksum_missing"
    assert store.stat("originals/bb").sha256 is None


def test_large_file_goes_up_in_parts_of_the_configured_size(store, rgw, tmp_path):
    big = tmp_path / "scan.tif"
    big.write_bytes(os.urandom(2 * PART + 1234))
    store.put_file("originals/big", big, content_type="image/tiff")
    raw = rgw.client().stat_object(store.config.bucket, "originals/big")
    # S3 gives a multipart object the ETag "<md5 of part md5s>-<number of parts>".
    assert raw.etag.endswith("-3"), raw.etag
    assert raw.metadata["x-amz-meta-sha256"] == hashlib.sha256(big.read_bytes()).hexdigest()
    assert store.get_bytes("originals/big") == big.read_bytes()

    small = tmp_path / "page.png"
    small.write_bytes(os.urandom(PART - 1))
    store.put_file("originals/small", small)
    assert "-" not in rgw.client().stat_object(store.config.bucket, "originals/small").etag  # one PUT


@pytest.mark.parametrize("size", [1000, 2 * PART + 10], ids=["single-put", "multipart"])
def test_file_rewritten_while_stored_leaves_nothing(store, rgw, tmp_path, monkeypatch, size):
    path = tmp_path / "scan.tif"
    path.write_bytes(os.urandom(size))
    store.put_bytes("originals/keep", b"previous")
    real_digest = s3_module.file_digest

    def digest_then_rewrite(p):
        result = real_digest(p)
        with open(p, "r+b") as fh:  # the scanner rewrites the file after we hashed it
            fh.seek(size - 10)
            fh.write(os.urandom(10))
        return result

    monkeypatch.setattr(s3_module, "file_digest", digest_then_rewrite)
    for key in ("originals/new", "originals/keep"):
        with pytest.raises(SourceChanged) as err:
            store.put_file(key, path)
        assert err.value.code == "source_changed"
    assert not store.exists("originals/new")
    assert store.get_bytes("originals/keep") == b"previous"
    # An aborted multipart upload leaves no parts behind either.
    uploads = rgw.client()._list_multipart_uploads(store.config.bucket)
    assert list(uploads.uploads) == []


def test_presigned_get_is_fetched_over_http_and_expires(store, monkeypatch):
    data = os.urandom(50_000)
    store.put_bytes("documents/d1/document.pdf", data, content_type="application/pdf")
    url = store.presigned_url("documents/d1/document.pdf")
    assert "X-Amz-Expires=900" in url  # SOHOA_PRESIGN_SECONDS default
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.read() == data
        assert resp.headers["Content-Type"] == "application/pdf"

    monkeypatch.setenv("SOHOA_PRESIGN_SECONDS", "120")
    assert "X-Amz-Expires=120" in open_store(store_url(store)).presigned_url("documents/d1/document.pdf")

    short = store.presigned_url("documents/d1/document.pdf", expires=1)
    time.sleep(2.1)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(short, timeout=10)
    assert err.value.code == 403

    tampered = url.replace("documents/d1/document.pdf", "documents/d2/document.pdf")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(tampered, timeout=10)
    assert err.value.code == 403  # the signature covers the key


def store_url(store) -> str:
    c = store.config
    return f"s3://{c.access_key}:{c.secret_key}@{c.endpoint}/{c.bucket}?secure=false"


def test_wrong_secret_is_refused_with_a_clear_error_that_does_not_show_it(rgw):
    bucket = new_bucket_name()
    open_store(rgw.storage_url(bucket)).put_bytes("originals/aa", b"x")
    wrong = "not-the-secret-8c1f2e"
    bad = open_store(rgw.storage_url(bucket, secret_key=wrong))
    for op in (lambda: bad.put_bytes("originals/bb", b"y"), lambda: bad.get_bytes("originals/aa"),
               lambda: bad.exists("originals/aa")):
        started = time.monotonic()
        with pytest.raises(StorageAuthError) as err:
            op()
        assert time.monotonic() - started < 5  # refused credentials are not retried
        assert err.value.code == "storage_auth_failed"
        assert "SignatureDoesNotMatch" in str(err.value) or "AccessDenied" in str(err.value)
        whole = "".join(traceback.format_exception(err.value))
        assert wrong not in whole and rgw.secret_key not in whole
    assert wrong not in bad.describe() and wrong not in repr(bad.config)


def test_store_with_a_secret_is_never_pickled(store):
    # An rq job carrying the store would put the secret key into Redis; workers open their own store.
    with pytest.raises(TypeError, match="secret key"):
        pickle.dumps(store)


def test_bucket_is_created_when_missing(rgw):
    bucket = new_bucket_name()
    client = rgw.client()
    assert not client.bucket_exists(bucket)
    store = open_store(rgw.storage_url(bucket))
    assert list(store.list()) == []
    assert client.bucket_exists(bucket)
    # A second store (another worker) on the now existing bucket shares it.
    store.put_bytes("originals/aa", b"x")
    assert open_store(rgw.storage_url(bucket)).get_bytes("originals/aa") == b"x"


def test_storage_url_options_and_secrets():
    config = parse_s3_url("s3://AK:s%2Fe%2Bcret@minio.example:9000/sohoa-prod?secure=false&region=vn-hn-1")
    assert (config.endpoint, config.bucket, config.access_key, config.secret_key, config.secure, config.region) == (
        "minio.example:9000", "sohoa-prod", "AK", "s/e+cret", False, "vn-hn-1")
    assert "s/e+cret" not in repr(config) and "cret" not in config.describe()
    assert parse_s3_url("s3://AK:SK@minio.example/sohoa").endpoint == "minio.example:443"
    assert redact_url("s3://AK:SK@host:9000/b?secure=false") == "s3://AK:***@host:9000/b?secure=false"
    for url in ("s3://host:9000/bucket", "s3://AK:topsecret@host:9000/", "s3://AK:topsecret@host:9000/Bad_Name",
                "s3://AK:topsecret@host:9000/bucket?secure=maybe", "s3://AK:topsecret@host:9000/bucket?tls=1",
                "s3://AK:topsecret@host:9000/bucket/sub"):
        with pytest.raises(InvalidStorageUrl) as err:
            open_store(url)
        assert err.value.code == "invalid_storage_url"
        assert "topsecret" not in str(err.value)


def test_settings_do_not_show_the_storage_secret(monkeypatch):
    monkeypatch.setenv("SOHOA_STORAGE_URL", "s3://AK:topsecret@host:9000/bucket")
    settings = load_settings()
    assert settings.resolved_storage_url.endswith("/bucket")
    assert "topsecret" not in repr(settings) and "topsecret" not in str(settings)
