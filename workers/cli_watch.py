"""``sohoa watch DIR``: digitize scans as a scanner drops them into a folder, until stopped."""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
from multiprocessing import forkserver
from pathlib import Path

import click
from rich.console import Console

from workers.context import Context

err = Console(stderr=True)


def _signals(stop: threading.Event) -> None:
    """SIGINT/SIGTERM stop the watch after the files in hand; a second one leaves at once.

    Ctrl-C in a terminal reaches the whole process group, pool workers and their Tesseract included. They
    must not die mid-page, so the forkserver that starts them is launched while SIGINT is ignored: ignored
    signals stay ignored across fork and exec, and only this process reacts.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    multiprocessing.get_context("forkserver")
    forkserver.ensure_running()

    def handler(signum, _frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        err.print(f"{signal.Signals(signum).name}: stopping after the files in hand (again to leave now)")
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--batch-per-day", is_flag=True, help="Name the batch by the day a file is taken (watch-YYYY-MM-DD).")
@click.option("--batch", help="A fixed batch name (default: the folder's name).")
@click.option("--settle", "settle", type=click.FloatRange(0), help="Seconds a file must stay unchanged "
              "before it is taken (default SOHOA_WATCH_SETTLE_SECONDS, 5).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default SOHOA_JOBS or the core count).")
@click.pass_obj
def watch(obj: Context, folder: Path, batch_per_day, batch, settle, jobs) -> None:
    """Take scans from a scanner's output folder as they arrive; finished files move to FOLDER/.done or
    FOLDER/.failed (with a .reason.txt), nothing is deleted. Stop with Ctrl-C or SIGTERM."""
    from workers.pipeline import Options
    from workers.watch import Watcher, WatchOptions, make_feeder

    if batch and batch_per_day:
        raise click.UsageError("give --batch or --batch-per-day, not both")
    settings = obj.settings
    options = Options.from_settings(settings)
    watch_options = WatchOptions(
        settle_seconds=settings.watch_settle_seconds if settle is None else settle,
        poll_seconds=settings.watch_poll_seconds,
        batch=batch,
        batch_per_day=batch_per_day,
    )
    stop = threading.Event()
    _signals(stop)
    feeder = make_feeder(obj, options, jobs or settings.jobs)
    watcher = Watcher(folder, feeder, watch_options, report=lambda line: err.print(line, markup=False,
                                                                                     highlight=False))
    try:
        watcher.run(stop)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


COMMANDS = [watch]
