"""``sohoa docs correct`` and ``sohoa docs corrections``: staff corrections of field values, and their log."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC

import click
from rich.console import Console
from rich.table import Table

from extract.entered import InvalidValueError, UnknownFieldError
from storage import queries
from storage.corrections import correction_log
from workers.cli_docs import docs
from workers.context import Context

out = Console()
err = Console(stderr=True)


@docs.command("correct")
@click.argument("doc_id")
@click.argument("field")
@click.argument("value")
@click.option("--person", type=click.IntRange(0), help="Index of the person in the record (none: a document field).")
@click.option("--user", help="Who corrects (default: the login name).")
@click.option("--json", "as_json", is_flag=True, help="Print the updated document record.")
@click.pass_obj
def docs_correct(obj: Context, doc_id, field, value, person, user, as_json) -> None:
    """Set a field's value by hand; kept apart from the OCR result, audited, and kept through reprocessing."""
    from workers.correct import CorrectionError, correct

    try:
        record, notes = correct(obj, doc_id, field, value, person=person, user=user or getpass.getuser())
    except (InvalidValueError, UnknownFieldError) as exc:
        raise click.UsageError(f"{exc.code}: {exc.message}") from None
    except (CorrectionError, queries.DocumentNotFound) as exc:
        raise click.ClickException(exc.message) from None
    if as_json:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    fields = record["fields"] if person is None else record["persons"][person]["fields"]
    where = "" if person is None else f" person {person}"
    out.print(f"{doc_id}{where} {field} = {fields[field]['value']}; document is now {record['status']}",
              markup=False, highlight=False)
    for note in notes:
        err.print(f"note: {note}", markup=False)


@docs.command("corrections")
@click.argument("doc_id", required=False)
@click.option("--user", help="Only this user's corrections.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="From this date (UTC).")
@click.option("--json", "as_json", is_flag=True, help="One log entry per line.")
@click.pass_obj
def docs_corrections(obj: Context, doc_id, user, since, as_json) -> None:
    """The correction log (who changed which field from what to what, and when), oldest first."""
    since = since.replace(tzinfo=UTC) if since else None
    entries = correction_log(obj.index, doc_id=doc_id, user=user, since=since)
    if as_json:
        for entry in entries:
            sys.stdout.write(json.dumps(entry.as_json(), ensure_ascii=False) + "\n")
        return
    table = Table(header_style="bold")
    for col in ("at", "user", "doc_id", "person", "field", "old value", "new value"):
        table.add_column(col)
    for e in entries:
        person = "" if e.person_idx is None else str(e.person_idx)
        at = e.corrected_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(at, e.user, e.doc_id, person, e.field, e.old_value or "", e.new_value)
    out.print(table)


COMMANDS: list[click.Command] = []  # both commands live in the ``docs`` group
