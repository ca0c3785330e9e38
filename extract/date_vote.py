"""A numeric date no single reading gave whole, voted digit by digit over the readings of its spot.

Bold typewritten zeros read as 8, 6 or 9 and a 1 as 4: four readings of a printed "21/01/1992" gave
"21/91/2992", "21/04/499Z", "21/01/2992" and "21/04/1992", the one valid date among them wrong. Taking at each
place a digit some reading gave there, the valid dates the most readings support are "21/01/1992" and
"21/04/1992". Such dates are only candidates for the registry to settle (``extract.choose`` keeps them beside the
value as alternatives), never a date value of their own: readings of one crop are not independent votes. Where one
reading gave a whole date of the same year, that year is kept with them, at the confidence one reading has.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date

from extract.text import OCR_DIGITS

_DATE = re.compile(r"(\w{1,2}) ?[/.\-] ?(\w{1,2}) ?[/.\-] ?(\w{4})")
MIN_READINGS = 3  # readings of the date's shape needed for a vote
MIN_SUPPORT = 0.6  # share of all the readings' digits a voted date must agree with
MAX_COMBINATIONS = 4096
FIRST_YEAR = 1880


def vote_dates(texts: Sequence[str], today: date) -> list[str]:
    """The valid dates (ISO) best supported digit by digit by the readings ``texts`` of one numeric date; several
    when they tie, none when fewer than ``MIN_READINGS`` readings have a date's shape or none is supported
    enough."""
    shapes = [s for s in map(_digits, texts) if s is not None]
    if len(shapes) < MIN_READINGS:
        return []
    counts = [Counter(column) for column in zip(*shapes, strict=True)]
    options = [sorted(c) for c in counts]
    if math.prod(len(o) for o in options) > MAX_COMBINATIONS:
        return []
    best, found = 0, []
    for combo in itertools.product(*options):
        iso = _valid("".join(combo), today)
        if iso is None:
            continue
        support = sum(c[d] for c, d in zip(counts, combo, strict=True))
        if support > best:
            best, found = support, [iso]
        elif support == best:
            found.append(iso)
    return sorted(found) if best >= MIN_SUPPORT * len(shapes) * len(counts) else []


def _digits(text: str) -> str | None:
    """ddmmyyyy of a reading with a date's shape, letters OCR makes of digits read back; None otherwise."""
    m = _DATE.search(text)
    if m is None:
        return None
    day, month, year = ("".join(OCR_DIGITS.get(c, c) for c in g) for g in m.groups())
    out = day.rjust(2, "0") + month.rjust(2, "0") + year
    return out if out.isdigit() else None


def _valid(ddmmyyyy: str, today: date) -> str | None:
    day, month, year = int(ddmmyyyy[:2]), int(ddmmyyyy[2:4]), int(ddmmyyyy[4:])
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    return when.isoformat() if year >= FIRST_YEAR and when <= today else None
