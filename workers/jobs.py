"""The rq jobs: a document, a page range of a long one, and the join; plus what happens when one fails for good.

Each job runs the same step functions as the local pool (``pipeline.process``/``commit``, or the OCR and
extract stages for page ranges) on a copy of the original fetched from the object store, and is idempotent:
a job whose document is already recorded for this pipeline version does nothing. A system error raises, and
rq retries the job with backoff; bad input is a result (a ``failed`` record), not a job failure. When the
last attempt fails, dies or is abandoned, the document gets its ``failed`` record all the same.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from rq.exceptions import AbandonedJobError
from rq.job import Dependency, Job, JobStatus
from rq.timeouts import JobTimeoutException

from ingest.errors import SohoaError
from ingest.source import Source
from storage import intake
from storage.keys import original_key
from storage.objects import StorageError, sha256_of_file
from workers import record as records
from workers.chunks import clean_scratch, join_chunks, manifest_key, process_pages, remove_workdir, store_chunk
from workers.context import Context, make_context
from workers.pipeline import Options, Task, commit, process, write_record
from workers.queue import LIVE, JobQueues, chunk_job_id, join_job_id, open_queues, spec_of
from workers.spec import DocumentSpec

log = logging.getLogger(__name__)

FINISHED_STATUSES = ("done", "review", "duplicate")


class JobFailed(SohoaError):
    """A document's processing failed for a reason retrying may cure (a tool, the store, the index)."""

    code = "job_failed"


class WorkerCrashed(SohoaError):
    code = "worker_crashed"


# -- the jobs ------------------------------------------------------------------------------------------------


def run_document(spec_json: str) -> dict:
    spec = DocumentSpec.from_json(spec_json)
    ctx = make_context()
    queues = open_queues(ctx.settings)
    if (record := already_recorded(ctx, spec)) is not None:
        finish(ctx, queues, spec, record)
        return {"doc_id": spec.doc_id, "status": "unchanged"}
    intake.set_state(ctx.index, spec.doc_id, intake.PROCESSING)
    ranges = spec.chunks(ctx.settings.chunk_pages)
    if ranges:
        plan_chunks(queues, spec, ranges)
        return {"doc_id": spec.doc_id, "status": "split", "chunks": len(ranges)}
    task = fetch_task(ctx, spec, spec.doc_id)
    processed = process(task)
    if processed.error is not None and not processed.bad_input:
        remove_workdir(task)
        raise _job_failed(processed.error)
    record = commit(ctx.store, ctx.index, processed, ctx.registry)
    finish(ctx, queues, spec, record)
    log.info("document %s: %s, %d page(s), %.1f s", spec.doc_id, record["status"], processed.pages, processed.seconds)
    return {"doc_id": spec.doc_id, "status": record["status"], "pages": processed.pages}


def run_chunk(spec_json: str, first: int, last: int) -> dict:
    spec = DocumentSpec.from_json(spec_json)
    ctx = make_context()
    if ctx.store.exists(manifest_key(spec.key, first, last)):
        return {"doc_id": spec.doc_id, "pages": [first, last], "status": "unchanged"}
    intake.set_state(ctx.index, spec.doc_id, intake.PROCESSING)
    task = fetch_task(ctx, spec, f"{spec.doc_id}-{first:04d}")
    try:
        started = time.perf_counter()
        loaded, ocr, error = process_pages(task, first, last)
        store_chunk(ctx.store, spec.key, first, last, loaded, ocr, error)
    finally:
        remove_workdir(task)
    log.info("document %s pages %d-%d: %.1f s", spec.doc_id, first, last, time.perf_counter() - started)
    return {"doc_id": spec.doc_id, "pages": [first, last], "status": "failed" if error else "done"}


