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
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class _Rule:
    check: Check
    source: int | None  # the other person whose year it takes, None for a document date
    confidence: float  # of that year or date


def _year(v: FieldValue | None, floor: float = 0.0) -> int | None:
    return _year_of(v.value) if v is not None and v.confidence >= floor else None


def _year_of(value: str) -> int | None:
    return int(value[:4]) if len(value) >= 4 and value[:4].isdigit() else None


def _apart(gap: int, way: str, other_way: str, whom: str) -> str:
    """``gap`` years ``way`` (older, younger) than ``whom``, in words."""
    if gap > 0:
        return f"{'only ' if gap < PARENT_AGE[0] else ''}{gap} years {way} than {whom}"
    return f"{-gap} years {other_way} than {whom}" if gap else f"born the same year as {whom}"


def _rules(k: int, persons: list[Person], template: Template, doc: Mapping[str, FieldValue]) -> list[_Rule]:
    """What person ``k``'s birth year must satisfy, given the other persons' years and the document's dates; a
    year or date read under ``DOCUMENT_DATE_SURE`` checks nothing (it may be the misread one)."""
    me = persons[k]
    spec = template.role(me.role)
    out: list[_Rule] = []
    lo, hi = PARENT_AGE
    for j, other in enumerate(persons):
        birth = other.fields.get("date_of_birth")
        year = _year(birth, DOCUMENT_DATE_SURE)
        if j == k or birth is None or year is None:
            continue
        if spec.parent_of == other.role:  # I am the parent of ``other``
            out.append(_Rule(lambda y, c=year: None if lo <= c - y <= hi else
                             _apart(c - y, "older", "younger", "the child"), j, birth.confidence))
        if template.role(other.role).parent_of == me.role:  # ``other`` is my parent
            out.append(_Rule(lambda y, p=year: None if lo <= y - p <= hi else
                             _apart(y - p, "younger", "older", "a parent"), j, birth.confidence))
    when = doc.get(spec.adult_on) if spec.adult_on else None
    if when is not None and (on := _year(when, DOCUMENT_DATE_SURE)) is not None:
        a, b = ADULT_AGE
        event = (spec.adult_on or "").replace("_", " ")
        out.append(_Rule(lambda y, d=on: None if a <= d - y <= b else f"{d - y} years old at the {event}", None,
                         when.confidence))
    made = [(y, v.confidence) for v in (doc.get(n) for n in _DOCUMENT_DATES)
            if v is not None and (y := _year(v, DOCUMENT_DATE_SURE)) is not None]
    if made:
        first, conf = min(made)
        out.append(_Rule(lambda y: None if y <= first else "born after the document was made", None, conf))
    return out


def _failed(year: int, rules: list[_Rule]) -> list[tuple[_Rule, str]]:
    return [(r, why) for r in rules if (why := r.check(year)) is not None]


def _fitting(birth: FieldValue, rules: list[_Rule], failed: list[tuple[_Rule, str]]) -> str | None:
    """The other reading to take: the alternatives that pass every rule give one year, and every rule the date
    fails rests on a year or date read at least as surely as it."""
    if any(r.confidence < birth.confidence for r, _ in failed):
        return None
    fits = [a for a in birth.alternatives if (y := _year_of(a)) is not None and not _failed(y, rules)]
    return fits[0] if fits and len({a[:4] for a in fits}) == 1 else None


def check_lifespans(persons: list[Person], template: Template, doc: Mapping[str, FieldValue]) -> list[Person]:
    """The persons, each birth date an impossible life calls in doubt replaced by a reading that fits, or marked.

    Every date is judged against the others as read (the order of the persons does not matter); two persons whose
    dates both have a reading that would mend the same conflict are left as read, in doubt: which one is misread
    nobody can tell."""
    changes: dict[int, tuple[str, str]] = {}  # person → (reading taken, why)
    blamed: dict[int, set[int]] = {}
    for k, person in enumerate(persons):
        birth = person.fields.get("date_of_birth")
        year = _year(birth)
        if birth is None or year is None:
            continue
        rules = _rules(k, persons, template, doc)
        failed = _failed(year, rules)
        if failed and (fit := _fitting(birth, rules, failed)) is not None:
            changes[k] = (fit, f"another reading of the date: {birth.value} would make the person {failed[0][1]}")
            blamed[k] = {r.source for r, _ in failed if r.source is not None}
    for k in [k for k in changes if any(j in changes for j in blamed[k])]:
        changes.pop(k, None)
    out = list(persons)
    for k, (fit, why) in changes.items():
        birth = persons[k].fields["date_of_birth"]
        rest = tuple(a for a in birth.alternatives if a != fit)
        fixed = replace(birth, value=fit, confidence=round(birth.confidence * IN_DOUBT, 4),
                        reasons=(*birth.reasons, why), alternatives=(birth.value, *rest), read_as=None)
        out[k] = replace(persons[k], fields={**persons[k].fields, "date_of_birth": fixed})
    for k, person in enumerate(out):
        birth = person.fields.get("date_of_birth")
        year = _year(birth)
        if birth is None or year is None or k in changes:
            continue
        failed = _failed(year, _rules(k, out, template, doc))
        if failed:
            log.debug("%s: birth year fails %d check(s)", person.role, len(failed))
            why = f"birth year in doubt: the person would be {failed[0][1]}"
            fixed = replace(birth, confidence=round(birth.confidence * IN_DOUBT, 4), reasons=(*birth.reasons, why))
            out[k] = replace(person, fields={**person.fields, "date_of_birth": fixed})
    return out
