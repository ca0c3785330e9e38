"""``sohoa audit list``: who read which document or citizen's list, when and why."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from storage import audit
from workers.context import Context

out = Console()


def citizen_id_option(ctx, param, value: str | None) -> str | None:
    if value is not None and not (len(value) == 12 and value.isdigit()):
        raise click.BadParameter("must be the 12-digit personal ID", ctx=ctx, param=param)
    return value


@click.group("audit")
def audit_group() -> None:
    """The access log (append-only)."""


@audit_group.command("list")
@click.option("--citizen-id", callback=citizen_id_option, help="Only rows about this citizen.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only rows from this day on (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1), help="At most this many rows (the newest).")
@click.option("--json", "as_json", is_flag=True, help="One row per line.")
@click.pass_obj
def audit_list(obj: Context, citizen_id: str | None, since: datetime | None, limit: int | None, as_json: bool) -> None:
    rows = list(
        audit.entries(
            obj.index, citizen_id=citizen_id, since=since.date() if since else None, limit=limit, newest_first=True
        )
    )[::-1]
    # Reading the access log is itself an access to the citizen's data.
    audit.record(obj.index, audit.cli_access(), "access_log", "ok", citizen_id=citizen_id)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row.as_json(), ensure_ascii=False) + "\n")
        return
    table = Table(header_style="bold")
    for col in ("time (UTC)", "via", "who", "official", "action", "document", "citizen", "purpose", "outcome"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            f"{r.at:%Y-%m-%d %H:%M:%S}",
            r.channel,
            r.actor,
            r.user_id or "",
            r.action,
            r.doc_id or "",
            r.citizen_id or "",
            r.purpose or "",
            r.outcome,
        )
    out.print(table)


COMMANDS = [audit_group]
