"""Whether a window of a row may be a given label alias beyond its letters: its case, its brackets, what follows it.

A label printed in sentence case is not found where its last word is in capitals or title case ("Họ và tên:
CHÂU" is not "Họ và tên cha", "Nam Định" is not "Năm sinh", "NGUYỄN VĂN" is not "Nguyên quán"), unless the
whole of it is in capitals and a colon follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from config.templates import LabelSpec
from extract.label_text import skeleton
from extract.label_windows import COLONS, Window
from extract.places import province_parts
from extract.spelling import FAMILY_NAMES
from extract.text import fold

__all__ = ["UNFIT", "Alias", "bracketed_tail", "case_fits", "flow_title", "genders", "misread_title",
           "sentence_case", "signers_instruction", "value_after_colon", "value_fits", "words_close"]

_WORD_BREAK = re.compile(r"[\s\-–—]+")
_AFTER_COLON = re.compile(r"[:;]\s*([^\W\d_])")
# A last word in brackets ("(bà)"), either bracket maybe lost or misread ("bà)", "(bà]", "{bà"), a colon or full stop
# after it.
_BRACKETED_TAIL = re.compile(r"(?:[(\[{]\s*([^\W\d_]+)[)\]}]?|(?<![^\W\d_])([^\W\d_]+)[)\]}])\s*[:;.]?\s*$")


def bracketed_tail(text: str) -> str | None:
    """The skeleton of ``text``'s last word when it is bracketed ("co (bà):" → "ba"), else None."""
    m = _BRACKETED_TAIL.search(text)
    return skeleton(m.group(1) or m.group(2)) if m else None


def flow_title(window: str, tail: str) -> bool:
    """Whether ``window`` ends in the bracketed title ``tail`` as printed: in brackets ("ông (bà)", "ông bà)"), or
    with its brackets lost but in small letters ("ông bà", "ông/bà"), not a capitalised name ("ông Lê", "ông (Hà")."""
    if bracketed_tail(window) == tail:
        return True
    last = re.findall(r"[^\W\d_]+", window)[-1:]
    return bool(last) and skeleton(last[0]) == tail and last[0].islower()


def genders(alias: Alias) -> bool:
    return any(name == "gender" for name, _ in alias.spec.implies)


def _initials(text: str) -> list[str]:
    out = []
    for w in text.split():
        letters = [c for c in w if c.isalpha()]
        if letters:
            out.append(letters[0])
    return out


@dataclass(frozen=True)
class Alias:
    spec: LabelSpec
    text: str
    skel: str
    words: int
    limit: int
    sentence_case: bool  # "Ngày, tháng, năm sinh": several words, the last in small letters
    bracketed: str | None = None  # the skeleton of its last word when in brackets: "ba" of "Ông (bà)"
    headless: bool = False  # the label's last words alone, its first ones lost (``LabelIndex`` headless tails)


def case_fits(alias: Alias, cand: str, colon: bool) -> bool:
    """Whether the case of ``cand`` allows it to be the sentence-case label ``alias``.

    A colon inside a label is OCR's comma, never followed by a capital: "Họ và tên: CHÂU" is a label and a
    value. Words after the first are mostly small: "Nam Định", "NGUYỄN VĂN" are values, "HỌ'và tên chủ HỘ" is
    a label with a misread case. Old forms print labels all in capitals, with their colon ("HỌ VÀ TÊN:").
    """
    if any(m.group(1).isupper() for m in _AFTER_COLON.finditer(cand)):
        return False
    if not alias.sentence_case:
        return True
    letters = [c for c in cand if c.isalpha()]
    if colon and letters and all(c.isupper() for c in letters):
        return True
    # A hyphen OCR made of a space splits words too: "CRND-cỐ:" is "CMND số:".
    words = [w for w in _WORD_BREAK.split(cand) if any(c.isalpha() for c in w)][1:]
    # A word in parentheses is the label's other title, printed either way: "Ông (bà)", "Ông (Bà)".
    later = _initials(" ".join(w for w in words if not w.startswith("(")))
    if not later:
        return bool(words)
    capitals = sum(c.isupper() for c in later)
    return not (later[-1].isupper() and 2 * capitals > len(later))


