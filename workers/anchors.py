"""Where a person of a document is printed: what a review decision keeps of the person it was made on, so that
it follows that person when a re-extraction by a newer sohoa lists the persons of the document in another order.

A person is found again by its role and by the box of one of its fields on the same page (the name's where it
was read, else the birth date's, an ID's, another field's): an upgrade may read the text differently, never
print it elsewhere. A decision whose person is found nowhere is not applied to whoever now stands at its
position; the record says so in a warning, and the person waits for a decision again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storage.reviews import Decision

ANCHOR_FIELDS = ("full_name", "date_of_birth", "citizen_id", "old_id_number")
WARNING_PREFIX = "review decision "
_ROW_SHARE = 0.5  # of the lower box's height two boxes must share to be on one line of print


def anchor_of(person: Mapping) -> dict | None:
    """The role, page and box that place ``person`` (a record's) on its document; None without any box."""
    fields = person.get("fields") or {}
    for name in (*ANCHOR_FIELDS, *sorted(fields)):
        f = fields.get(name) or {}
        if f.get("page") and f.get("bbox"):
            return {"role": person.get("role"), "page": f["page"], "bbox": [int(v) for v in f["bbox"]]}
    return None


def _same_place(a: Sequence[int], b: Sequence[int]) -> bool:
    """Two boxes of one line of print that overlap across: a value read longer or shorter is still in its place;
    the next row, or the other column of a marriage record, is not."""
    across = min(a[2], b[2]) - max(a[0], b[0])
    down = min(a[3], b[3]) - max(a[1], b[1])
    return across > 0 and down >= _ROW_SHARE * min(a[3] - a[1], b[3] - b[1])


def fits(anchor: Mapping, person: Mapping) -> bool:
    """Whether ``person`` (a record's) is the one ``anchor`` placed."""
    if person.get("role") != anchor.get("role"):
        return False
    return any(f.get("page") == anchor.get("page") and f.get("bbox") and _same_place(anchor["bbox"], f["bbox"])
               for f in (person.get("fields") or {}).values())


def placed(decisions: Mapping[int, Decision], persons: Sequence[Mapping]) -> tuple[dict[int, Decision], list[Decision]]:
    """Each decision by the position of the person it was made on now, and the decisions whose person is gone.

    A decision made before anchors were kept stays at its position. One whose person still stands at its position
    keeps it; then one whose person moved goes where exactly one person fits its anchor, if no other decision
    holds that position."""
    out: dict[int, Decision] = {}
    moving: list[Decision] = []
    lost: list[Decision] = []
    for idx, d in sorted(decisions.items()):
        here = persons[idx] if 0 <= idx < len(persons) else None
        if here is not None and (d.anchor is None or fits(d.anchor, here)):
            out[idx] = d
        elif here is None and d.anchor is None:
            lost.append(d)
        else:
            moving.append(d)
    for d in moving:
        found = [j for j, p in enumerate(persons) if fits(d.anchor or {}, p)]
        if d.anchor is not None and len(found) == 1 and found[0] not in out:
            out[found[0]] = d
        else:
            lost.append(d)
    return out, lost


def warning(d: Decision) -> str:
    return (f"{WARNING_PREFIX}of person {d.person_idx} ({d.action}) by {d.user} not applied: that person is no "
            "longer found on the document; decide again")
