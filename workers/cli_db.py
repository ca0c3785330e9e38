"""``sohoa db upgrade`` and ``sohoa db current``: the index's schema migrations, by hand.

Opening the index already upgrades it (unless ``SOHOA_DATABASE_AUTO_UPGRADE=false``); these commands let an
operator do it at a chosen moment and see where a database stands.
"""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console

from storage import migrate
from storage.db_errors import DatabaseError
from storage.engine import describe, make_engine
from workers.context import Context

out = Console()


@click.group()
def db() -> None:
    """The index database's schema (Alembic migrations)."""


def _engine(obj: Context):
    try:
        return make_engine(obj.settings.resolved_database_url)
    except DatabaseError as exc:
        raise click.ClickException(exc.message) from None


@db.command("upgrade")
@click.pass_obj
def db_upgrade(obj: Context) -> None:
    """Apply every migration the database lacks (safe while workers run: one process migrates, others wait)."""
    engine = _engine(obj)
    try:
        before = migrate.state(engine, retry_seconds=obj.settings.database_retry_seconds)
        after = migrate.upgrade_to_head(engine)
    except DatabaseError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()
    was = ", ".join(before.current) or ("pre-migration tables" if before.legacy else "empty")
    if before.current == after.current:
        out.print(f"{describe(engine)}: already at {after.head} (head)")
    else:
        out.print(f"{describe(engine)}: upgraded from {was} to {after.head} (head)")


@db.command("current")
@click.option("--json", "as_json", is_flag=True, help="An object with current, head, up_to_date.")
@click.option("--check", is_flag=True, help="Exit 1 when the database is not at head.")
@click.pass_obj
def db_current(obj: Context, as_json: bool, check: bool) -> None:
    """Show the database's revision and the newest one this sohoa knows."""
    engine = _engine(obj)
    try:
        found = migrate.state(engine, retry_seconds=obj.settings.database_retry_seconds)
    except DatabaseError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps({"database": describe(engine), "current": list(found.current), "head": found.head,
                                     "up_to_date": found.up_to_date, "legacy": found.legacy}) + "\n")
    elif found.up_to_date:
        out.print(f"{describe(engine)}: {found.head} (head)")
    else:
        now = ", ".join(found.current) or ("pre-migration tables, not stamped" if found.legacy else "empty")
        out.print(f"{describe(engine)}: {now}; head is {found.head}: run `sohoa db upgrade`")
    if check and not found.up_to_date:
        sys.exit(1)


COMMANDS = [db]
