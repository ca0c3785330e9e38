"""A card's birth date where OCR lost its label: the one whole date the card prints in the year its ID gives.

A 12-digit personal ID carries its holder's birth year (the century digit and two year digits). The other dates
a card prints are rarely in that year: it expires at 25, 40 or 60 years of age, and until mid-2024 was issued at
14 or later (a child's card since then may be issued in its birth year: two dates of the year, nothing is taken).
So the one whole date in the ID's birth year is the birth date, even under a label read as "gây si" / Daào cớ be:"
(seed 1060296, a 150 dpi copy). The ID and the date are two readings that back each other: an ID misread in its
year digits finds no date of that year, and nothing is taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extract.dates import parse_all_dates
from extract.ids import id_birth_year
from extract.layout import PageText
from extract.pieces import Piece
from extract.values import Candidate

__all__ = ["ID_YEAR_DATE", "birth_in_id_year"]

ID_YEAR_DATE = "the only whole date the card prints in the birth year its ID gives"
CONFIDENCE_CAP = 0.6  # a date found by its year, not its label: a reviewer sees it was not read under "Ngày sinh"


def birth_in_id_year(texts: Sequence[PageText], citizen_ids: Iterable[str]) -> Candidate | None:
    """The birth date the card prints, found by the year of ``citizen_ids`` (the holder's IDs as read); None unless
    exactly one date printed in such a year."""
    years = {y for cid in citizen_ids if (y := id_birth_year(cid)) is not None}
    if not years:
        return None
    found: dict[str, Piece] = {}
    for page in texts:
        for row in page.rows:
            for parsed in parse_all_dates(row.text, years=False):
                if len(parsed.value) == len("YYYY-MM-DD") and int(parsed.value[:4]) in years:
                    found.setdefault(parsed.value, Piece.of_row(row, *parsed.span))
    if len(found) != 1:
        return None
    (value, piece), = found.items()
    return Candidate("date_of_birth", value, min(CONFIDENCE_CAP, piece.confidence), page=piece.page,
                     bbox=piece.bbox, source="layout", reasons=(ID_YEAR_DATE,))
