"""Applying human review decisions to document records (after review, and again after every re-run)."""

from __future__ import annotations

from storage.index import Index
from storage.objects import ObjectStore
from storage.queries import DocumentNotFound, get_record
from storage.registry_lookup import SqlRegistryLookup
from storage.reviews import new_decision, record_decision
from workers.pipeline import write_record
from workers.reapply import (
    READ_AGAIN,
    Settlement,
    decisions_in_force,
    read_again,
    read_names,
    reading_of,
    settle_in_force,
)


class ReviewError(DocumentNotFound):
    code = "review_error"


def decide(
    index: Index, store: ObjectStore, doc_id: str, person_idx: int, action: str, citizen_id: str | None, user: str,
    reading: str | None = None,
) -> dict:
    """Record staff's decision on person ``person_idx`` and apply the document's decisions; ``reading``: the
    ``workers.reapply.reading_of`` of the record the position was chosen on (a page's), refused if stale."""
    record = get_record(index, doc_id)
    if read_again(record, reading):
        raise ReviewError(READ_AGAIN)
    persons = record.get("persons") or []
    if not 0 <= person_idx < len(persons):
        raise ReviewError(f"document {doc_id} has no person {person_idx} (it has {len(persons)})")
    if action == "accept" and not (citizen_id and citizen_id.isdigit() and len(citizen_id) == 12):
        raise ReviewError("--citizen-id must be the 12-digit personal ID")
    settle_in_force(index, record)
    record_decision(index, new_decision(doc_id, person_idx, action, citizen_id, user, reading_of(record)))
    settlement = Settlement(doc_id)
    updated = decisions_in_force(index, record, record, SqlRegistryLookup(index), settlement=settlement,
                                 decided=(action, citizen_id, read_names(record, person_idx)))
    write_record(store, index, updated, settlement)
    return updated
