"""A citizen's documents: those where the citizen is a *confirmed* link, and (for staff) review candidates.

Confirmed means the person's link is ``matched``, by the matcher or by a reviewer's accept (decisions are
applied to the record, so the ``persons`` rows already say ``matched``). A person waiting for review is only
a candidate: handing that document out as the citizen's could give one person's papers to another.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import JSON, ColumnElement, Connection, Select, String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from storage.access_schema import ReuseRow
from storage.index import Index
from storage.schema import Document, MatchRow, PersonRow

CONFIRMED = "confirmed"
REVIEW_CANDIDATE = "review_candidate"
LISTED_STATUSES = ("done", "review")
BULKY_PARTS = ("text", "pages", "persons")  # record parts a list item does not show unless asked (fields=)


@dataclass(frozen=True)
class CitizenDocument:
    record: dict
    roles: tuple[str, ...]  # the citizen's role(s) on the document, in person order
    link: str  # confirmed | review_candidate
    reuse_count: int

    @property
    def doc_id(self) -> str:
        return self.record["doc_id"]


def document_date(record: dict) -> str | None:
    """The date the paper bears: its document date, else its registration date (ISO, or a year alone)."""
    fields = record.get("fields") or {}
    for name in ("document_date", "registration_date"):
        value = (fields.get(name) or {}).get("value")
        if value:
            return str(value)
    return None


def _in_range(value: str | None, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if not value:
        return False
    if len(value) == 4:  # a year alone is in the range when the year is
        return (start is None or start.year <= int(value)) and (end is None or int(value) <= end.year)
    return (start is None or start.isoformat() <= value) and (end is None or value <= end.isoformat())


def _listed_record(dialect: str) -> ColumnElement:
    """The record without its bulky parts (OCR text, pages, persons) where the database cuts them cheaply.

    Measured side by side over 1,500 citizens of the API benchmark's million documents (in one process,
    alternating): SQLite's json_remove makes a list 0.57x the wall time and 0.72x the CPU of reading
    the whole 6 KB records; on PostgreSQL, whose column is ``json`` (text), cutting costs more than it saves
    (a jsonb cast and minus: 1.59x the wall time; json_build_object of the kept parts: 3.4x), so it gets the
    whole record.
    """
    if dialect == "postgresql":
        return Document.record
    return type_coerce(func.json_remove(Document.record, *[f"$.{part}" for part in BULKY_PARTS]), JSON)


@functools.cache
def _statement(dialect: str, kind: str, whole: bool) -> Select:
    """The query of one kind of link, built once: (doc_id, role, record, reuse count) of ``:citizen_id``.

    Built once and reused, a statement keeps its cache key (SQLAlchemy memoizes it on the object): building
    it and computing its key again on every request cost about as much CPU as running it.

    A join from the citizen's persons rows (their index) to the documents by primary key: no list of ids
    goes back and forth, and no condition on ``documents`` lets SQLite prefer an unselective index (with a
    status condition it chose the status index and scanned a million rows: 82 ms instead of 1 ms).
    """
    citizen = bindparam("citizen_id", type_=String)
    reuses = select(func.count()).where(ReuseRow.doc_id == Document.doc_id).correlate(Document).scalar_subquery()
    record = Document.record if whole else _listed_record(dialect)
    base = select(PersonRow.doc_id, PersonRow.role, record, reuses).join(Document, Document.doc_id == PersonRow.doc_id)
    if kind == CONFIRMED:
        base = base.where(PersonRow.citizen_id == citizen, PersonRow.match_status == "matched")
    else:
        base = base.join(MatchRow, MatchRow.person_id == PersonRow.id).where(
            MatchRow.citizen_id == citizen, PersonRow.match_status == "review"
        )
    return base.order_by(PersonRow.doc_id, PersonRow.idx)


def _rows(
    conn: Connection, citizen_id: str, include_review: bool, whole: bool = True
) -> list[tuple[str, str, str, dict, int]]:
    """(doc_id, role, link kind, record, reuse count) per link, in one query per kind of link; ``whole=False``:
    the record without its bulky parts (:func:`_listed_record`)."""
    kinds = (CONFIRMED, REVIEW_CANDIDATE) if include_review else (CONFIRMED,)
    dialect = conn.dialect.name
    return [
        (doc_id, role, kind, record, count)
        for kind in kinds
        for doc_id, role, record, count in conn.execute(_statement(dialect, kind, whole), {"citizen_id": citizen_id})
    ]


def citizen_documents(
    index: Index,
    citizen_id: str,
    *,
    include_review: bool = False,
    doc_type: str | None = None,
    role: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    whole: bool = True,
) -> list[CitizenDocument]:
    """Newest paper first (by the date it bears; undated last), then by doc_id.

    A confirmed link wins over a candidacy on the same document; a citizen in two roles is listed once.
    ``whole=False``: records without their OCR text, pages and persons (enough for a list item).
    """
    with index.reading() as conn:
        rows = _rows(conn, citizen_id, include_review, whole)
    return _listed(rows, doc_type, role, date_from, date_to)


def confirmed_documents(
    index: Index, citizen_ids: list[str], *, whole: bool = True
) -> dict[str, list[CitizenDocument]]:
    """:func:`citizen_documents` (confirmed links, no filters) of several citizens, read together."""
    with index.reading() as conn:
        rows = {cid: _rows(conn, cid, False, whole) for cid in citizen_ids}
    return {cid: _listed(found, None, None, None, None) for cid, found in rows.items()}


def _listed(
    rows: list[tuple[str, str, str, dict, int]],
    doc_type: str | None,
    role: str | None,
    date_from: date | None,
    date_to: date | None,
) -> list[CitizenDocument]:
    docs: dict[str, tuple[list[str], str, dict, int]] = {}
    for doc_id, person_role, kind, record, count in rows:
        if record["status"] not in LISTED_STATUSES or (doc_type and record.get("doc_type") != doc_type):
            continue
        roles, first_kind, _, _ = docs.setdefault(doc_id, ([], kind, record, count))
        if kind == first_kind:
            roles.append(person_role)
    out = [
        CitizenDocument(record, tuple(roles), kind, count)
        for roles, kind, record, count in docs.values()
        if (not role or role in roles) and _in_range(document_date(record), date_from, date_to)
    ]
    out.sort(key=lambda d: d.doc_id)
    out.sort(key=lambda d: document_date(d.record) or "", reverse=True)
    return out


def is_confirmed(index: Index, doc_id: str, citizen_id: str) -> bool:
    with index.session() as s:
        return is_confirmed_in(s, doc_id, citizen_id)


def is_confirmed_in(s: Session, doc_id: str, citizen_id: str) -> bool:
    """The document is listed (done or review) and the citizen is a confirmed link on it."""
    status = s.scalar(select(Document.status).where(Document.doc_id == doc_id))
    if status not in LISTED_STATUSES:
        return False
    hit = s.scalar(
        select(PersonRow.id)
        .where(PersonRow.doc_id == doc_id, PersonRow.citizen_id == citizen_id, PersonRow.match_status == "matched")
        .limit(1)
    )
    return hit is not None
