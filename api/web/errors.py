"""Errors under /staff answered for people: a page in Vietnamese, or for the page's own XHRs a JSON problem;
an expired session sends the browser to the login page and back."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.problems import MEDIA_TYPE, ApiError
from api.web.render import catalogue, page
from api.web.session import PREFIX


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or bool(request.headers.get("x-csrf-token"))


def html_error(request: Request, error: ApiError) -> Response:
    t = catalogue(request)
    message = t.get(f"errors.{error.code}") or error.detail
    if wants_json(request):
        body = {**error.body(getattr(request.scope.get("route"), "path", None)), "message": message}
        return JSONResponse(body, status_code=error.status, headers=error.headers, media_type=MEDIA_TYPE)
    if error.code == "login_required" and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{PREFIX}/login?next={quote(target)}", status_code=303)
    return page(request, "error.html", status=error.status, code=error.code, message=message)
