"""Finding documents for the staff page: accent-insensitive full text (optional) with filters on type,
batch, status and the date the paper bears (its document or registration date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.citizen_docs import document_date
from storage.index import Index

MAX_HITS = 2000  # full-text hits looked at before filtering; refine the words beyond that


@dataclass(frozen=True)
class Found:
    record: dict
    snippet: str | None


@dataclass(frozen=True)
class Results:
    items: list[Found]
    total: int  # after filtering (of the hits looked at)


def find(
    index: Index,
    text: str = "",
    *,
    batch: str | None = None,
    doc_type: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Results:
    if text.strip():
        hits = sorted(index.search(text, limit=MAX_HITS, batch=batch), key=lambda h: (-h.score, h.doc_id))
        snippets = {h.doc_id: h.snippet for h in hits}
        records = index.records([h.doc_id for h in hits])
    else:
        snippets = {}
        ids = index.doc_ids(batch=batch, doc_type=doc_type, status=status)
        records = index.records(ids)
    kept = [
        Found(r, snippets.get(r["doc_id"]))
        for r in records
        if (not doc_type or r.get("doc_type") == doc_type)
        and (not status or r["status"] == status)
        and in_period(document_date(r), date_from, date_to)
    ]
    if not text.strip():
        kept.sort(key=lambda f: f.record.get("processed_at") or "", reverse=True)
    return Results(kept[offset : offset + limit], len(kept))


def in_period(value: str | None, start: date | None, end: date | None) -> bool:
    """ISO date (or a year alone, in the period when its year is) within [start, end]; none: any passes."""
    if start is None and end is None:
        return True
    if not value:
        return False
    if len(value) == 4:
        return (start is None or start.year <= int(value)) and (end is None or int(value) <= end.year)
    return (start is None or start.isoformat() <= value[:10]) and (end is None or value[:10] <= end.isoformat())


def batch_documents(index: Index, batch: str) -> list[dict]:
    """A batch's documents in file name order (for the batch page)."""
    return list(index.records(index.doc_ids(batch=batch)))
