"""Staff work applied again after a re-run, each piece on the person it was made for (``workers.placement``):
field corrections before matching (:func:`corrections_in_force`), review decisions after (:func:`decisions_in_force`).

Work whose person moved (a re-extraction lists the persons otherwise) moves with it, in the index too; work whose
person the new reading does not have, or has twice, is set aside: out of force (the logs keep it) and told in
the record's warnings until staff decide on, or correct, that person position again.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from extract.blocking import RegistryLookup
from extract.model import Extraction
from storage.corrections import Correction, corrections_for, settle_corrections
from storage.index import Index
from storage.reviews import Decision, decisions_for, settle_decisions
from workers.corrections import SET_ASIDE_WARNING as CORRECTION_SET_ASIDE
from workers.corrections import Applied, apply_to_extraction, ocr_view
from workers.placement import Placed, Seen, anchor, place, same_time, stamp_time
from workers.record import apply_decisions

log = logging.getLogger(__name__)

SET_ASIDE_WARNING = "set aside: review decision "  # how a record's warning about a decision set aside starts


def decisions_in_force(index: Index, record: dict, previous: dict | None,
                       lookup: RegistryLookup | None = None, decided: int | None = None) -> dict:
    """``record`` (a new reading of the document, corrections marked) with its decisions applied; ``previous`` is
    the record they were last applied to (None: none, they stay at their positions). ``decided``: the person
    staff just decided on, whose decisions set aside before are no longer worth a warning."""
    decisions = decisions_for(index, record["doc_id"])
    placed, set_aside = place_decisions(decisions, record, previous, lookup)
    if set_aside or any(d.person_idx != k for k, d in placed.items()):
        settle_decisions(index, record["doc_id"], placed, [d for d, _ in set_aside])
        log.info("document %s: %d decision(s) moved with their person, %d set aside", record["doc_id"],
                 sum(d.person_idx != k for k, d in placed.items()), len(set_aside))
    out = apply_decisions(record, placed, lookup)
    kept = [w for w in (previous or {}).get("warnings") or [] if w.startswith(SET_ASIDE_WARNING)
            and not w.startswith(f"{SET_ASIDE_WARNING}of person {decided} (")]
    new = [_warning(d, why) for d, why in set_aside]
    others = [w for w in out.get("warnings") or [] if not w.startswith(SET_ASIDE_WARNING)]
    if kept or new or len(others) != len(out.get("warnings") or []):
        out = {**out, "warnings": others + list(dict.fromkeys([*kept, *new]))}
    return out


def place_decisions(decisions: dict[int, Decision], record: dict, previous: dict | None,
                    lookup: RegistryLookup | None = None
                    ) -> tuple[dict[int, Decision], list[tuple[Decision, str]]]:
    """Each decision's person in ``record``: (position → decision, [(decision set aside, why)]). Of two decisions
    on one person the later one applies."""
    if not decisions:
        return {}, []
    current = [Seen.of_record(p) for p in ocr_view(record).get("persons") or []]
    before = [Seen.of_record(p) for p in ocr_view(previous).get("persons") or []] if previous is not None else []
    placed: dict[int, Decision] = {}
    set_aside: list[tuple[Decision, str]] = []
    for d in sorted(decisions.values(), key=lambda d: d.decided_at, reverse=True):
        names = []
        if d.action == "accept" and lookup is not None and d.citizen_id:
            entry = lookup.by_id(d.citizen_id)
            names = [entry.full_name] if entry is not None and entry.full_name else []
        where = place(anchor(previous, lambda p, d=d: _carries(p, d)), before, current, d.person_idx, names)
        if where.position is not None and where.position in placed:
            later = placed[where.position]
            where = Placed(None, f"a later decision by {later.user} applies to that person")
        if where.position is None:
            set_aside.append((d, where.why))
        else:
            placed[where.position] = d
    return placed, set_aside


def _carries(person: dict, d: Decision) -> bool:
    stamp = (person.get("match") or {}).get("decision") or {}
    return stamp.get("action") == d.action and stamp.get("user") == d.user and same_time(stamp.get("at"), d.decided_at)


def _warning(d: Decision, why: str) -> str:
    return f"{SET_ASIDE_WARNING}of person {d.person_idx} ({d.action}) by {d.user} at {stamp_time(d.decided_at)}: {why}"


def corrections_in_force(index: Index, doc_id: str, extraction: Extraction, previous: dict | None,
                         corrected: int | None = None) -> Applied:
    """The corrections of a document applied to a new reading of it (``extraction``), each on its person;
    ``previous`` is the record they were last applied to; ``corrected``: the person staff just corrected, whose
    corrections set aside before are no longer worth a warning."""
    found = corrections_for(index, doc_id)
    placed, set_aside = place_corrections(found, extraction, previous)
    moved = [(c, k) for c, k in placed if c.person_idx is not None and c.person_idx != k]
    if moved or set_aside:
        settle_corrections(index, doc_id, moved, [c for c, _ in set_aside])
        log.info("document %s: %d correction(s) moved with their person, %d set aside", doc_id, len(moved),
                 len(set_aside))
    applied = apply_to_extraction(extraction, [replace(c, person_idx=k) for c, k in placed])
    kept = [w for w in (previous or {}).get("warnings") or [] if w.startswith(CORRECTION_SET_ASIDE)
            and not w.startswith(f"{CORRECTION_SET_ASIDE}of person {corrected} ")]
    new = [f"{CORRECTION_SET_ASIDE}of person {c.person_idx} {c.field} by {c.user} at {stamp_time(c.corrected_at)}: "
           f"{why}" for c, why in set_aside]
    return replace(applied, set_aside=list(dict.fromkeys([*kept, *new])))


def place_corrections(corrections: list[Correction], extraction: Extraction, previous: dict | None
                      ) -> tuple[list[tuple[Correction, int | None]], list[tuple[Correction, str]]]:
    """Each correction with the position of its person in ``extraction`` (None for a document field), and those
    set aside with why. Of two corrections of one field of one person the later one applies."""
    current = [Seen.of_person(p) for p in extraction.persons]
    before = [Seen.of_record(p) for p in ocr_view(previous).get("persons") or []] if previous is not None else []
    placed: list[tuple[Correction, int | None]] = []
    taken: dict[tuple[int, str], Correction] = {}
    set_aside: list[tuple[Correction, str]] = []
    for c in sorted(corrections, key=lambda c: c.corrected_at, reverse=True):
        if c.person_idx is None:
            placed.append((c, None))
            continue
        where = place(anchor(previous, lambda p, c=c: _bears(p, c)), before, current, c.person_idx)
        if where.position is not None and (where.position, c.field) in taken:
            where = Placed(None, f"a later correction by {taken[where.position, c.field].user} applies to that field")
        if where.position is None:
            set_aside.append((c, where.why))
        else:
            taken[where.position, c.field] = c
            placed.append((c, where.position))
    return placed, set_aside


def _bears(person: dict, c: Correction) -> bool:
    stamp = ((person.get("fields") or {}).get(c.field) or {}).get("corrected") or {}
    return stamp.get("by") == c.user and same_time(stamp.get("at"), c.corrected_at)
