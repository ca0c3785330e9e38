"""Staff accounts: Argon2 hashes, roles, disabling, lockout after failed logins, last login; and the CLI."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select as sql_select

from storage.index import Index
from storage.staff_schema import StaffUserRow
from storage.users import (
    AccountLockedError,
    InvalidUserNameError,
    LoginFailedError,
    LoginPolicy,
    UserExistsError,
    UserNotFoundError,
    Users,
    WeakPasswordError,
)
from tests.conftest import SOHOA, json_lines, run_sohoa

FAST = dict(time_cost=1, memory_cost=1024, parallelism=1)  # real Argon2id, cheap enough for many tests


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


class SpyHasher(PasswordHasher):
    """A real hasher that remembers which hashes it was asked to verify against."""

    def __init__(self) -> None:
        super().__init__(**FAST)
        self.verified: list[str] = []

    def verify(self, hash, password):
        self.verified.append(hash)
        return super().verify(hash, password)


@pytest.fixture
def env(tmp_path):
    index = Index(f"sqlite:///{tmp_path / 'index.sqlite3'}")
    clock, hasher = Clock(), SpyHasher()
    users = Users(index, LoginPolicy(max_failures=3, window=timedelta(minutes=10), lockout=timedelta(minutes=15),
                                     min_password_length=10), hasher=hasher, now=clock)
    users.create("Can.Bo.A", "mật khẩu rất dài", "staff")
    return users, clock, hasher, index


def test_create_stores_an_argon2id_hash_and_login_tracks_last_login(env):
    users, clock, _, index = env
    with index.session() as s:
        row = s.scalars(sql_select(StaffUserRow)).one()
    assert row.name == "can.bo.a" and row.password_hash.startswith("$argon2id$")
    assert "mật khẩu" not in row.password_hash
    assert users.get("can.bo.a").last_login_at is None
    clock.advance(minutes=5)
    logged = users.verify("CAN.BO.A", "mật khẩu rất dài")  # names are case-insensitive, passwords are not
    assert logged.role == "staff" and logged.last_login_at == clock.t
    assert users.get("can.bo.a").last_login_at == clock.t
    with pytest.raises(LoginFailedError) as info:
        users.verify("can.bo.a", "MẬT KHẨU RẤT DÀI")
    assert info.value.code == "invalid_credentials"


def test_unknown_and_disabled_users_fail_like_a_wrong_password_after_the_same_work(env):
    users, _, hasher, _ = env
    errors = []
    for name, password in (("can.bo.a", "wrong password!"), ("nobody", "wrong password!"), ("Bad Name!", "x")):
        hasher.verified.clear()
        with pytest.raises(LoginFailedError) as info:
            users.verify(name, password)
        errors.append((type(info.value), info.value.code, info.value.message))
        assert len(hasher.verified) == 1  # one Argon2 verification, known name or not
        assert hasher.verified[0].startswith("$argon2id$")
    assert len(set(errors)) == 1  # nothing tells the three apart
    users.set_disabled("can.bo.a", True)
    with pytest.raises(LoginFailedError):
        users.verify("can.bo.a", "mật khẩu rất dài")
    assert users.get("can.bo.a").disabled
    users.set_disabled("can.bo.a", False)
    assert users.verify("can.bo.a", "mật khẩu rất dài").name == "can.bo.a"


def test_lockout_after_repeated_failures_and_its_end(env):
    users, clock, hasher, _ = env
    for _ in range(2):
        with pytest.raises(LoginFailedError) as info:
            users.verify("can.bo.a", "guess guess 1")
        assert not isinstance(info.value, AccountLockedError)
    with pytest.raises(AccountLockedError) as info:
        users.verify("can.bo.a", "guess guess 3")
    assert info.value.until == clock.t + timedelta(minutes=15)
    assert users.get("can.bo.a").locked_until == info.value.until
    clock.advance(minutes=14)
    hasher.verified.clear()
    with pytest.raises(AccountLockedError):
        users.verify("can.bo.a", "mật khẩu rất dài")  # even the right password, while locked
    assert len(hasher.verified) == 1 and hasher.verified[0] == users._dummy_hash
    clock.advance(minutes=2)
    assert users.verify("can.bo.a", "mật khẩu rất dài").name == "can.bo.a"
    assert users.get("can.bo.a").locked_until is None


def test_failures_outside_the_window_are_forgotten_and_a_login_clears_them(env):
    users, clock, _, _ = env
    for _ in range(2):
        with pytest.raises(LoginFailedError):
            users.verify("can.bo.a", "guess guess 1")
    clock.advance(minutes=11)  # the window is 10 minutes: a fresh count starts
    for _ in range(2):
        with pytest.raises(LoginFailedError) as info:
            users.verify("can.bo.a", "guess guess 2")
        assert not isinstance(info.value, AccountLockedError)
    users.verify("can.bo.a", "mật khẩu rất dài")
    for _ in range(2):  # the successful login reset the count
        with pytest.raises(LoginFailedError) as info:
            users.verify("can.bo.a", "guess guess 3")
        assert not isinstance(info.value, AccountLockedError)


def test_unknown_names_lock_out_too_so_a_lockout_reveals_no_account(env):
    users, _, _, _ = env
    for _ in range(2):
        with pytest.raises(LoginFailedError):
            users.verify("ghost", "guess guess 1")
    with pytest.raises(AccountLockedError):
        users.verify("ghost", "guess guess 1")


def test_unlock_and_new_password(env):
    users, _, _, _ = env
    for _ in range(3):
        with pytest.raises(LoginFailedError):
            users.verify("can.bo.a", "guess guess 1")
    users.unlock("can.bo.a")
    assert users.verify("can.bo.a", "mật khẩu rất dài")
    for _ in range(3):
        with pytest.raises(LoginFailedError):
            users.verify("can.bo.a", "guess guess 1")
    users.set_password("can.bo.a", "một mật khẩu mới")  # lifts the lockout as well
    assert users.verify("can.bo.a", "một mật khẩu mới")
    with pytest.raises(LoginFailedError):
        users.verify("can.bo.a", "mật khẩu rất dài")


def test_weaker_hashes_are_upgraded_at_login(tmp_path):
    index = Index(f"sqlite:///{tmp_path / 'i.sqlite3'}")
    Users(index, hasher=PasswordHasher(**FAST)).create("an", "mật khẩu rất dài")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    Users(index, hasher=stronger).verify("an", "mật khẩu rất dài")
    with index.session() as s:
        assert "m=2048,t=2" in s.get(StaffUserRow, "an").password_hash


def test_bad_accounts_are_refused(env):
    users, _, _, _ = env
    with pytest.raises(UserExistsError):
        users.create("CAN.BO.A", "another long one", "staff")
    with pytest.raises(WeakPasswordError):
        users.create("b", "short", "staff")
    with pytest.raises(WeakPasswordError):
        users.create("averylongname", "AVERYLONGNAME", "staff")
    with pytest.raises(InvalidUserNameError):
        users.create("có dấu", "mật khẩu rất dài", "staff")
    with pytest.raises(UserNotFoundError):
        users.set_disabled("nobody", True)
    assert [u.name for u in users.list_users()] == ["can.bo.a"]


# -- the CLI --------------------------------------------------------------------------------------------


def test_user_commands(tmp_path):
    home = tmp_path / "home"
    created = run_sohoa_stdin(home, "mật khẩu rất dài\n", "user", "create", "Lan", "--role", "admin",
                              "--password-stdin")
    assert created.returncode == 0, created.stderr
    listed = json_lines(run_sohoa(home, "user", "list", "--json", check=True).stdout)
    assert [(u["name"], u["role"], u["disabled"], u["last_login_at"]) for u in listed] == [
        ("lan", "admin", False, None)
    ]
    assert run_sohoa_stdin(home, "mật khẩu rất dài\n", "user", "create", "lan", "--password-stdin").returncode == 1
    short = run_sohoa_stdin(home, "short\n", "user", "create", "minh", "--password-stdin")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    no_tty = run_sohoa_stdin(home, "", "user", "create", "minh")
    assert no_tty.returncode == 2 and "--password-stdin" in no_tty.stderr
    run_sohoa(home, "user", "disable", "lan", check=True)
    assert json_lines(run_sohoa(home, "user", "list", "--json", check=True).stdout)[0]["disabled"] is True
    assert run_sohoa(home, "user", "disable", "nobody").returncode == 1
    assert "disabled" in run_sohoa(home, "user", "list", check=True).stdout


def run_sohoa_stdin(home, stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOHOA_HOME": str(home)}
    return subprocess.run([SOHOA, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_password_is_read_from_the_terminal(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "SOHOA_HOME": str(home), "TERM": "dumb"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, as when a clerk types at a shell
        os.execve(SOHOA, [SOHOA, "user", "create", "thu", "--role", "staff"], env)
    seen = b""
    for answer in ("mật khẩu từ bàn phím\n", "mật khẩu từ bàn phím\n"):
        seen += _read_until(fd, b":")
        os.write(fd, answer.encode())
    seen += _read_until(fd, None)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert "mật khẩu".encode() not in seen  # not echoed
    assert Users(Index(f"sqlite:///{home / 'index.sqlite3'}"), hasher=PasswordHasher()).verify(
        "thu", "mật khẩu từ bàn phím").name == "thu"


def _read_until(fd: int, marker: bytes | None, timeout: float = 60.0) -> bytes:
    data, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            return data
        if not chunk:
            return data
        data += chunk
        if marker is not None and marker in chunk:
            return data
    raise AssertionError(f"no {marker!r} from the terminal within {timeout} s: {data!r}")
