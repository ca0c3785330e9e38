"""The machine-readable zone of a CCCD card (ICAO 9303 TD1): an ID, birth date, sex and name that prove themselves.

OCR reads the OCR-B lines poorly, but each number carries a check digit: a value is taken only when its check
digit holds, so a misread rarely gets through. The ID's last nine digits are printed twice on the first line
(the document number, then the ID) with a check digit; its first three, the province code, have no check digit
of their own, so the ID is taken only when its structure holds against the zone's birth date and sex
(``extract.ids``), most readings give its province digits, and the zone's composite check digit holds where it
was read. Every reading of a line votes (``bench/zone_votes.py`` measures the rule on simulated readings).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from rapidfuzz.distance import Levenshtein

from extract.ids import check_citizen_id
from extract.layout import PageText, Row
from extract.text import OCR_DIGITS
from extract.zone_digits import BIRTH_REPAIRED, LOST, calendar_date, check_digit, repaired_birth
from extract.zone_name import read_name_line

_MRZ_CHARS = re.compile(r"^[A-Z0-9<?]{20,}$")  # ? stands for a stray character (_clean)
# "IDVNM" (read "1DVMM", "TOVWM", "FOWNM", "I1DVNM"), the document number, its check digit, the 12-digit ID, a
# filler: found from the filler back, so that a character OCR added to or dropped from "IDVNM" does not matter.
_LINE1 = re.compile(r"^[0-9A-Z?]{3,7}?([0-9A-Z]{9})([0-9A-Z])([0-9A-Z]{12})<")
_LINE2 = re.compile(r"^([0-9]{6})([0-9])([A-Z<])")
# ... with a digit lost ("914160M29111…" for 8911160M…, its first lost), or read as a stray mark: kept with ``LOST``
# before it, for ``repaired_birth`` to find where it was lost, with the ID's year digits.
_LINE2_LOST_DIGIT = re.compile(r"^([0-9]{5})([0-9])([MF])")
# The middle line whole: birth date and its check digit, sex, expiry and its check digit, nationality, fillers,
# and the composite check digit of both lines (ICAO 9303 TD1); and the first line's last character.
_LINE2_WHOLE = re.compile(r"^([0-9]{6})([0-9])[MF<]([0-9]{6})([0-9])[A-Z]{3}[<KC]*([0-9])$")
_LINE1_END = re.compile(r"[0-9]{12}<<([0-9])$")
K = TypeVar("K")
REPAIRED_VOTE = 0.75  # a name line's reading that needed a slip undone, against 1 for one read as printed
COMPOSITE_READS = 2  # readings that must agree on what the composite check digit needs before it can refuse an ID
# The reason a card's ID carries when the zone's check digits cover all of it (its last nine digits' own, and the
# composite's or the printed number's agreement for its province code) and no reading of the card says otherwise:
# the number the card was issued with, one person's (extract.settle).
ZONE_PROOF = "the machine-readable zone gives it, its check digits holding"


@dataclass(frozen=True)
class Mrz:
    citizen_id: str | None = None
    birth: str | None = None  # YYMMDD
    sex: str | None = None  # male | female
    names: tuple[str, ...] = ()  # the name's words without diacritics
    id_reasons: tuple[str, ...] = ()  # a digit of the ID not taken as read, and why
    birth_reasons: tuple[str, ...] = ()  # the birth date's digits not taken as read, and why
    # The composite check digit, read alike twice, holds for the ID: its province code is checked too (the nine
    # digits after it have their own check digit).
    id_composite: bool = False
    # Readings of the middle line's birth digits and check digit that fail it (``LOST`` before a line that lost a
    # digit), one per reading, where no reading passed and the zone gave no ID to read them back with: the year
    # digits of the ID the card's face prints may (``repaired_by_ids``).
    unchecked_births: tuple[str, ...] = ()


_FILLERS = re.compile(r"[<«‹]")
_MRZ_LIKE = re.compile(r"[A-Z0-9<«‹]")
MRZ_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"


def looks_like_mrz(row: Row) -> bool:
    """A row OCR made of a machine-readable zone line, however badly: filler ``<`` runs, capitals and digits, few
    spaces ("1DVMM@9816276525984681027652<<6").

    Says that the page carries a card's MRZ (evidence of an ID card) and which rows a second look should read
    again; only ``find_mrz`` with its check digits makes values of it.
    """
    s = "".join(row.text.split())
    if len(s) < 20 or len(row.text.split()) > 4:
        return False
    fillers = len(_FILLERS.findall(s))
    return fillers >= 4 or (fillers >= 2 and len(_MRZ_LIKE.findall(s)) >= 0.8 * len(s))


STRAY_MAX = 2  # characters outside the zone's alphabet OCR may add to a line (a speck read as "§", "@" or "é")


def _clean(row: Row) -> str:
    """The row as zone characters; a stray character becomes ``?``, which no value pattern accepts, so the
    check digits still decide, and a line with more than ``STRAY_MAX`` of them is not taken for a zone line.
    Specks OCR read as words of their own at the row's ends ("Ị LE<<DINH<NH¿T<<<… ` ễ )") are no part of it."""
    words = [w.text for w in row.words]
    while words and _speck(words[0]):
        words.pop(0)
    while words and _speck(words[-1]):
        words.pop()
    s = "".join("".join(words).split()).upper().replace("«", "<").replace("‹", "<")
    if sum(c not in MRZ_CHARS for c in s) > STRAY_MAX:
        return ""
    return "".join(c if c in MRZ_CHARS else "?" for c in s)


