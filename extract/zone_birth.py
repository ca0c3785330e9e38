"""A card zone's birth date placed in its century: the zone prints YYMMDD, the record needs the whole year."""

from __future__ import annotations

from datetime import date

from extract.ids import id_birth_year

__all__ = ["zone_birth_date"]

CENTURY_FROM_ID = 0.95  # confidence factor when the ID's century digit places the zone's YYMMDD
CENTURY_FROM_AGE = 0.9  # when only the holder's plausible age does
CENTURY_GUESSED = 0.6  # when both centuries give a plausible card holder: review will look at it
CARD_AGES = (14, 100)  # years: CCCD cards went to citizens from 14 until mid-2024; few holders pass 100


def zone_birth_date(yymmdd: str, citizen_id: str | None, today: date) -> tuple[str, float, str] | None:
    """The zone's YYMMDD as a full date, with the factor its confidence takes and the reason: the century from
    the ID's century digit when an ID with the same year digits was read, else from the holder's age (a year in
    the future is no birth year; a holder is 14 to 100 years old) - never silently, and a century age alone
    cannot decide gets a low confidence. None when no century makes a past date."""
    yy, mm, dd = yymmdd[:2], yymmdd[2:4], yymmdd[4:]
    # Only an ID whose year digits are the zone's: a misread ID's century digit would place the date anywhere.
    year = id_birth_year(citizen_id) if citizen_id is not None and citizen_id[4:6] == yy else None
    if year is not None and year <= today.year:
        return f"{year}-{mm}-{dd}", CENTURY_FROM_ID, "century taken from the ID's century digit"
    years = [c + int(yy) for c in (1900, 2000) if c + int(yy) <= today.year]
    if not years:
        return None
    plausible = [y for y in years if CARD_AGES[0] <= today.year - y <= CARD_AGES[1]]
    if len(plausible) == 1:
        return f"{plausible[0]}-{mm}-{dd}", CENTURY_FROM_AGE, "century taken from the card holder's plausible age"
    year = max(plausible or years)
    return f"{year}-{mm}-{dd}", CENTURY_GUESSED, "century unsure: the machine-readable zone gives only YYMMDD"
