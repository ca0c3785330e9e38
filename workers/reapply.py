"""Staff work applied again after a re-run, each piece on the person it was made for (``workers.placement``):
field corrections before matching (:func:`corrections_in_force`), review decisions after (:func:`decisions_in_force`).

Work whose person moved (a re-extraction lists the persons otherwise) moves with it, in the index too; work whose
person the new reading does not have, or has twice, is set aside: out of force (the logs keep it) and told in
the record's warnings, which name the person as last read. A warning ends when staff decide on a person of that
name (or accept that citizen), or correct that field of a person of that name; one about a person with no name
read, when staff make that kind of decision, or correct that field, on any person.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from rapidfuzz import fuzz

from extract.blocking import RegistryLookup
from extract.model import Extraction
from extract.text import fold
from storage.corrections import Correction, corrections_for, settle_corrections
from storage.index import Index
from storage.reviews import Decision, decisions_for, settle_decisions
from workers.corrections import SET_ASIDE_WARNING as CORRECTION_SET_ASIDE
from workers.corrections import Applied, apply_to_extraction, ocr_view
from workers.placement import NAME_SAME, Placed, Seen, anchor, place, same_time, stamp_time
from workers.record import apply_decisions

log = logging.getLogger(__name__)

SET_ASIDE_WARNING = "set aside: review decision "  # how a record's warning about a decision set aside starts


def decisions_in_force(index: Index, record: dict, previous: dict | None, lookup: RegistryLookup | None = None,
                       *, decided: tuple[str, str | None, tuple[str, ...]] | None = None) -> dict:
    """``record`` with its decisions applied. ``previous``: the record they were last applied to (the record
    itself when staff decide on it; None: no earlier one). ``decided``: the (action, citizen, ``read_names``) of the
    decision staff just made, which ends the warnings of a decision set aside that it makes again."""
    decisions = decisions_for(index, record["doc_id"])
    placed, set_aside = place_decisions(decisions, record, previous, lookup)
    if set_aside or any(d.person_idx != k for k, d in placed.items()):
        settle_decisions(index, record["doc_id"], placed, [d for d, _, _ in set_aside])
        log.info("document %s: %d decision(s) moved with their person, %d set aside", record["doc_id"],
                 sum(d.person_idx != k for k, d in placed.items()), len(set_aside))
    out = apply_decisions(record, placed, lookup)
    kept = [w for w in kept_warnings(previous, SET_ASIDE_WARNING) if not (decided and _decided_again(w, *decided))]
    new = [f'{SET_ASIDE_WARNING}of person {d.person_idx} "{name or ""}" ({_label(d.action, d.citizen_id)}) by '
           f"{d.user} at {stamp_time(d.decided_at)}: {why}" for d, name, why in set_aside]
    return with_warnings(out, SET_ASIDE_WARNING, [*kept, *new])


def place_decisions(decisions: dict[int, Decision], record: dict, previous: dict | None,
                    lookup: RegistryLookup | None = None
                    ) -> tuple[dict[int, Decision], list[tuple[Decision, str | None, str]]]:
    """Each decision's person in ``record``: (position → decision, [(decision set aside, its person's name as
    last read, why)]). Of two decisions on one person the later one applies."""
    if not decisions:
        return {}, []
    current = [Seen.of_record(p) for p in ocr_view(record).get("persons") or []]
    before = _seen(previous)
    placed: dict[int, Decision] = {}
    set_aside: list[tuple[Decision, str | None, str]] = []
    for d in sorted(decisions.values(), key=lambda d: d.decided_at, reverse=True):
        names = []
        if d.action == "accept" and lookup is not None and d.citizen_id:
            entry = lookup.by_id(d.citizen_id)
            names = [entry.full_name] if entry is not None and entry.full_name else []
        at = anchor(previous, d.person_idx, lambda p, d=d: _carries(p, d))
        where = place(at, before, current, d.person_idx, names)
        if where.position is not None and where.position in placed:
            where = Placed(None, f"a later decision by {placed[where.position].user} applies to that person")
        if where.position is None:
            set_aside.append((d, _name(before, d.person_idx if at is None else at), where.why))
        else:
            placed[where.position] = d
    return placed, set_aside


def _carries(person: dict, d: Decision) -> bool:
    match = person.get("match") or {}
    stamp = match.get("decision") or {}
    return (stamp.get("action"), stamp.get("user")) == (d.action, d.user) and same_time(stamp.get("at"), d.decided_at) \
        and (d.action != "accept" or match.get("citizen_id") == d.citizen_id)


def _label(action: str, citizen_id: str | None) -> str:
    return f"{action} {citizen_id}" if action == "accept" and citizen_id else action


_DECISION_SET_ASIDE = re.compile(r'^set aside: review decision of person \d+ "(.*)" \((accept \d+|reject)\) by ')
_CORRECTION_SET_ASIDE = re.compile(r'^set aside: correction of person \d+ "(.*)" (\w+) by ')


def _decided_again(warning: str, action: str, citizen_id: str | None, names: tuple[str, ...]) -> bool:
    """Whether a decision on the person named ``names`` ends the warning of a decision set aside: it accepts the
    same citizen, or it is on a person of that name, or (the name was unread) it is of the same kind."""
    found = _DECISION_SET_ASIDE.match(warning)
    if found is None:
        return False
    if found[2] == _label(action, citizen_id) and action == "accept":
        return True
    return _same_name(found[1], names) if found[1] else found[2].split()[0] == action


def _same_name(a: str, names: tuple[str, ...]) -> bool:
    return any(fuzz.ratio(fold(a), fold(n)) >= NAME_SAME for n in names)


def corrections_in_force(index: Index, doc_id: str, extraction: Extraction, previous: dict | None, *,
                         corrected: tuple[str, tuple[str, ...]] | None = None) -> Applied:
    """The corrections of a document applied to ``extraction``, each on its person. ``previous``: as for
    :func:`decisions_in_force`; ``corrected``: the (field, ``read_names`` of its person) staff just corrected,
    which ends the warnings of a correction of that field set aside that it makes again."""
    found = corrections_for(index, doc_id)
    placed, set_aside = place_corrections(found, extraction, previous)
    moved = [(c, k) for c, k in placed if c.person_idx is not None and c.person_idx != k]
    if moved or set_aside:
        settle_corrections(index, doc_id, moved, [c for c, _, _ in set_aside])
        log.info("document %s: %d correction(s) moved with their person, %d set aside", doc_id, len(moved),
                 len(set_aside))
    applied = apply_to_extraction(extraction, [replace(c, person_idx=k) for c, k in placed])
    kept = [w for w in kept_warnings(previous, CORRECTION_SET_ASIDE) if not (corrected and _corrected_again(
        w, *corrected))]
    new = [f'{CORRECTION_SET_ASIDE}of person {c.person_idx} "{name or ""}" {c.field} by {c.user} at '
           f"{stamp_time(c.corrected_at)}: {why}" for c, name, why in set_aside]
    return replace(applied, set_aside=list(dict.fromkeys([*kept, *new])))


def place_corrections(corrections: list[Correction], extraction: Extraction, previous: dict | None
                      ) -> tuple[list[tuple[Correction, int | None]], list[tuple[Correction, str | None, str]]]:
    """Each correction with the position of its person in ``extraction`` (None for a document field), and those
    set aside with their person's name as last read and why. Of two corrections of one field of one person the
    later one applies."""
    current = [Seen.of_person(p) for p in extraction.persons]
    before = _seen(previous)
    placed: list[tuple[Correction, int | None]] = []
    taken: dict[tuple[int, str], Correction] = {}
    set_aside: list[tuple[Correction, str | None, str]] = []
    for c in sorted(corrections, key=lambda c: c.corrected_at, reverse=True):
        if c.person_idx is None:
            placed.append((c, None))
            continue
        at = anchor(previous, c.person_idx, lambda p, c=c: _bears(p, c))
        where = place(at, before, current, c.person_idx)
        if where.position is not None and (where.position, c.field) in taken:
            where = Placed(None, f"a later correction by {taken[where.position, c.field].user} applies to that field")
        if where.position is None:
            set_aside.append((c, _name(before, c.person_idx if at is None else at), where.why))
        else:
            taken[where.position, c.field] = c
            placed.append((c, where.position))
    return placed, set_aside


def _bears(person: dict, c: Correction) -> bool:
    field = (person.get("fields") or {}).get(c.field) or {}
    stamp = field.get("corrected") or {}
    return stamp.get("by") == c.user and same_time(stamp.get("at"), c.corrected_at) and field.get("value") == c.value


def _corrected_again(warning: str, field: str, names: tuple[str, ...]) -> bool:
    found = _CORRECTION_SET_ASIDE.match(warning)
    return found is not None and found[2] == field and (_same_name(found[1], names) if found[1] else True)


def _seen(record: dict | None) -> list[Seen]:
    return [Seen.of_record(p) for p in ocr_view(record).get("persons") or []] if record is not None else []


def _name(seen: list[Seen], k: int) -> str | None:
    return seen[k].name if k < len(seen) else None


def read_names(record: dict, person: int | None) -> tuple[str, ...]:
    """A person's name in ``record`` as OCR read it and as the record shows it (for ``decided``, ``corrected``)."""
    if person is None or person >= len(record.get("persons") or []):
        return ()
    shown = ((record["persons"][person].get("fields") or {}).get("full_name") or {}).get("value")
    return tuple(n for n in (_name(_seen(record), person), shown) if n)


def kept_warnings(previous: dict | None, prefix: str) -> list[str]:
    """The warnings of work set aside that the previous record told (they stay until that work is done again)."""
    return [w for w in (previous or {}).get("warnings") or [] if w.startswith(prefix)]


def with_warnings(record: dict, prefix: str, warnings: list[str]) -> dict:
    """``record`` with its warnings starting with ``prefix`` replaced by ``warnings`` (once each)."""
    others = [w for w in record.get("warnings") or [] if not w.startswith(prefix)]
    if not warnings and len(others) == len(record.get("warnings") or []):
        return record
    return {**record, "warnings": others + list(dict.fromkeys(warnings))}
