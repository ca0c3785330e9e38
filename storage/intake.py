"""The intake ledger: every document handed to the queue, and where it is (queued, processing, recorded).

The queue (Redis) holds the work; this table holds what was received, durably, next to the documents:
a batch's progress is counted here across all workers, and a document whose job was lost (Redis wiped)
is still known and can be queued again. Rows are written by ``sohoa ingest --queue`` and by the workers;
a local ``sohoa ingest`` needs none (its documents are counted from their records).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, Text, and_, case, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.schema import Base, Document

QUEUED, PROCESSING, RECORDED = "queued", "processing", "recorded"
PENDING = (QUEUED, PROCESSING)
RECORD_STATUSES = ("done", "review", "failed", "duplicate")


class IntakeRow(Base):
    __tablename__ = "intake"

    doc_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch: Mapped[str] = mapped_column(String(200), index=True)
    source_name: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    spec: Mapped[str] = mapped_column(Text)  # the job's document spec (JSON), to queue it again if lost
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass
class Progress:
    """A batch's documents and pages by status: the record statuses plus ``queued``/``processing``."""

    batch: str
    documents: dict[str, int] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.documents.values())

    @property
    def pending(self) -> int:
        return sum(self.documents.get(s, 0) for s in PENDING)

    @property
    def finished(self) -> int:
        return self.total - self.pending


def receive(index, rows: list[dict]) -> None:
    """Queue rows (``doc_id, batch, source_name, source_sha256, pages, spec``), state ``queued``."""
    now = datetime.now(UTC)

    def work(s: Session) -> None:
        for values in rows:
            row = s.get(IntakeRow, values["doc_id"])
            if row is None:
                s.add(IntakeRow(**values, state=QUEUED, updated_at=now))
            else:
                row.state, row.spec, row.pages, row.updated_at = QUEUED, values["spec"], values["pages"], now

    index.transaction(work)


def set_state(index, doc_id: str, state: str) -> None:
    """Move a document along; a document no one queued (a local run) has no row and nothing changes."""
    query = update(IntakeRow).where(IntakeRow.doc_id == doc_id).values(state=state, updated_at=datetime.now(UTC))
    index.transaction(lambda s: s.execute(query))


def state_of(index, doc_id: str) -> str | None:
    return index.transaction(lambda s: s.scalar(select(IntakeRow.state).where(IntakeRow.doc_id == doc_id)))


def pending_specs(index, batch: str | None = None) -> list[str]:
    """The specs of documents still queued or processing (to queue again those whose job was lost)."""
    query = select(IntakeRow.spec).where(IntakeRow.state.in_(PENDING)).order_by(IntakeRow.updated_at)
    if batch:
        query = query.where(IntakeRow.batch == batch)
    return index.transaction(lambda s: list(s.scalars(query)))


def progress(index, batch: str) -> Progress:
    """Documents and pages by status: a pending intake row wins over an older record of the same document
    (a failed document queued again is ``queued``, not ``failed``)."""
    out = Progress(batch)
    pending = and_(IntakeRow.doc_id == Document.doc_id, IntakeRow.state.in_(PENDING))
    requeued = IntakeRow.state.is_not(None)  # the outer join found a pending row
    effective = case((requeued, IntakeRow.state), else_=Document.status)
    recorded = (
        select(
            effective,
            func.count(),
            func.sum(case((requeued, func.coalesce(IntakeRow.pages, 0)), else_=Document.page_count)),
        )
        .select_from(Document)
        .outerjoin(IntakeRow, pending)
        .where(Document.batch == batch)
        .group_by(effective)
    )
    unrecorded = (
        select(IntakeRow.state, func.count(), func.coalesce(func.sum(IntakeRow.pages), 0))
        .where(IntakeRow.batch == batch, ~select(Document.doc_id).where(Document.doc_id == IntakeRow.doc_id).exists())
        .group_by(IntakeRow.state)
    )
    rows = index.transaction(lambda s: [tuple(r) for query in (recorded, unrecorded) for r in s.execute(query)])
    for status, count, pages in rows:
        out.documents[status] = out.documents.get(status, 0) + count
        out.pages[status] = out.pages.get(status, 0) + int(pages or 0)
    return out
