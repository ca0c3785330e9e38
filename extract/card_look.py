"""Second look at a card's front: its block of print read whole, a few ways, and parsed again.

On a 150–200 dpi copy of an ID card the page reading often loses the front (7-point print beside a photo, a
grainy page: Tesseract's layout takes it for a picture) or reads it line by line into specks. Read as one block
(``--psm 6``), from its own crop, the same print comes out legible in most treatments, and the readings misread
different letters. Each reading replaces the block's rows and is walked like the first reading; the holder's
values the readings agree on, or that the card's machine-readable zone proves (the zone spells the name without
marks and carries the birth date and ID under check digits), are added as readings of their own, and
``extract.settle`` weighs them with the rest. Nothing else is taken from them: a single block reading the zone
cannot check may be a misread digit.
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

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein

from config.templates import Template
from extract.ids import check_citizen_id
from extract.layout import PageText, Row
from extract.mrz import Mrz, looks_like_mrz
from extract.persons import PersonBuilder
from extract.reader import walk
from extract.spelling import is_known
from extract.text import fold
from extract.values import Candidate
from ocr.crops import Treated, cut_block, treat
from ocr.gaps import ink_height, unread_lines
from ocr.hocr import Word
from ocr.lines import read_lines

if TYPE_CHECKING:
    from extract.second_look import SecondLook, Spot

log = logging.getLogger(__name__)

_ID_DIGITS = re.compile(r"(?<![0-9A-Z])(0\d{11})(?![0-9A-Z])")

Image = NDArray[np.uint8]

FIELDS = ("full_name", "date_of_birth", "citizen_id")
BLOCK_PLAN = (("gray", 1.0), ("gray", 2.0), ("soft", 1.5), ("gray", 1.5))  # treatment, enlargement of each reading
JOIN = 4.5  # line heights between two lines of one block: a face's line may be lost (7-point print run together), the
# gap between a card's two faces is wider
MIN_ROWS = 4  # fewer rows are no card face (the zone's three lines, a signer's name)
MAX_BLOCKS = 2  # the largest blocks apart from the zone: the front, and the back's upper half
PAD = 1.0  # row heights of paper kept around a block
AGREE = 2  # readings that must give a value alike when the zone cannot prove it
AGREED = 0.5  # confidence floor of a value readings agree on (a word run into its misread label reads near 0)
PROVEN = 0.85  # confidence floor of a value the zone proves (the zone's letters, the front's marks)
TALL = 2.5  # word heights: a row taller is a photo or a seal read as text
MIN_DIGITS = 6  # digits a block reading must show where it found an ID's or a date's label, for its place to count
SURE = 0.9  # a first reading of a field at least this sure, agreeing with the zone, needs no second look


@dataclass(frozen=True)
class FrontLook:
    values: tuple[Candidate, ...] = ()  # the holder's values to add to the first reading's
    spots: tuple[Spot, ...] = ()  # where a field no vote settled is printed, for the second look


def front_values(look: SecondLook, texts: Sequence[PageText], template: Template, title: Sequence[Row],
                 first: dict[str, list[Candidate]], mrz: Mrz | None) -> FrontLook:
    """The holder's values the block readings of the card's faces give, for the fields the first reading left
    weak (see module doc). Where they settle no ID or birth date but found its label, its place is given for the
    second look's own crops (an ID read three ways from the block, "0750709812191", "07507098121", is read
    with the digit plan from its line)."""
    need = [f for f in FIELDS if not _settled(f, first.get(f, []), mrz)]
    if not need:
        return FrontLook()
    items: list[tuple[int, tuple[int, int, int, int], Treated]] = []
    heights: dict[int, float] = {}
    for page in texts:
        image = look.page(page.number)
        if image is None:
            continue
        heights[page.number] = h = ink_height(image, look.dpi(page.number))
        for box in blocks(page, image, h):
            crop = cut_block(image, box)
            if crop is not None:
                items += [(page.number, box, treat(crop, how, scale)) for how, scale in BLOCK_PLAN]
    if not items:
        return FrontLook()
    read = read_lines([t.image for _, _, t in items], language=look.language, tessdata=look.models(look.language),
                      block=True)
    readings: list[dict[str, Candidate]] = []
    places: dict[str, list[tuple[int, Spot]]] = {}
    for (number, box, treated), words in zip(items, read, strict=True):
        if not words:
            continue
        rows = _rows(number, treated, words)
        alt = [_replaced(p, box, rows) if p.number == number else p for p in texts]
        builder = PersonBuilder(template)
        for item in walk(alt, template, title):
            builder.feed(item)
        if mrz is not None and mrz.names and template.mrz:
            builder.printed_name(template.mrz, alt, mrz.names)
        draft = next((d for d in builder.drafts if d.role == template.mrz), None)
        best = _best(draft.values) if draft is not None else {}
        for spot in draft.spots if draft is not None else ():
            # Only digit fields (a name's crop may cut a word the block reading glued to its label), and only where
            # the reading put digits enough for the value: "Số" also opens lines of the back.
            if spot.field in need and spot.digits and (digits := _digits_in(rows, spot.region)) >= MIN_DIGITS:
                places.setdefault(spot.field, []).append((digits, _tight(spot, heights[number])))
        if "citizen_id" not in best and (loose := _printed_id(rows)) is not None:
            best["citizen_id"] = loose
        if best:
            readings.append(best)
    out = [c for f in need if (c := vote(f, [r[f] for r in readings if f in r], mrz)) is not None]
    voted = {c.field for c in out}
    spots = [max(places[f], key=lambda p: p[0])[1] for f in need if f not in voted and f in places]
    log.debug("card front: %d block readings, %d values added, %d places", len(readings), len(out), len(spots))
    return FrontLook(tuple(out), tuple(spots))


def _settled(field: str, cands: Sequence[Candidate], mrz: Mrz | None) -> bool:
    printed = [c for c in cands if c.source in ("label", "layout") and c.confidence >= SURE]
    zone = _zone_value(field, mrz)
    if zone is None:
        return bool(printed)
    return any(_proven(field, c.value, zone) for c in printed)


def _zone_value(field: str, mrz: Mrz | None) -> str | None:
    if mrz is None:
        return None
    if field == "full_name":
        return " ".join(mrz.names) or None
    if field == "date_of_birth":
        return mrz.birth
    return mrz.citizen_id


def _proven(field: str, value: str, zone: str) -> bool:
    """Whether the zone's value (no marks; YYMMDD for a birth date) is ``value``. A name may differ from the zone's
    by one letter where the zone's word is no name and the printed one is ("TRAM" read in the zone, TRẦN printed):
    the zone has no check digit on its name line."""
    if field == "full_name":
        printed, zoned = fold(value).upper().split(), fold(zone).upper().split()
        if "".join(printed) == "".join(zoned):
            return True
        if len(printed) != len(zoned):
            return False
        off = [(p, z, w) for p, z, w in zip(printed, zoned, value.split(), strict=True) if p != z]
        return len(off) == 1 and Levenshtein.distance(off[0][0], off[0][1]) == 1 and is_known(off[0][2]) \
            and not is_known(off[0][1])
    if field == "date_of_birth":
        return len(value) == 10 and value[2:4] + value[5:7] + value[8:10] == zone
    return value == zone


def vote(field: str, cands: Sequence[Candidate], mrz: Mrz | None) -> Candidate | None:
    """One value of the block readings: the one most give among those the zone proves, else (not for a birth date)
    one ``AGREE`` of them give alike; None when neither is there."""
    zone = _zone_value(field, mrz)
    if zone is None and field == "date_of_birth":
        return None  # readings of one crop misread a date alike ("27/09/1970" twice for 27/05/1970)
    if zone is not None:
        pool = [c for c in cands if _proven(field, c.value, zone)]
    elif field == "citizen_id":
        pool = [c for c in cands if _fits(c.value, mrz)]
    else:
        pool = list(cands)
    if not pool:
        return None
    counts = Counter(c.value for c in pool)
    value, n = max(counts.items(), key=lambda kv: (kv[1], max(c.confidence for c in pool if c.value == kv[0])))
    if zone is None and n < AGREE:
        return None
    alike = [c for c in pool if c.value == value]
    conf = statistics.fmean(c.confidence for c in alike)
    conf = max(conf, PROVEN if zone is not None else AGREED)
    why = f"read from the card's face as a block, {n} of {len(cands)} readings alike"
    if zone is not None:
        why += ", as the machine-readable zone spells it"
    best = max(alike, key=lambda c: c.confidence)
    return replace(best, confidence=round(conf, 4), source="label", reasons=(*best.reasons, why), region=None)


def _digits_in(rows: Sequence[Row], region: tuple[int, int, int, int]) -> int:
    """Digits of the words whose middle lies in ``region``."""
    x0, y0, x1, y1 = region
    return sum(sum(ch.isdigit() for ch in w.text) for r in rows for w in r.words
               if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1)


def _tight(spot: Spot, h: float) -> Spot:
    """``spot`` at the print's own height: a block reading's row height holds specks read with it, and the crop of a
    face's 7-point line cut at that height holds the lines above and below too."""
    x0, y0, x1, y1 = spot.region
    mid = (y0 + y1) / 2
    return replace(spot, region=(x0, round(mid - h / 2), x1, round(mid + h / 2)), height=h)


