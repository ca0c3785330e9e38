"""Staff work applied again after a re-run, each piece on the person it was made for (``workers.placement``):
field corrections before matching (:func:`corrections_in_force`), review decisions after (:func:`decisions_in_force`).

Work whose person moved (a re-extraction lists the persons otherwise) moves with it, in the index too; work whose
person the new reading does not have, or has twice, is set aside: out of force (the logs keep it) and told in
the record's warnings until staff make that decision again (accept that citizen, reject a link) or correct that
field again, on whichever person. A reject with no previous reading to go by (a run failed in between) stays at
its position: it can only unlink.
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
from workers.placement import UNKNOWN_READING, Placed, Seen, anchor, place, same_time, stamp_time
from workers.record import apply_decisions

log = logging.getLogger(__name__)

SET_ASIDE_WARNING = "set aside: review decision "  # how a record's warning about a decision set aside starts


def decisions_in_force(index: Index, record: dict, previous: dict | None, lookup: RegistryLookup | None = None,
                       *, reread: bool = True, decided: tuple[str, str | None] | None = None) -> dict:
    """``record`` with its decisions applied. ``previous``: the record they were last applied to (None: no earlier
    one). ``reread``: whether ``record`` is a new reading; if not (staff deciding on the record in force), every
    decision stays at its position. ``decided``: the (action, citizen) staff just decided, whose warnings of the
    same decision set aside are done with."""
    decisions = decisions_for(index, record["doc_id"])
    placed, set_aside = place_decisions(decisions, record, previous if reread else None, lookup, reread=reread)
    if set_aside or any(d.person_idx != k for k, d in placed.items()):
        settle_decisions(index, record["doc_id"], placed, [d for d, _ in set_aside])
        log.info("document %s: %d decision(s) moved with their person, %d set aside", record["doc_id"],
                 sum(d.person_idx != k for k, d in placed.items()), len(set_aside))
    out = apply_decisions(record, placed, lookup)
    done = f" ({_label(*decided)}) by " if decided else None
    kept = [w for w in kept_warnings(previous, SET_ASIDE_WARNING) if not (done and done in w)]
    return with_warnings(out, SET_ASIDE_WARNING, [*kept, *(_warning(d, why) for d, why in set_aside)])


def place_decisions(decisions: dict[int, Decision], record: dict, previous: dict | None,
                    lookup: RegistryLookup | None = None, *, reread: bool = True
                    ) -> tuple[dict[int, Decision], list[tuple[Decision, str]]]:
    """Each decision's person in ``record``: (position → decision, [(decision set aside, why)]). Of two decisions
    on one person the later one applies."""
    if not decisions:
        return {}, []
    current = [Seen.of_record(p) for p in ocr_view(record).get("persons") or []]
    before = _seen_before(previous) if reread else current
    placed: dict[int, Decision] = {}
    set_aside: list[tuple[Decision, str]] = []
    for d in sorted(decisions.values(), key=lambda d: d.decided_at, reverse=True):
        names = []
        if d.action == "accept" and lookup is not None and d.citizen_id:
            entry = lookup.by_id(d.citizen_id)
            names = [entry.full_name] if entry is not None and entry.full_name else []
        at = anchor(previous, d.person_idx, lambda p, d=d: _carries(p, d)) if reread else d.person_idx
        where = place(at, before, current, d.person_idx, names)
        if where.why == UNKNOWN_READING and d.action == "reject" and d.person_idx < len(current):
            where = Placed(d.person_idx)
        if where.position is not None and where.position in placed:
            where = Placed(None, f"a later decision by {placed[where.position].user} applies to that person")
        if where.position is None:
            set_aside.append((d, where.why))
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


def _warning(d: Decision, why: str) -> str:
    return (f"{SET_ASIDE_WARNING}of person {d.person_idx} ({_label(d.action, d.citizen_id)}) by {d.user} at "
            f"{stamp_time(d.decided_at)}: {why}")


def corrections_in_force(index: Index, doc_id: str, extraction: Extraction, previous: dict | None, *,
                         reread: bool = True, corrected: str | None = None) -> Applied:
    """The corrections of a document applied to ``extraction``, each on its person. ``previous``, ``reread``: as
    for :func:`decisions_in_force`; ``corrected``: the field staff just corrected, whose warnings of corrections
    of that field set aside are done with."""
    found = corrections_for(index, doc_id)
    placed, set_aside = place_corrections(found, extraction, previous if reread else None, reread=reread)
    moved = [(c, k) for c, k in placed if c.person_idx is not None and c.person_idx != k]
    if moved or set_aside:
        settle_corrections(index, doc_id, moved, [c for c, _ in set_aside])
        log.info("document %s: %d correction(s) moved with their person, %d set aside", doc_id, len(moved),
                 len(set_aside))
    applied = apply_to_extraction(extraction, [replace(c, person_idx=k) for c, k in placed])
    done = f" {corrected} by " if corrected else None
    kept = [w for w in kept_warnings(previous, CORRECTION_SET_ASIDE) if not (done and done in w)]
    new = [f"{CORRECTION_SET_ASIDE}of person {c.person_idx} {c.field} by {c.user} at {stamp_time(c.corrected_at)}: "
           f"{why}" for c, why in set_aside]
    return replace(applied, set_aside=list(dict.fromkeys([*kept, *new])))


def place_corrections(corrections: list[Correction], extraction: Extraction, previous: dict | None, *,
                      reread: bool = True
                      ) -> tuple[list[tuple[Correction, int | None]], list[tuple[Correction, str]]]:
    """Each correction with the position of its person in ``extraction`` (None for a document field), and those
    set aside with why. Of two corrections of one field of one person the later one applies."""
    current = [Seen.of_person(p) for p in extraction.persons]
    before = _seen_before(previous) if reread else current
    placed: list[tuple[Correction, int | None]] = []
    taken: dict[tuple[int, str], Correction] = {}
    set_aside: list[tuple[Correction, str]] = []
    for c in sorted(corrections, key=lambda c: c.corrected_at, reverse=True):
        if c.person_idx is None:
            placed.append((c, None))
            continue
        at = anchor(previous, c.person_idx, lambda p, c=c: _bears(p, c)) if reread else c.person_idx
        where = place(at, before, current, c.person_idx)
        if where.position is not None and (where.position, c.field) in taken:
            where = Placed(None, f"a later correction by {taken[where.position, c.field].user} applies to that field")
        if where.position is None:
            set_aside.append((c, where.why))
        else:
            taken[where.position, c.field] = c
            placed.append((c, where.position))
    return placed, set_aside


def _bears(person: dict, c: Correction) -> bool:
    field = (person.get("fields") or {}).get(c.field) or {}
    stamp = field.get("corrected") or {}
    return stamp.get("by") == c.user and same_time(stamp.get("at"), c.corrected_at) and field.get("value") == c.value


def _seen_before(previous: dict | None) -> list[Seen]:
    return [Seen.of_record(p) for p in ocr_view(previous).get("persons") or []] if previous is not None else []


def kept_warnings(previous: dict | None, prefix: str) -> list[str]:
    """The warnings of work set aside that the previous record told (they stay until that work is done again)."""
    return [w for w in (previous or {}).get("warnings") or [] if w.startswith(prefix)]


def with_warnings(record: dict, prefix: str, warnings: list[str]) -> dict:
    """``record`` with its warnings starting with ``prefix`` replaced by ``warnings`` (once each)."""
    others = [w for w in record.get("warnings") or [] if not w.startswith(prefix)]
    if not warnings and len(others) == len(record.get("warnings") or []):
        return record
    return {**record, "warnings": others + list(dict.fromkeys(warnings))}
