"""Second look at a card's machine-readable zone: its lines read again from the OCR image, one by one and as a
block, with Tesseract's English model and the zone's character set (OCR-B capitals, digits and fillers, which
that model reads far better than the page's first reading does).

Values still come only from ``extract.mrz.find_mrz``: every reading of a line, the first reading's included,
votes, and check digits and the ID's structure decide.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from extract.layout import PageText, Row, band
from extract.mrz import MRZ_CHARS, Mrz, find_mrz, looks_like_mrz
from ocr.crops import Treated, cut, cut_block, treat
from ocr.hocr import Word
from ocr.lines import read_lines

if TYPE_CHECKING:
    from extract.second_look import SecondLook

LINE_PLAN = (("gray", 2.0), ("soft", 2.0), ("gray", 1.0))  # each line on its own: treatment, enlargement
BLOCK_PLAN = (("gray", 2.0), ("gray", 3.0))  # the whole zone at once (``_blocks``)
MRZ_LINES = 3  # a TD1 card's zone
MRZ_PITCH = 1.7  # line pitch in text heights, when a single line of the zone was read

Line = tuple[Row, tuple[int, int, int, int], float]  # a row, the box of its line, its height


def reread_zone(look: SecondLook, pages: Sequence[PageText], first: Mrz | None) -> Mrz | None:
    """The zone's values from all its readings; ``first`` (the first reading's) when it proved them all or the
    page has no zone rows. What the new readings leave open stays as the first reading had it."""
    rows = [r for p in pages if p.number in look.images for r in p.rows if looks_like_mrz(r)]
    if not rows or (first is not None and first.citizen_id and first.birth and not first.birth_reasons
                    and first.names):
        return first
    lines = [_zone_line(r) for r in rows] + _missing_lines(rows)
    items: list[tuple[Row, Treated]] = []
    for row, (x0, y0, x1, y1), h in lines:
        page = look.page(row.page)
        box = (x0 - round(h), y0, x1 + round(h), y1)
        crop = cut(page, box, h, look.dpi(row.page), (x0, x1)) if page is not None else None
        if crop is not None:
            items += [(row, treat(crop, how, scale)) for how, scale in LINE_PLAN]
    read = read_lines([t.image for _, t in items], language="eng", whitelist=MRZ_CHARS, tessdata=look.models("eng"))
    reread = [Row(row.page, tuple(Word(w.text, t.to_page(w.bbox), w.confidence, 0) for w in words))
              for (row, t), words in zip(items, read, strict=True) if words]
    reread += _blocks(look, lines)
    again = find_mrz([*pages, PageText(0, 0, 0, tuple(reread))]) if reread else None
    if again is None:
        return first
    if first is None:
        return again
    born = again if again.birth else first
    ident = again if again.citizen_id else first
    # Birth readings left unchecked: all of them (``again`` read the first reading's lines too), while none passed
    # and the zone gave no ID.
    left = () if born.birth or ident.citizen_id else again.unchecked_births
    return Mrz(ident.citizen_id, born.birth, born.sex, again.names or first.names, ident.id_reasons,
               born.birth_reasons, id_composite=ident.id_composite, unchecked_births=left)


def _blocks(look: SecondLook, lines: Sequence[Line]) -> list[Row]:
    """The zone of each page read whole, as a block: on a small card the zone's lines lie too close to be cut
    apart (a crop of one holds half of the next), and Tesseract's block mode finds the lines itself."""
    items: list[tuple[int, Treated]] = []
    for number in sorted({row.page for row, _, _ in lines}):
        page = look.page(number)
        mine = [(box, h) for row, box, h in lines if row.page == number]
        h = round(statistics.median(h for _, h in mine))
        x0, y0 = min(b[0] for b, _ in mine) - h, min(b[1] for b, _ in mine) - h
        x1, y1 = max(b[2] for b, _ in mine) + h, max(b[3] for b, _ in mine) + h
        crop = cut_block(page, (x0, y0, x1, y1)) if page is not None else None
        if crop is not None:
            items += [(number, treat(crop, how, scale)) for how, scale in BLOCK_PLAN]
    read = read_lines([t.image for _, t in items], language="eng", whitelist=MRZ_CHARS,
                      tessdata=look.models("eng"), block=True)
    out = []
    for (number, t), words in zip(items, read, strict=True):
        for _, line in itertools.groupby(words, key=lambda w: w.line):
            out.append(Row(number, tuple(Word(w.text, t.to_page(w.bbox), w.confidence, 0) for w in line)))
    return out


def _zone_line(row: Row) -> Line:
    x0, _, x1, _ = row.bbox
    y0, y1 = band(row.words)
    return row, (x0, y0, x1, y1), float(row.height or 1.0)


def _missing_lines(rows: Sequence[Row]) -> list[Line]:
    """Where the zone's lines that the first reading lost must be: at the zone's line pitch above and below the
    lines it read (the first reading often drops a line of small print whole). What is read there counts only
    through ``find_mrz``'s check digits and shapes, like any other line."""
    out: list[Line] = []
    for number in sorted({r.page for r in rows}):
        lines = sorted((_zone_line(r) for r in rows if r.page == number), key=lambda z: z[1][1])
        if len(lines) >= MRZ_LINES:
            continue
        h = statistics.median(z[2] for z in lines)
        tops = [z[1][1] for z in lines]
        gaps = [b - a for a, b in itertools.pairwise(tops)]
        steps = [g for g in gaps if 0 < g < 1.5 * MRZ_PITCH * h]
        pitch = min(steps) if steps else MRZ_PITCH * h
        x0, x1 = min(z[1][0] for z in lines), max(z[1][2] for z in lines)
        (first, (_, top, _, _), _), (last, (_, _, _, bottom), _) = lines[0], lines[-1]
        if any(g > 1.5 * pitch for g in gaps):  # the middle line is the one lost
            middle = next(z for z, g in zip(lines, gaps, strict=False) if g > 1.5 * pitch)
            y = middle[1][1] + round(pitch)
            out.append((middle[0], (x0, y, x1, y + round(h)), h))
            continue
        for k in range(1, MRZ_LINES - len(lines) + 1):
            shift = round(k * pitch)
            if top - shift >= 0:
                out.append((first, (x0, top - shift, x1, top - shift + round(h)), h))
            out.append((last, (x0, bottom + shift - round(h), x1, bottom + shift), h))
    return out
