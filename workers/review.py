"""Applying human review decisions to document records (after review, and again after every re-run)."""

from __future__ import annotations

import copy

from storage.index import Index
from storage.objects import ObjectStore
from storage.queries import DocumentNotFound, get_record
from storage.reviews import Decision, decisions_for, new_decision, record_decision
from workers.pipeline import write_record


class ReviewError(DocumentNotFound):
    code = "review_error"


def document_status(record: dict) -> str:
    if record["status"] not in ("done", "review"):
        return record["status"]
    return "review" if any(p["match"]["status"] == "review" for p in record.get("persons") or []) else "done"


def apply_decisions(record: dict, decisions: dict[int, Decision]) -> dict:
    """The record with each decided person's link set as decided; pure, the input is not changed."""
    if not decisions:
        return record
    out = copy.deepcopy(record)
    for idx, person in enumerate(out.get("persons") or []):
        decision = decisions.get(idx)
        if decision is None:
            continue
        when = decision.decided_at.isoformat(timespec="seconds")
        match = person.setdefault("match", {})
        if decision.action == "accept":
            match.update(status="matched", citizen_id=decision.citizen_id)
            reason = f"accepted in review by {decision.user} at {when}"
        else:
            match.update(status="unmatched", citizen_id=None)
            reason = f"rejected in review by {decision.user} at {when}"
        match["reasons"] = [reason, *[r for r in match.get("reasons") or [] if "in review by" not in r]]
        match["decision"] = {"action": decision.action, "user": decision.user, "at": when}
    out["status"] = document_status(out)
    return out


def decide(
    index: Index, store: ObjectStore, doc_id: str, person_idx: int, action: str, citizen_id: str | None, user: str
) -> dict:
    record = get_record(index, doc_id)
    persons = record.get("persons") or []
    if not 0 <= person_idx < len(persons):
        raise ReviewError(f"document {doc_id} has no person {person_idx} (it has {len(persons)})")
    if action == "accept" and not (citizen_id and citizen_id.isdigit() and len(citizen_id) == 12):
        raise ReviewError("--citizen-id must be the 12-digit personal ID")
    record_decision(index, new_decision(doc_id, person_idx, action, citizen_id, user))
    updated = apply_decisions(record, decisions_for(index, doc_id))
    write_record(store, index, updated)
    return updated
