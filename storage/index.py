"""The index: SQLAlchemy over SQLite (embedded default) or PostgreSQL; rows are derived from document records.

Every row here can be rebuilt from the ``metadata.json`` objects, which is why the pipeline writes objects
first and rows last.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import create_engine, delete, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage import fts, registry_schema  # noqa: F401  (registers the citizens table)
from storage.schema import Base, Batch, Document, FieldRow, MatchRow, PageRow, PersonRow

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (the CLI, the API) run while a batch writes; the timeout rides out short write locks.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _parse_time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value)


class Index:
    """Read and write access to the index; one instance per process."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        Base.metadata.create_all(self.engine)
        fts.create(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # -- writing ---------------------------------------------------------------------------------------

    def save_record(self, record: dict) -> None:
        """Insert or replace the rows of one document record (idempotent)."""
        doc_id = record["doc_id"]
        with self.session() as s:
            if s.get(Batch, record["batch"]) is None:
                s.add(Batch(name=record["batch"], created_at=datetime.now(UTC)))
            s.execute(delete(Document).where(Document.doc_id == doc_id))
            s.flush()
            s.add(_document_row(record))
            fts.replace(s, doc_id, record.get("text") or "")

    # -- reading ---------------------------------------------------------------------------------------

    def get_record(self, doc_id: str) -> dict | None:
        with self.session() as s:
            row = s.get(Document, doc_id)
            return dict(row.record) if row else None

    def find_primary_by_sha(self, sha256: str) -> dict | None:
        """The first non-duplicate document made from these bytes, if any."""
        with self.session() as s:
            row = s.scalars(
                select(Document)
                .where(Document.source_sha256 == sha256, Document.status != "duplicate")
                .order_by(Document.processed_at)
                .limit(1)
            ).first()
            return dict(row.record) if row else None

    def status_of(self, doc_id: str) -> str | None:
        with self.session() as s:
            return s.scalar(select(Document.status).where(Document.doc_id == doc_id))

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
        with self.session() as s:
            return list(s.scalars(query))

    def records(self, doc_ids: list[str]) -> Iterator[dict]:
        with self.session() as s:
            for start in range(0, len(doc_ids), 500):
                chunk = doc_ids[start : start + 500]
                rows = {r.doc_id: r.record for r in s.scalars(select(Document).where(Document.doc_id.in_(chunk)))}
                for doc_id in chunk:
                    if doc_id in rows:
                        yield dict(rows[doc_id])

    def status_counts(self, batch: str | None = None) -> dict[str, int]:
        from sqlalchemy import func

        query = select(Document.status, func.count()).group_by(Document.status)
        if batch:
            query = query.where(Document.batch == batch)
        with self.session() as s:
            return {status: count for status, count in s.execute(query)}

    def search(self, query: str, *, limit: int = 50, batch: str | None = None) -> list[fts.Hit]:
        with self.session() as s:
            return fts.search(s, query, limit=limit, batch=batch)


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