def _speck(word: str) -> bool:
    """A word with no character of the zone's alphabet ("`", "ˆ."): specks beside the line. Not one with a letter
    outside it ("LÊ" is a family name the page's model read with its mark, its fillers lost)."""
    return not any(c in MRZ_CHARS + "«‹" for c in word.upper())


SHORT_LEAD = 2  # characters of a word before the middle line that a speck may be read as ("F 6006200F…")


def _line2(row: Row, s: str) -> re.Match[str] | None:
    """The middle line's start in ``s`` (``row`` cleaned): where it opens, after stray marks (".8111177P…"), or
    after a short word of its own before it. Only six digits, a check digit and a letter make a start, and the
    birth date's check digit still decides, so a speck before the line does not hide it."""
    words = [w.text for w in row.words if not _speck(w.text)]
    lead = len(words[0]) if len(words) > 1 and len(words[0]) <= SHORT_LEAD else 0
    for start in (s, s.lstrip("?"), s[lead:].lstrip("?") if lead else ""):
        if m := _LINE2.match(start):
            return m
    return None


@dataclass(frozen=True)
class _FirstLine:
    """One reading of the zone's first line, OCR letters read as digits ("O" 0, "S" 5, "B" 8); "?" where a
    character is neither."""

    doc: str
    check: str
    cid: str

    @staticmethod
    def of(match: re.Match[str]) -> _FirstLine:
        doc, check, cid = ("".join(c if c.isdigit() else OCR_DIGITS.get(c, "?") for c in g) for g in match.groups())
        return _FirstLine(doc, check, cid)

    def agreement(self) -> int:
        """Of the last nine digits, how many the two copies give alike."""
        return sum(a == b != "?" for a, b in zip(self.doc, self.cid[3:], strict=True))

    def holds(self) -> bool:
        """The document number is the ID's last nine digits, and its check digit holds."""
        return "?" not in self.cid + self.check and self.doc == self.cid[3:] and check_digit(self.doc) == self.check


COPY_READS = 2  # readings that must give the ID's copy alike where the document number's copy is not its match
VOTER_AGREES = 7  # of the nine digits both copies must give alike for a reading to vote
VOTE_TIES = 16  # most combinations of tied characters tried against a check digit


