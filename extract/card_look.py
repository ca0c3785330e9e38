"""Second look at a card's face: its block of print read whole, a few ways, and parsed again.

On a 150–200 dpi copy of an ID card the page reading often loses the front (7-point print beside a photo, a
grainy page: Tesseract's layout takes it for a picture) or reads it line by line into specks. Read as one block
(``--psm 6``), from its own crop (``extract.card_blocks``), the same print comes out legible in most treatments,
and the readings misread different letters. Each reading replaces the block's rows and is walked like the first
reading; only the holder's values read inside the block count. Those the card's machine-readable zone proves
(the zone spells the name without marks and carries the birth date and ID under check digits) or most readings
give alike are added as readings of their own, and ``extract.settle`` weighs them with the rest. The readings are
of one crop and no independent votes: a birth date the zone cannot check is never taken from them, and a value
one reading alone gives keeps that reading's confidence. A document the page reading gave no type, whose pages hold
only blocks a face fits, is read the same way for its type (``card_from_blocks``).
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from config.templates import Template
from extract.card_blocks import FACE_MAX_IN, Box, block_rows, blocks, inside, replaced
from extract.doctype import TITLE_FLOOR, Classification, classify_detail, label_evidence
from extract.ids import check_citizen_id, id_birth_year
from extract.label_text import max_edits, skeleton
from extract.layout import PageText, Row
from extract.mrz import Mrz, looks_like_mrz
from extract.persons import LABEL_NAME_TRUST, PersonBuilder
from extract.reader import walk
from extract.settle import DISAGREE
from extract.text import fold
from extract.values import Candidate
from extract.zone_birth import zone_birth_date
from extract.zone_name import is_name_word
from ocr.crops import Treated, cut_block, treat
from ocr.gaps import ink_height
from ocr.lines import read_lines

if TYPE_CHECKING:
    from extract.second_look import SecondLook, Spot

log = logging.getLogger(__name__)

CARD_FIELDS = ("full_name", "date_of_birth", "citizen_id")
# Block readings giving a card's title on a row of its own, for a page of unknown type to be that card: the
# treatments of one crop read clean print alike, so this is no vote; it keeps a speck read once as a title out.
TITLED = 2
SHORT_TITLE = 9  # skeleton characters of a title read with a label's few misread letters (extract.label_text)
FACE_WIDE_IN = 5.0  # inches: the widest face and its pad (an ID-1 card is 85.6 mm wide; copies enlarged 1.35×)
BLOCK_PLAN = (("gray", 1.0), ("gray", 2.0), ("soft", 1.5), ("gray", 1.5))  # treatment, enlargement of each reading
AGREE = 2  # readings that must give a value alike, and be most of those that gave one, when the zone cannot prove it
AGREED = 0.5  # confidence floor of a value readings agree on (a word run into its misread label reads near 0)
PROVEN = 0.85  # confidence floor of a value the zone proves and readings agree on (the zone's letters, their marks)
MIN_DIGITS = 6  # digits a block reading must show where it found an ID's label, for its place to count
SURE = 0.9  # a first reading of a field the zone lacks at least this sure needs no second look
_ID_DIGITS = re.compile(r"(?<![0-9A-Z])(0\d{11})(?![0-9A-Z])")


@dataclass(frozen=True)
class FrontLook:
    values: tuple[Candidate, ...] = ()  # the holder's values to add to the first reading's
    spots: tuple[Spot, ...] = ()  # where an ID no vote settled is printed, for the second look


def front_values(look: SecondLook, texts: Sequence[PageText], template: Template, title: Sequence[Row],
                 first: dict[str, list[Candidate]], mrz: Mrz | None, today: date) -> FrontLook:
    """The holder's values the block readings of the card's faces give, for the fields the first reading left
    weak (see module doc). Where they settle no ID but found its label over digits, its place is given for the
    second look's own crops (an ID read "0750709812191", "07507098121" in the block is read 075070981211 with the
    digit plan from its line)."""
    need = [f for f in CARD_FIELDS if not _settled(f, first.get(f, []), mrz, today)]
    if not need or not template.mrz:
        return FrontLook()
    readings: list[dict[str, Candidate]] = []
    places: list[tuple[int, Spot]] = []
    for reading in _block_readings(look, texts):
        best, spots = _parsed(reading, texts, template, title, mrz)
        if best:
            readings.append(best)
        places += spots
    out = [c for f in need if (c := vote(f, [r[f] for r in readings if f in r], mrz, today)) is not None]
    # An ID re-read from its line is checked by nothing but its structure: only for a holder with a name to link by
    # (a face read into nothing but its ID line would keep a digit misread alike by three readings).
    named = bool(first.get("full_name")) or bool(mrz and mrz.names) or any(c.field == "full_name" for c in out)
    spots = [max(places, key=lambda p: p[0])[1]] if places and named and "citizen_id" in need and \
        all(c.field != "citizen_id" for c in out) else []
    log.debug("card front: %d block readings, %d values added, %d places", len(readings), len(out), len(spots))
    return FrontLook(tuple(out), tuple(spots))


def card_from_blocks(look: SecondLook, texts: Sequence[PageText], templates: Sequence[Template]
                     ) -> Classification | None:
    """A card's type, for pages whose reading said nothing a type is known by: a card copy on a grainy page read
    into specks (title and zone lost) reads legibly as blocks (see module doc). Only pages whose every block of
    print a card's face fits are read (not a decision's body, nor a card copy pasted under a letter), and only a
    card's type is given: where ``TITLED`` readings give its title on a row of its own (not inside a longer one:
    "CĂN CƯỚC CÔNG DÂN SỐ ..." is a paper in a body of text) and the blocks show one of its labels or a line of its
    zone. A page of another kind is left for the staff, however its blocks read."""
    faces = _blocks(look, texts)
    if not faces or not all(_face_sized(look, number, box) for number, box, _ in faces):
        return None
    readings = _block_readings(look, texts, faces)
    rows = [row for r in readings for row in r.rows]
    found = classify_detail(_pages_of(readings, texts), templates)
    card = next((t for t in templates if t.doc_type == found.doc_type and t.mrz), None)
    if card is None:
        return None
    titled = sum(any(_titled(row, card) for row in r.rows) for r in readings)
    marked = any(looks_like_mrz(row) for row in rows) or label_evidence(tuple(templates), rows).get(card.doc_type, 0)
    if titled < TITLED or not marked:
        return None
    log.debug("card copy found by its blocks: %s (%.2f)", found.doc_type, found.confidence)
    return replace(found, title=())  # rows of the blocks' readings, not of the pages the fields are read from


def _titled(row: Row, card: Template) -> bool:
    """Whether the row is one of the card's titles, misread: a short one ("CĂN CƯỚC") only as a label may be, since
    "CĂN CỨ" opens the grounds of a decision; never a label ending in its colon."""
    if row.text.rstrip().endswith(":"):
        return False  # "Số căn cước công dân:" is a label
    text = skeleton(row.text)
    for title in map(skeleton, card.titles):
        if len(title) <= SHORT_TITLE:
            if Levenshtein.distance(title, text) <= max_edits(len(title)):
                return True
        elif Levenshtein.normalized_similarity(title, text) >= TITLE_FLOOR:
            return True
    return False


def _pages_of(readings: Sequence[_Reading], texts: Sequence[PageText]) -> list[PageText]:
    """The block readings' rows as pages, top to bottom, for the classifier."""
    pages = []
    for page in texts:
        rows = sorted((row for r in readings if r.page == page.number for row in r.rows), key=lambda row: row.bbox[1])
        if rows:
            pages.append(PageText(page.number, page.width, page.height, tuple(rows)))
    return pages


