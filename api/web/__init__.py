"""The records office's staff page (issue 7), under ``/staff``: server-rendered Jinja2 pages in Vietnamese
with a little plain JavaScript, sessions of staff accounts, over the same storage and queries as the CLI.

``routers()`` are included by ``api.web.server.create_app`` (what ``sohoa serve`` runs); ``install`` adds the
static files, the HTML error pages, the larger body limit of the upload route and the upload processor.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api import problems
from api.web import admin, auth, batches, documents, review, search
from api.web.context import processor_for
from api.web.errors import html_error
from api.web.session import PREFIX

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def routers() -> list[APIRouter]:
    return [auth.router, batches.router, documents.router, review.router, search.router, admin.router]


def install(app: FastAPI) -> None:
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="staff-static")
    problems.add_renderer(app, PREFIX, html_error)
    settings = app.state.sohoa.settings
    app.state.body_limits = [(f"{PREFIX}/batches/", settings.web_upload_max_bytes)]

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=303)

    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: FastAPI):
        async with inner(a) as value:
            processor = processor_for(a) if settings.web_process_uploads else None
            if processor is not None:
                processor.start()
            try:
                yield value
            finally:
                if processor is not None:
                    processor.stop()

    app.router.lifespan_context = lifespan
