"""SQLAlchemy engines for the index: SQLite (embedded default) or PostgreSQL through psycopg 3, and riding out
a database restart (connection errors are retried with backoff; anything else is raised at once)."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError, DBAPIError

from config.urls import mask_url
from storage.db_errors import DatabaseError, DatabaseUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

CONNECT_TIMEOUT = 10  # seconds; an unreachable host must not hang a worker for the TCP default (minutes)
RETRY_SECONDS = 30.0  # how long an operation keeps retrying while the server restarts
# Connection exceptions, and the server shutting down or not yet accepting connections.
_TRANSIENT_STATES = ("57P01", "57P02", "57P03")


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL; ``postgresql://`` means psycopg 3, the driver sohoa ships."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError(f"not a database URL: {mask_url(url)!r}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"the index runs on SQLite or PostgreSQL, not {parsed.get_backend_name()!r}")
    return parsed


SQLITE_SYNCHRONOUS = ("full", "normal")


def _sqlite_pragmas(synchronous: str):
    def on_connect(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        # WAL lets readers (the CLI, the API) run while a batch writes; the timeout rides out short write locks.
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        _switch_to_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cur.close()

    return on_connect


SQLITE_BUSY_MS = 30_000


def _switch_to_wal(cur) -> None:
    """``journal_mode=WAL``, waiting while another process switches the same new file: SQLite answers that
    switch "database is locked" at once, without its busy handler (processes opening a new index together,
    such as pool or rq workers, failed so about once in 150 openings), so the wait is ours."""
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_synchronous(parsed: URL) -> tuple[URL, str]:
    """``?synchronous=normal`` on a SQLite URL: in WAL mode, commits stop waiting for the disk (fsync) and
    only checkpoints sync; a power cut (not a crash of sohoa) may roll back the last commits. ``full``
    (the default) makes every commit durable before it returns."""
    value = str(parsed.query.get("synchronous", "full")).lower()
    if value not in SQLITE_SYNCHRONOUS:
        raise DatabaseError(f"synchronous={value!r} on a SQLite URL: use one of {', '.join(SQLITE_SYNCHRONOUS)}")
    return parsed.difference_update_query(["synchronous"]), value


def make_engine(url: str) -> Engine:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # No pre-ping: a file has no server that could have gone away, and the ping is a query per checkout.
        parsed, synchronous = _sqlite_synchronous(parsed)
        engine = create_engine(parsed, json_deserializer=orjson.loads)
        event.listen(engine, "connect", _sqlite_pragmas(synchronous))
    else:
        # pool_pre_ping: a pooled connection that died with a server restart is replaced before it is used.
        engine = create_engine(
            parsed,
            pool_pre_ping=True,
            json_deserializer=orjson.loads,
            connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "sohoa"},
        )
    _forget_pool_in_forked_children(engine)
    return engine


def _forget_pool_in_forked_children(engine: Engine) -> None:
    """A forked child (an rq work horse) must not use the parent's pooled connections: two processes on one
    socket corrupt both sessions. The child drops the pool without closing what the parent still uses."""
    ref = weakref.ref(engine)

    def in_child() -> None:
        forked = ref()
        if forked is not None:
            forked.dispose(close=False)

    os.register_at_fork(after_in_child=in_child)


def describe(engine: Engine) -> str:
    """The engine's URL with its password masked."""
    return engine.url.render_as_string(hide_password=True)


def is_transient(exc: BaseException) -> bool:
    """A lost or refused connection to PostgreSQL (worth retrying), as opposed to an error in what we asked."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    orig = exc.orig
    if not isinstance(orig, psycopg.OperationalError):
        return False
    state = orig.sqlstate
    return state is None or state.startswith("08") or state in _TRANSIENT_STATES


def unavailable(engine: Engine, exc: BaseException) -> DatabaseUnavailable:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    return DatabaseUnavailable(f"database {describe(engine)} unavailable: {reason}")


def with_retry(engine: Engine, work: Callable[[], T], *, seconds: float = RETRY_SECONDS) -> T:
    """Run ``work`` (one whole transaction, safe to run again), retrying while the connection is lost.

    Only PostgreSQL is retried: SQLite has no connection to lose, and its busy timeout covers locks.
    """
    if engine.dialect.name != "postgresql":
        return work()
    deadline = time.monotonic() + seconds
    delay = 0.2
    while True:
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            if time.monotonic() + delay > deadline:
                raise unavailable(engine, exc) from exc
            log.warning("database connection lost (%s); retrying in %.1f s", type(exc.orig).__name__, delay)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
