"""Prometheus metrics: requests and latency per route template, API problems by code, and the index's
documents by status, pages processed and failures by error code.

Several uvicorn workers each count their own requests: ``sohoa serve`` points ``PROMETHEUS_MULTIPROC_DIR``
at a fresh folder before any worker imports prometheus_client, and a scrape sums every worker's files.
The index figures are read from the database at scrape time (cached briefly), so they are the same
whichever worker answers, and include work done by batch runs and rq workers elsewhere.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from storage.index import Index
from storage.schema import Document

access_log = logging.getLogger("sohoa.access")

REQUESTS = Counter("sohoa_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "sohoa_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
PROBLEMS = Counter("sohoa_http_problems", "Error answers (problem+json) by problem code", ["code"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


class IndexCollector:
    """Documents by status, pages processed and failures by error code, straight from the index."""

    def __init__(self, index: Index, ttl: float = 15.0) -> None:
        self.index, self.ttl = index, ttl
        self._lock = threading.Lock()
        self._cached: tuple[float, dict] | None = None

    def _figures(self) -> dict:
        with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self.ttl:
                return self._cached[1]
            with self.index.session() as s:
                by_status = dict(s.execute(select(Document.status, func.count()).group_by(Document.status)).all())
                pages = s.scalar(
                    select(func.coalesce(func.sum(Document.page_count), 0)).where(
                        Document.status.in_(("done", "review"))
                    )
                )
                failures = dict(
                    s.execute(
                        select(Document.error_code, func.count())
                        .where(Document.status == "failed")
                        .group_by(Document.error_code)
                    ).all()
                )
            figures = {"status": by_status, "pages": int(pages or 0), "failures": failures}
            self._cached = (time.monotonic(), figures)
            return figures

    def collect(self):
        figures = self._figures()
        docs = GaugeMetricFamily("sohoa_documents", "Documents in the index by status", labels=["status"])
        for status in ("done", "review", "failed", "duplicate"):
            docs.add_metric([status], figures["status"].get(status, 0))
        yield docs
        yield GaugeMetricFamily(
            "sohoa_pages_processed", "Pages of documents processed (done or in review)", value=figures["pages"]
        )
        failed = GaugeMetricFamily("sohoa_document_failures", "Failed documents by error code", labels=["code"])
        for code, count in sorted(figures["failures"].items(), key=lambda kv: str(kv[0])):
            failed.add_metric([code or "unknown"], count)
        yield failed


class Exposition:
    """What ``GET /metrics`` answers: every worker's counters, plus the index figures once."""

    def __init__(self, index: Index) -> None:
        self.index_collector = IndexCollector(index)
        self._multiprocess = "PROMETHEUS_MULTIPROC_DIR" in os.environ
        if not self._multiprocess:
            self._registry = CollectorRegistry()
            self._registry.register(_Forward(REGISTRY))
            self._registry.register(self.index_collector)

    def render(self) -> bytes:
        if self._multiprocess:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            registry.register(self.index_collector)
            return generate_latest(registry)
        return generate_latest(self._registry)


class _Forward:
    """The process-wide registry's metrics inside a per-app registry (tests build many apps)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self):
        yield from self.registry.collect()


class MetricsMiddleware:
    """Counts and times every request by route template (never the raw path: it may hold a personal ID),
    and writes the access log line the same way."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_status(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            REQUESTS.labels(method, route, str(status[0])).inc()
            LATENCY.labels(method, route).observe(elapsed)
            principal = (scope.get("state") or {}).get("principal")
            access_log.info(
                "%s %s %d %.1fms key=%s",
                method,
                route,
                status[0],
                elapsed * 1000,
                getattr(principal, "name", "-"),
            )
