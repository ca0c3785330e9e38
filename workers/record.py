"""Building the contract's document record (schema ``sohoa.document/1``) from the stages' results."""

from __future__ import annotations

import base64
import copy
import hashlib
from datetime import UTC, datetime

from config.settings import PIPELINE_VERSION
from extract.blocking import RegistryLookup
from extract.confirm import confirm_person
from extract.evidence import CitizenEntry
from extract.model import Extraction, FieldValue, Person
from ingest.source import Source
from ocr.result import OcrResult
from storage.keys import hocr_key, metadata_key, original_key, pdf_key
from storage.reviews import Decision
from workers.corrections import renewed_warnings, unconfirm

SCHEMA = "sohoa.document/1"
DECISION_WARNING = "review decision "  # how a record's warning about a decision not applied starts


def make_doc_id(sha256: str, batch: str, name: str) -> str:
    """Stable for the same file in the same batch (re-runs are idempotent), unguessable without the bytes."""
    digest = hashlib.sha256(f"{sha256}\0{batch}\0{name}".encode()).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:20]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _base(doc_id: str, batch: str, source: Source, pages: int) -> dict:
    return {
        "schema": SCHEMA,
        "doc_id": doc_id,
        "batch": batch,
        "source": {"name": source.name, "sha256": source.sha256, "media_type": source.media_type, "pages": pages},
        "status": "done",
        "error": None,
        "doc_type": "unknown",
        "fields": {},
        "persons": [],
        "text": "",
        "ocr": None,
        "objects": {"original": original_key(source.sha256), "pdf": None, "metadata": metadata_key(doc_id)},
        "pipeline_version": PIPELINE_VERSION,
        "processed_at": now(),
    }


def with_extraction(record: dict, extraction: Extraction) -> dict:
    """The record with a (new) document type, fields and persons; status follows the persons' links."""
    out = dict(record)
    out.update(
        status="review" if extraction.needs_review else "done",
        doc_type=extraction.doc_type,
        doc_type_confidence=_rounded(extraction.doc_type_confidence),
        fields={name: f.as_record() for name, f in extraction.fields.items()},
        persons=[p.as_record() for p in extraction.persons],
        processed_at=now(),
    )
    return out


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _field(data: dict) -> FieldValue:
    bbox = data.get("bbox")
    return FieldValue(data["value"], data.get("confidence", 0.0), data.get("page"), tuple(bbox) if bbox else None,
                      tuple(data.get("reasons") or ()), (data.get("confirmed") or {}).get("ocr_value"),
                      tuple(data.get("alternatives") or ()), data.get("read_as"))


def extraction_from_record(record: dict) -> Extraction:
    """What the extract stage found, read back from a stored record (for ``reprocess --from match``)."""
    return Extraction(
        doc_type=record.get("doc_type") or "unknown",
        doc_type_confidence=record.get("doc_type_confidence"),
        fields={k: _field(v) for k, v in (record.get("fields") or {}).items()},
        persons=[person_from_record(p) for p in record.get("persons") or []],
    )


def person_from_record(person: dict) -> Person:
    """A record's person read back, its fields and misread values (the link is the matcher's to make again)."""
    return Person(person.get("role") or "", {k: _field(v) for k, v in (person.get("fields") or {}).items()},
                  misread={k: _field(v) for k, v in (person.get("misread") or {}).items()})


def done_record(doc_id: str, batch: str, source: Source, ocr: OcrResult, extraction: Extraction) -> dict:
    record = with_extraction(_base(doc_id, batch, source, len(ocr.pages)), extraction)
    record.update(
        text=ocr.text,
        ocr={"engine": ocr.engine, "language": ocr.language, "mean_confidence": ocr.mean_confidence},
        pages=[_page(doc_id, p) for p in ocr.pages],
        warnings=list(ocr.warnings),
    )
    record["objects"]["pdf"] = pdf_key(doc_id)
    return record


def _page(doc_id: str, page) -> dict:
    out = {
        "number": page.number,
        "width": page.width,
        "height": page.height,
        "dpi": round(page.dpi, 2),
        "dpi_source": page.dpi_source,
        "rotation": page.rotation,
        "skew_deg": round(page.skew_deg, 2),
        "binarization": page.binarization,
        "text_layer": page.text_layer,
        "mean_confidence": page.mean_confidence,
        "word_count": page.word_count,
        "hocr": hocr_key(doc_id, page.number) if page.hocr_path else None,
    }
    if page.text_layer:
        out["text"] = page.text  # no hOCR for a page whose own text was kept: reprocessing needs it here
    return out


