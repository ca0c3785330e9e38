"""A printed number cut into its characters: the boxes of its tall glyphs (digits and slashes), left to right.

A number's characters are its ink's connected pieces, with three repairs a worn scan needs: specks, the low marks
of punctuation (a comma, a full stop) and a rule or dotted line under the number are no characters; the pieces of
one glyph broken by faded ink stand over one another and are joined ("8" as two loops); and glyphs that bold ink
or blur ran together are one piece as wide as two or three, which is split where its ink is thinnest. How many
characters there are is given (the reading being checked), so the splitting stops there; a number that does not
come out at that count is left alone (``glyph_boxes`` returns None).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.crops import MIN_CONTRAST

Image = NDArray[np.uint8]
Box = tuple[int, int, int, int]  # x, y, width, height in the image's pixels

TALL = 0.55  # of the tallest piece's height: shorter pieces are punctuation, specks or accents
SPECK = 0.03  # of the tallest piece's height squared: ink this small is no part of a glyph
OVERLAP = 0.5  # of the narrower piece's width: pieces overlapping this much in x are one glyph
WIDE = 1.6  # of the usual character width: a piece this wide holds glyphs run together
RULE = 1.5  # of a glyph's height: a piece lower than a glyph and this wide is a rule or a dotted line, no glyph


def ink(gray: Image) -> Image:
    """The number's ink (255) on paper (0), by Otsu's threshold: a number's crop holds ink and paper only."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def glyph_boxes(gray: Image, count: int) -> list[Box] | None:
    """The boxes of the ``count`` tall characters of the one-line number in ``gray``, or None when its ink does
    not come apart into that many."""
    if count < 1 or gray.size == 0 or int(gray.max()) - int(gray.min()) < MIN_CONTRAST:
        return None
    mask = ink(gray)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    pieces = [tuple(int(v) for v in stats[i, :4]) for i in range(1, n)]
    if not pieces:
        return None
    tallest = max(h for _, _, _, h in pieces)
    # A rule or dotted line under the number is flat and wide: no part of any glyph, and it would join them all.
    pieces = [p for p in pieces if p[2] * p[3] >= SPECK * tallest * tallest and not _flat(p, tallest)]
    if not pieces:
        return None
    boxes = _joined(sorted(pieces))
    boxes = [b for b in boxes if b[3] >= TALL * tallest]
    while 0 < len(boxes) < count:
        split = _split_widest(mask, boxes, count)
        if split is None:
            return None
        boxes = split
    return boxes if len(boxes) == count else None


def _flat(piece: Box, tallest: int) -> bool:
    """A rule: lower than a glyph and wider than a glyph is tall."""
    return piece[3] < TALL * tallest and piece[2] > RULE * tallest


def _joined(pieces: list[Box]) -> list[Box]:
    """Pieces standing over one another (a glyph broken across, an accent) joined into one box each."""
    out: list[Box] = []
    for p in pieces:
        if out:
            q = out[-1]
            shared = min(q[0] + q[2], p[0] + p[2]) - max(q[0], p[0])
            if shared >= OVERLAP * min(q[2], p[2]):
                x0, y0 = min(q[0], p[0]), min(q[1], p[1])
                x1, y1 = max(q[0] + q[2], p[0] + p[2]), max(q[1] + q[3], p[1] + p[3])
                out[-1] = (x0, y0, x1 - x0, y1 - y0)
                continue
        out.append(p)
    return out


def _split_widest(mask: Image, boxes: list[Box], count: int) -> list[Box] | None:
    """``boxes`` with the widest cut in two where its ink is thinnest, or None when none is wide enough to hold two
    glyphs of the usual width: the median of the pieces that hold one, at most the number's width shared among
    its ``count`` characters (where most pieces hold two or more)."""
    span = boxes[-1][0] + boxes[-1][2] - boxes[0][0]
    usual = float(np.median([w for _, _, w, _ in boxes]))
    narrow = [w for _, _, w, _ in boxes if w < WIDE * usual]
    usual = min(float(np.median(narrow)) if narrow else usual, span / count)
    i = max(range(len(boxes)), key=lambda k: boxes[k][2])
    x, y, w, h = boxes[i]
    if w < WIDE * usual:
        return None
    pieces = max(2, round(w / max(usual, 1.0)))
    # The first cut, near where one of ``pieces`` equal glyphs would end: the thinnest column there.
    profile = (mask[y:y + h, x:x + w] > 0).sum(axis=0)
    aim = w / pieces
    lo, hi = max(1, round(aim - 0.3 * aim)), min(w - 1, round(aim + 0.3 * aim) + 1)
    if hi <= lo:
        return None
    cut = lo + int(np.argmin(profile[lo:hi]))
    left, right = _tight(mask, (x, y, cut, h)), _tight(mask, (x + cut, y, w - cut, h))
    if left is None or right is None:
        return None
    return [*boxes[:i], left, right, *boxes[i + 1:]]


def _tight(mask: Image, box: Box) -> Box | None:
    """The box shrunk to the ink inside it, or None when there is none."""
    x, y, w, h = box
    ys, xs = np.nonzero(mask[y:y + h, x:x + w])
    if not len(xs):
        return None
    return (x + int(xs.min()), y + int(ys.min()), int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1)
