"""What a document says about a person, and how well one registry entry fits it.

:func:`assess` compares the document's evidence with a registry entry field by field and sums a score:
name × W_NAME + birth + gender + extra (ID, old ID, address, origin, birth province; extra capped at
EXTRA_CAP) + penalties. An exact name with the exact birth date and gender scores 0.90; corroboration brings
it towards 1.0; a contradiction (another ID, another old ID, a different place of origin) pulls it down and
marks the assessment as conflicting. The decision built on it lives in extract.matching.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import Levenshtein

from extract.model import FieldValue
from extract.mrz import ZONE_PROOF
from extract.names import name_similarity, normalize_name
from extract.places import legible, place_similarity, surely_another_place
from extract.spelling import USUAL_SPELLING
from extract.text import DIGIT_CONFUSIONS, fold

NAME_CANDIDATE = 0.60  # below this the names are different people's: not worth comparing anything else
ADDRESS_STRONG = 0.90
ADDRESS_CLOSE = 0.80
# A place read with less confidence than this may be garbled past the letters OCR usually slips on (seed 1010097:
# 0.59); clean readings of a place, another one or not, are read at 0.85 and more.
UNSURE_PLACE = 0.7
ORIGIN_CONFLICT = 0.60  # quê quán does not change over a life: a clearly different one is counter-evidence
MIN_YEAR, MAX_YEAR = 1850, 2100

W_NAME = 0.60
# "read": the registry's date is one the page's readings gave besides the chosen value (FieldValue.alternatives).
# Often a single reading, one digit off the chosen value: it weighs as "near" does, so a citizen born on the chosen
# date still leads by more than extract.matching.MARGIN, and it links only with an ID, address or origin besides.
# "doubt": a date the registry's is only as OCR may have misread it beyond one digit (two digits OCR reads for one
# another, a year printed alone one such digit off, a day and month read with little confidence): below "year", so
# a citizen born in the year read still leads, and it links only with an ID or old ID, or address and origin both.
W_BIRTH = {"exact": 0.28, "read": 0.14, "near": 0.14, "year": 0.14, "doubt": 0.10, "none": 0.0, "mismatch": -0.30}
W_GENDER = {"same": 0.02, "unknown": 0.0, "differ": -0.30}
W_ID_SAME = 0.10
W_ID_SAME_INVALID = 0.06
W_ID_NEAR = 0.06
W_OLD_ID_SAME = 0.06
W_OLD_ID_NEAR = 0.03
W_ADDRESS_STRONG = 0.06
W_ADDRESS_CLOSE = 0.03
W_ORIGIN = 0.02
EXTRA_CAP = 0.10
W_ID_CONFLICT = -0.30
W_OLD_ID_CONFLICT = -0.15
W_OLD_ID_UNKNOWN = -0.05
W_ORIGIN_CONFLICT = -0.10
MISREAD_DIGITS_MAX = 3
# Of an old ID's nine digits: a typewriter's dotted zero blurs into 6, 8 or 9 wherever it stands ("045980003"
# read "645989663"); with five digits the same and four only ones OCR confuses, the number is still this one.
MISREAD_OLD_ID_DIGITS = 4
WEAK_DATE = 0.4  # a birth date read with less confidence than this has a day and month to doubt
MISREAD_DATE_DIGITS = 2  # of a birth date's eight: a date with three misread is as likely someone else's
KIN_HOME = "lives where another person of the document is registered"
W_PROVINCE = 0.02  # births are registered where they happen, not always where the person is from

ROLE_GENDER = {"father": "male", "husband": "male", "mother": "female", "wife": "female"}
FEMALE_MIDDLE = "THỊ"  # a middle name only women bear; "VĂN" is no counterpart (some women are named Văn)
_ID_RE = re.compile(r"^0\d{11}$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR_RE = re.compile(r"^(\d{4})")


@dataclass(frozen=True)
class CitizenEntry:
    """One registry row as the matcher sees it."""

    citizen_id: str
    full_name: str
    date_of_birth: str | None  # ISO, None when the registry knows the year only
    gender: str | None
    old_id_number: str | None = None
    place_of_origin: str | None = None
    permanent_address: str | None = None
    birth_year: int | None = None
    name_key: str | None = None  # the stored variant key, saves recomputing it for big blocks

    @property
    def year(self) -> int | None:
        if self.birth_year is not None:
            return self.birth_year
        return int(self.date_of_birth[:4]) if self.date_of_birth else None


def id_shape_ok(citizen_id: str, birth_year: int | None = None, gender: str | None = None) -> bool:
    """PPP G YY RRRRRR with the century/gender digit and year agreeing with what the document says."""
    if not _ID_RE.match(citizen_id):
        return False
    g, yy = int(citizen_id[3]), int(citizen_id[4:6])
    if birth_year is not None and (g // 2 != birth_year // 100 - 19 or yy != birth_year % 100):
        return False
    return gender is None or g % 2 == (gender == "female")


# -- what the document says ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A person's fields as the matcher compares them: normalized, parsed, gender implied by the role."""

    name: str
    dob: str | None
    year: int | None
    dob_alternatives: tuple[str, ...]  # other full birth dates the page's readings gave (ISO, valid)
    dob_weak: bool  # the full date was read with little confidence: its day and month may be misread
    gender: str | None
    citizen_id: str | None
    id_valid: bool
    old_id: str | None
    origin: str | None
    address: str | None
    province: str | None  # PPP of the birth registration: given by the caller, or from a well-formed ID
    # Registered addresses (``home_key``) of the citizens the other persons of the document were linked to
    # (extract.matching.match_persons): a candidate who lives there lives with them, whatever the scan read.
    kin_homes: frozenset[str] = frozenset()
    # The ID is a card's own, its machine-readable zone's check digits covering every digit
    # (``extract.mrz.ZONE_PROOF``): no housemate's or parent's ID read under this person's name.
    id_proved: bool = False
    # The place of origin was read with little confidence: parts near the registered ones are that place garbled.
    origin_unsure: bool = False


