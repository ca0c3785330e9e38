"""Rows of words from OCR pages: the unit that label matching reads, with two-column zones split by x.

Tesseract's own lines are not the rows a form is read by: it cuts a row of tab-stopped fields ("Dân tộc: Kinh
Quốc tịch: Việt Nam") into several blocks, and it merges the two columns of a marriage certificate into one
line. Rows are therefore rebuilt from geometry: hOCR lines whose vertical extents overlap are one row, read
left to right. Pages without boxes (a PDF's own text layer) keep their text lines as rows.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ocr.hocr import Word

# Two hOCR lines are one row when their vertical overlap is at least this share of the shorter one. Line boxes
# include stacked diacritics and descenders, so neighbouring text lines overlap a little; half never happens.
_SAME_ROW = 0.5
_INTO_LEADER = re.compile(r"^[^\W\d_]{2,}[.…·_]{3,}$")
DOTS_ONLY = 0.5  # of the row's word height: a word box this low holds dots, not letters
_TALL = 2.5  # a line this many typical word heights tall is a picture read as text, not a line of it
_SPECK_CONFIDENCE = 0.3  # a word read less surely than this is no measure of its row's height ...
_SURE_WORDS = 3  # ... when the row has this many words read more surely, with a letter or digit
LETTER_OR_DIGIT = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class PageWords:
    """One page's OCR words; ``width``/``height`` are the hOCR frame (the upright page image), 0 if unknown."""

    number: int  # 1-based
    width: int
    height: int
    words: list[Word] = field(default_factory=list)

    @property
    def has_boxes(self) -> bool:
        return any(w.bbox != (0, 0, 0, 0) for w in self.words)


@dataclass(frozen=True)
class Row:
    page: int
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def has_boxes(self) -> bool:
        return any(w.bbox != (0, 0, 0, 0) for w in self.words)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return union_box(self.words) or (0, 0, 0, 0)

    @property
    def height(self) -> float:
        """Typical word height (a title row is taller than body rows), measured on the words read with some
        confidence as letters or digits: the leader dots after a short name, read as a run of dot-high specks ("SE
        S00: - VỀ) Qoyi Ea"), can outnumber its words and would make the gaps between them look wide."""
        boxed = [w for w in self.words if w.bbox != (0, 0, 0, 0)]
        sure = [w for w in boxed if w.confidence >= _SPECK_CONFIDENCE and LETTER_OR_DIGIT.search(w.text)]
        # Too few such words to measure by (a row read all unsurely, a speck its one sure word): all of them.
        words = sure if len(sure) >= _SURE_WORDS else boxed
        heights = [w.bbox[3] - w.bbox[1] for w in words]
        return float(statistics.median(heights)) if heights else 0.0


@dataclass(frozen=True)
class PageText:
    """A page as rows in reading order (top to bottom, each row left to right)."""

    number: int
    width: int
    height: int
    rows: tuple[Row, ...]
    lines: tuple[Row, ...] = ()  # Tesseract's own lines: a title it kept apart may share a row with a label

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.rows)

    @property
    def has_boxes(self) -> bool:
        return any(r.has_boxes for r in self.rows)


def union_box(words: Iterable[Word]) -> tuple[int, int, int, int] | None:
    boxes = [w.bbox for w in words if w.bbox != (0, 0, 0, 0)]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def band(words: Sequence[Word]) -> tuple[int, int]:
    """Top and bottom of a line from its typical word (a tall speck read with it may reach into the next line)."""
    boxes = [w.bbox for w in words if w.bbox != (0, 0, 0, 0)]
    return int(statistics.median(b[1] for b in boxes)), int(statistics.median(b[3] for b in boxes))


def page_text(page: PageWords) -> PageText:
    lines = tuple(_rows_by_line(page))
    if not page.has_boxes:
        return PageText(page.number, page.width, page.height, lines, lines)
    return PageText(page.number, page.width, page.height, tuple(_rows_by_geometry(page)), lines)


def page_from_text(number: int, text: str, confidence: float = 0.95) -> PageWords:
    """Words without boxes from plain text (a born-digital PDF's text layer), one hOCR-like line per text line."""
    words: list[Word] = []
    for i, line in enumerate(ln for ln in text.splitlines() if ln.strip()):
        words.extend(Word(tok, (0, 0, 0, 0), confidence, i) for tok in line.split())
    return PageWords(number, 0, 0, words)


