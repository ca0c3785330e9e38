"""The local object store and the SQLite index, on real files and a real database."""

from __future__ import annotations

import pytest

from storage.index import Index
from storage.objects import FileObjectStore, ObjectNotFound, StorageError, open_store
from storage.textfold import fold


def _record(doc_id: str, text: str, *, batch: str = "b1", status: str = "done", sha: str = "a" * 64) -> dict:
    return {
        "schema": "sohoa.document/1",
        "doc_id": doc_id,
        "batch": batch,
        "source": {"name": f"{doc_id}.png", "sha256": sha, "media_type": "image/png", "pages": 1},
        "status": status,
        "error": None,
        "doc_type": "unknown",
        "fields": {},
        "persons": [],
        "text": text,
        "ocr": {"engine": "tesseract 5.3.0", "language": "vie", "mean_confidence": 0.9},
        "objects": {"original": f"originals/{sha}", "pdf": f"documents/{doc_id}/document.pdf"},
        "pipeline_version": "0.1.0",
        "processed_at": "2026-11-25T10:00:00+00:00",
        "pages": [{"number": 1, "width": 1654, "height": 2339, "dpi": 200.0, "dpi_source": "file"}],
    }


def test_file_store_round_trip_and_listing(tmp_path):
    store = FileObjectStore(tmp_path / "objects")
    store.put_bytes("documents/x/metadata.json", b"{}")
    src = tmp_path / "scan.png"
    src.write_bytes(b"\x89PNG...")
    store.put_file("originals/abc", src)
    assert store.get_bytes("originals/abc") == b"\x89PNG..."
    assert store.exists("documents/x/metadata.json")
    assert not store.exists("documents/y/metadata.json")
    assert list(store.list("documents/")) == ["documents/x/metadata.json"]
    target = tmp_path / "out.bin"
    store.download("originals/abc", target)
    assert target.read_bytes() == b"\x89PNG..."
    # No temporary files are left behind by atomic writes.
    assert sorted(p.name for p in (tmp_path / "objects").rglob("*") if p.is_file()) == ["abc", "metadata.json"]


@pytest.mark.parametrize("key", ["../escape", "/abs", "a//b", "a/./b", ""])
def test_file_store_refuses_keys_outside_its_root(tmp_path, key):
    store = FileObjectStore(tmp_path)
    with pytest.raises(StorageError):
        store.put_bytes(key, b"x")


def test_missing_object_is_a_typed_error(tmp_path):
    with pytest.raises(ObjectNotFound):
        FileObjectStore(tmp_path).get_bytes("originals/nope")


def test_open_store_from_file_url(tmp_path):
    store = open_store((tmp_path / "o").as_uri())
    store.put_bytes("k", b"v")
    assert (tmp_path / "o" / "k").read_bytes() == b"v"
    with pytest.raises(StorageError):
        open_store("ftp://host/x")


def test_fold_is_accent_insensitive_and_keeps_positions():
    text = "Họ và tên: NGUYỄN VĂN ĐẠT, Hoà / Hòa"
    assert fold(text) == "ho va ten: nguyen van dat, hoa / hoa"
    assert len(fold(text)) == len(text)


def test_index_save_is_idempotent_and_search_ignores_accents(tmp_path):
    index = Index(f"sqlite:///{tmp_path / 'index.sqlite3'}")
    index.save_record(_record("d1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHọ và tên: NGUYỄN VĂN ĐẠT"))
    index.save_record(_record("d1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHọ và tên: NGUYỄN VĂN ĐẠT"))
    index.save_record(_record("d2", "Họ và tên: TRẦN THỊ HOA", sha="b" * 64))
    assert index.doc_ids(batch="b1") == ["d1", "d2"]
    hits = index.search("nguyen van dat")
    assert [h.doc_id for h in hits] == ["d1"]
    assert "NGUYỄN VĂN ĐẠT" in hits[0].snippet
    assert [h.doc_id for h in index.search("tran thi")] == ["d2"]
    assert index.search("le van") == []
    # FTS5 syntax in user text is treated as words, never as a query.
    assert index.search('NEAR("x" OR *') == []
    assert index.find_primary_by_sha("a" * 64)["doc_id"] == "d1"
    assert index.status_counts("b1") == {"done": 2}


def test_replacing_a_record_replaces_its_search_text(tmp_path):
    index = Index(f"sqlite:///{tmp_path / 'index.sqlite3'}")
    index.save_record(_record("d1", "NGUYỄN VĂN AN"))
    index.save_record(_record("d1", "LÊ THỊ BÌNH"))
    assert index.search("nguyen") == []
    assert [h.doc_id for h in index.search("le thi binh")] == ["d1"]
