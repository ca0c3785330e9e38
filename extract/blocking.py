"""Finding a person's candidates in the registry (what record linkage calls blocking), and the lookups matching
asks of the registry (:class:`RegistryLookup`, which storage implements over its index).

Scoring every citizen is out of the question at a province's scale, and a block keyed on the birth date alone
loses everyone whose date OCR misread: so candidates come from several blocks, each cheap on the index, each
catching what the others miss (``candidates``). Which of them links is extract.matching's decision.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from extract.evidence import MAX_YEAR, MIN_YEAR, CitizenEntry, Evidence, misread_digits
from extract.names import variant_key
from extract.text import DIGIT_CONFUSIONS, fold

__all__ = ["RegistryLookup", "born_that_day", "candidates", "confused_dates", "confused_years", "misread_years"]

YEAR_BLOCK_LIMIT = 20_000  # a year-and-gender block bigger than this is too loose to scan
NAME_BLOCK_LIMIT = 500
PREFILTER_ABOVE = 300  # blocks bigger than this are narrowed on the name key before full scoring
PREFILTER_KEEP = 200
PREFILTER_MIN = 0.5
# A name this close to the one read, both folded (a letter in five off), is that name misread: "mong gia kien" for
# "nong gia kien". Another word is another person: "vo van triet" for "vo minh triet", "nguyen thi lan" for "... hoa".
MISREAD_NAME = 0.8


class RegistryLookup(Protocol):
    def by_id(self, citizen_id: str) -> CitizenEntry | None: ...

    def by_birth(
        self, date_of_birth: str | None, birth_year: int | None, gender: str | None, *, limit: int = ...
    ) -> list[CitizenEntry]:
        """Everyone born on that date (or, without a date, in that year), of that gender when given."""
        ...

    def names_born_in(self, birth_year: int, gender: str | None, *, limit: int = ...) -> list[tuple[str, str]]:
        """(citizen_id, name key) of everyone born in that year: cheap enough to scan a big year block."""
        ...

    def names_born_on(self, dates: Collection[str], gender: str | None, *, limit: int = ...) -> list[tuple[str, str]]:
        """(citizen_id, full name) of everyone born on one of these ISO dates."""
        ...

    def by_ids(self, citizen_ids: Collection[str]) -> list[CitizenEntry]: ...

    def by_name_key(
        self, variant_key: str, birth_years: Collection[int] | None = None, *, limit: int = ...
    ) -> list[CitizenEntry]:
        """Everyone with this name key (extract.names.variant_key), born in one of these years when given."""
        ...

    def by_old_id(self, old_id_number: str) -> list[CitizenEntry]: ...

    def name_share(self, variant_key: str) -> float:
        """The fraction of the registry carrying this name key (0 when unknown)."""
        ...

    def has_old_ids(self) -> bool:
        """Whether the registry records old 9-digit IDs at all (the CSV column is optional)."""
        ...


def misread_years(year: int) -> list[int]:
    """The year itself and every plausible year one misread digit away (1985 → 1965, 1986, 1935 ...)."""
    text = str(year)
    out = {year}
    for i in range(len(text)):
        for d in "0123456789":
            y = int(text[:i] + d + text[i + 1 :])
            if MIN_YEAR <= y <= MAX_YEAR:
                out.add(y)
    return sorted(out)


def confused_years(year: int) -> list[int]:
    """The year itself and the plausible years one digit OCR confuses with another away (1998 → 1990, 1996)."""
    return [y for y in misread_years(year) if y == year or misread_digits(str(y), str(year), 1)]


def confused_dates(dob: str, today: date | None = None) -> list[str]:
    """The possible ISO birth dates one digit OCR confuses with another away from ``dob`` ("1913-04-13" →
    1973-04-13, 1943-04-13, 1913-04-18 ...): real days, from MIN_YEAR to ``today``; ``dob`` not among them."""
    today = today or date.today()
    out = set()
    for i, digit in enumerate(dob):
        for pair in DIGIT_CONFUSIONS:
            if digit not in pair:
                continue
            (other,) = pair - {digit}
            try:
                when = date.fromisoformat(dob[:i] + other + dob[i + 1:])
            except ValueError:
                continue
            if when.year >= MIN_YEAR and when <= today:
                out.add(when.isoformat())
    return sorted(out)


def candidates(ev: Evidence, lookup: RegistryLookup) -> list[CitizenEntry]:
    found: dict[str, CitizenEntry] = {}

    def add(entries: Sequence[CitizenEntry]) -> None:
        for e in entries:
            found.setdefault(e.citizen_id, e)

    key = variant_key(ev.name)
    if ev.dob:
        add(lookup.by_birth(ev.dob, ev.year, ev.gender, limit=YEAR_BLOCK_LIMIT))
        if key:
            # The name misread as well, so that no name key block below finds it ("MÔNG GIA KIÊN" read born
            # 1913-04-13, for NÔNG GIA KIÊN born 1973): the names born on the dates a digit OCR confuses away, up to
            # sixteen days, a few letters off the name read; only theirs are fetched whole. Compared as printed, not
            # as keys: a key spells HUỲNH as hoang, so "KUỲNH" would be no letter off it but five.
            names = lookup.names_born_on(confused_dates(ev.dob), ev.gender, limit=YEAR_BLOCK_LIMIT + 1)
            if len(names) <= YEAR_BLOCK_LIMIT:
                read = fold(ev.name)
                add(lookup.by_ids([cid for cid, name in names
                                   if Levenshtein.normalized_similarity(read, fold(name)) >= MISREAD_NAME]))
    elif ev.year is not None and key:
        # Only the names of a year block are read; the full rows only for the names anywhere near.
        names = lookup.names_born_in(ev.year, ev.gender, limit=YEAR_BLOCK_LIMIT + 1)
        if len(names) <= YEAR_BLOCK_LIMIT:
            add(lookup.by_ids([names[i][0] for i in _near_names(key, [k for _, k in names])]))
    if key:
        # Same name key with the birth date misread: a digit off in the day or month (same year), or in the
        # year; a year printed alone, only a digit OCR reads for another off ("1998" for 1990).
        years = (misread_years(ev.year) if ev.dob else confused_years(ev.year)) if ev.year is not None else None
        add(lookup.by_name_key(key, years, limit=NAME_BLOCK_LIMIT))
    for other in ev.dob_alternatives:
        add(lookup.by_birth(other, int(other[:4]), ev.gender, limit=YEAR_BLOCK_LIMIT))
    if ev.old_id:
        add(lookup.by_old_id(ev.old_id))
    entries = list(found.values())
    if len(entries) <= PREFILTER_ABOVE or not key:
        return entries
    keep = set(_near_names(key, [e.name_key or variant_key(e.full_name) for e in entries]))
    return [e for i, e in enumerate(entries) if i in keep or (ev.old_id and e.old_id_number == ev.old_id)]


def _near_names(key: str, keys: Sequence[str]) -> list[int]:
    """Positions of the name keys anywhere near `key` (a big block narrowed before full scoring)."""
    if len(keys) <= PREFILTER_ABOVE:
        return list(range(len(keys)))
    hits = process.extract(
        key, keys, scorer=Levenshtein.normalized_similarity, limit=PREFILTER_KEEP, score_cutoff=PREFILTER_MIN
    )
    return [i for _, _, i in hits]


def born_that_day(ev: Evidence, lookup: RegistryLookup) -> list[CitizenEntry]:
    """Everyone the registry has born on the page's birth date, of either gender (none without a full date)."""
    return lookup.by_birth(ev.dob, ev.year, None, limit=YEAR_BLOCK_LIMIT) if ev.dob else []
