"""Who is at the staff page: the session cookie, CSRF checks, and the dependencies routes declare.

The cookie is HttpOnly and SameSite=Strict, and Secure when the page is served over HTTPS (the request's own
scheme, or ``X-Forwarded-Proto: https`` from an address in ``SOHOA_WEB_TRUSTED_PROXIES``). Every request that
changes something (POST) must carry the session's CSRF token, in the form (``csrf``) or the ``X-CSRF-Token``
header (the page's JavaScript), and an Origin, when the browser sends one, of this very site. The login form
has no session yet: it is guarded by a token in a cookie of its own that the form must repeat.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.problems import ApiError
from api.state import app_state
from storage import audit, web_sessions
from storage.users import User, UserError, Users

COOKIE = "sohoa_session"
LOGIN_COOKIE = "sohoa_login"
PREFIX = "/staff"


@dataclass(frozen=True)
class Staff:
    """A logged-in staff member on this request."""

    user: User
    session: web_sessions.WebSession

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def csrf(self) -> str:
        return self.session.csrf_token

    def access(self, purpose: str | None = None) -> audit.Access:
        return audit.Access("web", self.user.name, user_id=self.user.name, purpose=purpose)


def is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    settings = app_state(request).settings
    client = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return forwarded == "https" and client is not None and client in settings.trusted_proxies


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True, samesite="strict",
                        secure=is_https(request))


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path=PREFIX, httponly=True, samesite="strict", secure=is_https(request))


def lifetime(request: Request) -> timedelta:
    return timedelta(hours=app_state(request).settings.web_session_hours)


def idle(request: Request) -> timedelta:
    return timedelta(minutes=app_state(request).settings.web_idle_minutes)


def users(request: Request) -> Users:
    from storage.users import LoginPolicy

    state = app_state(request)
    found = getattr(request.app.state, "web_users", None)
    if found is None:
        found = Users(state.index, LoginPolicy.from_settings(state.settings))
        request.app.state.web_users = found
    return found


def _current(request: Request) -> Staff | None:
    state = app_state(request)
    session = web_sessions.lookup(state.index, request.cookies.get(COOKIE), idle(request))
    if session is None:
        return None
    try:
        user = users(request).get(session.user_name)
    except UserError:
        user = None
    if user is None or user.disabled:
        web_sessions.end(state.index, request.cookies.get(COOKIE))
        return None
    return Staff(user, session)


async def current_staff(request: Request) -> Staff:
    staff = await run_in_threadpool(_current, request)
    if staff is None:
        raise ApiError(401, "login_required", "log in first")
    request.state.staff = staff
    return staff


async def current_admin(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
    if not staff.user.is_admin:
        raise ApiError(403, "admin_only", "only an administrator may do this")
    return staff


def same_origin(request: Request) -> bool:
    """No Origin (older browsers, same-site navigations) passes; a foreign one does not."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin != "null"
    parts = urlsplit(origin)
    return parts.netloc.lower() == request.headers.get("host", "").lower()


def check_csrf(request: Request, staff: Staff, form: dict[str, str] | None = None) -> None:
    presented = request.headers.get("x-csrf-token") or (form or {}).get("csrf")
    if not same_origin(request) or not staff.session.csrf_matches(presented):
        raise ApiError(403, "csrf_failed", "the form is out of date or not from this site: reload the page")


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def check_login_csrf(request: Request, form: dict[str, str]) -> None:
    cookie = request.cookies.get(LOGIN_COOKIE) or ""
    presented = form.get("csrf") or ""
    if not same_origin(request) or not cookie or not hmac.compare_digest(cookie, presented):
        raise ApiError(403, "csrf_failed", "the form is out of date or not from this site: reload the page")


StaffDep = Annotated[Staff, Depends(current_staff)]
AdminDep = Annotated[Staff, Depends(current_admin)]
