"""Running-text values (a decision's "Giao cho ông Nguyễn Văn An, sinh ngày ..., thường trú tại ..."): from a
``flow`` label on over line breaks until one of its stop characters, the next label or ``FLOW_ROWS`` rows.
"""

from __future__ import annotations

import re

from extract.labels import Hit
from extract.layout import Row
from extract.pieces import Piece

__all__ = ["FLOW_ROWS", "flow_value", "free_end", "stop_at"]

FLOW_ROWS = 3  # rows a running-text value may continue over
# What follows a full stop inside an address, read from a speck (OCR's "huyện Bắt. Xát, tỉnh Lào Cai" for Bát Xát):
# the rest of a place's name, its comma, and the next part's own word with its name after it (a capital or a
# number: "Xã có trách nhiệm", "Huyện ủy" open sentences), on the same row (``_PLACE_GOES_ON``); or, after a row's
# last comma, such a part opening the next row (``_PART_FIRST``). A sentence after an address opens otherwise. A
# name OCR read in small letters ("thị xã sơn Tây") ends the address there, as before.
_PART = r"(?:tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường)(?:\s+(?P<name>\w)|\s*$)"
_PLACE_GOES_ON = re.compile(r"\s+[^\W\d_]+\s*,\s*" + _PART, re.IGNORECASE)
_PART_FIRST = re.compile(r"\W*" + _PART, re.IGNORECASE)


def _part_opens(pattern: re.Pattern[str], text: str, pos: int = 0) -> bool:
    """Whether ``pattern`` finds a place's part at ``pos`` of ``text``, its name opening with a capital or a digit."""
    m = pattern.match(text, pos)
    return m is not None and (m.group("name") is None or m.group("name").isupper() or m.group("name").isdigit())


def stop_at(text: str, stops: str, *, place: bool = False, below: str = "") -> int | None:
    """Where a running-text value in ``text`` ends at one of ``stops``; ``below``: the next row's text."""
    for m in re.finditer(r"[^\w\s]", text):
        ch = m.group()
        if ch not in stops:
            continue
        # A full stop ends a sentence only before a space or the end: "20.000.000" and "TP.HCM" go on; in a
        # place, one a speck made inside a part's name goes on too (``_PLACE_GOES_ON``), and so does one after a
        # comma that ends the row ("xã Tân Lập,.") when the next row opens with a place's part, its name in capitals.
        if ch == "." and m.end() < len(text) and not text[m.end()].isspace():
            continue
        if ch == "." and place and _part_opens(_PLACE_GOES_ON, text, m.end()):
            continue
        if ch == "." and place and text[:m.start()].rstrip().endswith(",") and not text[m.end():].strip() \
                and _part_opens(_PART_FIRST, below):
            continue
        return m.start()
    return None


def free_end(rows: list[Row], hits: list[list[Hit]], i: int) -> int:
    """The end of row ``i``'s text, or where the first half of a label the line break cut begins ("..., sinh")."""
    text = rows[i].text
    below = hits[i + 1] if i + 1 < len(hits) else []
    return len(text) - below[0].head if below and below[0].head else len(text)


def flow_value(rows: list[Row], hits: list[list[Hit]], i: int, hit: Hit, nxt: int) -> tuple[Piece, int | None]:
    """The value of running-text label ``hit`` on row ``i``: up to ``nxt`` and on over the rows after, until one of
    its stop characters or the next label; and where on the label's row it stops, when it ends there."""
    pieces = [Piece.of_row(rows[i], hit.end, nxt)]
    by_label = nxt < len(rows[i].text)
    j = i
    while True:
        below = rows[j + 1].text if j + 1 < len(rows) else ""
        cut = stop_at(pieces[-1].text, hit.spec.stops, place=hit.spec.kind == "place", below=below)
        if cut is not None:
            pieces[-1] = pieces[-1].sub(0, cut)
            if j == i:
                return pieces[0], cut
            break
        j += 1
        if by_label or j >= len(rows) or j > i + FLOW_ROWS:
            break
        end = hits[j][0].start if hits[j] else free_end(rows, hits, j)
        by_label = bool(hits[j]) or end < len(rows[j].text)
        pieces.append(Piece.of_row(rows[j], 0, end))
    return Piece.join(pieces), None
