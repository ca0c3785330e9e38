"""Lines of print the page reading left without words.

Tesseract's layout analysis sometimes loses a whole line: on a blurred, grainy page it joins a line with its
neighbour's box and the recognizer reads only one of them, or it takes a block of small print for a picture. The
ink is still on the OCR image. This finds it: letter-sized ink outside every word box the reading gave, strung
into lines; ``extract.second_look`` reads each such line on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.crops import ink_mask

Box = tuple[int, int, int, int]

# In the page's typical word height (``text_height``):
MARGIN = 0.15  # around a read word, ink still counted as that word's (its accents, a blurred edge)
GLYPH_MIN, GLYPH_MAX = 0.25, 1.8  # a letter's or word's ink: accent over capital over descender ('Ngày'), not a seal
GLYPH_WIDE = 10.0  # the widest blob: on a blurred page the letters of a word, even of a date, run together
JOIN = 2.0  # the widest gap between words of one line (a typewriter's colon and space; columns are far wider)
LINE_MIN_WIDTH = 3.0  # a line shorter than this is a speck cluster, a page number or a lone word
LINE_HEIGHT = (0.45, 2.2)
MIN_GLYPHS = 3
NEIGHBOUR = 2.0  # a read word closer than this on the same line makes the ink part of that line
MIN_FILL = 0.25  # of a line's box covered by letter boxes: a photo's grain fills far less
LETTER_IN = (0.04, 0.3)  # inches: the heights of a letter's ink, not a speck's or a photo's
WORD_OVER_LETTER = 1.4  # a word's box (accents, descenders) over its typical letter's ink


def unread_lines(image: NDArray[np.uint8], words: Sequence[Box], text_height: float) -> list[Box]:
    """Boxes (x0, y0, x1, y1) of lines of letter-sized ink on ``image`` (gray, dark print) that lie outside every
    box in ``words``, top to bottom."""
    if text_height <= 0 or image.size == 0:
        return []
    h = float(text_height)
    # A 3x3 median first: on a grainy page single dark specks would pass for the dots of letters.
    ink = ink_mask(cv2.medianBlur(image, 3), dark_percentile=1.0)
    pad = round(MARGIN * h)
    for x0, y0, x1, y1 in words:
        ink[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 0
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    glyphs = np.zeros_like(ink)
    heights, widths = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    letter = (heights >= GLYPH_MIN * h) & (heights <= GLYPH_MAX * h) & (widths <= GLYPH_WIDE * h)
    letter[0] = False
    if not letter.any():
        return []
    glyphs[letter[labels]] = 255
    reach = max(1, round(JOIN * h))
    joined = cv2.dilate(glyphs, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, 1)))
    half = reach // 2  # the dilation widened each line by this on either side
    n, _, boxes, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out: list[Box] = []
    for x, y, w, bh, _area in boxes[1:n]:
        if w < LINE_MIN_WIDTH * h or not LINE_HEIGHT[0] * h <= bh <= LINE_HEIGHT[1] * h:
            continue
        inside = stats[letter & (stats[:, 0] >= x) & (stats[:, 0] + widths <= x + w)
                       & (stats[:, 1] >= y) & (stats[:, 1] + heights <= y + bh)]
        if len(inside) < MIN_GLYPHS:
            continue
        fill = float((inside[:, cv2.CC_STAT_WIDTH] * inside[:, cv2.CC_STAT_HEIGHT]).sum()) / (w * bh)
        box = (int(x + half), int(y), int(x + w - half), int(y + bh))
        if fill >= MIN_FILL and not any(_beside(box, word, h) for word in words):
            out.append(box)
    return sorted(out, key=lambda b: (b[1], b[0]))


def _beside(box: Box, word: Box, h: float) -> bool:
    """Whether a read word sits on the same line close to ``box``: then ``box`` is words the reading skipped in
    a line it read (a word it merged with its neighbour, a box drawn short), not a line it lost; reading them
    apart would only repeat or split that line."""
    overlap = min(box[3], word[3]) - max(box[1], word[1])
    if overlap < 0.5 * min(box[3] - box[1], word[3] - word[1]):
        return False
    gap = max(word[0] - box[2], box[0] - word[2])
    return gap < NEIGHBOUR * h


def ink_height(image: NDArray[np.uint8], dpi: float) -> float:
    """Typical word height of the print on ``image`` (gray, dark print), from its letters' ink: for a page whose
    reading gave no words, or only specks and a card zone's big letters."""
    # The darkest 0.3% for the ink's level: a card copy alone on an A4 page is under 1% ink.
    ink = ink_mask(cv2.medianBlur(image, 3), dark_percentile=0.3)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[(heights >= LETTER_IN[0] * dpi) & (heights <= LETTER_IN[1] * dpi)]
    return WORD_OVER_LETTER * float(np.median(heights)) if heights.size else 0.0
