"""The machine-readable zone of a CCCD card (ICAO 9303 TD1): an ID, birth date, sex and name that prove themselves.

OCR reads the OCR-B lines poorly, but each number carries a check digit: a value is taken only when its check
digit holds (and the ID's last nine digits are the document number), so a misread never gets through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.layout import PageText, Row

_MRZ_CHARS = re.compile(r"^[A-Z0-9<]{20,}$")
_LINE1 = re.compile(r"VNM([0-9]{9})([0-9])([0-9]{12})<")
_LINE2 = re.compile(r"^([0-9]{6})([0-9])([MF<])")
_WEIGHTS = (7, 3, 1)


@dataclass(frozen=True)
class Mrz:
    citizen_id: str | None = None
    birth: str | None = None  # YYMMDD
    sex: str | None = None  # male | female
    names: tuple[str, ...] = ()  # the name's words without diacritics
    rows: tuple[Row, ...] = ()


def check_digit(s: str) -> str:
    total = 0
    for i, ch in enumerate(s):
        val = int(ch) if ch.isdigit() else (ord(ch) - 55 if ch.isalpha() else 0)
        total += val * _WEIGHTS[i % 3]
    return str(total % 10)


def _clean(row: Row) -> str:
    return "".join(row.text.split()).upper().replace("«", "<").replace("‹", "<")


def find_mrz(pages: Sequence[PageText]) -> Mrz | None:
    citizen_id = birth = sex = None
    names: tuple[str, ...] = ()
    used: list[Row] = []
    for page in pages:
        for row in page.rows:
            s = _clean(row)
            if s.count("<") < 2 or not _MRZ_CHARS.match(s):
                continue
            if (m := _LINE1.search(s)) and citizen_id is None:
                doc, chk, cid = m.groups()
                if check_digit(doc) == chk and cid[3:] == doc:
                    citizen_id = cid
                    used.append(row)
            elif (m := _LINE2.match(s)) and birth is None:
                if check_digit(m.group(1)) == m.group(2):
                    birth = m.group(1)
                    sex = {"M": "male", "F": "female"}.get(m.group(3))
                    used.append(row)
            elif not any(c.isdigit() for c in s) and not names:
                parts = tuple(p for p in re.split(r"<+", s) if p)
                if 2 <= len(parts) <= 7 and all(p.isalpha() for p in parts):
                    names = parts
                    used.append(row)
    if citizen_id is None and birth is None and not names:
        return None
    return Mrz(citizen_id, birth, sex, names, tuple(used))
