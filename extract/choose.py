"""Choosing among the readings of one value: the first reading and its re-readings vote, validation weighs.

Each distinct value read for a spot scores its validity (a name whose words are all Vietnamese syllables, a
full and plausible date, an ID whose structure holds) plus a share per reading that gave it. A birth date and
an ID of the same person are chosen together: a pair whose year agrees with the ID's century and year digits
gains, a pair that contradicts itself loses. A value other than the first reading is only taken when at least
two re-readings gave it and it scores higher; a value for a field the first reading missed needs the same two
readings and a validity of its own. A name re-read with a word lost at either end counts for the first reading.
A birth date keeps the other full, plausible dates its readings gave as alternatives, for the registry to
settle (extract.matching, extract.confirm), and so the dates its readings give voted digit by digit
(``extract.date_vote``), which are no readings and cast no vote here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from rapidfuzz.distance import Levenshtein

from extract.ids import ZEROS_READ, ZEROS_REPAIRED, IdCheck, check_citizen_id, check_old_id, id_birth_year
from extract.model import FieldValue
from extract.spelling import FAMILY_NAMES, is_known
from extract.syllables import is_syllable
from extract.values import Candidate

VOTE = 0.15  # score of one more reading giving the same value
FIRST_WEIGHT = 1.5  # the first reading counts as this many re-readings
CONSISTENT = 0.4  # a birth date and an ID that agree (or, negated, contradict each other)
MIN_VOTES = 2  # re-readings needed to put a value other than the first reading in the record
MIN_VALIDITY = 0.8  # ... and, for a value the first reading missed, its validity
MEND_GAIN, MEND_LETTERS = 0.1, 2  # a single re-reading of a name: validity gained, letters changed at most
MAX_ALTERNATIVES = 3  # other readings of a birth date kept beside the chosen one
AGREED_YEAR = 0.6  # confidence of a year its readings agree on when they disagree on day and month
TIE_CONFIDENCE = 0.35  # a birth date the digit-by-digit vote chose between two readings
VOTED = "reread:vote"  # the source of a date voted digit by digit over a spot's readings: an alternative only
# In a source: a reading of the page before a grainy scan's smoothing (``extract.second_look``). It adds a vote
# where it agrees, and counts in the share that sets confidence only then: alone, such readings got 13 of 44 hard
# names against the OCR image's 24, so their disagreement says little against readings that agree.
SUPPORTING = ":unsmoothed:"
KNOWN, SYLLABLE, OTHER = 1.0, 0.7, 0.2  # validity of a name word: a common name syllable, a syllable, neither


@dataclass(frozen=True)
class Choice:
    spot: object  # extract.second_look.Spot
    candidate: Candidate
    replaces: Candidate | None


@dataclass
class _Option:
    value: str
    sample: Candidate
    votes: int = 0  # re-readings that gave it
    support: int = 0  # of them, readings that count only where they agree (``SUPPORTING``)
    first: bool = False  # the first reading gave it
    glyphs: bool = False  # ... and the digit classifier read it alike, glyph by glyph (``Candidate.glyphs_agree``)
    validity: float = 0.0
    readings: int = 1  # readings made of the spot, the first one included: the share that agreed sets confidence

    @property
    def agree(self) -> int:
        return self.votes + self.first

    @property
    def score(self) -> float:
        # The first reading weighs more than one re-reading: re-readings of one crop are not independent.
        return (self.validity + VOTE * (self.votes + FIRST_WEIGHT * self.first + self.glyphs)
                + 0.05 * self.sample.confidence)


def name_validity(value: str) -> float:
    """1.0 for a name of two to six common name syllables starting with a family name; less for each word that
    is only a Vietnamese syllable, and much less for one that is neither."""
    words = value.split()
    if not words:
        return 0.0
    v = sum(KNOWN if is_known(w) else SYLLABLE if is_syllable(w) else OTHER for w in words) / len(words)
    if not 2 <= len(words) <= 6:
        v *= 0.5
    if words[0] not in FAMILY_NAMES:
        v *= 0.9
    return v


def date_validity(value: str, today: date, year_only: bool = False) -> float:
    """1.0 for a whole, plausible date, or a plausible year where the label asks for the year alone ("Năm sinh")."""
    year = int(value[:4]) if value[:4].isdigit() else 0
    if not 1880 <= year <= today.year or value > today.isoformat()[: len(value)]:
        return 0.2
    return 1.0 if len(value) == 10 or (year_only and len(value) == 4) else 0.7


def id_validity(field: str, value: str, gender: str | None) -> float:
    chk = check_old_id(value) if field == "old_id_number" else check_citizen_id(value, gender=gender)
    return 0.0 if chk.value is None else chk.confidence_factor


def _consistency(dob: _Option | None, cid: _Option | None) -> float:
    if dob is None or cid is None:
        return 0.0
    year = id_birth_year(cid.value)
    if year is None or not dob.value[:4].isdigit():
        return 0.0
    return CONSISTENT if int(dob.value[:4]) == year else -CONSISTENT


def _options(field: str, own: Candidate | None, readings: Sequence[Candidate], settled: FieldValue | None,
             gender: str | None, today: date, planned: int = 0, year_only: bool = False) -> list[_Option]:
    found: dict[str, _Option] = {}
    first = own if own is not None else None
    if first is None and settled is not None:
        first = Candidate(field, settled.value, settled.confidence, settled.page, settled.bbox, source="settled")
    for c in ([first] if first is not None else []) + list(readings):
        if first is not None and c is not first and field == "full_name" and _part_of(c.value, first.value):
            c = replace(c, value=first.value)  # a re-reading that lost a word at an end read the rest alike
        opt = found.setdefault(c.value, _Option(c.value, c))
        if c is first:
            opt.first, opt.sample, opt.glyphs = True, c, c.glyphs_agree
        else:
            opt.votes += 1
            opt.support += SUPPORTING in c.source
            if not opt.first and c.confidence > opt.sample.confidence:
                opt.sample = c
    for opt in found.values():
        opt.readings = 1 + planned + opt.support
        if field == "full_name":
            opt.validity = name_validity(opt.value)
        elif field == "date_of_birth":
            opt.validity = date_validity(opt.value, today, year_only)
        else:
            opt.validity = id_validity(field, opt.value, gender)
    return sorted(found.values(), key=lambda o: -o.score)


def _part_of(read: str, name: str) -> bool:
    """Whether ``read`` is ``name`` with its first or last words missing ("LÝ THANH" of "LÝ THANH TOÀN")."""
    part, whole = read.split(), name.split()
    return 0 < len(part) < len(whole) and part in (whole[:len(part)], whole[-len(part):])


def _acceptable(best: _Option, options: list[_Option]) -> bool:
    original = next((o for o in options if o.first), None)
    if best.first:
        return True
    if best.votes < MIN_VOTES:
        # One re-reading may mend a name the first reading spelled as no name, letter by letter: it must agree
        # with the first reading but for a couple of letters and be clearly better validated.
        return (original is not None and best.validity >= original.validity + MEND_GAIN
                and Levenshtein.distance(best.value, original.value) <= MEND_LETTERS
                and best.sample.field == "full_name")
    return best.validity >= MIN_VALIDITY if original is None else best.score > original.score


def _taken(top: _Option, options: list[_Option]) -> bool:
    """Whether the best option replaces (or stays) the first reading: two re-readings, and a validity of its own
    for a field the first reading missed."""
    original = next((o for o in options if o.first), None)
    return top.first or not (top.votes < MIN_VOTES or (original is None and top.validity < MIN_VALIDITY))


def _tie_broken(options: list[_Option], voted: Sequence[str]) -> _Option | None:
    """Of whole dates that as many re-readings gave (none of them the first reading's), the one the digit-by-digit
    vote gives too ("2018-06-19" and "2019-06-19" read once each, "2019-06-19" voted): a field left empty would
    leave the registry nothing to block on."""
    whole = [o for o in options if o.validity >= 1.0 and len(o.value) == 10 and o.votes]
    most = max((o.votes for o in whole), default=0)
    leaders = [o for o in whole if o.votes == most]
    backed = [o for o in leaders if o.value in voted]
    return backed[0] if len(leaders) >= 2 and len(backed) == 1 else None


def _choice(spot, own: Candidate | None, best: _Option, why: str | None = None) -> Choice | None:
    conf = best.validity * (0.5 + 0.45 * min(1.0, best.agree / best.readings))
    if best.first:
        if own is None or not best.votes or conf <= own.confidence:
            return None
        return Choice(spot, replace(own, confidence=conf), own)  # read alike again: surer
    base = own if own is not None else Candidate(spot.field, best.value, 0.0, spot.page, source="label")
    reason = f"re-read from its place on the page ({best.agree} of {best.readings} readings agree)"
    reason = f"{reason}; {why}" if why else reason
    cand = replace(base, value=best.value, confidence=conf, bbox=best.sample.bbox or base.bbox,
                   reasons=(*base.reasons, reason), region=spot.region, read_as=best.sample.read_as)
    return Choice(spot, cand, own)


def choose_person(asked: Sequence[tuple[object, Candidate | None, Sequence[Candidate], int]],
                  fields: Mapping[str, FieldValue], today: date | None = None) -> list[Choice]:
    """The changes to one person's readings that the re-readings justify: for each re-read spot its own (first)
    reading, the re-readings that gave a value, and how many re-readings were made (``SUPPORTING`` ones left
    out)."""
    today = today or date.today()
    gender = fields["gender"].value if "gender" in fields else None
    choices: list[Choice] = []
    best: dict[str, tuple[object, Candidate | None, list[_Option]]] = {}
    voted: list[str] = []
    for spot, own, all_readings, planned in asked:
        field = spot.field  # type: ignore[attr-defined]
        readings = [c for c in all_readings if c.source != VOTED]
        if field == "citizen_id" and field not in best:  # the spot chosen with the birth date (``_joint``)
            readings = [_proven(c, fields) for c in readings]
        options = _options(field, own, readings, fields.get(field), gender, today, planned,
                           getattr(spot, "year_only", False))
        if field == "date_of_birth" and field not in best:
            voted = [c.value for c in all_readings if c.source == VOTED]
        if not options:
            continue
        if field in ("date_of_birth", "citizen_id") and field not in best:
            best[field] = (spot, own, options)
            continue
        top = options[0]
        if _acceptable(top, options) and (c := _choice(spot, own, top)) is not None:
            choices.append(c)
    choices.extend(_joint(best, fields, gender, today, voted))
    return choices


def id_check(value: str, fields: Mapping[str, FieldValue]) -> IdCheck:
    """An ID reading checked against the person's settled birth date and gender, which alone prove the two zeros
    of a code 00P read as loops (``extract.ids``)."""
    birth, gender = fields.get("date_of_birth"), fields.get("gender")
    year = int(birth.value[:4]) if birth is not None and birth.value[:4].isdigit() else None
    return check_citizen_id(value, birth_year=year, gender=gender.value if gender is not None else None)


def _proven(c: Candidate, fields: Mapping[str, FieldValue]) -> Candidate:
    """An ID re-reading as its structure proves it once the person's birth year is known: the two zeros of a code
    00P read as loops are taken only where the century and year digits agree with it."""
    chk = id_check(c.value, fields)
    if chk.value is None or chk.value == c.value or not any(ZEROS_READ in r for r in chk.reasons):
        return c
    return replace(c, value=chk.value, confidence=round(c.confidence * chk.confidence_factor, 4),
                   reasons=(*c.reasons, *chk.reasons))


def _joint(best: Mapping[str, tuple[object, Candidate | None, list[_Option]]], fields: Mapping[str, FieldValue],
           gender: str | None, today: date, voted: Sequence[str] = ()) -> list[Choice]:
    """The birth date and the ID chosen as a pair, when either was re-read."""
    dates = best["date_of_birth"][2] if "date_of_birth" in best else _fixed("date_of_birth", fields, gender, today)
    ids = best["citizen_id"][2] if "citizen_id" in best else _fixed("citizen_id", fields, gender, today)
    pairs = [(d, i) for d in dates or [None] for i in ids or [None]]
    d, i = max(pairs, key=lambda p: sum(o.score for o in p if o is not None) + _consistency(*p))
    # The ID the record keeps: the pair's, unless it is a re-reading too weak to replace the first reading.
    kept_id = i if "citizen_id" not in best or i is None or _taken(i, ids) else next((o for o in ids if o.first), None)
    out = []
    for field, top in (("date_of_birth", d), ("citizen_id", i)):
        if field not in best or top is None:
            continue
        spot, own, options = best[field]
        original = next((o for o in options if o.first), None)
        taken = _taken(top, options)
        reason = None
        if not taken and field == "date_of_birth" and original is None and (tie := _tie_broken(options, voted)) \
                and _consistency(tie, kept_id) >= 0:
            top, taken, reason = tie, True, "the digits its readings give break a tie between two readings"
        # How the structure proved an ID its readings gave with its zeros read as loops (``_proven``).
        proof = next((r for r in top.sample.reasons if ZEROS_READ in r), None) if field == "citizen_id" else None
        c = _choice(spot, own, top, reason or proof) if taken else None
        if c is not None and proof is not None:  # agreeing readings make the reading sure, not the repair
            c = replace(c, candidate=replace(c.candidate, confidence=round(c.candidate.confidence * ZEROS_REPAIRED, 4)))
        if c is not None and reason is not None:
            # One reading of several, the vote its tie-break: a day and month to doubt (extract.evidence.WEAK_DATE).
            c = replace(c, candidate=replace(c.candidate, confidence=min(c.candidate.confidence, TIE_CONFIDENCE)))
        if field == "date_of_birth":
            kept = top.value if taken else own.value if own is not None else None
            c = _with_alternatives(c, spot, own, options, kept, voted)
        if c is not None:
            out.append(c)
    return out


def _with_alternatives(c: Choice | None, spot: object, own: Candidate | None, options: list[_Option],
                       kept: str | None, voted: Sequence[str] = ()) -> Choice | None:
    """The birth date that stays, carrying the other full, plausible dates its readings gave, then those they
    give voted digit by digit: which of them the page prints is for the registry to settle
    (``extract.matching``), not for a vote between two models. A year read alone keeps only dates of that
    year."""
    full = [o for o in options if o.validity >= 1.0 and len(o.value) == 10]  # a full and plausible date
    others = list(dict.fromkeys([o.value for o in full] + list(voted)))
    alternatives = tuple(v for v in others if v != kept
                         and (kept is None or len(kept) != 4 or v.startswith(kept)))[:MAX_ALTERNATIVES]
    if kept is None and not any(o.first for o in options):
        return _agreed_year(spot, full, voted)
    if not alternatives or kept is None:
        return c
    if c is not None:
        return replace(c, candidate=replace(c.candidate, alternatives=alternatives))
    return Choice(spot, replace(own, alternatives=alternatives), own) if own is not None else None


def _agreed_year(spot: object, full: list[_Option], voted: Sequence[str] = ()) -> Choice | None:
    """For a birth date nothing else settled: the year, when two readings or more agree on it but give the day and
    month differently ("05/3/2019", "05/8/2019"), or the readings and the digit-by-digit vote give dates of one
    year only, two or more; the full dates kept as alternatives."""
    if not full:
        return None
    year, sample = full[0].value[:4], full[0].sample
    readings = sum(o.agree for o in full)
    made = full[0].readings - full[0].support + sum(o.support for o in full)  # supporting ones: those that agree
    dates = list(dict.fromkeys([o.value for o in full] + [v for v in voted if v[:4] == year]))
    if len(full) >= MIN_VOTES and len({o.value[:4] for o in full}) == 1:
        reason = f"year re-read alike by {readings} of {made} readings, day and month not"
    elif len(full) == 1 and len(dates) >= MIN_VOTES and all(v[:4] == year for v in voted):
        reason = f"year of the dates the readings give digit by digit ({readings} of {made} readings " \
                 "give one whole)"
    else:
        return None
    cand = Candidate(spot.field, year, round(AGREED_YEAR * min(1.0, readings / made), 4),
                     spot.page, sample.bbox, reasons=(reason,), region=spot.region,
                     alternatives=tuple(dates)[:MAX_ALTERNATIVES])
    return Choice(spot, cand, None)


def _fixed(field: str, fields: Mapping[str, FieldValue], gender: str | None, today: date) -> list[_Option]:
    """A value not re-read takes part in the pair as it is."""
    fv = fields.get(field)
    if fv is None:
        return []
    opts = _options(field, None, [], fv, gender, today)
    return opts[:1]
