"""For developers: write the next migration by comparing the models with a database at the current head.

    .venv/bin/python -m storage.migrations new "add api keys"        # autogenerate, then review the file
    .venv/bin/python -m storage.migrations new "backfill x" --empty  # an empty revision to write by hand

The comparison runs against a scratch SQLite database migrated to head; revisions are numbered 0001, 0002, ...
Read the generated file before committing it (see README.md here): autogenerate misses some changes and cannot
know about data moves.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from storage import migrate
from storage.engine import make_engine


def next_revision_id() -> str:
    numbers = [int(rev.revision) for rev in migrate.scripts().walk_revisions() if rev.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def new_revision(message: str, *, autogenerate: bool = True) -> Path:
    with tempfile.TemporaryDirectory(prefix="sohoa-migration-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/head.sqlite3")
        try:
            if migrate.scripts().get_current_head() is not None:
                migrate.upgrade_to_head(engine)
            with engine.begin() as conn:
                script = command.revision(
                    migrate.alembic_config(conn), message=message, autogenerate=autogenerate, rev_id=next_revision_id()
                )
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m storage.migrations", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new", help="write the next revision")
    new.add_argument("message")
    new.add_argument("--empty", action="store_true", help="no autogenerate: an empty revision")
    args = parser.parse_args()
    path = new_revision(args.message, autogenerate=not args.empty)
    print(f"wrote {path}; review it, then run the tests (tests/test_migrations.py checks for drift)")


if __name__ == "__main__":
    main()
