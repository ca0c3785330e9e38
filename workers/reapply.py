"""Staff work applied again after a run, each piece on the person it was made for (``workers.placement``): field
corrections before matching (:func:`corrections_in_force`), review decisions after (:func:`decisions_in_force`).

Work whose person moved (a re-extraction lists the persons otherwise) moves with it; work whose person the new
reading lacks, or has twice, is set aside: out of force (the logs keep it) and told in the record's warnings, which
name the person as last read. A warning ends when staff decide on a person of that name (or accept that citizen
again), or correct that field of a person of that name; one about a person with no name read, when staff make that
kind of decision, or correct that field, on any person.

Where work now stands is stored (:class:`Settlement`) in the transaction that writes the record showing it: the
record's stamps are what the next run goes by, and positions stored apart from it could mislead it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from extract.blocking import RegistryLookup
from extract.model import Extraction
from extract.text import fold
from storage.corrections import Correction, corrections_for, settle_corrections
from storage.index import Index
from storage.reviews import Decision, decisions_for, settle_decisions
from workers.corrections import CORRECTION_SET_ASIDE, Applied, apply_to_extraction, ocr_view, renewed_warnings
from workers.placement import NAME_SAME, UNKNOWN_READING, Seen, anchor, correspondence, same_time, stamp_time
from workers.record import apply_decisions, extraction_from_record

log = logging.getLogger(__name__)

MEANWHILE = "it was made on another reading of the document, while it was being read again"
DECISION_SET_ASIDE = "set aside: review decision "  # how a record's warning about a decision set aside starts
_DECISION_WARNING = re.compile(r'^set aside: review decision of person \d+ "(.*)" \((accept \d+|reject)\) by ')
_CORRECTION_WARNING = re.compile(r'^set aside: correction of person \d+ "(.*)" (\w+) by ')

W = TypeVar("W", Decision, Correction)


@dataclass
class Settlement:
    """Where a run placed a document's staff work, to store with the record that shows it (:meth:`apply`)."""

    doc_id: str
    decisions: dict[int, Decision] = field(default_factory=dict)  # new position → decision
    decisions_aside: list[Decision] = field(default_factory=list)
    corrections: list[tuple[Correction, int]] = field(default_factory=list)  # (correction, new position)
    corrections_aside: list[Correction] = field(default_factory=list)

    def apply(self, s: Session, *, set_aside: bool = True) -> None:
        """Store it in the transaction ``s``, the record's own (``workers.pipeline.write_record``)."""
        moved = [(c, k) for c, k in self.corrections if c.person_idx != k]
        if moved or (set_aside and self.corrections_aside):
            settle_corrections(s, self.doc_id, moved, self.corrections_aside if set_aside else [])
        if any(d.person_idx != k for k, d in self.decisions.items()) or (set_aside and self.decisions_aside):
            settle_decisions(s, self.doc_id, self.decisions, self.decisions_aside if set_aside else [])


def settle_in_force(index: Index, record: dict) -> None:
    """Store every piece of work under the position its stamp has in the record in force, before staff add one:
    positions a run could not store must not let new work overwrite another person's."""
    settlement = Settlement(record["doc_id"])
    decisions_in_force(index, record, record, settlement=settlement)
    corrections_in_force(index, record["doc_id"], extraction_from_record(ocr_view(record)), record,
                         settlement=settlement)
    with index.session() as s:
        settlement.apply(s, set_aside=False)  # a warning only a written record could tell


