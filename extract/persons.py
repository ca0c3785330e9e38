"""Persons with roles: labels found in reading order become people, then each field's readings are settled.

While walking, the *current person* receives person fields. Section anchors switch it ("Họ và tên mẹ" → the
mother), ``new_person`` labels open another one (each "Họ và tên" of a household page; where OCR lost one, the
next label of the block opens it, being one the person before already had), ``sets_role`` labels re-role it
("Quan hệ với chủ hộ: Chủ hộ" → head). Afterwards people of a single-holder role are merged (the
head named at the top of a household book and again in his own block), and every field is settled from its
readings: the printed label first, a fallback label ("Ghi bằng chữ") when the first is missing or only a
year, the card's machine-readable zone, and what the role or label implies (a mother is female) last.
Disagreeing readings lower the confidence; they are never averaged into a value nobody printed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from rapidfuzz.distance import Levenshtein

from config.templates import DOCUMENT_FIELDS, LabelSpec, Template
from extract.ids import check_citizen_id, check_old_id
from extract.layout import PageText
from extract.model import FieldValue, Person
from extract.mrz import Mrz, printed_name, zone_birth_date
from extract.reader import Found
from extract.second_look import SecondLook, Spot
from extract.text import fold
from extract.values import Candidate, Piece, read

log = logging.getLogger(__name__)

IMPLIED_CONFIDENCE = 0.95  # a mother is female: only a misread label could make it wrong
DISAGREE = 0.6  # two readings of one field that differ
IMPLIED_CONFLICT = 0.7  # a printed value contradicting what the role or label implies
FUTURE = 0.3  # a date after today: misread digits
FROM_FALLBACK = 0.9  # a value read from the fallback label only
MRZ_CONFIDENCE = 0.97  # an MRZ value whose check digit holds
MRZ_REPAIRED = 0.9  # an MRZ ID whose first digit was read as another than the 0 every ID starts with
MRZ_NAME_CONFIDENCE = 0.5  # the MRZ name has no diacritics: better than nothing, not the name as printed
AGREE_FLOOR = 0.97  # two independent readings that agree
ROLE_MATCH = 0.75
LABEL_NAME_TRUST = 0.5  # a name its label introduced, read with less confidence, does not stop the zone's search


@dataclass
class _Draft:
    role: str
    values: dict[str, list[Candidate]] = field(default_factory=dict)
    spots: list[Spot] = field(default_factory=list)  # where its values are printed, for a second look
    labels: set[str] = field(default_factory=set)  # the person labels found for it (field, or sets_role label)

    def add(self, cand: Candidate) -> None:
        self.values.setdefault(cand.field, []).append(cand)


class PersonBuilder:
    """Receives the labels of one document in reading order; gives its persons and document-field readings."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.doc: dict[str, list[Candidate]] = {}
        # The role each block of a list opens with (a household page's members), if the template has such blocks.
        self.listed = next((spec.role or template.default_role for spec in template.labels if spec.new_person), None)

    def _open(self, role: str, *, new: bool) -> None:
        if not new:
            for d in reversed(self.drafts):
                if d.role == role:
                    self.current = d
                    return
        self.current = _Draft(role)
        self.drafts.append(self.current)

    def feed(self, found: Found) -> None:
        spec = found.spec
        in_body = spec.field is None or spec.is_document_field
        if (spec.zone == "header" and not found.header) or (found.header and (spec.zone == "body" or not in_body)):
            return  # a person's label in the header is a misreading of the organ or national motto
        if spec.role is not None or spec.new_person:
            role = spec.role or self.template.default_role
            if role is not None:
                self._open(role, new=spec.new_person)
        elif self._block_lost(spec):
            # A block of a list whose opening label OCR lost (a stamp over "Họ và tên"): its first label found is
            # one the person before already had. Without a new person, the block's values would go to that one.
            assert self.listed is not None
            self._open(self.listed, new=True)
        if self.current is not None and (key := _label_key(spec)) is not None:
            self.current.labels.add(key)
        if spec.field is None:
            if spec.sets_role and found.piece is not None and self.current is not None:
                self.current.role = self._role_from(found.piece.text, spec.sets_role) or self.current.role
            return
        cand = read(spec.field, spec.kind, found.piece, pattern=spec.pattern,
                    fallback=spec.fallback) if found.piece is not None else None
        spot = Spot.of(spec, found, cand)
        if spot is not None and cand is not None:
            cand = replace(cand, region=spot.region)
        if spec.field in DOCUMENT_FIELDS:
            if cand is not None:
                self.doc.setdefault(spec.field, []).append(cand)
            return
        if self.current is None:
            if self.template.default_role is None:
                log.debug("%s before any person anchor: ignored", spec.field)
                return
            self._open(self.template.default_role, new=False)
        assert self.current is not None
        if cand is not None:
            self.current.add(cand)
        if spot is not None:
            self.current.spots.append(spot)
        bbox = found.hit.row.bbox if found.hit.row.has_boxes else None
        for f, v in spec.implies:
            self.current.add(Candidate(f, v, IMPLIED_CONFIDENCE, found.hit.row.page, bbox, source="implied"))

    def _block_lost(self, spec: LabelSpec) -> bool:
        key = _label_key(spec)
        return self.listed is not None and self.current is not None and key is not None \
            and key in self.current.labels and not spec.is_document_field

    def printed_name(self, role: str, pages: Sequence[PageText], names: tuple[str, ...]) -> None:
        """The card's printed name found by the name its zone spells, when no label introduced a name read with
        some confidence (what a label finds on a 150 dpi card copy may be specks: "FƯII" at 0.06)."""
        draft = next((d for d in self.drafts if d.role == role), None)
        if draft is not None and any(c.source == "label" and c.confidence >= LABEL_NAME_TRUST
                                     for c in draft.values.get("full_name", [])):
            return
        found = printed_name(pages, names)
        if found is None:
            return
        row, i, j = found
        start = sum(len(w.text) + 1 for w in row.words[:i])
        end = sum(len(w.text) + 1 for w in row.words[:j + 1]) - 1
        cand = read("full_name", "name", Piece.of_row(row, start, end))
        if cand is None:
            return
        if draft is None:
            self._open(role, new=False)
            draft = self.current
        assert draft is not None
        spot = Spot.at(cand, row)
        draft.add(replace(cand, source="layout", region=spot.region if spot else None))
        if spot is not None:
            draft.spots.append(spot)

    def _role_from(self, text: str, mapping: tuple[tuple[str, str], ...]) -> str | None:
        """The role a value names ("Chủ hộ" → head), compared on as many words as the key has; else "*"."""
        words = fold(text).replace(":", " ").split()
        default = None
        for key, role in mapping:
            if key == "*":
                default = role
                continue
            head = " ".join(words[: len(key.split())])
            # OCR drops or adds the space between a key's words ("Chủbộ"): compared without spaces too.
            joined, bare = "".join(words), fold(key).replace(" ", "")
            if head and max(Levenshtein.normalized_similarity(fold(key), head),
                            Levenshtein.normalized_similarity(bare, joined[: len(bare)])) >= ROLE_MATCH:
                return role
        return default

    def persons(self, mrz: Mrz | None = None, today: date | None = None,
                look: SecondLook | None = None) -> list[Person]:
        """The persons of the document; ``look`` re-reads weak fields from the page before they are settled."""
        today = today or date.today()
        merged: list[_Draft] = []
        for d in self.drafts:
            single = not self.template.role(d.role).multiple
            twin = next((m for m in merged if m.role == d.role), None) if single else None
            if twin is None:
                merged.append(_Draft(d.role, {k: list(v) for k, v in d.values.items()}, list(d.spots)))
            else:
                for cands in d.values.values():
                    for c in cands:
                        twin.add(c)
                twin.spots.extend(d.spots)
        if mrz is not None and self.template.mrz and not any(d.role == self.template.mrz for d in merged):
            merged.append(_Draft(self.template.mrz))  # the card's zone was read, its printed labels were not
        for d in merged:
            for f, v in self.template.role(d.role).implies:
                d.add(Candidate(f, v, IMPLIED_CONFIDENCE, source="implied"))
            if mrz is not None and d.role == self.template.mrz:
                _add_mrz(d, mrz)
        settled = [settle(d.values, today) for d in merged]
        if look is not None:
            revised = look.revise([(d.values, d.spots, f) for d, f in zip(merged, settled, strict=True)])
            for k, values in revised.items():
                merged[k].values = values
                settled[k] = settle(values, today)
        settled = share(settled, self.template.shared)
        out = []
        for d, fields in zip(merged, settled, strict=True):
            read = any(c.source != "implied" for cands in d.values.values() for c in cands)
            # Kept without a name when something was read: a reviewer can still link it by its birth date.
            if fields and read:
                out.append(Person(d.role, fields))
        return out


