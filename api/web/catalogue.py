"""The staff page's words: one JSON file per language under ``config/ui`` (``vi.json``; an ``en.json`` with
the same keys adds English). Keys are dotted (``batch.title``); values are ``str.format`` templates. A key
missing from a language falls back to Vietnamese, then to the key itself, so a gap shows, never crashes."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

UI_DIR = Path(__file__).resolve().parents[2] / "config" / "ui"
DEFAULT = "vi"
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")  # times are stored in UTC and shown as the office's clock
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?")


@cache
def _load(lang: str) -> dict[str, str]:
    path = UI_DIR / f"{lang}.json"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        return _flatten(json.load(f))


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        if key.startswith("_"):
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


class Catalogue:
    def __init__(self, lang: str = DEFAULT) -> None:
        self.lang = lang if _load(lang) else DEFAULT
        self._words = {**_load(DEFAULT), **_load(self.lang)}
        self._compiled: list[tuple[re.Pattern, str]] | None = None

    def __call__(self, key: str, /, **params: object) -> str:
        template = self._words.get(key)
        if template is None:
            return key
        try:
            return template.format(**params) if params else template
        except (KeyError, IndexError, ValueError):
            return template

    def reason(self, text: str) -> str:
        """A matcher's reason or a record's warning (English in the record) in this language, when the catalogue
        knows its form; as written otherwise, never an error (a group may hold a user name like "2024Tuan")."""
        for pattern, template in self._reasons:
            found = pattern.match(text)
            if found:
                groups = [show_datetime(g) if g and _ISO_TIME.fullmatch(g) else g for g in found.groups()]
                try:
                    return template.format(None, *groups)
                except (IndexError, KeyError, ValueError):
                    return text
        return text

    @property
    def _reasons(self) -> list[tuple[re.Pattern, str]]:
        if self._compiled is None:
            self._compiled = [(re.compile(k[len("match_reasons.") :]), v) for k, v in self._words.items()
                              if k.startswith("match_reasons.^")]
        return self._compiled

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._words.get(key, default)

    def as_dict(self, prefix: str) -> dict[str, str]:
        """The entries under ``prefix.`` (for the page's JavaScript), without the prefix."""
        return {k[len(prefix) + 1 :]: v for k, v in self._words.items() if k.startswith(prefix + ".")}


def show_date(value: object) -> str:
    """dd/mm/yyyy from an ISO date (a year alone stays a year), a date or a datetime (in local time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        return when.astimezone(LOCAL_TIME).strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    if len(text) >= 19 and text[10] == "T":
        return show_date(datetime.fromisoformat(text))
    return text


def show_datetime(value: object) -> str:
    """dd/mm/yyyy HH:MM in local time."""
    if value is None or value == "":
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(when, datetime):
        return show_date(value)
    when = when if when.tzinfo else when.replace(tzinfo=ZoneInfo("UTC"))
    return when.astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")


def show_number(value: float | int | None, digits: int = 0) -> str:
    """Vietnamese number form: 1.234,5."""
    if value is None:
        return ""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