def decisions_in_force(index: Index, record: dict, previous: dict | None, lookup: RegistryLookup | None = None, *,
                       settlement: Settlement,
                       decided: tuple[str, str | None, tuple[str, ...]] | None = None) -> dict:
    """``record`` with its decisions applied. ``previous``: the record they were last applied to (the record
    itself when staff decide on it; None: no earlier one). ``decided``: the (action, citizen, ``read_names``) of the
    decision staff just made, which ends the warnings of a decision set aside that it makes again."""
    decisions = sorted(decisions_for(index, record["doc_id"]).values(), key=lambda d: d.decided_at, reverse=True)
    current = [Seen.of_record(p) for p in ocr_view(record).get("persons") or []]
    placed, aside = _place(decisions, previous, current, _bears_decision, lambda d, k: k,
                           lambda d: f"a later decision by {d.user} applies to that person")
    settlement.decisions = {k: d for d, k in placed}
    settlement.decisions_aside = [d for d, _, _, _ in aside]
    if aside or any(d.person_idx != k for d, k in placed):
        log.info("document %s: %d decision(s) moved with their person, %d set aside", record["doc_id"],
                 sum(d.person_idx != k for d, k in placed), len(aside))
    out = apply_decisions(record, settlement.decisions, lookup)
    kept = [w for w in _told(previous, DECISION_SET_ASIDE) if not (decided and _decided_again(w, *decided))]
    new = [f'{DECISION_SET_ASIDE}of person {at} "{name or ""}" ({_label(d)}) by {d.user} at '
           f"{stamp_time(d.decided_at)}: {why}" for d, at, name, why in aside]
    return _with_told(out, DECISION_SET_ASIDE, [*kept, *new])


def corrections_in_force(index: Index, doc_id: str, extraction: Extraction, previous: dict | None, *,
                         settlement: Settlement, corrected: tuple[str, tuple[str, ...]] | None = None) -> Applied:
    """The corrections of a document applied to ``extraction``, each on its person. ``previous``: as for
    :func:`decisions_in_force`; ``corrected``: the (field, ``read_names`` of its person) staff just corrected,
    which ends the warnings of a correction of that field set aside that it makes again."""
    found = sorted(corrections_for(index, doc_id), key=lambda c: c.corrected_at, reverse=True)
    ours = [c for c in found if c.person_idx is not None]
    current = [Seen.of_person(p) for p in extraction.persons]
    placed, aside = _place(ours, previous, current, _bears_correction, lambda c, k: (k, c.field),
                           lambda c: f"a later correction by {c.user} applies to that field")
    settlement.corrections = placed
    settlement.corrections_aside = [c for c, _, _, _ in aside]
    if aside or any(c.person_idx != k for c, k in placed):
        log.info("document %s: %d correction(s) moved with their person, %d set aside", doc_id,
                 sum(c.person_idx != k for c, k in placed), len(aside))
    applied = apply_to_extraction(extraction, [*(c for c in found if c.person_idx is None),
                                               *(replace(c, person_idx=k) for c, k in placed)])
    kept = [w for w in _told(previous, CORRECTION_SET_ASIDE) if not (corrected and _corrected_again(w, *corrected))]
    new = [f'{CORRECTION_SET_ASIDE}of person {at} "{name or ""}" {c.field} by {c.user} at '
           f"{stamp_time(c.corrected_at)}: {why}" for c, at, name, why in aside]
    return replace(applied, set_aside=list(dict.fromkeys([*kept, *new])))


def _place(works: Sequence[W], previous: dict | None, current: list[Seen], bears: Callable[[dict, W], bool],
           slot: Callable[[W, int], object], clash: Callable[[W], str]
           ) -> tuple[list[tuple[W, int]], list[tuple[W, int, str | None, str]]]:
    """Each piece of work (latest first) with its person's position in ``current``, or, set aside, with its
    person's position and name in the last reading (when known) and why. With no earlier record (a first run)
    work stays where it is stored; a later piece of work takes a ``slot`` (a person, a field of one) before an
    earlier one. Work without a stamp in the previous record was made since it was written, on whoever stood at
    its position then, unless it was made on another reading (``Decision.reading``): a run's, read again while it
    was being made, which no record keeps."""
    before = [Seen.of_record(p, s) for p, s in zip(ocr_view(previous).get("persons") or [],
                                                       previous.get("persons") or [], strict=True)] \
        if previous is not None else current
    mapping = correspondence(before, current)
    was = _digest(before)  # the reading of the previous record (``reading_of``), once for all the work
    placed: list[tuple[W, int]] = []
    aside: list[tuple[W, int, str | None, str]] = []
    taken: dict[object, W] = {}
    for work in works:
        at = anchor(previous, work.person_idx, lambda p, w=work: bears(p, w))
        if at is None and not before:
            aside.append((work, work.person_idx, None, UNKNOWN_READING))
            continue
        if at is None and work.reading is not None and work.reading != was:
            aside.append((work, work.person_idx, None, MEANWHILE))
            continue
        at = work.person_idx if at is None else at
        where = mapping.get(at, f"the document had {len(before)} person(s)")
        if isinstance(where, int) and slot(work, where) in taken:
            where = clash(taken[slot(work, where)])
        if isinstance(where, int):
            taken[slot(work, where)] = work
            placed.append((work, where))
        else:
            aside.append((work, at, before[at].name if at < len(before) else None, where))
    return placed, aside


