"""Human review decisions on person links: stored apart from the pipeline's results, audited, and applied
again after every reprocessing, so a re-run never overwrites what a person decided."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select

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
    # Where the person decided on is printed: role, page, box (``workers.anchors``); None for older decisions.
    anchor: dict | None = None


def _decision(row) -> Decision:
    anchor = json.loads(row.anchor) if row.anchor else None
    return Decision(row.doc_id, row.person_idx, row.action, row.citizen_id, row.user, row.decided_at, anchor)


def record_decision(index: Index, decision: Decision) -> None:
    logged = {k: v for k, v in decision.__dict__.items() if k != "anchor"}
    anchor = json.dumps(decision.anchor, sort_keys=True) if decision.anchor else None
    with index.session() as s:
        s.merge(ReviewDecisionRow(**logged, anchor=anchor))
        s.add(ReviewLogRow(**logged))


def move_decisions(index: Index, doc_id: str, moves: dict[int, Decision]) -> None:
    """The latest decisions ``moves`` holds kept again under the positions it maps them to (their persons' now), in
    one transaction, so a new decision at a position one of them had left does not overwrite it; the log keeps the
    positions they were made at."""
    if not moves:
        return
    with index.session() as s:
        for d in moves.values():
            s.execute(delete(ReviewDecisionRow).where(ReviewDecisionRow.doc_id == doc_id,
                                                      ReviewDecisionRow.person_idx == d.person_idx))
        s.flush()
        for idx, d in moves.items():
            anchor = json.dumps(d.anchor, sort_keys=True) if d.anchor else None
            fields = {k: v for k, v in d.__dict__.items() if k not in ("anchor", "person_idx")}
            s.merge(ReviewDecisionRow(**fields, person_idx=idx, anchor=anchor))


def decisions_for(index: Index, doc_id: str) -> dict[int, Decision]:
    query = select(ReviewDecisionRow).where(ReviewDecisionRow.doc_id == doc_id)
    return index.transaction(lambda s: {row.person_idx: _decision(row) for row in s.scalars(query)})


def new_decision(doc_id: str, person_idx: int, action: str, citizen_id: str | None, user: str,
                 anchor: dict | None = None) -> Decision:
    return Decision(doc_id, person_idx, action, citizen_id, user, datetime.now(UTC), anchor)
