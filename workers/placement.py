"""Which person of a new reading of a document is which person of the last one, so that staff work made on a
person stays on that person (``workers.reapply`` applies it).

Review decisions and field corrections are stored by the person's position in the record (``--person N``). A
re-extraction (``reprocess --from extract|ocr``, a newer sohoa reading better) may list the persons otherwise: a
household member found that was missed before shifts everyone after it. Applied by position alone, an accept
would then link a neighbour to the citizen, the worst outcome there is. Here:

* :class:`Seen`: what tells one person of a reading from another (role, name, birth date, IDs, where printed);
* :func:`resemblance`: how surely one person is another read again, or None when something read tells them
  apart (another role, ID or birth date; a name read clearly that is far from every name the person is known by);
* :func:`correspondence`: the persons of two readings paired one to one, surest first, only when sure, never by
  a guess between two alike;
* :func:`anchor`: the person of the last record bearing a piece of work's stamp (``match.decision``, a field's
  ``corrected``: who, when to the microsecond, and the citizen or the value).

Pure functions over plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extract.model import Person
from extract.text import fold

NAME_SAME = 85  # rapidfuzz ratio of two folded names that are one name read twice (OCR slips, a mark lost)
NAME_OTHER = 70  # ... under which two names read clearly are two persons' ("tran van hung"/"tran thi huong")
CLEAR = 0.9  # confidence of a name read clearly enough to tell two persons apart
ID_OTHER = 3  # digits that differ between two readings of IDs that are two persons' (OCR slips one or two)
BOX_SAME = 0.5  # vertical overlap, of the lower box, of two boxes on the same lines of a page
NOT_FOUND = "the person it was made for is not found in the new reading"
AMBIGUOUS = "the person it was made for fits more than one person of the new reading"
UNKNOWN_READING = "the reading it was made on is lost (a run failed in between)"
_EXACT = 100.0  # the resemblance of a person read exactly as before: above any other
SURE = 1.0  # the least resemblance that pairs two persons: the same name, or a near one and something more
NEAR = 0.02  # two pairs for one person within this of each other are a guess (an exact name against a near one
# is not: 1.0 against 0.96 at most)
MARKS = 0.5  # of the likeness a name's marks take away, what counts against a pair (ranking, not pairing)
_BOX_FIELDS = ("full_name", "date_of_birth", "citizen_id", "old_id_number")


@dataclass(frozen=True)
class Seen:
    """What tells one person of a reading from another: role, name, birth date, IDs and where they are printed."""

    role: str
    name: str | None = None  # as OCR read it
    name_confidence: float = 0.0
    birth: str | None = None
    ids: tuple[str, ...] = ()
    boxes: tuple[tuple[str, int, tuple[int, int, int, int]], ...] = ()  # (field, page, bbox)
    also: tuple[str, ...] = ()  # other names it is known by: a staff correction's, the registry's

    @staticmethod
    def of_record(person: dict, shown: dict | None = None) -> Seen:
        """A person of a record as OCR read it (``workers.corrections.ocr_view``'s); ``shown``: the same person as
        the record shows it, corrected and confirmed, whose name is one more it is known by."""
        fields = person.get("fields") or {}

        def value(name: str) -> str | None:
            return (fields.get(name) or {}).get("value") or None

        name = fields.get("full_name") or {}
        # The record's boxes are lists, an extraction's tuples; its confidences are rounded: one form for both,
        # so that a reading compares equal to itself.
        boxes = tuple((f, fields[f]["page"], tuple(fields[f]["bbox"])) for f in _BOX_FIELDS
                      if f in fields and fields[f].get("bbox") and fields[f].get("page") is not None)
        also = ((shown or {}).get("fields") or {}).get("full_name", {}).get("value")
        return Seen(person.get("role") or "", value("full_name"), round(float(name.get("confidence") or 0.0), 4),
                    value("date_of_birth"), tuple(v for v in (value("citizen_id"), value("old_id_number")) if v),
                    boxes, (also,) if also and also != value("full_name") else ())

    @staticmethod
    def of_person(person: Person) -> Seen:
        """A person of an extraction, before any correction."""
        f = person.fields

        def value(k: str) -> str | None:
            return f[k].value or None if k in f else None

        name = f.get("full_name")
        boxes = tuple((k, f[k].page, tuple(f[k].bbox)) for k in _BOX_FIELDS
                      if k in f and f[k].bbox is not None and f[k].page is not None)
        return Seen(person.role, value("full_name"), round(name.confidence, 4) if name else 0.0,
                    value("date_of_birth"), tuple(v for v in (value("citizen_id"), value("old_id_number")) if v),
                    boxes)


def resemblance(old: Seen, new: Seen) -> tuple[float, float, bool] | None:
    """How surely ``new`` is ``old`` read again: None when something read tells them apart; else the weight of
    what ties them (0: nothing does), the same with names compared without their marks (what may pair them:
    OCR drops and swaps marks), and whether they are printed on the same lines (which only settles between two
    that weigh the same: a newer reading may straighten or lay out the page otherwise)."""
    if old.role != new.role:
        return None
    score = 0.0
    for a in old.ids:
        for b in new.ids:
            if len(a) == len(b):
                apart = Levenshtein.distance(a, b)
                if apart == 0:
                    score += 1.0
                elif apart >= ID_OTHER:
                    return None
    if old.birth and new.birth and len(old.birth) == len(new.birth):
        apart = sum(x != y for x, y in zip(old.birth, new.birth, strict=True))
        if apart == 0:
            score += 1.0
        elif apart > 1:
            return None
    printed = bare = 0.0
    if new.name:
        names = [n for n in (old.name, *old.also) if n]
        bare = max((_ratio(fold(new.name), fold(n)) for n in names), default=0.0)
        # The same letters with other marks weigh less than the same name (HÙNG and HƯNG are two names), but
        # enough to pair by: OCR misreads marks more than letters.
        printed = max((_ratio(new.name, n) for n in names), default=0.0)
        printed = bare - MARKS * (bare - printed) if bare else 0.0
        # A name read clearly that is far from every name the person is known by clearly (read so, corrected,
        # registered) is another person's.
        known = [fold(n) for n in (old.name if old.name_confidence >= CLEAR else None, *old.also) if n]
        if known and new.name_confidence >= CLEAR and max(fuzz.ratio(fold(new.name), n) for n in known) < NAME_OTHER:
            return None
    return score + printed, score + bare, _same_lines(old, new)


def _ratio(a: str, b: str) -> float:
    """Two names' likeness, 0..1; 0 under ``NAME_SAME``."""
    r = fuzz.ratio(a, b)
    return r / 100.0 if r >= NAME_SAME else 0.0


def _same_lines(old: Seen, new: Seen) -> bool:
    """Whether a value of each is printed on the same lines of the same page (the first field both have)."""
    theirs = {f: (page, box) for f, page, box in new.boxes}
    for f, page, box in old.boxes:
        if f in theirs:
            other_page, other = theirs[f]
            overlap = min(box[3], other[3]) - max(box[1], other[1])
            return page == other_page and overlap > BOX_SAME * min(box[3] - box[1], other[3] - other[1])
    return False


def correspondence(before: Sequence[Seen], current: Sequence[Seen]) -> dict[int, int | str]:
    """Each person of the reading ``before`` → its position in the ``current`` one, or why it has none.

    One to one, the surest pairs first (a person read exactly as before is the surest), and only pairs that
    something ties at least as much as the same name does (``SURE``): a near name alone ("NGUYỄN VĂN AN",
    "NGUYỄN VĂN AM") may be two persons. A person of the new reading that is another's surer match is not this
    one's (a member whose row a newer reading misses must not take his namesake's place). Two pairs for one person
    about as sure as each other (``NEAR``) are a guess, so neither, unless one of them alone is printed on the same
    lines. A reading the same as before pairs each with itself.
    """
    read = [replace(s, also=()) for s in before]  # as read: the names it is known by besides only help pair
    if read == list(current):
        return dict(enumerate(range(len(before))))
    # Names alike without their marks pair two readings of one person whose marks OCR read otherwise; not where
    # a reading has two persons of one role and of that name without marks (brothers HÙNG and HƯNG both read
    # "HUNG"; a head and a member are told apart by their roles).
    twins = _bare_namesakes(before) | _bare_namesakes(current)
    pairs = []
    for i, old in enumerate(before):
        for j, new in enumerate(current):
            found = (_EXACT, _EXACT, True) if new == read[i] else resemblance(old, new)
            marked = {(old.role, _bare(old.name)), (new.role, _bare(new.name))} & twins
            if found is not None and found[0 if marked else 1] >= SURE:
                pairs.append((found[0], found[2], i, j))
    pairs.sort(reverse=True)
    out: dict[int, int | str] = {}
    used: set[int] = set()
    for score, lines, i, j in pairs:
        if i in out or j in used:
            continue
        rivals = [i2 for s2, l2, i2, j2 in pairs if s2 >= score - NEAR and (i2, j2) != (i, j)
                  and not (lines and not l2) and ((i2 == i and j2 not in used) or (j2 == j and i2 not in out))]
        used.add(j)
        if rivals:
            for k in {i, *rivals}:
                out.setdefault(k, AMBIGUOUS)
        else:
            out[i] = j
    return {i: out.get(i, NOT_FOUND) for i in range(len(before))}


def _bare(name: str | None) -> str | None:
    return " ".join(fold(name).split()) if name else None


def _bare_namesakes(reading: Sequence[Seen]) -> set[tuple[str, str | None]]:
    names = [(s.role, _bare(s.name)) for s in reading if s.name]
    return {n for n in names if names.count(n) > 1}


def anchor(previous: dict | None, position: int, bears: Callable[[dict], bool]) -> int | None:
    """The position, in the record a piece of work was last applied to, of the person bearing its stamp: its own
    position when that person does, else the one person who does; None when none does."""
    persons = (previous or {}).get("persons") or []
    if position < len(persons) and bears(persons[position]):
        return position
    found = [k for k, p in enumerate(persons) if bears(p)]
    return found[0] if len(found) == 1 else None


def utc(when: datetime) -> datetime:
    """``when`` in UTC, without the zone (a naive time is UTC already: SQLite keeps no zone)."""
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo is not None else when  # naive: UTC already


def stamp_time(when: datetime) -> str:
    """A stored time as a warning shows it: in UTC, to the second, without the zone (SQLite keeps none)."""
    return utc(when).isoformat(timespec="seconds")


def same_time(stamp: str | None, when: datetime) -> bool:
    """Whether a record's stamp (``match.decision.at``, a field's ``corrected.at``) shows the time ``when``, to
    the stamp's precision (older records have seconds, newer ones microseconds)."""
    try:
        shown = utc(datetime.fromisoformat(stamp or ""))
    except ValueError:
        return False
    return shown == (utc(when) if shown.microsecond else utc(when).replace(microsecond=0))
