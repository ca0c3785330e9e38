"""Values a confident link proves misread: the linked citizen's registry entry, where OCR only slipped.

A person linked automatically (``matched``) is tied to a citizen by more than one piece of evidence (an ID and
a name, or a name and a birth date, and no conflict). Where one of that person's values then differs from the
citizen's registry entry only as OCR misreads do, the page almost surely prints the registry's value:

- a name with the same syllables, differing in marks (``ĐÍNH``/``ĐÌNH``, a card's zone spelling without
  them) and in at most one letter of one syllable (``NINH``/``MINH``), tone placement aside (``HOÀ``/``HÒA``
  are both printed; the page's is kept), or with one word garbled past any name (no vowel, two tone marks),
  two letters at most off (``MTMH``/``MINH``, ``BỒỜI``/``BÙI``);
- a birth year read alone, its day and month garbled ("39/7/1959" for 30/07/1959), where they are the
  registry's but for one slip OCR makes, and fit few dates of the year or the ID read ties the link;
- a birth date (or year) one digit off, one that another reading of the page gave (``FieldValue.alternatives``),
  a full date two digits OCR reads for one another off (6/8, 0/9), or one of the same year read with little
  confidence (these two link only with an ID, or the address and the place of origin both: ``extract.matching``);
- an ID at most two digits off (a link never rests on a near ID alone: the name and birth date carry it), or
  one OCR read a digit short or long, kept apart (``Person.misread``), with at most one other digit wrong.

Such a value is replaced by the registry's, with a reason that keeps what OCR read. A larger difference is a
real disagreement between paper and registry and stays as read; nothing is added that was not read, however
garbled (a day and month no reading gave stay unknown).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, timedelta

from rapidfuzz.distance import Levenshtein

from extract.blocking import RegistryLookup
from extract.dates import SEPARATORS
from extract.evidence import MISREAD_DATE_DIGITS, WEAK_DATE, CitizenEntry, misread_digits
from extract.ids import mask_id
from extract.model import FieldValue, Person
from extract.names import canonical_tones, fold, letters_off, normalize_name, tone_placed_like
from extract.syllables import is_syllable, tone_marks
from extract.text import DIGIT_CONFUSIONS, OCR_DIGITS

__all__ = ["confirm_person", "confirm_persons"]

MAX_ID_DIGITS = 2
REASON_PREFIX = "registry: "  # how a confirmation's reason starts (workers.corrections.ocr_view drops it)


def _differs(a: str, b: str) -> int:
    """Positions where two strings of the same length differ (-1: not the same length)."""
    if len(a) != len(b):
        return -1
    return sum(x != y for x, y in zip(a, b, strict=True))


def name_misread(read: str, registered: str) -> bool:
    """Whether ``read`` is ``registered`` with marks misread and at most one letter of one syllable."""
    r, g = normalize_name(read), normalize_name(registered)
    if not r or r == g or canonical_tones(r) == canonical_tones(g):
        return False
    off = letters_off(r, g)
    return off is not None and off <= 1


GARBLED_LETTERS = 2  # letters at most, marks aside, between a word OCR garbled and the registry's
_VOWELS = frozenset("aeiouy")
# Letters a registered word has at least (an apostrophe is none: H'MI has three) for a garbled word without a vowel
# to stand for it: a shorter one is two edits from any stray letter or abbreviation ("K THỊ HUYỀN" for LÊ, "NG.").
_SHORTEST_UNVOWELLED = 4


def name_garbled(read: str, registered: str) -> bool:
    """Whether ``read`` is ``registered`` with one word garbled past any name, at most ``GARBLED_LETTERS`` letters
    off and about as long, its other words as registered (tone placement aside). Garbled means what no name has,
    Vietnamese, minority or foreign: no vowel at all ("MTMH" for MINH) or two tone marks ("BỒỜI" for BÙI). A word
    that is only no Vietnamese syllable ("GUYÊ", but also NIÊ, KSOR, MARIA, PHOL) may be printed so and stays."""
    r, g = normalize_name(read).split(), normalize_name(registered).split()
    if len(r) != len(g):
        return False
    differ = [(x, y) for x, y in zip(r, g, strict=True) if canonical_tones(x) != canonical_tones(y)]
    if len(differ) != 1:
        return False
    word, name = differ[0]
    folded, wanted = fold(word), fold(name)
    if not is_syllable(name) or abs(len(folded) - len(wanted)) > 1 or \
            Levenshtein.distance(folded, wanted, score_cutoff=GARBLED_LETTERS) > GARBLED_LETTERS:
        return False
    unvowelled = not _VOWELS & set(folded) and sum(c.isalpha() for c in wanted) >= _SHORTEST_UNVOWELLED
    return unvowelled or tone_marks(word) > 1


def _garbled_word_replaced(read: str, registered: str) -> str:
    """``read`` with its garbled word as registered: its tone says nothing of where the page puts one; the other
    words keep the page's tone placement."""
    pairs = zip(normalize_name(read).split(), normalize_name(registered).split(), strict=True)
    return " ".join(r if canonical_tones(r) == canonical_tones(g) else g for r, g in pairs)


