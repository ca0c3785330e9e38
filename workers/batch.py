"""Running a batch in local processes: originals stored first, duplicates settled, the rest OCR'd in a pool.

The parent process owns the object store and the index; pool workers only run ``pipeline.process``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ingest.source import Source, describe, discover
from storage.keys import original_key
from workers import record as records
from workers.context import Context
from workers.pipeline import Options, Processed, Task, commit, process, write_record

log = logging.getLogger(__name__)


@dataclass
class Summary:
    """What a run did; ``exit_code`` follows the contract (0 ok, 3 bad input rejected, 1 system error)."""

    documents: int = 0
    pages: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (file name, code, message)
    bad_input: int = 0
    system_errors: int = 0
    worker_peak_rss_mb: float = 0.0
    started: float = field(default_factory=time.perf_counter, repr=False)

    def close(self, reporter: Reporter) -> Summary:
        """Stop the clock and the progress display."""
        self.seconds = time.perf_counter() - self.started
        reporter.finish()
        return self

    def count(self, record: dict) -> None:
        self.documents += 1
        self.by_status[record["status"]] = self.by_status.get(record["status"], 0) + 1

    @property
    def pages_per_minute(self) -> float:
        return self.pages * 60.0 / self.seconds if self.seconds else 0.0

    @property
    def exit_code(self) -> int:
        if self.system_errors:
            return 1
        return 3 if self.bad_input else 0


class Reporter:
    """Progress callbacks; the CLI draws a bar, tests and rq jobs use this silent default."""

    def start(self, total_documents: int) -> None: ...
    def advance(self, record: dict, pages: int) -> None: ...
    def finish(self) -> None: ...


def _init_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def ingest_paths(
    paths: Iterable[str | Path],
    options: Options,
    ctx: Context,
    *,
    jobs: int = 1,
    reporter: Reporter | None = None,
) -> Summary:
    store, index, work_root = ctx.store, ctx.index, ctx.settings.work_dir
    reporter = reporter or Reporter()
    summary = Summary()
    files = discover(paths)
    reporter.start(len(files))
    tasks: list[Task] = []
    seen: dict[str, str] = {}  # sha256 -> doc_id of the first file in this run with those bytes
    for path in files:
        source = describe(path)
        # The original is kept before anything else can fail, so nothing a clerk scanned is ever lost.
        if not store.exists(original_key(source.sha256)):
            store.put_file(original_key(source.sha256), path, content_type=source.media_type)
        doc_id = records.make_doc_id(source.sha256, options.batch, source.name)
        status = index.status_of(doc_id)
        if status in ("done", "review", "duplicate"):
            summary.unchanged += 1
            reporter.advance({"status": "unchanged", "doc_id": doc_id}, 0)
            continue
        primary = index.find_primary_by_sha(source.sha256)
        if primary is not None and primary["doc_id"] != doc_id:
            _finish(summary, reporter, _duplicate(store, index, doc_id, options, source, primary), 0)
            continue
        if source.sha256 in seen:
            tasks.append(Task(doc_id, source, options, str(work_root / doc_id)))  # settled after its twin
            continue
        seen[source.sha256] = doc_id
        tasks.append(Task(doc_id, source, options, str(work_root / doc_id)))

    first = [t for t in tasks if seen.get(t.source.sha256) == t.doc_id]
    twins = [t for t in tasks if seen.get(t.source.sha256) != t.doc_id]
    outcomes: dict[str, Processed] = {}
    for processed in run_tasks(first, jobs):
        outcomes[processed.task.source.sha256] = processed
        settle(ctx, processed, summary, reporter)
    for task in twins:
        # Same bytes as a file processed above: a duplicate of it, or the same failure without a second try.
        twin = outcomes[task.source.sha256]
        if twin.error is None:
            record = _duplicate(store, index, task.doc_id, options, task.source, index.get_record(twin.task.doc_id))
            _finish(summary, reporter, record, 0)
        else:
            same = Processed(task, error=twin.error, bad_input=twin.bad_input)
            settle(ctx, same, summary, reporter)
    return summary.close(reporter)


def _duplicate(store, index, doc_id: str, options: Options, source: Source, primary: dict) -> dict:
    record = records.duplicate_record(doc_id, options.batch, source, primary)
    write_record(store, index, record)
    return record


def _finish(summary: Summary, reporter: Reporter, record: dict, pages: int) -> None:
    summary.count(record)
    reporter.advance(record, pages)


def settle(ctx: Context, processed: Processed, summary: Summary, reporter: Reporter) -> dict:
    """Store one document's results and count them."""
    record = commit(ctx.store, ctx.index, processed, ctx.registry)
    summary.pages += processed.pages
    _note_result(summary, processed)
    _finish(summary, reporter, record, processed.pages)
    return record


def _note_result(summary: Summary, processed: Processed) -> None:
    summary.worker_peak_rss_mb = max(summary.worker_peak_rss_mb, processed.peak_rss_mb)
    if processed.error is None:
        return
    summary.failures.append((processed.task.source.name, processed.error["code"], processed.error["message"]))
    if processed.bad_input:
        summary.bad_input += 1
    else:
        summary.system_errors += 1


def run_tasks(tasks: list[Task], jobs: int) -> Iterator[Processed]:
    """Results in completion order, one worker process per core (each OCRmyPDF run uses one thread).

    A worker that dies (out of memory, a crash in a native library) breaks the whole pool; the documents
    that were in flight are then retried one by one in a fresh process, and the one that kills its worker
    again becomes a ``worker_crashed`` failure instead of taking the batch down.
    """
    if not tasks:
        return
    crashed: list[Task] = []
    yield from _pool_results(tasks, jobs, crashed)
    for task in crashed:
        retry: list[Task] = []
        yield from _pool_results([task], 1, retry)
        if retry:
            message = "the worker process died on this document (out of memory?); retry with sohoa reprocess"
            yield Processed(task, error={"code": "worker_crashed", "message": message})


def _pool_results(tasks: list[Task], jobs: int, crashed: list[Task]) -> Iterator[Processed]:
    # forkserver: workers must not inherit the parent's SQLite connection or the progress bar's thread.
    ctx = multiprocessing.get_context("forkserver")
    workers = max(1, min(jobs, len(tasks)))
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, max_tasks_per_child=50) as pool:
        futures = {pool.submit(process, t): t for t in tasks}
        pending: set[Future] = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    yield future.result()
                except BrokenProcessPool:
                    crashed.append(futures[future])
