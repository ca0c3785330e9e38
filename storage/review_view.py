"""The review queue for the staff page: each person waiting for review, oldest first, and the comparison of
the person as read from the page with each registry candidate, field by field (same / different / not
known), parents included where known: on the page for the person read, and for a candidate from a birth
record in the index that links them as its (confirmed) subject."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from extract.evidence import CitizenEntry
from storage.index import Index
from storage.queries import review_items
from storage.registry_lookup import SqlRegistryLookup
from storage.schema import PersonRow
from storage.textfold import fold

COMPARED = ("full_name", "date_of_birth", "gender", "citizen_id", "old_id_number", "place_of_origin",
            "permanent_address", "parents")
PARENT_ROLES = ("father", "mother")


@dataclass(frozen=True)
class QueueItem:
    doc_id: str
    person_idx: int
    role: str
    name: str
    batch: str
    doc_type: str
    processed_at: str


@dataclass
class Side:
    """The person read from the page, or one candidate: values by compared field, and how each compares."""

    values: dict[str, str | None]
    citizen_id: str | None = None
    score: float | None = None
    rank: int | None = None
    in_registry: bool = True
    verdicts: dict[str, str] = field(default_factory=dict)  # same | diff | unknown
    borrowed: dict[str, str] = field(default_factory=dict)  # field -> whose value it is (e.g. "parents")
    alternatives: dict[str, list[str]] = field(default_factory=dict)  # field -> other readings of the page
    misread: dict[str, str] = field(default_factory=dict)  # field -> OCR's reading past use (an ID a digit off)


def queue(index: Index, batch: str | None = None) -> list[QueueItem]:
    out = []
    for record, idx, person in review_items(index, batch=batch):
        name = ((person.get("fields") or {}).get("full_name") or {}).get("value") or ""
        out.append(QueueItem(record["doc_id"], idx, person["role"], name, record["batch"],
                             record.get("doc_type") or "unknown", record.get("processed_at") or ""))
    return out


def _value(person: dict, name: str) -> str | None:
    value = ((person.get("fields") or {}).get(name) or {}).get("value")
    return str(value) if value not in (None, "") else None


def read_side(record: dict, idx: int) -> Side:
    person = record["persons"][idx]
    values = {name: _value(person, name) for name in COMPARED if name != "parents"}
    values["parents"] = _parents_on_page(record, person)
    side = Side(values)
    for name in COMPARED:
        others = ((person.get("fields") or {}).get(name) or {}).get("alternatives")
        if others:
            side.alternatives[name] = list(others)
        wrong = ((person.get("misread") or {}).get(name) or {}).get("value")
        if wrong and not values.get(name):
            side.misread[name] = str(wrong)
    if person.get("role") == "subject" and not values["permanent_address"]:
        # A child's birth record gives no address of its own; the parents' is where the child was registered
        # to live, and often what tells two namesakes apart.
        for parent in record.get("persons") or []:
            address = _value(parent, "permanent_address") if parent.get("role") in PARENT_ROLES else None
            if address:
                values["permanent_address"], side.borrowed["permanent_address"] = address, "parents"
                break
    return side


def _parents_on_page(record: dict, person: dict) -> str | None:
    if person.get("role") != "subject":
        return None
    names = [f"{p['role']}:{_value(p, 'full_name')}" for p in record.get("persons") or []
             if p.get("role") in PARENT_ROLES and _value(p, "full_name")]
    return "; ".join(names) or None


def candidate_side(index: Index, entry: CitizenEntry | None, citizen_id: str, score: float | None,
                   rank: int | None) -> Side:
    if entry is None:
        return Side({name: None for name in COMPARED}, citizen_id, score, rank, in_registry=False)
    values = {
        "full_name": entry.full_name,
        "date_of_birth": entry.date_of_birth or (str(entry.birth_year) if entry.birth_year else None),
        "gender": entry.gender,
        "citizen_id": entry.citizen_id,
        "old_id_number": entry.old_id_number,
        "place_of_origin": entry.place_of_origin,
        "permanent_address": entry.permanent_address,
        "parents": known_parents(index, entry.citizen_id),
    }
    return Side(values, entry.citizen_id, score, rank)


def known_parents(index: Index, citizen_id: str) -> str | None:
    """Parents' names from a document in the index that links this citizen as its subject (confirmed)."""
    query = (select(PersonRow.doc_id).where(PersonRow.citizen_id == citizen_id, PersonRow.role == "subject",
                                            PersonRow.match_status == "matched").limit(5))
    for doc_id in index.transaction(lambda s: list(s.scalars(query))):
        record = index.get_record(doc_id) or {}
        subject = next((p for p in record.get("persons") or [] if p.get("role") == "subject"), None)
        found = _parents_on_page(record, subject) if subject else None
        if found:
            return found
    return None


def compare(read: Side, candidate: Side) -> None:
    for name in COMPARED:
        candidate.verdicts[name] = _verdict(name, read.values.get(name), candidate.values.get(name))


def _verdict(name: str, ours: str | None, theirs: str | None) -> str:
    if not ours or not theirs:
        return "unknown"
    if name == "date_of_birth" and (len(ours) == 4 or len(theirs) == 4):
        return "same" if ours[:4] == theirs[:4] else "diff"
    if name in ("place_of_origin", "permanent_address"):
        a, b = fold(ours).replace(",", " ").split(), fold(theirs).replace(",", " ").split()
        shorter, longer = sorted((a, b), key=len)
        return "same" if all(w in longer for w in shorter) else "diff"
    if name == "parents":
        a = {fold(p.split(":", 1)[-1]) for p in ours.split("; ")}
        b = {fold(p.split(":", 1)[-1]) for p in theirs.split("; ")}
        return "same" if a & b and (a <= b or b <= a) else "diff"
    return "same" if " ".join(fold(ours).split()) == " ".join(fold(theirs).split()) else "diff"


def detail(index: Index, record: dict, idx: int) -> tuple[Side, list[Side]]:
    """The person read and every candidate (in the matcher's order), compared."""
    person = record["persons"][idx]
    match = person.get("match") or {}
    candidates = match.get("candidates") or []
    lookup = SqlRegistryLookup(index)
    entries = {e.citizen_id: e for e in lookup.by_ids([c["citizen_id"] for c in candidates])}
    read = read_side(record, idx)
    sides = []
    for rank, cand in enumerate(candidates, start=1):
        side = candidate_side(index, entries.get(cand["citizen_id"]), cand["citizen_id"], cand.get("score"), rank)
        compare(read, side)
        sides.append(side)
    return read, sides


def lookup_candidate(index: Index, record: dict, idx: int, citizen_id: str) -> Side:
    """A citizen found by ID in the registry, compared with the person read (for 'search by ID')."""
    entry = SqlRegistryLookup(index).by_id(citizen_id)
    side = candidate_side(index, entry, citizen_id, None, None)
    compare(read_side(record, idx), side)
    return side
