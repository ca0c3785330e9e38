"""``sohoa registry import FILE.csv``: load the citizen registry persons are linked against."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from workers.context import Context

err = Console(stderr=True)
SHOWN_REJECTIONS = 10


@click.group()
def registry() -> None:
    """The citizen registry that persons on documents are linked to."""


@registry.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--batch-size", default=20_000, show_default=True, type=click.IntRange(100, 1_000_000), help="Rows per transaction."
)
@click.pass_obj
def registry_import(obj: Context, csv_file: Path, batch_size: int) -> None:
    """Upsert citizens from a CSV (citizen_id,full_name,date_of_birth,gender[,old_id_number,...]).

    Exit 0 when every row was taken, 3 when some rows were rejected (the rest imported), 2 when the
    file or its header cannot be read.
    """
    from storage.registry import RegistryHeaderError, import_csv

    total = csv_file.stat().st_size
    progress = Progress(
        TextColumn("[bold]registry import"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("import", total=total, rows=0)

    def report(done: int, rows: int) -> None:
        progress.update(task, completed=min(done, total), rows=rows)

    try:
        with progress:
            stats = import_csv(obj.index, csv_file, batch_size=batch_size, progress=report)
    except RegistryHeaderError as exc:
        err.print(f"[red]{csv_file}: {exc}[/red]")
        sys.exit(2)
    except (OSError, UnicodeError) as exc:
        err.print(f"[red]{csv_file}: cannot read: {exc}[/red]")
        sys.exit(2)

    table = Table(title="sohoa registry import", header_style="bold")
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_row("file", csv_file.name)
    table.add_row("rows read", f"{stats.rows_read:,}")
    table.add_row("inserted", f"{stats.inserted:,}")
    table.add_row("updated", f"{stats.updated:,}")
    table.add_row("unchanged", f"{stats.unchanged:,}")
    table.add_row("rejected", f"{stats.rejected:,}")
    table.add_row("wall time", f"{stats.seconds:.1f} s")
    table.add_row("rows per second", f"{stats.rows_per_second:,.0f}")
    err.print(table)
    if stats.rejected:
        bad = Table(title="rejected rows (not imported)", header_style="bold red")
        bad.add_column("line", justify="right")
        bad.add_column("reason")
        for r in stats.rejections[:SHOWN_REJECTIONS]:
            bad.add_row(str(r.line), r.reason)
        if stats.rejected > SHOWN_REJECTIONS:
            bad.add_row("…", f"{stats.rejected - SHOWN_REJECTIONS:,} more")
        err.print(bad)
        sys.exit(3)


COMMANDS = [registry]
