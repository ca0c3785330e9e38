"""Queue commands: ``sohoa worker``, ``sohoa status``, ``sohoa jobs failed|retry`` (SOHOA_REDIS_URL)."""

from __future__ import annotations

import json
import logging
import sys

import click
from rich.console import Console
from rich.table import Table

from workers.context import Context

err = Console(stderr=True)
out = Console()


def queues_or_exit(obj: Context):
    from workers.queue import QueueError, open_queues

    try:
        return open_queues(obj.settings)
    except QueueError as exc:
        raise click.UsageError(exc.message) from None


def ingest_queued(obj: Context, paths, options, *, wait: bool) -> int:
    """``sohoa ingest --queue [--wait]``: returns the exit code."""
    from workers.enqueue import enqueue_paths

    queues = queues_or_exit(obj)
    submitted = enqueue_paths(paths, options, obj, queues)
    err.print(
        f"batch {options.batch}: {submitted.files} file(s); {submitted.enqueued} queued "
        f"({submitted.pages} pages), {submitted.already_queued} already in the queue, "
        f"{submitted.twins + submitted.duplicates} duplicate(s), {submitted.unchanged} already done"
    )
    if not wait:
        err.print(f"follow it with: sohoa status --batch {options.batch}")
        return 0
    from workers.follow import follow
    from workers.status import exit_code

    progress = follow(obj, queues, options.batch, err)
    table = Table(title=f"sohoa: batch {options.batch}", header_style="bold")
    table.add_column("status")
    table.add_column("documents", justify="right")
    table.add_column("pages", justify="right")
    for name in ("done", "review", "duplicate", "failed"):
        table.add_row(f"documents {name}", str(progress.documents.get(name, 0)), str(progress.pages.get(name, 0)))
    err.print(table)
    failed = list(obj.index.records(obj.index.doc_ids(batch=options.batch, status="failed")))
    if failed:
        rejected = Table(title="rejected or failed (originals kept)", header_style="bold red")
        for column in ("file", "code", "message"):
            rejected.add_column(column)
        for record in failed:
            error = record.get("error") or {}
            rejected.add_row(record["source"]["name"], error.get("code", ""), error.get("message", ""))
        err.print(rejected)
    return exit_code(obj, options.batch)


@click.command()
@click.option("--burst", is_flag=True, help="Exit when no work is left (nothing queued, running or scheduled).")
@click.option(
    "--processes",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Worker processes in this command; one per core is the right scale.",
)
@click.pass_obj
def worker(obj: Context, burst: bool, processes: int) -> None:
    """Run rq workers for the pipeline's queues."""
    from workers.worker import run_workers

    queues_or_exit(obj)
    root = logging.getLogger()
    if root.getEffectiveLevel() > logging.INFO:
        # A worker's log is its operator's view: jobs taken, finished, retried (ids only, no names).
        for name in ("rq", "workers"):
            logging.getLogger(name).setLevel(logging.INFO)
    sys.exit(run_workers(obj.settings, processes=processes, burst=burst))


@click.command()
@click.option("--batch", required=True, help="The batch to report on.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.pass_obj
def status(obj: Context, batch: str, as_json: bool) -> None:
    """Progress of a batch across all workers: documents and pages by status, and the queue."""
    from workers.status import STATUSES, batch_status

    queues = None
    if obj.settings.redis_url:
        from workers.queue import open_queues

        queues = open_queues(obj.settings)
    data = batch_status(obj, batch, queues)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title=f"sohoa: batch {batch}", header_style="bold")
    table.add_column("status")
    table.add_column("documents", justify="right")
    table.add_column("pages", justify="right")
    for name in STATUSES:
        table.add_row(name, str(data[name]), str(data["pages"][name]))
    table.add_row("total", str(data["total"]), str(data["pages"]["total"]), style="bold")
    out.print(table)
    if data["queue"] is not None:
        q = data["queue"]
        out.print(
            f"queue (all batches): {q['queued']} queued, {q['started']} running, {q['deferred']} waiting to be "
            f"joined, {q['scheduled']} waiting to retry, {q['failed']} failed; {q['workers']} worker(s)"
        )
    elif obj.settings.redis_url:
        out.print("queue: Redis unreachable")


@click.group()
def jobs() -> None:
    """The failed-job registry: list it, and queue its documents again."""


@jobs.command("failed")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per job on stdout.")
@click.pass_obj
def jobs_failed(obj: Context, as_json: bool) -> None:
    """Jobs that failed for good (after their retries): job id, document, error code, message."""
    from workers.retry import failed_jobs

    rows = failed_jobs(queues_or_exit(obj))
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"failed jobs: {len(rows)}", header_style="bold red")
    for column in ("job id", "document", "batch", "code", "message"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["job_id"], row["doc_id"], row["batch"], row["code"], row["message"])
    out.print(table)


@jobs.command("retry")
@click.argument("job_id", required=False)
@click.option("--all", "retry_all", is_flag=True, help="Every job in the failed-job registry.")
@click.pass_obj
def jobs_retry(obj: Context, job_id: str | None, retry_all: bool) -> None:
    """Queue again the document of a failed job (all of it: a failed page range redoes the document)."""
    from workers.retry import UnknownJob, retry_failed

    if bool(job_id) == retry_all:
        raise click.UsageError("give a JOB_ID or --all")
    try:
        retried = retry_failed(obj, queues_or_exit(obj), None if retry_all else job_id)
    except UnknownJob as exc:
        raise click.ClickException(exc.message) from None
    err.print(f"queued again: {len(retried)} document(s)")
    for doc_id in retried:
        click.echo(doc_id)


COMMANDS = [worker, status, jobs]