def value_after_colon(alias: Alias, cand: str) -> bool:
    """Whether the word after a colon inside ``cand`` is a value's, not the alias's last word: "Họ và tên: lý"
    (a name read in small letters) is no "Họ và tên mẹ". A colon inside a label may be OCR's comma ("Ngày:
    tháng, năm sinh"), so a last word spelled as the alias's passes."""
    head, sep, last = cand.rpartition(":")
    words = skeleton(last).split()
    return bool(sep and skeleton(head)) and len(words) == 1 and words != alias.skel.split()[-1:]


def sentence_case(alias: str) -> bool:
    initials = _initials(alias)
    return len(initials) > 1 and initials[-1].islower()


UNFIT = 1.5  # letters a label whose kind its value does not fit counts as misread, against a rival label
_NUMBER_FIRST = re.compile(r"^\W*\d")
_DATE_FIRST = re.compile(r"^\W*(\d{4}\b|\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?\d{2,4})")


def value_fits(kind: str, after: str) -> bool:
    """Whether the words after a label may be a value of its kind: a date starts with a number, a place with no
    date or year ("Nơi thường trú: 12 Lê Lợi" is one). Only a tie-breaker between rival labels: a date in words
    or on the next row, or an address starting "1234 Lê Lợi", does not fit and still wins where no rival does."""
    if kind == "date":
        return _NUMBER_FIRST.match(after) is not None
    if kind == "place":
        return _DATE_FIRST.match(after) is None
    return True


def words_close(read: str, label: str) -> bool:
    """Whether two skeletons have as many words, each at most two letters apart and the last at most one."""
    a, b = read.split(" "), label.split(" ")
    if len(a) != len(b):
        return False
    return all(Levenshtein.distance(x, y, score_cutoff=3) <= 2 for x, y in zip(a, b, strict=True)) \
        and Levenshtein.distance(a[-1], b[-1], score_cutoff=2) <= 1


_TITLE_MISREAD = {"b": "dm"}  # first letters OCR reads for a title's (folded): "Bà" as "Đã", "Mã"


def misread_title(alias: Alias, win: Window, text: str, colon: bool) -> bool:
    """Whether a one-word window a letter off a short name label ("Mã:" for "Bà:") is that label: only its first
    letter read as one OCR takes it for, opening the row with its colon, and a name in capitals follows, opening
    with a family name ("Mã: PHAN THANH LY"; not "Xã: HÀ LONG", "Bắc: NGUYỄN VĂN AN", "Bố: ...")."""
    if alias.spec.kind != "name" or alias.spec.flow or win.words != 1 or not colon:
        return False
    if len(win.skel) != len(alias.skel) or win.skel[1:] != alias.skel[1:] \
            or win.skel[0] not in _TITLE_MISREAD.get(alias.skel[0], ""):
        return False
    words = text[win.end:].lstrip(" " + COLONS).split()[:2]
    return len(words) == 2 and all(w.isupper() for w in words) and words[0] in FAMILY_NAMES \
        and skeleton(" ".join(words)) not in province_parts()  # "Đã: HÀ NAM" is a place


_SIGN_WORDS = frozenset({"ky", "ghi"})
_SIGN_REACH = 2  # "ghi" this many words before a name label asks for it ("ghi rõ họ tên")


def signers_instruction(text: str, pos: int, window: str) -> bool:
    """Whether ``pos`` is in what tells a signer what to do ("(Ký, ghi rõ họ tên)"): inside a parenthesis that
    says so (other parentheses hold labels: "Ông (Bà):"), or a word or two after "ghi" when OCR lost the
    parenthesis ("Šx. 4y, ghí cả họ tên}"), or closed by a parenthesis whose opening was lost ("'ð họ tên)",
    "gỡ họ tên) -.")."""
    # After the window's last letter or digit (not after what OCR made of specks: "-.ˆ").
    last = max((i + 1 for i, c in enumerate(window) if fold(c).isascii() and c.isalnum()), default=0)
    closes = last > 0 and (window[last:] + text[pos + len(window):]).lstrip().startswith(")")
    if closes and skeleton(window).split()[-1:] == ["ten"]:
        return True  # "... họ tên)": its opening lost with the words before it; no label ends in a parenthesis
    before = text[:pos] + window[: len(window) - len(window.lstrip(" ([{"))]
    opened = before.rfind("(")
    if opened > before.rfind(")") and not _SIGN_WORDS.isdisjoint(skeleton(before[opened:]).split()):
        return True
    return "ghi" in skeleton(before).split()[-_SIGN_REACH:]