def home_key(address: str) -> str:
    """A registered address as ``Evidence.kin_homes`` holds it: folded, single-spaced."""
    return " ".join(fold(address).split())


def _value(fields: Mapping[str, FieldValue], key: str) -> str | None:
    f = fields.get(key)
    v = f.value.strip() if f is not None and f.value else ""
    return v or None


def _digits(value: str | None) -> str | None:
    d = "".join(ch for ch in value or "" if ch.isdigit())
    return d or None


def _parse_birth(value: str | None) -> tuple[str | None, int | None]:
    if not value:
        return None, None
    m = _ISO_RE.match(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), int(m[1])
        except ValueError:
            pass  # a misread day or month still leaves the year
    m = _YEAR_RE.match(value)
    if m and MIN_YEAR <= int(m[1]) <= MAX_YEAR:
        return None, int(m[1])
    return None, None


def evidence_from_fields(
    fields: Mapping[str, FieldValue], *, role: str, id_valid: bool | None = None, birth_province: str | None = None,
    kin_homes: frozenset[str] = frozenset(),
) -> Evidence:
    dob, year = _parse_birth(_value(fields, "date_of_birth"))
    birth = fields.get("date_of_birth")
    alternatives = tuple(a for a in (_parse_birth(v)[0] for v in (birth.alternatives if birth else ())) if a)
    gender = _value(fields, "gender")
    gender = gender.lower() if gender and gender.lower() in ("male", "female") else None
    implied = ROLE_GENDER.get(role)
    if implied and gender and gender != implied:
        gender = None  # the form and the field disagree: trust neither
    name = normalize_name(_value(fields, "full_name"))
    printed = fields.get("full_name")
    respelled = printed is not None and any(USUAL_SPELLING in r for r in printed.reasons)
    if gender == "male" and not respelled and FEMALE_MIDDLE in name.split()[1:-1]:
        # So do the name and the field ("Giới tính: Nữ" read "MŒ"): a wrong gender would block her out. Not a THỊ
        # the reading made of "THI" or "TRÍ": that man's gender stands.
        gender = None
    gender = gender or implied
    cid = _digits(_value(fields, "citizen_id"))
    valid = id_valid if id_valid is not None else bool(cid and id_shape_ok(cid, year, gender))
    return Evidence(
        name=name,
        dob=dob,
        year=year,
        dob_alternatives=alternatives,
        dob_weak=birth is not None and birth.confidence < WEAK_DATE,
        gender=gender,
        citizen_id=cid,
        id_valid=valid,
        old_id=_digits(_value(fields, "old_id_number")),
        origin=_value(fields, "place_of_origin"),
        address=_value(fields, "permanent_address"),
        province=birth_province or (cid[:3] if cid and valid else None),
        kin_homes=kin_homes,
        id_proved=bool(cid) and ZONE_PROOF in fields["citizen_id"].reasons,
        origin_unsure="place_of_origin" in fields and fields["place_of_origin"].confidence < UNSURE_PLACE,
    )


