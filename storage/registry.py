"""The citizen registry: streaming CSV import (upsert); the lookups matching needs are in ``registry_lookup``.

Import speed matters (the national extract is millions of rows): rows go to the database as plain tuples in
big transactions (SQLite: the driver's executemany; PostgreSQL: COPY into a staging table, see
``registry_pg``), and when the table starts empty its secondary indexes are dropped for the load and rebuilt
once at the end.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection, Engine

from extract.names import name_keys
from storage import migrate
from storage.prefetch import prefetch
from storage.registry_schema import BLOCKING_INDEXES, CitizenRow

log = logging.getLogger(__name__)

REQUIRED = ("citizen_id", "full_name", "date_of_birth", "gender")
OPTIONAL = ("old_id_number", "place_of_origin", "permanent_address")
MAX_REPORTED = 20  # rejected rows kept with line number and reason; the rest are only counted
DEFAULT_BATCH = 20_000
_TABLE = CitizenRow.__table__
_COLUMNS = [c.name for c in _TABLE.columns]
_ID = re.compile(r"^\d{12}$")
_OLD_ID = re.compile(r"^(\d{9}|\d{12})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


class RegistryHeaderError(ValueError):
    """The file has no usable header: nothing can be imported."""


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass(frozen=True)
class ImportStats:
    rows_read: int
    inserted: int
    updated: int  # existing citizens whose row changed (an ID repeated in the file counts here too)
    unchanged: int  # existing citizens already exactly so (or, when the driver cannot tell, 0)
    rejected: int
    rejections: tuple[Rejected, ...]  # the first MAX_REPORTED
    seconds: float
    indexes_rebuilt: bool

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


def engine_of(target: object) -> Engine:
    return target if isinstance(target, Engine) else target.engine  # type: ignore[attr-defined]


def _text(value: str) -> str | None:
    if not value:
        return None
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return " ".join(value.split()) or None


class _Positions:
    """Where each table field sits in a CSV record (the optional columns may be absent)."""

    def __init__(self, header: list[str]) -> None:
        at = {name: i for i, name in enumerate(header)}
        self.cid, self.name, self.born, self.gender = (at[c] for c in REQUIRED)
        self.old_id, self.origin, self.address = (at.get(c) for c in OPTIONAL)

    @staticmethod
    def get(record: list[str], i: int | None) -> str:
        return record[i] if i is not None else ""


def _row(record: list[str], at: _Positions) -> tuple | str:
    """The table row for one CSV record, or why it is rejected."""
    if any("\ufffd" in v for v in record):
        return "not UTF-8"
    cid = record[at.cid].strip()
    if not _ID.match(cid):
        return "citizen_id must be 12 digits"
    keys = name_keys(record[at.name])
    if not keys.folded:
        return "full_name is empty"
    born = record[at.born].strip()
    if _YEAR.match(born):
        dob, year = None, int(born)
    elif _ISO_DATE.match(born):
        try:
            dob, year = born, date.fromisoformat(born).year
        except ValueError:
            return "date_of_birth is not a real date"
    else:
        return "date_of_birth must be YYYY-MM-DD (or YYYY)"
    gender = record[at.gender].strip().lower()
    if gender not in ("male", "female"):
        return "gender must be male or female"
    old_id = at.get(record, at.old_id).strip() or None
    if old_id is not None and not _OLD_ID.match(old_id):
        return "old_id_number must be 9 or 12 digits"
    # Same order as _COLUMNS (the table's column order).
    return (
        cid,
        keys.exact,
        dob,
        year,
        gender,
        old_id,
        _text(at.get(record, at.origin)),
        _text(at.get(record, at.address)),
        keys.variant,
        cid[:3],
    )


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise RegistryHeaderError("the file is empty") from None
    except csv.Error as exc:
        raise RegistryHeaderError(f"unreadable header: {exc}") from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise RegistryHeaderError(f"header lacks {', '.join(missing)} (found: {', '.join(names) or 'nothing'})")
    return names


def _upsert_statement(conn: Connection):
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        raise NotImplementedError(f"registry import supports SQLite and PostgreSQL, not {dialect}")
    stmt = insert(_TABLE)
    data = [c for c in _COLUMNS if c != "citizen_id"]
    # Unchanged rows are left alone: a monthly full re-import then writes (and re-indexes) only what changed.
    return stmt.on_conflict_do_update(
        index_elements=["citizen_id"],
        set_={c: stmt.excluded[c] for c in data},
        where=or_(*(_TABLE.c[c].is_distinct_from(stmt.excluded[c]) for c in data)),
    )


def count_rows(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(_TABLE)).scalar_one()


class _Writer:
    """Sends batches through the fastest path the dialect offers (PostgreSQL: ``registry_pg.CopyWriter``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        stmt = _upsert_statement(conn)
        compiled = stmt.compile(dialect=conn.dialect, column_keys=_COLUMNS)
        # SQLite: positional SQL straight to sqlite3's executemany, no per-row dict building.
        self.raw_sql = str(compiled) if conn.dialect.name == "sqlite" and compiled.positiontup == _COLUMNS else None
        self.stmt = stmt

    def write(self, rows: list[tuple]) -> int:
        """Rows inserted or changed, or -1 when the driver does not say."""
        if self.raw_sql is not None:
            result = self.conn.exec_driver_sql(self.raw_sql, rows)
        else:
            result = self.conn.execute(self.stmt, [dict(zip(_COLUMNS, r, strict=True)) for r in rows])
        return result.rowcount if result.rowcount is not None else -1

    def close(self) -> None:
        pass


def _writer(conn: Connection):
    if conn.dialect.name == "postgresql":
        from storage.registry_pg import CopyWriter

        return CopyWriter(conn, _TABLE.name, _COLUMNS, "citizen_id")
    return _Writer(conn)


def _sqlite_import_pragmas(conn: Connection) -> dict[str, object]:
    if conn.dialect.name != "sqlite":
        return {}
    before = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("synchronous", "cache_size")}
    # NORMAL is safe in WAL mode (a crash loses the last commits, never the file) and syncs only at
    # checkpoints; a bigger page cache keeps the primary-key B-tree in memory during random-order inserts.
    conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
    conn.exec_driver_sql("PRAGMA cache_size=-262144")
    return before


