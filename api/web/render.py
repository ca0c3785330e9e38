"""Server-rendered pages: Jinja2 templates under ``api/web/templates``, autoescaped, with the catalogue's
words (``t``), dd/mm/yyyy dates, and the session's CSRF token at hand for every form."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from api.state import app_state
from api.web.catalogue import Catalogue, show_date, show_datetime, show_number
from config.quality_messages import quality_message

TEMPLATES = Path(__file__).parent / "templates"
SECURITY_HEADERS = {
    # Everything is served by sohoa itself; inline scripts are not used, so none may run.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=ChainableUndefined,  # records differ (a failed one has no pages): absent parts render empty
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(date=show_date, datetime=show_datetime, number=show_number, tojson_attr=_json_attr)
    return env


def _json_attr(value: object) -> Markup:
    """JSON for a data-* attribute (escaped by the attribute's autoescape)."""
    return Markup.escape(json.dumps(value, ensure_ascii=False))


def catalogue(request: Request) -> Catalogue:
    lang = app_state(request).settings.web_language
    cached = getattr(request.app.state, "web_catalogue", None)
    if cached is None or cached.lang != lang:
        cached = Catalogue(lang)
        request.app.state.web_catalogue = cached
    return cached


def page(request: Request, template: str, *, status: int = 200, **context: object) -> HTMLResponse:
    t = catalogue(request)
    staff = getattr(request.state, "staff", None)
    html = environment().get_template(template).render(
        t=t,
        lang=t.lang,
        staff=staff,
        csrf=staff.csrf if staff else "",
        path=request.url.path,
        quality=lambda code, params: quality_message(code, params, t.lang),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
