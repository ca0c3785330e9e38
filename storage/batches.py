"""A batch's progress for the staff page: documents and pages processed of all received, pages per minute,
the time left, and failures grouped by error code. The same query serves local processes and rq workers:
it reads the index (records are written by whoever processed them) and the upload ledger (what is still
on its way)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage import intake, uploads
from storage.index import Index
from storage.schema import Batch, Document

RATE_WINDOW = timedelta(minutes=15)  # pages per minute are measured over the documents finished this recently
FINISHED = ("done", "review", "duplicate", "failed")


def _aware(when: datetime | None) -> datetime | None:
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    count: int
    documents: tuple[tuple[str, str], ...]  # (doc_id, file name), the first few


@dataclass
class BatchProgress:
    batch: str
    by_status: dict[str, int] = field(default_factory=dict)  # finished documents by record status
    waiting: int = 0
    processing: int = 0
    pages_done: int = 0
    pages_pending: int = 0
    pages_per_minute: float | None = None
    failures: list[Failure] = field(default_factory=list)
    pending_files: list[tuple[str, str]] = field(default_factory=list)  # (file name, state)
    last_activity: datetime | None = None

    @property
    def finished(self) -> int:
        return sum(self.by_status.values())

    @property
    def total(self) -> int:
        return self.finished + self.waiting + self.processing

    @property
    def pages_total(self) -> int:
        return self.pages_done + self.pages_pending

    @property
    def running(self) -> bool:
        return bool(self.waiting or self.processing)

    @property
    def eta_seconds(self) -> float | None:
        if not self.running or not self.pages_per_minute:
            return None
        return self.pages_pending / self.pages_per_minute * 60.0

    def as_json(self) -> dict:
        return {
            "batch": self.batch,
            "total": self.total,
            "finished": self.finished,
            "by_status": self.by_status,
            "waiting": self.waiting,
            "processing": self.processing,
            "pages_done": self.pages_done,
            "pages_total": self.pages_total,
            "pages_per_minute": round(self.pages_per_minute, 1) if self.pages_per_minute else None,
            "eta_seconds": round(self.eta_seconds) if self.eta_seconds is not None else None,
            "running": self.running,
            "failures": [
                {"code": f.code, "message": f.message, "count": f.count,
                 "documents": [{"doc_id": d, "name": n} for d, n in f.documents]}
                for f in self.failures
            ],
            "pending_files": [{"name": n, "state": s} for n, s in self.pending_files],
        }


def batch_names(index: Index) -> list[tuple[str, datetime]]:
    """Every batch (from its documents or its uploads), newest first."""
    known = dict(index.transaction(lambda s: [(b, _aware(t)) for b, t in s.execute(select(Batch.name,
                                                                                          Batch.created_at))]))
    for name, when in uploads.batches(index).items():
        known[name] = min(when, known.get(name) or when)
    return sorted(known.items(), key=lambda item: (item[1], item[0]), reverse=True)


def progress(index: Index, batch: str, *, now: datetime | None = None, failures_shown: int = 5) -> BatchProgress:
    now = now or datetime.now(UTC)
    out = BatchProgress(batch)
    pending = uploads.pending(index, batch)
    uploaded = {u.doc_id for u in pending}
    elsewhere = [row for row in queued_elsewhere(index, batch) if row[0] not in uploaded]
    pending_ids = uploaded | {row[0] for row in elsewhere}
    rows = index.transaction(
        lambda s: s.execute(
            select(Document.doc_id, Document.status, Document.page_count, Document.processed_at,
                   Document.error_code, Document.source_name).where(Document.batch == batch)
        ).all()
    )
    failed: dict[str, list[tuple[str, str]]] = {}
    for doc_id, status, pages, processed_at, error_code, name in rows:
        if doc_id in pending_ids:
            continue  # being tried again: counted with the pending ones
        out.by_status[status] = out.by_status.get(status, 0) + 1
        out.pages_done += pages or 0
        when = _aware(processed_at)
        out.last_activity = max(out.last_activity or when, when)
        if status == "failed":
            failed.setdefault(error_code or "internal_error", []).append((doc_id, name))
    for upload in pending:
        _count_pending(out, upload.state == uploads.WAITING, upload.pages)
        out.pending_files.append((upload.source_name, upload.state))
    for _, _, name, state, pages in elsewhere:
        _count_pending(out, state == intake.QUEUED, pages)
        out.pending_files.append((name, uploads.WAITING if state == intake.QUEUED else uploads.PROCESSING))
    out.failures = _failures(index, failed, failures_shown)
    out.pages_per_minute = _rate(index, batch, rows, pending or elsewhere, now)
    return out


def _count_pending(out: BatchProgress, waiting: bool, pages: int | None) -> None:
    if waiting:
        out.waiting += 1
    else:
        out.processing += 1
    out.pages_pending += pages or 1


def queued_elsewhere(index: Index, batch: str | None = None) -> list[tuple[str, str, str, str, int | None]]:
    """Documents handed to rq by ``sohoa ingest --queue`` (the intake ledger) and not recorded since:
    (doc_id, batch, file name, queued|processing, pages)."""
    query = select(intake.IntakeRow.doc_id, intake.IntakeRow.batch, intake.IntakeRow.source_name,
                   intake.IntakeRow.state, intake.IntakeRow.pages).where(intake.IntakeRow.state.in_(intake.PENDING))
    if batch is not None:
        query = query.where(intake.IntakeRow.batch == batch)
    return index.transaction(lambda s: [tuple(r) for r in s.execute(query)])


def _failures(index: Index, failed: dict[str, list[tuple[str, str]]], shown: int) -> list[Failure]:
    out = []
    for code, docs in sorted(failed.items(), key=lambda item: (-len(item[1]), item[0])):
        docs = sorted(docs, key=lambda d: d[1])
        first = index.get_record(docs[0][0]) or {}
        message = (first.get("error") or {}).get("message") or ""
        out.append(Failure(code, message, len(docs), tuple(docs[:shown])))
    return out


def _rate(index: Index, batch: str, rows, pending, now: datetime) -> float | None:
    """Pages per minute over the last RATE_WINDOW: pages of the documents processed (not duplicates) in it,
    over the time from the start of that work (an upload's start when known, else the first document's end,
    whose own pages are then left out) to now while work goes on, or to the last document's end."""
    since = now - RATE_WINDOW
    recent = sorted((_aware(p), pages or 0) for _, status, pages, p, _, _ in rows
                    if status != "duplicate" and _aware(p) >= since)
    if not recent:
        return None
    starts = [u.started_at for u in uploads.recent(index, batch, since) if u.started_at]
    pages = sum(n for _, n in recent)
    if starts and min(starts) <= recent[0][0]:
        start = min(starts)
    else:
        start, pages = recent[0][0], pages - recent[0][1]
    end = now if pending else recent[-1][0]
    minutes = (end - start).total_seconds() / 60.0
    if minutes < 5 / 60 or pages <= 0:
        return None
    return pages / minutes


