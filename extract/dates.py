"""Dates as printed on civil records → ``YYYY-MM-DD`` (or ``YYYY`` for a year alone).

Forms read: numeric ``24/08/2017``, ``6/5/2025``, ``06-05-2025``, ``06.05.2025``; long "ngày 24 tháng 08 năm
2017"; in words "Mùng chín tháng mười một năm một nghìn chín trăm bảy mươi ba" (numbers: ``extract.numwords``);
a year alone "1961". Matching runs on the text with its marks stripped, so lost or misplaced accents ("thang",
"nam", old/new tone placement, NFD input) do not matter; spans point into the caller's own string. "năm" read a
letter off on hard scans ("nồm 2019") still opens the year where four digits follow it.

OCR letters in digit groups ("2O17") are read as digits only when the whole date then exists; an impossible date
(31/02) is refused, not moved to a near one, and also hides the year inside it from the year-alone scan.
Two-digit years ("6/5/85") are not read: the century cannot be proven.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from extract.numwords import NUMBER_WORDS, normalize_word, parse_number
from extract.text import OCR_DIGITS, original_span, strip_marks

MIN_YEAR, MAX_YEAR = 1850, 2100
# "|" and "!" are left out: next to a date they are far more often table rules and punctuation than a 1.
_DATE_DIGITS = {k: v for k, v in OCR_DIGITS.items() if k not in "|!"}
_DIGITISH = "0-9" + "".join(sorted(_DATE_DIGITS))
_MAX_REPAIRS = 2  # letters read as digits in one date; more and it is not a date that happens to be misread
_G = f"[{_DIGITISH}]"
# Between day, month and year (a character class's body); ⁄ is the fraction slash OCR reads a slash between small
# digits as ("1⁄4/1931").
SEPARATORS = r"/.\-⁄"
_SEP = rf"[ \t]*([{SEPARATORS}])[ \t]*"
_NUMERIC = re.compile(rf"(?<![0-9])({_G}{{1,2}}){_SEP}({_G}{{1,2}}){_SEP}({_G}{{4}})(?![0-9])")
_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")
_DAY_PREFIX = {"mung", "mong"}
_MONTH_NAMES = {"gieng": 1, "chap": 12}  # tháng giêng, tháng chạp
_MAX_DAY_WORDS = 4  # "hai mươi mốt" is three
_MISREAD_NAM = re.compile(r"n[a-z]m")  # marks stripped: "nồm", "ném", "nšm" (š is s)


@dataclass(frozen=True)
class ParsedDate:
    value: str  # "YYYY-MM-DD" or "YYYY"
    form: str  # "numeric" | "long" (ngày/tháng/năm with digits) | "words" (any part in words) | "year" (digits alone)
    span: tuple[int, int]  # where in the text given
    repaired: bool = False  # OCR letters were read as digits


def parse_date(text: str) -> ParsedDate | None:
    """The first full date in ``text``, else the first year alone, else ``None``."""
    found = parse_all_dates(text)
    full = [d for d in found if len(d.value) == 10]
    return (full or found or [None])[0]


def parse_all_dates(text: str, *, years: bool = True) -> list[ParsedDate]:
    """Every date in ``text`` in order of position; ``years=False`` leaves out years alone."""
    plain, where = strip_marks(text)
    tokens = _tokens(plain)
    taken: list[tuple[int, int]] = []  # plain-text spans claimed by a date, or by an impossible one
    found: list[tuple[int, int, str, str, bool]] = []

    def claim(start: int, end: int, value: str | None, form: str, repaired: bool) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        if value is not None:
            found.append((start, end, value, form, repaired))

    for item in _numeric(plain):
        claim(*item)
    for item in _framed(tokens):
        claim(*item)
    if years:
        for item in _years(plain, tokens):
            claim(*item)
    found.sort()
    return [
        ParsedDate(value, form, original_span(text, where, start, end), repaired)
        for start, end, value, form, repaired in found
    ]


# --- tokens -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    word: str | None  # folded, OCR slips undone; None for digit groups and punctuation
    digits: str | None  # the digit group with OCR letters read as digits, when it holds at least one real digit
    repairs: int
    punct: str | None

    @property
    def numeric_word(self) -> bool:
        return self.word in NUMBER_WORDS


def _as_digits(group: str) -> tuple[str, int] | None:
    if not any(c.isdigit() for c in group):
        return None
    out = []
    for c in group:
        if c.isdigit():
            out.append(c)
        elif c in _DATE_DIGITS:
            out.append(_DATE_DIGITS[c])
        else:
            return None
    return "".join(out), sum(not c.isdigit() for c in group)


def _tokens(plain: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(plain):
        s = m.group()
        if not s[0].isalnum():
            out.append(_Tok(m.start(), m.end(), None, None, 0, s))
            continue
        dig = _as_digits(s)
        if dig is not None:
            out.append(_Tok(m.start(), m.end(), None, dig[0], dig[1], None))
        else:
            out.append(_Tok(m.start(), m.end(), normalize_word(s.lower()), None, 0, None))
    return [_year_word(t, out[k + 1] if k + 1 < len(out) else None) for k, t in enumerate(out)]


def _year_word(tok: _Tok, after: _Tok | None) -> _Tok:
    """A word of three letters, "n", one other, "m", right before four digits ("nồm 2019", "nšm 2008" on hard scans)
    as "năm": no other word of a date stands there."""
    if tok.word is None or tok.word == "nam" or not _MISREAD_NAM.fullmatch(tok.word):
        return tok
    if after is None or after.digits is None or len(after.digits) != 4:
        return tok
    return replace(tok, word="nam")


# --- numeric dd/mm/yyyy -----------------------------------------------------------------------------------


def _valid(year: int, month: int, day: int) -> bool:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _numeric(plain: str):
    pos = 0
    while m := _NUMERIC.search(plain, pos):
        pos = m.start() + 1
        first, last = m.group()[0], m.group()[-1]
        if (first.isalpha() and m.start() > 0 and plain[m.start() - 1].isalpha()) or (
            last.isalpha() and m.end() < len(plain) and plain[m.end()].isalpha()
        ):
            continue
        groups = [_as_digits(m.group(i)) for i in (1, 3, 5)]
        if any(g is None for g in groups):
            continue
        (d, r1), (mo, r2), (y, r3) = groups  # type: ignore[misc]
        repairs = r1 + r2 + r3
        if repairs > _MAX_REPAIRS:
            continue
        pos = m.end()
        if _valid(int(y), int(mo), int(d)):
            yield m.start(), m.end(), f"{y}-{int(mo):02d}-{int(d):02d}", "numeric", repairs > 0
        else:
            yield m.start(), m.end(), None, "numeric", False


# --- ngày … tháng … năm … (digits or words) ---------------------------------------------------------------


def _slot(toks: list[_Tok]) -> tuple[int, int, bool] | None:
    """(value, repairs, in_words) of one date part: a single digit group, or number words."""
    if len(toks) == 1 and toks[0].digits is not None:
        return int(toks[0].digits), toks[0].repairs, False
    if toks and all(t.numeric_word for t in toks):
        value = parse_number([t.word for t in toks])  # type: ignore[misc]
        return None if value is None else (value, 0, True)
    return None


def _in_date(t: _Tok) -> bool:
    return t.numeric_word or t.digits is not None or t.word in _MONTH_NAMES


def _left_of(tokens: list[_Tok], k: int) -> tuple[list[_Tok], int | None]:
    """The day's tokens before "tháng" at ``k`` and where the date starts if "ngày"/"mùng" opens it."""
    day: list[_Tok] = []
    i = k - 1
    while i >= 0 and len(day) <= _MAX_DAY_WORDS:
        t = tokens[i]
        if t.punct == ",":
            i -= 1
            continue
        if t.word in _DAY_PREFIX:
            if i > 0 and tokens[i - 1].word == "ngay":
                return day, tokens[i - 1].start
            return day, t.start
        if t.word == "ngay":
            return day, t.start
        if t.word in NUMBER_WORDS or t.digits is not None:
            day.insert(0, t)
            i -= 1
            continue
        break
    return day, None