def run_join(spec_json: str, ranges: list[list[int]]) -> dict:
    spec = DocumentSpec.from_json(spec_json)
    ctx = make_context()
    queues = open_queues(ctx.settings)
    spans = [(int(a), int(b)) for a, b in ranges]
    if (record := already_recorded(ctx, spec)) is None:
        task = Task(spec.doc_id, _source(spec), _options(ctx, spec), str(ctx.settings.work_dir / f"{spec.doc_id}-join"))
        processed = join_chunks(ctx.store, task, spec.key, spans, lost_ranges(queues, spec, spans))
        # A range's bad input or a range that failed for good: the document's failure, recorded now.
        record = commit(ctx.store, ctx.index, processed, ctx.registry)
    clean_scratch(ctx.store, spec.key)
    finish(ctx, queues, spec, record)
    log.info("document %s: %s, joined from %d ranges", spec.doc_id, record["status"], len(spans))
    return {"doc_id": spec.doc_id, "status": record["status"], "pages": spec.pages}


# -- steps shared by the jobs --------------------------------------------------------------------------------


def already_recorded(ctx: Context, spec: DocumentSpec) -> dict | None:
    """This document's record if it is finished for this pipeline version, or a duplicate of the same bytes
    finished as another document (written now); else None: there is work to do."""
    record = ctx.index.get_record(spec.doc_id)
    if record and record["status"] in FINISHED_STATUSES and record.get("pipeline_version") == spec.pipeline_version:
        return record
    primary = ctx.index.find_primary_by_sha(spec.sha256)
    if (
        primary is not None
        and primary["doc_id"] != spec.doc_id
        and primary.get("pipeline_version") == spec.pipeline_version
    ):
        record = records.duplicate_record(spec.doc_id, spec.batch, _source(spec), primary)
        write_record(ctx.store, ctx.index, record)
        return record
    return None


def fetch_task(ctx: Context, spec: DocumentSpec, work_name: str) -> Task:
    """The original from the object store (never the scanner's folder), checked against its SHA-256."""
    work = ctx.settings.work_dir / work_name
    local = work / "original" / spec.name
    local.parent.mkdir(parents=True, exist_ok=True)
    ctx.store.download(original_key(spec.sha256), local)
    if sha256_of_file(local) != spec.sha256:
        raise StorageError(f"the stored original of {spec.doc_id} does not match its SHA-256", code="checksum_mismatch")
    return Task(spec.doc_id, _source(spec, str(local)), _options(ctx, spec), str(work))


def _options(ctx: Context, spec: DocumentSpec) -> Options:
    """The enqueuer's options with this machine's own Tesseract models (a folder is a fact of the machine)."""
    folder = ctx.settings.tessdata_dir
    return replace(spec.options, tessdata=str(folder) if folder else None)


def _source(spec: DocumentSpec, path: str = "") -> Source:
    return Source(path=path, name=spec.name, size=spec.size, sha256=spec.sha256, media_type=spec.media_type)


def finish(ctx: Context, queues: JobQueues, spec: DocumentSpec, record: dict) -> None:
    """The document is recorded: its intake row says so, and documents with the same bytes that waited
    on it (twins) become its duplicates, or get its failure."""
    intake.set_state(ctx.index, spec.doc_id, intake.RECORDED)
    for twin in queues.take_twins(spec.key):
        if twin.doc_id != spec.doc_id:
            settle_twin(ctx, twin, record)


def settle_twin(ctx: Context, twin: DocumentSpec, primary: dict) -> dict:
    if primary["status"] == "failed":
        record = records.failed_record(twin.doc_id, twin.batch, _source(twin), primary["error"])
    else:
        record = records.duplicate_record(twin.doc_id, twin.batch, _source(twin), primary)
    write_record(ctx.store, ctx.index, record)
    intake.set_state(ctx.index, twin.doc_id, intake.RECORDED)
    return record


