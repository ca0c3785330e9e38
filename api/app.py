"""The ASGI application ``sohoa serve`` runs: ``create_app()`` (uvicorn calls it once per worker process).

Layout: ``/v1`` the intake API (API keys), ``/healthz`` ``/readyz`` ``/metrics`` for operators, ``/docs``
and ``/openapi.json``. The staff page (issue 7) is another router beside ``/v1`` with its own
authentication (sessions) and its own error pages: ``create_app(routers=[...])`` or ``app.include_router``,
plus ``problems.add_renderer(app, "/", html_errors)``; nothing here needs to change for it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api import ops, problems, v1
from api.auth import KeyCache
from api.limits import BodyLimit
from api.metrics import Exposition, MetricsMiddleware
from api.models import Problem
from api.ratelimit import Buckets
from api.state import AppState
from config.settings import PIPELINE_VERSION, Settings, load_settings
from storage.index import Index
from storage.objects import open_store
from storage.writes import writer_for

THREADS = 4
STATE_DIR_ENV = "SOHOA_API_STATE_DIR"  # set by ``sohoa serve`` for state shared by its workers
DESCRIPTION = """Intake API of sohoa: a citizen's digitized civil records, handed out to intake systems with
an API key (`Authorization: Bearer sohoa_...`), a purpose (`X-Purpose`, the dossier code) and the official at
the desk (`X-User-Id`); every read is audited. Errors are `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, routers: Iterable[APIRouter] = ()) -> FastAPI:
    settings = settings or load_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="sohoa",
        version=PIPELINE_VERSION,
        description=DESCRIPTION,
        docs_url=None,  # served below from local files: no CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    index = Index(settings.resolved_database_url)
    state_dir = os.environ.get(STATE_DIR_ENV)
    app.state.sohoa = AppState(
        settings=settings,
        index=index,
        store=open_store(settings.resolved_storage_url),
        buckets=Buckets(Path(state_dir) / "ratelimit.bin" if state_dir else None),
        writer=writer_for(index),
        keys=KeyCache(settings.api_key_cache_seconds),
    )
    app.state.metrics = Exposition(index)
    problems.install(app)
    app.include_router(ops.router)
    for router in (*v1.ROUTERS, *routers):
        app.include_router(router)
    _docs(app)
    app.openapi = lambda: _openapi(app)
    # Outermost first in the request's path: metrics see every answer, the body limit runs before parsing.
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(MetricsMiddleware)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    # Request handlers are synchronous (SQLAlchemy) and run in a thread pool. Every extra thread competes for
    # the GIL: at 200 requests/s on 2 cores, 12 threads per worker gave a median of 715 ms, 4 threads 8.5 ms
    # (bench.api); more requests than threads wait on the event loop, which costs nothing.
    to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        app.openapi_schema = schema
    return app.openapi_schema


def _docs(app: FastAPI) -> None:
    static = resources.files("fastapi_offline") / "static"
    app.mount("/docs/static", StaticFiles(directory=str(static)), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="sohoa API",
            swagger_js_url="/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/docs/static/swagger-ui.css",
            swagger_favicon_url="/docs/static/favicon.png",
        )
