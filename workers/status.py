"""A batch's progress across all workers: documents and pages by status, from the index (records and the
intake ledger), plus the queue's own state from Redis (jobs queued, running, waiting, scheduled, failed).

Statuses are the record's (``done``, ``review``, ``failed``, ``duplicate``) plus the ledger's ``queued`` and
``processing`` for documents not recorded yet.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from rq import Worker
from rq.registry import DeferredJobRegistry, FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from ingest import errors as ingest_errors
from storage import intake
from workers.context import Context
from workers.queue import REDIS_ERRORS, JobQueues

log = logging.getLogger(__name__)

STATUSES = (*intake.RECORD_STATUSES, *intake.PENDING)


@dataclass
class QueueState:
    queued: int = 0
    started: int = 0
    deferred: int = 0  # joins waiting for their page ranges
    scheduled: int = 0  # retries waiting for their backoff
    failed: int = 0
    workers: int = 0

    @property
    def idle(self) -> bool:
        return not (self.queued or self.started or self.deferred or self.scheduled)


def queue_state(queues: JobQueues) -> QueueState:
    """Counts over the pipeline's queues (all batches: rq keeps no per-batch index). Read-only: no cleanup."""
    state = QueueState()
    for queue in queues.all():
        state.queued += queue.count
        state.started += StartedJobRegistry(queue=queue).get_job_count(cleanup=False)
        state.deferred += DeferredJobRegistry(queue=queue).get_job_count(cleanup=False)
        state.scheduled += ScheduledJobRegistry(queue=queue).get_job_count(cleanup=False)
        state.failed += FailedJobRegistry(queue=queue).get_job_count(cleanup=False)
    state.workers = len({w.name for q in queues.all() for w in Worker.all(queue=q)})
    return state


def batch_status(ctx: Context, batch: str, queues: JobQueues | None) -> dict:
    """The ``sohoa status --json`` object: ``total``, a count per status, ``pages`` likewise, ``queue``."""
    progress = intake.progress(ctx.index, batch)
    out: dict = {"batch": batch, "total": progress.total}
    out.update({s: progress.documents.get(s, 0) for s in STATUSES})
    out["pages"] = {"total": sum(progress.pages.values()), **{s: progress.pages.get(s, 0) for s in STATUSES}}
    out["queue"] = None
    if queues is not None:
        try:
            out["queue"] = asdict(queue_state(queues))
        except REDIS_ERRORS as exc:
            log.warning("queue state unavailable: %s", type(exc).__name__)
    return out


def bad_input_codes() -> set[str]:
    """Error codes that mean the input file itself was refused (exit code 3, not 1)."""
    codes = {"bad_input", "encrypted_pdf", "corrupt_pdf"}
    pending = [ingest_errors.BadInputError]
    while pending:
        cls = pending.pop()
        codes.add(cls.code)
        pending.extend(cls.__subclasses__())
    return codes


def exit_code(ctx: Context, batch: str) -> int:
    """The contract's exit code for a finished batch: 1 if a document failed for a system reason, 3 if
    some inputs were refused as bad input, else 0."""
    failed = [r.get("error") or {} for r in ctx.index.records(ctx.index.doc_ids(batch=batch, status="failed"))]
    bad = bad_input_codes()
    if any(e.get("code") not in bad for e in failed):
        return 1
    return 3 if failed else 0
