"""Where staff work on a person lands when the document is read again.

Review decisions and field corrections are stored by the person's position in the record (``--person N``). A
re-extraction (``reprocess --from extract|ocr``, a newer sohoa reading better) may list the persons otherwise: a
household member found that was missed before shifts everyone after it. Applied by position alone, an accept
would then link a neighbour to the citizen, the worst outcome there is. So each piece of work is placed on the
person it was made for:

* its anchor is the person of the previous record that carries its stamp (``match.decision``, a field's
  ``corrected``), i.e. where it was applied last time; without one (work made since that reading), the person
  who stood at its position then (stored positions are kept up to date);
* it lands on the person of the new reading who is that person read again (:func:`resemblance`): the same role,
  nothing read that tells them apart (another ID, another birth date, another name read clearly), and something
  that ties them (the name, or for an accept the accepted citizen's name; the birth date; the ID; the same lines
  of the same page); of two such persons, the one that resembles it more; of two alike, neither;
* a piece of work no person of the new reading fits is set aside, and the record says why; so is one with no
  previous reading to go by (a run failed in between).

Work on the record in force (a decision, a correction: nothing read again) is placed the same way, with that
record as the previous one: it stays where its stamp is, new work where staff made it. Pure functions over plain
data; the callers store what moved (``storage.reviews.settle_decisions``, ``storage.corrections.settle_corrections``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
_BOX_FIELDS = ("full_name", "date_of_birth", "citizen_id", "old_id_number")


@dataclass(frozen=True)
class Seen:
    """What tells one person of a reading from another: role, name, birth date, IDs and where they are printed."""

    role: str
    name: str | None = None
    name_confidence: float = 0.0
    birth: str | None = None
    ids: tuple[str, ...] = ()
    boxes: tuple[tuple[str, int, tuple[int, int, int, int]], ...] = ()  # (field, page, bbox)

    @staticmethod
    def of_record(person: dict) -> Seen:
        """A person of a record as OCR read it (the caller passes ``workers.corrections.ocr_view``'s)."""
        fields = person.get("fields") or {}

        def value(name: str) -> str | None:
            return (fields.get(name) or {}).get("value") or None

        name = fields.get("full_name") or {}
        # The record's boxes are lists, an extraction's tuples: one form, so one reading compares equal to itself.
        boxes = tuple((f, fields[f]["page"], tuple(fields[f]["bbox"])) for f in _BOX_FIELDS
                      if f in fields and fields[f].get("bbox") and fields[f].get("page") is not None)
        return Seen(person.get("role") or "", value("full_name"), float(name.get("confidence") or 0.0),
                    value("date_of_birth"), tuple(v for v in (value("citizen_id"), value("old_id_number")) if v),
                    boxes)

    @staticmethod
    def of_person(person: Person) -> Seen:
        """A person of an extraction, before any correction."""
        f = person.fields
        name = f.get("full_name")
        boxes = tuple((k, f[k].page, tuple(f[k].bbox)) for k in _BOX_FIELDS
                      if k in f and f[k].bbox is not None and f[k].page is not None)
        def value(k: str) -> str | None:
            return f[k].value or None if k in f else None

        return Seen(person.role, value("full_name"), name.confidence if name else 0.0, value("date_of_birth"),
                    tuple(v for v in (value("citizen_id"), value("old_id_number")) if v), boxes)


@dataclass(frozen=True)
class Placed:
    position: int | None  # in the new reading; None when set aside
    why: str = ""  # why it was set aside


def resemblance(old: Seen, new: Seen, names: Sequence[str] = ()) -> float | None:
    """How surely ``new`` is ``old`` read again: None when something read tells them apart, else the weight of
    what ties them (0: nothing does). ``names`` are further names the person is known by (an accepted
    citizen's)."""
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
    if new.name:
        ratio = max((fuzz.ratio(fold(new.name), fold(n)) for n in (old.name, *names) if n), default=None)
        if ratio is not None and ratio >= NAME_SAME:
            score += ratio / 100.0
        # A name read clearly that is far from every name the person is known by, read clearly or registered,
        # is another person's.
        known = [fold(n) for n in (old.name if old.name_confidence >= CLEAR else None, *names) if n]
        if known and new.name_confidence >= CLEAR and max(fuzz.ratio(fold(new.name), n) for n in known) < NAME_OTHER:
            return None
    if _same_lines(old, new):  # ties nothing alone across pages read otherwise, but settles between namesakes
        score += 0.5
    return score


def _same_lines(old: Seen, new: Seen) -> bool:
    """Whether a value of each is printed on the same lines of the same page (the first field both have)."""
    theirs = {f: (page, box) for f, page, box in new.boxes}
    for f, page, box in old.boxes:
        if f in theirs:
            other_page, other = theirs[f]
            overlap = min(box[3], other[3]) - max(box[1], other[1])
            return page == other_page and overlap > BOX_SAME * min(box[3] - box[1], other[3] - other[1])
    return False


def follow(old: Seen, at: int, current: Sequence[Seen], names: Sequence[str] = ()) -> Placed:
    """Where the person ``old`` (at position ``at`` of the previous reading) is in the ``current`` one: the one
    person that resembles it most, or none (two alike: a guess, which is no way to link a citizen)."""
    if at < len(current) and current[at] == old:  # not read otherwise: still there
        return Placed(at)
    scores = {k: s for k, new in enumerate(current) if (s := resemblance(old, new, names))}
    if not scores:
        return Placed(None, NOT_FOUND)
    best = max(scores.values())
    top = [k for k, s in scores.items() if s == best]
    return Placed(top[0]) if len(top) == 1 else Placed(None, AMBIGUOUS)


def anchor(previous: dict | None, position: int, carries: Callable[[dict], bool]) -> int | None:
    """The position, in the record a piece of work was last applied to, of the person bearing its stamp: its own
    position when that person does, else the one person who does; None when none does."""
    persons = (previous or {}).get("persons") or []
    if position < len(persons) and carries(persons[position]):
        return position
    found = [k for k, p in enumerate(persons) if carries(p)]
    return found[0] if len(found) == 1 else None


def place(at: int | None, before: Sequence[Seen], current: Sequence[Seen], position: int,
          names: Sequence[str] = ()) -> Placed:
    """Where a piece of work stored at ``position`` lands in the ``current`` reading: after the person at ``at``
    of the reading ``before`` (``anchor``); with no stamp to go by, after the person who stood at its position
    (stored positions are kept up to date, and work made since the previous reading has none); with no previous
    reading to go by (a failed run in between), nowhere."""
    if at is None and position < len(before):
        at = position
    if at is not None and at < len(before):
        return follow(before[at], at, current, names)
    return Placed(None, NOT_FOUND if before else UNKNOWN_READING)


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo is not None else when  # naive: UTC already


def stamp_time(when: datetime) -> str:
    """A stored time as a warning shows it: in UTC, to the second, without the zone (SQLite keeps none)."""
    return _utc(when).isoformat(timespec="seconds")


def same_time(stamp: str | None, when: datetime) -> bool:
    """Whether a record's stamp (``match.decision.at``, a field's ``corrected.at``) shows the time ``when``, to
    the stamp's precision (older records have seconds, newer ones microseconds)."""
    try:
        shown = _utc(datetime.fromisoformat(stamp or ""))
    except ValueError:
        return False
    return shown == (_utc(when) if shown.microsecond else _utc(when).replace(microsecond=0))
