"""The local object store on real files, and search folding (the index itself: test_index.py)."""

from __future__ import annotations

import pytest

from storage.objects import FileObjectStore, ObjectNotFound, StorageError, open_store
from storage.redact import redact_record
from storage.textfold import fold


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


def test_a_hidden_field_leaves_the_record_and_the_persons_readings_of_it():
    misread = {"citizen_id": {"value": "0791960801643", "confidence": 0.5}}
    record = {"fields": {"citizen_id": {"value": "079196080164"}},
              "persons": [{"role": "wife", "misread": misread,
                           "fields": {"citizen_id": {"value": "079196080164"}, "gender": {"value": "female"}}}]}
    out = redact_record(record, frozenset({"citizen_id"}))
    assert out["fields"] == {} and out["persons"][0]["fields"] == {"gender": {"value": "female"}}
    assert "misread" not in out["persons"][0]
    assert record["persons"][0]["misread"] == misread  # the stored record untouched
