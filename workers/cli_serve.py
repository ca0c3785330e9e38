"""``sohoa serve``: the HTTP API and the staff page (``/staff``) on uvicorn.

Production settings, measured with ``bench/api.py`` on the 2-core reference machine: worker processes
``SOHOA_API_WORKERS`` (unset: one per core, at most 4), uvloop and httptools,
keep-alive 5 s, at most 1000 concurrent connections per worker (more are answered 503 instead of queueing
without bound), uvicorn's access log off (it prints raw paths, which hold personal IDs; sohoa logs the route
template instead). Put a TLS-terminating proxy in front; bind ``/metrics`` where only operators reach it.
"""

from __future__ import annotations

import logging
import os
import shutil

import click

from workers.context import Context

log = logging.getLogger(__name__)


def log_config(level: str) -> dict:
    """uvicorn's logging, with every line through the masking filter and uvicorn's access log unused."""
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "plain",
        "filters": ["mask"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": "api.logmask.MaskingFilter"}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s"}},
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level.upper(), "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level.upper(), "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def recommended_workers() -> int:
    """One process per core, at most 4. Measured on 2 cores and SQLite (bench/api.py, 200 requests/s): one
    process saturates its core (p50 4.7 s), two answer with p50 10 ms; the group-committed writes keep the
    two processes' waits on SQLite's write lock short."""
    return max(1, min(4, os.cpu_count() or 1))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (0.0.0.0: every interface).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes (default SOHOA_API_WORKERS, or one per core up to 4).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
    help="info logs one masked line per request.",
)
@click.pass_obj
def serve(obj: Context, host: str, port: int, workers: int | None, log_level: str) -> None:
    """The HTTP API: /v1 (API keys), /docs, /openapi.json, /healthz, /readyz, /metrics; the staff page: /staff."""
    import uvicorn

    settings = obj.settings
    workers = workers or settings.api_workers or recommended_workers()
    obj.index  # noqa: B018  (create or upgrade the schema once, before the workers race to do it)
    state_dir = (settings.run_dir / f"serve-{os.getpid()}").resolve()
    shutil.rmtree(state_dir, ignore_errors=True)
    (state_dir / "prometheus").mkdir(parents=True)
    # Both must be set before any worker imports prometheus_client or builds the app.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(state_dir / "prometheus")
    os.environ["SOHOA_API_STATE_DIR"] = str(state_dir)
    click.echo(
        f"sohoa API on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}); "
        f"docs at http://{host}:{port}/docs; staff page at http://{host}:{port}/staff/",
        err=True,
    )
    try:
        uvicorn.run(
            "api.web.server:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            access_log=False,
            log_config=log_config(log_level),
            log_level=log_level,
            timeout_keep_alive=5,
            limit_concurrency=1000,
            backlog=2048,
            server_header=False,
            # X-Forwarded-* only from the proxies the operator names (the staff cookie's Secure flag follows it).
            proxy_headers=bool(settings.trusted_proxies),
            forwarded_allow_ips=",".join(sorted(settings.trusted_proxies)) or None,
        )
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)


COMMANDS = [serve]
