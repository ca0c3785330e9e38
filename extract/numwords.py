"""Vietnamese numbers written in words, as in dates "ghi bằng chữ": 0 to 9999.

Input is folded words (no marks, lower case), so "mười" and "mươi", "năm" (5) and "năm" (year) look alike;
the grammar below tells them apart by position. Accepted forms, strictly enough that a wrong reading gives
``None`` rather than another number:

- units: không, một/mốt, hai, ba, bốn/tư, năm/lăm/nhăm, sáu, bảy/bẩy, tám, chín
- tens: mười [u] (10-19), D mươi [u] (20-99, u may be mốt, tư, lăm), hăm [u] (colloquial 20-29)
- hundreds: D trăm [linh/lẻ u | tens]; thousands: D nghìn/ngàn [không trăm ... | linh/lẻ u | tens]

"D trăm u" or "D nghìn u" without linh/lẻ is refused: spoken Vietnamese reads it as D50 or D500
("hai nghìn năm" can be 2500), written records use linh/lẻ, so the form is ambiguous.
"""

from __future__ import annotations

UNITS = {
    "khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4,
    "nam": 5, "lam": 5, "nham": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
}
# "lăm", "nhăm" only follow a ten; "tư" is fine alone (tháng tư, mùng tư).
_AFTER_TEN_ONLY = {"lam", "nham"}
_THOUSAND = {"nghin", "ngan"}
_ZERO_TENS = {"linh", "le"}
NUMBER_WORDS = frozenset(UNITS) | _THOUSAND | _ZERO_TENS | {"muoi", "tram", "ham"}

# OCR misreadings of the number words seen often enough to undo; "rn" never occurs in a Vietnamese syllable.
_VARIANTS = {"nghln": "nghin", "ngbin": "nghin", "iinh": "linh", "tbang": "thang", "thaug": "thang"}


def normalize_word(word: str) -> str:
    """A folded token with known OCR slips undone ("rnười" → "muoi"); other words come back unchanged."""
    if word in NUMBER_WORDS:
        return word
    if "rn" in word:
        fixed = word.replace("rn", "m")
        if fixed in NUMBER_WORDS or fixed in _VARIANTS.values():
            return fixed
    return _VARIANTS.get(word, word)


def _unit(word: str, *, after_ten: bool = False) -> int | None:
    if word not in UNITS or (word in _AFTER_TEN_ONLY and not after_ten):
        return None
    return UNITS[word]


def _tens(words: list[str], *, allow_unit: bool) -> int | None:
    """0-99 without hundreds: "ba", "mười", "mười lăm", "hai mươi mốt", "hăm tư"."""
    if not words:
        return None
    if len(words) == 1 and allow_unit and words[0] != "muoi":
        return _unit(words[0])
    if words[0] == "muoi":
        head, rest = 10, words[1:]
    elif words[0] == "ham":
        head, rest = 20, words[1:]
    elif len(words) >= 2 and words[1] == "muoi":
        digit = _unit(words[0])
        if digit is None or digit < 2:
            return None
        head, rest = digit * 10, words[2:]
    else:
        return None
    if not rest:
        return head
    if len(rest) != 1:
        return None
    unit = _unit(rest[0], after_ten=True)
    if unit is None or unit == 0:
        return None
    return head + unit


def _below_thousand(words: list[str], *, after_thousand: bool) -> int | None:
    if "tram" in words:
        i = words.index("tram")
        if i != 1:
            return None
        hundreds = _unit(words[0])
        if hundreds is None or (hundreds == 0 and not after_thousand):
            return None
        rest = words[2:]
        if not rest:
            return hundreds * 100
        low = _linh(rest)
        if low is None:
            low = _tens(rest, allow_unit=False)
        return None if low is None else hundreds * 100 + low
    if after_thousand:
        # "hai nghìn lẻ năm", "hai nghìn mười hai": colloquial, but not ambiguous.
        return _linh(words) if words and words[0] in _ZERO_TENS else _tens(words, allow_unit=False)
    return _tens(words, allow_unit=True)


def _linh(words: list[str]) -> int | None:
    if len(words) != 2 or words[0] not in _ZERO_TENS:
        return None
    unit = _unit(words[1])
    return unit if unit else None


def parse_number(words: list[str]) -> int | None:
    """The value of folded number words, or ``None`` when they do not form one number (all words must be used)."""
    if not words or any(w not in NUMBER_WORDS for w in words):
        return None
    thousands_at = [i for i, w in enumerate(words) if w in _THOUSAND]
    if len(thousands_at) > 1:
        return None
    if not thousands_at:
        return _below_thousand(words, after_thousand=False)
    i = thousands_at[0]
    if i != 1:
        return None
    thousands = _unit(words[0])
    if not thousands:
        return None
    rest = words[2:]
    if not rest:
        return thousands * 1000
    low = _below_thousand(rest, after_thousand=True)
    return None if low is None else thousands * 1000 + low
