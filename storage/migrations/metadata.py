"""What the migrations manage: every table declared on ``storage.schema.Base``.

A module that declares tables must be imported here, or autogenerate and the drift test cannot see them.
The full-text search structures are raw SQL per dialect (an FTS5 virtual table on SQLite, a tsvector table on
PostgreSQL) created by the migrations themselves; they are left out of the comparison with the models.
"""

from __future__ import annotations

# Table modules: add new ones to this list.
from storage import (  # noqa: F401
    access_schema,
    intake,
    quality_schema,
    registry_schema,
    schema,
    staff_schema,
    web_schema,
)
from storage.fts import is_search_table

target_metadata = schema.Base.metadata


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    if type_ == "table" and name is not None:
        return not is_search_table(name)
    return True