def _year_after(run: list[_Tok]) -> tuple[int, int, int, bool] | None:
    """(year, end, repairs, in_words) read from the start of ``run``: one 4-digit group, or the longest words."""
    if not run:
        return None
    if run[0].digits is not None:
        y = run[0].digits
        return (int(y), run[0].end, run[0].repairs, False) if len(y) == 4 else None
    for n in range(len(run), 0, -1):
        if all(t.numeric_word for t in run[:n]):
            value = parse_number([t.word for t in run[:n]])  # type: ignore[misc]
            if value is not None and MIN_YEAR <= value <= MAX_YEAR:
                return value, run[n - 1].end, 0, True
    return None


def _framed(tokens: list[_Tok]):
    for k, tok in enumerate(tokens):
        if tok.word != "thang":
            continue
        run: list[_Tok] = []
        for t in tokens[k + 1:k + 16]:
            if t.punct == ",":
                continue
            if not _in_date(t):
                break
            run.append(t)
        read = _month_year(run)
        if read is None:
            if any(t.word == "nam" for t in run[1:-1]):
                yield tok.start, run[-1].end, None, "long", False  # "tháng 13 năm 2017": refused, year included
            continue
        month, m_rep, m_words, year, end, y_rep, y_words = read
        day_toks, opened = _left_of(tokens, k)
        day = _day(day_toks, opened is not None)
        start = opened if opened is not None else (day[3] if day else tok.start)
        if day_toks and day is None:
            yield start, end, None, "long", False  # a day is written but is not one: the date is refused
            continue
        in_words = m_words or y_words or (day is not None and day[2])
        form = "words" if in_words else "long"
        if day is None:
            # Month and year only: the contract has no form for it, the year alone is what can be given.
            yield start, end, f"{year:04d}", form, y_rep > 0
            continue
        repairs = m_rep + y_rep + day[1]
        if repairs > _MAX_REPAIRS:
            continue
        if _valid(year, month, day[0]):
            yield start, end, f"{year:04d}-{month:02d}-{day[0]:02d}", form, repairs > 0
        else:
            yield start, end, None, form, False


