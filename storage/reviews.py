"""Human review decisions on person links: stored apart from the pipeline's results, audited, and applied
again after every reprocessing, so a re-run never overwrites what a person decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from storage.index import Index
from storage.schema import ReviewDecisionRow, ReviewLogRow


@dataclass(frozen=True)
class Decision:
    doc_id: str
    person_idx: int
    action: str
    citizen_id: str | None
    user: str
    decided_at: datetime


def _decision(row) -> Decision:
    return Decision(row.doc_id, row.person_idx, row.action, row.citizen_id, row.user, row.decided_at)


def record_decision(index: Index, decision: Decision) -> None:
    with index.session() as s:
        s.merge(ReviewDecisionRow(**decision.__dict__))
        s.add(ReviewLogRow(**decision.__dict__))


def decisions_for(index: Index, doc_id: str) -> dict[int, Decision]:
    query = select(ReviewDecisionRow).where(ReviewDecisionRow.doc_id == doc_id)
    return index.transaction(lambda s: {row.person_idx: _decision(row) for row in s.scalars(query)})


def new_decision(doc_id: str, person_idx: int, action: str, citizen_id: str | None, user: str) -> Decision:
    return Decision(doc_id, person_idx, action, citizen_id, user, datetime.now(UTC))
