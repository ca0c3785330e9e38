"""A bilingual label's second half, read too garbled to be found with the first ("Quê quán / Ptace of 092m").

A card prints its labels in Vietnamese and English. Where the English half is read past recognition, only the
Vietnamese half is found as the label, and the garbled English would open the value: a place of origin read
"Place of ọvi Qán: Yên Sở, ..." or, with the value under the label, nothing but "Ptace of 092m". The label is
taken to go on over the words after it that read like its English half.
"""

from __future__ import annotations

import re
from itertools import islice

from rapidfuzz.distance import Levenshtein

from extract.label_text import skeleton
from extract.syllables import WORD_EDGE, clean_word, is_syllable

__all__ = ["SUBTITLE_LIKE", "subtitle_end", "subtitles"]

# How alike (normalized Levenshtein on letters and digits alone) the words after a label must be to its English
# half. Measured on the development cards' places: garbled English halves 0.46–0.88, a place's first words at most
# 0.29 (0.31 with the colon's bonus).
SUBTITLE_LIKE = 0.45
_COLON_BONUS = 0.1  # a half closed by a colon (or what OCR makes of one) is laid out as a label
_SEPARATOR = re.compile(r"[\s/|\\⁄!]*")
_WORD = re.compile(r"\S+")
_CLOSING = ":;.-"
_EXTRA_WORDS = 2  # words a garbled half may be read as beyond its printed count (letters split by specks)


def subtitles(aliases: tuple[str, ...]) -> dict[str, str]:
    """The English half of each bilingual alias ("Quê quán / Place of origin"), by its Vietnamese half."""
    out: dict[str, str] = {}
    for alias in aliases:
        first, slash, second = alias.partition(" / ")
        if slash and first.strip() and second.strip():
            out[first.strip()] = second.strip()
    return out


def _opens_value(word: str) -> bool:
    """Whether ``word`` is a capitalised Vietnamese syllable: a card's values are names in capitals and places in
    title case, its garbled English halves no such syllables ("Ptace", "res'2ece:"; "ot", "gin" are not
    capitalised)."""
    letters = word.strip(WORD_EDGE)
    return bool(letters) and letters[0].isupper() and is_syllable(letters)


def _squeezed(text: str) -> str:
    return skeleton(text).replace(" ", "")


def subtitle_end(text: str, start: int, subtitle: str, limit: int | None = None) -> int | None:
    """Where the words from ``start`` that read like ``subtitle`` end in ``text`` (before ``limit``), or None.

    Of the runs of one word up to the subtitle's count and two more, the most alike is taken, a run closed by a
    colon counting a little more: the words after it are the value's. A longer run wins a tie over a word of
    specks, the subtitle's rest garbled ("Ptace of 092m"), not over a word as printed ("Ea" of "Ea Kar", a place
    of no Vietnamese syllables: ``clean_word``). No run goes over a capitalised Vietnamese syllable: that opens
    the value (a card's name, "LÊ NAM", is 0.5 alike to "Full name", and a place "Phú Lạc" fills the letters
    "Place of" lacks of "Place of origin").
    """
    limit = len(text) if limit is None else limit
    lead = _SEPARATOR.match(text, start, limit)
    at = lead.end() if lead else start
    target = _squeezed(subtitle)
    best: tuple[float, int] | None = None
    for word in islice(_WORD.finditer(text, at, limit), len(subtitle.split()) + _EXTRA_WORDS):
        if _opens_value(word.group()):
            break
        end = word.end()
        run = text[at:end]
        score = Levenshtein.normalized_similarity(target, _squeezed(run))
        score += _COLON_BONUS if run[-1] in _CLOSING else 0.0
        if best is None or score > best[0] or (score == best[0] and not clean_word(word.group(), letters=2)):
            best = (score, end)
    if best is None or best[0] < SUBTITLE_LIKE:
        return None
    return best[1]
