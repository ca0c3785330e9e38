"""Birth dates checked against the rest of the document: a misread year often makes an impossible life.

A child born before its parent was 13, a bride or groom under 15 or over 90 at the wedding, anyone born after the
document was made: one of the years is misread (8 and 6, 8 and 0 on a worn page). The template says who is whose
parent (``parent_of``) and at which document date a person was an adult (``adult_on``).

Where the person's own date has another reading (``FieldValue.alternatives``) that makes every check hold, that
reading is taken and the first one kept as an alternative; otherwise the date stays as read, with the reason, and
the confidence lowered so matching treats it as a date in doubt. Nothing is guessed that no reading gave.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace

from config.templates import Template
from extract.model import FieldValue, Person

log = logging.getLogger(__name__)

PARENT_AGE = (13, 70)  # years between a parent's birth and the child's
ADULT_AGE = (15, 90)  # age on the day of an ``adult_on`` date (a wedding)
# A document's date read with less confidence checks nothing: a misread one would call a right birth date in doubt.
DOCUMENT_DATE_SURE = 0.6
IN_DOUBT = 0.7  # confidence factor for a birth date no reading makes possible
_DOCUMENT_DATES = ("registration_date", "document_date")

Check = Callable[[int], str | None]  # a birth year → why it cannot be, or None


def _year(v: FieldValue | None, floor: float = 0.0) -> int | None:
    if v is None or v.confidence < floor or len(v.value) < 4 or not v.value[:4].isdigit():
        return None
    return int(v.value[:4])


def _apart(gap: int, way: str, other_way: str, whom: str) -> str:
    """``gap`` years ``way`` (older, younger) than ``whom``, in words."""
    if gap > 0:
        return f"{'only ' if gap < PARENT_AGE[0] else ''}{gap} years {way} than {whom}"
    return f"{-gap} years {other_way} than {whom}" if gap else f"born the same year as {whom}"


def _checks(k: int, persons: list[Person], template: Template, doc: Mapping[str, FieldValue]) -> list[Check]:
    """What person ``k``'s birth year must satisfy, given the other persons' years and the document's dates."""
    me = persons[k]
    spec = template.role(me.role)
    out: list[Check] = []
    lo, hi = PARENT_AGE
    for j, other in enumerate(persons):
        year = _year(other.fields.get("date_of_birth"))
        if j == k or year is None:
            continue
        if spec.parent_of == other.role:  # I am the parent of ``other``
            out.append(lambda y, c=year: None if lo <= c - y <= hi else _apart(c - y, "older", "younger", "the child"))
        if template.role(other.role).parent_of == me.role:  # ``other`` is my parent
            out.append(lambda y, p=year: None if lo <= y - p <= hi else _apart(y - p, "younger", "older", "a parent"))
    when = doc.get(spec.adult_on) if spec.adult_on else None
    if (on := _year(when, DOCUMENT_DATE_SURE)) is not None:
        a, b = ADULT_AGE
        event = spec.adult_on.replace("_", " ")
        out.append(lambda y, d=on: None if a <= d - y <= b else f"{d - y} years old at the {event}")
    made = [y for y in (_year(doc.get(n), DOCUMENT_DATE_SURE) for n in _DOCUMENT_DATES) if y is not None]
    if made:
        first = min(made)
        out.append(lambda y: None if y <= first else "born after the document was made")
    return out


def _failures(year: int, checks: list[Check]) -> list[str]:
    return [why for check in checks if (why := check(year)) is not None]


def check_lifespans(persons: list[Person], template: Template, doc: Mapping[str, FieldValue]) -> list[Person]:
    """The persons, each birth date an impossible life calls in doubt replaced by a reading that fits, or marked."""
    out = list(persons)
    for k, person in enumerate(persons):
        birth = person.fields.get("date_of_birth")
        year = _year(birth)
        if birth is None or year is None:
            continue
        checks = _checks(k, out, template, doc)
        failed = _failures(year, checks)
        if not failed:
            continue
        fits = [a for a in birth.alternatives if (y := _year(FieldValue(a, 0.0))) is not None
                and not _failures(y, checks)]
        log.debug("%s: birth year fails %d check(s), %d other reading(s) fit", person.role, len(failed), len(fits))
        if fits:
            why = f"another reading of the date: {birth.value} would make the person {failed[0]}"
            rest = tuple(a for a in birth.alternatives if a != fits[0])
            fixed = replace(birth, value=fits[0], reasons=(*birth.reasons, why), alternatives=(birth.value, *rest))
        else:
            why = f"birth year in doubt: the person would be {failed[0]}"
            fixed = replace(birth, confidence=round(birth.confidence * IN_DOUBT, 4), reasons=(*birth.reasons, why))
        out[k] = replace(person, fields={**person.fields, "date_of_birth": fixed})
    return out
