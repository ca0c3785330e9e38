"""The name line of a card's machine-readable zone ("NGUYEN<<VAN<AN<<<<<<").

The name has no check digit, and OCR-B read by a Vietnamese model slips in its own ways: a filler read as a
letter ("VANKCUONG", "QUACHK"), a letter read as a digit ("TH1", "S0N"), a capital read as a look-alike
("WGUYEN", "MOANG"), trailing fillers dropped ("LUONG<<THI<TUYET<<", shorter than a zone line). A word is taken
as read when it is a Vietnamese syllable, else as the one reading of it that these slips allow, and the line not
at all when a word allows none or several: readings of the same line then vote (``extract.mrz.find_mrz``).
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from rapidfuzz.distance import Hamming

from config.reference import name_syllables
from extract.names import is_syllable
from extract.spelling import FAMILY_NAMES
from extract.text import fold

_FILLER_RUN = re.compile(r"<{3,}")
_FILLER_AS = "KCEXLS"  # letters OCR makes of a lone '<' next to a name ("VANKCUONG", "QUYENS<<")
_LETTERS = "ABCDEGHIKLMNOPQRSTUVXY"
_DIGIT_AS = {"0": "OD", "1": "IL", "2": "Z", "4": "A", "5": "S", "6": "G", "8": "B"}  # OCR-B digits for letters
MAX_DIGITS = 2  # a name line with more digits than this is a misread first or middle line
NAME_WORDS = (2, 7)


def name_parts(line: str) -> tuple[str, ...]:
    """The name words of a zone's name line ("DANG<<THANH<AN<<<<<<C" → DANG, THANH, AN), or () when a word has
    no reading or several."""
    return read_name_line(line)[0]


def read_name_line(line: str) -> tuple[tuple[str, ...], bool]:
    """The name words of a zone's name line, and whether each was taken as read (no slip undone). The name ends
    at the first run of fillers: what OCR makes of the rest ("<<<<C") is not part of it; a stray character (``?``)
    before it is dropped. A line whose last word no filler follows was cut short ("QUACH<<VANE").
    """
    cut = _FILLER_RUN.split(line, maxsplit=1)
    head = cut[0].lstrip("?")
    if (len(cut) == 1 and not _ends_open(line)) or not head[:1].isalpha() \
            or sum(c.isdigit() for c in head) > MAX_DIGITS:
        return (), False
    parts: list[str] = []
    exact = True
    for part in (p for p in re.split(r"<+", head) if p and not _fillers_only(p)):
        words = _word(part, family=not parts)
        if words is None:
            return (), False
        exact = exact and words == [part]
        parts += words
    return (tuple(parts), exact) if NAME_WORDS[0] <= len(parts) <= NAME_WORDS[1] else ((), False)


def _ends_open(line: str) -> bool:
    """Whether a filler follows the line's last word, letters OCR made of fillers aside ("...THANH<<K"); a
    last word that is a name ("NGUYEN<<THI<LE") is no filler."""
    body = line.rstrip(_FILLER_AS + "?")
    tail = line[len(body):].strip("?")
    return body.endswith("<") and not (len(tail) > 1 and _is_name(tail))


def _is_name(word: str) -> bool:
    return any(is_name_word(word, family) for family in (True, False))


def is_name_word(word: str, family: bool) -> bool:
    """Whether ``word`` (folded capitals, as a zone spells it) is a common name (``family``: a family name)."""
    return word in _known(family).get(len(word), ())


def _fillers_only(part: str) -> bool:
    """A part that is fillers read as letters ("LAN<C<", "AN<KC<"); "LE" is a name."""
    return all(c in _FILLER_AS for c in part) and (len(part) == 1 or not is_syllable(part.lower()))


def _word(part: str, family: bool) -> list[str] | None:
    """The syllable(s) a part between fillers reads as, or None when it has no reading or more than one."""
    if part.isalpha() and is_syllable(part.lower()):
        return [part]
    readings = {(w,) for w in _digits_as_letters(part)} | {(w,) for w in _stray_in(part, family)}
    if part.isalpha():
        readings |= {(w,) for w in _fillers_off(part, family)}
        readings |= {(w,) for w in _one_letter_from(part, family)}
        # "THICQUYENS": two syllables around a filler, a filler after them.
        ends = [part] + [part[:-k] for k in (1, 2) if all(c in _FILLER_AS for c in part[-k:])]
        readings |= {tuple(s) for v in ends for s in _split(v)}
    return list(readings.pop()) if len(readings) == 1 else None


def _fillers_off(part: str, family: bool) -> set[str]:
    """The syllable left when one or two fillers read as letters are taken off its end ("QUACHK", "QUYENS"), or
    one off the start of a middle name ("KTHI"). A last letter that could be a misread final one ("ANK": AN< or
    ANH) leaves the common name it could complete as another reading: the word then has two."""
    out = set()
    for k in (1, 2):
        rest, off = part[:-k], part[-k:]
        # Two letters that are a name ("VANLE": VAN<LE?) are not fillers.
        if len(rest) >= 2 and all(c in _FILLER_AS for c in off) and is_syllable(rest.lower()) \
                and not (k == 2 and _is_name(off)):
            out.add(rest)
            out |= {rest + c for c in _LETTERS if rest + c in _known(False).get(len(rest) + 1, ())}
    # Off its start only before the middle names THỊ and VĂN ("VI<KTHI"): "KDAM" may be a K'Đăm.
    if not family and part[0] in _FILLER_AS and part[1:] in ("THI", "VAN"):
        out.add(part[1:])
    return out


def _stray_in(part: str, family: bool) -> set[str]:
    """Common names (the first word: family names) a part with one stray character (``?``: a speck OCR read
    as "¿") spells, the stray either a letter it hid ("NH?T": NHAT) or a speck between two ("NH?AT")."""
    if part.count("?") != 1 or not part.replace("?", "").isalpha():
        return set()
    known = _known(family)
    hidden = re.compile(re.escape(part).replace(r"\?", "[A-Z]"))
    return {w for w in known.get(len(part), ()) if hidden.fullmatch(w)} \
        | ({part.replace("?", "")} & known.get(len(part) - 1, frozenset()))


def _digits_as_letters(part: str) -> set[str]:
    if part.isalpha() or any(not c.isalnum() or (c.isdigit() and c not in _DIGIT_AS) for c in part):
        return set()
    options = [_DIGIT_AS.get(c, c) for c in part]
    return {w for w in map("".join, itertools.product(*options)) if is_syllable(w.lower())}


def _one_letter_from(part: str, family: bool) -> set[str]:
    """Common names (the first word: family names) one letter away, the length kept: OCR-B capitals read as
    look-alikes ("WGUYEN", "NOUYEN", "MOANG")."""
    return {w for w in _known(family).get(len(part), ()) if Hamming.distance(w, part) == 1}


@cache
def _known(family: bool) -> dict[int, frozenset[str]]:
    words = {fold(w).upper() for w in (FAMILY_NAMES if family else (*name_syllables(), "THI", "VAN"))}
    return {n: frozenset(w for w in words if len(w) == n) for n in {len(w) for w in words}}


def _split(part: str) -> list[list[str]]:
    """Two syllables around letters OCR makes of one or two fillers ("VANKCUONG", "VICETHI"); not where the letter
    could also begin the next name ("LEKHOA": LE<HOA or LE<KHOA), nor where one filler or two make different names
    ("VUCKVAN": VU<<VAN, or VUC<VAN)."""
    return [[part[:i], part[i + n:]] for n in (1, 2) for i in range(2, len(part) - n - 1)
            if all(c in _FILLER_AS for c in part[i:i + n])
            and is_syllable(part[:i].lower()) and is_syllable(part[i + n:].lower())
            and not is_syllable(part[i + n - 1:].lower())]
