"""Object keys fixed by the contract (same in a ``file://`` folder and an S3 bucket)."""

from __future__ import annotations

from storage.errors import StorageError


def original_key(sha256: str) -> str:
    return f"originals/{sha256}"


def pdf_key(doc_id: str) -> str:
    return f"documents/{doc_id}/document.pdf"


def metadata_key(doc_id: str) -> str:
    return f"documents/{doc_id}/metadata.json"


def hocr_key(doc_id: str, page_number: int) -> str:
    return f"documents/{doc_id}/ocr/page-{page_number:04d}.hocr"


def check_key(key: str) -> str:
    """A key both backends accept: relative, ``/``-separated, no empty, ``.`` or ``..`` part."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"invalid object key {key!r}", code="invalid_key")
    return key