def _fits(citizen_id: str, mrz: Mrz | None) -> bool:
    """Whether an ID the zone does not carry is one the holder can have: a known province, a century digit that
    makes a past birth year, and the zone's birth year and sex where it has them ("079276806064" for a holder the
    zone says was born in '76 is born in 2076)."""
    chk = check_citizen_id(citizen_id, gender=mrz.sex if mrz is not None else None)
    if chk.value is None or not chk.valid or chk.reasons:
        return False
    year = 1900 + 100 * (int(citizen_id[3]) // 2) + int(citizen_id[4:6])
    return year <= date.today().year and (mrz is None or mrz.birth is None or mrz.birth[:2] == citizen_id[4:6])


def blocks(page: PageText, image: Image, h: float) -> list[tuple[int, int, int, int]]:
    """Boxes of the page's largest blocks of print, largest first: its lines of ink (``ocr.gaps``: the first reading
    may have lost the whole face, and what it read may be specks) and its rows, the zone's rows left out, joined
    where closer than ``JOIN`` line heights (``h``, see ``ocr.gaps.ink_height``) and overlapping across."""
    if h <= 0:
        return []
    zone = [r.bbox for r in page.rows if r.has_boxes and looks_like_mrz(r)]
    rows = [r.bbox for r in page.rows if r.has_boxes and not looks_like_mrz(r) and r.height <= TALL * h]
    lines = [b for b in rows + unread_lines(image, [], h) if not any(_over(b, z) for z in zone)]
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(lines):
        for j in range(i + 1, len(lines)):
            b = lines[j]
            gap = max(a[1], b[1]) - min(a[3], b[3])
            across = min(a[2], b[2]) - max(a[0], b[0])
            if gap <= JOIN * h and across > 0:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(lines)):
        groups.setdefault(root(i), []).append(i)
    big = sorted((g for g in groups.values() if len(g) >= MIN_ROWS), key=len, reverse=True)[:MAX_BLOCKS]
    pad = round(PAD * h)
    out = []
    for g in big:
        x0, y0 = min(lines[i][0] for i in g) - pad, min(lines[i][1] for i in g) - pad
        x1, y1 = max(lines[i][2] for i in g) + pad, max(lines[i][3] for i in g) + pad
        out.append((max(0, x0), max(0, y0), min(image.shape[1], x1), min(image.shape[0], y1)))
    return out