@dataclass(frozen=True)
class _Reading:
    page: int
    box: Box  # the block read, on the page
    rows: list[Row]  # what was read there, in the page's pixels
    height: float  # the page's print height (``ocr.gaps.ink_height``)


def _blocks(look: SecondLook, texts: Sequence[PageText]) -> list[tuple[int, Box, float]]:
    """(page, box, print height) of every block of print of every page with an image, found once per page for the
    document (``SecondLook.blocks_found``)."""
    found: list[tuple[int, Box, float]] = []
    for page in texts:
        if page.number not in look.blocks_found:
            image = look.page(page.number)
            if image is None:
                look.blocks_found[page.number] = []
            else:
                dpi = look.dpi(page.number)
                h = ink_height(image, dpi)
                look.blocks_found[page.number] = [(page.number, box, h) for box in blocks(page, image, h, dpi)]
        found += look.blocks_found[page.number]
    return found


def _face_sized(look: SecondLook, number: int, box: Box) -> bool:
    dpi = look.dpi(number)
    return box[3] - box[1] <= FACE_MAX_IN * dpi and box[2] - box[0] <= FACE_WIDE_IN * dpi


def _block_readings(look: SecondLook, texts: Sequence[PageText],
                    found: Sequence[tuple[int, Box, float]] | None = None) -> list[_Reading]:
    """Every block of every page (those ``found``, when given), read whole in each treatment of ``BLOCK_PLAN``: one
    Tesseract run for the blocks not read before for this document (``SecondLook.blocks_read``)."""
    found = _blocks(look, texts) if found is None else found
    items: list[tuple[int, Box, Treated, float]] = []
    for number, box, h in found:
        crop = cut_block(look.page(number), box) if (number, box) not in look.blocks_read else None
        if crop is not None:
            items += [(number, box, treat(crop, how, scale), h) for how, scale in BLOCK_PLAN]
    if items:
        read = read_lines([t.image for _, _, t, _ in items], language=look.language,
                          tessdata=look.models(look.language), block=True)
        for (number, box, treated, h), words in zip(items, read, strict=True):
            done = look.blocks_read.setdefault((number, box), [])
            if words:
                done.append(_Reading(number, box, block_rows(number, treated, words), h))
    return [r for number, box, _ in found for r in look.blocks_read.get((number, box), [])]


