"""Numeric dates OCR broke, mended only where one date is left that can be: a birth year's impossible century
(``century_repaired``), a day or month that lost its leading 0 (``leading_zero``). Used by ``extract.values``."""

from __future__ import annotations

import re
from datetime import date

from extract.text import OCR_DIGITS

# A birth year whose century reads 11, 12, 14-17 ("24/6/1576": a bold 9 read as 5) can only be 19: 18 is one digit
# away too, but a birth then is no one a record of these decades registers. Not 13 (3 and 8 are confused: 1877 or
# 1977?), not 10 (1021: 1921 or 2021?), and no other date (an issue date "1021" may be 2021).
_LOST_CENTURY = re.compile(
    r"(?<![0-9])(?:([0-9]{1,2})\s*[/.\-⁄]\s*([0-9]{1,2})\s*[/.\-⁄]\s*)?1[124-7]([0-9]{2})(?![0-9])")
_ALONE = re.compile(r"\W*[0-9]{4}\W*")
# Tesseract reads the 0 of "04" as 6, 8 or 9 (and 8 is also a misread 3): what a leading digit that no day or
# month can have may have been printed as.
_LEADING = {"6": "0", "9": "0", "8": "03"}


def century_repaired(text: str) -> tuple[str, tuple[int, int]] | None:
    """The birth date (or year alone) with its impossible century read as 19, and where it is."""
    m = _LOST_CENTURY.search(text)
    if m is None:
        return None
    day, month, tail = m.groups()
    year = int("19" + tail)
    if day is None:
        # A year alone only where it is the whole value: "1604/1973" is a card's 15/04/1973, "Số 1234" no year.
        return (str(year), m.span()) if _ALONE.fullmatch(text) else None
    try:
        return date(year, int(month), int(day)).isoformat(), m.span()
    except ValueError:
        return None


def leading_zero(day: str, month: str, year: str) -> str | None:
    """The one valid date left when an impossible two-digit day or month gets back its misread leading 0.

    "64/11/1931" can only be 04/11/1931; "81/05/1990" could be 01 or 31 and is left unread.
    """
    days = _fixes(day, 31)
    months = _fixes(month, 12)
    found = []
    for d in days:
        for m in months:
            try:
                found.append(date(int(year), int(m), int(d)).isoformat())
            except ValueError:
                continue
    if (days, months) == ([day], [month]) or len(found) != 1:
        return None
    return found[0]


def _fixes(part: str, top: int) -> list[str]:
    if len(part) == 1 or 1 <= int(part) <= top:
        return [part]
    return [d + part[1] for d in _LEADING.get(part[0], "") if 1 <= int(d + part[1]) <= top]


# The first word of a birth date's value: day and month beyond reading, the year after them ("17A4/19S7" for
# 12/04/1957, "⁄W1962" for 03/03/1962: a stroke and the letter a separator was read as); one of its digits may be a
# letter, not B (a misread 3 or 8). What comes before the year is a day and month's few characters, with a digit
# among them, or a stroke and a letter: no word ("CMND/1985"), no longer number ("0903.123.1975").
_YEAR_DIGITS = {k: v for k, v in OCR_DIGITS.items() if k not in "|!B"}
_YEAR_ENDED = re.compile(r"\s*(\W*(?:[0-9A-Za-z]{1,4}\W+){1,2}|\W+[A-Za-z])"
                         rf"((?:1[89]|20|[lI][89])[0-9{''.join(_YEAR_DIGITS)}]{{2}})[.,;:]?(?:\s|$)")
_YEAR_LETTERS = str.maketrans(_YEAR_DIGITS)


def year_of_broken(text: str) -> tuple[str, tuple[int, int]] | None:
    """The year of a date OCR broke beyond reading its day and month, and where it is: the four digits ending the
    value's first word after what is left of a day and month."""
    m = _YEAR_ENDED.match(text)
    if m is None:
        return None
    head, group = m.group(1), m.group(2)
    alnum = [c for c in head if c.isalnum()]
    if len(alnum) > 4 or (len(alnum) > 1 and not any(c.isdigit() for c in alnum)):
        return None
    year = group.translate(_YEAR_LETTERS)
    if sum(c.isdigit() for c in group) < 3 or not 1880 <= int(year) <= 2099:
        return None
    return year, m.span(2)
