"""What the extract stage hands on: document type, fields and persons, in the contract's shapes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldValue:
    value: str
    confidence: float
    page: int | None = None
    bbox: tuple[int, int, int, int] | None = None
    # Why the confidence is lowered or the value was changed (an ID's century digit against the birth year, an
    # unknown province code, a re-read from the page): in the record only when there is something to say.
    reasons: tuple[str, ...] = ()
    # What OCR read, when a confident registry link proved it misread and its value replaced it
    # (extract.confirm); the record shows it as ``confirmed``, the way a staff correction shows ``corrected``.
    ocr_value: str | None = None
    # Other well-formed values the readings of this spot gave (a birth date read two ways by two models): the
    # value is the one the readings favoured, the registry may settle between them (extract.matching).
    alternatives: tuple[str, ...] = ()
    # A birth year kept alone: the whole date as OCR read it ("39/7/1959"), which a linked citizen's registry
    # entry may explain (extract.confirm); in the record so that a rematch from it can too.
    read_as: str | None = None

    def as_record(self) -> dict:
        out: dict = {"value": self.value, "confidence": round(self.confidence, 4)}
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = list(self.bbox)
        if self.reasons:
            out["reasons"] = list(self.reasons)
        if self.ocr_value is not None:
            out["confirmed"] = {"by": "registry", "ocr_value": self.ocr_value}
        if self.alternatives:
            out["alternatives"] = list(self.alternatives)
        if self.read_as is not None and len(self.ocr_value or self.value) == 4:
            out["read_as"] = self.read_as
        return out


@dataclass(frozen=True)
class Match:
    status: str = "unmatched"  # matched | review | unmatched
    citizen_id: str | None = None
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    candidates: list[tuple[str, float]] = field(default_factory=list)

    def as_record(self) -> dict:
        return {
            "status": self.status,
            "citizen_id": self.citizen_id,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
            "candidates": [{"citizen_id": cid, "score": round(s, 4)} for cid, s in self.candidates],
        }


@dataclass(frozen=True)
class Person:
    role: str
    fields: dict[str, FieldValue]
    match: Match = field(default_factory=Match)
    # Values OCR misread past use: a personal ID read a digit short or long ("0791960801643"), which no structure
    # restores and a linked citizen's registry entry may explain (extract.confirm); not fields, in the record as
    # ``misread`` so that a rematch from it can explain it too.
    misread: dict[str, FieldValue] = field(default_factory=dict)

    def as_record(self) -> dict:
        out = {
            "role": self.role,
            "fields": {name: f.as_record() for name, f in self.fields.items()},
            "match": self.match.as_record(),
        }
        if self.misread:
            out["misread"] = {name: f.as_record() for name, f in self.misread.items()}
        return out


@dataclass(frozen=True)
class Extraction:
    doc_type: str = "unknown"
    fields: dict[str, FieldValue] = field(default_factory=dict)
    persons: list[Person] = field(default_factory=list)
    doc_type_confidence: float | None = None  # None when not known (a record written before it was kept)

    @property
    def needs_review(self) -> bool:
        return any(p.match.status == "review" for p in self.persons)
