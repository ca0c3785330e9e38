"""Human review decisions on person links: stored apart from the pipeline's results, audited, and applied
again after every reprocessing, so a re-run never overwrites what a person decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.index import Index
from storage.schema import ReviewDecisionRow, ReviewLogRow

SET_ASIDE = "set_aside"  # the review log's action for a decision a re-run found no person for


@dataclass(frozen=True)
class Decision:
    doc_id: str
    person_idx: int
    action: str
    citizen_id: str | None
    user: str
    decided_at: datetime
    reading: str | None = None  # the persons it was decided on (``workers.reapply.reading_of``); None: not known


def _decision(row) -> Decision:
    return Decision(row.doc_id, row.person_idx, row.action, row.citizen_id, row.user, row.decided_at, row.reading)


def record_decision(index: Index, decision: Decision) -> None:
    with index.session() as s:
        s.merge(ReviewDecisionRow(**decision.__dict__))
        s.add(ReviewLogRow(**{k: v for k, v in decision.__dict__.items() if k != "reading"}))


def settle_decisions(s: Session, doc_id: str, placed: dict[int, Decision], set_aside: list[Decision]) -> None:
    """Store, in the transaction ``s``, where a run placed each decision (``workers.placement``): each under the
    position its person has now, those set aside out of force (the log says so, by "sohoa"). A decision recorded
    since these were read is left as it is, and so is one whose new position such a decision holds."""
    def ours(position: int, d: Decision) -> bool:
        row = s.get(ReviewDecisionRow, (doc_id, position))
        return row is not None and (row.user, row.action, row.citizen_id, row.decided_at) == (
            d.user, d.action, d.citizen_id, d.decided_at)

    gone = [d for d in set_aside if ours(d.person_idx, d)]
    moves = {k: d for k, d in placed.items() if ours(d.person_idx, d)}
    # A position is free when no decision holds it, or one of these that moves or goes does.
    while True:
        leaving = {d.person_idx for d in [*moves.values(), *gone]}
        held = {k for k in moves if k not in leaving and s.get(ReviewDecisionRow, (doc_id, k)) is not None}
        if not held:
            break
        moves = {k: d for k, d in moves.items() if k not in held}
    for position in {d.person_idx for d in [*moves.values(), *gone]}:
        s.delete(s.get(ReviewDecisionRow, (doc_id, position)))
    s.flush()
    for position, d in moves.items():
        s.add(ReviewDecisionRow(**{**d.__dict__, "person_idx": position}))
    for d in gone:
        s.add(ReviewLogRow(doc_id=doc_id, person_idx=d.person_idx, action=SET_ASIDE, citizen_id=d.citizen_id,
                           user="sohoa", decided_at=datetime.now(UTC)))


def decisions_for(index: Index, doc_id: str) -> dict[int, Decision]:
    query = select(ReviewDecisionRow).where(ReviewDecisionRow.doc_id == doc_id)
    return index.transaction(lambda s: {row.person_idx: _decision(row) for row in s.scalars(query)})


def new_decision(doc_id: str, person_idx: int, action: str, citizen_id: str | None, user: str,
                 reading: str | None = None) -> Decision:
    return Decision(doc_id, person_idx, action, citizen_id, user, datetime.now(UTC), reading)
