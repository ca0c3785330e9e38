"""Personal IDs: the 12-digit số định danh cá nhân (CCCD) checked by its structure, and the old 9-digit CMND.

12 digits = PPP G YY RRRRRR (TT 07/2016 → TT 59/2021/TT-BCA; no checksum):
- PPP: province of birth registration (``config/provinces.json``). After the 2025 merger a code outside the
  table is "unknown", not invalid: the value is kept, the reason given, the confidence lowered.
- G: century and gender, G = 2 × (century − 20) + (1 if female): 0/1 = 1900s male/female, 2/3 = 2000s,
  4/5 = 2100s (the circular goes on to 8/9 = 2300s), so century start = 1900 + 100 × (G // 2), even = male.
  A G of 4 or more means a birth after 2099: the structure is refused.
- YY: the last two digits of the birth year.

A conflict with what the document says (birth year, gender) is reported and lowers the confidence; the digits
are never changed to agree. OCR letters (O → 0, l → 1, S → 5, B → 8, …) are read as digits, and a first digit 6,
8 or 9 as the 0 every ID starts with, only when the result is a complete ID with a known province and no
conflict, i.e. when the structure proves the reading. The first two digits are read as the 00 of a code 00P
(Hà Nội's 001 read "681": both were 6, 8 or 9) only where the document gives the birth year, which the century
and year digits must then give too (and its gender, when it gives one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from config.reference import province_codes
from extract.text import OCR_DIGITS

_DIGITS = frozenset("0123456789")
_SEPARATORS = re.compile(r"[\s.\-–]+")
_EDGE = " \t\r\n:;,.()[]{}\"'*#"
# Factors multiplied into the confidence of the field; a conflict halves it or worse so that matching sends the
# person to review rather than linking on a contradicted ID.
_UNKNOWN_PROVINCE = 0.8
_NOT_ZERO_LEAD = 0.5
_IMPOSSIBLE_CENTURY = 0.3
_YEAR_CONFLICT = 0.5
_GENDER_CONFLICT = 0.6
_REPAIRED = 0.9
_READ_FOR_ZERO = frozenset("689")  # digits a blurred or worn 0 is read as
# ... taken as that 0: a digit changed, which the structure proves less than a letter read as a digit (a quarter of
# random numbers so repaired hold), so a reading that gives a valid ID as printed beats it.
_ZERO_REPAIRED = 0.7
ZEROS_REPAIRED = _ZERO_REPAIRED * _ZERO_REPAIRED  # ... both zeros of a code 00P taken for the loops read
ZEROS_READ = "read for the 00 of province code"  # in the reason of an ID whose two first zeros were read as loops


@dataclass(frozen=True)
class IdCheck:
    value: str | None  # the digits (12 or 9), or None when unusable
    valid: bool  # the structure holds (a conflict with the document does not make it invalid)
    repaired: bool  # OCR letters were read as digits, or loops as the zeros every ID starts with
    reasons: list[str]  # why the confidence is lowered or the value missing
    province: str | None  # province of birth registration, for 12-digit IDs with a known code
    confidence_factor: float  # 1.0 nothing to say; multiply into the field's confidence


def _clean(raw: str) -> str:
    # NFKC turns full-width digits into ASCII; separators between digit groups ("001 085 012345") carry nothing.
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw).strip(_EDGE))


def _ocr_read(s: str) -> str | None:
    """``s`` with OCR letters read as digits, or None if it holds anything else."""
    if not s or any(c not in _DIGITS and c not in OCR_DIGITS for c in s):
        return None
    return "".join(OCR_DIGITS.get(c, c) for c in s)


def _only_candidate(raw: str, size: int) -> str | None:
    """The one number of ``size`` digits in a value that also holds words ("CMND số 271234567"), if just one."""
    found = [c for c, _ in find_ids(raw)]
    if len(found) == 1 and len(_SEPARATORS.sub("", found[0])) == size:
        return found[0]
    return None


def _unusable(reason: str) -> IdCheck:
    return IdCheck(None, False, False, [reason], None, 0.0)


def id_birth_year(citizen_id: str) -> int | None:
    """The birth year a 12-digit personal ID's century/gender digit and year digits say; None if not 12 digits."""
    if len(citizen_id) != 12 or not citizen_id.isdigit():
        return None
    return 1900 + 100 * (int(citizen_id[3]) // 2) + int(citizen_id[4:6])


def _assess(digits: str, birth_year: int | None, gender: str | None) -> tuple[bool, list[str], str | None, float]:
    """(valid, reasons, province, factor) of 12 digits against the structure and the document's facts."""
    valid, reasons, factor = True, [], 1.0
    code = digits[:3]
    province = province_codes().get(code)
    if digits[0] != "0":
        valid = False
        reasons.append(f"first digit {digits[0]}: a personal ID starts with 0 (province code 0PP)")
        factor *= _NOT_ZERO_LEAD
    elif province is None:
        reasons.append(f"province code {code} unknown")
        factor *= _UNKNOWN_PROVINCE
    g = int(digits[3])
    century = 1900 + 100 * (g // 2)
    sex = "female" if g % 2 else "male"
    id_year = id_birth_year(digits) or century
    if g >= 4:
        valid = False
        reasons.append(f"century/gender digit {g} says born {century}-{century + 99}: not possible")
        factor *= _IMPOSSIBLE_CENTURY
    says, doc_says = [], []
    if gender in ("male", "female") and gender != sex:
        says.append(sex)
        doc_says.append(gender)
        factor *= _GENDER_CONFLICT
    if birth_year is not None and birth_year != id_year:
        factor *= _YEAR_CONFLICT
        if century <= birth_year < century + 100:
            reasons.append(f"birth year digits {digits[4:6]} say {id_year} but the document says born {birth_year}")
        else:
            says.append(f"born {century}-{century + 99}")
            doc_says.append(f"born {birth_year}")
    if says:
        reasons.append(f"century/gender digit {g} says {' '.join(says)} but the document says {' '.join(doc_says)}")
    return valid, reasons, province, factor


def check_citizen_id(raw: str, *, birth_year: int | None = None, gender: str | None = None,
                     scanned: bool = True) -> IdCheck:
    """Check a 12-digit personal ID as printed; ``birth_year`` and ``gender`` ("male"/"female") from the document.
    ``scanned``: the digits come from OCR, which may read a worn 0 as 6, 8 or 9 (not so for an ID a person typed)."""
    s = _clean(raw)
    read = s if s and all(c in _DIGITS for c in s) else _ocr_read(s)
    if read is None:
        inner = _only_candidate(raw, 12)
        if inner is not None:
            return check_citizen_id(inner, birth_year=birth_year, gender=gender, scanned=scanned)
        return _unusable(f"not a personal ID: {raw.strip()!r}")
    if len(read) != 12:
        if len(read) == 9:
            return _unusable(f"9 digits: an old CMND number, not a 12-digit personal ID ({raw.strip()!r})")
        return _unusable(f"{len(read)} digits where a personal ID has 12 ({raw.strip()!r})")
    valid, reasons, province, factor = _assess(read, birth_year, gender)
    if scanned and read == s and read[0] in _READ_FOR_ZERO:
        # Every ID starts with 0: a closed loop in its place is that 0 worn or blurred, when the rest then holds.
        zero = "0" + read[1:]
        z_valid, z_reasons, z_province, z_factor = _assess(zero, birth_year, gender)
        if z_valid and not z_reasons:
            note = f"first digit {read[0]} read for the 0 every ID starts with: {s!r} → {zero}"
            return IdCheck(zero, True, True, [note], z_province, z_factor * _ZERO_REPAIRED)
    if scanned and read == s and birth_year is not None and read[0] in _READ_FOR_ZERO \
            and read[1] in _READ_FOR_ZERO:
        # Both zeros of a code 00P read as loops ("681147136179" for 001147136179, Hà Nội), where the first one's
        # 0 alone makes no ID: taken only where 00P is a province and the century and year digits give the birth
        # year the document gives (and the gender, when it gives one). Those digits are not the ones changed, but
        # an ID misread elsewhere rarely still agrees with the document; two digits changed are the less sure.
        zeros = "00" + read[2:]
        z_valid, z_reasons, z_province, z_factor = _assess(zeros, birth_year, gender)
        if z_valid and not z_reasons:  # 00P a province (an unknown code is a reason), no conflict
            note = f"first digits {read[:2]} {ZEROS_READ} {zeros[:3]}: {s!r} → {zeros}"
            return IdCheck(zeros, True, True, [note], z_province, z_factor * ZEROS_REPAIRED)
    if read == s:
        return IdCheck(read, valid, False, reasons, province, factor)
    if valid and not reasons:
        note = f"OCR letters read as digits: {s!r} → {read}"
        return IdCheck(read, True, True, [note], province, factor * _REPAIRED)
    why = "; ".join(reasons) or "structure not valid"
    return _unusable(f"{s!r} would read {read} with OCR letters as digits, not proven: {why}")


def check_old_id(raw: str) -> IdCheck:
    """Check an old 9-digit CMND number.

    Nothing beyond the length can be checked: the prefix is the issuing police office, not the birthplace, and
    numbers collide between offices (Bà Rịa–Vũng Tàu / Đồng Nai), so a CMND is never a unique key on its own.
    For the same reason OCR letters in it are not repaired, only reported.
    """
    s = _clean(raw)
    if s and all(c in _DIGITS for c in s):
        if len(s) == 9:
            return IdCheck(s, True, False, [], None, 1.0)
        if len(s) == 12:
            return _unusable(f"12 digits: a personal ID, not an old CMND number ({raw.strip()!r})")
        return _unusable(f"{len(s)} digits where an old CMND number has 9 ({raw.strip()!r})")
    read = _ocr_read(s)
    if read is None:
        inner = _only_candidate(raw, 9)
        if inner is not None:
            return check_old_id(inner)
    if read is not None and len(read) == 9:
        return _unusable(f"{s!r} might read {read} with OCR letters as digits; a CMND number cannot prove it")
    return _unusable(f"not an old CMND number: {raw.strip()!r}")


# --- candidates in running text ----------------------------------------------------------------------------

_CHUNK_CHARS = "".join(sorted(c for c in OCR_DIGITS if c not in "|!"))
_D = f"[0-9{_CHUNK_CHARS}]"
# Digit groups, possibly misread, joined by one space, dot or dash; "|" and "!" only between two digits.
_SEQUENCE = re.compile(rf"(?<!\w){_D}(?:[|!]?{_D})*(?:(?: ?[.\-] ?| ){_D}(?:[|!]?{_D})*)*(?!\w)")
_CHUNK = re.compile(rf"{_D}(?:[|!]?{_D})*")
_MIN_REAL = {12: 9, 9: 7}  # fewer real digits than this and the "number" is more likely a word


def find_ids(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Candidate 12- and 9-digit numbers in ``text`` as printed (separators and OCR letters included) with spans.

    Give each to ``check_citizen_id`` / ``check_old_id``: finding one proves nothing about it.
    """
    found: list[tuple[int, int]] = []
    for seq in _SEQUENCE.finditer(text):
        chunks = [(m.start() + seq.start(), m.end() + seq.start()) for m in _CHUNK.finditer(seq.group())]
        used = [False] * len(chunks)
        for size in (12, 9):
            i = 0
            while i < len(chunks):
                j, total = i, 0
                while j < len(chunks) and total < size and not used[j]:
                    total += chunks[j][1] - chunks[j][0]
                    j += 1
                piece = text[chunks[i][0]:chunks[j - 1][1]] if j > i else ""
                real = sum(c in _DIGITS for c in piece)
                if not used[i] and total == size and real >= _MIN_REAL[size]:
                    found.append((chunks[i][0], chunks[j - 1][1]))
                    used[i:j] = [True] * (j - i)
                    i = j
                else:
                    i += 1
    return [(text[s:e], (s, e)) for s, e in sorted(found)]


# A 12-digit ID OCR read a digit short or long (a speck read as one more digit, two digits run into one): no
# structure tells which digit, so nothing here restores it (a linked citizen's registry entry may: extract.confirm).
_SLIPPED_SIZES = frozenset({11, 13})


def find_slipped_ids(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Numbers in ``text`` a digit short of a 12-digit ID or a digit past it, as printed, with their spans; for a
    value ``find_ids`` finds no ID in."""
    return [(seq.group(), seq.span()) for seq in _SEQUENCE.finditer(text) if slipped_digits(seq.group()) is not None]


def slipped_digits(raw: str) -> str | None:
    """The digits of ``raw`` (OCR letters read as digits) when they are a digit short of or past a 12-digit ID and
    nearly all were read as digits."""
    s = _clean(raw)
    read = _ocr_read(s)
    if read is None or len(read) not in _SLIPPED_SIZES or sum(c in _DIGITS for c in s) < _MIN_REAL[12]:
        return None
    return read


def mask_id(value: str | None) -> str:
    """"001******123": enough to tell IDs apart in a log, not enough to identify anyone."""
    if not value:
        return "-"
    if len(value) <= 6:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 6) + value[-3:]
