"""``GET /v1/citizens/{citizen_id}/documents`` and ``GET /v1/citizens/{citizen_id}/access-log``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api.auth import Caller, require
from api.models import AccessLog, CitizenDocuments, DocType, Role
from api.params import CitizenId, Cursor, IsoDate, Parts
from api.problems import ApiError
from api.responses import AUTHENTICATED, problems
from api.views import citizen_item, parse_parts
from storage import audit, cursors
from storage.citizen_docs import BULKY_PARTS, citizen_documents
from storage.cursors import BadCursor

router = APIRouter(prefix="/v1", tags=["citizens"])
READERS = {"intake", "staff", "admin"}


@router.get(
    "/citizens/{citizen_id}/documents",
    summary="A citizen's documents (confirmed links)",
    responses={200: {"model": CitizenDocuments}, **problems(*AUTHENTICATED)},
)
def list_citizen_documents(
    citizen_id: CitizenId,
    caller: Annotated[Caller, Depends(require("citizen_documents", READERS))],
    include: Annotated[
        Literal["review"] | None,
        Query(description="`review`: also documents where the citizen is a review candidate (staff keys only)"),
    ] = None,
    doc_type: DocType | None = None,
    role: Role | None = None,
    date_from: Annotated[IsoDate | None, Query(alias="from", description="Documents dated on or after")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to", description="Documents dated on or before")] = None,
    fields: Parts = None,
) -> JSONResponse:
    """Every document in which the citizen is a *confirmed* link (matched, or accepted in review), in any
    role; newest first. A document where the citizen is only a review candidate is never listed for an intake
    key; staff keys see those with `?include=review`, marked `link: review_candidate`."""
    parts = parse_parts(fields)
    if include == "review" and not caller.principal.is_staff:
        caller.audit("citizen_documents", "forbidden", citizen_id=citizen_id)
        raise ApiError(403, "forbidden", "include=review needs a key with the staff or admin scope")
    if date_from and date_to and date_to < date_from:
        raise ApiError(400, "invalid_period", "to: the date range ends before it starts")
    docs = citizen_documents(
        caller.state.index,
        citizen_id,
        include_review=include == "review",
        doc_type=doc_type,
        role=role,
        date_from=date_from,
        date_to=date_to,
        whole=bool(set(parts) & set(BULKY_PARTS)),
    )
    caller.audit("citizen_documents", "ok", citizen_id=citizen_id)
    hidden, staff = caller.hidden_fields(), caller.principal.is_staff
    return JSONResponse({"citizen_id": citizen_id, "documents": [citizen_item(d, hidden, staff, parts) for d in docs]})


@router.get(
    "/citizens/{citizen_id}/access-log",
    summary="Who read this citizen's data, when and why (admin)",
    responses={200: {"model": AccessLog}, **problems(*AUTHENTICATED)},
)
def access_log(
    citizen_id: CitizenId,
    caller: Annotated[Caller, Depends(require("access_log", {"admin"}))],
    since: Annotated[IsoDate | None, Query(description="Only rows from this day on")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Cursor = None,
) -> JSONResponse:
    """The audit rows about this citizen, newest first: the answer to "who looked at my papers"."""
    before = None
    if cursor:
        try:
            before = cursors.decode(cursor, "access-log", citizen_id, since)
        except BadCursor as exc:
            raise ApiError(400, exc.code, exc.message) from None
    index = caller.state.index
    rows = list(
        audit.entries(index, citizen_id=citizen_id, since=since, before_id=before, limit=limit + 1, newest_first=True)
    )
    caller.audit("access_log", "ok", citizen_id=citizen_id)
    page = rows[:limit]
    next_cursor = cursors.encode(page[-1].id, "access-log", citizen_id, since) if len(rows) > limit else None
    return JSONResponse({"citizen_id": citizen_id, "entries": [r.as_json() for r in page], "next_cursor": next_cursor})
