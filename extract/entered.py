"""Field values typed by records staff (corrections), brought to the contract's value forms and checked.

The same forms extraction produces: names NFC upper case with single spaces, dates ``YYYY-MM-DD`` (or a year
alone), gender ``male``/``female``, ``citizen_id`` 12 digits with a valid structure, ``old_id_number`` 9
digits, other text NFC with single spaces. Unlike OCR output nothing is repaired: a person typed it, so a
value that is not plainly right is refused with a message saying what is expected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from config.templates import DOCUMENT_FIELDS, PERSON_FIELDS
from extract.dates import parse_date
from extract.gender import parse_gender
from extract.ids import check_citizen_id, check_old_id
from extract.names import normalize_name
from extract.text import collapse_spaces, nfc
from ingest.errors import SohoaError

DATE_FIELDS = frozenset({"date_of_birth", "registration_date", "document_date"})
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$", re.UNICODE)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_MAX_TEXT = 500


class InvalidValueError(SohoaError):
    """A corrected value that is not in the field's form (a bad date, an 11-digit ID, ...)."""

    code = "invalid_value"


class UnknownFieldError(SohoaError):
    code = "unknown_field"


@dataclass(frozen=True)
class EnteredValue:
    value: str
    notes: list[str] = field(default_factory=list)  # accepted, but worth showing (an unknown province code)


def field_names(person: bool) -> tuple[str, ...]:
    return PERSON_FIELDS if person else DOCUMENT_FIELDS


def normalize_entered(name: str, raw: str, *, person: bool, today: date | None = None) -> EnteredValue:
    """The value of field ``name`` as typed, in the contract's form; raises InvalidValueError/UnknownFieldError."""
    allowed = field_names(person)
    if name not in allowed:
        where = "a person" if person else "a document"
        raise UnknownFieldError(f"{name!r} is not a field of {where}; one of: {', '.join(allowed)}")
    text = collapse_spaces(nfc(raw or ""))
    if not text:
        raise InvalidValueError(f"{name}: the value is empty")
    if len(text) > _MAX_TEXT:
        raise InvalidValueError(f"{name}: longer than {_MAX_TEXT} characters")
    if name == "full_name":
        return EnteredValue(_name(text))
    if name in DATE_FIELDS:
        return EnteredValue(_date(name, text, today or date.today()))
    if name == "gender":
        value = parse_gender(text)
        if value is None or len(text.split()) > 2:
            raise InvalidValueError(f"gender: {text!r} is neither male nor female (Nam/Nữ, male/female)")
        return EnteredValue(value)
    if name == "citizen_id":
        digits = "".join(c for c in text if c not in " .-")
        if not digits.isdigit() or len(digits) != 12:
            what = "digits only" if not digits.isdigit() else f"12 digits, not {len(digits)}"
            raise InvalidValueError(f"citizen_id: {_mask(text)} is not a 12-digit personal ID (it must have {what})")
        check = check_citizen_id(digits, scanned=False)
        if check.value is None or not check.valid:
            reason = "; ".join(check.reasons) or "not a valid structure"
            raise InvalidValueError(f"citizen_id: {_mask(text)} is not a 12-digit personal ID ({_masked(reason)})")
        return EnteredValue(check.value, [_masked(r) for r in check.reasons])
    if name == "old_id_number":
        check = check_old_id(text)
        if check.value is None or not _digits_only(text):
            raise InvalidValueError(f"old_id_number: {_mask(text)} is not a 9-digit CMND number")
        return EnteredValue(check.value)
    return EnteredValue(text)


def _name(text: str) -> str:
    if not _NAME_CHARS.match(text):
        raise InvalidValueError("full_name: a name has letters only (no digits or punctuation)")
    value = normalize_name(text)
    if len(value.split()) < 2:
        raise InvalidValueError("full_name: give the full name (family name, middle and given names)")
    return value


def _date(name: str, text: str, today: date) -> str:
    if _YEAR.match(text):
        value = text
    elif _ISO.match(text):
        try:
            value = date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidValueError(f"{name}: {text!r} is not a date that exists") from None
    else:
        parsed = parse_date(text)
        # The whole entry must be the date: "12/3/1985 (?)" or a year picked out of words is not one.
        if parsed is None or parsed.repaired or parsed.span != (0, len(text)):
            raise InvalidValueError(f"{name}: {text!r} is not a date; write dd/mm/yyyy, yyyy-mm-dd or a year")
        value = parsed.value
    year = int(value[:4])
    if year < 1850 or value > today.isoformat()[: len(value)]:
        raise InvalidValueError(f"{name}: {value} is not a possible date (before 1850 or in the future)")
    return value


def _digits_only(text: str) -> bool:
    return all(c.isdigit() or c in " .-" for c in unicodedata.normalize("NFKC", text))


def _mask(text: str) -> str:
    """An ID for messages and logs: the first three and last three digits (``001******123``)."""
    digits = "".join(c for c in text if c.isalnum())
    return digits[:3] + "*" * max(0, len(digits) - 6) + digits[-3:] if len(digits) > 6 else "*" * len(digits)


def _masked(reason: str) -> str:
    # check_citizen_id quotes the value in some reasons; an ID must not reach a log or a screen in full.
    return re.sub(r"\w*\d\w*", lambda m: _mask(m.group()) if len(m.group()) > 6 else m.group(), reason)
