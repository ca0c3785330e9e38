"""Settling a person's field readings into the record's values: the printed label first, a fallback label ("Ghi
bằng chữ") when the first is missing or only a year, the card's machine-readable zone, and what the role or label
implies (a mother is female) last. Disagreeing readings lower the confidence; they are never averaged into a value
nobody printed. Fields a document prints once for everyone on it (``Template.shared``) are then given to all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from extract.ids import check_citizen_id, check_old_id
from extract.model import FieldValue
from extract.mrz import ZONE_PROOF
from extract.names import is_syllable
from extract.spelling import is_known
from extract.text import fold
from extract.values import BROKEN_REASON, Candidate
from extract.zone_birth import zone_birth_date

log = logging.getLogger(__name__)

DISAGREE = 0.6  # two readings of one field that differ
IMPLIED_CONFLICT = 0.7  # a printed value contradicting what the role or label implies
FUTURE = 0.3  # a date after today: misread digits
FROM_FALLBACK = 0.9  # a value read from the fallback label only
WORDS_OVER_BROKEN = 0.35  # the date in words over a year OCR left of broken digits: below evidence.WEAK_DATE
AGREE_FLOOR = 0.97  # two independent readings that agree
ZONE_OVER_PRINTED = 0.8  # a card's zone date against a printed date that differs: the zone's check digit holds


def _fv(c: Candidate, confidence: float | None = None, reasons: list[str] | tuple[str, ...] = ()) -> FieldValue:
    conf = c.confidence if confidence is None else confidence
    return FieldValue(c.value, round(max(0.0, min(1.0, conf)), 4), c.page, c.bbox, _reasons(c.reasons, reasons),
                      alternatives=c.alternatives, read_as=c.read_as)


def _reasons(*groups: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        out.extend(r for r in group if r not in out)
    return tuple(out)


def _another(c: Candidate) -> str:
    where = {"mrz": "the machine-readable zone", "implied": "what the role or label implies"}.get(c.source)
    return f"{where} says {c.value}" if where else f"another reading says {c.value}"


def _ranked(cands: list[Candidate]) -> list[Candidate]:
    order = {"label": 0, "layout": 0, "phrase": 0, "mrz": 2, "implied": 3}
    return sorted(cands, key=lambda c: (order.get(c.source, 1) + (1 if c.fallback else 0)))


def settle(values: dict[str, list[Candidate]], today: date) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    if "date_of_birth" in values:
        dob = settle_date(values["date_of_birth"], today)
        if dob is not None:
            out["date_of_birth"] = dob
    for name, cands in values.items():
        if name in ("date_of_birth", "citizen_id", "old_id_number"):
            continue
        value = _settle_name(cands) if name == "full_name" else _settle_plain(cands)
        if value is not None:
            out[name] = value
    birth = out.get("date_of_birth")
    year = int(birth.value[:4]) if birth is not None and len(birth.value) in (4, 10) else None
    gender = out["gender"].value if "gender" in out else None
    for name in ("citizen_id", "old_id_number"):
        if name in values:
            value = _settle_id(name, values[name], year, gender)
            if value is not None:
                out[name] = value
    if birth is not None and len(birth.value) == 6:  # the zone's YYMMDD alone: placed in its century
        out.pop("date_of_birth")
        cid = out.get("citizen_id")
        placed = zone_birth_date(birth.value, cid.value if cid is not None else None, today)
        if placed is not None:
            value, factor, why = placed
            out["date_of_birth"] = replace(birth, value=value, confidence=round(birth.confidence * factor, 4),
                                           reasons=_reasons(birth.reasons, [why]))
    return out


def _settle_plain(cands: list[Candidate]) -> FieldValue | None:
    ranked = _ranked(cands)
    if not ranked:
        return None
    best = ranked[0]
    conf = best.confidence
    others = [c for c in ranked[1:] if c.value != best.value]
    same = [c for c in ranked[1:] if c.value == best.value]
    if others:
        conf *= IMPLIED_CONFLICT if all(c.source == "implied" for c in others) else DISAGREE
    elif same:
        conf = max(conf, min(AGREE_FLOOR, max(c.confidence for c in same)))
    return _fv(best, conf, [_another(c) for c in others])


def _settle_name(cands: list[Candidate]) -> FieldValue | None:
    printed = [c for c in _ranked(cands) if c.source != "mrz"]
    mrz = next((c for c in cands if c.source == "mrz"), None)
    if not printed:
        return _fv(mrz) if mrz is not None else None
    best = max(printed, key=lambda c: c.confidence)
    # A household head's name printed twice: one reading may have lost its last word ("TRẦN VĂN" for TRẦN VĂN
    # CƯỜNG, the word's letters run into leader dots); the reading that goes on is the whole name, unless the short
    # one was read so twice or the longer one far less surely (a speck read as one more syllable).
    longer = [c for c in printed if _goes_on(best.value, c.value) and c.confidence >= LONGER_FLOOR * best.confidence]
    if longer and sum(c.value == best.value for c in printed) == 1:
        best = max(longer, key=lambda c: (len(c.value.split()), c.confidence))
    if mrz is not None and respace(best.value, mrz.value.split()) is None:
        # Readings of the front that disagree, one of them the name the zone spells ("THỊ LAN", its family name
        # lost, and "NGUYỄN THỊ LAN" under NGUYEN<<THI<LAN): two readings agree on that one.
        surest = max(c.confidence for c in printed)
        spelled = [c for c in printed if respace(c.value, mrz.value.split()) is not None
                   and c.confidence >= LONGER_FLOOR * surest]
        if spelled:
            best = max(spelled, key=lambda c: c.confidence)
    conf = best.confidence
    reasons = list(best.reasons) + [_another(c) for c in printed if c.value != best.value]
    if any(c.value != best.value and not _goes_on(c.value, best.value) for c in printed):
        conf *= DISAGREE
    elif len(printed) > 1 and all(c.value == best.value for c in printed):
        conf = max(conf, AGREE_FLOOR)  # printed twice (a household head), read alike twice
    value = best.value
    if mrz is not None:
        spaced = respace(value, mrz.value.split())
        if spaced is not None:
            # The zone's spacing agrees with a front read as one run of letters, unless readings of the front
            # disagree on more than their spacing.
            letters = best.value.replace(" ", "")
            differ = any(c.value.replace(" ", "") != letters and not _goes_on(c.value, best.value) for c in printed)
            value, conf = spaced, max(conf, AGREE_FLOOR if spaced.split() != best.value.split() and not differ
                                      else conf)
        elif fold(value).replace(" ", "") != fold(mrz.value).replace(" ", ""):
            if best.confidence < mrz.confidence and not all(is_known(w) for w in best.value.split()):
                # A card's front at 150 dpi read worse than its zone, and into no name ("NGUYỄN NGA IAN" at 0.12, the
                # zone NGUYEN THI LAN read alike many times): the zone's letters, with the marks of the words printed
                # alike; the two disagree all the same.
                reasons.append(f"the front read {best.value}, the machine-readable zone {mrz.value}")
                value, conf = zone_spelled(best.value, mrz.value), mrz.confidence * DISAGREE
            else:
                conf *= DISAGREE
                reasons.append(_another(mrz))
    return FieldValue(value, round(min(1.0, conf), 4), best.page, best.bbox, _reasons(reasons))


NAME_WORDS_MAX = 5
LONGER_FLOOR = 0.75  # of the short reading's confidence, for a reading that goes on to replace it


def _goes_on(short: str, longer: str) -> bool:
    """Whether ``longer`` is ``short`` (two words or more, marks aside) with syllables of names after it: a
    decision's "ông Nguyễn Văn Phong chịu trách nhiệm" read "NGUYỄN VĂN PHONG CHỊU" does not go on."""
    sw, lw = fold(short).split(), fold(longer).split()
    return 2 <= len(sw) < len(lw) <= NAME_WORDS_MAX and lw[:len(sw)] == sw and all(
        is_syllable(fold(w)) and is_known(w) for w in longer.split()[len(sw):])


