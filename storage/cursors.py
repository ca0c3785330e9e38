"""Opaque pagination cursors: a position, bound to the query it came from.

A cursor replayed with another query (or tampered with) is refused instead of silently skipping results.
The query is kept only as a short hash, so a cursor carries no search text or personal ID.
"""

from __future__ import annotations

import base64
import hashlib
import json

from ingest.errors import SohoaError


class BadCursor(SohoaError):
    code = "invalid_cursor"


def _scope(parts: tuple[object, ...]) -> str:
    return hashlib.sha256("\0".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def encode(position: int, *scope: object) -> str:
    raw = json.dumps({"p": position, "q": _scope(scope)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str, *scope: object, maximum: int | None = None) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        position, bound = data["p"], data["q"]
    except (ValueError, TypeError, KeyError):
        raise BadCursor("the cursor is not one this API gave out") from None
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise BadCursor("the cursor is not one this API gave out")
    if position > (maximum if maximum is not None else 2**62):  # beyond a database integer
        raise BadCursor("the cursor is not one this API gave out")
    if bound != _scope(scope):
        raise BadCursor("the cursor belongs to another query; repeat the query without it")
    return position
