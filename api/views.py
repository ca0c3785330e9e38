"""Shaping records for a reader: sensitive data left out, list items trimmed, links to the full resources.

A list item carries what an intake clerk needs to pick a paper (type, the citizen's role, the key fields,
issuing authority, dates, page count, how often it was reused, links), not the OCR text; ``fields=`` adds
more of the record's top-level parts.
"""

from __future__ import annotations

from api.problems import ApiError
from storage.citizen_docs import CitizenDocument, document_date
from storage.redact import redact_record

KEY_FIELDS = (
    "registration_number",
    "book_number",
    "registration_date",
    "issuing_authority",
    "document_number",
    "document_date",
)
# Record parts a list item can be asked for with ``fields=``.
EXTRA_PARTS = (
    "batch",
    "error",
    "fields",
    "objects",
    "ocr",
    "pages",
    "persons",
    "pipeline_version",
    "processed_at",
    "source",
    "text",
)


def parse_parts(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    parts = tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))
    unknown = [p for p in parts if p not in EXTRA_PARTS]
    if unknown:
        raise ApiError(
            422,
            "invalid_request",
            f"fields: unknown part {unknown[0][:40]!r}; choose among {', '.join(EXTRA_PARTS)}",
        )
    return parts


def for_reader(record: dict, hidden: frozenset[str], *, staff: bool) -> dict:
    """The record as this reader may see it.

    Readers without the ``sensitive`` scope lose the hidden fields (and their values in the text); intake
    readers also lose the registry candidates of unsettled links, which name other citizens.
    """
    out = redact_record(record, hidden)
    if not staff and any("candidates" in (p.get("match") or {}) for p in out.get("persons") or []):
        out = {**out, "persons": [_without_candidates(p) for p in out["persons"]]}
    return out


def _without_candidates(person: dict) -> dict:
    match = {k: v for k, v in (person.get("match") or {}).items() if k != "candidates"}
    return {**person, "match": match}


def links(doc_id: str) -> dict:
    return {"self": f"/v1/documents/{doc_id}", "pdf": f"/v1/documents/{doc_id}/pdf"}


def item(record: dict, hidden: frozenset[str], *, staff: bool, parts: tuple[str, ...] = ()) -> dict:
    """A trimmed record: identity, type, key field values, dates, pages, links (+ the asked-for parts).

    Only the asked-for parts need the (costlier) redaction of the whole record.
    """
    fields = record.get("fields") or {}
    key_fields = {name: str(fields[name]["value"]) for name in KEY_FIELDS if name in fields and name not in hidden}
    out = {
        "doc_id": record["doc_id"],
        "doc_type": record.get("doc_type") or "unknown",
        "status": record["status"],
        "key_fields": key_fields,
        "issuing_authority": key_fields.get("issuing_authority"),
        "date": document_date(record),
        "pages": (record.get("source") or {}).get("pages") or 0,
        "links": links(record["doc_id"]),
    }
    if parts:
        readable = for_reader(record, hidden, staff=staff)
        for part in parts:
            out[part] = readable.get(part)
    return out


def citizen_item(doc: CitizenDocument, hidden: frozenset[str], staff: bool, parts: tuple[str, ...]) -> dict:
    out = item(doc.record, hidden, staff=staff, parts=parts)
    out.update(
        role=doc.roles[0] if doc.roles else None, roles=list(doc.roles), link=doc.link, reuse_count=doc.reuse_count
    )
    return out
