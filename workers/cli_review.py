"""``sohoa review``: settling the person links sohoa was unsure of."""

from __future__ import annotations

import getpass
import json
import sys

import click
from rich.console import Console
from rich.table import Table

from storage import queries
from workers.context import Context

out = Console()


@click.group()
def review() -> None:
    """List and settle person links waiting for review."""


@review.command("list")
@click.option("--batch")
@click.option("--json", "as_json", is_flag=True, help="One object per person waiting for review.")
@click.pass_obj
def review_list(obj: Context, batch, as_json) -> None:
    items = list(queries.review_items(obj.index, batch=batch))
    if as_json:
        for record, idx, person in items:
            row = {
                "doc_id": record["doc_id"],
                "person": idx,
                "role": person["role"],
                "fields": person["fields"],
                "match": person["match"],
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(header_style="bold")
    for col in ("doc_id", "person", "role", "name", "candidates (score)", "reasons"):
        table.add_column(col)
    for record, idx, person in items:
        name = (person["fields"].get("full_name") or {}).get("value", "")
        cands = ", ".join(f"{c['citizen_id']} ({c['score']:.2f})" for c in person["match"].get("candidates") or [])
        table.add_row(record["doc_id"], str(idx), person["role"], name, cands, "; ".join(person["match"]["reasons"]))
    out.print(table)


def _decide(obj: Context, doc_id: str, person: int, action: str, citizen_id: str | None, user: str | None) -> None:
    from workers.review import ReviewError, decide

    try:
        record = decide(obj.index, obj.store, doc_id, person, action, citizen_id, user or getpass.getuser())
    except (ReviewError, queries.DocumentNotFound) as exc:
        raise click.ClickException(exc.message) from None
    out.print(f"{doc_id} person {person}: {action}ed; document is now {record['status']}")


@review.command("accept")
@click.argument("doc_id")
@click.option("--person", required=True, type=int, help="Index of the person in the record (see review list).")
@click.option("--citizen-id", required=True)
@click.option("--user", help="Who decides (default: the login name).")
@click.pass_obj
def review_accept(obj: Context, doc_id, person, citizen_id, user) -> None:
    _decide(obj, doc_id, person, "accept", citizen_id, user)


@review.command("reject")
@click.argument("doc_id")
@click.option("--person", required=True, type=int)
@click.option("--user")
@click.pass_obj
def review_reject(obj: Context, doc_id, person, user) -> None:
    _decide(obj, doc_id, person, "reject", None, user)


COMMANDS = [review]
