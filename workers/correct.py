"""Correcting a field from the CLI or the staff page: check the value, store it apart and audited, then
match the document again with it, so a corrected name, birth date or ID links the right citizen."""

from __future__ import annotations

import logging

from extract.entered import InvalidValueError, normalize_entered
from storage.corrections import new_correction, record_correction
from storage.queries import DocumentNotFound, get_record
from workers import corrections
from workers import record as records
from workers.context import Context
from workers.pipeline import match_step, write_record
from workers.reapply import (
    READ_AGAIN,
    Settlement,
    corrections_in_force,
    decisions_in_force,
    read_again,
    read_names,
    reading_of,
    settle_in_force,
)

log = logging.getLogger(__name__)


class CorrectionError(DocumentNotFound):
    code = "correction_refused"


def correct(
    ctx: Context, doc_id: str, field: str, value: str, *, person: int | None, user: str, reading: str | None = None
) -> tuple[dict, list[str]]:
    """Store the correction and return (the updated record, notes worth showing). Raises CorrectionError,
    DocumentNotFound, or InvalidValueError / UnknownFieldError (extract.entered) for a value refused. ``reading``:
    the ``workers.reapply.reading_of`` of the record the person was chosen on (a page's), refused if stale."""
    record = get_record(ctx.index, doc_id)
    if person is not None and read_again(record, reading):
        raise CorrectionError(READ_AGAIN)
    if record["status"] in ("failed", "duplicate"):
        target = f"correct document {record['duplicate_of']}" if record.get("duplicate_of") else "reprocess it first"
        raise CorrectionError(f"document {doc_id} is {record['status']}: it has no fields to correct ({target})")
    persons = record.get("persons") or []
    if person is not None and not 0 <= person < len(persons):
        raise CorrectionError(f"document {doc_id} has no person {person} (it has {len(persons)})")
    entered = normalize_entered(field, value, person=person is not None)
    shown = corrections.field_of(record, person, field)
    correction = new_correction(doc_id, person, field, entered.value, user, reading_of(record))
    settle_in_force(ctx.index, record)
    record_correction(ctx.index, correction, shown["value"] if shown else None)
    who = f"person {person} " if person is not None else ""
    log.info("document %s: %s%s corrected by %s", doc_id, who, field, user)
    updated = rematch(ctx, record, (field, read_names(record, person)))
    return updated, entered.notes


def rematch(ctx: Context, record: dict, corrected: tuple[str, tuple[str, ...]] | None = None) -> dict:
    """The record matched again from its OCR fields with the corrections and decisions in force; stored.
    ``corrected``: the field staff just corrected and its person's name (``workers.reapply.corrections_in_force``)."""
    extraction = records.extraction_from_record(corrections.ocr_view(record))
    settlement = Settlement(record["doc_id"])
    applied = corrections_in_force(ctx.index, record["doc_id"], extraction, record, settlement=settlement,
                                   corrected=corrected)
    matched = match_step(applied.extraction, ctx.registry, corrected=applied.marks.keys())
    updated = records.with_extraction(record, matched)
    updated = corrections.mark(updated, applied)
    updated = decisions_in_force(ctx.index, updated, record, ctx.registry, settlement=settlement)
    write_record(ctx.store, ctx.index, updated, settlement)
    return updated


__all__ = ["CorrectionError", "InvalidValueError", "correct", "rematch"]