def in_printed_style(read: str, registered: str) -> str:
    """The registry's name with each tone on the letter the page put it on: "THUỲ" read for a registered
    "THỦY" gives "THUỶ", as an old form prints it; where the page shows no tone the registry's spelling stands."""
    pairs = zip(normalize_name(registered).split(" "), normalize_name(read).split(" "), strict=True)
    return " ".join(tone_placed_like(g, r) for g, r in pairs)


def date_misread(read: str, registered: str) -> bool:
    """One digit of the same form (ISO date or year) read wrong, or two of a full date that OCR reads for one
    another (what matching takes for a date a digit off: ``extract.evidence``)."""
    if not read.replace("-", "").isdigit():
        return False
    one = _differs(read, registered) == 1
    return one or (len(read) == 10 and misread_digits(read, registered, MISREAD_DATE_DIGITS))


_DATE_SEPARATORS = re.compile(rf"\s*[{SEPARATORS}]+\s*")
# Dates of the year a garbled day and month may fit for the registry's to be taken on the link alone: a wrong link
# would pass by chance at most this often in 365.
MAX_FITS = 3
_SHORTEST = 7  # three characters of a day and month and a year's four: a stored reading shorter is none


def _slips(read: str, printed: str) -> int | None:
    """Characters of ``read`` that are not ``printed``'s, each a digit OCR reads for the printed one (a letter read
    as the digit it looks like, "O" for 0, counts as that digit) or a mark standing in for any digit ("%");
    None when the lengths differ or a digit is read for one it is not taken for."""
    if len(read) != len(printed):
        return None
    slips = 0
    for r, g in zip(read, printed, strict=True):
        r = OCR_DIGITS.get(r, r)
        if r != g:
            if r.isdigit() and frozenset((r, g)) not in DIGIT_CONFUSIONS:
                return None
            slips += 1
    return slips


def _fits(parts: list[str], day: int, month: int) -> bool:
    """Whether the day and month parts read (two, or one where the separator between them was lost) are
    ``day`` and ``month`` (zero-padded or not) with at most one slip."""
    days, months = {f"{day:02d}", str(day)}, {f"{month:02d}", str(month)}
    pairs = [(d, m) for d in days for m in months]
    if len(parts) == 2:
        slips = [(_slips(parts[0], d), _slips(parts[1], m)) for d, m in pairs]
        return any(a is not None and b is not None and a + b <= 1 for a, b in slips)
    return any((n := _slips(parts[0], d + m)) is not None and n <= 1 for d, m in pairs)


def day_month_misread(read_as: str, registered: str, *, tied: bool = False) -> bool:
    """Whether a date read as ``read_as`` (its year kept alone, its day and month garbled before it) is the
    registered full date but for one slip (``_slips``) of its day and month: "39/7/1959" for 30/07/1959 (a 0 read
    as 9); its year must be the registry's. A reading that fits more than ``MAX_FITS`` dates of the year
    ("160%/1959": 16 January to 16 September, "%" any digit) says little about which one the page prints, and
    counts only where the link is ``tied`` by an ID read as well, which then carries it."""
    year_read = read_as[-4:]
    if len(registered) != 10 or len(read_as) < _SHORTEST or not year_read.isalnum() or any(
            c.isdigit() and c != g for c, g in zip(year_read, registered[:4], strict=True)):
        return False  # the year read is the registry's, but for letters OCR made of its digits ("19S7")
    parts = [p for p in _DATE_SEPARATORS.split(read_as[:-4].strip()) if p]
    if not 1 <= len(parts) <= 2 or sum(map(len, parts)) < 3 or any(len(p.split()) != 1 for p in parts):
        return False
    year, month, day = (int(x) for x in registered.split("-"))
    return _fits(parts, day, month) and (tied or _fitting_dates(parts, year) <= MAX_FITS)


def _fitting_dates(parts: list[str], year: int) -> int:
    """How many days of ``year`` the garbled day and month ``parts`` fit."""
    first = date(year, 1, 1)
    days = (first + timedelta(n) for n in range(366))
    return sum(_fits(parts, d.day, d.month) for d in days if d.year == year)


def id_misread(read: str, registered: str) -> bool:
    return read.isdigit() and 0 < _differs(read, registered) <= MAX_ID_DIGITS


def id_slipped(read: str, registered: str) -> bool:
    """Whether ``read``, a digit short of or past a 12-digit ID, is ``registered`` with that digit lost or added
    and at most one other read wrong."""
    return len(registered) == 12 and abs(len(read) - 12) == 1 and \
        Levenshtein.distance(read, registered, score_cutoff=MAX_ID_DIGITS) <= MAX_ID_DIGITS


