"""The ledger of files handed to the pipeline by the staff page: received, waiting, processing, recorded.

A row is written once the file's original is in the object store (nothing a clerk uploaded is lost even if
the server stops before processing), claimed by the server's processor (one row at a time, with a
conditional update, so two processors never take the same file), and closed when the pipeline has written
the document's record. A batch's page counts these rows as documents on their way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from storage.index import Index
from storage.web_schema import UploadRow

WAITING, PROCESSING, RECORDED = "waiting", "processing", "recorded"
PENDING = (WAITING, PROCESSING)


@dataclass(frozen=True)
class Upload:
    id: int
    doc_id: str
    batch: str
    source_name: str
    source_sha256: str
    size: int
    pages: int | None
    spool_path: str
    state: str
    user_name: str
    received_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _aware(when: datetime | None) -> datetime | None:
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def _upload(row: UploadRow) -> Upload:
    return Upload(row.id, row.doc_id, row.batch, row.source_name, row.source_sha256, row.size, row.pages,
                  row.spool_path, row.state, row.user_name, _aware(row.received_at), _aware(row.started_at),
                  _aware(row.finished_at))


@dataclass(frozen=True)
class NewUpload:
    doc_id: str
    batch: str
    source_name: str
    source_sha256: str
    size: int
    pages: int | None
    spool_path: str
    user_name: str


def add(index: Index, new: NewUpload) -> Upload:
    row = UploadRow(**new.__dict__, state=WAITING, received_at=datetime.now(UTC))
    with index.session() as s:
        s.add(row)
        s.flush()
        return _upload(row)


def claim(index: Index, limit: int) -> list[Upload]:
    """Up to ``limit`` waiting uploads, oldest first, now ``processing`` and this caller's."""
    now = datetime.now(UTC)
    ids = index.transaction(
        lambda s: list(s.scalars(select(UploadRow.id).where(UploadRow.state == WAITING).order_by(UploadRow.id)
                                 .limit(limit)))
    )
    taken = []
    for upload_id in ids:
        stmt = (update(UploadRow).where(UploadRow.id == upload_id, UploadRow.state == WAITING)
                .values(state=PROCESSING, started_at=now))
        with index.session() as s:
            if s.execute(stmt).rowcount == 1:
                taken.append(upload_id)
    return _by_ids(index, taken)


def _by_ids(index: Index, ids: Iterable[int]) -> list[Upload]:
    ids = list(ids)
    if not ids:
        return []
    query = select(UploadRow).where(UploadRow.id.in_(ids)).order_by(UploadRow.id)
    return index.transaction(lambda s: [_upload(r) for r in s.scalars(query)])


def mark_recorded(index: Index, ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        stmt = update(UploadRow).where(UploadRow.id.in_(ids)).values(state=RECORDED, finished_at=datetime.now(UTC))
        with index.session() as s:
            s.execute(stmt)


def release(index: Index, ids: Iterable[int] | None = None) -> int:
    """Processing rows back to waiting: those given, or all (a processor starting after a crash)."""
    stmt = update(UploadRow).where(UploadRow.state == PROCESSING).values(state=WAITING, started_at=None)
    if ids is not None:
        stmt = stmt.where(UploadRow.id.in_(list(ids)))
    with index.session() as s:
        return s.execute(stmt).rowcount or 0


def pending(index: Index, batch: str | None = None) -> list[Upload]:
    query = select(UploadRow).where(UploadRow.state.in_(PENDING)).order_by(UploadRow.id)
    if batch is not None:
        query = query.where(UploadRow.batch == batch)
    return index.transaction(lambda s: [_upload(r) for r in s.scalars(query)])


def recent(index: Index, batch: str, since: datetime) -> list[Upload]:
    """Uploads of ``batch`` still pending or finished since ``since`` (for the batch's rate)."""
    query = select(UploadRow).where(
        UploadRow.batch == batch, (UploadRow.finished_at >= since) | UploadRow.state.in_(PENDING)
    )
    return index.transaction(lambda s: [_upload(r) for r in s.scalars(query)])


def batches(index: Index) -> dict[str, datetime]:
    """Every batch that received an upload, with its first upload's time."""
    query = select(UploadRow.batch, func.min(UploadRow.received_at)).group_by(UploadRow.batch)
    return index.transaction(lambda s: {b: _aware(t) for b, t in s.execute(query)})
