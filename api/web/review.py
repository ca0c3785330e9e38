"""The review queue: every person whose link waits for a human, oldest document first, one at a time with
the registry's candidates beside it. Keyboard: j/k next/previous, 1-9 accept a candidate, x reject all.
Decisions are ``workers.review.decide``'s, the same records ``sohoa review accept/reject`` writes."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.models import DOC_ID
from api.problems import ApiError
from api.state import app_state
from api.web import session as web
from api.web.forms import read_form
from api.web.render import catalogue, page
from storage import audit, page_images, queries, review_view
from workers.reapply import reading_of
from workers.review import ReviewError, decide

log = logging.getLogger(__name__)
router = APIRouter(prefix=f"{web.PREFIX}/review", include_in_schema=False)
DocId = Annotated[str, Path(pattern=DOC_ID)]
PersonIdx = Annotated[int, Path(ge=0, le=500)]
CitizenId = Annotated[str, Query(pattern=r"^\d{12}$")]


def item_url(item: review_view.QueueItem | None) -> str:
    if item is None:
        return f"{web.PREFIX}/review"
    return f"{web.PREFIX}/review/{item.doc_id}/{item.person_idx}"


@router.get("")
def review_queue(request: Request, staff: web.StaffDep, batch: Annotated[str | None, Query()] = None) -> Response:
    items = review_view.queue(app_state(request).index, batch)
    if items:
        return RedirectResponse(item_url(items[0]), status_code=303)
    return page(request, "review.html", items=[], item=None, position=None)


@router.get("/{doc_id}/{idx}")
def review_item(request: Request, staff: web.StaffDep, doc_id: DocId, idx: PersonIdx) -> Response:
    index = app_state(request).index
    items = review_view.queue(index)
    position = next((n for n, i in enumerate(items) if (i.doc_id, i.person_idx) == (doc_id, idx)), None)
    try:
        record = queries.get_record(index, doc_id)
    except queries.DocumentNotFound:
        raise ApiError(404, "document_not_found", f"no document {doc_id}") from None
    persons = record.get("persons") or []
    if not 0 <= idx < len(persons):
        raise ApiError(404, "person_not_found", f"document {doc_id} has no person {idx}")
    audit.record(index, staff.access("review"), "document", "ok", doc_id=doc_id)
    read, candidates = review_view.detail(index, record, idx)
    previous = items[position - 1] if position else None
    following = items[position + 1] if position is not None and position + 1 < len(items) else None
    if position is None and items:
        following = items[0]
    mark_page, marks = _marks(record, persons[idx])
    return page(request, "review.html", items=items, position=position, record=record, idx=idx,
                mark_page=mark_page, marks=marks,
                person=persons[idx], read=read, candidates=candidates, compared=review_view.COMPARED,
                previous_url=item_url(previous) if previous else "", next_url=item_url(following) if following else "",
                words=catalogue(request).as_dict("js"), reading=reading_of(record))


@router.get("/{doc_id}/{idx}/lookup")
def lookup(request: Request, staff: web.StaffDep, doc_id: DocId, idx: PersonIdx, citizen_id: CitizenId) -> Response:
    index = app_state(request).index
    try:
        record = queries.get_record(index, doc_id)
    except queries.DocumentNotFound:
        raise ApiError(404, "document_not_found", f"no document {doc_id}") from None
    if not 0 <= idx < len(record.get("persons") or []):
        raise ApiError(404, "person_not_found", f"document {doc_id} has no person {idx}")
    side = review_view.lookup_candidate(index, record, idx, citizen_id)
    audit.record(index, staff.access("review"), "registry_lookup", "ok" if side.in_registry else "not_found",
                 doc_id=doc_id, citizen_id=citizen_id)
    return page(request, "review_candidate.html", candidate=side, compared=review_view.COMPARED, number=None)


@router.post("/{doc_id}/{idx}")
async def decide_item(request: Request, staff: web.StaffDep, doc_id: DocId, idx: PersonIdx) -> Response:
    """``action=accept&citizen_id=...`` or ``action=reject``; answers JSON to the page's script (the next item
    to show), or redirects a plain form post."""
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    action, citizen_id = form.get("action"), form.get("citizen_id") or None
    if action not in ("accept", "reject"):
        raise ApiError(422, "invalid_request", "action must be accept or reject")
    state = app_state(request)
    before = await run_in_threadpool(review_view.queue, state.index)
    position = next((n for n, i in enumerate(before) if (i.doc_id, i.person_idx) == (doc_id, idx)), 0)
    try:
        record = await run_in_threadpool(decide, state.index, state.store, doc_id, idx, action,
                                         citizen_id if action == "accept" else None, staff.name,
                                         form.get("reading") or "")
    except ReviewError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    except queries.DocumentNotFound:
        raise ApiError(404, "document_not_found", f"no document {doc_id}") from None
    log.info("review of document %s person %d: %s by %s", doc_id, idx, action, staff.name)
    items = await run_in_threadpool(review_view.queue, state.index)
    # The item that followed the decided one (it now stands at the decided one's place), else the last.
    following = items[min(position, len(items) - 1)] if items else None
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"status": record["status"], "next": item_url(following) if following else None,
                             "remaining": len(items)})
    return RedirectResponse(item_url(following), status_code=303)



def _marks(record: dict, person: dict) -> tuple[int | None, list[list[float]]]:
    """The page of the person's name and the boxes of their fields on it (to check the reading by eye)."""
    fields = person.get("fields") or {}
    number = (fields.get("full_name") or {}).get("page")
    if not number or not record.get("pages"):
        return None, []
    boxes = [page_images.field_box(record, f) for f in fields.values() if f.get("page") == number]
    return number, [b for b in boxes if b]
