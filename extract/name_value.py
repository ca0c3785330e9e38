"""Reading a person's name from the words after its label: where it starts and ends among specks, running text
and numbers, digits and small letters OCR put in its words, and the repairs a misread name syllable allows."""

from __future__ import annotations

import re

from extract.names import normalize_name
from extract.pieces import EDGE, Piece, Read, strip_leaders, trim
from extract.spelling import FAMILY_NAMES, is_known, nearest_name, repair_name, syllable_factor
from extract.syllables import NOT_VIETNAMESE_LETTERS, is_syllable
from extract.text import fold

_NAME_STOPS = ",;()[]{}:/\\"
_HONORIFICS = frozenset({"ÔNG"})  # a family name too, but in running text it names a man: "ông Nguyễn Văn Việt"
_LATIN = re.compile(r"[a-z]")
_INNER_COLON = re.compile(r"(?<=[^\W\d_])[:;](?=[^\W\d_])")
_MAX_NAME_WORDS = 7
NUMBER_DIGITS = 3  # a word with letters and this many digits ends a name: a number ("SID12502"), no misread word
DIGIT_IN_NAME = 0.8
DOT_HEIGHT = 0.5  # of the shortest name word's height: lower ink after a name is leader dots, no letter
SPECK_CONFIDENCE = 0.3  # Tesseract reads dots as letters at 0; a short real word it is sure of (a mark) stays
# Words of kinship and address that are name syllables too: in small letters after a name they are running text,
# the next person's ("TRẦN VĂN BÌNH anh Nam", "Nguyễn Văn An ông Trần Văn B").
_KIN = frozenset({"ÔNG", "BÀ", "ANH", "CHỊ", "EM", "CON", "CHÁU", "CÔ", "CHÚ", "BÁC", "DÌ", "CẬU", "VỢ", "CHỒNG"})
# Small words of running text one letter from a name syllable, which a capital read small also gives ("vÀ" for VÀ,
# HÀ a letter off): after a name, the sentence goes on.
_RUNNING = _KIN | {"VÀ", "LÀ", "CỦA", "VỚI", "TẠI", "CHO", "CÓ", "ĐÃ", "ĐÓ", "ĐƯỢC", "SINH", "NGÀY", "NĂM", "SỐ",
                   "QUÊ", "THÔN", "XÃ", "HUYỆN", "TỈNH", "CHA", "MẸ"}
_NON_VIETNAMESE = re.compile(rf"[{NOT_VIETNAMESE_LETTERS}{NOT_VIETNAMESE_LETTERS.upper()}]"
                             r"|[^\W\d_]*[äöüëïÄÖÜËÏçÇñÑ]")
# Digits a name word cannot hold, as the letters OCR takes them for ("1an" is "lan"): only a replacement that makes
# a known name syllable is taken (``_letters_for_digits``).
_DIGIT_AS_LETTER = {"1": "LI", "0": "O", "5": "S", "8": "B"}


def read_name(field: str, piece: Piece, pattern: str | None) -> Read:
    piece = trim(strip_leaders(piece, cut=True))
    # A colon between letters is a misread space or comma inside the name ("NGUYÊN:VĂN"); same length, same offsets.
    text = _INNER_COLON.sub(" ", piece.text)
    words: list[tuple[int, int]] = []
    notes: list[tuple[int, str]] = []
    for m in re.finditer(r"\S+", text):
        tok = m.group()
        fixed = _letters_for_digits(tok)
        if fixed is not None:  # same length, so the offsets into the piece still hold
            notes.append((m.start(), f"{tok} read as {fixed}: a digit where a name has a letter"))
            text = text[: m.start()] + fixed + text[m.end():]
            tok = fixed
        head = tok
        for ch in _NAME_STOPS:
            head = head.split(ch)[0]
        if words and sum(c.isdigit() for c in head) >= NUMBER_DIGITS and any(c.isalpha() for c in head):
            # A number run into letters after the name ("TRẦN QUỐC SƠN SID12502"); digits alone ("101", a table
            # rule) are skipped as before, since the name may go on after them.
            break
        if _LATIN.search(fold(head)) and normalize_name(head):
            letters = [c for c in head if c.isalpha()]
            # Names are printed in capitals or title case; a small first letter is the sentence going on, unless
            # the word is a name syllable (a family name, first) before a name word in title case: "lý Thanh Loan",
            # a capital L read small.
            if letters and letters[0].islower() and not _name_goes_on(head, text[m.end():], first=not words):
                break
            # Vietnamese names have no one-letter words: before the name they are specks (a card's photo edge).
            if len(letters) > 1 or words:
                words.append((m.start(), m.start() + len(head)))
        if head != tok or len(words) >= _MAX_NAME_WORDS:
            break
    # A lone letter after the name that no syllable is ("... DŨNG N") is a speck or the next word's edge. With digits
    # ("... LOAN S2") it is dropped only after three words, and said: it may be a fourth word OCR broke, as
    # "NGUYỄN VĂN P06" keeps its cut given name.
    dropped: list[str] = []
    while len(words) > 2 and _lone_letter(last := text[words[-1][0]:words[-1][1]], after=len(words) - 1):
        if len(last) > 1:
            dropped.append(f"{last} after the name left out: one letter and digits")
        words.pop()
    # Leader dots read as letters after the name, measured against its first two words, which always stay; only on
    # their row: a name the line break cut in running text ("... bà NguyỄt Ngộc" / "Phương, sinh ngày") is boxed
    # otherwise on the next one.
    first = [w for start, end in words[:2] for w in piece.sub(start, end).words]
    heights = [w.bbox[3] - w.bbox[1] for w in first]
    bottom = max((w.bbox[3] for w in first), default=0)
    while len(words) > 2 and heights and _dot_sized(piece, words[-1], DOT_HEIGHT * min(heights), bottom):
        dropped.append(f"{text[words[-1][0]:words[-1][1]]} after the name left out: ink the height of a dot")
        words.pop()
    if not words:
        return None
    span = piece.sub(words[0][0], words[-1][1])
    printed = text[words[0][0]:words[-1][1]]
    value, factor, repairs = repair_name(normalize_name(printed))
    digits = [note for at, note in notes if at < words[-1][1]]
    factor *= DIGIT_IN_NAME ** (len(digits) + len(dropped))
    return value, span, factor * _name_factor(value, printed), digits + dropped + repairs


