"""``sohoa ingest --queue --wait``: a progress bar over the batch until every document is recorded.

It reads what ``sohoa status`` reads (the index and Redis), so it follows the work of every worker on every
machine, and rides out a Redis restart (it keeps polling). When the queues are idle but the ledger still
has pending documents, their jobs were lost (a Redis without persistence restarted): they are queued again.
"""

from __future__ import annotations

import logging
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from storage import intake
from workers.context import Context
from workers.enqueue import requeue_lost
from workers.queue import REDIS_ERRORS, JobQueues
from workers.status import queue_state

log = logging.getLogger(__name__)


def follow(ctx: Context, queues: JobQueues, batch: str, console: Console, *, poll: float = 1.0) -> intake.Progress:
    """Until the batch has nothing queued or processing; returns its final progress."""
    started = time.perf_counter()
    first = intake.progress(ctx.index, batch)
    pages_at_start = _recorded_pages(first)
    idle_polls = 0
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}", style="cyan"),
        TimeElapsedColumn(),
        console=console,
    )
    with bar:
        task = bar.add_task(f"batch {batch}", total=first.total, completed=first.finished, detail="")
        while True:
            progress = intake.progress(ctx.index, batch)
            rate = (_recorded_pages(progress) - pages_at_start) * 60.0 / max(time.perf_counter() - started, 1e-6)
            detail = f"{progress.documents.get('processing', 0)} processing · {rate:.1f} pages/min"
            try:
                state = queue_state(queues)
                detail += f" · {state.workers} worker(s)" if state.workers else " · no worker running"
                idle_polls = idle_polls + 1 if state.idle and progress.pending else 0
                if idle_polls >= 3:
                    requeue_lost(ctx, queues, batch)
                    idle_polls = 0
            except REDIS_ERRORS as exc:
                detail += " · Redis unreachable, waiting"
                log.debug("Redis unreachable: %s", type(exc).__name__)
            bar.update(task, total=progress.total, completed=progress.finished, detail=detail)
            if not progress.pending:
                return progress
            time.sleep(poll)


def _recorded_pages(progress: intake.Progress) -> int:
    return sum(n for status, n in progress.pages.items() if status not in intake.PENDING)
