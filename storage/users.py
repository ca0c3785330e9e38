"""Staff accounts for the records office's page: Argon2id password hashes, roles, disabling, a lockout after
repeated failed logins, and the time of the last login.

Logging in never tells an unknown name from a wrong password: an unknown (or disabled, or locked) name is
checked against a dummy hash made with the same parameters, so every attempt costs one Argon2 verification,
and failed attempts are counted per name whether or not the account exists.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ingest.errors import SohoaError
from storage.index import Index
from storage.staff_schema import LoginThrottleRow, StaffUserRow

log = logging.getLogger(__name__)

ROLES = ("staff", "admin")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_MAX_PASSWORD = 1024  # Argon2 takes any length; a megabyte "password" is an attack on the CPU


class UserError(SohoaError):
    code = "user_error"


class InvalidUserNameError(UserError):
    code = "invalid_user_name"


class WeakPasswordError(UserError):
    code = "weak_password"


class UserExistsError(UserError):
    code = "user_exists"


class UserNotFoundError(UserError):
    code = "user_not_found"


class LoginFailedError(SohoaError):
    """Wrong name or password, or a disabled account: the same error for all, on purpose."""

    code = "invalid_credentials"

    def __init__(self, message: str = "wrong user name or password", *, code: str | None = None) -> None:
        super().__init__(message, code=code)


class AccountLockedError(LoginFailedError):
    code = "account_locked"

    def __init__(self, message: str = "too many failed logins: try again later", *, until: datetime | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.until = until


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)  # failures older than this are forgotten
    lockout: timedelta = timedelta(minutes=15)
    min_password_length: int = 10

    @classmethod
    def from_settings(cls, settings) -> LoginPolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(seconds=settings.login_failure_window_seconds),
            lockout=timedelta(seconds=settings.login_lockout_seconds),
            min_password_length=settings.min_password_length,
        )


@dataclass(frozen=True)
class User:
    name: str
    role: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    locked_until: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def as_json(self) -> dict:
        def iso(t):
            return t.isoformat(timespec="seconds") if t else None

        return {"name": self.name, "role": self.role, "disabled": self.disabled, "created_at": iso(self.created_at),
                "last_login_at": iso(self.last_login_at), "locked_until": iso(self.locked_until)}


def _utc(when: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; every time stored here is UTC.
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def normalize_name(name: str) -> str:
    """User names are case-insensitive: stored and compared in lower case."""
    value = (name or "").strip().lower()
    if not _NAME.match(value):
        raise InvalidUserNameError(
            "a user name is 1-64 characters: letters a-z, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return value


class Users:
    """The staff accounts in the index. ``now`` is injectable so lockout periods can be tested."""

    def __init__(self, index: Index, policy: LoginPolicy | None = None, *, hasher: PasswordHasher | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.index = index
        self.policy = policy or LoginPolicy()
        self.hasher = hasher or PasswordHasher()
        self.now = now or (lambda: datetime.now(UTC))

    @cached_property
    def _dummy_hash(self) -> str:
        # Same parameters as real hashes, so verifying against it takes as long.
        return self.hasher.hash("sohoa: not a password of anyone")

    # -- managing accounts -------------------------------------------------------------------------------

    def check_password(self, name: str, password: str) -> None:
        if len(password) < self.policy.min_password_length:
            raise WeakPasswordError(f"the password must have at least {self.policy.min_password_length} characters")
        if len(password) > _MAX_PASSWORD:
            raise WeakPasswordError(f"the password must have at most {_MAX_PASSWORD} characters")
        if password.strip().lower() == name:
            raise WeakPasswordError("the password must not be the user name")

    def create(self, name: str, password: str, role: str = "staff") -> User:
        name = normalize_name(name)
        if role not in ROLES:
            raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}", code="invalid_role")
        self.check_password(name, password)
        hashed = self.hasher.hash(password)
        with self.index.session() as s:
            if s.get(StaffUserRow, name) is not None:
                raise UserExistsError(f"user {name!r} exists already")
            row = StaffUserRow(name=name, role=role, password_hash=hashed, disabled=False, created_at=self.now())
            s.add(row)
        log.info("user %s created with role %s", name, role)
        return self.get(name)

    def get(self, name: str) -> User:
        name = normalize_name(name)
        with self.index.session() as s:
            row = s.get(StaffUserRow, name)
            if row is None:
                raise UserNotFoundError(f"no user {name!r}")
            return self._user(row, s.get(LoginThrottleRow, name))

    def list_users(self) -> list[User]:
        with self.index.session() as s:
            throttles = {t.name: t for t in s.scalars(select(LoginThrottleRow))}
            rows = s.scalars(select(StaffUserRow).order_by(StaffUserRow.name))
            return [self._user(r, throttles.get(r.name)) for r in rows]

    def set_disabled(self, name: str, disabled: bool) -> User:
        self._update(name, disabled=disabled)
        log.info("user %s %s", normalize_name(name), "disabled" if disabled else "enabled")
        return self.get(name)

    def set_password(self, name: str, password: str) -> User:
        name = normalize_name(name)
        self.check_password(name, password)
        self._update(name, password_hash=self.hasher.hash(password))
        self.unlock(name)
        return self.get(name)

    def unlock(self, name: str) -> None:
        with self.index.session() as s:
            row = s.get(LoginThrottleRow, normalize_name(name))
            if row is not None:
                s.delete(row)

    def _update(self, name: str, **values) -> None:
        name = normalize_name(name)
        with self.index.session() as s:
            row = s.get(StaffUserRow, name)
            if row is None:
                raise UserNotFoundError(f"no user {name!r}")
            for key, value in values.items():
                setattr(row, key, value)

    def _user(self, row: StaffUserRow, throttle: LoginThrottleRow | None) -> User:
        locked = _utc(throttle.locked_until) if throttle is not None else None
        if locked is not None and locked <= self.now():
            locked = None
        return User(row.name, row.role, row.disabled, _utc(row.created_at), _utc(row.last_login_at), locked)

    # -- logging in --------------------------------------------------------------------------------------

    def verify(self, name: str, password: str) -> User:
        """The user, when ``password`` is theirs and the account is enabled and not locked out; otherwise
        AccountLockedError or LoginFailedError, after the same Argon2 work in every case."""
        try:
            key = normalize_name(name)
        except InvalidUserNameError:
            self._check(self._dummy_hash, password)
            raise LoginFailedError() from None
        now = self.now()
        # Failures are committed before the error is raised: raising inside the session would roll them back.
        with self.index.session() as s:
            throttle = s.get(LoginThrottleRow, key)
            locked_until = _utc(throttle.locked_until) if throttle is not None else None
            if locked_until is not None and locked_until > now:
                self._check(self._dummy_hash, password)
                user, failure = None, AccountLockedError(until=locked_until)
            else:
                row = s.get(StaffUserRow, key)
                ok = self._check(row.password_hash if row is not None else self._dummy_hash, password)
                if ok and row is not None and not row.disabled:
                    if throttle is not None:
                        s.delete(throttle)
                    row.last_login_at = now
                    if self.hasher.check_needs_rehash(row.password_hash):
                        row.password_hash = self.hasher.hash(password)
                    user, failure = self._user(row, None), None
                else:
                    locked = self._count_failure(s, key, throttle, now)
                    log.info("failed login for %s%s", key, "; locked out" if locked else "")
                    user, failure = None, AccountLockedError(until=locked) if locked else LoginFailedError()
        if failure is not None:
            raise failure
        return user

    def _check(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password[:_MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            return False

    def _count_failure(self, s, key: str, throttle: LoginThrottleRow | None, now: datetime) -> datetime | None:
        """Count one failed login; the lockout's end when this one reached the limit."""
        if throttle is None:
            throttle = LoginThrottleRow(name=key, failures=0)
            s.add(throttle)
        first = _utc(throttle.first_failure_at)
        if first is None or now - first >= self.policy.window:
            throttle.failures, throttle.first_failure_at = 0, now
        throttle.failures += 1
        throttle.locked_until = None
        if throttle.failures >= self.policy.max_failures:
            throttle.failures, throttle.first_failure_at = 0, None
            throttle.locked_until = now + self.policy.lockout
            return throttle.locked_until
        return None
