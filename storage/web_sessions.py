"""Login sessions of the staff page: a random token in an HttpOnly cookie, only its SHA-256 in the index.

A session ends at logout, after ``lifetime`` in any case, or after ``idle`` without a request; a disabled
account's sessions end at once (``end_all``). Each session carries its own CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from storage.index import Index
from storage.web_schema import WebSessionRow

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often (not a write per request)


@dataclass(frozen=True)
class WebSession:
    token_sha256: str
    user_name: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime

    def csrf_matches(self, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(self.csrf_token, presented or "")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _session(row: WebSessionRow) -> WebSession:
    return WebSession(row.token_sha256, row.user_name, row.csrf_token, _aware(row.created_at),
                      _aware(row.expires_at))


def start(index: Index, user_name: str, lifetime: timedelta) -> tuple[str, WebSession]:
    """A new session for ``user_name``: (the cookie's token, the session). The token is never stored."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    row = WebSessionRow(token_sha256=_digest(token), user_name=user_name, csrf_token=secrets.token_urlsafe(32),
                        created_at=now, last_seen_at=now, expires_at=now + lifetime)
    with index.session() as s:
        s.add(row)
    return token, _session(row)


def lookup(index: Index, token: str | None, idle: timedelta) -> WebSession | None:
    """The live session of a cookie's token, or None (unknown, expired or idle too long: then removed)."""
    if not token or len(token) > 100:
        return None
    now = datetime.now(UTC)

    def work(s) -> WebSession | None:
        row = s.get(WebSessionRow, _digest(token))
        if row is None:
            return None
        if _aware(row.expires_at) <= now or now - _aware(row.last_seen_at) > idle:
            s.delete(row)
            return None
        if now - _aware(row.last_seen_at) > TOUCH_EVERY:
            row.last_seen_at = now
        return _session(row)

    return index.transaction(work)


def end(index: Index, token: str | None) -> None:
    if token:
        with index.session() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.token_sha256 == _digest(token)))


def end_all(index: Index, user_name: str) -> int:
    """End every session of a user (disabled, or password changed)."""
    with index.session() as s:
        return s.execute(delete(WebSessionRow).where(WebSessionRow.user_name == user_name)).rowcount or 0


def purge_expired(index: Index) -> int:
    with index.session() as s:
        now = datetime.now(UTC)
        return s.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now)).rowcount or 0