def _dot_sized(piece: Piece, word: tuple[int, int], dot: float, bottom: int) -> bool:
    """Whether ``word`` is leader dots OCR read as letters ("TRẦN QUỐC SƠN Nà"): one OCR word boxed less than ``dot``
    pixels tall (half the shortest name word), its middle not below the name's first words (their ``bottom``: that
    is the next row; dots sit on the name's baseline), and read with next to no confidence. A name word whose box
    Tesseract drew round its dots alone has the dots in its own text ("CÚC......"), and stays."""
    found = piece.sub(*word).words
    if len(found) != 1 or "." in found[0].text or (found[0].bbox[1] + found[0].bbox[3]) / 2 >= bottom:
        return False
    _, y0, _, y1 = found[0].bbox
    return y1 - y0 < dot and found[0].confidence < SPECK_CONFIDENCE


def _lone_letter(word: str, after: int) -> bool:
    """Whether ``word``, after ``after`` name words, is one letter no syllable is, not a name word."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) != 1 or is_syllable(letters[0]):
        return False
    return len(word) == 1 or (after >= 3 and all(c.isalpha() or c.isdigit() for c in word))


def _name_goes_on(word: str, rest: str, first: bool = False) -> bool:
    """A small first letter in a name ("Lý thanh Loan", "lý Thanh Loan"): a name syllable followed by a name word
    in title case is a capital OCR read small, not the sentence going on. A first word must be a family name,
    and not the "ông" that names a man in running text ("ông Nguyễn Văn Việt"). A later word may be a name
    syllable whose capital OCR read as another small letter (``_capital_read_small``)."""
    nxt = rest.split(maxsplit=1)[0].strip(EDGE) if rest.strip() else ""
    known = word.upper() in FAMILY_NAMES - _HONORIFICS if first else \
        (is_known(word.upper()) and word.upper() not in _KIN) or _capital_read_small(word)
    return known and nxt[:1].isupper() and is_known(nxt.upper())


def _capital_read_small(word: str) -> bool:
    """Whether ``word`` is a name syllable with its first letter, a capital, read as another small one: the rest in
    capitals ("vHỊ" for THỊ) or a first letter no Vietnamese word has ("fhu" for THU), the rest the syllable's.
    A small word of running text one letter from a name ("cháu", "huyện") is neither, nor is one in capitals
    after a small letter that running text prints ("vÀ", "vỢ": a capital V read small)."""
    if len(word) < 2 or not (word[1:].isupper() or word[0] in NOT_VIETNAMESE_LETTERS) or word.upper() in _RUNNING:
        return False
    near = nearest_name(word.upper())
    return near is not None and len(near) == len(word) and near[1:] == word[1:].upper()


def _letters_for_digits(token: str) -> str | None:
    """``token`` with its digits as the letters they were misread for, when exactly one way makes a known name
    syllable ("1an" → "Lan", "H0A" → "HOA"); None when it has no digit, no letter, or no single such reading."""
    core = token.strip(EDGE)
    if not core or not any(c.isdigit() for c in core) or not any(c.isalpha() for c in core):
        return None
    at = token.index(core)
    options = [""]
    for ch in core:
        if ch.isdigit():
            if ch not in _DIGIT_AS_LETTER:
                return None
            options = [o + letter for o in options for letter in _DIGIT_AS_LETTER[ch]]
        else:
            options = [o + ch for o in options]
    known = {o for o in options if is_known(o.upper())}
    if len(known) != 1:
        return None
    word = known.pop()
    return token[:at] + word[0].upper() + word[1:] + token[at + len(core):]


def _name_factor(value: str, printed: str) -> float:
    factor = 1.0
    n = len(value.split())
    factor *= 1.0 if 2 <= n <= 6 else 0.5
    factor *= 0.85 ** len(_NON_VIETNAMESE.findall(printed))
    factor *= syllable_factor(value)
    if any(c.isdigit() for c in printed):
        factor *= 0.7
    return factor
