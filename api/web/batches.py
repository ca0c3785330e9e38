"""Batches: the list, a batch's live page (progress, failures, documents, retry), uploads into it, and the
"to rescan" list with its CSV for the scanner operator."""

from __future__ import annotations

import io
import logging
import os
import shutil
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.problems import ApiError
from api.state import app_state
from api.web import session as web
from api.web.context import wake_processor, web_context
from api.web.forms import read_form
from api.web.render import SECURITY_HEADERS, catalogue, page
from storage import batches as batch_queries
from storage import rescan
from storage.doc_search import batch_documents
from workers import uploads as upload_work

log = logging.getLogger(__name__)
router = APIRouter(prefix=f"{web.PREFIX}/batches", include_in_schema=False)
BatchName = Annotated[str, Path(min_length=1, max_length=200)]
CHUNK = 1 << 20


def batch_url(batch: str, suffix: str = "") -> str:
    return f"{web.PREFIX}/batches/{quote(batch, safe='')}{suffix}"


@router.get("")
def batch_list(request: Request, staff: web.StaffDep, open: Annotated[str | None, Query(max_length=400)] = None
               ) -> Response:
    """The batches; ``?open=NAME`` goes to a batch's page (a new batch starts there with its first upload)."""
    if open is not None:
        try:
            return RedirectResponse(batch_url(upload_work.clean_batch_name(open)), status_code=303)
        except upload_work.UploadError as exc:
            raise ApiError(422, exc.code, exc.message) from None
    rows = batch_queries.summaries(app_state(request).index)
    return page(request, "batches.html", batches=rows, batch_url=batch_url)


@router.get("/{batch}")
def batch_page(request: Request, staff: web.StaffDep, batch: BatchName) -> Response:
    index = app_state(request).index
    progress = batch_queries.progress(index, batch)
    documents = batch_documents(index, batch)
    return page(request, "batch.html", batch=batch, progress=progress, documents=documents,
                batch_url=batch_url, words=catalogue(request).as_dict("js"))


@router.get("/{batch}/progress")
def batch_progress(request: Request, staff: web.StaffDep, batch: BatchName) -> JSONResponse:
    progress = batch_queries.progress(app_state(request).index, batch)
    return JSONResponse(progress.as_json(), headers={"Cache-Control": "no-store"})


@router.get("/{batch}/documents")
def batch_documents_fragment(request: Request, staff: web.StaffDep, batch: BatchName) -> Response:
    documents = batch_documents(app_state(request).index, batch)
    return page(request, "batch_documents.html", documents=documents)


@router.post("/{batch}/files")
async def upload(request: Request, staff: web.StaffDep, batch: BatchName) -> JSONResponse:
    """One file as the raw body (the page's XHR, so each file has its own progress bar); its name in
    ``X-File-Name`` (percent-encoded UTF-8)."""
    web.check_csrf(request, staff)
    try:
        batch = upload_work.clean_batch_name(batch)
        name = upload_work.clean_file_name(unquote(request.headers.get("x-file-name", "")))
    except upload_work.UploadError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    ctx = web_context(request)
    limit = ctx.settings.web_upload_max_bytes
    path = await run_in_threadpool(upload_work.new_spool_path, ctx, name)
    size = 0
    try:
        with open(path, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, "file_too_large", f"the file is larger than {limit} bytes")
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        received = await run_in_threadpool(upload_work.receive, ctx, batch, path, user=staff.name)
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)  # the spool folder holds this one file
        raise
    wake_processor(request)
    return JSONResponse({"id": received.id, "doc_id": received.doc_id, "name": received.source_name,
                         "pages": received.pages, "state": received.state, "size": size}, status_code=201)


@router.post("/{batch}/retry")
async def retry(request: Request, staff: web.StaffDep, batch: BatchName) -> Response:
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    count = await run_in_threadpool(upload_work.retry_failed, web_context(request), batch, user=staff.name)
    wake_processor(request)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"retried": count})
    return RedirectResponse(batch_url(batch), status_code=303)


@router.get("/{batch}/rescan")
def rescan_list(request: Request, staff: web.StaffDep, batch: BatchName) -> Response:
    index = app_state(request).index
    items = rescan.to_rescan(index, batch)
    counts = rescan.flag_counts(index, batch)
    return page(request, "rescan.html", batch=batch, items=items, counts=counts, batch_url=batch_url)


@router.get("/{batch}/rescan.csv")
def rescan_csv(request: Request, staff: web.StaffDep, batch: BatchName,
               delimiter: Annotated[str, Query(pattern="^[,;]$")] = ",") -> Response:
    items = rescan.to_rescan(app_state(request).index, batch)
    out = io.StringIO(newline="")
    rescan.write_csv(items, out, lang=catalogue(request).lang, delimiter=delimiter)
    data = out.getvalue().encode("utf-8-sig")
    filename = f"quet-lai-{batch}.csv"
    headers = {**SECURITY_HEADERS,
               "Content-Disposition": f"attachment; filename=\"rescan.csv\"; filename*=UTF-8''{quote(filename)}"}
    return Response(data, media_type="text/csv; charset=utf-8", headers=headers)
