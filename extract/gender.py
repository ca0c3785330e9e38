"""Gender as printed ("Nam", "Nữ", bilingual "Nam / Male", "Sex: F") → ``male`` / ``female``.

Reads the first word of the value only, after an optional "Giới tính" / "Sex" label: "Nam" is also the last
word of "Việt Nam", so the caller passes the text that follows the gender label, never a whole line.
"""

from __future__ import annotations

import re

from extract.text import fold

_LABEL = re.compile(r"^\s*(?:gioi\s*tinh|sex)\s*(?:/\s*(?:gioi\s*tinh|sex)\s*)?[:.]?\s*")
_WORD = re.compile(r"[a-z]+")
# Folded, so "Nữ", "Nừ", "Nũ", "Nü", "Nu" (marks misread or lost) all arrive as "nu". "rn" is OCR for "m".
# "trai"/"gái" are what some old registers print ("con trai", "con gái").
_MALE = {"nam", "narn", "male", "m", "trai"}
_FEMALE = {"nu", "female", "f", "gai"}
_AFTER_LETTER = ("", " ", "\t", "/", ",", ".", ";", ")")  # what may follow a gender given as one letter


def parse_gender(text: str) -> str | None:
    """``male``, ``female``, or ``None`` when the first word is neither."""
    folded = _LABEL.sub("", fold(text))
    m = _WORD.search(folded)
    if m is None or folded[: m.start()].strip(" :/-.()"):
        return None
    word = m.group()
    if len(word) == 1 and folded[m.end(): m.end() + 1] not in _AFTER_LETTER:
        # A letter going on in a glyph folding does not make a-z or a symbol is a misread word: "MŒ" and "M@"
        # are a misread "Nữ", not the "M" of "Sex: M".
        return None
    if word in _MALE:
        return "male"
    if word in _FEMALE:
        return "female"
    return None
