"""Dates the way Vietnamese civil records print them: slashes, "ngày .. tháng .. năm ..", and in words."""

from __future__ import annotations

import random
from datetime import date

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTHS = ("một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai")

# Styles a form may ask for; the truth value is always ISO whatever the style.
SLASH_STYLES = ("pad", "unpad", "mixed")


def _below_100(n: int, four: str) -> str:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return DIGITS[unit]
    if tens == 1:
        head = "mười"
        tail = {0: "", 5: "lăm"}.get(unit, DIGITS[unit])
    else:
        head = f"{DIGITS[tens]} mươi"
        # After "mươi", 1 reads "mốt", 4 often "tư" and 5 "lăm": the spoken forms clerks write out.
        tail = {0: "", 1: "mốt", 4: four, 5: "lăm"}.get(unit, DIGITS[unit])
    return f"{head} {tail}".strip()


def _below_1000(n: int, four: str, zero_hundreds: bool, linh: str) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not zero_hundreds:
        return _below_100(rest, four)
    head = f"{DIGITS[hundreds]} trăm"
    if rest == 0:
        return head
    if rest < 10:
        return f"{head} {linh} {DIGITS[rest]}"
    return f"{head} {_below_100(rest, four)}"


def number_words(n: int, *, four: str = "tư", linh: str = "linh", thousand: str = "nghìn") -> str:
    """Vietnamese number words for 0..9999 ("hai nghìn không trăm linh năm" for 2005)."""
    if not 0 <= n <= 9999:
        raise ValueError(f"number out of range: {n}")
    thousands, rest = divmod(n, 1000)
    if thousands == 0:
        return _below_1000(rest, four, zero_hundreds=False, linh=linh)
    head = f"{DIGITS[thousands]} {thousand}"
    if rest == 0:
        return head
    return f"{head} {_below_1000(rest, four, zero_hundreds=True, linh=linh)}"


def date_in_words(d: date, rng: random.Random | None = None) -> str:
    """"Mùng chín tháng mười một năm một nghìn chín trăm bảy mươi ba" and its regional variants."""
    rng = rng or random.Random(0)
    four = rng.choice(("tư", "tư", "bốn"))
    linh = rng.choice(("linh", "linh", "lẻ"))
    if d.day <= 10:
        day = f"{rng.choice(('Mùng', 'Mùng', 'Mồng'))} {DIGITS[d.day] if d.day < 10 else 'mười'}"
    else:
        day = f"Ngày {_below_100(d.day, four)}"
    year = number_words(d.year, four=four, linh=linh, thousand=rng.choice(("nghìn", "nghìn", "ngàn")))
    return f"{day} tháng {MONTHS[d.month - 1]} năm {year}"


def slash_date(d: date, style: str = "pad") -> str:
    """dd/mm/yyyy, unpadded 6/5/2015, or the mixed 06/5/2025 clerks also type."""
    if style == "pad":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "unpad":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "mixed":
        return f"{d.day:02d}/{d.month}/{d.year}"
    raise ValueError(f"unknown date style {style!r}")


def long_date(d: date, pad: bool = True) -> str:
    """"ngày 24 tháng 08 năm 2017" (or unpadded "ngày 6 tháng 5 năm 2015")."""
    if pad:
        return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    return f"ngày {d.day} tháng {d.month} năm {d.year}"


def random_date(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return d.replace(year=d.year + years, day=28)