def _over(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether ``a`` lies mostly inside ``b`` (a zone row's ink line)."""
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h >= 0.5 * max(1, (a[2] - a[0]) * (a[3] - a[1]))


def _rows(number: int, treated: Treated, words) -> list[Row]:
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(Word(w.text, treated.to_page(w.bbox), w.confidence, w.line))
    return [Row(number, tuple(sorted(ws, key=lambda w: w.bbox[0]))) for _, ws in sorted(by_line.items())]


def _replaced(page: PageText, box: tuple[int, int, int, int], rows: Sequence[Row]) -> PageText:
    """``page`` with the rows whose middle lies in ``box`` given way to ``rows``."""
    def inside(r: Row) -> bool:
        x0, y0, x1, y1 = r.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return r.has_boxes and box[0] <= cx <= box[2] and box[1] <= cy <= box[3]

    kept = [r for r in page.rows if not inside(r)]
    merged = sorted([*kept, *rows], key=lambda r: (r.bbox[1] + r.bbox[3]) / 2)
    return replace(page, rows=tuple(merged), lines=tuple(r for r in page.lines if not inside(r)) + tuple(rows))


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


def _best(values: dict[str, list[Candidate]]) -> dict[str, Candidate]:
    out = {}
    for f in FIELDS:
        printed = [c for c in values.get(f, []) if c.source in ("label", "layout")]
        if printed:
            out[f] = max(printed, key=lambda c: c.confidence)
    return out
