"""The index: SQLAlchemy over SQLite (embedded default) or PostgreSQL; rows are derived from document records.

Every row here can be rebuilt from the ``metadata.json`` objects, which is why the pipeline writes objects
first and rows last. Opening an index brings its schema up to date (``storage.migrate``); every operation
is one transaction, retried while a PostgreSQL server restarts (``storage.engine.with_retry``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Connection, delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage import fts, migrate
from storage.engine import RETRY_SECONDS, describe, make_engine, with_retry
from storage.quality_schema import flag_rows
from storage.schema import Batch, Document, FieldRow, MatchRow, PageRow, PersonRow

__all__ = ["Index", "make_engine", "page_values"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def _parse_time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value)


class Index:
    """Read and write access to the index; one instance per process.

    ``upgrade=False`` refuses (``SchemaOutOfDate``) a database that lacks migrations instead of running them,
    for sites where only the operator migrates (``sohoa db upgrade``).
    """

    def __init__(self, url: str, *, upgrade: bool = True, retry_seconds: float = RETRY_SECONDS) -> None:
        self.engine = make_engine(url)
        self.retry_seconds = retry_seconds
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.schema = migrate.ensure(self.engine, upgrade=upgrade, retry_seconds=retry_seconds)

    def __repr__(self) -> str:
        return f"Index({describe(self.engine)})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, not retried (for work that must not run twice)."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads that need no transaction of their own (autocommit): on PostgreSQL a read is
        one round trip instead of BEGIN, SELECT and COMMIT. Core statements only (no ORM session: the hot
        reads of the API do not need one). Not for writes, nor for reads that must agree with each other."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    def transaction(self, work: Callable[[Session], T]) -> T:
        """``work`` in one transaction, run again while the connection to the server is being lost."""

        def once() -> T:
            with self.session() as s:
                return work(s)

        return with_retry(self.engine, once, seconds=self.retry_seconds)

    def ping(self) -> None:
        def once() -> None:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        with_retry(self.engine, once, seconds=0)

    def dispose(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------------------

    def save_record(self, record: dict, also: Callable[[Session], None] | None = None) -> None:
        """Insert or replace the rows of one document record (idempotent, all or nothing); ``also``: more to
        write in the same transaction (where the record's staff work now stands, ``workers.reapply``)."""

        def work(s: Session) -> None:
            if also is not None:
                also(s)
            _ensure_batch(s, record["batch"])
            s.execute(delete(Document).where(Document.doc_id == record["doc_id"]))
            s.flush()
            s.add(_document_row(record))
            s.flush()  # the document row first: page flags refer to it
            s.add_all(flag_rows(record))
            fts.replace(s, record["doc_id"], record.get("text") or "")

        try:
            self.transaction(work)
        except IntegrityError:
            # Another process saved the same document between our delete and insert; its rows are
            # committed now, so doing it again replaces them.
            log.info("document %s saved concurrently; saving again", record["doc_id"])
            self.transaction(work)

    # -- reading ---------------------------------------------------------------------------------------

    def get_record(self, doc_id: str) -> dict | None:
        def work(s: Session) -> dict | None:
            row = s.get(Document, doc_id)
            return dict(row.record) if row else None

        return self.transaction(work)

    def find_primary_by_sha(self, sha256: str) -> dict | None:
        """The first document made from these bytes that was processed successfully (not a failure, not a
        duplicate): what a later document with the same bytes is a duplicate of."""
        query = (
            select(Document.record)
            .where(Document.source_sha256 == sha256, Document.status.in_(("done", "review")))
            .order_by(Document.processed_at)
            .limit(1)
        )
        record = self.transaction(lambda s: s.scalar(query))
        return dict(record) if record else None

    def status_of(self, doc_id: str) -> str | None:
        return self.transaction(lambda s: s.scalar(select(Document.status).where(Document.doc_id == doc_id)))

    def doc_ids(
        self,
        *,
        batch: str | None = None,
        citizen_id: str | None = None,
        doc_type: str | None = None,
        status: str | None = None,
    ) -> list[str]:
        query = select(Document.doc_id).order_by(Document.batch, Document.source_name, Document.doc_id)
        if batch:
            query = query.where(Document.batch == batch)
        if doc_type:
            query = query.where(Document.doc_type == doc_type)
        if status:
            query = query.where(Document.status == status)
        if citizen_id:
            query = query.where(Document.doc_id.in_(select(PersonRow.doc_id).where(PersonRow.citizen_id == citizen_id)))
        return self.transaction(lambda s: list(s.scalars(query)))

    def records(self, doc_ids: list[str]) -> Iterator[dict]:
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start : start + 500]
            query = select(Document.doc_id, Document.record).where(Document.doc_id.in_(chunk))
            rows = self.transaction(lambda s, q=query: dict(s.execute(q).tuples().all()))
            for doc_id in chunk:
                if doc_id in rows:
                    yield dict(rows[doc_id])

    def status_counts(self, batch: str | None = None) -> dict[str, int]:
        query = select(Document.status, func.count()).group_by(Document.status)
        if batch:
            query = query.where(Document.batch == batch)
        return self.transaction(lambda s: {status: count for status, count in s.execute(query)})

    def search(self, query: str, *, limit: int = 50, batch: str | None = None) -> list[fts.Hit]:
        return self.transaction(lambda s: fts.search(s, query, limit=limit, batch=batch))


