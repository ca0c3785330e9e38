"""Alembic's environment for the index: always handed a connection by ``storage.migrate`` (which holds the
cross-process lock around it), never a URL; there is no alembic.ini."""

from __future__ import annotations

from alembic import context

from storage.migrations.metadata import include_name, target_metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `sohoa db upgrade` (storage.migrate), not the alembic command")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    include_name=include_name,
    compare_type=True,
    # SQLite cannot ALTER most things: autogenerate writes its changes as batch (copy-and-move) operations.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
