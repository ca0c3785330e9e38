"""Leaving sensitive personal data out of what a reader without the ``sensitive`` scope receives.

Decree 13/2023 counts ethnic origin, religion and health (a cause of death) as sensitive. The configured
field names are dropped from a record's fields and persons' fields; the OCR text carries the same values
after their printed labels, so those values are masked in the text too (labels matched accent-folded, which
survives OCR's lost diacritics). Over-masking a line is preferred to leaking a value.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from functools import lru_cache

from storage.textfold import fold

MASK = "[ẩn]"
# Printed labels of the sensitive values, per field name; a field without labels is only dropped.
LABELS: dict[str, tuple[str, ...]] = {
    "ethnicity": ("Dân tộc", "Ethnicity"),
    "religion": ("Tôn giáo", "Religion"),
    "cause_of_death": ("Nguyên nhân chết", "Nguyên nhân tử vong", "Cause of death"),
}


@lru_cache(maxsize=16)
def _pattern(names: frozenset[str]) -> re.Pattern | None:
    labels = sorted({fold(label) for name in names for label in LABELS.get(name, ())}, key=len, reverse=True)
    if not labels:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, label.split())) for label in labels)
    # label, an optional "/ English label", an optional colon, then the value up to the end of the line
    return re.compile(rf"\b(?:{alternatives})\b(?:\s*/\s*[a-z ]{{1,20}})?\s*:?[ \t]*([^\n]*)")


def redact_text(text: str, names: frozenset[str]) -> str:
    pattern = _pattern(names)
    if not text or pattern is None:
        return text
    original = unicodedata.normalize("NFC", text)
    folded = fold(original)  # one character per character: positions carry over
    out, last = [], 0
    for m in pattern.finditer(folded):
        start, end = m.span(1)
        if start == end:
            continue
        out.append(original[last:start])
        out.append(MASK)
        last = end
    out.append(original[last:])
    return "".join(out)


def redact_record(record: dict, names: frozenset[str]) -> dict:
    """A copy of the record without the named fields, anywhere, and with their values masked in the text."""
    if not names:
        return record
    out = copy.deepcopy(record)
    for name in names:
        (out.get("fields") or {}).pop(name, None)
        for person in out.get("persons") or []:
            (person.get("fields") or {}).pop(name, None)
            misread = person.get("misread") or {}
            misread.pop(name, None)
            if not misread:
                person.pop("misread", None)
    if out.get("text"):
        out["text"] = redact_text(out["text"], names)
    for page in out.get("pages") or []:
        if page.get("text"):
            page["text"] = redact_text(page["text"], names)
    return out
