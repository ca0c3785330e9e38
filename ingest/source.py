"""Input files: finding them, and describing each one (checksum, sniffed type) before any decoding.

:func:`describe` must work for every readable file, good or bad, because the original is stored under its
SHA-256 even when it is refused later.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest import sniff

log = logging.getLogger(__name__)

_CHUNK = 1 << 20

# Files the operating system drops into scan folders; they are never documents, and refusing them
# on every run would make every batch end with exit code 3.
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class Source:
    path: str  # absolute, so a worker with another working directory can open it
    name: str  # file name as ingested
    size: int  # bytes hashed
    sha256: str  # hex of the original bytes
    media_type: str  # sniffed from magic bytes, not the extension


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Every file named or found (recursively) under ``paths``.

    Arguments keep their order; each folder's files come in sorted order. Hidden files and folders
    (``.done``, ``.DS_Store``) and Windows' ``Thumbs.db``/``desktop.ini`` are skipped inside folders, but a file
    named explicitly is always taken. Zero-byte files are returned: they must become failed records.
    A file reached twice (named and inside a named folder, or through a symlink) is listed once.
    Raises FileNotFoundError for an argument that does not exist.
    """
    found: list[Path] = []
    seen: set[str] = set()
    for arg in paths:
        root = Path(arg)
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
        candidates = _walk(root) if root.is_dir() else iter([root])
        for path in candidates:
            if not _is_regular_file(path):
                # A FIFO or device would block describe() forever.
                log.warning("skipping %s: not a regular file", path)
                continue
            key = os.path.realpath(path)
            if key in seen:
                continue
            seen.add(key)
            found.append(path)
    return found


def _walk(root: Path) -> Iterator[Path]:
    # Symlinked folders are not followed: a link back up the tree would loop.
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.lower() in _SYSTEM_FILES:
                continue
            yield Path(dirpath, name)


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def describe(path: str | Path) -> Source:
    """Checksum and sniff one file in a single streaming read.

    Never raises because of what the file contains; raises OSError only if it cannot be read.
    """
    path = Path(path)
    digest = hashlib.sha256()
    head = b""
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if len(head) < sniff.HEAD_SIZE:
                head += chunk[: sniff.HEAD_SIZE - len(head)]
            digest.update(chunk)
            size += len(chunk)
    return Source(
        path=str(path.absolute()),
        name=path.name,
        size=size,
        sha256=digest.hexdigest(),
        media_type=sniff.media_type(head),
    )


def read_head(source: Source) -> bytes:
    """The first bytes of a source, as :mod:`ingest.sniff` wants them."""
    with open(source.path, "rb") as f:
        return f.read(sniff.HEAD_SIZE)
