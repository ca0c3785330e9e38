"""``sohoa rescan``: the pages of a batch to scan again, with the reasons, for the scanner operator."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

from ocr.quality import CODES
from storage import rescan as rescan_store
from workers.context import Context

out = Console()
err = Console(stderr=True)


@click.command()
@click.option("--batch", required=True, help="The batch to check.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the list as CSV (UTF-8 with BOM, opens right in Excel).")
@click.option("--flag", "codes", multiple=True, type=click.Choice(CODES), help="Only these flags (repeatable).")
@click.option("--lang", type=click.Choice(["vi", "en"]), help="Language of the reasons (CSV: vi, screen: en).")
@click.option("--delimiter", type=click.Choice([",", ";"]), default=",", show_default=True,
              help="CSV separator (';' for Excel with Vietnamese regional settings).")
@click.option("--json", "as_json", is_flag=True, help="One object per page on stdout.")
@click.pass_obj
def rescan(obj: Context, batch, csv_path, codes, lang, delimiter, as_json) -> None:
    """List the pages to scan again (quality flags, refused files) of a batch."""
    items = rescan_store.to_rescan(obj.index, batch, codes=codes or None)
    if csv_path:
        with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
            rows = rescan_store.write_csv(items, f, lang=lang or "vi", delimiter=delimiter)
        err.print(f"wrote {rows} row(s) to {csv_path}")
    if as_json:
        for item in items:
            sys.stdout.write(json.dumps(item.as_json(lang or "en"), ensure_ascii=False) + "\n")
        return
    if csv_path:
        return
    if not items:
        err.print(f"batch {batch}: no page to scan again")
        return
    table = Table(header_style="bold")
    for col in ("file", "page", "flags", "reasons"):
        table.add_column(col)
    for item in items:
        page = "all" if item.page is None else str(item.page)
        table.add_row(item.file_name, page, ", ".join(item.codes), "; ".join(item.messages(lang or "en")))
    out.print(table)
    counts = rescan_store.flag_counts(obj.index, batch)
    if counts:
        err.print("pages per flag: " + ", ".join(f"{code} {n}" for code, n in sorted(counts.items())))


COMMANDS = [rescan]
