"""API keys: created with scopes, shown once, stored as a hash, looked up by their public id, revoked.

A key reads ``sohoa_<key id>_<secret>``: the id (60 random bits) finds the row without scanning; the secret
(256 random bits) is checked against its SHA-256. A slow password hash (Argon2, bcrypt) protects secrets a
person chose; a 256-bit random secret cannot be guessed, and one SHA-256 keeps each request's check in
microseconds instead of the tens of milliseconds Argon2 would add to every call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ingest.errors import SohoaError
from storage.access_schema import ApiKeyRow
from storage.index import Index

SCOPES = ("intake", "staff", "admin", "sensitive")
PREFIX = "sohoa"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TOKEN = re.compile(r"^sohoa_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$")


class ApiKeyError(SohoaError):
    code = "api_key_error"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: frozenset[str]
    rate_limit: float | None
    created_at: datetime
    created_by: str
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "key_id": self.key_id,
            "scopes": sorted(self.scopes),
            "rate_limit": self.rate_limit,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "created_by": self.created_by,
            "revoked_at": self.revoked_at.isoformat(timespec="seconds") if self.revoked_at else None,
        }


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a presented token: the key when valid, else why not (for the 401's detail)."""

    key: ApiKey | None
    reason: str  # ok | malformed | unknown | wrong_secret | revoked


def _digest(key_id: str, secret: str) -> str:
    return hashlib.sha256(f"{key_id}:{secret}".encode()).hexdigest()


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        key_id=row.key_id,
        name=row.name,
        scopes=frozenset(row.scopes.split()),
        rate_limit=row.rate_limit,
        created_at=_aware(row.created_at),
        created_by=row.created_by,
        revoked_at=_aware(row.revoked_at) if row.revoked_at else None,
    )


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def create_key(
    index: Index, name: str, scopes: list[str] | tuple[str, ...], *, created_by: str, rate_limit: float | None = None
) -> tuple[ApiKey, str]:
    """A new key and its token; the token exists only in the return value, never in the database."""
    if not _NAME.match(name):
        raise ApiKeyError("a key name is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ApiKeyError(f"scopes must be among {', '.join(SCOPES)} (got {', '.join(unknown) or 'none'})")
    if rate_limit is not None and rate_limit <= 0:
        raise ApiKeyError("the rate limit must be a positive number of requests per second")
    key_id = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()[:12]
    secret = secrets.token_urlsafe(32)  # 43 characters, 256 bits
    row = ApiKeyRow(
        key_id=key_id,
        name=name,
        scopes=" ".join(s for s in SCOPES if s in scopes),
        secret_sha256=_digest(key_id, secret),
        rate_limit=rate_limit,
        created_at=datetime.now(UTC),
        created_by=created_by,
        revoked_at=None,
    )
    try:
        with index.session() as s:
            s.add(row)
    except IntegrityError:
        raise ApiKeyError(f"an API key named {name!r} already exists (revoked keys keep their name)") from None
    return _key(row), f"{PREFIX}_{key_id}_{secret}"


def verify(index: Index, token: str) -> Verdict:
    match = _TOKEN.match(token)
    if not match:
        return Verdict(None, "malformed")
    key_id, secret = match.groups()
    with index.session() as s:
        row = s.get(ApiKeyRow, key_id)
        if row is None:
            return Verdict(None, "unknown")
        if not hmac.compare_digest(row.secret_sha256, _digest(key_id, secret)):
            return Verdict(None, "wrong_secret")
        key = _key(row)
    return Verdict(key, "ok" if key.active else "revoked")


def list_keys(index: Index) -> list[ApiKey]:
    with index.session() as s:
        return [_key(r) for r in s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.name))]


def revoke(index: Index, name: str) -> ApiKey:
    with index.session() as s:
        row = s.scalars(select(ApiKeyRow).where(ApiKeyRow.name == name)).first()
        if row is None:
            raise ApiKeyError(f"no API key named {name!r}", code="api_key_not_found")
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
        return _key(row)
