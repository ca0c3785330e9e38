"""The object store: one interface, a local-folder implementation now, S3 later (same keys everywhere).

Keys are the contract's: ``originals/<sha256>``, ``documents/<doc_id>/document.pdf``,
``documents/<doc_id>/metadata.json``, ``documents/<doc_id>/ocr/page-NNNN.hocr``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

from ingest.errors import SohoaError


class StorageError(SohoaError):
    code = "storage_error"


class ObjectNotFound(StorageError):
    code = "object_not_found"


class ObjectStore(Protocol):
    """What the pipeline, the CLI and the API need from an object store."""

    def put_file(self, key: str, path: str | Path, *, content_type: str | None = None) -> None: ...
    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> None: ...
    def get_bytes(self, key: str) -> bytes: ...
    def download(self, key: str, path: str | Path) -> None: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def list(self, prefix: str = "") -> Iterator[str]: ...
    def describe(self) -> str: ...


def _check_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"invalid object key {key!r}", code="invalid_key")
    return key


class FileObjectStore:
    """Objects as files under a root folder; writes are atomic (temp file + rename) so a crash leaves no half object."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

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
            shutil.copyfile(self._path(key), path)
        except FileNotFoundError:
            raise ObjectNotFound(f"no object {key!r} in {self.describe()}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> Iterator[str]:
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def describe(self) -> str:
        return self.root.resolve().as_uri()


def sha256_of_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def open_store(url: str) -> ObjectStore:
    """An object store from ``SOHOA_STORAGE_URL`` (``file:///abs/path``; ``s3://`` arrives with issue 4)."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileObjectStore(unquote(parsed.path))
    if parsed.scheme in ("", None) and url:
        return FileObjectStore(url)
    raise StorageError(f"unsupported storage URL scheme {parsed.scheme!r}", code="unsupported_storage")
