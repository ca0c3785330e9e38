"""Queries shared by the CLI and the HTTP API: documents by filter, one document, its PDF, full-text search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storage.fts import Hit
from storage.index import Index
from storage.objects import ObjectStore, StorageError


class DocumentNotFound(StorageError):
    code = "document_not_found"


def list_records(
    index: Index,
    *,
    batch: str | None = None,
    citizen_id: str | None = None,
    doc_type: str | None = None,
    status: str | None = None,
) -> Iterator[dict]:
    ids = index.doc_ids(batch=batch, citizen_id=citizen_id, doc_type=doc_type, status=status)
    yield from index.records(ids)


def get_record(index: Index, doc_id: str) -> dict:
    record = index.get_record(doc_id)
    if record is None:
        raise DocumentNotFound(f"no document {doc_id!r}")
    return record


def pdf_key_of(record: dict) -> str:
    key = (record.get("objects") or {}).get("pdf")
    if not key:
        reason = (record.get("error") or {}).get("message") or "it has no searchable PDF"
        raise DocumentNotFound(f"document {record['doc_id']} has no PDF ({record['status']}: {reason})")
    return key


def export_pdf(index: Index, store: ObjectStore, doc_id: str, target: str | Path) -> str:
    """Write the searchable PDF of a document (a duplicate's is its first copy's) to ``target``."""
    key = pdf_key_of(get_record(index, doc_id))
    store.download(key, target)
    return key


def search(index: Index, text: str, *, limit: int = 50, batch: str | None = None) -> list[tuple[Hit, dict]]:
    hits = index.search(text, limit=limit, batch=batch)
    records = {r["doc_id"]: r for r in index.records([h.doc_id for h in hits])}
    return [(hit, records[hit.doc_id]) for hit in hits if hit.doc_id in records]


def review_items(index: Index, *, batch: str | None = None) -> Iterator[tuple[dict, int, dict]]:
    """(record, person index, person) for every person whose link waits for review, oldest document first."""
    records = sorted(list_records(index, batch=batch, status="review"), key=lambda r: r["processed_at"])
    for record in records:
        for idx, person in enumerate(record.get("persons") or []):
            if (person.get("match") or {}).get("status") == "review":
                yield record, idx, person
