"""Dossiers intake received, and the documents reused in them (the Decision 766 reuse flag).

Registering the same dossier again is harmless (it may name more citizens); reusing the same document for
the same citizen in the same dossier again is recorded once. Both are safe to retry after a timeout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.errors import SohoaError
from storage.access_schema import DossierCitizenRow, DossierRow, ReuseRow
from storage.citizen_docs import is_confirmed_in
from storage.index import Index
from storage.queries import DocumentNotFound
from storage.schema import Document

VIETNAM = timezone(timedelta(hours=7))
# Circular 01/2018/TT-VPCP: <agency code>-<YYMMDD received>-<4-digit number of the day>; agency codes are
# dotted alphanumerics ("000.00.15.H29"). The shape is checked, the string kept as given.
DOSSIER_CODE_PATTERN = (
    r"^[A-Za-z0-9]{1,20}(\.[A-Za-z0-9]{1,20}){0,5}-[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])-[0-9]{4}$"
)
_DOSSIER_CODE = re.compile(DOSSIER_CODE_PATTERN)


class DossierError(SohoaError):
    code = "dossier_error"


class DossierNotFound(DossierError):
    code = "dossier_not_found"


class DossierConflict(DossierError):
    code = "dossier_conflict"


class ReuseRefused(DossierError):
    code = "reuse_refused"


@dataclass(frozen=True)
class Dossier:
    dossier_code: str
    procedure_code: str
    received_at: datetime
    received_on: str
    citizen_ids: tuple[str, ...]


@dataclass(frozen=True)
class Reuse:
    dossier_code: str
    doc_id: str
    citizen_id: str
    doc_type: str
    reused_at: datetime


def check_dossier_code(code: str) -> str:
    if len(code) > 60 or not _DOSSIER_CODE.match(code):
        raise DossierError(
            "dossier_code must look like AGENCY-YYMMDD-NNNN (Circular 01/2018/TT-VPCP)", code="invalid_dossier_code"
        )
    return code


def _utc(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def register(
    index: Index, code: str, procedure_code: str, received_at: datetime, citizen_ids: list[str], *, by: str
) -> tuple[Dossier, bool]:
    """The dossier (registered now, or before with the same facts) and whether this call created it."""
    for attempt in range(2):
        try:
            with index.session() as s:
                return register_in(s, code, procedure_code, received_at, citizen_ids, by=by)
        except IntegrityError:  # the same dossier registered concurrently: the second pass sees it
            if attempt:
                raise
    raise AssertionError("unreachable")


def register_in(
    s: Session, code: str, procedure_code: str, received_at: datetime, citizen_ids: list[str], *, by: str
) -> tuple[Dossier, bool]:
    """:func:`register` inside the caller's transaction (for group commit); refuses before writing."""
    check_dossier_code(code)
    local = received_at if received_at.tzinfo else received_at.replace(tzinfo=VIETNAM)
    wanted = list(dict.fromkeys(citizen_ids))
    # Plain statements, not ORM objects: this runs once per intake request (see audit.add).
    dossiers, members = DossierRow.__table__, DossierCitizenRow.__table__
    found = s.execute(
        select(dossiers.c.procedure_code, dossiers.c.received_at, dossiers.c.received_on).where(
            dossiers.c.dossier_code == code
        )
    ).first()
    created = found is None
    if found is None:
        procedure, received = procedure_code, local.astimezone(UTC)
        received_on = local.astimezone(VIETNAM).date().isoformat()
        values = {"dossier_code": code, "procedure_code": procedure, "received_at": received,
                  "received_on": received_on, "registered_at": datetime.now(UTC), "registered_by": by}
        s.execute(insert(dossiers), values)  # the dossier row before its citizens' rows (foreign key)
        known: list[str] = []
    else:
        procedure, received, received_on = found.procedure_code, _utc(found.received_at), found.received_on
        if procedure != procedure_code or received != local.astimezone(UTC):
            raise DossierConflict(
                f"dossier {code} is already registered with procedure {procedure} received at "
                f"{received.astimezone(VIETNAM).isoformat()}; a dossier code names one dossier"
            )
        known = list(
            s.scalars(select(members.c.citizen_id).where(members.c.dossier_code == code).order_by(members.c.citizen_id))
        )
    new = [c for c in wanted if c not in known]
    if new:
        s.execute(insert(members), [{"dossier_code": code, "citizen_id": c} for c in new])
    return Dossier(code, procedure, received, received_on, tuple(known + new)), created


def record_reuse(
    index: Index, code: str, doc_id: str, citizen_id: str, *, by: str, user_id: str | None = None
) -> tuple[Reuse, bool]:
    """The reuse (recorded now, or before) and whether this call recorded it.

    Refused when the document is not a confirmed link of that citizen, or the citizen is not in the dossier.
    """
    for attempt in range(2):
        try:
            with index.session() as s:
                return reuse_in(s, code, doc_id, citizen_id, by=by, user_id=user_id)
        except IntegrityError:  # recorded concurrently by a retried request: the second pass reports it
            if attempt:
                raise
    raise AssertionError("unreachable")


def reuse_in(
    s: Session, code: str, doc_id: str, citizen_id: str, *, by: str, user_id: str | None = None
) -> tuple[Reuse, bool]:
    """:func:`record_reuse` inside the caller's transaction (for group commit); refuses before writing."""
    row = s.get(DossierRow, code)
    if row is None:
        raise DossierNotFound(f"no dossier {code}; register it first with POST /v1/dossiers")
    doc_type = s.scalar(select(Document.doc_type).where(Document.doc_id == doc_id))
    if doc_type is None:
        raise DocumentNotFound(f"no document {doc_id!r}")
    if s.get(DossierCitizenRow, (code, citizen_id)) is None:
        raise ReuseRefused(
            f"the citizen is not part of dossier {code}; add them with POST /v1/dossiers first",
            code="citizen_not_in_dossier",
        )
    if not is_confirmed_in(s, doc_id, citizen_id):
        raise ReuseRefused(
            f"document {doc_id} is not a confirmed document of that citizen (a link waiting for review, or "
            "no link at all, cannot be reused)",
            code="link_not_confirmed",
        )
    existing = s.scalars(
        select(ReuseRow).where(
            ReuseRow.dossier_code == code, ReuseRow.doc_id == doc_id, ReuseRow.citizen_id == citizen_id
        )
    ).first()
    if existing is not None:
        return Reuse(code, doc_id, citizen_id, existing.doc_type, _utc(existing.reused_at)), False
    reused_at = datetime.now(UTC)
    s.add(
        ReuseRow(
            dossier_code=code,
            doc_id=doc_id,
            citizen_id=citizen_id,
            doc_type=doc_type,
            reused_at=reused_at,
            reused_by=by,
            user_id=user_id,
        )
    )
    return Reuse(code, doc_id, citizen_id, doc_type, reused_at), True
