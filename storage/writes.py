"""Group commit: the many small writes of a busy server (audit rows, dossiers, reuses) in shared transactions.

Every read through the API appends an audit row, and the answer waits until that row is durable. One
transaction per request means one fsync per request and, on SQLite, threads queueing on the database's
write lock (whose busy handler sleeps in steps of up to 100 ms). Here one writer thread per process takes
whatever jobs are waiting, runs them in one transaction and commits once; each caller gets its own result
(or exception) when that commit is done. A job checks first and writes last, so a job that refuses (raises
before writing) leaves nothing behind; if the database refuses a statement or the commit fails, the batch's
jobs are run again one by one, so a single bad job cannot fail (or silently undo) the others.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storage.index import Index

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 200


@dataclass
class _Job:
    fn: Callable[[Session], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class GroupWriter:
    def __init__(self, index: Index) -> None:
        self.index = index
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def run(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in the next batch; returns once the batch is committed."""
        self._ensure_thread()
        job = _Job(fn)
        self._jobs.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _ensure_thread(self) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="sohoa-writer", daemon=True)
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            batch = [self._jobs.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            try:
                self._run_batch(batch)
            except Exception:
                if len(batch) == 1:
                    batch[0].error = batch[0].error or _current_error()
                else:
                    log.warning("a batch of %d writes failed; running them one by one", len(batch))
                    for job in batch:
                        job.result, job.error = None, None
                        try:
                            self._run_batch([job])
                        except Exception as exc:
                            job.error = job.error or exc
            for job in batch:
                job.done.set()

    def _run_batch(self, batch: list[_Job]) -> None:
        with self.index.session() as s:
            for job in batch:
                try:
                    job.result = job.fn(s)
                except SQLAlchemyError:
                    # The database refused a statement: the shared transaction is lost for every job in it
                    # (PostgreSQL aborts it; the session rolls back after a failed flush, and its commit
                    # would then quietly write nothing). Failing the batch runs each job again on its own.
                    raise
                except Exception as exc:  # refused before writing (see the module's note): the others go on
                    job.error = exc
                    s.flush()  # objects a refusing job left pending: a database error here fails the batch


def _current_error() -> BaseException:
    import sys

    return sys.exc_info()[1] or RuntimeError("write failed")


_writers_lock = threading.Lock()


def writer_for(index: Index) -> GroupWriter:
    """The process's writer for this index (one writer thread per index and process)."""
    with _writers_lock:
        writer = index.__dict__.get("_group_writer")
        if writer is None:
            writer = index.__dict__["_group_writer"] = GroupWriter(index)
        return writer