def summaries(index: Index) -> list[tuple[str, datetime, BatchProgress]]:
    """Every batch with its progress (without failures' messages), for the batches list."""
    names = batch_names(index)
    counts = index.transaction(
        lambda s: s.execute(
            select(Document.batch, Document.status, func.count(), func.sum(Document.page_count),
                   func.max(Document.processed_at)).group_by(Document.batch, Document.status)
        ).all()
    )
    by_batch: dict[str, BatchProgress] = {name: BatchProgress(name) for name, _ in names}
    for name, status, count, pages, last in counts:
        p = by_batch.setdefault(name, BatchProgress(name))
        p.by_status[status] = count
        p.pages_done += pages or 0
        last = _aware(last)
        p.last_activity = max(p.last_activity or last, last)
    seen: set[str] = set()
    for upload in uploads.pending(index):
        p = by_batch.setdefault(upload.batch, BatchProgress(upload.batch))
        _count_pending(p, upload.state == uploads.WAITING, upload.pages)
        seen.add(upload.doc_id)
    for doc_id, name, _, state, pages in queued_elsewhere(index):
        if doc_id not in seen:
            _count_pending(by_batch.setdefault(name, BatchProgress(name)), state == intake.QUEUED, pages)
    _uncount_requeued(index, by_batch, seen | {row[0] for row in queued_elsewhere(index)})
    names = names + [(n, datetime.now(UTC)) for n in by_batch if n not in dict(names)]
    return [(name, when, by_batch[name]) for name, when in names]


def _uncount_requeued(index: Index, by_batch: dict[str, BatchProgress], pending_ids: set[str]) -> None:
    """A recorded document sent again (a retried failure) is counted as pending only, not also as recorded."""
    if not pending_ids:
        return
    query = select(Document.batch, Document.status, Document.page_count).where(Document.doc_id.in_(pending_ids))
    for name, status, pages in index.transaction(lambda s: s.execute(query).all()):
        p = by_batch.get(name)
        if p is not None and p.by_status.get(status):
            p.by_status[status] -= 1
            p.pages_done -= pages or 0
