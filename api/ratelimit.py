"""Per-key token buckets shared by all of the server's worker processes.

With several uvicorn workers, a limit kept in each process would let a key through N times the limit
(or, with a keep-alive connection pinned to one worker, a fraction of it). The buckets live in one small
memory-mapped file that ``sohoa serve`` creates fresh at start; a file lock makes each take atomic. One
bucket is 32 bytes: the key id, its tokens and when they were counted (CLOCK_MONOTONIC, system-wide).
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
import time
import zlib
from pathlib import Path

_SLOT = struct.Struct("<16sdd")
SLOTS = 4096


class Buckets:
    def __init__(self, path: str | Path | None = None) -> None:
        size = _SLOT.size * SLOTS
        self._thread_lock = threading.Lock()  # flock does not exclude threads sharing one descriptor
        if path is None:  # one process (tests, a single worker): anonymous memory is enough
            self._fd = None
            self._map = mmap.mmap(-1, size)
        else:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(self._fd).st_size < size:
                os.ftruncate(self._fd, size)
            self._map = mmap.mmap(self._fd, size)

    def take(self, key_id: str, rate: float, burst: int, now: float | None = None) -> float:
        """0.0 when the request may go ahead, else the seconds until the key has a token again."""
        now = time.monotonic() if now is None else now
        name = key_id.encode("ascii", "replace")[:16].ljust(16, b"\0")
        with self._thread_lock:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                return self._take(name, rate, burst, now)
            finally:
                if self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _take(self, name: bytes, rate: float, burst: int, now: float) -> float:
        start = zlib.crc32(name) % SLOTS
        for probe in range(SLOTS):
            offset = ((start + probe) % SLOTS) * _SLOT.size
            owner, tokens, updated = _SLOT.unpack_from(self._map, offset)
            if owner == name:
                tokens = min(float(burst), tokens + max(0.0, now - updated) * rate)
                break
            if owner == b"\0" * 16:  # a free slot: this key's first request
                tokens = float(burst)
                break
        else:  # more keys than slots: never expected; let the request through rather than refuse all
            return 0.0
        if tokens >= 1.0:
            _SLOT.pack_into(self._map, offset, name, tokens - 1.0, now)
            return 0.0
        _SLOT.pack_into(self._map, offset, name, tokens, now)
        return (1.0 - tokens) / rate

    def close(self) -> None:
        self._map.close()
        if self._fd is not None:
            os.close(self._fd)