def with_quality(record: dict, flags: dict) -> dict:
    """Each page entry with its scan quality flags (``quality``: a list, empty for a good scan)."""
    out = dict(record)
    out["pages"] = [{**page, "quality": [f.as_record() for f in flags.get(page["number"], [])]}
                    for page in record.get("pages") or []]
    return out


def failed_record(doc_id: str, batch: str, source: Source, error: dict) -> dict:
    record = _base(doc_id, batch, source, 0)
    record.update(status="failed", error=error)
    return record


def duplicate_record(doc_id: str, batch: str, source: Source, primary: dict) -> dict:
    """Same bytes as an earlier document: points to it and copies its findings, not processed again."""
    record = _base(doc_id, batch, source, primary["source"].get("pages") or 0)
    record.update(
        status="duplicate",
        duplicate_of=primary["doc_id"],
        doc_type=primary.get("doc_type") or "unknown",
    )
    if primary.get("doc_type_confidence") is not None:
        record["doc_type_confidence"] = primary["doc_type_confidence"]
    record["objects"]["pdf"] = primary["objects"].get("pdf")
    return record


def document_status(record: dict) -> str:
    if record["status"] not in ("done", "review"):
        return record["status"]
    return "review" if any(p["match"]["status"] == "review" for p in record.get("persons") or []) else "done"


def apply_decisions(record: dict, decisions: dict[int, Decision], lookup: RegistryLookup | None = None) -> dict:
    """The record with each decided person's link set as decided; the input is not changed.

    Values confirmed from the registry (``extract.confirm``) are the linked citizen's: staff rejecting the link
    or accepting another citizen puts them back to what OCR read, and with a ``lookup`` a citizen staff accept
    confirms the person's values as an automatic link does (staff-corrected fields aside). Whatever the order of
    the decisions, a record's confirmations are then those of the citizen it links now. Decisions come by
    position, placed on their persons by ``workers.reapply``; one for a position the record lacks (from a caller
    that did not place them) is applied to no one, and the record says so. Such warnings that older runs wrote go
    with the next application."""
    stale = [w for w in record.get("warnings") or [] if w.startswith(DECISION_WARNING)]
    if not decisions and not stale:
        return record
    out = copy.deepcopy(record)
    count = len(out.get("persons") or [])
    unapplied = [f"{DECISION_WARNING}of person {idx} ({d.action}) by {d.user} not applied: the document now has "
                 f"{count} person(s)" for idx, d in sorted(decisions.items()) if idx >= count]
    if unapplied or stale:
        out["warnings"] = renewed_warnings(out, DECISION_WARNING, unapplied)
    for idx, person in enumerate(out.get("persons") or []):
        decision = decisions.get(idx)
        if decision is None:
            continue
        when = decision.decided_at.isoformat(timespec="seconds")
        match = person.setdefault("match", {})
        if match.get("status") == "matched" and (decision.action != "accept" or
                                                 decision.citizen_id != match.get("citizen_id")):
            unconfirm(person.get("fields") or {}, person.get("misread") or {})
        if decision.action == "accept":
            match.update(status="matched", citizen_id=decision.citizen_id)
            reason = f"accepted in review by {decision.user} at {when}"
            entry = lookup.by_id(decision.citizen_id) if lookup is not None and decision.citizen_id else None
            if entry is not None:
                _confirm(person, entry)
        else:
            match.update(status="unmatched", citizen_id=None)
            reason = f"rejected in review by {decision.user} at {when}"
        match["reasons"] = [reason, *[r for r in match.get("reasons") or [] if "in review by" not in r]]
        # The stamp to the microsecond: what tells this decision from one the same user made in the same second
        # (workers.placement).
        match["decision"] = {"action": decision.action, "user": decision.user, "at": decision.decided_at.isoformat()}
    out["status"] = document_status(out)
    return out


def _confirm(person: dict, entry: CitizenEntry) -> None:
    """``person`` (a record's, in place) with the values its accepted citizen's registry ``entry`` proves misread
    replaced; fields staff corrected or the registry confirmed stay as they are."""
    fields = person.get("fields") or {}
    read = person_from_record(person)
    # A value confirmed already is this citizen's (one another citizen confirmed was put back before).
    done = {name for name, f in fields.items() if "corrected" in f or "confirmed" in f}
    confirmed = confirm_person(read, entry, keep=done)
    for name, value in confirmed.fields.items():
        if value is not read.fields.get(name):
            person.setdefault("fields", {})[name] = value.as_record()
