"""The ingest progress bar (documents, pages/s, ETA) and the closing summary table, drawn on stderr."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from workers.batch import Reporter, Summary


class _PagesPerSecond(ProgressColumn):
    def __init__(self, reporter: RichReporter) -> None:
        super().__init__()
        self.reporter = reporter

    def render(self, task) -> Text:
        elapsed = time.perf_counter() - self.reporter.started
        rate = self.reporter.pages / elapsed if elapsed > 0 else 0.0
        return Text(f"{self.reporter.pages} pages · {rate:.2f} pages/s", style="cyan")


class RichReporter(Reporter):
    def __init__(self, console: Console, label: str) -> None:
        self.console = console
        self.label = label
        self.pages = 0
        self.started = time.perf_counter()
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _PagesPerSecond(self),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task_id = None

    def start(self, total_documents: int) -> None:
        self.started = time.perf_counter()
        self.progress.start()
        self.task_id = self.progress.add_task(self.label, total=total_documents)

    def advance(self, record: dict, pages: int) -> None:
        self.pages += pages
        self.progress.advance(self.task_id)

    def finish(self) -> None:
        self.progress.stop()


def summary_table(summary: Summary, batch: str) -> Table:
    table = Table(title=f"sohoa: batch {batch}", show_header=True, header_style="bold")
    table.add_column("")
    table.add_column("value", justify="right")
    for status in ("done", "review", "duplicate", "failed"):
        table.add_row(f"documents {status}", str(summary.by_status.get(status, 0)))
    if summary.unchanged:
        table.add_row("already ingested (unchanged)", str(summary.unchanged))
    table.add_row("pages OCR'd", str(summary.pages))
    table.add_row("wall time", f"{summary.seconds:.1f} s")
    table.add_row("pages per minute", f"{summary.pages_per_minute:.1f}")
    if summary.worker_peak_rss_mb:
        table.add_row("peak worker RSS", f"{summary.worker_peak_rss_mb:.0f} MB")
    return table


def failures_table(summary: Summary) -> Table:
    table = Table(title="rejected or failed (originals kept)", header_style="bold red")
    table.add_column("file")
    table.add_column("code")
    table.add_column("message")
    for name, code, message in summary.failures:
        table.add_row(name, code, message)
    return table
