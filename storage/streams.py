"""Object bytes in motion: reading an object in chunks with its SHA-256 checked at the end, and feeding a file
to an upload while making sure it is still the file that was hashed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storage.errors import ChecksumMismatch, SourceChanged

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str | None  # hex; None only for an S3 object written by something other than sohoa
    content_type: str | None = None


def sha256_of_file(path: str | Path) -> str:
    return file_digest(path)[0]


def file_digest(path: str | Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, in one pass."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[BinaryIO]:
    """A file to write ``path``'s new content into; it becomes ``path`` only if the block ends without error,
    so ``path`` is either whole and new or untouched. Created like any file (umask), not private like mkstemp's.
    """
    target = Path(path)
    tmp = target.with_name(f".tmp-{uuid.uuid4().hex[:12]}.{target.name}")
    try:
        with open(tmp, "xb") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class ObjectStream:
    """An object's bytes as an iterator of chunks; use it as a context manager (or call ``close()``).

    ``size``, ``sha256`` and ``content_type`` are known before the first chunk. When ``sha256`` is known, the
    last chunk is followed by a check, and a difference raises ChecksumMismatch instead of ending quietly:
    a consumer that streams to a client must treat the end of iteration as the moment the bytes are good.
    ``translate`` turns a transport error raised mid-stream into the store's typed error.
    """

    def __init__(
        self,
        key: str,
        chunks: Iterable[bytes],
        *,
        size: int,
        sha256: str | None,
        content_type: str | None = None,
        close: Callable[[], None] = lambda: None,
        translate: Callable[[Exception], Exception] | None = None,
    ) -> None:
        self.info = ObjectInfo(key, size, sha256, content_type)
        self._chunks = chunks
        self._close = close
        self._translate = translate
        self._digest = hashlib.sha256()
        self._read = 0
        self._closed = False

    key = property(lambda self: self.info.key)
    size = property(lambda self: self.info.size)
    sha256 = property(lambda self: self.info.sha256)
    content_type = property(lambda self: self.info.content_type)

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._chunks:
                self._digest.update(chunk)
                self._read += len(chunk)
                yield chunk
        except (ChecksumMismatch, GeneratorExit):
            raise
        except Exception as exc:
            if self._translate is None:
                raise
            raise self._translate(exc) from exc
        finally:
            self.close()
        self._verify()

    def _verify(self) -> None:
        actual = self._digest.hexdigest()
        if self.sha256 is not None and actual != self.sha256:
            raise ChecksumMismatch(
                f"object {self.key!r} read back with SHA-256 {actual[:16]}..., stored as {self.sha256[:16]}... "
                f"({self._read} of {self.size} bytes): the stored object is damaged")
        if self._read != self.size:
            raise ChecksumMismatch(f"object {self.key!r} ended after {self._read} of {self.size} bytes")

    def read_all(self) -> bytes:
        return b"".join(self)

    @property
    def digest(self) -> str:
        """The SHA-256 of the bytes read so far (all of them, once iteration has ended)."""
        return self._digest.hexdigest()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> ObjectStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CheckedReader:
    """A file handed to an upload that must be exactly ``size`` bytes hashing to ``sha256``.

    The digest goes into the object's metadata before the first byte is sent, so the file is hashed first and
    read again for the upload; if it changed in between (a scanner still writing it), the last read raises
    SourceChanged, before a single PUT is sent or before a multipart upload is completed (the SDK aborts it),
    so no object with a wrong digest is ever written.
    """

    def __init__(self, fh: BinaryIO, size: int, sha256: str, *, key: str) -> None:
        self._fh, self._left, self._expected, self._key = fh, size, sha256, key
        self._digest = hashlib.sha256()

    def close(self) -> None:
        self._fh.close()

    def read(self, n: int = -1) -> bytes:
        if self._left == 0:
            return b""
        want = self._left if n is None or n < 0 else min(n, self._left)
        data = self._fh.read(want)
        if not data:
            raise SourceChanged(f"file for {self._key!r} became shorter while it was being stored")
        self._digest.update(data)
        self._left -= len(data)
        if self._left == 0 and self._digest.hexdigest() != self._expected:
            raise SourceChanged(f"file for {self._key!r} changed while it was being stored; nothing was written")
        return data
