"""Wording of the scan quality flags in each language (``quality_messages.json``).

A flag is stored as a code plus its numbers (``params``); the words are made from them here, so the same
flag reads in English in the document record and in Vietnamese in the scanner operator's rescan list.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "vi")


@cache
def _catalogue() -> dict:
    with (Path(__file__).parent / "quality_messages.json").open(encoding="utf-8") as f:
        return json.load(f)


def quality_message(code: str, params: dict, lang: str = "en") -> str:
    """The sentence for one flag; an unknown code or language falls back to English, then to the code."""
    table = _catalogue().get(lang) or _catalogue()["en"]
    key = _variant(code, params)
    template = table.get(key) or _catalogue()["en"].get(key)
    if template is None:
        return code
    values = dict(params)
    if "sides" in values:
        names = table["sides"]
        values["sides"] = names["and"].join(names.get(s, s) for s in values["sides"])
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return code


def _variant(code: str, params: dict) -> str:
    if code == "low_dpi" and params.get("estimated"):
        return "low_dpi_estimated"
    if code == "not_colour":
        return f"not_colour_{params.get('kind', 'greyscale')}"
    if code == "low_confidence" and params.get("confidence") is None:
        return "low_confidence_no_text"
    return code
