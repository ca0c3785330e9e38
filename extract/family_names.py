"""A family name the scan damaged, read back from the one it must be: a father's is his child's.

The template says whose family name a role bears (``same_family_name_as``: a birth certificate's father, the
child's). Where one of the two reads as no family name ("BỒI", "ÖC") and the other as one two letters or fewer
away, marks aside (BÙI, LỘC), the damaged one is read as the other, with a reason. Two family names that differ
are left as read: a child may bear the mother's family name, and some peoples pass none down.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from config.templates import Template
from extract.model import FieldValue, Person
from extract.spelling import FAMILY_NAMES, NEAR_NAME, is_known
from extract.text import fold

log = logging.getLogger(__name__)

FAMILY_LETTERS_OFF = 2  # letters, marks aside, between a damaged family name and the one it is read as
SHORT_FAMILY = 3  # letters of a family name that may be only one letter off


def _family(v: FieldValue | None) -> str | None:
    words = v.value.split() if v is not None else []
    return words[0] if len(words) >= 2 else None


def _read_as(damaged: str, family: str) -> bool:
    """Whether ``damaged`` (no family name, no syllable of names either: "THỊ" of a name whose family name was
    lost is THỊ) is ``family`` (one) misread; a short family name (LÊ, TÔ, CHU) only a letter off, since two letters
    make almost any short word one."""
    most = FAMILY_LETTERS_OFF if len(family) > SHORT_FAMILY else 1
    return (damaged not in FAMILY_NAMES and not is_known(damaged) and family in FAMILY_NAMES and len(damaged) >= 2
            and Levenshtein.distance(fold(damaged), fold(family), score_cutoff=most) <= most)


def _renamed(v: FieldValue, family: str, whose: str) -> FieldValue:
    old = v.value.split()[0]
    value = " ".join([family, *v.value.split()[1:]])
    why = f"{old} read as {family}: the family name of the {whose}"
    return replace(v, value=value, confidence=round(v.confidence * NEAR_NAME, 4), reasons=(*v.reasons, why))


def share_family_names(persons: list[Person], template: Template) -> list[Person]:
    """The persons, a family name the scan damaged read as the one its bearer shares (see the module)."""
    out = list(persons)
    for k, person in enumerate(persons):
        whose = template.role(person.role).same_family_name_as
        if whose is None:
            continue
        for j, other in enumerate(out):
            if j == k or other.role != whose:
                continue
            mine, theirs = out[k].fields.get("full_name"), other.fields.get("full_name")
            a, b = _family(mine), _family(theirs)
            if mine is None or theirs is None or a is None or b is None or a == b:
                continue
            if _read_as(a, b):
                log.debug("%s: family name read back from the %s", person.role, whose)
                out[k] = replace(out[k], fields={**out[k].fields, "full_name": _renamed(mine, b, whose)})
            elif _read_as(b, a):
                log.debug("%s: family name read back from the %s", whose, person.role)
                out[j] = replace(other, fields={**other.fields, "full_name": _renamed(theirs, a, person.role)})
    return out
