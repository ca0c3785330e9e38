"""The ``sohoa`` command line (the contract's commands; see ../shared/contract.md)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from rich.console import Console

from storage.db_errors import DatabaseError
from workers.context import Context, make_context

err = Console(stderr=True)


class _Sohoa(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatabaseError as exc:
            # An unreachable or mismatched index is the operator's to fix: a sentence (URL masked), no traceback.
            raise click.ClickException(f"{exc.message} [{exc.code}]") from None


@click.group(cls=_Sohoa, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """sohoa: số hóa hồ sơ hộ tịch — scans in, searchable PDF/A and linked document records out."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = make_context()


def default_batch_name(paths: tuple[str, ...]) -> str:
    """Stable across re-runs of the same folder, so re-ingesting it is idempotent."""
    first = Path(paths[0]).resolve()
    return (first if first.is_dir() else first.parent).name or "default"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--batch", "batch", help="Batch name (default: the folder's name).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default SOHOA_JOBS or the core count).")
@click.option("--dpi", type=click.FloatRange(50, 1200), help="Override the resolution of every page.")
@click.option("--redo-ocr", is_flag=True, help="OCR PDF pages even when they already carry text.")
@click.option("--repair-pdf", is_flag=True, help="Accept PDFs whose damaged cross-reference table qpdf rebuilds.")
@click.option("--lang", help="Tesseract languages (default SOHOA_OCR_LANG, 'vie').")
@click.option("--queue", "queued", is_flag=True, help="Store the originals and queue rq jobs (SOHOA_REDIS_URL).")
@click.option("--wait", is_flag=True, help="With --queue: follow the batch with a progress bar until it is done.")
@click.pass_obj
def ingest(obj: Context, paths, batch, jobs, dpi, redo_ocr, repair_pdf, lang, queued, wait) -> None:
    """Digitize files or folders (PNG, JPEG, TIFF, PDF): one file = one document."""
    from workers.batch import ingest_paths
    from workers.pipeline import Options
    from workers.progress import RichReporter, failures_table, summary_table

    settings = obj.settings
    batch = batch or default_batch_name(paths)
    options = Options.from_settings(
        settings, batch, language=lang, dpi=dpi, redo_ocr=redo_ocr, repair_pdf=repair_pdf
    )
    if wait and not queued:
        raise click.UsageError("--wait follows a queued batch: use it with --queue")
    if queued:
        from workers.cli_queue import ingest_queued

        sys.exit(ingest_queued(obj, paths, options, wait=wait))
    reporter = RichReporter(err, f"batch {batch}")
    summary = ingest_paths(
        paths,
        options,
        obj,
        jobs=jobs or settings.jobs,
        reporter=reporter,
    )
    err.print(summary_table(summary, batch))
    if summary.failures:
        err.print(failures_table(summary))
    sys.exit(summary.exit_code)


def register_subcommands() -> None:
    from workers import cli_db, cli_docs, cli_ops, cli_queue, cli_registry, cli_review

    modules = (cli_db, cli_docs, cli_ops, cli_registry, cli_review, cli_queue)
    for command in [c for module in modules for c in module.COMMANDS]:
        main.add_command(command)
    register_staff_commands()
    register_api_commands()


def register_staff_commands() -> None:
    """Issue 7's commands (rescan, watch, user, docs correct/corrections), kept apart for easy merging."""
    from workers import cli_corrections, cli_quality, cli_users, cli_watch

    for command in [*cli_corrections.COMMANDS, *cli_quality.COMMANDS, *cli_users.COMMANDS, *cli_watch.COMMANDS]:
        main.add_command(command)


def register_api_commands() -> None:
    """Issue 6's commands (serve, apikey, audit, report), kept apart for easy merging."""
    from workers import cli_apikey, cli_audit, cli_report, cli_serve

    for command in [*cli_serve.COMMANDS, *cli_apikey.COMMANDS, *cli_audit.COMMANDS, *cli_report.COMMANDS]:
        main.add_command(command)


register_subcommands()