def zone_spelled(printed: str, zone: str) -> str:
    """The zone's name, each word as printed where the printed word is that word with its marks."""
    pw, zw = printed.split(), zone.split()
    if len(pw) != len(zw):
        return zone
    return " ".join(p if fold(p) == fold(z) else z for p, z in zip(pw, zw, strict=True))


def respace(printed: str, words: list[str]) -> str | None:
    """``printed`` with its spaces where the MRZ puts them ("LƯỜNGVĂNAN" + LUONG VAN AN → "LƯỜNG VĂN AN").

    Specks OCR put before the name (a card's photo edge) are dropped when the rest spells the MRZ name.
    """
    letters = printed.replace(" ", "")
    target = "".join(words)
    folded = fold(letters).upper()
    if not folded.endswith(target) or len(folded) - len(target) > 3:
        return None
    letters = letters[len(folded) - len(target):]
    out, pos = [], 0
    for w in words:
        out.append(letters[pos:pos + len(w)])
        pos += len(w)
    return " ".join(out)


def settle_date(cands: list[Candidate], today: date) -> FieldValue | None:
    """Printed date first; the words form when the digits gave a year only or nothing; MRZ confirms."""
    mrz = [c for c in cands if c.source == "mrz"]
    primary = [c for c in cands if c.source not in ("mrz", "implied") and not c.fallback]
    backup = [c for c in cands if c.source not in ("mrz", "implied") and c.fallback]
    full = [c for c in primary if len(c.value) == 10]
    agree: list[Candidate] = []  # readings giving the printed date chosen
    best: Candidate | None = None
    conf = 0.0
    reasons: list[str] = []
    if full:
        best, conf = full[0], full[0].confidence
        agree = [c for c in backup + full[1:] if c.value == best.value]
        differ = [c for c in backup + full[1:] if len(c.value) == 10 and c.value != best.value]
        if differ:
            conf *= DISAGREE
            reasons += [_another(c) for c in differ]
        elif agree:
            conf = max(conf, AGREE_FLOOR)
    else:
        whole = [c for c in backup if len(c.value) == 10]
        year = primary[0] if primary else None
        if whole and (year is None or whole[0].value[:4] == year.value):
            best, conf = whole[0], whole[0].confidence * FROM_FALLBACK
            reasons.append("read from the date in words")
        elif whole and year is not None and BROKEN_REASON in year.reasons:
            # A year left of digits OCR broke ("17A4/19S7") against the whole date the words give: the words, as a
            # date to doubt (a line of words cut short gives a wrong year too: "... không trăm linh" for 2004).
            best, conf = whole[0], min(whole[0].confidence * FROM_FALLBACK * DISAGREE, WORDS_OVER_BROKEN)
            reasons += ["read from the date in words", _another(year)]
        elif year is not None:
            best, conf = year, year.confidence
            if whole:
                conf *= DISAGREE
                reasons.append(f"the date in words says {whole[0].value}")
                best = replace(best, alternatives=(*best.alternatives, whole[0].value))
        elif backup:
            best, conf = backup[0], backup[0].confidence * FROM_FALLBACK
            reasons.append("read from the date in words")
    if best is None:
        return _fv(mrz[0]) if mrz else None
    if mrz and len(best.value) == 10:
        yymmdd = best.value[2:4] + best.value[5:7] + best.value[8:10]
        if mrz[0].value == yymmdd:
            conf = max(conf, AGREE_FLOOR)
        elif not agree and not mrz[0].reasons:
            # The zone's date proves itself by its check digit (and is a calendar date: extract.mrz), a single
            # reading of the printed one does not: the zone's is kept (``settle`` places its century), the printed
            # one stays an alternative for the registry.
            zone = mrz[0]
            why = f"the printed date reads {best.value}; the machine-readable zone's check digit holds"
            return FieldValue(zone.value, round(zone.confidence * ZONE_OVER_PRINTED, 4), best.page, best.bbox,
                              _reasons(zone.reasons, [why]), alternatives=(best.value,))
        else:  # two readings of the printed date agree against the zone, or its date was read back: both stand
            conf *= DISAGREE
            reasons.append(f"the machine-readable zone says {mrz[0].value} (YYMMDD)")
    if best.value > today.isoformat()[: len(best.value)]:
        log.debug("date after today: confidence lowered")
        conf *= FUTURE
        reasons.append("date after today: misread digits")
    return _fv(best, conf, reasons)


