"""Lines the page reading lost or garbled, found on the ink (``ocr.gaps``) and read one by one.

Runs in the second look (``SecondLook.unread``), before anything is extracted: a label or value on a lost line is
then found like any other.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from extract.layout import PageWords, union_box
from ocr.crops import Treated, cut, treat
from ocr.gaps import ink_height, unread_lines
from ocr.hocr import Word
from ocr.lines import LineWord, read_lines

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from extract.second_look import SecondLook

UNREAD_ROOM = 0.5  # of the line's height, kept on each side of its ink
UNREAD_SMALL = 24  # pixels: a line lower than this (a card's print at 150 dpi) is read enlarged
UNREAD_ENLARGE = 2.0
UNREAD_CONFIDENCE = 0.7  # mean word confidence for a reading to be added (a card's 7-point print read enlarged
# gives lines of 0.5-0.65 that are mostly misread)
GARBLED = 0.4  # mean word confidence under which a line of the page reading is noise (read right: 0.6 and up)
UNREAD_WORDS = 3  # fewer words are a piece of a line (a signer's instruction's "họ tên)" would pass for a label)
_RUN = re.compile(r"\w\w", re.UNICODE)


def read_lost_lines(look: SecondLook, pages: Sequence[PageWords]) -> list[PageWords]:
    """The pages with the lines their reading lost (``ocr.gaps``) read one by one and added as lines of their
    own; a line read with little confidence or without two letters or digits in a row is left out (a
    signature, a fingerprint, grain), and so is a piece of a line under three words.

    A line the page reading garbled (``garbled_lines``: on a clean page, "Ngày, tháng, năm sinh: 13/7/1952"
    read as "J[6/Sjy/ 16lel-bsfej„ ...", its words at 0.18) counts as lost: its words are no obstacle to
    finding its ink, and a legible reading of that ink replaces the garbled words it covers. A page the reading
    gave no word at all is read line by line the same way. On a page read smoothed, each line is also read
    from the page before the smoothing, and the legible reading with the surer words is taken."""
    asked: list[tuple[int, int, Treated]] = []  # (page, lost line, a crop of it from one of the page's images)
    lost = 0
    garbled: list[set[int]] = []
    for k, page in enumerate(pages):
        garbled.append(garbled_lines(page.words))
        image = look.page(page.number)
        placed = [w for w in page.words if w.bbox != (0, 0, 0, 0)]
        boxes = [w.bbox for w in placed if w.line not in garbled[k]]
        if image is None or (page.words and not placed):
            continue
        # A page the reading gave no word at all (its layout analysis took a grainy card copy for a picture)
        # has its print's height measured on its ink.
        h = float(statistics.median(b[3] - b[1] for b in boxes or [w.bbox for w in placed])) if placed \
            else ink_height(image, look.dpi(page.number))
        if h <= 0:
            continue
        for x0, y0, x1, y1 in unread_lines(image, boxes, h):
            room = round(UNREAD_ROOM * (y1 - y0))  # the crop's sides must not cut the first or last letter
            # The line's own height, not the page's: a card's 7-point line under its big zone lines would be
            # cut with the line above it.
            lost += 1
            scale = UNREAD_ENLARGE if y1 - y0 < UNREAD_SMALL else 1.0
            for source in look.line_images(page.number):
                pixels = look.page(page.number, source)
                if pixels is None:
                    continue
                crop = cut(pixels, (x0 - room, y0, x1 + room, y1), y1 - y0, look.dpi(page.number), (x0, x1))
                if crop is not None:
                    asked.append((k, lost, treat(crop, "gray", scale)))
    if not asked:
        return list(pages)
    read = read_lines([t.image for _, _, t in asked], language=look.language,
                      tessdata=look.models(look.language))
    surest: dict[int, int] = {}  # lost line → the position of its legible reading with the surest words
    for j, ((_, at, _), words) in enumerate(zip(asked, read, strict=True)):
        if _legible(words) and (at not in surest or _sureness(words) > _sureness(read[surest[at]])):
            surest[at] = j
    out = [replace(p, words=list(p.words)) for p in pages]
    added = 0
    for j in sorted(surest.values()):
        (k, _, treated), words = asked[j], read[j]
        line = 1 + max((w.line for w in out[k].words), default=0)
        new = [Word(w.text, treated.to_page(w.bbox), w.confidence, line) for w in words]
        span = union_box(new)
        if garbled[k] and span is not None:
            kept = [w for w in out[k].words if w.line not in garbled[k] or not _covered(w.bbox, span)]
            out[k] = replace(out[k], words=kept)
        out[k].words.extend(new)
        added += 1
    log.debug("second look: %d of %d unread lines added", added, lost)
    return out


def garbled_lines(words: Sequence[Word]) -> set[int]:
    """The lines (``Word.line``) of a page reading whose words are noise: at least two words, at a mean confidence
    under ``GARBLED``. Tesseract gives that to a line whose layout it got wrong (a line merged with its neighbour
    in one box); what it reads right, even on a hard page, scores far higher."""
    confidences: dict[int, list[float]] = {}
    for w in words:
        confidences.setdefault(w.line, []).append(w.confidence)
    return {line for line, cs in confidences.items() if len(cs) >= 2 and statistics.fmean(cs) < GARBLED}


def _covered(box: tuple[int, int, int, int], span: tuple[int, int, int, int]) -> bool:
    """Whether a garbled word lies on the line read again as ``span``: over half of the lower of the two heights
    (a garbled word may reach over two lines of print), and overlapping it sideways."""
    overlap = min(box[3], span[3]) - max(box[1], span[1])
    return overlap > 0.5 * min(box[3] - box[1], span[3] - span[1]) and box[0] < span[2] and span[0] < box[2]


def _legible(words: Sequence[LineWord]) -> bool:
    return len(words) >= UNREAD_WORDS and _sureness(words) >= UNREAD_CONFIDENCE \
        and sum(bool(_RUN.search(w.text)) for w in words) >= 2


def _sureness(words: Sequence[LineWord]) -> float:
    return statistics.fmean(w.confidence for w in words)
