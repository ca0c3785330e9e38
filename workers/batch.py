"""Running a batch in local processes: originals stored first, duplicates settled, the rest OCR'd in a pool.

The parent process owns the object store and the index; pool workers only run ``pipeline.process``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from ingest.source import Source, describe, discover

from storage.index import Index
from storage.keys import original_key
from storage.objects import ObjectStore
from workers import record as records
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


def _worker_peak_rss_mb() -> float:
    # ru_maxrss of reaped children is in KiB on Linux: the largest single worker, not a sum.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def ingest_paths(
    paths: Iterable[str | Path],
    options: Options,
    *,
    store: ObjectStore,
    index: Index,
    work_root: Path,
    jobs: int = 1,
    reporter: Reporter | None = None,
) -> Summary:
    reporter = reporter or Reporter()
    started = time.perf_counter()
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
        if primary is not None and primary["doc_id"] != doc_id and primary["status"] != "failed":
            _finish(summary, reporter, _duplicate(store, index, doc_id, options, source, primary), 0)
            continue
        if source.sha256 in seen:
            tasks.append(Task(doc_id, source, options, str(work_root / doc_id)))  # settled after its twin
            continue
        seen[source.sha256] = doc_id
        tasks.append(Task(doc_id, source, options, str(work_root / doc_id)))

    first = [t for t in tasks if seen.get(t.source.sha256) == t.doc_id]
    twins = [t for t in tasks if seen.get(t.source.sha256) != t.doc_id]
    for processed in _run(first, jobs):
        record = commit(store, index, processed)
        summary.pages += processed.pages
        _note_failure(summary, processed, record)
        _finish(summary, reporter, record, processed.pages)
    for task in twins:
        primary = index.get_record(seen[task.source.sha256])
        if primary and primary["status"] != "failed":
            record = _duplicate(store, index, task.doc_id, options, task.source, primary)
            _finish(summary, reporter, record, 0)
        else:
            processed = process(task)
            record = commit(store, index, processed)
            _note_failure(summary, processed, record)
            _finish(summary, reporter, record, processed.pages)
    summary.seconds = time.perf_counter() - started
    summary.worker_peak_rss_mb = _worker_peak_rss_mb()
    reporter.finish()
    return summary


def _duplicate(store, index, doc_id: str, options: Options, source: Source, primary: dict) -> dict:
    record = records.duplicate_record(doc_id, options.batch, source, primary)
    write_record(store, index, record)
    return record


def _finish(summary: Summary, reporter: Reporter, record: dict, pages: int) -> None:
    summary.count(record)
    reporter.advance(record, pages)


def _note_failure(summary: Summary, processed: Processed, record: dict) -> None:
    if processed.error is None:
        return
    summary.failures.append((processed.task.source.name, processed.error["code"], processed.error["message"]))
    if processed.bad_input:
        summary.bad_input += 1
    else:
        summary.system_errors += 1


def _run(tasks: list[Task], jobs: int) -> Iterable[Processed]:
    """Results in completion order; one worker process per core (each OCRmyPDF run uses one thread)."""
    if not tasks:
        return
    if jobs <= 1 or len(tasks) == 1:
        _init_worker()
        for task in tasks:
            yield process(task)
        return
    # forkserver: workers must not inherit the parent's SQLite connection or the progress bar's thread.
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)), mp_context=ctx, initializer=_init_worker, max_tasks_per_child=50
    ) as pool:
        pending: set[Future] = {pool.submit(process, t) for t in tasks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
