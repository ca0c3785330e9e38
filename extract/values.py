"""Reading one value of a given kind from the words after its label: cleaning, parsing, a first confidence.

The text of a value is what OCR printed between its label and the next one; leader dots, edge punctuation and
the junk OCR makes of dotted lines are removed first (``extract.pieces``); a name has its own reader
(``extract.name_value``). IDs are only located and kept as printed: they are checked
later, once the birth year and gender of the same person are known (``extract.persons``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from extract.date_repairs import century_repaired, leading_zero, year_of_broken
from extract.dates import SEPARATORS, parse_date
from extract.gender import parse_gender
from extract.ids import find_ids, find_slipped_ids, slipped_digits
from extract.name_value import read_name
from extract.pieces import Piece, Read, strip_leaders, trim
from extract.syllables import NOT_VIETNAMESE_LETTERS
from extract.text import collapse_spaces, fold

_ID_PREFIX = re.compile(r"^\s*(?:(?:cccd|cmnd|cmtnd|can cuoc cong dan|chung minh nhan dan|so dinh danh ca nhan)\b)?"
                        r"\s*(?:so\b)?\s*[:.]?\s*")
# CMND, CCCD or CMTND garbled into one short word before "số": a C, then a symbol OCR made of a letter ("C@to số
# 337653606", "CMR© số") or a letter no Vietnamese word has ("CMWND số"). Not a word of Vietnamese letters: other
# papers' are such ("CMQĐ", "CAND", "CSGT").
_GARBLED_PAPER = re.compile(r"^\s*(c[^\s\d]{2,4})\s+so\b\s*[:.]?\s*")
_OLD_ID_WORDS = ("cmnd", "cmtnd", "chung minh")
_NEW_ID_WORDS = ("cccd", "can cuoc", "dinh danh")
_BROKEN_DATE = re.compile(
    rf"(?<![0-9])([0-9]{{1,2}})\s*[{SEPARATORS}]\s*([0-9]{{1,2}})\s*[{SEPARATORS}]\s*((?:1[89]|20)[0-9]{{2}})(?![0-9])")
BROKEN_DATE = 0.5
BROKEN_REASON = "day and month beyond reading: the year alone"  # extract.settle weighs such a year against words
GLYPH_CHECKED = "digits read again glyph by glyph"  # extract.number_check changed a word of the value
_SLASH_AS_ONE = re.compile(r"(?<![0-9])([0-9]{2})[1Il|]([0-9]{2})[1Il|]((?:1[89]|20)[0-9]{2})(?![0-9])")
SLASH_REPAIRED = 0.6
_LETTER_SLASH = re.compile(r"(?<=[0-9])[Il|](?=[0-9])")
ZERO_REPAIRED = 0.6
CENTURY_REPAIRED = 0.6  # a birth year read in the one century it can be (extract.date_repairs)
_ID_LEAD = 3  # characters of junk tolerated before an ID in its value
_ID_TAIL_DIGITS = 3  # more digits than this after the ID and the value is OCR noise, not an ID field


@dataclass(frozen=True)
class Candidate:
    """One reading of a field; several may compete (primary label, fallback label, MRZ, implied by role)."""

    field: str
    value: str
    confidence: float
    page: int | None = None
    bbox: tuple[int, int, int, int] | None = None
    fallback: bool = False
    source: str = "label"  # label | implied | mrz | phrase | layout
    reasons: tuple[str, ...] = ()  # what lowered its confidence, for the record
    region: tuple[int, int, int, int] | None = None  # where on the page its value is printed, for a second look
    alternatives: tuple[str, ...] = ()  # other well-formed values its re-readings gave (extract.choose)
    # A birth year kept alone: the date as OCR read it ("39/7/1959"), for a linked registry entry to explain.
    read_as: str | None = None
    # A zone's value every digit of which a check digit covers (``Mrz.id_composite``): proved without a printed
    # reading that agrees.
    proved: bool = False
    # Every number of the value read alike glyph by glyph by the digit classifier (``Word.glyphs_agree``): a reading
    # of another method that gives it, which the second look counts as a vote (``extract.choose``).
    glyphs_agree: bool = False


def read(field: str, kind: str, piece: Piece, *, pattern: str | None = None,
         fallback: bool = False) -> Candidate | None:
    """The value of ``kind`` in ``piece``, or None when there is none worth keeping."""
    reader = _READERS[kind]
    found = reader(field, piece, pattern)
    if found is None:
        return None
    value, source, factor, *more = found
    if not value:
        return None
    notes = tuple(more[0]) if more else ()
    read_as = more[1] if len(more) > 1 else None
    words = getattr(source, "words", ())
    checked = [w.read_as for w in words if w.read_as]
    if checked:
        notes += (f"{GLYPH_CHECKED}: Tesseract read {' '.join(checked)!r}",)
    # Only a value as printed in those words: a date the reader repaired ("64/11/1931" as 1931-11-04) is no reading
    # the classifier gave, however sure it was of the 6.
    numbers = [w for w in words if any(c.isdigit() for c in w.text)]
    agree = factor == 1.0 and not more and bool(numbers) and all(w.glyphs_agree for w in numbers)
    if kind == "person_id":
        digits = sum(c.isdigit() for c in value)
        field = id_kind(piece.text) or ("old_id_number" if digits == 9 else "citizen_id")
    elif kind == "old_id":
        field = "old_id_number"
    return Candidate(field, value, max(0.0, min(1.0, source.confidence * factor)), source.page, source.bbox,
                     fallback=fallback, reasons=tuple(notes), read_as=read_as, glyphs_agree=agree)


def _date(field: str, piece: Piece, pattern: str | None) -> Read:
    piece = trim(strip_leaders(piece, cut=False))
    parsed = parse_date(piece.text)
    if parsed is None or len(parsed.value) != 10:
        # "28/8I1948": a slash read as I, l or |, letters no date holds; same length, so the same offsets.
        slashed = parse_date(_LETTER_SLASH.sub("/", piece.text))
        if slashed is not None and len(slashed.value) == 10:
            return slashed.value, piece.sub(*slashed.span), SLASH_REPAIRED
    if parsed is None and (slashed := _SLASH_AS_ONE.search(piece.text)):
        # "0710511971": a small sans "/" read as 1 or I; the date it must then be is read at reduced confidence.
        d, mo, y = slashed.groups()
        try:
            return date(int(y), int(mo), int(d)).isoformat(), piece.sub(*slashed.span()), SLASH_REPAIRED
        except ValueError:
            pass
    if parsed is None and field == "date_of_birth" and (century := century_repaired(piece.text)) is not None:
        value, (start, end) = century
        return value, piece.sub(start, end), CENTURY_REPAIRED
    if parsed is None:
        m = _BROKEN_DATE.search(piece.text)
        if m is None and field == "date_of_birth" and (broken := year_of_broken(piece.text)) is not None:
            # "17A4/19S7": 1957
            return broken[0], piece.sub(*broken[1]), BROKEN_DATE, [BROKEN_REASON], _word_to(piece.text, broken[1][1])
        if m is None:
            return None
        span = piece.sub(m.start(), m.end())
        repaired = leading_zero(m.group(1), m.group(2), m.group(3))
        if repaired is not None:
            return repaired, span, ZERO_REPAIRED
        # OCR broke the day or month, not necessarily the year. The year alone is what is left to read (the
        # contract's "YYYY"), at half the confidence: matching can still block on it.
        return m.group(3), span, BROKEN_DATE, [BROKEN_REASON], m.group()
    span = piece.sub(*parsed.span)
    factor = 0.85 if parsed.repaired else 1.0
    if parsed.form == "year" and field == "date_of_birth":
        # "160%/1959": a day and month OCR garbled into the year's word.
        word = _word_to(piece.text, parsed.span[1])
        if any(c.isdigit() for c in word[:-4]):
            return parsed.value, span, factor, [], word
    return parsed.value, span, factor


def _word_to(text: str, end: int) -> str:
    """The whitespace-delimited word of ``text`` that ends at ``end``, from its start."""
    return text[:end].split()[-1] if text[:end].strip() else ""


def _gender(field: str, piece: Piece, pattern: str | None) -> Read:
    piece = trim(strip_leaders(piece, cut=True))
    value = parse_gender(piece.text)
    if value is None:
        return None
    m = re.search(r"\S+", piece.text)
    return value, piece.sub(m.start(), m.end()) if m else piece, 1.0


def id_kind(text: str) -> str | None:
    """"old_id_number" / "citizen_id" when the printed words say which paper it is ("CMND số", "CCCD số")."""
    folded = fold(text)
    if any(w in folded for w in _OLD_ID_WORDS):
        return "old_id_number"
    if any(w in folded for w in _NEW_ID_WORDS):
        return "citizen_id"
    return None


def _id(field: str, piece: Piece, pattern: str | None) -> Read:
    """The ID as printed (checked later); refused when it is not what the value starts with."""
    return _id_at_start(piece, find_ids)


def misread_id(piece: Piece) -> Candidate | None:
    """A personal ID OCR read a digit short or long (its digits as read), where ``read`` found no ID in ``piece``:
    kept apart from the field's readings (no structure tells which digit slipped) for a linked citizen's registry
    entry to explain (extract.confirm). Not under an old CMND's label."""
    if id_kind(piece.text) == "old_id_number":
        return None
    found = _id_at_start(piece, find_slipped_ids)
    if found is None:
        return None
    raw, source, _ = found
    return Candidate("citizen_id", slipped_digits(raw) or raw, source.confidence, source.page, source.bbox)