def _parsed(reading: _Reading, texts: Sequence[PageText], template: Template, title: Sequence[Row],
            mrz: Mrz | None) -> tuple[dict[str, Candidate], list[tuple[int, Spot]]]:
    """The holder's best value per field that this reading of its block gave, and the places of an ID's label over
    digits in it (with the digits there, to rank them)."""
    role = template.mrz or ""
    builder = PersonBuilder(template)
    alt = [replaced(p, reading.box, reading.rows) if p.number == reading.page else p for p in texts]
    for item in walk(alt, template, title):
        builder.feed(item)
    if mrz is not None and mrz.names:
        builder.printed_name(role, alt, mrz.names)

    def mine(box: tuple[int, int, int, int] | None, page: int | None) -> bool:
        # Only what this reading of this block gave: the rest of the document is the first reading again.
        return page == reading.page and inside(reading.box, box)

    values = builder.values_of(role)
    best = {f: max(cs, key=lambda c: c.confidence) for f in CARD_FIELDS
            if (cs := [c for c in values.get(f, []) if c.source in ("label", "layout") and mine(c.bbox, c.page)])}
    if "citizen_id" not in best and (loose := _printed_id(reading.rows)) is not None:
        best["citizen_id"] = loose
    places = [(digits, _tight(spot, reading.height)) for spot in builder.spots_of(role)
              if spot.field == "citizen_id" and mine(spot.region, spot.page)
              and (digits := _digits_in(reading.rows, spot.region)) >= MIN_DIGITS]
    return best, places


def _settled(field: str, cands: Sequence[Candidate], mrz: Mrz | None, today: date) -> bool:
    """Whether the first reading has the field as the zone proves it (a name read with some confidence: its marks
    are as good as a block reading's), or, where the zone lacks it, read surely."""
    printed = [c for c in cands if c.source in ("label", "layout")]
    zone = _zone_value(field, mrz)
    if zone is None:
        return any(c.confidence >= SURE for c in printed)
    floor = LABEL_NAME_TRUST if field == "full_name" else SURE
    return any(c.confidence >= floor and _proven(field, c.value, mrz, today) for c in printed)


def _zone_value(field: str, mrz: Mrz | None) -> str | None:
    if mrz is None:
        return None
    if field == "full_name":
        return " ".join(mrz.names) or None
    if field == "date_of_birth":
        return mrz.birth
    return mrz.citizen_id


def _proven(field: str, value: str, mrz: Mrz | None, today: date) -> bool:
    """Whether the zone has ``value``. A birth date must be the zone's YYMMDD in the century the zone's ID or the
    holder's age gives. A name may differ from the zone's by one letter of one word where the zone's word is no
    name for its place and the printed one is ("TRAM" read in the zone for a family name, TRẦN printed): the zone's
    name line has no check digit."""
    zone = _zone_value(field, mrz)
    if zone is None or mrz is None:
        return False
    if field == "date_of_birth":
        placed = zone_birth_date(zone, mrz.citizen_id, today)
        return placed is not None and value == placed[0]
    if field == "citizen_id":
        return value == zone
    printed, zoned = fold(value).upper().split(), fold(zone).upper().split()
    if "".join(printed) == "".join(zoned):
        return True
    if len(printed) != len(zoned):
        return False
    off = [(k, p, z) for k, (p, z) in enumerate(zip(printed, zoned, strict=True)) if p != z]
    if len(off) != 1:
        return False
    k, p, z = off[0]
    return Levenshtein.distance(p, z) == 1 and is_name_word(p, k == 0) and not is_name_word(z, k == 0)


