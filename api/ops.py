"""Routes for operators and load balancers, without authentication: health, readiness, metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.metrics import CONTENT_TYPE
from api.models import Health, Readiness
from api.state import app_state

log = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up", responses={200: {"model": Health}})
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get(
    "/readyz",
    summary="The index and the object store can be reached",
    responses={200: {"model": Readiness}, 503: {"model": Readiness, "description": "Not ready"}},
)
def readyz(request: Request) -> JSONResponse:
    state = app_state(request)
    checks = {}
    for name, probe in (("index", state.index.ping), ("object_store", lambda: _probe_store(state.store))):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # whatever the backend raises, the answer is "not ready", not a 500
            log.warning("readiness: %s unreachable (%s)", name, type(exc).__name__)
            checks[name] = f"unreachable: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ready else "not_ready", **checks}, status_code=200 if ready else 503)


def _probe_store(store) -> None:
    ping = getattr(store, "ping", None)
    if callable(ping):
        ping()
        return
    root = getattr(store, "root", None)
    if root is not None and not root.is_dir():
        raise FileNotFoundError("object store folder missing")
    store.exists("health/ready")  # a cheap request that reaches the backend (a HEAD on S3)


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)