def plan_chunks(queues: JobQueues, spec: DocumentSpec, ranges: list[tuple[int, int]]) -> None:
    """Page-range jobs and their join (rq ``depends_on``, run even if a range fails: it records the failure)."""
    join = queues.fetch(join_job_id(spec.key))
    if join is not None and join.get_status() in LIVE:
        return  # planned already (this job is a retry after the plan was made)
    ids = []
    for first, last in ranges:
        job_id = chunk_job_id(spec.key, first, last)
        existing = queues.fetch(job_id)
        if existing is None or existing.get_status() not in LIVE:
            if existing is not None:
                existing.delete()
            meta = {"kind": "chunk", "doc_id": spec.doc_id, "batch": spec.batch, "pages": [first, last]}
            options = queues.enqueue_options(
                job_id=job_id, pages=last - first + 1, description=f"pages {first}-{last} of {spec.doc_id}", meta=meta
            )
            queues.pages.enqueue("workers.jobs.run_chunk", spec.to_json(), first, last, **options)
        ids.append(job_id)
    if join is not None:
        join.delete()
    options = queues.enqueue_options(
        job_id=join_job_id(spec.key),
        pages=1,  # merging and extraction: minutes at most, whatever the page count
        description=f"join {len(ranges)} ranges of {spec.doc_id}",
        meta={"kind": "join", "doc_id": spec.doc_id, "batch": spec.batch},
    )
    ranges_json = [[a, b] for a, b in ranges]
    depends = Dependency(jobs=ids, allow_failure=True)
    queues.join.enqueue("workers.jobs.run_join", spec.to_json(), ranges_json, depends_on=depends, **options)


def lost_ranges(queues: JobQueues, spec: DocumentSpec, ranges: list[tuple[int, int]]) -> dict:
    lost = {}
    for first, last in ranges:
        job = queues.fetch(chunk_job_id(spec.key, first, last))
        if job is not None and job.get_status() == JobStatus.FAILED:
            lost[(first, last)] = (job.meta or {}).get("error") or {"code": "chunk_failed", "message": "failed"}
    return lost


def _job_failed(error: dict) -> JobFailed:
    code = error["code"]
    if code == "internal_error" and error["message"].startswith("JobTimeoutException"):
        code = "job_timeout"  # rq's alarm went off inside the pipeline, which turned it into data
    return JobFailed(error["message"], code=code)


# -- failures ------------------------------------------------------------------------------------------------


def error_of(exc_type, exc_value) -> dict:
    if isinstance(exc_value, SohoaError):
        return exc_value.as_record()
    if exc_type is not None and issubclass(exc_type, JobTimeoutException):
        return {"code": "job_timeout", "message": "the job ran past its time limit and was stopped"}
    if exc_type is not None and issubclass(exc_type, AbandonedJobError):
        return {"code": "worker_lost", "message": "the worker running this job stopped (killed, or its machine down)"}
    name = getattr(exc_type, "__name__", "Error")
    return {"code": "internal_error", "message": f"{name}: {exc_value}"}


def on_failure(job: Job, connection, exc_type, exc_value, traceback) -> None:
    """rq's failure callback: every failed attempt, in the job's process or, for an abandoned job, in the
    process that found it. Keeps the error on the job; on the last attempt, records the document's failure."""
    error = error_of(exc_type, exc_value)
    job.meta["error"] = error
    job.save_meta()
    if job.retries_left:
        log.warning("job %s failed (%s); %d retries left", job.id, error["code"], job.retries_left)
        return
    log.error("job %s failed for good: %s", job.id, error["code"])
    if job.meta.get("kind") in ("document", "join"):
        record_failure(spec_of(job), error)


def on_horse_killed(job: Job, retpid, ret_val, rusage) -> None:
    """The process running the job died (out of memory, a crash, SIGKILL): the same as a failed attempt."""
    crashed = WorkerCrashed(f"the process running this job died (wait status {ret_val}); it is retried")
    on_failure(job, job.connection, WorkerCrashed, crashed, None)


def record_failure(spec: DocumentSpec, error: dict, attempts: int = 4) -> None:
    """A ``failed`` record for a document whose job will not run again (unless ``sohoa jobs retry``)."""
    for attempt in range(1, attempts + 1):
        try:
            ctx = make_context()
            queues = open_queues(ctx.settings)
            record = already_recorded(ctx, spec)
            if record is None:
                record = records.failed_record(spec.doc_id, spec.batch, _source(spec), error)
                write_record(ctx.store, ctx.index, record)
            clean_scratch(ctx.store, spec.key)
            finish(ctx, queues, spec, record)
            return
        except Exception:
            if attempt == attempts:
                log.exception("document %s: its failure could not be recorded", spec.doc_id)
                return
            time.sleep(2.0 * attempt)