def _majorities(readings: Sequence[str]) -> list[str]:
    """Character by character the one most readings give ("?" does not vote); where several tie, every
    combination of them (none when more than ``VOTE_TIES``)."""
    options: list[list[str]] = []
    for chars in zip(*readings, strict=True):
        top = Counter(c for c in chars if c != "?").most_common()
        if not top:
            return []
        options.append([c for c, n in top if n == top[0][1]])
    if math.prod(len(o) for o in options) > VOTE_TIES:
        return []
    return ["".join(p) for p in itertools.product(*options)]


def _zone_id(readings: Sequence[_FirstLine], birth: str | None, sex: str | None,
             composite: _Composite | None = None) -> tuple[str | None, str | None]:
    """The ID the first line's readings prove, or None; and why a digit was not taken as read.

    Candidates: each reading whose two copies of the last nine digits agree and pass their check digit; and the
    majority of two readings or more, both copies voting for those nine digits, where the check digit holds for
    exactly one way of breaking the ties (the two copies of one digit read two ways as often: the check digit tells
    which). An ID's first digit is 0 (province codes are 001-096): one read as another digit (often 6 or 9, or
    the card's edge with it) is taken as 0. A candidate must then have a known province code, agree with the
    zone's sex and birth year digits, and pass the composite check digit where it was read; of several, the one
    more readings give (its province digits, and either copy of its last nine), and none on a tie. Where none of
    that gives a candidate, an ID copy that passes the check digit alone may (``_copies_alone``)."""
    if not readings:
        return None, None
    cands = {_lead_zero(r.cid) for r in readings if r.holds()}
    # A reading whose copies differ in many places lost or gained a character: its digits stand in the wrong
    # places. One reading's two copies disagreeing in two places leave four ways, one of which passes by chance.
    voters = [r for r in readings if r.agreement() >= VOTER_AGREES]
    tails = {t for t in _majorities([r.doc for r in voters] + [r.cid[3:] for r in voters])
             for c in _majorities([r.check for r in voters]) if check_digit(t) == c} if len(voters) > 1 else set()
    if len(tails) == 1:
        tail = tails.pop()
        cands |= {_lead_zero(head + tail) for head in _majorities([r.cid[:3] for r in voters])}
    if not cands and birth is not None:
        cands = _copies_alone(readings)
    fits = []
    for cid in cands:
        found = check_citizen_id(cid, gender=sex)
        if found.valid and not found.reasons and (birth is None or cid[4:6] == birth[:2]) \
                and (composite is None or composite.holds(cid)):
            # Readings that give its province digits, and copies that give its last nine digits.
            support = sum(r.cid[1:3] == cid[1:3] for r in readings) + sum(
                copy == cid[3:] for r in readings for copy in (r.doc, r.cid[3:]))
            fits.append((support, cid))
    fits.sort(reverse=True)
    if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
        return None, None
    cid = fits[0][1]
    if _most_read(Counter(r.cid[1:3] for r in readings if "?" not in r.cid[1:3])) != cid[1:3]:
        return None, None  # its province digits are not those most readings give
    firsts = Counter(r.cid[0] for r in readings)
    if "0" in firsts:
        return cid, None
    return cid, f"the zone's first digit read as {firsts.most_common(1)[0][0]}: a personal ID starts with 0"


def _copies_alone(readings: Sequence[_FirstLine]) -> set[str]:
    """IDs whose copy passes the check digit alone, where the document number came out garbled: the check digit
    covers the document number, which is the ID's last nine digits (seed 920102: the document number read a
    different way in each of four readings, the ID's copy alike in two). Only readings whose document number fails the
    check digit count (one that passes and differs contradicts the copy), and a copy must be read alike
    ``COPY_READS`` times; the caller takes them only where nothing else gave an ID, and only against the birth
    date the middle line proves (its year digits)."""
    copies = Counter(_lead_zero(r.cid) for r in readings
                     if "?" not in r.cid + r.check and check_digit(r.cid[3:]) == r.check
                     and ("?" in r.doc or check_digit(r.doc) != r.check))
    return {cid for cid, n in copies.items() if n >= COPY_READS}