def _bears_decision(person: dict, d: Decision) -> bool:
    match = person.get("match") or {}
    stamp = match.get("decision") or {}
    return (stamp.get("action"), stamp.get("user")) == (d.action, d.user) and same_time(stamp.get("at"), d.decided_at) \
        and (d.action != "accept" or match.get("citizen_id") == d.citizen_id)


def _bears_correction(person: dict, c: Correction) -> bool:
    f = (person.get("fields") or {}).get(c.field) or {}
    stamp = f.get("corrected") or {}
    return stamp.get("by") == c.user and same_time(stamp.get("at"), c.corrected_at) and f.get("value") == c.value


def _label(d: Decision) -> str:
    return f"accept {d.citizen_id}" if d.action == "accept" else d.action


def _decided_again(warning: str, action: str, citizen_id: str | None, names: tuple[str, ...]) -> bool:
    """Whether a decision on a person known by ``names`` ends the warning of a decision set aside: it accepts the
    same citizen, or it is on a person of that name, or (the name was unread) it is of the same kind."""
    found = _DECISION_WARNING.match(warning)
    if found is None:
        return False
    if action == "accept" and found[2] == f"accept {citizen_id}":
        return True
    return _same_name(found[1], names) if found[1] else found[2].split()[0] == action


def _corrected_again(warning: str, field_name: str, names: tuple[str, ...]) -> bool:
    found = _CORRECTION_WARNING.match(warning)
    return found is not None and found[2] == field_name and (_same_name(found[1], names) if found[1] else True)


def _same_name(name: str, names: tuple[str, ...]) -> bool:
    return any(fuzz.ratio(fold(name), fold(n)) >= NAME_SAME for n in names)


def _seen(record: dict) -> list[Seen]:
    return [Seen.of_record(p) for p in ocr_view(record).get("persons") or []]


def reading_of(record: dict) -> str:
    """A short digest of the persons a record's reading lists (role, name, birth date as OCR read them): a page
    sends it with what staff decide or correct, so that work chosen by position on a reading since replaced is
    refused, not put on whoever now stands there. Staff work itself leaves it unchanged."""
    return _digest(_seen(record))


def _digest(reading: Sequence[Seen]) -> str:
    persons = [(s.role, s.name, s.birth) for s in reading]
    return hashlib.sha256(json.dumps(persons, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


READ_AGAIN = "the document was read again since this page was shown: its persons may stand otherwise; reload it"


def read_again(record: dict, reading: str | None) -> bool:
    """Whether a page's ``reading`` (None: the caller sent none) is no longer the record's."""
    return reading is not None and reading != reading_of(record)


def read_names(record: dict, person: int | None) -> tuple[str, ...]:
    """A person's name in ``record`` as OCR read it and as the record shows it (for ``decided``, ``corrected``)."""
    if person is None or person >= len(record.get("persons") or []):
        return ()
    shown = ((record["persons"][person].get("fields") or {}).get("full_name") or {}).get("value")
    return tuple(dict.fromkeys(n for n in (_seen(record)[person].name, shown) if n))


def _told(previous: dict | None, prefix: str) -> list[str]:
    """The warnings of work set aside that the previous record told (they stay until that work is done again)."""
    return [w for w in (previous or {}).get("warnings") or [] if w.startswith(prefix)]


def _with_told(record: dict, prefix: str, warnings: list[str]) -> dict:
    if not warnings and not _told(record, prefix):
        return record
    return {**record, "warnings": renewed_warnings(record, prefix, list(dict.fromkeys(warnings)))}


def told_set_aside(previous: dict | None) -> list[str]:
    """Every warning of work set aside the previous record told: a failed run keeps them."""
    return [*_told(previous, DECISION_SET_ASIDE), *_told(previous, CORRECTION_SET_ASIDE)]
