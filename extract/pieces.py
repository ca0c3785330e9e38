"""The text of one value and the OCR words it came from, and the cleaning every value gets: leader dots and
the punctuation OCR leaves at its edges removed."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from extract.layout import Row, union_box
from extract.text import fold
from ocr.hocr import Word

_LEADER = re.compile(r"[.…·_]{3,}|(?:\. ?){3,}")
EDGE = " \t:;,.-–—_|/\\'\"`*~()[]{}<>^"
_MEANINGFUL = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class Piece:
    """Text of one value and the words it came from (``spans`` are offsets into ``text``)."""

    text: str
    spans: tuple[tuple[int, int, Word], ...]
    page: int

    @staticmethod
    def of_row(row: Row, start: int, end: int) -> Piece:
        """Characters ``start:end`` of ``row.text`` with the words they touch."""
        spans = []
        pos = 0
        for w in row.words:
            s, e = pos, pos + len(w.text)
            if s < end and start < e:
                spans.append((max(s, start) - start, min(e, end) - start, w))
            pos = e + 1
        return Piece(row.text[start:end], tuple(spans), row.page)

    def sub(self, start: int, end: int) -> Piece:
        spans = tuple((max(s, start) - start, min(e, end) - start, w) for s, e, w in self.spans
                      if s < end and start < e)
        return Piece(self.text[start:end], spans, self.page)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for _, _, w in self.spans)

    @property
    def confidence(self) -> float:
        confs = [w.confidence for w in self.words]
        return statistics.fmean(confs) if confs else 0.0

    @property
    def bbox(self) -> tuple[int, int, int, int] | None:
        return union_box(self.words)

    @staticmethod
    def join(pieces: list[Piece]) -> Piece:
        text, spans, pos = [], [], 0
        for p in pieces:
            if not p.text.strip():
                continue
            if text:
                pos += 1
            text.append(p.text)
            spans.extend((s + pos, e + pos, w) for s, e, w in p.spans)
            pos += len(p.text)
        return Piece(" ".join(text), tuple(spans), pieces[0].page if pieces else 0)


def strip_leaders(piece: Piece, *, cut: bool) -> Piece:
    """Without leader dots; with ``cut`` everything after the first run once a value precedes it.

    Clerks typed values onto dotted lines; OCR turns the dots after a value into dots, letters or digits, so
    for a name what follows the first run of dots is noise, never more of the name.
    """
    out = piece
    m = _LEADER.search(out.text)
    while m:
        before = out.text[:m.start()].strip(EDGE)
        if cut and before:
            return out.sub(0, m.start())
        out = Piece.join([out.sub(0, m.start()), out.sub(m.end(), len(out.text))]) if before else out.sub(
            m.end(), len(out.text))
        m = _LEADER.search(out.text)
    return out


def meaningful(piece: Piece) -> bool:
    """Whether a value holds a letter or digit at all (OCR makes "ˆ", "`", "¬" of specks)."""
    return bool(_MEANINGFUL.search(fold(piece.text)))


def trim(piece: Piece) -> Piece:
    text = piece.text
    start = len(text) - len(text.lstrip(EDGE))
    end = len(text.rstrip(EDGE))
    # A closing parenthesis belongs to the value when it closes one opened inside it ("Ông (bà)" aside).
    if end < len(text) and text[end] == ")" and "(" in text[start:end]:
        end += 1
    return piece.sub(start, max(start, end))


# What a value reader gives: the value, its words, a confidence factor, why (optional), and for a birth year read
# alone the date as read (optional).
Read = (tuple[str, Piece, float] | tuple[str, Piece, float, list[str]] | tuple[str, Piece, float, list[str], str]
        | None)
