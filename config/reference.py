"""Reference tables shipped with the package (``config/*.json``), read once per process."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


@cache
def _load(name: str) -> dict:
    with (_HERE / name).open(encoding="utf-8") as f:
        return json.load(f)


def province_codes() -> dict[str, str]:
    """Three-digit province code of the personal ID → province name (NFC). Keys starting with ``_`` are notes.

    A copy, so a caller changing it cannot change what every other caller sees.
    """
    return {code: name for code, name in _load("provinces.json").items() if not code.startswith("_")}


def name_syllables() -> tuple[str, ...]:
    """Syllables of common Vietnamese middle and given names (upper case, NFC)."""
    return tuple(_load("name_syllables.json")["names"])