SHARED = "printed once for everyone on the document"


def share(persons: list[dict[str, FieldValue]], names: Sequence[str]) -> list[dict[str, FieldValue]]:
    """Each person's fields with the ``names`` the document prints once for all (a household book's address is
    every member's permanent residence) given to the persons without their own, from the first who has it."""
    out = [dict(fields) for fields in persons]
    for name in names:
        first = next((f[name] for f in out if name in f), None)
        if first is None:
            continue
        for fields in out:
            if fields and name not in fields:
                fields[name] = replace(first, reasons=(*first.reasons, SHARED), alternatives=())
    return out


def _label_key(spec: LabelSpec) -> str | None:
    """What a person label gives, to tell a label read a second time: its field, or the role it sets."""
    if spec.field is not None:
        return spec.field
    return "sets_role" if spec.sets_role else None


def _add_mrz(d: _Draft, mrz: Mrz) -> None:
    if mrz.citizen_id:
        conf = MRZ_CONFIDENCE * (MRZ_REPAIRED if mrz.id_reasons else 1.0)
        d.add(Candidate("citizen_id", mrz.citizen_id, conf, source="mrz", reasons=mrz.id_reasons))
    if mrz.sex:
        d.add(Candidate("gender", mrz.sex, MRZ_CONFIDENCE, source="mrz"))
    if mrz.birth:
        d.add(Candidate("date_of_birth", mrz.birth, MRZ_CONFIDENCE, source="mrz"))
    if mrz.names:
        d.add(Candidate("full_name", " ".join(mrz.names), MRZ_NAME_CONFIDENCE, source="mrz"))


