"""Persons with roles: labels found in reading order become people, then each field's readings are settled.

While walking, the *current person* receives person fields. Section anchors switch it ("Họ và tên mẹ" → the
mother), ``new_person`` labels open another one (each "Họ và tên" of a household page; where OCR lost one, the
next label of the block opens it, being one the person before already had), ``sets_role`` labels re-role it
("Quan hệ với chủ hộ: Chủ hộ" → head). Afterwards people of a single-holder role are merged (the
head named at the top of a household book and again in his own block), and every field is settled from its
readings (``extract.settle``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from rapidfuzz.distance import Levenshtein

from config.templates import DOCUMENT_FIELDS, LabelSpec, Template
from extract.layout import PageText
from extract.model import Person
from extract.mrz import Mrz, printed_name
from extract.pieces import Piece
from extract.reader import Found
from extract.second_look import SecondLook, Spot
from extract.settle import misread, settle, share
from extract.text import fold
from extract.values import Candidate, misread_id, read

log = logging.getLogger(__name__)

IMPLIED_CONFIDENCE = 0.95  # a mother is female: only a misread label could make it wrong
MRZ_CONFIDENCE = 0.97  # an MRZ value whose check digit holds
MRZ_REPAIRED = 0.9  # an MRZ ID whose first digit was read as another than the 0 every ID starts with
MRZ_NAME_CONFIDENCE = 0.5  # the MRZ name has no diacritics: better than nothing, not the name as printed
ROLE_MATCH = 0.75
LABEL_NAME_TRUST = 0.5  # a name its label introduced, read with less confidence, does not stop the zone's search


@dataclass
class _Draft:
    role: str
    values: dict[str, list[Candidate]] = field(default_factory=dict)
    spots: list[Spot] = field(default_factory=list)  # where its values are printed, for a second look
    labels: set[str] = field(default_factory=set)  # the person labels found for it (field, or sets_role label)
    # Its ID read a digit short or long (``values.misread_id``): no reading of the field, nor something read.
    misread: list[Candidate] = field(default_factory=list)

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
        elif (column_role := self._column_role(found)) is not None:
            # A column's fields are its person's even where OCR lost the label naming them ("Họ, chữ đệm, tên
            # chồng" garbled): else the husband's ID would go to the wife, the person open before.
            if self.current is None or self.current.role != column_role:
                self._open(column_role, new=False)
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
            if (key := _label_key(spec)) is not None:
                self.current.labels.add(key)  # a second "Ngày, tháng, năm sinh" then opens the next block
        assert self.current is not None
        if cand is not None:
            self.current.add(cand)
        elif spec.field == "citizen_id" and found.piece is not None and (slip := misread_id(found.piece)):
            self.current.misread.append(slip)
        if spot is not None:
            self.current.spots.append(spot)
        bbox = found.hit.row.bbox if found.hit.row.has_boxes else None
        for f, v in spec.implies:
            self.current.add(Candidate(f, v, IMPLIED_CONFIDENCE, found.hit.row.page, bbox, source="implied"))

    def _column_role(self, found: Found) -> str | None:
        """The role whose fields the column of ``found`` holds, for a person field's label; else None."""
        columns = self.template.columns
        spec = found.spec
        if columns is None or not columns.roles or found.column is None or spec.field is None \
                or spec.is_document_field:
            return None
        return columns.roles[found.column]

    def _block_lost(self, spec: LabelSpec) -> bool:
        key = _label_key(spec)
        return self.listed is not None and self.current is not None and key is not None \
            and key in self.current.labels and not spec.is_document_field

    def printed_name(self, role: str, pages: Sequence[PageText], names: tuple[str, ...]) -> None:
        """The card's printed name found by the name its zone spells, when no label introduced a name read with
        some confidence (what a label finds on a 150 dpi card copy may be specks: "FƯII" at 0.06)."""
        draft = self._first(role)
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

    def _first(self, role: str) -> _Draft | None:
        return next((d for d in self.drafts if d.role == role), None)

    def values_of(self, role: str) -> dict[str, list[Candidate]]:
        """The readings so far of the first person in ``role`` ({} when there is none)."""
        draft = self._first(role)
        return draft.values if draft is not None else {}

    def spots_of(self, role: str) -> list[Spot]:
        """Where the values of the first person in ``role`` are printed."""
        draft = self._first(role)
        return list(draft.spots) if draft is not None else []

    def add_read(self, role: str, cands: Sequence[Candidate], spots: Sequence[Spot] = ()) -> None:
        """Readings found apart from the walk (a card's front read again) given to the first person in ``role``, and
        places of its values for the second look."""
        if not cands and not spots:
            return
        draft = self._first(role)
        if draft is None:
            self._open(role, new=False)
            draft = self.current
        assert draft is not None
        for c in cands:
            draft.add(c)
        draft.spots.extend(spots)

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
                merged.append(_Draft(d.role, {k: list(v) for k, v in d.values.items()}, list(d.spots),
                                     misread=list(d.misread)))
            else:
                for cands in d.values.values():
                    for c in cands:
                        twin.add(c)
                twin.spots.extend(d.spots)
                twin.misread.extend(d.misread)
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
                out.append(Person(d.role, fields, misread=misread(d.misread, fields)))
        return out


def _label_key(spec: LabelSpec) -> str | None:
    """What a person label gives, to tell a label read a second time: its field, or the role it sets."""
    if spec.field is not None:
        return spec.field
    return "sets_role" if spec.sets_role else None


def _add_mrz(d: _Draft, mrz: Mrz) -> None:
    if mrz.citizen_id:
        conf = MRZ_CONFIDENCE * (MRZ_REPAIRED if mrz.id_reasons else 1.0)
        d.add(Candidate("citizen_id", mrz.citizen_id, conf, source="mrz", reasons=mrz.id_reasons,
                        proved=mrz.id_composite))
    if mrz.sex:
        d.add(Candidate("gender", mrz.sex, MRZ_CONFIDENCE, source="mrz"))
    if mrz.birth:
        conf = MRZ_CONFIDENCE * (MRZ_REPAIRED if mrz.birth_reasons else 1.0)
        d.add(Candidate("date_of_birth", mrz.birth, conf, source="mrz", reasons=mrz.birth_reasons))
    if mrz.names:
        d.add(Candidate("full_name", " ".join(mrz.names), MRZ_NAME_CONFIDENCE, source="mrz"))