def _ensure_batch(s: Session, name: str) -> None:
    """The batch row, once, even when many workers start the same batch at the same moment."""
    if s.get(Batch, name) is not None:
        return
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    s.execute(insert(Batch).values(name=name, created_at=datetime.now(UTC)).on_conflict_do_nothing())


def _document_row(record: dict) -> Document:
    source = record["source"]
    error = record.get("error") or {}
    row = Document(
        doc_id=record["doc_id"],
        batch=record["batch"],
        source_name=source["name"],
        source_sha256=source["sha256"],
        media_type=source.get("media_type") or "application/octet-stream",
        page_count=source.get("pages") or 0,
        status=record["status"],
        error_code=error.get("code"),
        duplicate_of=record.get("duplicate_of"),
        doc_type=record.get("doc_type") or "unknown",
        mean_confidence=(record.get("ocr") or {}).get("mean_confidence"),
        pipeline_version=record.get("pipeline_version") or "",
        processed_at=_parse_time(record.get("processed_at")),
        record=record,
    )
    for page in record.get("pages") or []:
        row.pages.append(PageRow(**page_values(page), hocr_key=page.get("hocr")))
    for name, field in (record.get("fields") or {}).items():
        row.fields.append(_field_row(None, name, field))
    for idx, person in enumerate(record.get("persons") or []):
        match = person.get("match") or {}
        name = (person.get("fields") or {}).get("full_name") or {}
        prow = PersonRow(
            idx=idx,
            role=person["role"],
            full_name=name.get("value"),
            match_status=match.get("status") or "unmatched",
            citizen_id=match.get("citizen_id"),
            score=match.get("score") or 0.0,
        )
        for rank, cand in enumerate(match.get("candidates") or []):
            prow.matches.append(MatchRow(citizen_id=cand["citizen_id"], score=cand["score"], rank=rank))
        row.persons.append(prow)
        for fname, field in (person.get("fields") or {}).items():
            row.fields.append(_field_row(idx, fname, field))
    return row


def page_values(page: dict) -> dict:
    """The per-page facts of a record's ``pages`` entry, with the defaults older records lack."""
    return {
        "number": page["number"],
        "width": page["width"],
        "height": page["height"],
        "dpi": page["dpi"],
        "dpi_source": page.get("dpi_source") or "file",
        "rotation": page.get("rotation") or 0,
        "skew_deg": page.get("skew_deg") or 0.0,
        "binarization": page.get("binarization"),
        "text_layer": bool(page.get("text_layer")),
        "mean_confidence": page.get("mean_confidence"),
        "word_count": page.get("word_count") or 0,
    }


def _field_row(person_idx: int | None, name: str, field: dict) -> FieldRow:
    return FieldRow(
        person_idx=person_idx,
        name=name,
        value=str(field.get("value", "")),
        confidence=float(field.get("confidence") or 0.0),
        page=field.get("page"),
    )
