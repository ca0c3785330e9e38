"""One document: its pages with the OCR words drawn over them, fields (boxes shown on hover), persons and
their links, the PDF, and corrections. Every view and download is an audit row, as in the API."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.models import DOC_ID
from api.problems import ApiError
from api.state import app_state
from api.web import session as web
from api.web.context import web_context
from api.web.forms import read_form
from api.web.render import catalogue, page
from extract.entered import InvalidValueError, UnknownFieldError, field_names
from storage import audit, page_images, pdfs, queries
from storage.corrections import correction_log
from workers.correct import CorrectionError, correct
from workers.reapply import reading_of

log = logging.getLogger(__name__)
router = APIRouter(prefix=f"{web.PREFIX}/documents", include_in_schema=False)
DocId = Annotated[str, Path(pattern=DOC_ID)]
PageNo = Annotated[int, Path(ge=1, le=5000)]


def _record(request: Request, staff: web.Staff, doc_id: str, action: str | None = None) -> dict:
    index = app_state(request).index
    try:
        return queries.get_record(index, doc_id)
    except queries.DocumentNotFound:
        if action:
            audit.record(index, staff.access(), action, "not_found", doc_id=doc_id)
        raise ApiError(404, "document_not_found", f"no document {doc_id}") from None


def _fields_view(record: dict, fields: dict, order: tuple[str, ...] = ()) -> list[dict]:
    out = []
    rank = {name: n for n, name in enumerate(order)}
    for name, value in sorted((fields or {}).items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])):
        out.append({"name": name, "value": value.get("value"), "confidence": value.get("confidence"),
                    "page": value.get("page"), "box": page_images.field_box(record, value),
                    "corrected": value.get("corrected"), "confirmed": value.get("confirmed"),
                    "reasons": value.get("reasons") or [], "alternatives": value.get("alternatives") or []})
    return out


def _view(request: Request, staff: web.Staff, doc_id: str, *, status: int = 200, error: str | None = None,
          notes: list[str] | None = None) -> Response:
    record = _record(request, staff, doc_id, "document")
    index = app_state(request).index
    audit.record(index, staff.access(), "document", "ok", doc_id=doc_id)
    persons = [{"idx": i, "role": p["role"], "fields": _fields_view(record, p.get("fields") or {}, field_names(True)),
                "match": p.get("match") or {}} for i, p in enumerate(record.get("persons") or [])]
    return page(
        request, "document.html", status=status, record=record, doc_id=doc_id,
        fields=_fields_view(record, record.get("fields") or {}, field_names(False)), persons=persons,
        pages=record.get("pages") or [], log=correction_log(index, doc_id=doc_id),
        document_fields=field_names(False), person_fields=field_names(True), error=error, notes=notes or [],
        words=catalogue(request).as_dict("js"), reading=reading_of(record),
    )


@router.get("/{doc_id}")
def document(request: Request, staff: web.StaffDep, doc_id: DocId) -> Response:
    return _view(request, staff, doc_id)


@router.get("/{doc_id}/pages/{number}.jpg")
def page_image(request: Request, staff: web.StaffDep, doc_id: DocId, number: PageNo) -> Response:
    record = _record(request, staff, doc_id)
    state = app_state(request)
    try:
        path = page_images.page_image(state.store, state.settings.home / "cache" / "pages", record, number)
    except page_images.PageImageError as exc:
        raise ApiError(404, exc.code, exc.message) from None
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{doc_id}/pages/{number}/words")
def page_words(request: Request, staff: web.StaffDep, doc_id: DocId, number: PageNo) -> JSONResponse:
    record = _record(request, staff, doc_id)
    try:
        words = page_images.page_words(app_state(request).store, record, number)
    except page_images.PageImageError as exc:
        raise ApiError(404, exc.code, exc.message) from None
    return JSONResponse(words, headers={"Cache-Control": "private, no-store"})


@router.get("/{doc_id}/pdf")
def document_pdf(request: Request, staff: web.StaffDep, doc_id: DocId) -> Response:
    record = _record(request, staff, doc_id, "document_pdf")
    state = app_state(request)
    access = staff.access()
    try:
        where = pdfs.locate(state.store, record)
    except (queries.DocumentNotFound, pdfs.PdfMissing) as exc:
        audit.record(state.index, access, "document_pdf", "no_pdf", doc_id=doc_id)
        raise ApiError(404, "no_pdf", exc.message) from None
    audit.record(state.index, access, "document_pdf", "ok", doc_id=doc_id)
    if where.url:
        return RedirectResponse(where.url, status_code=307)
    headers = {"Cache-Control": "private, no-store"}
    if where.path:
        return FileResponse(where.path, media_type="application/pdf", filename=f"{doc_id}.pdf", headers=headers)
    with where.stream as stream:
        data = b"".join(stream)
    return Response(data, media_type="application/pdf", headers={
        **headers, "Content-Disposition": f'attachment; filename="{doc_id}.pdf"'})


@router.post("/{doc_id}/corrections")
async def add_correction(request: Request, staff: web.StaffDep, doc_id: DocId) -> Response:
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    target = form.get("target", "")  # "doc:FIELD" or "person:N:FIELD"
    value = form.get("value", "")
    parts = target.split(":")
    try:
        if parts[0] == "doc" and len(parts) == 2:
            person, field = None, parts[1]
        elif parts[0] == "person" and len(parts) == 3 and parts[1].isdigit():
            person, field = int(parts[1]), parts[2]
        else:
            raise ApiError(422, "invalid_request", "choose the field to correct")
        _, _notes = await run_in_threadpool(correct, web_context(request), doc_id, field, value, person=person,
                                           user=staff.name, reading=form.get("reading") or "")
    except (InvalidValueError, UnknownFieldError, CorrectionError) as exc:
        return await run_in_threadpool(_view, request, staff, doc_id, status=422, error=exc.message)
    except queries.DocumentNotFound:
        raise ApiError(404, "document_not_found", f"no document {doc_id}") from None
    log.info("document %s: field %s corrected on the staff page by %s", doc_id, field, staff.name)
    return RedirectResponse(f"{web.PREFIX}/documents/{doc_id}#fields", status_code=303)
