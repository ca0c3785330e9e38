"""Blocks of print on a card copy's page, and a page's rows with one block given way to another reading of it.

A card's face is a block of small print: its lines lie closer together than the gap between the two faces. The
first reading may have lost a face whole (Tesseract's layout took it for a picture) or read it into specks, so
the lines are found on the ink (``ocr.gaps``) as well as among the rows read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from extract.layout import PageText, Row
from extract.mrz import looks_like_mrz
from ocr.crops import Treated
from ocr.gaps import unread_lines
from ocr.hocr import Word
from ocr.lines import LineWord

Box = tuple[int, int, int, int]

JOIN = 4.5  # line heights between two lines of one face: a 7-point line run into its neighbours may be lost
JOIN_TIGHT = 1.5  # for a block taller than a face: the two faces a short gap apart joined as one
FACE_MAX_IN = 3.2  # inches: the tallest face (an ID-1 card is 54 mm tall; copies are enlarged up to 1.35×)
MIN_LINES = 4  # fewer lines are no card face (a signer's name, a stamp)
MAX_BLOCKS = 2  # the largest blocks apart from the zone: the front, and the back's upper half
PAD = 1.0  # line heights of paper kept around a block
TALL = 2.5  # line heights: a row taller is a photo or a seal read as text


def blocks(page: PageText, image: NDArray[np.uint8], h: float, dpi: float) -> list[Box]:
    """Boxes of the page's largest blocks of print, largest first: its rows and the lines of ink no row covers,
    the zone's rows left out, joined where closer than ``JOIN`` line heights (``h``, ``ocr.gaps.ink_height``) and
    overlapping across; a block taller than a face is joined again more tightly."""
    if h <= 0:
        return []
    zone = [r.bbox for r in page.rows if r.has_boxes and looks_like_mrz(r)]
    rows = [r.bbox for r in page.rows if r.has_boxes and not looks_like_mrz(r) and r.height <= TALL * h]
    ink = [b for b in unread_lines(image, [], h) if not any(_over(b, r) or _over(r, b) for r in rows)]
    lines = [b for b in rows + ink if not any(_over(b, z) for z in zone)]
    groups = []
    for group in _cluster(lines, JOIN * h):
        _, top, _, bottom = _span(group)
        if bottom - top > FACE_MAX_IN * dpi:
            groups += _cluster(group, JOIN_TIGHT * h)
        else:
            groups.append(group)
    big = sorted((g for g in groups if len(g) >= MIN_LINES), key=len, reverse=True)[:MAX_BLOCKS]
    pad = round(PAD * h)
    out = []
    for g in big:
        x0, y0, x1, y1 = _span(g)
        out.append((max(0, x0 - pad), max(0, y0 - pad), min(image.shape[1], x1 + pad), min(image.shape[0], y1 + pad)))
    return out


def _cluster(lines: Sequence[Box], reach: float) -> list[list[Box]]:
    """Lines joined (transitively) where one is within ``reach`` pixels below another and they overlap across."""
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
            if gap <= reach and across > 0:
                parent[root(j)] = root(i)
    groups: dict[int, list[Box]] = {}
    for i, line in enumerate(lines):
        groups.setdefault(root(i), []).append(line)
    return list(groups.values())


def _span(lines: Sequence[Box]) -> Box:
    return min(b[0] for b in lines), min(b[1] for b in lines), max(b[2] for b in lines), max(b[3] for b in lines)


def _over(a: Box, b: Box) -> bool:
    """Whether ``a`` lies mostly inside ``b``."""
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h >= 0.5 * max(1, (a[2] - a[0]) * (a[3] - a[1]))


def inside(box: Box, inner: tuple[int, int, int, int] | None) -> bool:
    """Whether the middle of ``inner`` lies in ``box``."""
    if inner is None:
        return False
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def block_rows(number: int, treated: Treated, words: Sequence[LineWord]) -> list[Row]:
    """A block reading's words as rows of page ``number``, in the page's pixels."""
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(Word(w.text, treated.to_page(w.bbox), w.confidence, w.line))
    return [Row(number, tuple(sorted(ws, key=lambda w: w.bbox[0]))) for _, ws in sorted(by_line.items())]


def replaced(page: PageText, box: Box, rows: Sequence[Row]) -> PageText:
    """``page`` with the rows whose middle lies in ``box`` given way to ``rows``."""
    def within(r: Row) -> bool:
        return r.has_boxes and inside(box, r.bbox)

    kept = [r for r in page.rows if not within(r)]
    merged = sorted([*kept, *rows], key=lambda r: (r.bbox[1] + r.bbox[3]) / 2)
    return replace(page, rows=tuple(merged), lines=tuple(r for r in page.lines if not within(r)) + tuple(rows))
