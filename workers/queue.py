"""The pipeline's rq queues on Redis (``SOHOA_REDIS_URL``): connecting, job ids, submitting a document once.

Three queues, listened to in this order, so work already started is finished before new work begins:
``<name>-join`` (joining a split document), ``<name>-pages`` (page-range jobs), ``<name>-documents``.

One document job per job key (``doc-<sha256>-v<pipeline version>``), enqueued with rq's ``unique``: two
scanners queuing the same bytes at once get one job. A second document with the same bytes while the first
is in flight becomes its *twin*: it is written as a duplicate (or the same failure) when the first ends.
Job arguments are JSON (rq's JSON serializer): readable in ``sohoa jobs failed``, and a Redis that someone
else can write to cannot hand a worker a pickle to run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from redis import Redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry as RedisRetry
from rq import Callback, Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from config.settings import Settings
from ingest.errors import SohoaError
from workers.spec import DocumentSpec

log = logging.getLogger(__name__)

LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)
ON_FAILURE = "workers.jobs.on_failure"
_T = TypeVar("_T")


class QueueError(SohoaError):
    code = "queue_unavailable"


def connect(url: str) -> Redis:
    """A client that rides out a Redis restart: each command is retried with backoff for about a minute."""
    retry = RedisRetry(ExponentialWithJitterBackoff(base=0.2, cap=5.0), retries=15)
    return Redis.from_url(url, retry=retry, socket_connect_timeout=5, health_check_interval=15)


def patiently(call: Callable[[], _T], *, what: str, attempts: int = 8) -> _T:
    """``call()`` again after Redis errors (the client's own retries exhausted), then a typed error."""
    delay = 1.0
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except REDIS_ERRORS as exc:
            if attempt == attempts:
                raise QueueError(f"Redis is unreachable while {what}: {exc}") from exc
            log.warning("Redis unreachable while %s (%s); again in %.0f s", what, type(exc).__name__, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)
    raise AssertionError("unreachable")


def doc_job_id(key: str) -> str:
    return f"doc-{key}"


def join_job_id(key: str) -> str:
    return f"join-{key}"


def chunk_job_id(key: str, first: int, last: int) -> str:
    return f"chunk-{key}-{first:04d}-{last:04d}"


def twins_key(prefix: str, key: str) -> str:
    return f"{prefix}:twins:{key}"


@dataclass
class JobQueues:
    """The three queues of one installation, and the rules jobs are enqueued with."""

    connection: Redis
    settings: Settings

    @property
    def names(self) -> list[str]:
        base = self.settings.queue_name
        return [f"{base}-join", f"{base}-pages", f"{base}-documents"]

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection, serializer=JSONSerializer)

    @property
    def join(self) -> Queue:
        return self.queue(self.names[0])

    @property
    def pages(self) -> Queue:
        return self.queue(self.names[1])

    @property
    def documents(self) -> Queue:
        return self.queue(self.names[2])

    def all(self) -> list[Queue]:
        return [self.queue(n) for n in self.names]

    def retry(self) -> Retry | None:
        if not self.settings.job_retries:
            return None
        return Retry(max=self.settings.job_retries, interval=self.settings.retry_intervals or 0)

    def timeout(self, pages: int | None) -> int:
        """Scaled by page count: every page may use Tesseract's whole per-page timeout, plus cleanup."""
        return int(120 + max(pages or 1, 1) * (self.settings.tesseract_timeout + 30))

    def fetch(self, job_id: str) -> Job | None:
        try:
            return Job.fetch(job_id, connection=self.connection, serializer=JSONSerializer)
        except NoSuchJobError:
            return None

    def enqueue_options(self, *, job_id: str, pages: int | None, description: str, meta: dict) -> dict:
        return {
            "job_id": job_id,
            "job_timeout": self.timeout(pages),
            "retry": self.retry(),
            "on_failure": Callback(ON_FAILURE),
            "description": description,  # rq logs it: ids and counts only, no file names (they hold names)
            "meta": meta,
            "result_ttl": 24 * 3600,
            "failure_ttl": 365 * 24 * 3600,
        }

    # -- submitting a document ---------------------------------------------------------------------------

    def submit(self, spec: DocumentSpec) -> tuple[str, str | None]:
        """Queue one document: ``enqueued``, ``already_queued`` (the same document is in flight) or ``twin``
        (the same bytes are in flight as another document, returned as the second value)."""
        job_id = doc_job_id(spec.key)
        options = self.enqueue_options(
            job_id=job_id,
            pages=spec.pages,
            description=f"document {spec.doc_id} ({spec.pages or '?'} pages)",
            meta={"kind": "document", "doc_id": spec.doc_id, "batch": spec.batch},
        )
        for _ in range(3):
            try:
                self.documents.enqueue("workers.jobs.run_document", spec.to_json(), unique=True, **options)
                return "enqueued", None
            except DuplicateJobError:
                owner = self.live_owner(spec.key)
                if owner == spec.doc_id:
                    return "already_queued", owner
                if owner is not None:
                    self.connection.sadd(twins_key(self.settings.queue_name, spec.key), spec.to_json())
                    return "twin", owner
                self.forget(spec.key)  # a finished or failed job of an earlier attempt: replaced
        raise QueueError(f"document {spec.doc_id}: its job id stays taken", code="queue_conflict")

    def live_owner(self, key: str) -> str | None:
        """The doc_id whose job for these bytes is still queued, running, waiting or split; else None."""
        for job_id in (join_job_id(key), doc_job_id(key)):
            job = self.fetch(job_id)
            if job is not None and job.get_status() in LIVE:
                return job.meta.get("doc_id")
        return None

    def forget(self, key: str) -> None:
        """Delete the ended jobs of a document (before it is queued again)."""
        for job_id in (doc_job_id(key), join_job_id(key)):
            job = self.fetch(job_id)
            if job is not None and job.get_status() not in LIVE:
                job.delete()

    def take_twins(self, key: str) -> Iterator[DocumentSpec]:
        """The twins waiting on these bytes, each removed once handed out."""
        name = twins_key(self.settings.queue_name, key)
        for raw in self.connection.smembers(name):
            yield DocumentSpec.from_json(raw.decode() if isinstance(raw, bytes) else raw)
            self.connection.srem(name, raw)


def open_queues(settings: Settings) -> JobQueues:
    if not settings.redis_url:
        raise QueueError("no queue configured: set SOHOA_REDIS_URL (redis://host:6379/0)", code="queue_not_configured")
    return JobQueues(connect(settings.redis_url), settings)


def describe_job(job: Job) -> dict:
    """What ``sohoa jobs failed`` shows of a job (no file names in logs; the operator's screen may show them)."""
    meta = job.meta or {}
    error = meta.get("error") or {}
    if not error:
        result = job.latest_result()
        text = (result.exc_string if result else "") or ""
        error = {"code": "job_failed", "message": text.strip().splitlines()[-1] if text.strip() else ""}
    return {
        "job_id": job.id,
        "kind": meta.get("kind", ""),
        "doc_id": meta.get("doc_id", ""),
        "batch": meta.get("batch", ""),
        "code": error.get("code", ""),
        "message": error.get("message", ""),
        "ended_at": job.ended_at.isoformat(timespec="seconds") if job.ended_at else None,
    }


def spec_of(job: Job) -> DocumentSpec:
    return DocumentSpec.from_json(job.args[0])

