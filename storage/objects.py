"""The object store: one interface, two backends with the same keys (a local folder, and S3 in ``storage.s3``).

Keys are the contract's: ``originals/<sha256>``, ``documents/<doc_id>/document.pdf``,
``documents/<doc_id>/metadata.json``, ``documents/<doc_id>/ocr/page-NNNN.hocr``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlparse

from storage.errors import (  # re-exported: callers import the store's errors from here
    ChecksumMismatch,
    InvalidStorageUrl,
    ObjectNotFound,
    SourceChanged,
    StorageAuthError,
    StorageError,
    StorageUnavailable,
)
from storage.keys import check_key
from storage.s3_config import redact_url
from storage.streams import CHUNK, ObjectInfo, ObjectStream, file_digest, replacing, sha256_of_file

if TYPE_CHECKING:
    from config.settings import Settings

__all__ = [
    "ChecksumMismatch", "FileObjectStore", "InvalidStorageUrl", "ObjectInfo", "ObjectNotFound", "ObjectStore",
    "ObjectStream", "SourceChanged", "StorageAuthError", "StorageError", "StorageUnavailable", "open_store",
    "sha256_of_file",
]


class ObjectStore(Protocol):
    """What the pipeline, the CLI and the API need from an object store.

    Writes are all-or-nothing (a reader never sees half an object). Reads of an S3 object are checked against
    the SHA-256 stored with it; a difference raises ChecksumMismatch, never returns the bytes.
    """

    def put_file(self, key: str, path: str | Path, *, content_type: str | None = None) -> None: ...
    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> None: ...
    def get_bytes(self, key: str) -> bytes: ...
    def download(self, key: str, path: str | Path) -> None: ...
    def stream(self, key: str, chunk_size: int = CHUNK) -> ObjectStream:
        """The object in chunks without holding it whole (for HTTP responses); use it as a context manager."""
        ...
    def stat(self, key: str) -> ObjectInfo: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def list(self, prefix: str = "") -> Iterator[str]: ...
    def presigned_url(self, key: str, expires: int | None = None) -> str | None:
        """A time-limited URL to GET the object directly from the store, or None when the store has none
        (the folder store): the caller then serves the bytes itself (``stream``)."""
        ...
    def describe(self) -> str:
        """The store for messages and logs, without secrets."""
        ...


class FileObjectStore:
    """Objects as files under a root folder; writes are atomic (temp file + rename) so a crash leaves no half object."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _atomic_write(self, key: str, writer) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix="." + target.name)
        try:
            with os.fdopen(fd, "wb") as out:
                writer(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_file(self, key: str, path: str | Path, *, content_type: str | None = None) -> None:
        with open(path, "rb") as src:
            self._atomic_write(key, lambda out: shutil.copyfileobj(src, out, 1024 * 1024))

    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        self._atomic_write(key, lambda out: out.write(data))

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise ObjectNotFound(f"no object {key!r} in {self.describe()}") from None

    def download(self, key: str, path: str | Path) -> None:
        try:
            src = open(self._path(key), "rb")  # noqa: SIM115
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectNotFound(f"no object {key!r} in {self.describe()}") from None
        with src, replacing(path) as out:
            shutil.copyfileobj(src, out, CHUNK)

    def stream(self, key: str, chunk_size: int = CHUNK) -> ObjectStream:
        try:
            fh = open(self._path(key), "rb")  # noqa: SIM115 - closed by the stream
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectNotFound(f"no object {key!r} in {self.describe()}") from None
        size = os.fstat(fh.fileno()).st_size
        # A folder keeps no digest beside the file: the stream computes one (``.digest``) but checks nothing.
        return ObjectStream(key, iter(lambda: fh.read(chunk_size), b""), size=size, sha256=None, close=fh.close)

    def stat(self, key: str) -> ObjectInfo:
        try:
            sha256, size = file_digest(self._path(key))
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectNotFound(f"no object {key!r} in {self.describe()}") from None
        return ObjectInfo(key, size, sha256)

    def presigned_url(self, key: str, expires: int | None = None) -> str | None:
        check_key(key)
        return None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> Iterator[str]:
        keys = (p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                if p.is_file() and not p.name.startswith(".tmp-"))
        yield from sorted(k for k in keys if k.startswith(prefix))  # string order, as S3 lists

    def describe(self) -> str:
        return self.root.resolve().as_uri()


def open_store(url: str, settings: Settings | None = None) -> ObjectStore:
    """An object store from ``SOHOA_STORAGE_URL``: ``file:///abs/path`` or
    ``s3://ACCESS:SECRET@HOST:PORT/BUCKET?secure=false[&region=R]``.

    ``settings`` gives the S3 tuning (part size, retry budget, timeouts, presigned URL expiry); by default
    they are read from the environment like every other setting.
    """
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileObjectStore(unquote(parsed.path))
    if parsed.scheme in ("", None) and url:
        return FileObjectStore(url)
    if parsed.scheme == "s3":
        from storage.s3 import S3ObjectStore  # the SDK is loaded only when S3 is used
        from storage.s3_config import parse_s3_url, s3_options

        return S3ObjectStore(parse_s3_url(url), s3_options(settings))
    raise InvalidStorageUrl(f"unsupported storage URL {redact_url(url)} (use file:///... or s3://...)",
                            code="unsupported_storage")
