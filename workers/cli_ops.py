"""Operator commands: ``sohoa reprocess``."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from workers.context import Context

err = Console(stderr=True)


@click.command()
@click.option("--doc", "doc_ids", multiple=True, help="A document id (repeatable).")
@click.option("--batch", help="Every document of a batch.")
@click.option("--all", "all_docs", is_flag=True, help="Every document.")
@click.option(
    "--from",
    "stage",
    type=click.Choice(["ocr", "extract", "match"]),
    default="ocr",
    show_default=True,
    help="ocr: from the stored original; extract/match: reuse the stored OCR.",
)
@click.option("--jobs", type=click.IntRange(1, 64))
@click.pass_obj
def reprocess(obj: Context, doc_ids, batch, all_docs, stage, jobs) -> None:
    """Re-run documents from a stage (new pipeline version, changed templates, a failed OCR)."""
    from workers.pipeline import Options
    from workers.progress import RichReporter, failures_table, summary_table
    from workers.reprocess import reprocess as run

    if sum(bool(x) for x in (doc_ids, batch, all_docs)) != 1:
        raise click.UsageError("give exactly one of --doc, --batch or --all")
    index, settings = obj.index, obj.settings
    ids = list(doc_ids) if doc_ids else index.doc_ids(batch=batch)
    missing = [d for d in doc_ids if index.status_of(d) is None]
    if missing:
        raise click.ClickException(f"no document {missing[0]!r}")
    options = Options.from_settings(settings)
    summary = run(
        ids,
        stage,
        obj,
        base_options=options,
        jobs=jobs or settings.jobs,
        reporter=RichReporter(err, f"reprocess from {stage}"),
    )
    err.print(summary_table(summary, batch or "(selected documents)"))
    if summary.failures:
        err.print(failures_table(summary))
    sys.exit(summary.exit_code)


COMMANDS = [reprocess]
