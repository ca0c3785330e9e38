"""Where a document's PDF is handed out from: a presigned URL when the store gives one (S3), else its bytes
streamed (the folder store: from the file itself, so the HTTP server can send it without reading it in)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.objects import FileObjectStore, ObjectNotFound, ObjectStore, ObjectStream
from storage.queries import pdf_key_of


class PdfMissing(ObjectNotFound):
    code = "pdf_missing"


@dataclass(frozen=True)
class PdfLocation:
    key: str
    url: str | None = None
    path: Path | None = None
    stream: ObjectStream | None = None


def locate(store: ObjectStore, record: dict, *, expires: int | None = None) -> PdfLocation:
    """Raises ``DocumentNotFound`` when the document has no PDF (failed), ``PdfMissing`` when its object is gone.

    ``expires``: the presigned URL's lifetime in seconds (default: the store's, ``SOHOA_PRESIGN_SECONDS``).
    """
    key = pdf_key_of(record)  # a duplicate's is its first copy's
    missing = PdfMissing(f"object {key} is missing from {store.describe()}")
    url = store.presigned_url(key, expires)
    if url:
        if not store.exists(key):  # presigning is local: a URL to nothing would only fail at the client
            raise missing
        return PdfLocation(key, url=url)
    if isinstance(store, FileObjectStore):
        path = store.root / key
        if not path.is_file():
            raise missing
        return PdfLocation(key, path=path)
    try:
        return PdfLocation(key, stream=store.stream(key))
    except ObjectNotFound:
        raise missing from None
