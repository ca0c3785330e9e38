"""Logging in and out of the staff page (accounts of ``sohoa user create``, Argon2id, lockout)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.state import app_state
from api.web import session as web
from api.web.catalogue import show_datetime
from api.web.forms import read_form
from api.web.render import catalogue, page
from storage import web_sessions
from storage.users import AccountLockedError, LoginFailedError

log = logging.getLogger(__name__)
router = APIRouter(prefix=web.PREFIX, include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path of this page: never another site (an open redirect)."""
    if not target:
        return f"{web.PREFIX}/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"{web.PREFIX}/") or target.startswith("//"):
        return f"{web.PREFIX}/"
    return target


def _login_page(request: Request, *, error: str | None = None, status: int = 200, name: str = "") -> Response:
    token = web.new_login_token()
    response = page(request, "login.html", status=status, error=error, login_csrf=token, name=name,
                    next=_safe_next(request.query_params.get("next")))
    web.set_cookie(request, response, web.LOGIN_COOKIE, token, max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await read_form(request)
    web.check_login_csrf(request, form)
    name, password = form.get("name", "").strip(), form.get("password", "")
    t = catalogue(request)
    users = web.users(request)
    try:
        user = await run_in_threadpool(users.verify, name, password)
    except AccountLockedError as exc:
        until = show_datetime(exc.until) if exc.until else ""
        return _login_page(request, error=t("login.locked", until=until), status=429, name=name)
    except LoginFailedError:
        return _login_page(request, error=t("login.failed"), status=401, name=name)
    state = app_state(request)
    token, _ = await run_in_threadpool(web_sessions.start, state.index, user.name, web.lifetime(request))
    await run_in_threadpool(web_sessions.purge_expired, state.index)  # sessions nobody logged out of
    log.info("staff %s logged in", user.name)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    web.set_cookie(request, response, web.COOKIE, token, max_age=int(web.lifetime(request).total_seconds()))
    web.clear_cookie(request, response, web.LOGIN_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, staff: web.StaffDep) -> Response:
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    await run_in_threadpool(web_sessions.end, app_state(request).index, request.cookies.get(web.COOKIE))
    response = RedirectResponse(f"{web.PREFIX}/login", status_code=303)
    web.clear_cookie(request, response, web.COOKIE)
    return response


@router.get("/")
def home(staff: web.StaffDep) -> Response:
    return RedirectResponse(f"{web.PREFIX}/batches", status_code=303)
