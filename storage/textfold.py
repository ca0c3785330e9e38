"""Accent-insensitive text keys for Vietnamese search ("nguyen van an" finds "NGUYỄN VĂN AN").

Folding is the extract stage's (``extract.text.fold``): one character in, one character out, so a match
position in the folded text is the same position in the original text (used to cut snippets).
"""

from __future__ import annotations

import re

from extract.text import fold

__all__ = ["fold", "fold_tokens"]

# Letters and digits; the underscore separates words, as in FTS5's tokenizer and PostgreSQL's search text.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def fold_tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))