def _settle_id(name: str, cands: list[Candidate], birth_year: int | None, gender: str | None) -> FieldValue | None:
    checked: list[tuple[Candidate, str, float, list[str]]] = []
    for c in cands:
        if name == "citizen_id":
            chk = check_citizen_id(c.value, birth_year=birth_year, gender=gender)
        else:
            chk = check_old_id(c.value)
        if chk.value is None:
            log.debug("%s reading refused: %s", name, "; ".join(chk.reasons))
            continue
        if chk.reasons:
            log.debug("%s: %s", name, "; ".join(chk.reasons))
        checked.append((c, chk.value, c.confidence * chk.confidence_factor, chk.reasons))
    if not checked:
        return None
    checked.sort(key=lambda item: -item[2])
    best, value, conf, reasons = checked[0]
    reasons = [*best.reasons, *reasons]
    same = [x for x in checked[1:] if x[1] == value]
    differ = [x for x in checked[1:] if x[1] != value]
    if differ:
        conf *= DISAGREE
        reasons += [_another(replace(x[0], value=x[1])) for x in differ]
    elif same:
        conf = max(conf, min(AGREE_FLOOR, same[0][2] + 0.1))
    if name == "citizen_id" and not differ and _zone_proved(value, [(c, v) for c, v, _, _ in checked]):
        reasons.append(ZONE_PROOF)
    # Where it is printed, rather than the MRZ's reading of the same number.
    where = next((c for c, v, _, _ in checked if v == value and c.bbox is not None), best)
    return FieldValue(value, round(min(1.0, conf), 4), where.page, where.bbox, _reasons(reasons))


