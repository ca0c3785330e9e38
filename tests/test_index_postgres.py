"""PostgreSQL under faults (a restart under a live index, a server down for a while, a restart in the middle of
a write) and end to end (`sohoa ingest` of a real scan into PostgreSQL); secrets stay out of messages."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from config.settings import Settings
from config.urls import mask_url
from storage import fts
from storage.db_errors import DatabaseError, DatabaseUnavailable
from storage.engine import make_engine, parse_url
from storage.index import Index
from storage.registry import import_csv
from storage.registry_lookup import SqlRegistryLookup
from storage.schema import Document, PageRow, PersonRow
from tests.conftest import json_lines, run_sohoa
from tests.servers.postgres import PostgresServer
from tests.synth import make_document
from tests.test_cli import save_scan
from tests.test_index import make_record, person
from tests.test_registry import _row, _write


@pytest.fixture
def own_pg():
    """A cluster of this test's own, since the test stops and restarts it."""
    with PostgresServer() as server:
        yield server


def counts(index: Index, doc_id: str) -> tuple[int, int, int, int]:
    with index.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Document).where(Document.doc_id == doc_id)),
            s.scalar(select(func.count()).select_from(PageRow).where(PageRow.doc_id == doc_id)),
            s.scalar(select(func.count()).select_from(PersonRow).where(PersonRow.doc_id == doc_id)),
            s.scalar(text("SELECT count(*) FROM documents_search WHERE doc_id = :d"), {"d": doc_id}),
        )


def test_a_restart_under_a_live_index_is_survived(own_pg, tmp_path):
    index = Index(own_pg.create_database("live"))
    index.save_record(make_record("d1", "NGUYỄN VĂN AN", persons=[person("NGUYỄN VĂN AN", "matched", "001085000001")]))
    import_csv(index, _write(tmp_path / "r.csv", [_row("001085000001", "NGUYỄN VĂN AN")]))
    lookup = SqlRegistryLookup(index)
    assert lookup.by_id("001085000001") is not None

    own_pg.restart()  # every pooled connection is now dead

    assert index.get_record("d1")["doc_id"] == "d1"
    assert [h.doc_id for h in index.search("nguyen van an")] == ["d1"]
    assert lookup.by_id("001085000001").full_name == "NGUYỄN VĂN AN"
    index.save_record(make_record("d2", "LÊ THỊ BÌNH", sha="b" * 64))
    assert index.doc_ids() == ["d1", "d2"]
    index.dispose()


def test_operations_wait_for_a_server_that_comes_back(own_pg):
    index = Index(own_pg.create_database("down"), retry_seconds=30)
    own_pg.stop()
    errors: list[BaseException] = []

    def save() -> None:
        try:
            index.save_record(make_record("d1", "NGUYỄN VĂN AN"))  # retried until the server is back
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=save)
    writer.start()
    time.sleep(1.5)
    assert writer.is_alive()  # still waiting for the server
    own_pg.start()  # from the main thread: the server stops with the thread that started it
    writer.join(60)
    assert not writer.is_alive() and errors == []
    assert counts(index, "d1") == (1, 1, 0, 1)
    index.dispose()


def test_a_server_that_stays_down_is_a_typed_error_without_the_password(own_pg):
    url = own_pg.create_database("gone")
    index = Index(url, retry_seconds=1)
    own_pg.stop()
    with pytest.raises(DatabaseUnavailable) as caught:
        index.get_record("d1")
    assert caught.value.code == "database_unavailable"
    assert own_pg.password not in str(caught.value) and "***" in str(caught.value)
    with pytest.raises(DatabaseUnavailable) as caught:
        Index(url, retry_seconds=0)
    assert own_pg.password not in str(caught.value)
    index.dispose()


def test_a_restart_in_the_middle_of_a_write_leaves_one_whole_record(own_pg, monkeypatch):
    index = Index(own_pg.create_database("mid"))
    real_replace, calls = fts.replace, []

    def replace_then_crash(session, doc_id, body):
        calls.append(doc_id)
        real_replace(session, doc_id, body)
        if len(calls) == 1:  # the document's rows are flushed, its transaction not committed: the server goes
            own_pg.restart()

    monkeypatch.setattr(fts, "replace", replace_then_crash)
    record = make_record("d1", "NGUYỄN VĂN AN", persons=[person("NGUYỄN VĂN AN", "matched", "001085000001"),
                                                         person("LÊ THỊ BÌNH", "review", None, role="mother")])
    index.save_record(record)
    assert len(calls) == 2  # the interrupted transaction was rolled back by the server and run again whole
    assert counts(index, "d1") == (1, 1, 2, 1)
    assert index.get_record("d1") == record
    assert [h.doc_id for h in index.search("nguyen van an")] == ["d1"]
    index.dispose()


