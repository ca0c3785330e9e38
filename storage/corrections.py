"""Field corrections by records staff: stored apart from the pipeline's results (one row per corrected field
with the value in force) and logged append-only (who, when, old and new value). The pipeline applies them
again after every run, so a re-run never overwrites what a person decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.index import Index
from storage.staff_schema import DOCUMENT_LEVEL, FieldCorrectionLogRow, FieldCorrectionRow


@dataclass(frozen=True)
class Correction:
    doc_id: str
    person_idx: int | None  # None: a document field
    field: str
    value: str
    user: str
    corrected_at: datetime
    reading: str | None = None  # the persons it was made on (``workers.reapply.reading_of``); None: not known


@dataclass(frozen=True)
class CorrectionLogEntry:
    id: int
    doc_id: str
    person_idx: int | None
    field: str
    old_value: str | None
    new_value: str
    user: str
    corrected_at: datetime

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "person": self.person_idx,
            "field": self.field,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "user": self.user,
            "at": _aware(self.corrected_at).isoformat(timespec="seconds"),
        }


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; every time stored here is UTC.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _idx(person_idx: int | None) -> int:
    return DOCUMENT_LEVEL if person_idx is None else person_idx


def _person(stored: int) -> int | None:
    return None if stored == DOCUMENT_LEVEL else stored


def new_correction(doc_id: str, person_idx: int | None, field: str, value: str, user: str,
                   reading: str | None = None) -> Correction:
    return Correction(doc_id, person_idx, field, value, user, datetime.now(UTC), reading)


def record_correction(index: Index, correction: Correction, old_value: str | None) -> None:
    """Store the value in force and append the change to the log, in one transaction."""
    c = correction
    with index.session() as s:
        s.merge(FieldCorrectionRow(doc_id=c.doc_id, person_idx=_idx(c.person_idx), field=c.field, value=c.value,
                                   user=c.user, corrected_at=c.corrected_at, reading=c.reading))
        s.add(FieldCorrectionLogRow(doc_id=c.doc_id, person_idx=_idx(c.person_idx), field=c.field,
                                    old_value=old_value, new_value=c.value, user=c.user, corrected_at=c.corrected_at))


def settle_corrections(s: Session, doc_id: str, moved: list[tuple[Correction, int]],
                       set_aside: list[Correction]) -> None:
    """Store, in the transaction ``s``, where a run placed the corrections of persons (``workers.placement``):
    each under the position its person has now, those set aside out of force (the log keeps what they were). A
    correction stored since these were read is left as it is, and so is one whose new place such a correction
    holds."""
    def ours(c: Correction) -> bool:
        row = s.get(FieldCorrectionRow, (doc_id, _idx(c.person_idx), c.field))
        return row is not None and (row.user, row.value, _aware(row.corrected_at)) == (
            c.user, c.value, c.corrected_at)

    gone = [c for c in set_aside if ours(c)]
    moves = [(c, k) for c, k in moved if ours(c)]
    # A place is free when no correction holds it, or one of these that moves or goes does.
    while True:
        leaving = {(c.person_idx, c.field) for c in [*(c for c, _ in moves), *gone]}
        held = {(k, c.field) for c, k in moves if (k, c.field) not in leaving
                and s.get(FieldCorrectionRow, (doc_id, k, c.field)) is not None}
        if not held:
            break
        moves = [(c, k) for c, k in moves if (k, c.field) not in held]
    for c in [*(c for c, _ in moves), *gone]:
        s.delete(s.get(FieldCorrectionRow, (doc_id, _idx(c.person_idx), c.field)))
    s.flush()
    for c, position in moves:
        s.add(FieldCorrectionRow(doc_id=doc_id, person_idx=position, field=c.field, value=c.value, user=c.user,
                                 corrected_at=c.corrected_at, reading=c.reading))


def corrections_for(index: Index, doc_id: str) -> list[Correction]:
    """The corrections in force for one document, document fields first, then by person and field."""
    with index.session() as s:
        rows = s.scalars(
            select(FieldCorrectionRow)
            .where(FieldCorrectionRow.doc_id == doc_id)
            .order_by(FieldCorrectionRow.person_idx, FieldCorrectionRow.field)
        )
        return [Correction(r.doc_id, _person(r.person_idx), r.field, r.value, r.user, _aware(r.corrected_at),
                           r.reading) for r in rows]


def correction_log(
    index: Index, *, doc_id: str | None = None, user: str | None = None, since: datetime | None = None,
    limit: int | None = None,
) -> list[CorrectionLogEntry]:
    """The audit trail, oldest first."""
    query = select(FieldCorrectionLogRow).order_by(FieldCorrectionLogRow.corrected_at, FieldCorrectionLogRow.id)
    if doc_id:
        query = query.where(FieldCorrectionLogRow.doc_id == doc_id)
    if user:
        query = query.where(FieldCorrectionLogRow.user == user)
    if since:
        query = query.where(FieldCorrectionLogRow.corrected_at >= since)
    if limit:
        query = query.limit(limit)
    with index.session() as s:
        return [
            CorrectionLogEntry(r.id, r.doc_id, _person(r.person_idx), r.field, r.old_value, r.new_value, r.user,
                               _aware(r.corrected_at))
            for r in s.scalars(query)
        ]