# -- one candidate ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """How one registry entry fits the document: a level per field, the score and the reasons."""

    entry: CitizenEntry
    name: float
    birth: str  # exact | read | near | year | doubt | none | mismatch
    gender: str  # same | unknown | differ
    ident: str  # id_same | id_near | old_id_same | old_id_near | id_conflict | old_id_conflict | old_id_unknown | none
    address: float | None
    origin: float | None
    score: float
    reasons: tuple[str, ...]

    @property
    def identified(self) -> bool:
        """The ID or old ID the page prints is this citizen's, and so is the exact birth date: no one else's papers
        give both, so a place of origin read otherwise is the scan's doing (a garbled "Xã. thuc. 1o: huyện. Tê
        Thành, tinh tệ", seed 1060003), not another person."""
        return self.ident in ("id_same", "old_id_same") and self.birth == "exact"

    @property
    def conflict(self) -> bool:
        return (
            self.birth == "mismatch"
            or self.gender == "differ"
            or self.ident in ("id_conflict", "old_id_conflict", "old_id_unknown")
            or (self.origin is not None and self.origin < ORIGIN_CONFLICT and not self.identified)
        )


def _birth_doubt(ev: Evidence, e: CitizenEntry) -> str | None:
    """Why the registry's birth date may be the one the page prints though it reads otherwise, beyond one digit;
    None when nothing says so."""
    if ev.year is None or e.year is None:
        return None
    if ev.dob is None and e.year != ev.year and misread_digits(str(ev.year), str(e.year), 1):
        return "year of birth printed alone differs in a digit OCR confuses"  # "1998" for 1990
    if ev.dob is None or e.date_of_birth is None:
        return None
    if misread_digits(ev.dob, e.date_of_birth, MISREAD_DATE_DIGITS):
        return "date of birth differs in two digits OCR confuses"  # "1982-08-19" for 1962-08-10
    if ev.dob_weak and e.year == ev.year:
        return "year of birth matches (day and month read unsure)"  # "04/04" for 15/04 at 0.31
    return None


_BIRTH_REASONS = {
    "exact": "date of birth matches",
    "read": "date of birth matches another reading of the page",
    "near": "date of birth differs by one digit",
    "year": "year of birth matches (no full date)",
    "none": "no date of birth",
    "mismatch": "date of birth differs",
}


def _birth_level(ev: Evidence, e: CitizenEntry) -> tuple[str, str]:
    """How the birth dates compare, and the reason that says so."""
    level = _birth_fit(ev, e)
    if level == "mismatch" and (doubt := _birth_doubt(ev, e)) is not None:
        return "doubt", doubt
    return level, _BIRTH_REASONS[level]


def _birth_fit(ev: Evidence, e: CitizenEntry) -> str:
    if ev.year is None:
        return "none"
    if e.date_of_birth is not None and e.date_of_birth in ev.dob_alternatives and e.date_of_birth != ev.dob:
        return "read"
    if ev.dob is None or e.date_of_birth is None:
        return "year" if e.year == ev.year else "mismatch"
    if ev.dob == e.date_of_birth:
        return "exact"
    swapped = f"{ev.dob[:4]}-{ev.dob[8:10]}-{ev.dob[5:7]}"
    if swapped == e.date_of_birth or Levenshtein.distance(ev.dob, e.date_of_birth, score_cutoff=1) <= 1:
        return "near"  # one misread digit, or day and month read the wrong way round
    return "mismatch"


def misread_digits(read: str, registered: str, most: int = MISREAD_DIGITS_MAX) -> bool:
    """Whether ``read`` is ``registered`` with at most ``most`` digits misread as ones OCR confuses them with
    (same length: a misread digit is not a lost one)."""
    if len(read) != len(registered):
        return False
    diffs = [frozenset((a, b)) for a, b in zip(read, registered, strict=True) if a != b]
    return 0 < len(diffs) <= most and all(d in DIGIT_CONFUSIONS for d in diffs)


def _ident(ev: Evidence, e: CitizenEntry, old_ids_known: bool) -> tuple[str, str | None]:
    if ev.citizen_id:
        if ev.citizen_id == e.citizen_id:
            return "id_same", "ID found in registry"
        # A card's own ID its zone proves is no misread: one a digit off is someone else's.
        if not ev.id_proved and Levenshtein.distance(ev.citizen_id, e.citizen_id, score_cutoff=2) <= 2:
            return "id_near", "ID differs by 1-2 digits (misread?)"
        # Three misread digits are rare; an ID that far off is someone else's, damaged or not.
        if ev.id_valid or len(ev.citizen_id) in (11, 12, 13):
            return "id_conflict", "document shows another ID"
    if ev.old_id and e.old_id_number:
        if ev.old_id == e.old_id_number:
            return "old_id_same", "old ID number matches"
        if Levenshtein.distance(ev.old_id, e.old_id_number, score_cutoff=1) <= 1:
            return "none", None
        if misread_digits(ev.old_id, e.old_id_number, MISREAD_OLD_ID_DIGITS):
            # On a worn page 0, 6, 8 and 9 are read for one another, two or three times in a number; someone
            # else's number would differ in most of its digits, so this backs the candidate up, if weakly.
            return "old_id_near", "old ID number differs only in digits OCR confuses (misread?)"
        return "old_id_conflict", "old ID number differs"
    elif ev.old_id and old_ids_known:
        # The registry records old IDs, yet none for this citizen: the document's holder may be someone else.
        return "old_id_unknown", "old ID number unknown to the registry"
    return "none", None