def _fv(c: Candidate, confidence: float | None = None, reasons: list[str] | tuple[str, ...] = ()) -> FieldValue:
    conf = c.confidence if confidence is None else confidence
    return FieldValue(c.value, round(max(0.0, min(1.0, conf)), 4), c.page, c.bbox, _reasons(c.reasons, reasons),
                      alternatives=c.alternatives)


def _reasons(*groups: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        out.extend(r for r in group if r not in out)
    return tuple(out)


def _another(c: Candidate) -> str:
    where = {"mrz": "the machine-readable zone", "implied": "what the role or label implies"}.get(c.source)
    return f"{where} says {c.value}" if where else f"another reading says {c.value}"


def _ranked(cands: list[Candidate]) -> list[Candidate]:
    order = {"label": 0, "layout": 0, "phrase": 0, "mrz": 2, "implied": 3}
    return sorted(cands, key=lambda c: (order.get(c.source, 1) + (1 if c.fallback else 0)))


def settle(values: dict[str, list[Candidate]], today: date) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    if "date_of_birth" in values:
        dob = settle_date(values["date_of_birth"], today)
        if dob is not None:
            out["date_of_birth"] = dob
    for name, cands in values.items():
        if name in ("date_of_birth", "citizen_id", "old_id_number"):
            continue
        value = _settle_name(cands) if name == "full_name" else _settle_plain(cands)
        if value is not None:
            out[name] = value
    birth = out.get("date_of_birth")
    year = int(birth.value[:4]) if birth is not None and len(birth.value) in (4, 10) else None
    gender = out["gender"].value if "gender" in out else None
    for name in ("citizen_id", "old_id_number"):
        if name in values:
            value = _settle_id(name, values[name], year, gender)
            if value is not None:
                out[name] = value
    if birth is not None and len(birth.value) == 6:  # the zone's YYMMDD alone: placed in its century
        out.pop("date_of_birth")
        cid = out.get("citizen_id")
        placed = zone_birth_date(birth.value, cid.value if cid is not None else None, today)
        if placed is not None:
            value, factor, why = placed
            out["date_of_birth"] = FieldValue(value, birth.confidence * factor, reasons=(why,))
    return out


def _settle_plain(cands: list[Candidate]) -> FieldValue | None:
    ranked = _ranked(cands)
    if not ranked:
        return None
    best = ranked[0]
    conf = best.confidence
    others = [c for c in ranked[1:] if c.value != best.value]
    same = [c for c in ranked[1:] if c.value == best.value]
    if others:
        conf *= IMPLIED_CONFLICT if all(c.source == "implied" for c in others) else DISAGREE
    elif same:
        conf = max(conf, min(AGREE_FLOOR, max(c.confidence for c in same)))
    return _fv(best, conf, [_another(c) for c in others])


def _settle_name(cands: list[Candidate]) -> FieldValue | None:
    printed = [c for c in _ranked(cands) if c.source != "mrz"]
    mrz = next((c for c in cands if c.source == "mrz"), None)
    if not printed:
        return _fv(mrz) if mrz is not None else None
    best = max(printed, key=lambda c: c.confidence)
    conf = best.confidence
    reasons = list(best.reasons)
    if any(c.value != best.value for c in printed):
        conf *= DISAGREE
        reasons += [_another(c) for c in printed if c.value != best.value]
    elif len(printed) > 1:
        conf = max(conf, AGREE_FLOOR)  # printed twice (a household head), read alike twice
    value = best.value
    if mrz is not None:
        spaced = respace(value, mrz.value.split())
        if spaced is not None:
            value, conf = spaced, max(conf, AGREE_FLOOR if spaced.split() != best.value.split() else conf)
        elif fold(value).replace(" ", "") != fold(mrz.value).replace(" ", ""):
            conf *= DISAGREE
            reasons.append(_another(mrz))
    return FieldValue(value, round(min(1.0, conf), 4), best.page, best.bbox, _reasons(reasons))


def respace(printed: str, words: list[str]) -> str | None:
    """``printed`` with its spaces where the MRZ puts them ("LƯỜNGVĂNAN" + LUONG VAN AN → "LƯỜNG VĂN AN").

    Specks OCR put before the name (a card's photo edge) are dropped when the rest spells the MRZ name.
    """
    letters = printed.replace(" ", "")
    target = "".join(words)
    folded = fold(letters).upper()
    if not folded.endswith(target) or len(folded) - len(target) > 3:
        return None
    letters = letters[len(folded) - len(target):]
    out, pos = [], 0
    for w in words:
        out.append(letters[pos:pos + len(w)])
        pos += len(w)
    return " ".join(out)


def settle_date(cands: list[Candidate], today: date) -> FieldValue | None:
    """Printed date first; the words form when the digits gave a year only or nothing; MRZ confirms."""
    mrz = [c for c in cands if c.source == "mrz"]
    primary = [c for c in cands if c.source not in ("mrz", "implied") and not c.fallback]
    backup = [c for c in cands if c.source not in ("mrz", "implied") and c.fallback]
    full = [c for c in primary if len(c.value) == 10]
    best: Candidate | None = None
    conf = 0.0
    reasons: list[str] = []
    if full:
        best, conf = full[0], full[0].confidence
        agree = [c for c in backup + full[1:] if c.value == best.value]
        differ = [c for c in backup + full[1:] if len(c.value) == 10 and c.value != best.value]
        if differ:
            conf *= DISAGREE
            reasons += [_another(c) for c in differ]
        elif agree:
            conf = max(conf, AGREE_FLOOR)
    else:
        whole = [c for c in backup if len(c.value) == 10]
        year = primary[0] if primary else None
        if whole and (year is None or whole[0].value[:4] == year.value):
            best, conf = whole[0], whole[0].confidence * FROM_FALLBACK
            reasons.append("read from the date in words")
        elif year is not None:
            best, conf = year, year.confidence
        elif backup:
            best, conf = backup[0], backup[0].confidence * FROM_FALLBACK
            reasons.append("read from the date in words")
    if best is None:
        return _fv(mrz[0]) if mrz else None
    if mrz and len(best.value) == 10:
        yymmdd = best.value[2:4] + best.value[5:7] + best.value[8:10]
        if mrz[0].value == yymmdd:
            conf = max(conf, AGREE_FLOOR)
        else:
            conf *= DISAGREE
            reasons.append(f"the machine-readable zone says {mrz[0].value} (YYMMDD)")
    if best.value > today.isoformat()[: len(best.value)]:
        log.debug("date after today: confidence lowered")
        conf *= FUTURE
        reasons.append("date after today: misread digits")
    return _fv(best, conf, reasons)


def _settle_id(name: str, cands: list[Candidate], birth_year: int | None, gender: str | None) -> FieldValue | None:
    checked: list[tuple[Candidate, str, float, list[str]]] = []
    for c in cands:
        if name == "citizen_id":
            chk = check_citizen_id(c.value, birth_year=birth_year, gender=gender)
        else:
            chk = check_old_id(c.value)
        if chk.value is None:
            log.debug("%s reading refused: %s", name, "; ".join(chk.reasons))
            continue
        if chk.reasons:
            log.debug("%s: %s", name, "; ".join(chk.reasons))
        checked.append((c, chk.value, c.confidence * chk.confidence_factor, chk.reasons))
    if not checked:
        return None
    checked.sort(key=lambda item: -item[2])
    best, value, conf, reasons = checked[0]
    reasons = [*best.reasons, *reasons]
    same = [x for x in checked[1:] if x[1] == value]
    differ = [x for x in checked[1:] if x[1] != value]
    if differ:
        conf *= DISAGREE
        reasons += [_another(replace(x[0], value=x[1])) for x in differ]
    elif same:
        conf = max(conf, min(AGREE_FLOOR, same[0][2] + 0.1))
    # Where it is printed, rather than the MRZ's reading of the same number.
    where = next((c for c, v, _, _ in checked if v == value and c.bbox is not None), best)
    return FieldValue(value, round(min(1.0, conf), 4), where.page, where.bbox, _reasons(reasons))
