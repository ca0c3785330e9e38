"""The access log: every read of a document or of a citizen's list, by the API, the CLI or the staff page.

Rows are only ever appended (the database refuses updates and deletes, see ``access_schema``), so a
citizen's question "who looked at my papers, when, and why" has a trustworthy answer.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storage.access_schema import AuditRow
from storage.index import Index

# Actions written by the API and the CLI (the staff page adds its own the same way).
ACTIONS = (
    "document",  # one document record
    "document_pdf",  # its PDF
    "citizen_documents",  # a citizen's list of documents
    "dossier",  # a dossier registered, answered with each citizen's documents
    "reuse",  # a document reused in a dossier
    "search",  # full-text search
    "access_log",  # the access log of a citizen
    "report",  # only refusals: the reuse report holds no personal data
)


@dataclass(frozen=True)
class Access:
    """Who reads and why: the same for every row one request or command writes."""

    channel: str  # api | cli | web
    actor: str
    user_id: str | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    channel: str
    actor: str
    user_id: str | None
    action: str
    doc_id: str | None
    citizen_id: str | None
    purpose: str | None
    outcome: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "at": self.at.isoformat(timespec="seconds"),
            "channel": self.channel,
            "actor": self.actor,
            "user_id": self.user_id,
            "action": self.action,
            "doc_id": self.doc_id,
            "citizen_id": self.citizen_id,
            "purpose": self.purpose,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Event:
    action: str
    outcome: str
    doc_id: str | None = None
    citizen_id: str | None = None


def cli_access(purpose: str | None = None) -> Access:
    """The OS user running a command; the CLI has no desk official, so the user stands for both."""
    user = getpass.getuser()
    return Access("cli", user, user_id=user, purpose=purpose)


def add(session: Session, access: Access, *events: Event) -> None:
    """Write one row per event in ``session``'s transaction (committed with whatever else it writes).

    A plain insert, not ORM objects: the API writes a row per request, and the unit of work's bookkeeping
    for objects nobody reads back cost more than the insert itself.
    """
    if not events:
        return
    now = datetime.now(UTC)
    common = {
        "at": now,
        "channel": access.channel,
        "actor": access.actor[:120],
        "user_id": access.user_id[:100] if access.user_id else None,
        "purpose": access.purpose[:200] if access.purpose else None,
    }
    rows = [
        {**common, "action": e.action, "doc_id": e.doc_id, "citizen_id": e.citizen_id, "outcome": e.outcome}
        for e in events
    ]
    session.execute(insert(AuditRow.__table__), rows)


def append(index: Index, access: Access, *events: Event) -> None:
    """Write one row per event, in one transaction of its own."""
    with index.session() as s:
        add(s, access, *events)


def record(index: Index, access: Access, action: str, outcome: str, **ids: str | None) -> None:
    append(index, access, Event(action, outcome, ids.get("doc_id"), ids.get("citizen_id")))


def entries(
    index: Index,
    *,
    citizen_id: str | None = None,
    since: date | datetime | None = None,
    before_id: int | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> Iterator[AuditEntry]:
    query = select(AuditRow)
    if citizen_id:
        query = query.where(AuditRow.citizen_id == citizen_id)
    if since is not None:
        if not isinstance(since, datetime):
            since = datetime.combine(since, time.min, tzinfo=UTC)
        query = query.where(AuditRow.at >= since)
    if before_id is not None:
        query = query.where(AuditRow.id < before_id)
    query = query.order_by(AuditRow.id.desc() if newest_first else AuditRow.id)
    if limit is not None:
        query = query.limit(limit)
    with index.session() as s:
        rows = list(s.scalars(query))
    for r in rows:
        yield AuditEntry(
            r.id,
            r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),
            r.channel,
            r.actor,
            r.user_id,
            r.action,
            r.doc_id,
            r.citizen_id,
            r.purpose,
            r.outcome,
        )