def _lead_zero(cid: str) -> str:
    return "0" + cid[1:]


@dataclass(frozen=True)
class _Composite:
    """The zone's composite check digit, over the first line from its document number on and the middle line's
    dates (ICAO 9303 TD1): the only check digit that covers the ID's province code. Its optional data (the middle
    line's characters 19-29) are taken as fillers, which Vietnamese cards print there."""

    first_end: str  # the first line's last character
    birth: str
    expiry: str
    digit: str

    def holds(self, cid: str) -> bool:
        doc = cid[3:]
        upper = f"{doc}{check_digit(doc)}{cid}<<{self.first_end}"
        middle = f"{self.birth}{check_digit(self.birth)}{self.expiry}{check_digit(self.expiry)}" + "<" * 11
        return check_digit(upper + middle) == self.digit

    @staticmethod
    def read(ends: Counter[str], wholes: Counter[tuple[str, str, str]], birth: str | None) -> _Composite | None:
        """The composite when its parts were read alike ``COMPOSITE_READS`` times or more, else None: a misread
        composite digit must not refuse a right ID."""
        end = _most_read(ends)
        whole = _most_read(Counter({k: n for k, n in wholes.items() if k[0] == birth}))
        if end is None or whole is None or ends[end] < COMPOSITE_READS or wholes[whole] < COMPOSITE_READS:
            return None
        return _Composite(end, *whole)


def _most_read(counts: Counter[K]) -> K | None:
    top = counts.most_common(2)
    return top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None


def find_mrz(pages: Sequence[PageText]) -> Mrz | None:
    """The values of the zone whose check digits hold; the name most readings agree on (it has no check digit).

    Several readings of the same line may be given (a second look reads each line in a few treatments); they
    vote where they disagree. None when the zone gave nothing, not even a birth date to read back
    (``Mrz.unchecked_births``).
    """
    first: list[_FirstLine] = []
    births: Counter[str] = Counter()
    sexes: Counter[tuple[str, str]] = Counter()
    spelled: Counter[tuple[str, ...]] = Counter()  # readings of the name line, weighed
    ends: Counter[str] = Counter()
    unchecked: Counter[str] = Counter()  # the middle line's birth digits and check digit, where it fails
    wholes: Counter[tuple[str, str, str]] = Counter()
    for page in pages:
        for row in page.rows:
            s = _clean(row)
            if s.count("<") < 2:
                continue
            whole = _MRZ_CHARS.match(s) is not None  # a name line may be shorter: OCR drops trailing fillers
            if whole and (m := _LINE1.match(s)):
                first.append(_FirstLine.of(m))
                if end := _LINE1_END.search(s):
                    ends[end.group(1)] += 1
            elif whole and (m := _line2(row, s)):
                if (w := _LINE2_WHOLE.match(s)) and check_digit(w.group(3)) == w.group(4):
                    wholes[(w.group(1), w.group(3), w.group(5))] += 1
                # Digits only here: a letter read as a digit would make a date whose check digit may hold by chance.
                if check_digit(m.group(1)) == m.group(2) and calendar_date(m.group(1)):
                    births[m.group(1)] += 1
                    # The sex letter has no check digit: only a clean M or F counts.
                    if m.group(3) in "MF":
                        sexes[(m.group(1), {"M": "male", "F": "female"}[m.group(3)])] += 1
                else:
                    unchecked[m.group(1) + m.group(2)] += 1
            elif whole and (m := _LINE2_LOST_DIGIT.match(s.lstrip("?"))):
                unchecked[LOST + m.group(1) + m.group(2)] += 1
            else:
                parts, exact = read_name_line(s)
                if parts:
                    # A reading that needed a slip undone ("TH1", "WGUYEN") loses a tie to one read as printed.
                    spelled[parts] += 1.0 if exact else REPAIRED_VOTE
    birth = _most_read(births)
    birth_reasons: tuple[str, ...] = ()
    # Only where no reading passed: two that pass and tie were left unread on purpose.
    if not births and unchecked and (zone_id := _zone_id(first, None, None)[0]) is not None:
        repaired: Counter[str] = Counter()
        for digits, n in unchecked.items():
            if (r := repaired_birth(digits, zone_id[4:6])) is not None:
                repaired[r] += n
        birth = _most_read(repaired)
        birth_reasons = (BIRTH_REPAIRED,) if birth else ()
    sex = _most_read(Counter({k[1]: n for k, n in sexes.items() if k[0] == birth})) if birth else None
    composite = _Composite.read(ends, wholes, birth)
    citizen_id, note = _zone_id(first, birth, sex, composite)
    names = _most_read(spelled) or ()  # a tie between two spellings gives no name
    # Left for the face's ID only where the zone gave none: a face ID misread would contradict the zone's own.
    left = tuple(sorted(unchecked.elements())) if birth is None and not births and citizen_id is None else ()
    if citizen_id is None and birth is None and not names and not left:
        return None
    return Mrz(citizen_id, birth, sex, names, (note,) if note else (), birth_reasons,
               id_composite=citizen_id is not None and composite is not None, unchecked_births=left)


