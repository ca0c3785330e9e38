"""The index's schema, managed by Alembic migrations (``storage/migrations``), run from code.

Opening an index brings its schema to the newest revision (``ensure``); ``sohoa db upgrade`` / ``sohoa db
current`` do the same by hand. Many workers on many machines may open the same index at once, so the upgrade
runs under a lock and looks at the revision again once it holds it:

* PostgreSQL: a transaction-scoped advisory lock, taken in the very transaction that migrates (DDL is
  transactional there, so a failed upgrade leaves the schema as it was);
* SQLite: ``BEGIN IMMEDIATE`` (the database's write lock), with the migrations inside that transaction.

An index made before migrations existed (``create_all``: tables but no ``alembic_version``) is adopted: the
first revision creates only what such an index lacks, then the rest of the history runs as usual.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from storage.db_errors import SchemaOutOfDate, SchemaTooNew
from storage.engine import RETRY_SECONDS, describe, with_retry

log = logging.getLogger(__name__)

SCRIPT_LOCATION = "storage:migrations"
# pg_advisory_xact_lock key: any constant of our own ("sohoa" in ASCII), shared by every sohoa process.
_PG_LOCK_KEY = 0x736F686F61
_SQLITE_LOCK_WAIT = 600.0  # seconds a process waits for another one's migration before giving up


@dataclass(frozen=True)
class SchemaState:
    current: tuple[str, ...]  # revisions stamped in the database; () when it has never been migrated
    head: str  # the newest revision this sohoa knows
    legacy: bool  # tables made before migrations, not stamped yet

    @property
    def up_to_date(self) -> bool:
        return self.current == (self.head,)


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    found = scripts().get_current_head()
    assert found is not None, "storage/migrations/versions has no revision"
    return found


def _state(conn: Connection) -> SchemaState:
    current = MigrationContext.configure(conn).get_current_heads()
    legacy = not current and inspect(conn).has_table("documents")
    return SchemaState(current=tuple(current), head=head(), legacy=legacy)


def state(engine: Engine, *, retry_seconds: float = RETRY_SECONDS) -> SchemaState:
    def look() -> SchemaState:
        with engine.connect() as conn:
            return _state(conn)

    return with_retry(engine, look, seconds=retry_seconds)


def _check_known(engine: Engine, current: tuple[str, ...]) -> None:
    known = {rev.revision for rev in scripts().walk_revisions()}
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise SchemaTooNew(
            f"database {describe(engine)} is at revision {', '.join(unknown)}, which this sohoa does not know "
            f"(its newest is {head()}): it was migrated by a newer sohoa; upgrade sohoa here"
        )


def ensure(engine: Engine, *, upgrade: bool = True, retry_seconds: float = RETRY_SECONDS) -> SchemaState:
    """The schema at head: upgraded when behind (or ``SchemaOutOfDate`` when ``upgrade`` is off)."""
    found = state(engine, retry_seconds=retry_seconds)
    if found.up_to_date:
        return found
    _check_known(engine, found.current)
    if not upgrade:
        raise SchemaOutOfDate(
            f"database {describe(engine)} is at {', '.join(found.current) or 'no revision'}, sohoa needs "
            f"{found.head}: run `sohoa db upgrade`"
        )
    return upgrade_to_head(engine)


def upgrade_to_head(engine: Engine) -> SchemaState:
    """Run the missing migrations under the cross-process lock; a no-op when another process just did."""
    with _locked(engine) as conn:
        before = _state(conn)
        _check_known(engine, before.current)
        if not before.up_to_date:
            if before.legacy:
                log.warning("adopting index %s made before migrations", describe(engine))
            log.info("upgrading index %s from %s to %s", describe(engine), before.current or "empty", before.head)
            command.upgrade(alembic_config(conn), "head")
        after = _state(conn)
    return after


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            yield conn
        return
    with _sqlite_immediate(engine) as conn:
        yield conn


@contextmanager
def _sqlite_immediate(engine: Engine) -> Iterator[Connection]:
    """A connection inside ``BEGIN IMMEDIATE``: the write lock is ours until commit, DDL included.

    pysqlite opens transactions only before DML by itself, so its own transaction handling is turned off for
    this one connection and the transaction is begun by hand (and restored before the pool gets it back).
    """
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        saved = dbapi.isolation_level  # type: ignore[union-attr]
        dbapi.isolation_level = None  # type: ignore[union-attr]
        try:
            deadline = time.monotonic() + _SQLITE_LOCK_WAIT
            while True:
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    break
                except OperationalError as exc:  # busy_timeout ran out while another process migrates
                    conn.rollback()
                    if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                        raise
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            dbapi.isolation_level = saved  # type: ignore[union-attr]

