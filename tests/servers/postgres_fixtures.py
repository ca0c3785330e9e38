"""pytest fixtures for the index database (imported by tests/conftest.py): the PostgreSQL test cluster,
``database_url``, which runs a test once on SQLite and once on PostgreSQL, and ``index``, an open index on it.

One cluster per pytest process, started the first time a test asks for it (about 0.5-1.5 s, initdb included):
with ``-n 2`` each xdist worker has its own, on its own port. Each test gets a new database. Tests that stop or
restart the server start a ``PostgresServer`` of their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from storage.index import Index
from tests.servers.postgres import PostgresServer

_databases = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    # Missing PostgreSQL programs fail the test (PostgresNotInstalled says what to install); they never skip it.
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """``SOHOA_DATABASE_URL`` of a new, empty database in the worker's cluster."""
    return pg_server.create_database(f"t{next(_databases)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """The index's URL on each engine in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'index.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def index(database_url: str) -> Iterator[Index]:
    """An open index on ``database_url`` (each engine in turn), closed after the test."""
    ix = Index(database_url)
    yield ix
    ix.dispose()