def _day(toks: list[_Tok], opened: bool) -> tuple[int, int, bool, int] | None:
    """(day, repairs, in_words, start) of the day's tokens; without "ngày"/"mùng" the shortest tail may do."""
    tails = [toks] if opened else [toks[i:] for i in range(len(toks))]
    for tail in tails:
        read = _slot(tail)
        if read is not None and 1 <= read[0] <= 31:
            return read[0], read[1], read[2], tail[0].start
    return None


def _month_year(run: list[_Tok]):
    # "năm" is both the word for year and 5, so try each "năm" in turn as the one that opens the year.
    for j, t in enumerate(run):
        if t.word != "nam" or j == 0:
            continue
        part = run[:j]
        if len(part) == 1 and part[0].word in _MONTH_NAMES:
            month = (_MONTH_NAMES[part[0].word], 0, True)  # type: ignore[index]
        else:
            month = _slot(part)
        if month is None or not 1 <= month[0] <= 12:
            continue
        year = _year_after(run[j + 1:])
        if year is None or not MIN_YEAR <= year[0] <= MAX_YEAR:
            continue
        return month[0], month[1], month[2], year[0], year[1], year[2], year[3]
    return None


# --- a year alone ------------------------------------------------------------------------------------------


def _joined(plain: str, start: int, end: int) -> bool:
    """Whether a 4-digit group is one part of a longer number such as 01/2017 or 2017-2018."""
    before, after = plain[max(0, start - 2):start], plain[end:end + 2]
    return (len(before) == 2 and before[1] in "/.-" and before[0].isalnum()) or (
        len(after) == 2 and after[0] in "/.-" and after[1].isalnum()
    )


def _years(plain: str, tokens: list[_Tok]):
    for k, t in enumerate(tokens):
        if t.digits is not None and len(t.digits) == 4 and t.repairs <= 1 and not _joined(plain, t.start, t.end):
            if MIN_YEAR <= int(t.digits) <= MAX_YEAR:
                yield t.start, t.end, t.digits, "year", t.repairs > 0
        elif t.word in ("nghin", "ngan") and k > 0 and tokens[k - 1].word in ("mot", "hai"):
            run = []
            for u in tokens[k - 1:k + 12]:
                if not u.numeric_word:
                    break
                run.append(u)
            read = _year_after(run)
            if read is not None:
                yield tokens[k - 1].start, read[1], f"{read[0]:04d}", "words", False
