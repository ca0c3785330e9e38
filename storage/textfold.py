"""Accent-insensitive text keys for Vietnamese search ("nguyen van an" finds "NGUYỄN VĂN AN").

Folding is one character in, one character out, so a match position in the folded text is the same
position in the original text (used to cut snippets from the original).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_EXTRA = {"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l"}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _EXTRA:
        return _EXTRA[ch]
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch.lower()[:1] or ch


def fold(text: str) -> str:
    """NFC, then every character to its lower-case base letter (đ → d); length is preserved."""
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fold_tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))
