"""Search across documents: accent-insensitive words ("nguyen van an" finds "NGUYỄN VĂN AN") with filters on
type, batch, status and the date on the paper; audited like the API's search."""

from __future__ import annotations

from datetime import date
from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.models import DocType, Status
from api.problems import ApiError
from api.state import app_state
from api.web import session as web
from api.web.render import page
from storage import audit
from storage.batches import batch_names
from storage.doc_search import find
from storage.redact import redact_text

router = APIRouter(prefix=f"{web.PREFIX}/search", include_in_schema=False)
PAGE = 50


def _date(value: str | None) -> date | None:
    """A date from the form: yyyy-mm-dd (the browser's date input) or dd/mm/yyyy typed by hand."""
    if not value:
        return None
    try:
        if "/" in value:
            day, month, year = (int(p) for p in value.split("/"))
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_date", "write the date as dd/mm/yyyy") from None


@router.get("")
def search(
    request: Request,
    staff: web.StaffDep,
    q: Annotated[str, Query(max_length=200)] = "",
    doc_type: Annotated[str, Query(max_length=40)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    batch: Annotated[str | None, Query(max_length=200)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100)] = 1,
) -> Response:
    index = app_state(request).index
    # The form sends empty values for "any"; anything else must be one of the known ones.
    if doc_type not in ("", *get_args(DocType)) or status not in ("", *get_args(Status)):
        raise ApiError(422, "invalid_request", "unknown document type or status")
    start, end = _date(date_from), _date(date_to)
    asked = bool(q.strip() or doc_type or status or batch or start or end)
    results = None
    if asked:
        results = find(index, q, batch=batch or None, doc_type=doc_type or None, status=status or None,
                       date_from=start, date_to=end, limit=PAGE, offset=(page_no - 1) * PAGE)
        audit.record(index, staff.access(), "search", "ok")
    hidden = app_state(request).settings.sensitive_field_names
    return page(
        request, "search.html", q=q, doc_type=doc_type or "", status_filter=status or "", batch=batch or "",
        date_from=date_from or "", date_to=date_to or "", results=results, page_no=page_no, per_page=PAGE,
        batches=[name for name, _ in batch_names(index)], redact=lambda text: redact_text(text or "", hidden),
        doc_types=get_args(DocType), statuses=get_args(Status),
    )
