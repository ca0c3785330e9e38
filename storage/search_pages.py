"""Full-text search a page at a time, with filters, for the API (the CLI prints one list)."""

from __future__ import annotations

from dataclasses import dataclass

from storage import cursors
from storage.fts import Hit
from storage.index import Index

MAX_DEPTH = 5000  # results reachable by paging; refine the query beyond that


@dataclass(frozen=True)
class SearchPage:
    results: list[tuple[Hit, dict]]
    next_cursor: str | None


def search_page(
    index: Index,
    text: str,
    *,
    limit: int = 20,
    cursor: str | None = None,
    batch: str | None = None,
    doc_type: str | None = None,
    status: str | None = None,
) -> SearchPage:
    scope = ("search", text, batch, doc_type, status)
    offset = cursors.decode(cursor, *scope, maximum=MAX_DEPTH) if cursor else 0
    wanted = min(offset + limit + 1, MAX_DEPTH + 1)
    window = wanted
    while True:
        hits = sorted(index.search(text, limit=window, batch=batch), key=lambda h: (-h.score, h.doc_id))
        records = {r["doc_id"]: r for r in index.records([h.doc_id for h in hits])}
        kept = [
            (h, records[h.doc_id])
            for h in hits
            if h.doc_id in records
            and (not doc_type or records[h.doc_id]["doc_type"] == doc_type)
            and (not status or records[h.doc_id]["status"] == status)
        ]
        if len(hits) < window or window >= 4 * MAX_DEPTH:
            break  # every hit is in hand
        # Hits not fetched score at most as well as the last one fetched; ties with it may come in any order
        # across calls, so the page is settled only when it ends strictly above that score.
        if len(kept) >= wanted and kept[wanted - 1][0].score > hits[-1].score:
            break
        window *= 4
    page = kept[offset : offset + limit]
    more = len(kept) > offset + limit and offset + limit < MAX_DEPTH
    return SearchPage(page, cursors.encode(offset + limit, *scope) if more else None)