def vote(field: str, cands: Sequence[Candidate], mrz: Mrz | None, today: date) -> Candidate | None:
    """One value of the block readings: the one most give among those the zone proves; where the zone lacks the
    field (not for a birth date), the one at least ``AGREE`` and most of them give, an ID only as the holder the
    zone describes can have it. None otherwise."""
    zone = _zone_value(field, mrz)
    if zone is None and field == "date_of_birth":
        return None  # readings of one crop misread a date alike ("27/09/1970" twice for 27/05/1970)
    if zone is not None:
        pool = [c for c in cands if _proven(field, c.value, mrz, today)]
    elif field == "citizen_id":
        pool = [c for c in cands if _fits(c.value, mrz, today)]
    else:
        pool = list(cands)
    if not pool:
        return None
    counts = Counter(c.value for c in pool).most_common()
    (value, n), rest = counts[0], counts[1:]
    if rest and rest[0][1] == n:
        return None  # a tie: nothing says which
    if zone is None and (n < AGREE or 2 * n <= len(cands)):
        return None
    alike = [c for c in pool if c.value == value]
    conf = statistics.fmean(c.confidence for c in alike)
    if n >= AGREE:
        conf = max(conf, PROVEN if zone is not None else AGREED)
    # Readings the zone rules out are specks, not another value; where the zone lacks the field any other value
    # read counts against.
    if any(c.value != value for c in (pool if zone is not None else cands)):
        conf *= DISAGREE
    why = f"read from the card's face as a block, {n} of {len(cands)} readings alike"
    if zone is not None:
        why += ", as the machine-readable zone has it"
    best = max(alike, key=lambda c: c.confidence)
    return replace(best, confidence=round(conf, 4), source="label", reasons=(*best.reasons, why), region=None)


def _fits(citizen_id: str, mrz: Mrz | None, today: date) -> bool:
    """Whether an ID the zone does not carry is one the holder can have: a known province, a century digit that
    makes a past birth year, and the zone's birth year and sex where it has them ("079276806064" for a holder the
    zone says was born in '76 is born in 2076)."""
    chk = check_citizen_id(citizen_id, gender=mrz.sex if mrz is not None else None)
    if chk.value is None or not chk.valid or chk.reasons:
        return False
    year = id_birth_year(citizen_id)
    zone_year = mrz is None or mrz.birth is None or mrz.birth[:2] == citizen_id[4:6]
    return year is not None and year <= today.year and zone_year


def _printed_id(rows: Sequence[Row]) -> Candidate | None:
    """The one personal ID printed on a block reading whose label was misread ("Sổ/7No.+075070981211-"): twelve
    digits starting with 0, run into no other digit or letter of the zone, whose structure holds. A card prints
    its ID once on its face; the zone's copy sits among letters and fillers."""
    found = []
    for row in rows:
        for w in row.words:
            if "<" in w.text:
                continue
            for m in _ID_DIGITS.finditer(w.text):
                chk = check_citizen_id(m.group(1))
                if chk.value is not None and chk.valid:
                    found.append(Candidate("citizen_id", chk.value, w.confidence, row.page, w.bbox,
                                           reasons=("read without its label",)))
    return found[0] if len({c.value for c in found}) == 1 else None


def _digits_in(rows: Sequence[Row], region: Box) -> int:
    """Digits of the words whose middle lies in ``region``."""
    return sum(sum(ch.isdigit() for ch in w.text) for r in rows for w in r.words if inside(region, w.bbox))


def _tight(spot: Spot, h: float) -> Spot:
    """``spot`` at the print's own height: a block reading's row height holds specks read with it, and the crop of a
    face's 7-point line cut at that height holds the lines above and below too."""
    x0, y0, x1, y1 = spot.region
    mid = (y0 + y1) / 2
    return replace(spot, region=(x0, round(mid - h / 2), x1, round(mid + h / 2)), height=h)