def _split_glued(word: Word) -> list[Word]:
    """A small letter followed by a capital inside one word is two words OCR ran together ("hộTRẦN")."""
    t = word.text
    cut_at = next((i for i in range(2, len(t) - 1) if t[i - 1].islower() and t[i].isupper()
                   and t[i - 2].isalpha() and t[i + 1].isalpha()), None)
    if cut_at is None:
        return [word]
    left, right = t[:cut_at], t[cut_at:]
    x0, y0, x1, y1 = word.bbox
    cut = x0 + round((x1 - x0) * len(left) / len(word.text)) if x1 > x0 else x0
    box_l = (x0, y0, cut, y1) if x1 > x0 else word.bbox
    box_r = (cut, y0, x1, y1) if x1 > x0 else word.bbox
    return [Word(left, box_l, word.confidence, word.line), Word(right, box_r, word.confidence, word.line)]


def _lines(page: PageWords, *, boxed: bool) -> dict[int, list[Word]]:
    lines: dict[int, list[Word]] = {}
    for w in page.words:
        if not boxed or w.bbox != (0, 0, 0, 0):
            lines.setdefault(w.line, []).extend(_split_glued(w))
    return lines


def _rows_by_line(page: PageWords) -> list[Row]:
    return [Row(page.number, tuple(ws)) for _, ws in sorted(_lines(page, boxed=False).items())]


def _rows_by_geometry(page: PageWords) -> list[Row]:
    lines = list(_lines(page, boxed=True).values())
    typical = statistics.median(w.bbox[3] - w.bbox[1] for ws in lines for w in ws)
    tall = [ws for ws in lines if _height(ws) > _TALL * typical]
    bands: list[tuple[float, float, list[Word]]] = []  # (top, bottom, words) of each row being built
    for ws in sorted((ws for ws in lines if _height(ws) <= _TALL * typical), key=_centre_y):
        top, bottom = _extent(ws)
        for k, (t, b, row_words) in enumerate(bands):
            overlap = min(b, bottom) - max(t, top)
            if overlap >= _SAME_ROW * min(b - t, bottom - top) and not _overlaps_x(row_words, ws):
                # The row keeps the extent of the line that opened it, so that rows cannot grow into each other.
                bands[k] = (t, b, row_words + ws)
                break
        else:
            bands.append((top, bottom, list(ws)))
    for ws in tall:
        # A photo edge or a seal read as one huge "word": it joins the row its middle falls in, or stands alone.
        centre = _centre_y(ws)
        k = next((k for k, (t, b, _) in enumerate(bands) if t <= centre <= b), None)
        if k is None:
            bands.append((*_extent(ws), list(ws)))
        else:
            t, b, row_words = bands[k]
            bands[k] = (t, b, row_words + ws)
    bands.sort(key=lambda band: (band[0] + band[1]) / 2)
    return [Row(page.number, tuple(sorted(ws, key=lambda w: w.bbox[0]))) for _, _, ws in bands]


def _height(words: Sequence[Word]) -> float:
    top, bottom = _extent(words)
    return bottom - top


def _extent(words: Sequence[Word]) -> tuple[float, float]:
    """Top and bottom of a line from its typical word: a speck of a photo or seal glued to the line (as tall as
    the picture) must not make it span the rows around it."""
    return statistics.median(w.bbox[1] for w in words), statistics.median(w.bbox[3] for w in words)


def _centre_y(words: Sequence[Word]) -> float:
    top, bottom = _extent(words)
    return (top + bottom) / 2


def _overlaps_x(a: Sequence[Word], b: Sequence[Word]) -> bool:
    # Lines side by side in one row never share x; two stacked lines that happen to overlap in y usually do.
    b0, b1 = min(w.bbox[0] for w in b), max(w.bbox[2] for w in b)
    return any(min(w.bbox[2], b1) - max(w.bbox[0], b0) > 0 for w in a)


def split_columns(rows: Sequence[Row], x_split: float) -> tuple[list[Row], list[Row]]:
    """Each row's words left and right of ``x_split`` (by word centre), as two columns of rows."""
    left: list[Row] = []
    right: list[Row] = []
    for row in rows:
        lw = tuple(w for w in row.words if (w.bbox[0] + w.bbox[2]) / 2 < x_split)
        rw = tuple(w for w in row.words if (w.bbox[0] + w.bbox[2]) / 2 >= x_split)
        if lw:
            left.append(Row(row.page, lw))
        if rw:
            right.append(Row(row.page, rw))
    return left, right


def gap_after(row: Row, index: int) -> float:
    """Horizontal space between word ``index`` and the next one, in units of the row's word height.

    A word read as letters run into leader dots ("Cường............") whose box is a line of dots' height has
    the box of its dots only: its letters stand left of it, so no gap is measured before it."""
    if index + 1 >= len(row.words) or not row.has_boxes:
        return 0.0
    h = row.height or 1.0
    nxt = row.words[index + 1]
    if _INTO_LEADER.match(nxt.text) and nxt.bbox[3] - nxt.bbox[1] < DOTS_ONLY * h:
        return 0.0
    return (nxt.bbox[0] - row.words[index].bbox[2]) / h
