"""Administrators only: staff accounts (list, create, disable/enable, unlock) and API keys (list, create
with the secret shown once, revoke). The same storage functions as ``sohoa user`` and ``sohoa apikey``."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.problems import ApiError
from api.state import app_state
from api.web import session as web
from api.web.forms import read_form
from api.web.render import page
from ingest.errors import SohoaError
from storage import apikeys, web_sessions

log = logging.getLogger(__name__)
router = APIRouter(prefix=f"{web.PREFIX}/admin", include_in_schema=False)


def _admin_page(request: Request, *, status: int = 200, error: str | None = None, secret: str | None = None,
                secret_name: str | None = None) -> Response:
    index = app_state(request).index
    return page(request, "admin.html", status=status, users=web.users(request).list_users(),
                keys=apikeys.list_keys(index), scopes=apikeys.SCOPES, error=error, secret=secret,
                secret_name=secret_name)


@router.get("")
def admin(request: Request, staff: web.AdminDep) -> Response:
    return _admin_page(request)


@router.post("/users")
async def create_user(request: Request, staff: web.AdminDep) -> Response:
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    role = form.get("role", "staff")
    try:
        user = await run_in_threadpool(web.users(request).create, form.get("name", ""), form.get("password", ""),
                                       role)
    except SohoaError as exc:
        return await run_in_threadpool(_admin_page, request, status=422, error=exc.message)
    log.info("user %s created by %s on the staff page", user.name, staff.name)
    return RedirectResponse(f"{web.PREFIX}/admin#users", status_code=303)


@router.post("/users/{name}/{action}")
async def change_user(request: Request, staff: web.AdminDep, name: str, action: str) -> Response:
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    users = web.users(request)
    index = app_state(request).index
    if action not in ("disable", "enable", "unlock"):
        raise ApiError(404, "not_found", "no such action")
    if action == "disable" and name == staff.name:
        return await run_in_threadpool(_admin_page, request, status=422, error="cannot_disable_self")
    try:
        if action == "unlock":
            await run_in_threadpool(users.unlock, name)
        else:
            await run_in_threadpool(users.set_disabled, name, action == "disable")
            if action == "disable":
                await run_in_threadpool(web_sessions.end_all, index, name)
    except SohoaError as exc:
        return await run_in_threadpool(_admin_page, request, status=422, error=exc.message)
    log.info("user %s: %s by %s", name, action, staff.name)
    return RedirectResponse(f"{web.PREFIX}/admin#users", status_code=303)


@router.post("/keys")
async def create_key(request: Request, staff: web.AdminDep) -> Response:
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    scopes = parse_qs((await request.body()).decode("utf-8")).get("scope", [])  # a repeated field
    rate = form.get("rate_limit", "").strip()
    try:
        rate_limit = float(rate) if rate else None
    except ValueError:
        return await run_in_threadpool(_admin_page, request, status=422, error="rate_limit_not_a_number")
    try:
        key, secret = await run_in_threadpool(
            lambda: apikeys.create_key(app_state(request).index, form.get("name", "").strip(), scopes,
                                       created_by=f"web:{staff.name}", rate_limit=rate_limit))
    except SohoaError as exc:
        return await run_in_threadpool(_admin_page, request, status=422, error=exc.message)
    log.info("API key %s created by %s on the staff page", key.name, staff.name)
    # Shown once, on this answer only (never stored, never in a redirect's URL).
    return await run_in_threadpool(_admin_page, request, status=201, secret=secret, secret_name=key.name)


@router.post("/keys/{name}/revoke")
async def revoke_key(request: Request, staff: web.AdminDep, name: str) -> Response:
    form = await read_form(request)
    web.check_csrf(request, staff, form)
    try:
        await run_in_threadpool(apikeys.revoke, app_state(request).index, name)
    except SohoaError as exc:
        return await run_in_threadpool(_admin_page, request, status=422, error=exc.message)
    log.info("API key %s revoked by %s on the staff page", name, staff.name)
    return RedirectResponse(f"{web.PREFIX}/admin#keys", status_code=303)