def origin_differs(read: str | None, registered: str | None, unsure: bool = False) -> bool:
    """Whether the place of origin read is another than the registered one. Parts the scan garbled ("Xñ Tân An,
    huyện Ea Kac" for Xã Tân An, huyện Ea Kar; read ``unsure``, every part near one of the registered) make no other
    place: the origin then says nothing either way. Nor does a reading with no word of a place (``legible``)."""
    if read and not legible(read):
        return False
    similarity = place_similarity(read, registered)
    return similarity is not None and similarity < ORIGIN_CONFLICT and surely_another_place(
        read, registered, ORIGIN_CONFLICT, unsure=unsure)


def assess(ev: Evidence, e: CitizenEntry, old_ids_known: bool = False) -> Assessment:
    name, name_reasons = name_similarity(ev.name, e.full_name)
    reasons = [r.replace("exact name", "name matches exactly") for r in name_reasons]
    birth, birth_reason = _birth_level(ev, e)
    reasons.append(birth_reason)
    if ev.gender is None or e.gender is None:
        gender = "unknown"
    else:
        gender = "same" if ev.gender == e.gender else "differ"
        if gender == "differ":
            reasons.append("gender differs")
    ident, ident_reason = _ident(ev, e, old_ids_known)
    if ident_reason:
        reasons.append(ident_reason)
    extra = {
        "id_same": W_ID_SAME if ev.id_valid else W_ID_SAME_INVALID,
        "id_near": W_ID_NEAR,
        "old_id_same": W_OLD_ID_SAME,
        "old_id_near": W_OLD_ID_NEAR,
    }.get(ident, 0.0)
    penalty = {
        "id_conflict": W_ID_CONFLICT,
        "old_id_conflict": W_OLD_ID_CONFLICT,
        "old_id_unknown": W_OLD_ID_UNKNOWN,
    }.get(ident, 0.0)
    if name < NAME_CANDIDATE:
        # Not a plausible candidate whatever the places say; comparing addresses is the costly part.
        score = W_NAME * name + W_BIRTH[birth] + W_GENDER[gender]
        return Assessment(e, name, birth, gender, ident, None, None, max(0.0, score), tuple(reasons))
    address = place_similarity(ev.address, e.permanent_address)
    home_reason = "address matches"
    if (address is None or address < ADDRESS_STRONG) and e.permanent_address and \
            home_key(e.permanent_address) in ev.kin_homes and \
            (ev.address is None or not surely_another_place(ev.address, e.permanent_address, ORIGIN_CONFLICT)):
        # Not against an address the page prints: a father registered with his child may live elsewhere now.
        address, home_reason = 1.0, KIN_HOME
    if address is not None and address >= ADDRESS_STRONG:
        extra += W_ADDRESS_STRONG
        reasons.append(home_reason)
    elif address is not None and address >= ADDRESS_CLOSE:
        extra += W_ADDRESS_CLOSE
        reasons.append("address close")
    origin = place_similarity(ev.origin, e.place_of_origin)
    if origin is not None and origin < ORIGIN_CONFLICT and not origin_differs(ev.origin, e.place_of_origin,
                                                                              ev.origin_unsure):
        origin = None
        reasons.append("place of origin read unclearly")
    if origin is not None and origin >= ADDRESS_STRONG:
        extra += W_ORIGIN
        reasons.append("place of origin matches")
    elif origin is not None and origin < ORIGIN_CONFLICT:
        penalty += W_ORIGIN_CONFLICT
        reasons.append("place of origin differs")
    if ev.province and ident == "none" and e.citizen_id.startswith(ev.province):
        extra += W_PROVINCE
        reasons.append("birth province matches")
    score = W_NAME * name + W_BIRTH[birth] + W_GENDER[gender] + min(extra, EXTRA_CAP) + penalty
    return Assessment(e, name, birth, gender, ident, address, origin, max(0.0, min(1.0, score)), tuple(reasons))


