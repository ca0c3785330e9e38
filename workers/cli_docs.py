"""``sohoa docs``, ``sohoa search`` and ``sohoa reprocess``: reading what the pipeline stored."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storage import audit, queries
from workers.context import Context

out = Console()
err = Console(stderr=True)


def _json_line(record: dict) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


@click.group()
def docs() -> None:
    """List, show and export documents."""


@docs.command("list")
@click.option("--batch")
@click.option("--citizen-id")
@click.option("--doc-type")
@click.option("--status", type=click.Choice(["done", "review", "failed", "duplicate"]))
@click.option("--json", "as_json", is_flag=True, help="One document record per line.")
@click.option("--purpose", help="Why a citizen's documents are read (written to the access log).")
@click.pass_obj
def docs_list(obj: Context, batch, citizen_id, doc_type, status, as_json, purpose) -> None:
    records = queries.list_records(obj.index, batch=batch, citizen_id=citizen_id, doc_type=doc_type, status=status)
    if citizen_id:  # a citizen's list is a read of their data: audited
        audit.record(obj.index, audit.cli_access(purpose), "citizen_documents", "ok", citizen_id=citizen_id)
    if as_json:
        for record in records:
            _json_line(record)
        return
    table = Table(header_style="bold")
    for col in ("doc_id", "batch", "file", "status", "type", "pages", "conf."):
        table.add_column(col)
    for r in records:
        conf = (r.get("ocr") or {}).get("mean_confidence")
        status_text = r["status"] if not r.get("error") else f"{r['status']} ({r['error']['code']})"
        table.add_row(
            r["doc_id"],
            r["batch"],
            r["source"]["name"],
            status_text,
            r["doc_type"],
            str(r["source"].get("pages") or 0),
            f"{conf:.2f}" if conf is not None else "",
        )
    out.print(table)


@docs.command("show")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True)
@click.option("--purpose", help="Why the document is read (written to the access log).")
@click.pass_obj
def docs_show(obj: Context, doc_id, as_json, purpose) -> None:
    access = audit.cli_access(purpose)
    try:
        record = queries.get_record(obj.index, doc_id)
    except queries.DocumentNotFound as exc:
        audit.record(obj.index, access, "document", "not_found", doc_id=doc_id[:40])
        raise click.ClickException(exc.message) from None
    audit.record(obj.index, access, "document", "ok", doc_id=doc_id)
    if as_json:
        _json_line(record)
        return
    src = record["source"]
    out.print(f"[bold]{record['doc_id']}[/bold]  {record['status']}  {record['doc_type']}")
    out.print(f"file: {escape(src['name'])} ({src['media_type']}, {src['pages']} page(s)) sha256 {src['sha256']}")
    out.print(f"batch: {escape(record['batch'])}  processed: {record['processed_at']}  "
              f"pipeline {record['pipeline_version']}")
    if record.get("error"):
        out.print(f"[red]error {record['error']['code']}[/red]: {escape(record['error']['message'])}")
    if record.get("duplicate_of"):
        out.print(f"duplicate of {record['duplicate_of']}")
    for page in record.get("pages") or []:
        conf = page.get("mean_confidence")
        out.print(
            f"page {page['number']}: {page['width']}x{page['height']} px at {page['dpi']:.0f} dpi "
            f"({page['dpi_source']}), turned {page['rotation']}°, deskewed {page['skew_deg']}°, "
            f"{page['word_count']} words, confidence {conf if conf is not None else '-'}"
        )
    for warning in record.get("warnings") or []:
        out.print(f"warning: {warning}", markup=False, highlight=False, emoji=False, soft_wrap=True)
    if record.get("text"):
        out.rule("text")
        out.print(record["text"], markup=False, highlight=False, emoji=False)


@docs.command("pdf")
@click.argument("doc_id")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--purpose", help="Why the document is read (written to the access log).")
@click.pass_obj
def docs_pdf(obj: Context, doc_id, output, purpose) -> None:
    access = audit.cli_access(purpose)
    try:
        queries.export_pdf(obj.index, obj.store, doc_id, output)
    except queries.DocumentNotFound as exc:
        audit.record(obj.index, access, "document_pdf", "not_found", doc_id=doc_id[:40])
        raise click.ClickException(exc.message) from None
    audit.record(obj.index, access, "document_pdf", "ok", doc_id=doc_id)
    err.print(f"wrote {output}")


@click.command()
@click.argument("text")
@click.option("--batch")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="One document record per line, with a 'match' snippet.")
@click.pass_obj
def search(obj: Context, text, batch, limit, as_json) -> None:
    """Full-text search, accent-insensitive ("nguyen van an" finds "NGUYỄN VĂN AN")."""
    results = queries.search(obj.index, text, limit=limit, batch=batch)
    if as_json:
        for hit, record in results:
            _json_line({**record, "match": {"snippet": hit.snippet, "score": hit.score}})
        return
    if not results:
        err.print("no documents found")
        return
    table = Table(header_style="bold")
    for col in ("doc_id", "file", "type", "snippet"):
        table.add_column(col)
    for hit, record in results:
        table.add_row(hit.doc_id, record["source"]["name"], record["doc_type"], hit.snippet)
    out.print(table)


COMMANDS = [docs, search]
