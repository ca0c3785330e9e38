"""The failed-job registry: what failed for good, and queuing those documents again.

A retry always queues the whole document (a fresh job with fresh retries): a page-range job that failed
has already made its join record the document as failed, so redoing the range alone would change nothing.
"""

from __future__ import annotations

from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from ingest.errors import SohoaError
from storage import intake
from workers.context import Context
from workers.enqueue import Submitted, ledger_row, submit
from workers.queue import JobQueues, describe_job, spec_of


class UnknownJob(SohoaError):
    code = "unknown_job"


def _failed(queues: JobQueues) -> list[Job]:
    jobs: list[Job] = []
    for queue in queues.all():
        ids = FailedJobRegistry(queue=queue).get_job_ids(cleanup=False)
        fetched = Job.fetch_many(ids, connection=queues.connection, serializer=JSONSerializer)
        jobs.extend(j for j in fetched if j is not None)
    return sorted(jobs, key=lambda j: (j.ended_at.timestamp() if j.ended_at else 0.0, j.id))


def failed_jobs(queues: JobQueues) -> list[dict]:
    return [describe_job(job) for job in _failed(queues)]


def retry_failed(ctx: Context, queues: JobQueues, job_id: str | None) -> list[str]:
    """Queue again the documents of one failed job (``job_id``) or of all of them; returns their doc ids."""
    failed = _failed(queues)
    if job_id is not None:
        failed = [j for j in failed if j.id == job_id]
        if not failed:
            raise UnknownJob(f"no job {job_id!r} in the failed-job registry (see sohoa jobs failed)")
    specs = {}
    for job in failed:
        spec = spec_of(job)
        specs.setdefault(spec.key, spec)
    for job in _failed(queues):  # every failed job of those documents goes, ranges and join included
        if spec_of(job).key in specs:
            job.delete()
    for spec in specs.values():
        intake.receive(ctx.index, [ledger_row(spec)])
        submit(ctx, queues, spec, Submitted(spec.batch))
    return [spec.doc_id for spec in specs.values()]