@dataclass
class _Tally:
    """Counters of one import, filled while the rows stream past."""

    rows_read: int = 0
    rejected: int = 0
    rejections: list[Rejected] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REPORTED:
            self.rejections.append(Rejected(line, reason))


def _parsed_rows(reader, names: list[str], tally: _Tally) -> Iterator[tuple]:
    width, at = len(names), _Positions(names)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            tally.rows_read += 1
            tally.reject(reader.line_num, f"malformed CSV: {exc}")
            continue
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        tally.rows_read += 1
        result = _row(record, at) if len(record) == width else f"{len(record)} field(s) where the header has {width}"
        if isinstance(result, str):
            tally.reject(reader.line_num, result)
        else:
            yield result


def _batches(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    batch: dict[str, tuple] = {}
    for row in rows:
        batch[row[0]] = row  # within one batch the last row for an ID wins, as it would row by row
        if len(batch) >= size:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


def _load(conn: Connection, batches: Iterator[list[tuple]], after_batch: Callable[[], None]) -> int:
    """Writes every batch in its own transaction; rows inserted or changed, or -1 when unknown."""
    writer = _writer(conn)
    changed = 0
    for batch in batches:
        n = writer.write(batch)
        changed = -1 if changed < 0 or n < 0 else changed + n
        conn.commit()
        after_batch()
    writer.close()
    conn.commit()
    return changed


def import_csv(
    target: object,
    path: str | Path,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> ImportStats:
    """Upsert the citizens of a registry CSV; bad rows are counted and reported, not fatal.

    `target` is an Engine or a storage Index. `progress(bytes_read, rows_read)` is called after each batch.
    Each batch is committed on its own: an interrupted import keeps what it wrote, and running it again
    completes it. Raises RegistryHeaderError when the header is missing or lacks a required column, OSError
    when the file cannot be read.
    """
    engine = engine_of(target)
    migrate.ensure(engine)
    started = time.perf_counter()
    tally = _Tally()
    with open(path, "rb") as raw:
        # Bad bytes become U+FFFD and reject their row instead of aborting the whole import.
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=""))
        names = _header(reader)

        def after_batch() -> None:
            if progress:
                progress(raw.tell(), tally.rows_read)

        with engine.connect() as conn:
            saved = _sqlite_import_pragmas(conn)
            try:
                before = count_rows(conn)
                rebuild = before == 0
                if rebuild:
                    for ix in BLOCKING_INDEXES:
                        ix.drop(conn, checkfirst=True)
                conn.commit()
                try:
                    batches = prefetch(_batches(_parsed_rows(reader, names, tally), batch_size))
                    changed = _load(conn, batches, after_batch)
                finally:
                    # Also after a failure: the next import finds rows and would not rebuild them. The failed
                    # batch's transaction goes first (PostgreSQL refuses anything more in it).
                    conn.rollback()
                    for ix in BLOCKING_INDEXES:
                        ix.create(conn, checkfirst=True)
                    conn.commit()
                if conn.dialect.name == "sqlite":
                    # Sampled statistics: enough for the planner to prefer the birth-date index, in a second.
                    conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("ANALYZE citizens")
                inserted = count_rows(conn) - before
                conn.commit()
            finally:
                for pragma, value in saved.items():
                    conn.exec_driver_sql(f"PRAGMA {pragma}={int(value)}")  # type: ignore[call-overload]
        after_batch()
    accepted = tally.rows_read - tally.rejected
    updated = changed - inserted if changed >= 0 else accepted - inserted
    stats = ImportStats(
        rows_read=tally.rows_read,
        inserted=inserted,
        updated=updated,
        unchanged=accepted - inserted - updated,
        rejected=tally.rejected,
        rejections=tuple(tally.rejections),
        seconds=time.perf_counter() - started,
        indexes_rebuilt=rebuild,
    )
    log.info(
        "registry import: %d rows, %d inserted, %d updated, %d unchanged, %d rejected in %.1f s",
        stats.rows_read, stats.inserted, stats.updated, stats.unchanged, stats.rejected, stats.seconds,
    )
    return stats
