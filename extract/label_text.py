"""The text a label is matched on: its skeleton, the misread letters it may have, how well a phrase occurs in a text.

A label is matched on its *skeleton*: accent-folded, lower case, punctuation turned into spaces ("Ngày, tháng,
năm sinh" → "ngay thang nam sinh"), so lost commas and misread tones cost nothing and a few misread letters
cost little.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from extract.text import fold

__all__ = ["SHORT", "max_edits", "phrase_score", "skeleton"]

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
SHORT = 3  # skeletons this short ("so", "ong", "ba") must match exactly and be followed by a colon


@lru_cache(maxsize=16384)
def skeleton(text: str) -> str:
    return " ".join(_NOT_ALNUM.sub(" ", fold(text)).split())


def max_edits(size: int) -> int:
    """Misread letters a label of ``size`` skeleton characters may have and still be that label."""
    if size <= SHORT:
        return 0
    if size <= 9:
        return 1
    if size <= 15:
        return 2
    return size // 7


def phrase_score(phrase: str, text: str) -> float:
    """How well ``phrase`` occurs somewhere in ``text`` (0..1), on skeletons, aligned to word starts."""
    p, t = skeleton(phrase), skeleton(text)
    if not p or not t:
        return 0.0
    if p in t:
        return 1.0
    words = t.split(" ")
    n = p.count(" ") + 1
    cands = [" ".join(words[i:i + m]) for i in range(len(words)) for m in (n - 1, n, n + 1, n + 2)
             if m >= 1 and i + m <= len(words)]
    found = process.extractOne(p, cands, scorer=Levenshtein.normalized_similarity)
    return float(found[1]) if found else 0.0
