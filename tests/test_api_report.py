"""The reuse report on a constructed set of dossiers, registered and reused through the API: the figures
worked out by hand, and the same numbers from GET /v1/reports/reuse and `sohoa report reuse --json`."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.api_dataset import AN, LAN, PHONG, QUY, Api
from tests.api_support import sohoa_env
from tests.conftest import SOHOA


def run_cli(api, *args: str) -> subprocess.CompletedProcess:
    """The console script on the same index as the API (SQLite or PostgreSQL)."""
    env = sohoa_env(api.settings.home, SOHOA_DATABASE_URL=api.settings.resolved_database_url)
    return subprocess.run([SOHOA, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def api(tmp_path, database_url):  # on SQLite and on PostgreSQL
    api = Api(tmp_path, database_url=database_url)
    birth, marriage = api.docs["birth"]["doc_id"], api.docs["marriage"]["doc_id"]
    dossiers = [
        # code, procedure, received, citizens, reuses (doc, citizen)
        ("H29-260110-0001", "P1", "2026-01-10T08:00:00", [AN], [(birth, AN)]),
        ("H29-260120-0002", "P1", "2026-01-20T14:00:00+07:00", [QUY], [(birth, QUY), (marriage, QUY)]),
        # One document reused for both spouses: one document reused in this dossier.
        ("H29-260205-0003", "P2", "2026-02-05T09:00:00", [LAN, QUY], [(marriage, LAN), (marriage, QUY)]),
        ("H29-260210-0004", "P2", "2026-02-10T10:00:00", [PHONG], []),
        # 1 March in Vietnam although still 28 February in UTC: it counts in March.
        ("H29-260301-0005", "P1", "2026-02-28T17:30:00Z", [AN], []),
        ("H29-251231-0006", "P1", "2025-12-31T16:00:00", [AN], [(birth, AN)]),
    ]
    for code, procedure, received, citizens, reuses in dossiers:
        body = {"dossier_code": code, "procedure_code": procedure, "received_at": received, "citizen_ids": citizens}
        assert api.call("POST", "/v1/dossiers", "intake", json=body).status_code == 201
        for doc_id, citizen_id in reuses:
            for _ in range(2):  # retried by the intake system: counted once
                r = api.call(
                    "POST", f"/v1/dossiers/{code}/reuse", "intake", json={"doc_id": doc_id, "citizen_id": citizen_id}
                )
                assert r.status_code in (200, 201), r.text
    yield api
    api.client.close()


def _report(api, start, end, group_by=None):
    params = {"from": start, "to": end, **({"group_by": group_by} if group_by else {})}
    r = api.call("GET", "/v1/reports/reuse", "staff", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_figures_for_the_period(api):
    report = _report(api, "2026-01-01", "2026-02-28")
    assert report["dossiers_received"] == 4
    assert report["dossiers_reusing"] == 3
    assert report["reuse_rate"] == 0.75
    assert report["documents_reused"] == 4
    assert report["top_document_types"] == [
        {"doc_type": "birth_certificate", "documents_reused": 2},
        {"doc_type": "marriage_certificate", "documents_reused": 2},
    ]
    march = _report(api, "2026-03-01", "2026-03-31")
    assert (march["dossiers_received"], march["dossiers_reusing"], march["reuse_rate"]) == (1, 0, 0.0)
    empty = _report(api, "2024-01-01", "2024-12-31")
    assert (empty["dossiers_received"], empty["reuse_rate"], empty["top_document_types"]) == (0, 0.0, [])


def test_groups_by_month_and_procedure(api):
    months = _report(api, "2026-01-01", "2026-03-31", "month")["groups"]
    assert months == [
        {"key": "2026-01", "dossiers_received": 2, "dossiers_reusing": 2, "documents_reused": 3, "reuse_rate": 1.0},
        {"key": "2026-02", "dossiers_received": 2, "dossiers_reusing": 1, "documents_reused": 1, "reuse_rate": 0.5},
        {"key": "2026-03", "dossiers_received": 1, "dossiers_reusing": 0, "documents_reused": 0, "reuse_rate": 0.0},
    ]
    procedures = _report(api, "2026-01-01", "2026-02-28", "procedure")["groups"]
    assert [(g["key"], g["dossiers_received"], g["dossiers_reusing"], g["documents_reused"]) for g in procedures] == [
        ("P1", 2, 2, 3),
        ("P2", 2, 1, 1),
    ]


@pytest.mark.parametrize("group_by", [None, "month", "procedure"])
def test_cli_and_api_give_the_same_numbers(api, group_by):
    args = ["report", "reuse", "--from", "2025-12-01", "--to", "2026-03-31", "--json"]
    if group_by:
        args += ["--group-by", group_by]
    cli = json.loads(run_cli(api, *args).stdout)
    assert {"dossiers_received", "dossiers_reusing", "reuse_rate", "documents_reused"} <= set(cli)
    assert cli == _report(api, "2025-12-01", "2026-03-31", group_by)
    assert (cli["dossiers_received"], cli["dossiers_reusing"]) == (6, 4)
    human = run_cli(api, "report", "reuse", "--from", "2025-12-01", "--to", "2026-03-31")
    assert "66.7%" in human.stdout


def test_bad_periods_are_refused(api):
    r = api.call("GET", "/v1/reports/reuse", "staff", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_period"
    assert api.call("GET", "/v1/reports/reuse", "staff", params={"from": "2026-02-01"}).status_code == 422
    proc = run_cli(api, "report", "reuse", "--from", "2026-02-01", "--to", "2026-01-01")
    assert proc.returncode == 2
