"""``GET /v1/documents/{doc_id}``, its PDF, and ``GET /v1/search``."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse

from api.auth import Caller, require
from api.models import DOC_ID, DocType, DocumentRecord, SearchResults, Status
from api.params import Cursor, Parts, SearchText
from api.problems import ApiError
from api.responses import AUTHENTICATED, problems
from api.views import for_reader, item, parse_parts
from storage import pdfs, queries
from storage.cursors import BadCursor
from storage.redact import redact_text
from storage.search_pages import search_page

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["documents"])
READERS = {"intake", "staff", "admin"}


def _record(caller: Caller, action: str, doc_id: str) -> dict:
    try:
        record = queries.get_record(caller.state.index, doc_id)
    except queries.DocumentNotFound:
        caller.audit(action, "not_found", doc_id=doc_id)
        raise ApiError(404, "document_not_found", f"no document {doc_id}") from None
    return record


@router.get(
    "/documents/{doc_id}",
    summary="One document record",
    responses={200: {"model": DocumentRecord}, **problems(*AUTHENTICATED, 404)},
)
def get_document(
    doc_id: Annotated[str, Path(pattern=DOC_ID)],
    caller: Annotated[Caller, Depends(require("document", READERS))],
) -> JSONResponse:
    """The contract's document record (`sohoa.document/1`); sensitive fields only for `sensitive` keys."""
    record = _record(caller, "document", doc_id)
    caller.audit("document", "ok", doc_id=doc_id)
    return JSONResponse(for_reader(record, caller.hidden_fields(), staff=caller.principal.is_staff))


@router.get(
    "/documents/{doc_id}/pdf",
    summary="The searchable PDF/A",
    response_class=Response,
    responses={
        200: {
            "description": "The PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        307: {
            "description": "A short-lived presigned URL of the PDF (S3 object stores)",
            "headers": {"Location": {"schema": {"type": "string"}}},
        },
        **problems(*AUTHENTICATED, 404),
    },
)
def get_pdf(
    doc_id: Annotated[str, Path(pattern=DOC_ID)],
    caller: Annotated[Caller, Depends(require("document_pdf", READERS))],
) -> Response:
    """Streamed from a `file://` store; a redirect to a presigned URL when the store can presign (S3)."""
    record = _record(caller, "document_pdf", doc_id)
    state = caller.state
    try:
        where = pdfs.locate(state.store, record)
    except queries.DocumentNotFound as exc:
        caller.audit("document_pdf", "no_pdf", doc_id=doc_id)
        raise ApiError(404, "no_pdf", exc.message) from None
    except pdfs.PdfMissing as exc:
        log.error("document %s: %s", doc_id, exc.message)
        caller.audit("document_pdf", "pdf_missing", doc_id=doc_id)
        raise ApiError(404, "pdf_missing", "the PDF of this document is missing from the object store") from None
    caller.audit("document_pdf", "ok", doc_id=doc_id)
    if where.url:
        return RedirectResponse(where.url, status_code=307)
    headers = {"Cache-Control": "private, no-store"}
    if where.path:
        return FileResponse(
            where.path,
            media_type="application/pdf",
            filename=f"{doc_id}.pdf",
            content_disposition_type="inline",
            headers=headers,
        )
    stream = where.stream

    def chunks():
        with stream:
            yield from stream

    return StreamingResponse(chunks(), media_type="application/pdf", headers=headers)


@router.get(
    "/search",
    summary="Full-text search (staff)",
    responses={200: {"model": SearchResults}, **problems(*AUTHENTICATED)},
)
def search(
    q: SearchText,
    caller: Annotated[Caller, Depends(require("search", {"staff", "admin"}))],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Cursor = None,
    doc_type: DocType | None = None,
    status: Status | None = None,
    batch: Annotated[str | None, Query(max_length=200)] = None,
    fields: Parts = None,
) -> JSONResponse:
    parts = parse_parts(fields)
    try:
        page = search_page(
            caller.state.index, q, limit=limit, cursor=cursor, batch=batch, doc_type=doc_type, status=status
        )
    except BadCursor as exc:
        raise ApiError(400, exc.code, exc.message) from None
    caller.audit("search", "ok")
    hidden, staff = caller.hidden_fields(), caller.principal.is_staff
    results = [
        {
            **item(record, hidden, staff=staff, parts=parts),
            "snippet": redact_text(hit.snippet, hidden),
            "score": hit.score,
        }
        for hit, record in page.results
    ]
    return JSONResponse({"results": results, "next_cursor": page.next_cursor})
