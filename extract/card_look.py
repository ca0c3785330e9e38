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
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein

from config.templates import Template
from extract.layout import PageText, Row
from extract.mrz import Mrz, looks_like_mrz
from extract.persons import PersonBuilder
from extract.reader import walk
from extract.spelling import is_known
from extract.text import fold
from extract.values import Candidate
from ocr.crops import Treated, cut_block, ink_mask, treat
from ocr.gaps import unread_lines
from ocr.hocr import Word
from ocr.lines import read_lines

if TYPE_CHECKING:
    from extract.second_look import SecondLook

log = logging.getLogger(__name__)

Image = NDArray[np.uint8]

FIELDS = ("full_name", "date_of_birth", "citizen_id")
BLOCK_PLAN = (("gray", 1.0), ("gray", 2.0), ("soft", 1.5))  # treatment, enlargement of each block reading
JOIN = 1.5  # row heights between two rows of one block
MIN_ROWS = 4  # fewer rows are no card face (the zone's three lines, a signer's name)
MAX_BLOCKS = 2  # the largest blocks apart from the zone: the front, and the back's upper half
PAD = 1.0  # row heights of paper kept around a block
AGREE = 2  # readings that must give a value alike when the zone cannot prove it
PROVEN = 0.85  # confidence floor of a value the zone proves (the zone's letters, the front's marks)
LETTER_IN = (0.04, 0.3)  # inches: the heights of a letter's ink, not a speck's or a photo's
WORD_OVER_LETTER = 1.4  # a word's box (accents, descenders) over its typical letter's ink
TALL = 2.5  # word heights: a row taller is a photo or a seal read as text
SURE = 0.9  # a first reading of a field at least this sure, agreeing with the zone, needs no second look


def front_values(look: SecondLook, texts: Sequence[PageText], template: Template, title: Sequence[Row],
                 first: dict[str, list[Candidate]], mrz: Mrz | None) -> list[Candidate]:
    """The holder's values the block readings of the card's faces give, for the fields the first reading left
    weak (see module doc); [] when every field is read well or nothing is found."""
    need = [f for f in FIELDS if not _settled(f, first.get(f, []), mrz)]
    if not need:
        return []
    items: list[tuple[int, tuple[int, int, int, int], Treated]] = []
    for page in texts:
        image = look.page(page.number)
        if image is None:
            continue
        for box in blocks(page, image, look.dpi(page.number)):
            crop = cut_block(image, box)
            if crop is not None:
                items += [(page.number, box, treat(crop, how, scale)) for how, scale in BLOCK_PLAN]
    if not items:
        return []
    read = read_lines([t.image for _, _, t in items], language=look.language, tessdata=look.models(look.language),
                      block=True)
    readings: list[dict[str, Candidate]] = []
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
        if draft is not None:
            readings.append(_best(draft.values))
    out = [c for f in need if (c := vote(f, [r[f] for r in readings if f in r], mrz)) is not None]
    log.debug("card front: %d block readings, %d values added", len(readings), len(out))
    return out


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
    pool = [c for c in cands if _proven(field, c.value, zone)] if zone is not None else list(cands)
    if not pool:
        return None
    counts = Counter(c.value for c in pool)
    value, n = max(counts.items(), key=lambda kv: (kv[1], max(c.confidence for c in pool if c.value == kv[0])))
    if zone is None and n < AGREE:
        return None
    alike = [c for c in pool if c.value == value]
    conf = statistics.fmean(c.confidence for c in alike)
    if zone is not None:
        conf = max(conf, PROVEN)
    why = f"read from the card's face as a block, {n} of {len(cands)} readings alike"
    if zone is not None:
        why += ", as the machine-readable zone spells it"
    best = max(alike, key=lambda c: c.confidence)
    return replace(best, confidence=round(conf, 4), source="label", reasons=(*best.reasons, why), region=None)


def blocks(page: PageText, image: Image, dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes of the page's largest blocks of print, largest first: its lines of ink (``ocr.gaps``: the first reading
    may have lost the whole face, and what it read may be specks) and its rows, the zone's rows left out, joined
    where closer than ``JOIN`` line heights and overlapping across."""
    h = ink_height(image, dpi)
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


def ink_height(image: Image, dpi: float) -> float:
    """Typical word height of the print on ``image``, from its letters' ink: the rows a card's first reading gives
    may be a few specks and the zone's big letters."""
    ink = ink_mask(cv2.medianBlur(image, 3), dark_percentile=1.0)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[(heights >= LETTER_IN[0] * dpi) & (heights <= LETTER_IN[1] * dpi)]
    return WORD_OVER_LETTER * float(np.median(heights)) if heights.size else 0.0


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


def _best(values: dict[str, list[Candidate]]) -> dict[str, Candidate]:
    out = {}
    for f in FIELDS:
        printed = [c for c in values.get(f, []) if c.source in ("label", "layout")]
        if printed:
            out[f] = max(printed, key=lambda c: c.confidence)
    return out
