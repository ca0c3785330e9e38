"""Names as OCR reads them: the family name's one existing spelling, and words that are no Vietnamese syllable.

Tesseract misreads the marks of capitals ("NGUYÊN", "NGUYEN", "NGUYỀN" for "NGUYỄN", "TRẤN" for "TRẦN") far
more often than people bear those spellings. A family name is a closed set, so a first word that folds to
exactly one common family name and is not itself one is read as that name, with its confidence lowered so that
the change shows. Given names are an open set and stay as printed; a word carrying two tone marks (OCR stacked
a speck on it) only lowers the confidence.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache

from extract.text import fold

log = logging.getLogger(__name__)

# Common Vietnamese family names (upper case, NFC). Only used to undo OCR's misread marks on a name's first word.
FAMILY_NAMES = frozenset({
    "NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "PHAN", "VŨ", "VÕ", "ĐẶNG", "BÙI", "ĐỖ", "HỒ", "NGÔ",
    "DƯƠNG", "LÝ", "ĐÀO", "ĐOÀN", "ĐINH", "LÂM", "MAI", "TRỊNH", "TRƯƠNG", "CAO", "LƯƠNG", "LƯU", "TẠ", "TÔ",
    "HÀ", "CHU", "CHÂU", "QUÁCH", "THÁI", "KIỀU", "KHÚC", "VƯƠNG", "PHÙNG", "LA", "LÃ", "TRIỆU", "TĂNG", "LẠC",
    "ÂU", "DIỆP", "TÔN", "THÂN", "NÔNG", "GIANG", "MẠC", "LÒ", "KIM", "KHỔNG", "ĐÀM", "LỤC", "HỨA", "DOÃN", "TỪ",
    "TỐNG", "NGHIÊM", "QUAN", "CÙ", "ÔNG", "ĐỒNG", "BẠCH", "HẦU", "NINH", "HÀN", "MÃ", "MA", "SẦM", "TIÊU", "VI",
    "LƯỜNG", "LẠI", "CẤN", "BẾ", "KHƯƠNG", "THẠCH", "DANH", "KHA", "SƠN", "LỮ", "PHÍ", "VĂN", "YÊN",
})
RESPELLED = 0.9
TWO_TONES = 0.7  # a word with two tone marks is no Vietnamese syllable: OCR stacked a speck on it
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")


def _tones(word: str) -> int:
    return sum(ch in _TONE_MARKS for ch in unicodedata.normalize("NFD", word))


def syllable_factor(name: str) -> float:
    """Confidence factor for a name: lowered for each word with two tone marks ("HUỈỆ")."""
    return TWO_TONES ** sum(_tones(w) > 1 for w in name.split())


@cache
def _family_names() -> dict[str, str | None]:
    """Folded family name → the one spelling it has (None when two family names fold alike: LA/LÃ, MA/MÃ)."""
    out: dict[str, str | None] = {}
    for name in FAMILY_NAMES:
        key = fold(name)
        out[key] = None if key in out and out[key] != name else name
    return out


def usual_spelling(name: str) -> tuple[str, float]:
    """The family name (and the middle "THỊ") in its one existing spelling when OCR misread a mark.

    "NGUYÊN", "NGUYEN" and "NGUYỀN" are Tesseract's readings of "NGUYỄN" far more often than they are names; a
    first word that folds to exactly one family name and is not itself one is read as that name, with the
    confidence lowered so that the change is visible. Other words are left as printed.
    """
    words = name.split()
    if not words:
        return name, 1.0
    factor = 1.0
    canon = _family_names()
    if words[0] not in FAMILY_NAMES and canon.get(fold(words[0])):
        log.debug("family name read in its usual spelling")
        words[0] = canon[fold(words[0])]  # type: ignore[assignment]
        factor *= RESPELLED
    for k in range(1, len(words) - 1):
        if words[k] != "THỊ" and fold(words[k]) == "thi":
            words[k] = "THỊ"
            factor *= RESPELLED
    return " ".join(words), factor
