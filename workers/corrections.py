"""Applying staff corrections to what extraction found, before matching, and showing them in the record.

Order matters: a corrected name, date of birth or ID is what the registry match must see, so corrections go
into the :class:`Extraction` first (:func:`apply_to_extraction`), matching runs on that, and the record then
shows which values a person set (:func:`mark`, a ``corrected`` object on the field, beside the OCR's own
value). :func:`ocr_view` takes a stored record back to what OCR read, for re-running from ``match``.
Pure functions; the input is never changed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from extract.confirm import REASON_PREFIX as CONFIRM_REASON
from extract.model import Extraction, FieldValue
from storage.corrections import Correction

_WARNING_PREFIX = "correction "
CORRECTION_SET_ASIDE = "set aside: correction "  # a correction whose person a re-run did not find (workers.reapply)
Key = tuple[int | None, str]  # (person index or None for the document, field name)


@dataclass(frozen=True)
class Applied:
    extraction: Extraction
    marks: dict[Key, dict] = field(default_factory=dict)  # the ``corrected`` object of each corrected field
    skipped: list[str] = field(default_factory=list)  # corrections that no longer fit the document
    set_aside: list[str] = field(default_factory=list)  # warnings of corrections set aside (``workers.reapply``)


def apply_to_extraction(extraction: Extraction, corrections: list[Correction]) -> Applied:
    """The extraction with every correction's value in place (confidence 1.0, the OCR's page and box kept)."""
    if not corrections:
        return Applied(extraction)
    fields = dict(extraction.fields)
    persons = [dict(p.fields) for p in extraction.persons]
    marks: dict[Key, dict] = {}
    skipped = []
    for c in corrections:
        if c.person_idx is None:
            target = fields
        elif 0 <= c.person_idx < len(persons):
            target = persons[c.person_idx]
        else:
            skipped.append(
                f"{_WARNING_PREFIX}of person {c.person_idx} {c.field} by {c.user} not applied: "
                f"the document now has {len(persons)} person(s)"
            )
            continue
        ocr = target.get(c.field)
        # Where OCR misread the value past use (an ID a digit long), the value typed is still printed there.
        where = ocr or (extraction.persons[c.person_idx].misread.get(c.field) if c.person_idx is not None else None)
        target[c.field] = FieldValue(c.value, 1.0, where.page if where else None, where.bbox if where else None)
        marks[(c.person_idx, c.field)] = {
            "by": c.user,
            "at": c.corrected_at.isoformat(),  # to the microsecond, as a stamp (workers.placement)
            "ocr_value": ocr.value if ocr else None,
            "ocr_confidence": round(ocr.confidence, 4) if ocr else None,
        }
    new_persons = [replace(p, fields=f) for p, f in zip(extraction.persons, persons, strict=True)]
    return Applied(replace(extraction, fields=fields, persons=new_persons), marks, skipped)


def mark(record: dict, applied: Applied) -> dict:
    """The record with ``corrected`` on each corrected field and a warning for each correction not applied."""
    if not applied.marks and not applied.skipped and not applied.set_aside and not _has_correction_warnings(record):
        return record
    out = copy.deepcopy(record)
    for (person_idx, name), note in applied.marks.items():
        fields = out["fields"] if person_idx is None else out["persons"][person_idx]["fields"]
        if name in fields:
            fields[name]["corrected"] = dict(note)
    out["warnings"] = renewed_warnings(out, _WARNING_PREFIX, applied.skipped)
    out["warnings"] = renewed_warnings(out, CORRECTION_SET_ASIDE, applied.set_aside)
    return out


def renewed_warnings(record: dict, prefix: str, new: list[str]) -> list[str]:
    """The record's warnings with those of one kind (starting with ``prefix``) replaced by ``new``: each re-run
    says again what it could not apply, and no more."""
    return [w for w in record.get("warnings") or [] if not w.startswith(prefix)] + list(new)


def ocr_view(record: dict) -> dict:
    """The record's fields as OCR and extraction read them, before any correction or registry confirmation."""
    out = copy.deepcopy(record)
    unconfirm(out.get("fields") or {})
    for p in out.get("persons") or []:
        unconfirm(p.get("fields") or {}, p.get("misread") or {})
    for fields in [out.get("fields") or {}, *[p.get("fields") or {} for p in out.get("persons") or []]]:
        for name in [n for n, f in fields.items() if "corrected" in f]:
            note = fields[name].pop("corrected")
            if note.get("ocr_value") is None:
                del fields[name]
            else:
                fields[name].update(value=note["ocr_value"], confidence=note.get("ocr_confidence") or 0.0)
    return out


def unconfirm(fields: dict, misread: dict | None = None) -> None:
    """Each of a record's ``fields`` a registry link confirmed back to what OCR read, in place; one confirmed from
    an ID OCR misread a digit short or long (its ``misread`` reading) is taken out, the reading
    staying under ``misread`` alone."""
    for name in [n for n, f in fields.items() if "confirmed" in f]:
        f = fields[name]
        ocr_value = f.pop("confirmed")["ocr_value"]
        if (misread or {}).get(name, {}).get("value") == ocr_value:
            del fields[name]
            continue
        f["value"] = ocr_value
        kept = [r for r in f.get("reasons") or [] if not r.startswith(CONFIRM_REASON)]
        if kept:
            f["reasons"] = kept
        else:
            f.pop("reasons", None)


def field_of(record: dict, person_idx: int | None, name: str) -> dict | None:
    """The field as the record shows it now (corrected or not), or None when absent."""
    fields = record.get("fields") if person_idx is None else record["persons"][person_idx].get("fields")
    return (fields or {}).get(name)


def _has_correction_warnings(record: dict) -> bool:
    return any(w.startswith((_WARNING_PREFIX, CORRECTION_SET_ASIDE)) for w in record.get("warnings") or [])