def _id_at_start(piece: Piece, finder: Callable[[str], list[tuple[str, tuple[int, int]]]]) -> Read:
    """The first number ``finder`` finds in the value, past the paper's name ("CCCD số"), if the value starts
    with it."""
    piece = trim(strip_leaders(piece, cut=True))
    folded = fold(piece.text)
    lead = _GARBLED_PAPER.match(folded)
    word = lead.group(1).rstrip(".:;,") if lead else ""
    if lead is None or (word.isalnum() and not set(NOT_VIETNAMESE_LETTERS) & set(word)):
        lead = _ID_PREFIX.match(folded)
    offset = lead.end() if lead else 0
    found = finder(piece.text[offset:])
    if not found:
        return None
    raw, (s, e) = found[0]
    tail = piece.text[offset + e:]
    if s > _ID_LEAD or sum(c.isdigit() for c in tail) > _ID_TAIL_DIGITS:
        return None
    return raw, piece.sub(offset + s, offset + e), 1.0


def _text(field: str, piece: Piece, pattern: str | None) -> Read:
    piece = trim(strip_leaders(piece, cut=True))
    value = collapse_spaces(piece.text)
    return (value, piece, 1.0) if value else None


def _place(field: str, piece: Piece, pattern: str | None) -> Read:
    piece = trim(strip_leaders(piece, cut=False))
    value = collapse_spaces(piece.text)
    return (value, piece, 1.0) if value else None


def _code(field: str, piece: Piece, pattern: str | None) -> Read:
    piece = trim(strip_leaders(piece, cut=True))
    if pattern:
        m = re.search(pattern, piece.text)
        if m is None:
            return None
        return collapse_spaces(m.group()), piece.sub(m.start(), m.end()), 1.0
    m = re.search(r"\S+", piece.text)
    if m is None:
        return None
    token = piece.sub(m.start(), m.end())
    token = trim(token)
    return (token.text, token, 1.0) if token.text else None


_READERS = {"name": read_name, "date": _date, "gender": _gender, "citizen_id": _id, "old_id": _id, "person_id": _id,
            "text": _text, "place": _place, "code": _code}
