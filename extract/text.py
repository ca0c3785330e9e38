"""Small text helpers shared by the value parsers: NFC, spaces, accent-insensitive folding, OCR digit confusions,
a short word as hard scans misread it.

``fold`` is ``storage.textfold.fold`` (extract may not import storage) with one difference: capital Ð, Ø, Ł fold
like their small letters (storage turns "Ð", which legacy conversions print for "Đ", into "ð", not "d").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

# Letters with no decomposition that OCR and legacy encodings put where Vietnamese has đ (and a few look-alikes).
_BASE = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}

# Tesseract's usual letter-for-digit slips in printed numbers. Only a caller that can prove the result (a valid
# date, an ID whose structure checks out) may apply them.
OCR_DIGITS: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0",
    "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
    "Z": "2", "z": "2",
    "S": "5", "s": "5",
    "G": "6", "b": "6",
    "T": "7",
    "B": "8",
    "g": "9", "q": "9",
}
# Digits Tesseract reads for one another on degraded scans (closed loops and their broken forms; 1 and 7).
DIGIT_CONFUSIONS = frozenset(
    frozenset(p) for p in ("06", "08", "09", "68", "69", "89", "38", "35", "56", "17", "14")
)

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Runs of any white space (tabs, newlines, NBSP) to one space, trimmed: the contract's "single spaces"."""
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _base_char(ch: str) -> str:
    if ch in _BASE:
        return _BASE[ch]
    return unicodedata.normalize("NFD", ch)[0]


def fold(text: str) -> str:
    """NFC, then each character to its lower-case base letter (đ → d); the length of the NFC text is kept."""
    out = []
    for ch in nfc(text):
        low = _base_char(ch).lower()
        # A few lower-case forms are two characters (İ → i̇); keeping one keeps positions aligned.
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def near_word(text: str, *words: str) -> bool:
    """Whether the letters of ``text``, folded (marks, case, punctuation and digits dropped), are one of ``words``
    (folded) a letter off at most: a short printed word as hard scans misread it ("tgày" for ngày, "sính:" for
    sinh)."""
    letters = "".join(c for c in fold(text) if c.isalpha())
    return any(Levenshtein.distance(letters, word) <= 1 for word in words)


def strip_marks(text: str) -> tuple[str, tuple[int, ...]]:
    """Text without diacritics, case kept, and for each output character its index in ``text``.

    Works on the text as given (NFC, NFD or a mix of both), so positions found in the stripped text map back
    to the caller's own string through the index table, whatever its normal form.
    """
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.combining(ch):
            continue
        chars.append(_base_char(ch))
        where.append(i)
    return "".join(chars), tuple(where)


def original_span(text: str, where: tuple[int, ...], start: int, end: int) -> tuple[int, int]:
    """The span in ``text`` of stripped characters ``start:end``, including the marks that follow the last one."""
    if start >= end:
        pos = where[start] if start < len(where) else len(text)
        return pos, pos
    stop = where[end - 1] + 1
    while stop < len(text) and unicodedata.combining(text[stop]):
        stop += 1
    return where[start], stop