def misread(readings: list[Candidate], fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """The person's ID as OCR misread it a digit short or long (``values.misread_id``), when no reading of the field
    is an ID: the surest such reading, its digits as read."""
    if "citizen_id" in fields or not readings:
        return {}
    best = max(readings, key=lambda c: c.confidence)
    return {"citizen_id": FieldValue(best.value, round(best.confidence, 4), best.page, best.bbox)}


def _zone_proved(value: str, readings: list[tuple[Candidate, str]]) -> bool:
    """Whether the zone gives ``value`` with every digit checked: its last nine by their check digit, its province
    code by the composite check digit or by a printed reading of the same number (one zone reading alone may have
    misread the province code, which no check digit of its own covers)."""
    zone = [c for c, v in readings if c.source == "mrz" and v == value]
    printed = any(c.source != "mrz" and v == value for c, v in readings)
    return bool(zone) and (printed or any(c.proved for c in zone))


SHARED = "printed once for everyone on the document"


def share(persons: list[dict[str, FieldValue]], names: Sequence[str]) -> list[dict[str, FieldValue]]:
    """Each person's fields with the ``names`` the document prints once for all (a household book's address is
    every member's permanent residence) given to the persons without their own, from the first who has it."""
    out = [dict(fields) for fields in persons]
    for name in names:
        first = next((f[name] for f in out if name in f), None)
        if first is None:
            continue
        for fields in out:
            if fields and name not in fields:
                fields[name] = replace(first, reasons=(*first.reasons, SHARED), alternatives=())
    return out
