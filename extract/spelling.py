"""Names as OCR reads them: the family name's one existing spelling, words one misread letter away from a name,
and words that are no Vietnamese syllable.

Tesseract misreads the marks of capitals ("NGUYÊN", "NGUYEN", "NGUYỀN" for "NGUYỄN", "TRẤN" for "TRẦN") far
more often than people bear those spellings. A family name is a closed set, so a first word that folds to
exactly one common family name and is not itself one is read as that name, with its confidence lowered so that
the change shows. Given names are an open set, but most people carry one of a few hundred syllables
(``config/name_syllables.json``): a word that is neither a family name nor one of those, and is one misread
letter or mark away from exactly one of them ("THÁO" → THẢO, "MINN" → MINH, "QOỐC" → QUỐC), is read as that
name, with a reason and lower confidence. A word two names are equally near stays as printed. A word carrying two
tone marks (OCR stacked a speck on it) only lowers the confidence, unless no name is near it and the two marks are
one tone on two neighbouring vowels: one accented capital read twice ("TRẦỀN" → TRẦN).
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache

from rapidfuzz.distance import Levenshtein

from config.reference import name_syllables
from extract.names import canonical_tones, without_tone
from extract.syllables import is_syllable
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
    # Family names of the larger minorities (Tày, Thái, Mường, Nùng, H'Mông).
    "CẦM", "QUÀNG", "XA", "LĂNG", "LỘC", "GIÀNG", "SÙNG", "VÀNG", "THÀO", "LẦU", "HỜ", "LY",
})
RESPELLED = 0.9
USUAL_SPELLING = "the family name's usual spelling"  # the reason a respelled name carries (THỊ for "THI" too)
_MIDDLE = {"thi": "THỊ", "th": "THỊ", "tri": "THỊ", "van": "VĂN"}
NEAR_NAME = 0.85  # a word read as the one name syllable a misread letter or mark away
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
        # THỊ and VĂN are the middle names of most women and men: their misread marks ("THI", "TH", "VẤN") and
        # the h of THỊ read as r ("TRỊ") are far more often OCR than rare middle names.
        middle = _MIDDLE.get(fold(words[k]))
        if middle is not None and words[k] != middle:
            words[k] = middle
            factor *= RESPELLED
    return " ".join(words), factor


@cache
def _known() -> frozenset[str]:
    return frozenset(canonical_tones(w) for w in (*name_syllables(), *FAMILY_NAMES))


@cache
def _decomposed(family: bool) -> tuple[tuple[str, str], ...]:
    words = {canonical_tones(w) for w in (FAMILY_NAMES if family else name_syllables())}
    return tuple((unicodedata.normalize("NFD", w), w) for w in words)


@cache
def known_folded() -> frozenset[str]:
    """The family names and common name syllables without their marks ("hue" for HUỆ and HUẾ)."""
    return frozenset(fold(w) for w in _known())


def is_known(word: str) -> bool:
    """Whether ``word`` is a family name or a syllable of a common middle or given name (any tone placement)."""
    return canonical_tones(word) in _known()


@cache
def nearest_name(word: str, family: bool = False) -> str | None:
    """The one middle or given name syllable (``family``: family name) one letter or mark away from ``word``, letters
    and marks compared decomposed ("THÁO"/"THẢO" and "LƠNG"/"LONG" are one apart); None if none or several are,
    or if ``word`` is one already."""
    canon = canonical_tones(word)
    if len(word) < 2 or (canon in _canonical(True) if family else is_known(word)):
        return None
    target = unicodedata.normalize("NFD", canon)
    near = [w for d, w in _decomposed(family) if abs(len(d) - len(target)) <= 2
            and Levenshtein.distance(d, target, score_cutoff=2) <= 2]
    costs = sorted((_cost_with_bar(unicodedata.normalize("NFD", w), target), w) for w in near)
    costs = [(c, w) for c, w in costs if c <= 1.0]
    if not costs or (len(costs) > 1 and costs[1][0] == costs[0][0]):
        return None
    return costs[0][1]


def undoubled(word: str, family: bool = False) -> str | None:
    """The one common name (``family``: family name) left when one of two neighbouring vowels with the same tone
    is dropped: OCR read one accented capital as two, its tone on both ("TRẦỀN" → TRẦN, "NGỢỌC" → NGỌC). A syllable
    has one tone, so such a word is no name as read; None when neither letter dropped leaves a name, or the two
    leave different ones. Two different tones are two words run together ("THỊÁNH") or a speck read as a tone
    ("TÚẤN": ``nearest_name``, which ``repair_name`` asks first)."""
    if _tones(word) != 2:
        return None
    names = _canonical(family)
    left = set()
    for i in range(len(word) - 1):
        if (tone := _tone_of(word[i])) and tone == _tone_of(word[i + 1]):
            left |= {c for j in (i, i + 1) if (c := canonical_tones(word[:j] + word[j + 1:])) in names}
    return left.pop() if len(left) == 1 else None


def _tone_of(letter: str) -> frozenset[str]:
    return frozenset(unicodedata.normalize("NFD", letter)) & _TONE_MARKS


@cache
def _canonical(family: bool) -> frozenset[str]:
    """The common names (``family``: family names) with their tones placed alike, as ``canonical_tones`` does."""
    return frozenset(c for _, c in _decomposed(family))


MARK_EDIT = 0.5  # of a letter's cost
MARK_ADDED = 0.4  # a mark the read word has and the name lacks: a speck over a letter
# The bar of Đ, lost or added on a D OCR read right: a stroke through the letter, lost less often than a tone mark
# and more often than a letter is swapped. "DÔNG" is ĐÔNG rather than CÔNG, "ĐỮNG" DŨNG (bar and horn); "DƠNG" (bar
# and circumflex) is past one letter from ĐÔNG.
BAR_EDIT = 0.6


def _cost_with_bar(name: str, read: str) -> float:
    """``_cost``, Đ taken either as a letter of its own (misread whole: "BỨC" for ĐỨC) or as a D with a bar that OCR
    may lose or add (``BAR_EDIT`` for each Đ one of the two words has more), whichever costs less."""
    if "Đ" not in name and "Đ" not in read:
        return _cost(name, read)
    bars = abs(name.count("Đ") - read.count("Đ"))
    return min(_cost(name, read), _cost(name.replace("Đ", "D"), read.replace("Đ", "D")) + BAR_EDIT * bars)


def _cost(name: str, read: str) -> float:
    """Edits from a name to the word read, both decomposed; an edit of a mark alone (tone, circumflex, breve,
    horn) costs half a letter: OCR swaps "á" and "ả" far more often than it swaps letters. A mark added costs a
    little less than one swapped, so "HƯỚNG" is HƯƠNG (a speck read as a tone) rather than HƯỜNG, and "DỤNG" is
    DUNG rather than DŨNG, where a cost alike would leave the word as misread."""
    letters = Levenshtein.distance(_bare(name), _bare(read))
    mark_edits = max(0, Levenshtein.distance(name, read) - letters)
    marks = [op for op in Levenshtein.editops(name, read)
             if unicodedata.combining(read[op.dest_pos] if op.tag != "delete" else name[op.src_pos])]
    if len(marks) != mark_edits:  # the alignment mixed letters and marks: every mark edit at half a letter
        return letters + MARK_EDIT * mark_edits
    return letters + sum(MARK_ADDED if op.tag == "insert" else MARK_EDIT for op in marks)


_TWO_PLACES = ("oa", "oe", "uy")  # open syllables ending so take their tone on either vowel: HÒA/HOÀ, THỦY/THUỶ


def placed_like(name: str, read: str) -> str:
    """``name`` (its tone placed canonically) with its tone on the last vowel where ``read`` has it there and the
    syllable ends in oa, oe or uy, the one place where both placements are in use: a name printed "THUỲ" and read
    "THƯỲ" is THUỲ as printed, not THÙY. Elsewhere a tone read on another letter is a misreading ("HỤE": HUỆ)."""
    at = [i for i, ch in enumerate(read) if _tone_of(ch)]
    tone = [ch for ch in unicodedata.normalize("NFD", name) if ch in _TONE_MARKS]
    bare = without_tone(name)
    low = fold(bare)
    last = len(at) == 1 and len(tone) == 1 and len(read) == len(name) and at[0] == len(name) - 1
    if not last or low[-2:] not in _TWO_PLACES:
        return name
    return unicodedata.normalize("NFC", bare + tone[0])


def _bare(decomposed: str) -> str:
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _rejoined(name: str) -> tuple[str, float, list[str]]:
    """A family name OCR cut in two ("NGUY ỄT NGỌC PHƯƠNG": the second piece no syllable) joined again, when the
    pieces together are one misread letter from exactly one family name."""
    words = name.split()
    if len(words) < 3 or words[0] in FAMILY_NAMES or is_syllable(words[1]):
        return name, 1.0, []
    joined = words[0] + words[1]
    family = joined if joined in FAMILY_NAMES else nearest_name(joined, family=True)
    if family is None:
        return name, 1.0, []
    value = " ".join([family, *words[2:]])
    return value, NEAR_NAME, [f"{words[0]} {words[1]} read as {family}: a family name cut in two"]


def repair_name(name: str) -> tuple[str, float, list[str]]:
    """``usual_spelling``, then each word that is no known name syllable (the first word: no family name) but one
    misread letter from exactly one, read as that one; the confidence factor and reasons say what changed."""
    value, factor, reasons = _rejoined(name)
    respelled, more = usual_spelling(value)
    if respelled != value:
        reasons.append(f"{value} read as {respelled}: {USUAL_SPELLING}")
    value, factor = respelled, factor * more
    words = value.split()
    for i, word in enumerate(words):
        family = i == 0 and len(words) > 1
        if (near := nearest_name(word, family)) is not None:
            near = placed_like(near, word)
            reasons.append(f"{word} read as {near}: one misread letter from a common name")
            words[i] = near
            factor *= NEAR_NAME
        elif (single := undoubled(word, family)) is not None:
            reasons.append(f"{word} read as {single}: one accented letter read twice")
            words[i] = single
            factor *= NEAR_NAME
    value = " ".join(words)
    # A middle word mended into "THI" ("TWI") is the THỊ of most women's names, as one read "THI" is.
    respelled, more = usual_spelling(value)
    if respelled != value:
        reasons.append(f"{value} read as {respelled}: {USUAL_SPELLING}")
    return respelled, factor * more, reasons
