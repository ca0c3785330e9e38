"""The machine-readable zone of a CCCD card (ICAO 9303 TD1): an ID, birth date, sex and name that prove themselves.

OCR reads the OCR-B lines poorly, but each number carries a check digit: a value is taken only when its check
digit holds (and the ID's last nine digits are the document number), so a misread never gets through.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import Levenshtein

from extract.layout import PageText, Row
from extract.names import is_syllable
from extract.text import OCR_DIGITS

_MRZ_CHARS = re.compile(r"^[A-Z0-9<?]{20,}$")  # ? stands for a stray character (_clean)
_LINE1 = re.compile(r"V[NM][NM]([0-9A-Z]{9})([0-9])([0-9]{12})<")
_DOC_AGREE = 6  # of the document number's 9 characters that must read as the ID's last nine digits
_LINE2 = re.compile(r"^([0-9]{6})([0-9])([A-Z<])")
_WEIGHTS = (7, 3, 1)


@dataclass(frozen=True)
class Mrz:
    citizen_id: str | None = None
    birth: str | None = None  # YYMMDD
    sex: str | None = None  # male | female
    names: tuple[str, ...] = ()  # the name's words without diacritics
    rows: tuple[Row, ...] = ()


def check_digit(s: str) -> str:
    total = 0
    for i, ch in enumerate(s):
        val = int(ch) if ch.isdigit() else (ord(ch) - 55 if ch.isalpha() else 0)
        total += val * _WEIGHTS[i % 3]
    return str(total % 10)


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
    check digits still decide, and a line with more than ``STRAY_MAX`` of them is not taken for a zone line."""
    s = "".join(row.text.split()).upper().replace("«", "<").replace("‹", "<")
    if sum(c not in MRZ_CHARS for c in s) > STRAY_MAX:
        return ""
    return "".join(c if c in MRZ_CHARS else "?" for c in s)


def _line1_holds(doc: str, chk: str, cid: str) -> bool:
    """The ID's last nine digits are the card's document number: their check digit must be the one printed, and
    the document number as read must be those digits but for a few misread characters (O for 0, S for 8)."""
    agree = sum(a == b or OCR_DIGITS.get(a) == b for a, b in zip(doc, cid[3:], strict=True))
    return check_digit(cid[3:]) == chk and agree >= _DOC_AGREE


def find_mrz(pages: Sequence[PageText]) -> Mrz | None:
    """The values of the zone whose check digits hold; the name most readings agree on (it has no check digit).

    Several readings of the same line may be given (a second look reads each line in a few treatments).
    """
    citizen_id = birth = sex = None
    spelled: Counter[tuple[str, ...]] = Counter()
    used: list[Row] = []
    for page in pages:
        for row in page.rows:
            s = _clean(row)
            if s.count("<") < 2 or not _MRZ_CHARS.match(s):
                continue
            if (m := _LINE1.search(s)) and citizen_id is None:
                doc, chk, cid = m.groups()
                if _line1_holds(doc, chk, cid):
                    citizen_id = cid
                    used.append(row)
            elif (m := _LINE2.match(s)) and birth is None:
                if check_digit(m.group(1)) == m.group(2):
                    birth = m.group(1)
                    # The sex letter has no check digit: only a clean M or F counts.
                    sex = {"M": "male", "F": "female"}.get(m.group(3))
                    used.append(row)
            elif not any(c.isdigit() for c in s):
                parts = name_parts(s)
                if parts:
                    spelled[parts] += 1
                    used.append(row)
    names = spelled.most_common(1)[0][0] if spelled else ()
    if citizen_id is None and birth is None and not names:
        return None
    return Mrz(citizen_id, birth, sex, names, tuple(used))


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
    if citizen_id is not None and len(citizen_id) == 12 and citizen_id[4:6] == yy:
        year = 1900 + 100 * (int(citizen_id[3]) // 2) + int(yy)
        if year <= today.year:
            return f"{year}-{mm}-{dd}", CENTURY_FROM_ID, "century taken from the ID's century digit"
    years = [c + int(yy) for c in (1900, 2000) if c + int(yy) <= today.year]
    if not years:
        return None
    plausible = [y for y in years if CARD_AGES[0] <= today.year - y <= CARD_AGES[1]]
    if len(plausible) == 1:
        return f"{plausible[0]}-{mm}-{dd}", CENTURY_FROM_AGE, "century taken from the card holder's plausible age"
    year = max(plausible or years)
    return f"{year}-{mm}-{dd}", CENTURY_GUESSED, "century unsure: the machine-readable zone gives only YYMMDD"


_FILLER_RUN = re.compile(r"<{3,}")
_FILLER_AS = "KCEXL"  # letters OCR makes of a lone '<' between two names ("VANKCUONG")


def name_parts(line: str) -> tuple[str, ...]:
    """The name words of a zone's name line ("DANG<<THANH<AN<<<<<<C" → DANG, THANH, AN), or () when a word is no
    syllable. The name ends at the first run of fillers: what OCR makes of the rest ("<<<<C") is not part of it.
    A word that is two syllables around a letter OCR makes of a filler ("VANKCUONG") is read as those two."""
    head = _FILLER_RUN.split(line, maxsplit=1)[0]
    parts: list[str] = []
    for part in (p for p in re.split(r"<+", head) if p):
        split = _syllables(part)
        if split is None:
            return ()
        parts += split
    return tuple(parts) if 2 <= len(parts) <= 7 else ()


def _syllables(part: str) -> list[str] | None:
    if not part.isalpha():
        return None
    if is_syllable(part.lower()):
        return [part]
    # "QUACHK<VAN": a filler read as K; not where the letter may be a misread one of a longer name ("ANK": ANH).
    if part[-1] in _FILLER_AS and is_syllable(part[:-1].lower()) and not any(
            is_syllable((part[:-1] + c).lower()) for c in "ABCDEGHIKLMNOPQRSTUVXY"):
        return [part[:-1]]
    # Where the letter could also begin the next name ("LEKHOA": LE<HOA or LE<KHOA), it is not taken.
    splits = [[part[:i], part[i + 1:]] for i in range(2, len(part) - 1) if part[i] in _FILLER_AS
              and is_syllable(part[:i].lower()) and is_syllable(part[i + 1:].lower())
              and not is_syllable(part[i:].lower())]
    return splits[0] if len(splits) == 1 else None


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