BIRTH_REPAIRED_BY_FACE = ("the zone's birth date read back by its check digit and the year digits of the ID the card "
                          "prints")


def repaired_by_ids(zone: Mrz, citizen_ids: Iterable[str]) -> Mrz:
    """``zone`` with its birth date read back as ``find_mrz`` does with the zone's own ID (``repaired_birth``), by
    the year digits of the IDs read elsewhere on the card (its face's "Số"), where the zone gave no ID: IDs whose
    structure holds but for an unknown province code (seed 1020199: "029205106435" for 079205106435, its year
    digits whole), all of one birth year (their year digits have no check digit: two years read leave the year in
    doubt), and the date most readings repair to."""
    if zone.birth or not zone.unchecked_births:
        return zone
    years = {cid[4:6] for cid in citizen_ids if len(cid) == 12 and check_citizen_id(cid).valid}
    if len(years) != 1:
        return zone
    year = years.pop()
    birth = _most_read(Counter(r for digits in zone.unchecked_births if (r := repaired_birth(digits, year))))
    return replace(zone, birth=birth, birth_reasons=(BIRTH_REPAIRED_BY_FACE,), unchecked_births=()) if birth else zone


NAME_MATCH = 0.75  # similarity of a printed row's letters to the zone's name for the row to be taken as the name
_LETTERS = re.compile(r"[^A-Z]")


def printed_name(pages: Sequence[PageText], names: tuple[str, ...]) -> tuple[Row, int, int] | None:
    """Where the card prints the name the zone spells (row, first and last word), when its label was not read.

    The zone's name has no diacritics; the printed one has them. The words whose letters, folded, come closest to
    the zone's letters are the printed name, if close enough. Zone rows themselves do not count.
    """
    from extract.text import fold

    target = "".join(names)
    best: tuple[float, Row, int, int] | None = None
    for page in pages:
        for row in page.rows:
            if looks_like_mrz(row) or not row.has_boxes:
                continue
            folded = [_LETTERS.sub("", fold(w.text).upper()) for w in row.words]
            for i in range(len(row.words)):
                for j in range(i, min(len(row.words), i + len(names) + 2)):
                    letters = "".join(folded[i:j + 1])
                    if not letters or not folded[i] or not folded[j]:
                        continue
                    score = Levenshtein.normalized_similarity(letters, target)
                    if score >= NAME_MATCH and (best is None or score > best[0]):
                        best = (score, row, i, j)
    return None if best is None else best[1:]
