"""Cutting a row's text into the windows a label may be, and the positions in it a label's end is judged by:
where a colon stands, where a capital follows, where the row's first or last words end.
"""

from __future__ import annotations

from dataclasses import dataclass

from extract.label_text import skeleton
from extract.layout import Row

__all__ = ["BULLETS", "COLONS", "Window", "capital_next", "colon_at", "end_of_words", "from_last_words",
           "row_windows"]

COLONS = ":;"  # Tesseract reads a faint colon as a semicolon often enough
BULLETS = frozenset("-–—•+*")  # printed before a line's label: not specks, the label does not open its row


@dataclass(frozen=True)
class Window:
    first: int
    start: int
    end: int
    words: int
    text: str
    skel: str


def capital_next(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip()
    return bool(rest) and rest[0].isupper()


def colon_at(text: str, pos: int, marks: str = COLONS) -> bool:
    if pos > 0 and text[pos - 1] in marks:
        return True
    rest = text[pos:].lstrip()
    return bool(rest) and rest[0] in marks


def end_of_words(row: Row, count: int) -> int | None:
    """Where the row's text has given ``count`` words of letters or digits (its skeleton's first ``count``), or
    None when the row's words do not split that way (one OCR word holding two skeleton words across the point)."""
    if count == 0:
        return 0
    pos, seen = 0, 0
    for w in row.words:
        pos += len(w.text)
        seen += len(skeleton(w.text).split())
        if seen == count:
            return pos
        if seen > count:
            return None
        pos += 1
    return None


def from_last_words(row: Row, count: int) -> int | None:
    """How many characters at the end of the row's text its last ``count`` skeleton words take (None as above)."""
    before = end_of_words(row, len(skeleton(row.text).split()) - count)
    if before is None:
        return None
    return len(row.text) - (before + 1 if before else 0)


def row_windows(row: Row, span: int) -> list[Window]:
    """Runs of up to ``span`` words that a label may be: ending at word ends, or at a colon inside a word (or the
    "?" OCR makes of one: "Giấy tờ tùy thân?CÁINBS6/0172096347")."""
    text = row.text
    starts, pos = [], 0
    for w in row.words:
        starts.append(pos)
        pos += len(w.text) + 1
    out: list[Window] = []
    for i, s in enumerate(starts):
        if not skeleton(row.words[i].text):
            # No label starts with a speck or a stroke ("|: ilọ và tên chồng:"): the label's place would be the
            # speck's, and a column split there cuts the other column's label in two.
            continue
        for j in range(i, min(len(row.words), i + span)):
            word = row.words[j].text
            ends = [starts[j] + k for k, ch in enumerate(word[:-1]) if ch in COLONS + "?" and k]
            ends.append(starts[j] + len(word))
            for e in ends:
                cand = text[s:e]
                sk = skeleton(cand)
                if sk:
                    out.append(Window(i, s, e, sk.count(" ") + 1, cand, sk))
    return out