def _id_tied(person: Person, entry: CitizenEntry) -> bool:
    """Whether an ID read for ``person`` is the linked citizen's, or that ID misread; judged on what OCR read, so that
    an ID an earlier confirmation put in ties only as OCR's reading of it did (confirming twice changes nothing
    more)."""
    for name, registered in (("citizen_id", entry.citizen_id), ("old_id_number", entry.old_id_number)):
        field = person.fields.get(name)
        read = None if field is None else field.ocr_value or field.value
        if read is not None and registered and (read == registered or id_misread(read, registered)):
            return True
    return False


def _year_explained(birth: FieldValue, entry: CitizenEntry, person: Person) -> bool:
    """A birth year kept alone whose garbled day and month the registry's date explains (``day_month_misread``)."""
    registered = entry.date_of_birth
    return bool(len(birth.value) == 4 and registered and registered[:4] == birth.value and birth.read_as
                and day_month_misread(birth.read_as, registered, tied=_id_tied(person, entry)))


def _registry_birth(entry: CitizenEntry, read: str) -> str | None:
    """The registry's birth date in the read value's form (a year-only value compares with the year)."""
    if len(read) == 4:
        return str(entry.year) if entry.year is not None else None
    return entry.date_of_birth


def confirm_person(person: Person, entry: CitizenEntry, keep: Collection[str] = ()) -> Person:
    """``person`` with the values its linked registry ``entry`` proves misread replaced (see the module);
    the fields in ``keep`` (typed by staff) stay as they are."""
    fields = dict(person.fields)
    changed = False

    def take(name: str, value: str, why: str, old: FieldValue | None = None) -> None:
        nonlocal changed
        old = old or fields[name]
        shown = mask_id(old.value) if name == "citizen_id" else repr(old.value)
        reason = f"{REASON_PREFIX}OCR read {shown}, {why} the linked citizen's registry entry"
        fields[name] = replace(old, value=value, ocr_value=old.value, reasons=(*old.reasons, reason))
        changed = True

    name = fields.get("full_name")
    if name is not None and "full_name" not in keep and name_misread(name.value, entry.full_name):
        take("full_name", in_printed_style(name.value, entry.full_name), "marks or one letter off")
    elif name is not None and "full_name" not in keep and name_garbled(name.value, entry.full_name):
        take("full_name", _garbled_word_replaced(name.value, entry.full_name),
             "one word garbled past any name, two letters at most off")
    birth = fields.get("date_of_birth")
    if birth is not None and "date_of_birth" not in keep:
        registered = _registry_birth(entry, birth.value)
        if entry.date_of_birth and entry.date_of_birth in birth.alternatives:
            take("date_of_birth", entry.date_of_birth, "another reading of the page gives")
        elif registered and date_misread(birth.value, registered):
            off = "one digit" if _differs(birth.value, registered) == 1 else "two digits OCR confuses"
            take("date_of_birth", registered, f"{off} off")
        elif _year_explained(birth, entry, person):
            take("date_of_birth", entry.date_of_birth, f"its day and month (read {birth.read_as!r}) one slip off")
        elif registered and len(registered) == len(birth.value) == 10 and birth.confidence < WEAK_DATE \
                and registered[:4] == birth.value[:4]:
            take("date_of_birth", registered, "read with little confidence, the year of")
    ident = fields.get("citizen_id")
    if ident is not None and "citizen_id" not in keep and id_misread(ident.value, entry.citizen_id):
        take("citizen_id", entry.citizen_id, f"{_differs(ident.value, entry.citizen_id)} digit(s) off")
    slipped = person.misread.get("citizen_id")
    if ident is None and slipped is not None and "citizen_id" not in keep and \
            id_slipped(slipped.value, entry.citizen_id):
        more = "more" if len(slipped.value) > len(entry.citizen_id) else "fewer"
        take("citizen_id", entry.citizen_id, f"one digit {more} than", slipped)
    return replace(person, fields=fields) if changed else person


def confirm_persons(
    persons: Sequence[Person], lookup: RegistryLookup, keep: Collection[tuple[int | None, str]] = ()
) -> list[Person]:
    """Every automatically linked person's values checked against the citizen it is linked to; ``keep``:
    (person index, field) pairs staff corrected, left alone."""
    linked = [p.match.citizen_id for p in persons if p.match.status == "matched" and p.match.citizen_id]
    entries = {e.citizen_id: e for e in lookup.by_ids(linked)} if linked else {}  # one query per document
    out = []
    for i, p in enumerate(persons):
        entry = entries.get(p.match.citizen_id) if p.match.status == "matched" else None
        kept = {name for idx, name in keep if idx == i}
        out.append(confirm_person(p, entry, kept) if entry is not None else p)
    return out
