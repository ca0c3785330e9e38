"""``sohoa report reuse``: the Decision 766 reuse figures (the same numbers as GET /v1/reports/reuse)."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from storage.reuse import GROUPS, reuse_report
from workers.context import Context

out = Console()


@click.group()
def report() -> None:
    """Reports."""


@report.command("reuse")
@click.option(
    "--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (YYYY-MM-DD)."
)
@click.option("--to", "end", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day, included.")
@click.option("--group-by", type=click.Choice(GROUPS))
@click.option("--json", "as_json", is_flag=True, help="One JSON object (the API's answer).")
@click.pass_obj
def reuse(obj: Context, start: datetime, end: datetime, group_by: str | None, as_json: bool) -> None:
    """Dossiers received in the period, those reusing at least one digitized document, the reuse rate."""
    if end < start:
        raise click.BadParameter("the period ends before it starts", param_hint="--to")
    figures = reuse_report(obj.index, start.date(), end.date(), group_by)
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    out.print(f"Dossiers received {figures['from']} to {figures['to']}: [bold]{figures['dossiers_received']}[/bold]")
    out.print(f"Dossiers reusing at least one digitized document: [bold]{figures['dossiers_reusing']}[/bold]")
    out.print(
        f"Reuse rate (Decision 766, indicator 4.3; full points from 80%): [bold]{figures['reuse_rate']:.1%}[/bold]"
    )
    out.print(f"Documents reused: {figures['documents_reused']}")
    if figures["top_document_types"]:
        out.print(
            "Most reused: "
            + ", ".join(f"{t['doc_type']} ({t['documents_reused']})" for t in figures["top_document_types"])
        )
    if figures["groups"]:
        table = Table(header_style="bold")
        for col in (group_by or "", "received", "reusing", "rate", "documents reused"):
            table.add_column(col)
        for g in figures["groups"]:
            table.add_row(
                g["key"],
                str(g["dossiers_received"]),
                str(g["dossiers_reusing"]),
                f"{g['reuse_rate']:.1%}",
                str(g["documents_reused"]),
            )
        out.print(table)


COMMANDS = [report]