def test_settings_and_urls_never_show_the_password():
    url = "postgresql+psycopg://sohoa:s3cr3t-pw@db.example:5432/sohoa"
    assert mask_url(url) == "postgresql+psycopg://sohoa:***@db.example:5432/sohoa"
    assert mask_url("s3://AKIA:topsecret@s3.local:9000/b?secure=false") == "s3://AKIA:***@s3.local:9000/b?secure=false"
    assert mask_url("sqlite:////var/sohoa/index.sqlite3") == "sqlite:////var/sohoa/index.sqlite3"
    settings = Settings(database_url=url)
    assert "s3cr3t-pw" not in repr(settings) and "s3cr3t-pw" not in str(settings)
    assert settings.resolved_database_url == url
    with pytest.raises(DatabaseError) as caught:
        make_engine("postgresql+psycopg://sohoa:s3cr3t-pw@db.example:notaport/sohoa")
    assert "s3cr3t-pw" not in str(caught.value) and caught.value.code == "database_error"
    with pytest.raises(DatabaseError, match="SQLite or PostgreSQL"):
        make_engine("mysql://sohoa:s3cr3t-pw@db.example/sohoa")
    # The driver sohoa ships is psycopg 3, whatever the URL names.
    for plain in ("postgres://u:p@h/db", "postgresql://u:p@h/db", "postgresql+psycopg2://u:p@h/db"):
        assert parse_url(plain).drivername == "postgresql+psycopg"


def test_cli_against_an_unreachable_server_says_so_without_the_password(tmp_path):
    url = "postgresql+psycopg://sohoa:s3cr3t-pw@127.0.0.1:9/sohoa"  # the discard port: nothing listens
    env = {"SOHOA_DATABASE_URL": url, "SOHOA_DATABASE_RETRY_SECONDS": "0"}
    for args in (("docs", "list"), ("db", "current"), ("-vv", "search", "x")):
        proc = run_sohoa(tmp_path / "home", *args, env=env)
        assert proc.returncode == 1, proc.stderr
        assert "s3cr3t-pw" not in proc.stderr + proc.stdout
        assert "unavailable" in proc.stderr and "Traceback" not in proc.stderr


def test_ingest_search_and_list_on_postgresql(tmp_path, pg_url):
    doc = make_document(104, "birth_certificate", "mild")
    scans = tmp_path / "scans"
    scans.mkdir()
    save_scan(doc, scans / "birth.png")
    home, env = tmp_path / "home", {"SOHOA_DATABASE_URL": pg_url}
    proc = run_sohoa(home, "ingest", str(scans), "--batch", "pg1", "--jobs", "1", env=env)
    assert proc.returncode == 0, proc.stderr
    assert not (home / "index.sqlite3").exists()  # the index is PostgreSQL's, not the embedded one

    [record] = json_lines(run_sohoa(home, "docs", "list", "--batch", "pg1", "--json", env=env, check=True).stdout)
    assert record["status"] == "done" and record["doc_type"] == "birth_certificate"
    subject = next(p["fields"]["full_name"] for p in doc.truth["persons"] if p["role"] == "subject")
    from storage.textfold import fold

    hits = json_lines(run_sohoa(home, "search", fold(subject), "--json", env=env, check=True).stdout)
    assert record["doc_id"] in [h["doc_id"] for h in hits]
    assert json_lines(run_sohoa(home, "search", "xyzzy qwerty", "--json", env=env, check=True).stdout) == []
    shown = json_lines(run_sohoa(home, "docs", "show", record["doc_id"], "--json", env=env, check=True).stdout)[0]
    assert shown == record


def test_missing_postgresql_binaries_fail_loudly(monkeypatch):
    from tests.servers import postgres

    monkeypatch.setattr(postgres.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    with pytest.raises(postgres.PostgresNotInstalled, match="apt-get install postgresql"):
        PostgresServer()
