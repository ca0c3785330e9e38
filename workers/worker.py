"""``sohoa worker``: rq workers for the pipeline's queues, one process per core.

Each worker forks a work horse per job (rq's ``Worker``), so a job that crashes or leaks takes only its horse
with it; the worker notices and the job is retried. What rq does when a whole worker dies (read in rq 3.0's
``registry.py``/``worker/base.py``): a busy worker refreshes its job's entry in the StartedJobRegistry every
``heartbeat`` seconds, each time to expire ``heartbeat + grace`` seconds later; a worker's periodic
maintenance (every ``maintenance_interval`` s, one worker at a time under a lock) treats expired entries of
jobs still STARTED as abandoned: the failure callback runs (``AbandonedJobError``), then the job is retried
if it has retries left (``job.retry``: scheduled after the next backoff interval) or moved to the
FailedJobRegistry. rq hard-codes the grace as 60 s; ``SohoaWorker`` makes it a setting.

A worker that loses Redis while idle reconnects with backoff (rq); one that loses it while busy leaves its
work loop when a heartbeat fails: this module starts a new worker in its place, and the horse it left finishes
its job (or the job is found abandoned and done again, which the job's idempotency makes harmless).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time

from rq import Worker
from rq.registry import DeferredJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from config.settings import Settings
from workers.queue import REDIS_ERRORS, JobQueues, open_queues

log = logging.getLogger(__name__)


class SohoaWorker(Worker):
    """rq's forking worker with the grace before a silent busy worker's job counts as abandoned configurable."""

    heartbeat_grace = 60
    stop_asked = False  # rq raises StopRequested on an idle worker without leaving a trace of it

    def request_stop(self, signum, frame):
        self.stop_asked = True
        super().request_stop(signum, frame)

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        if job.timeout and job.timeout > 0:
            remaining = job.timeout - working_time
            return int(min(remaining, self.job_monitoring_interval)) + self.heartbeat_grace
        return self.job_monitoring_interval + self.heartbeat_grace


def make_worker(queues: JobQueues) -> SohoaWorker:
    from workers.jobs import on_horse_killed

    settings = queues.settings
    worker = SohoaWorker(
        queues.all(),
        connection=queues.connection,
        serializer=JSONSerializer,
        job_monitoring_interval=settings.worker_heartbeat,
        maintenance_interval=settings.worker_maintenance_interval,
        work_horse_killed_handler=on_horse_killed,
    )
    worker.heartbeat_grace = settings.worker_grace
    return worker


def work_remaining(queues: JobQueues) -> bool:
    """Anything queued, running, waiting on other jobs or scheduled for a retry, on any worker."""
    for queue in queues.all():
        registries = (
            StartedJobRegistry(queue=queue),
            DeferredJobRegistry(queue=queue),
            ScheduledJobRegistry(queue=queue),
        )
        if queue.count or any(r.get_job_count(cleanup=False) for r in registries):
            return True
    return False


def warm_up() -> None:
    """Make here, once, what every job needs and takes seconds to make: rq forks a fresh work horse per job, and
    a horse inherits what its worker holds but keeps nothing it makes itself."""
    import workers.jobs  # noqa: F401
    from ocr.digit_model import classifier

    classifier()  # trained in about 1.5 s; each horse would train it again


def worker_loop(settings: Settings, *, burst: bool) -> None:
    """One worker process. ``burst``: until no work is left anywhere (retries scheduled for later and jobs
    other workers are running included: one of them may be abandoned and come back)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract's OpenMP threads would oversubscribe the cores
    warm_up()
    queues = open_queues(settings)
    stop = []
    delay = 1.0
    try:
        while not stop:
            worker = make_worker(queues)
            if _work(worker, queues, burst=burst, delay=delay) or stop:
                return
            try:
                if burst and not work_remaining(queues):
                    return
            except REDIS_ERRORS:
                pass
            # Between two rq workers a stop request is ours to note (rq's handlers belong to the one that ended).
            signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
            signal.signal(signal.SIGINT, lambda *_: stop.append(True))
            time.sleep(delay)
            delay = min(delay * 2, 30.0) if not burst else 1.0
    finally:
        # A scheduler process rq started and did not stop would keep this process from exiting (and run on).
        for child in multiprocessing.active_children():
            child.terminate()
            child.join(10)


def _work(worker: SohoaWorker, queues: JobQueues, *, burst: bool, delay: float) -> bool:
    """One rq worker's run; True when it ended on a stop request.

    In burst mode the due retries are moved to their queues here, between runs, instead of by rq's scheduler
    process, which a burst worker may start during maintenance and not stop.
    """
    level = logging.getLevelName(log.getEffectiveLevel())
    try:
        if burst:
            scheduler = RQScheduler(queues.all(), connection=queues.connection, serializer=JSONSerializer)
            if scheduler.acquire_locks():
                try:
                    scheduler.enqueue_scheduled_jobs()
                finally:
                    scheduler.release_locks()
        worker.work(burst=burst, with_scheduler=not burst, logging_level=level)
    except REDIS_ERRORS as exc:
        log.warning("worker lost Redis (%s); starting again in %.0f s", type(exc).__name__, delay)
    return worker.stop_asked or worker._stop_requested


def run_workers(settings: Settings, *, processes: int, burst: bool) -> int:
    """``processes`` worker processes; a dead one is replaced (unless ``burst``). SIGTERM/SIGINT stop them
    warmly: each finishes its current job first (a second signal to a worker kills its job, which is retried)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from workers.context import Context

    Context(settings).index.dispose()  # the index migrated (if it must be) once, before the workers start
    if processes <= 1:
        worker_loop(settings, burst=burst)
        return 0
    ctx = multiprocessing.get_context("fork")
    children: dict[int, multiprocessing.process.BaseProcess] = {}
    stopping = False

    def spawn() -> None:
        proc = ctx.Process(target=_child, args=(settings, burst), daemon=False)
        proc.start()
        children[proc.pid] = proc

    def stop(signum, _frame) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        log.info("stopping %d worker(s) after their current jobs", len(children))
        for proc in children.values():
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(processes):
        spawn()
    while children:
        for pid, proc in list(children.items()):
            proc.join(timeout=0.2)
            if proc.is_alive():
                continue
            del children[pid]
            if not stopping and not burst:
                log.warning("worker process %d ended (exit %s); starting another", pid, proc.exitcode)
                spawn()
        time.sleep(0.5)
    return 0


def _child(settings: Settings, burst: bool) -> None:
    # Its own process group: a Ctrl-C in the terminal reaches the supervisor only, which stops each worker once.
    os.setpgrp()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    worker_loop(settings, burst=burst)
