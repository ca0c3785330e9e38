"""``POST /v1/dossiers``, ``POST /v1/dossiers/{dossier_code}/reuse`` and ``GET /v1/reports/reuse``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from api.auth import Caller, require
from api.models import DossierIn, DossierOut, ReuseIn, ReuseOut, ReuseReport
from api.params import IsoDate
from api.problems import ApiError
from api.responses import AUTHENTICATED, problems
from api.views import citizen_item
from storage import audit, dossiers, queries
from storage.citizen_docs import confirmed_documents
from storage.dossiers import DOSSIER_CODE_PATTERN, VIETNAM
from storage.reuse import reuse_report

router = APIRouter(prefix="/v1", tags=["dossiers"])


@router.post(
    "/dossiers",
    summary="Register a dossier; get each citizen's reusable documents",
    status_code=201,
    responses={
        200: {"model": DossierOut, "description": "Already registered with the same facts: the same answer"},
        201: {"model": DossierOut, "description": "Registered"},
        **problems(*AUTHENTICATED, 409),
    },
)
def register_dossier(
    body: Annotated[DossierIn, Body()],
    caller: Annotated[Caller, Depends(require("dossier", {"intake"}, purpose_from="dossier"))],
) -> JSONResponse:
    """Records that intake received the dossier (it counts in the reuse report) and answers, per citizen, the
    documents in which that citizen is a confirmed link: the usual case is one call. Registering the same
    dossier code again with the same procedure and time answers again (200) and may add citizens; other facts
    under the same code are refused (409)."""
    caller = caller.for_purpose(body.dossier_code)
    state, citizens = caller.state, list(dict.fromkeys(body.citizen_ids))

    def job(s):  # registration and its audit rows: one transaction
        registered = dossiers.register_in(
            s, body.dossier_code, body.procedure_code, body.received_at, citizens, by=caller.access.actor
        )
        audit.add(s, caller.access, *(audit.Event("dossier", "ok", citizen_id=c) for c in citizens))
        return registered

    try:
        try:
            dossier, created = state.writer.run(job)
        except IntegrityError:  # registered at the same moment by another worker: now it is there
            dossier, created = state.writer.run(job)
    except dossiers.DossierConflict as exc:
        caller.audit("dossier", "conflict")
        raise ApiError(409, exc.code, exc.message) from None
    except dossiers.DossierError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    hidden, staff = caller.hidden_fields(), caller.principal.is_staff
    found = confirmed_documents(state.index, citizens, whole=False)
    answers = [
        {"citizen_id": cid, "documents": [citizen_item(d, hidden, staff, ()) for d in found[cid]]} for cid in citizens
    ]
    return JSONResponse(
        {
            "dossier_code": dossier.dossier_code,
            "procedure_code": dossier.procedure_code,
            "received_at": dossier.received_at.astimezone(VIETNAM).isoformat(),
            "created": created,
            "citizens": answers,
        },
        status_code=201 if created else 200,
    )


@router.post(
    "/dossiers/{dossier_code}/reuse",
    summary="Record that a document was reused in a dossier (idempotent)",
    status_code=201,
    responses={
        200: {"model": ReuseOut, "description": "Already recorded"},
        201: {"model": ReuseOut, "description": "Recorded"},
        **problems(*AUTHENTICATED, 404, 409),
    },
)
def record_reuse(
    dossier_code: Annotated[str, Path(max_length=60, pattern=DOSSIER_CODE_PATTERN)],
    body: Annotated[ReuseIn, Body()],
    caller: Annotated[Caller, Depends(require("reuse", {"intake"}, purpose_from="dossier"))],
) -> JSONResponse:
    """Refused (409) unless the document is a confirmed document of that citizen and the citizen is part of
    the dossier; the same reuse posted again is answered 200 and counted once."""
    caller = caller.for_purpose(dossier_code)
    ids = {"doc_id": body.doc_id, "citizen_id": body.citizen_id}

    def job(s):  # the checks, the reuse and its audit row: one transaction
        reuse, created = dossiers.reuse_in(
            s, dossier_code, body.doc_id, body.citizen_id, by=caller.access.actor, user_id=caller.access.user_id
        )
        audit.add(s, caller.access, audit.Event("reuse", "ok" if created else "ok_again", **ids))
        return reuse, created

    try:
        try:
            reuse, created = caller.state.writer.run(job)
        except IntegrityError:  # the same reuse recorded at the same moment by another worker
            reuse, created = caller.state.writer.run(job)
    except dossiers.DossierNotFound as exc:
        caller.audit("reuse", "dossier_not_found", **ids)
        raise ApiError(404, exc.code, exc.message) from None
    except queries.DocumentNotFound as exc:
        caller.audit("reuse", "not_found", **ids)
        raise ApiError(404, "document_not_found", exc.message) from None
    except dossiers.ReuseRefused as exc:
        caller.audit("reuse", "refused", **ids)
        raise ApiError(409, exc.code, exc.message) from None
    return JSONResponse(
        {
            "dossier_code": reuse.dossier_code,
            "doc_id": reuse.doc_id,
            "citizen_id": reuse.citizen_id,
            "doc_type": reuse.doc_type,
            "reused_at": reuse.reused_at.isoformat(timespec="seconds"),
            "created": created,
        },
        status_code=201 if created else 200,
    )


@router.get(
    "/reports/reuse",
    summary="Reuse of digitized documents (Decision 766 indicator)",
    tags=["reports"],
    responses={200: {"model": ReuseReport}, **problems(*AUTHENTICATED)},
)
def reuse(
    date_from: Annotated[IsoDate, Query(alias="from", description="First day of the period (dossiers received)")],
    date_to: Annotated[IsoDate, Query(alias="to", description="Last day of the period, included")],
    caller: Annotated[Caller, Depends(require("report", {"staff", "admin"}))],
    group_by: Literal["month", "procedure"] | None = None,
) -> JSONResponse:
    """The figures of `sohoa report reuse`: dossiers received, dossiers reusing at least one document, the
    reuse rate (the second over the first), documents reused, document types reused most."""
    if date_to < date_from:
        raise ApiError(400, "invalid_period", "to: the period ends before it starts")
    return JSONResponse(reuse_report(caller.state.index, date_from, date_to, group_by))
