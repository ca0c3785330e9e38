"""Where a person of a document is printed: what a review decision keeps of the person it was made on, so that
it follows that person when a re-extraction by a newer sohoa lists the persons of the document in another order.

A decision stays at its position (``--person N``), as decisions always did, unless there is evidence the
persons moved: its anchor (the role, and the page and box of the field that placed the person: the name where it
was read, else the birth date, an ID) fits not the person at its position but exactly one other person, the same
field of the same role on the same line of print. Two persons' names are lines apart on every form, so a page
straightened a little differently by a newer sohoa (boxes a few pixels off) never makes a name fit another's: it
only stops a decision from moving, and it stays where it was. A decision that can be placed nowhere (its position
gone, another role there, or taken by a decision that fits) is applied to no one: the record warns, and storage
keeps it apart (``storage.reviews.move_decisions``) until a later extraction finds its person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storage.reviews import Decision

ANCHOR_FIELDS = ("full_name", "date_of_birth", "citizen_id", "old_id_number")
WARNING_PREFIX = "review decision "
SET_APART = 1000  # positions from here hold decisions whose person is not found (no document lists so many)
_ROW_SHARE = 0.5  # of the lower box's height two boxes must share to be on one line of print


def anchor_of(person: Mapping) -> dict | None:
    """The role, field, page and box that place ``person`` (a record's) on its document; None without a box."""
    fields = person.get("fields") or {}
    for name in ANCHOR_FIELDS:
        f = fields.get(name) or {}
        if f.get("page") and f.get("bbox"):
            return {"role": person.get("role"), "field": name, "page": f["page"],
                    "bbox": [int(v) for v in f["bbox"]]}
    return None


def _same_place(a: Sequence[int], b: Sequence[int]) -> bool:
    """Two boxes on one line of print that overlap across: a value read longer or shorter is still in its place;
    the next row, or the other column of a marriage record, is not."""
    across = min(a[2], b[2]) - max(a[0], b[0])
    down = min(a[3], b[3]) - max(a[1], b[1])
    return across > 0 and down >= _ROW_SHARE * min(a[3] - a[1], b[3] - b[1])


def fits(anchor: Mapping, person: Mapping) -> bool:
    """Whether ``person`` (a record's) is the one ``anchor`` placed: same role, the anchor's field in its place."""
    field = (person.get("fields") or {}).get(anchor.get("field") or "") or {}
    return bool(person.get("role") == anchor.get("role") and field.get("page") == anchor.get("page")
                and field.get("bbox") and _same_place(anchor["bbox"], field["bbox"]))


@dataclass(frozen=True)
class Placing:
    decision: Decision
    target: int | None
    sure: bool  # placed by its anchor (it fits there), not only by its position


def _placing(d: Decision, persons: Sequence[Mapping]) -> Placing:
    here = persons[d.person_idx] if 0 <= d.person_idx < len(persons) else None
    if d.anchor is not None:
        if here is not None and fits(d.anchor, here):
            return Placing(d, d.person_idx, True)
        found = [j for j, p in enumerate(persons) if fits(d.anchor, p)]
        if len(found) == 1:
            return Placing(d, found[0], True)
    role = (d.anchor or {}).get("role")
    if here is not None and (role is None or here.get("role") == role):
        return Placing(d, d.person_idx, False)
    return Placing(d, None, False)


def placed(decisions: Mapping[int, Decision], persons: Sequence[Mapping]) -> tuple[dict[int, Decision], list[Decision]]:
    """Each decision by the position of its person now, and the decisions placed nowhere. Where two decisions
    come to one position, one its anchor puts there wins over one only its position does, then the newer."""
    out: dict[int, Placing] = {}
    lost: list[Decision] = []
    for p in sorted((_placing(d, persons) for d in decisions.values()),
                    key=lambda p: (not p.sure, -p.decision.decided_at.timestamp())):
        if p.target is None or p.target in out:
            lost.append(p.decision)
        else:
            out[p.target] = p
    return {idx: p.decision for idx, p in out.items()}, sorted(lost, key=lambda d: d.person_idx)


def kept_apart(where: Mapping[int, Decision], lost: Sequence[Decision], count: int) -> dict[int, Decision]:
    """The stored decisions re-keyed: each placed one under its person's position, each placed nowhere under a
    position past any document's persons (never overwritten by a decision on a person listed now)."""
    out = {idx: d for idx, d in where.items() if idx != d.person_idx}
    taken = set(where) | {d.person_idx for d in lost if d.person_idx >= SET_APART}
    spare = max(SET_APART, count)
    for d in lost:
        if d.person_idx < SET_APART or d.person_idx in where:
            while spare in taken:
                spare += 1
            out[spare] = d
            taken.add(spare)
    return out


def warning(d: Decision) -> str:
    whom = f"of person {d.person_idx}" if d.person_idx < SET_APART else "of a person"
    return (f"{WARNING_PREFIX}{whom} ({d.action}) by {d.user} not applied: that person is not found on the "
            "document as it reads now; decide again")
