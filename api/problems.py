"""Errors as ``application/problem+json`` (RFC 9457), never a stack trace, never a full ID number or name.

Every error an HTTP client can meet goes through here: our own :class:`ApiError`, Starlette's 404/405,
request validation (rewritten without the offending input, which may be a personal ID), and, as the last
line, the database or object store away (503 with Retry-After) and anything unexpected (logged, answered
with a generic 500). The staff page (issue 7) answers errors
in HTML on its own paths: it adds a renderer for its path prefix with :func:`add_renderer`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.metrics import PROBLEMS
from storage.db_errors import DatabaseUnavailable
from storage.engine import is_transient
from storage.errors import StorageUnavailable

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 5
Renderer = Callable[[Request, "ApiError"], Response]

# Clear words for validation failures on the parameters clients get wrong most.
_FRIENDLY = {
    "citizen_id": "must be the 12-digit personal ID (digits only)",
    "citizen_ids": "must be 12-digit personal IDs (digits only)",
    "dossier_code": "must look like AGENCY-YYMMDD-NNNN (Circular 01/2018/TT-VPCP)",
    "doc_id": "must be a document id as sohoa gives them (lower-case letters and digits)",
    "fields": "must be record parts separated by commas: batch, error, fields, objects, ocr, pages, persons, "
    "pipeline_version, processed_at, source, text",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        errors: list[dict] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.headers = headers or {}
        self.errors = errors

    def body(self, instance: str | None = None) -> dict:
        out = {
            "type": f"urn:sohoa:problem:{self.code}",
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            out["instance"] = instance
        if self.errors:
            out["errors"] = self.errors
        return out


def problem_response(request: Request, error: ApiError) -> Response:
    PROBLEMS.labels(error.code).inc()
    renderers: list[tuple[str, Renderer]] = getattr(request.app.state, "error_renderers", [])
    for prefix, render in renderers:
        if request.url.path.startswith(prefix):
            return render(request, error)
    # The instance is the route template, not the path: a path may hold a personal ID.
    route = request.scope.get("route")
    return JSONResponse(
        error.body(getattr(route, "path", None)), status_code=error.status, headers=error.headers, media_type=MEDIA_TYPE
    )


def add_renderer(app: FastAPI, prefix: str, render: Renderer) -> None:
    """Answer errors under ``prefix`` with ``render`` (e.g. an HTML page) instead of problem+json."""
    app.state.error_renderers = [*getattr(app.state, "error_renderers", []), (prefix, render)]


def _field(loc: tuple) -> str:
    names = [str(p) for p in loc if p not in ("body", "query", "path", "header") and not isinstance(p, int)]
    return names[-1] if names else "body"


def _validation_error(exc: RequestValidationError) -> ApiError:
    errors = []
    for e in exc.errors():
        loc = tuple(e.get("loc") or ())
        if e.get("type") in ("json_invalid", "model_attributes_type") and loc[:1] == ("body",):
            return ApiError(400, "malformed_body", "the request body is not a JSON object as documented")
        name = _field(loc)
        message = _FRIENDLY.get(name) if "pattern" in str(e.get("type")) else None
        # Pydantic's own messages never carry the input; the input itself is left out on purpose.
        errors.append({"loc": ".".join(str(p) for p in loc), "msg": message or str(e.get("msg", "invalid"))})
    first = errors[0] if errors else {"loc": "request", "msg": "invalid"}
    detail = f"{first['loc']}: {first['msg']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    return ApiError(422, "invalid_request", detail, errors=errors)


def _unavailable(exc: Exception) -> str | None:
    """What a failure says is away: the database (down, restarting, refusing connections) or the object store."""
    if isinstance(exc, DatabaseUnavailable) or (isinstance(exc, DBAPIError) and is_transient(exc)):
        return "database"
    if isinstance(exc, StorageUnavailable):
        return "object store"
    return None


def install(app: FastAPI) -> None:
    async def on_api_error(request: Request, exc: ApiError) -> Response:
        return problem_response(request, exc)

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        detail = {404: "no such route", 405: "this route does not take that method"}.get(
            exc.status_code, str(exc.detail)
        )
        return problem_response(request, ApiError(exc.status_code, code, detail, headers=exc.headers or None))

    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        return problem_response(request, _validation_error(exc))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        route = getattr(request.scope.get("route"), "path", "unmatched")
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, route, exc_info=exc)
        return problem_response(request, ApiError(500, "internal_error", "an unexpected error; it has been logged"))

    async def on_away(request: Request, exc: Exception) -> Response:
        away = _unavailable(exc)
        if away is None:
            raise exc  # another database error: a fault, answered by on_unexpected
        # Not a fault of the request nor of sohoa: the client may retry; one line, not a traceback per request.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        log.warning("%s unavailable on %s %s: %s", away, request.method, route, type(exc).__name__)
        return problem_response(request, ApiError(
            503, "service_unavailable", f"the {away} cannot be reached; retry shortly",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)}))

    app.add_exception_handler(ApiError, on_api_error)
    for away in (DBAPIError, DatabaseUnavailable, StorageUnavailable):
        app.add_exception_handler(away, on_away)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
