"""Typed errors of the index's database (the connection and its schema), with stable codes."""

from __future__ import annotations

from storage.objects import StorageError


class DatabaseError(StorageError):
    code = "database_error"


class DatabaseUnavailable(DatabaseError):
    """The database server cannot be reached (down, restarting, refusing us); retrying later may help."""

    code = "database_unavailable"


class SchemaOutOfDate(DatabaseError):
    """The database lacks migrations this sohoa needs and automatic upgrade is off: run `sohoa db upgrade`."""

    code = "database_schema_out_of_date"


class SchemaTooNew(DatabaseError):
    """The database was migrated by a newer sohoa than this one: upgrade sohoa on this machine."""

    code = "database_schema_too_new"
