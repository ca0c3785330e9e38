"""`sohoa serve` as a real process (two workers) on a free 127.0.0.1 port, over documents the real pipeline
made from synthetic scans (Tesseract, extraction, registry matching): the intake flow a new user tries,
audit rows from the API and the CLI, metrics summed across workers, the shared rate limit, masked logs."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from tests.api_support import Server, create_key
from tests.conftest import json_lines, pdftotext, run_sohoa
from tests.synth import make_document, make_registry, write_registry
from tests.web_support import namesake

DOSSIER = "000.00.15.H29-261125-0042"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    home, scans = root / "home", root / "scans"
    scans.mkdir()
    registry = make_registry(7, 300)
    by_id = {c.citizen_id: c for c in registry}
    duplicates = []
    for seed, doc_type in [(11, "birth_certificate"), (12, "death_certificate"), (13, "marriage_certificate")]:
        doc = make_document(seed, doc_type, "clean", registry=registry)
        doc.pages[0].convert("RGB").save(scans / f"{doc_type}.png", dpi=(doc.dpi, doc.dpi))
        if doc_type == "marriage_certificate":
            # The wife registered twice (same name, birth date and address, another ID): her link waits for review.
            wife = next(p for p in doc.truth["persons"] if p["role"] == "wife")
            duplicates.append(namesake(by_id[wife["true_citizen_id"]], random.Random(13)))
    write_registry(registry + duplicates, root / "registry.csv")
    run_sohoa(home, "registry", "import", str(root / "registry.csv"), check=True)
    run_sohoa(home, "ingest", str(scans), "--batch", "kho-a", "--jobs", "2", check=True)
    records = {r["doc_type"]: r for r in json_lines(run_sohoa(home, "docs", "list", "--json", check=True).stdout)}
    keys = {
        "intake": create_key(home, "cong-dvc", "intake"),
        "staff": create_key(home, "van-thu", "staff"),
        "admin": create_key(home, "quan-tri", "admin", "staff", "sensitive"),
        "slow": create_key(home, "cham", "staff", rate_limit=0.2),
    }
    with Server(home, workers=2, SOHOA_API_RATE_BURST="3") as server:
        yield {"home": home, "records": records, "keys": keys, "server": server, "root": root}


def _get(archive, path, key=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if key:
        headers["Authorization"] = f"Bearer {archive['keys'][key]}"
    return httpx.get(archive["server"].url + path, headers=headers, timeout=30, **kwargs)


def _post(archive, path, key, body):
    headers = {"Authorization": f"Bearer {archive['keys'][key]}", "X-User-Id": "nguyen.thi.b"}
    return httpx.post(archive["server"].url + path, json=body, headers=headers, timeout=30)


def _matched(record, role):
    return next(p for p in record["persons"] if p["role"] == role and p["match"]["status"] == "matched")


def test_an_intake_system_finds_takes_and_reuses_a_document(archive, tmp_path):
    birth = archive["records"]["birth_certificate"]
    subject = _matched(birth, "subject")
    citizen = subject["match"]["citizen_id"]
    purpose = {"X-Purpose": DOSSIER, "X-User-Id": "nguyen.thi.b"}

    listed = _get(archive, f"/v1/citizens/{citizen}/documents?fields=persons", "intake", headers=purpose)
    assert listed.status_code == 200, listed.text
    docs = listed.json()["documents"]
    assert [d["doc_id"] for d in docs] == [birth["doc_id"]]
    assert docs[0]["role"] == "subject" and docs[0]["link"] == "confirmed"
    assert docs[0]["key_fields"] and docs[0]["links"]["pdf"] == f"/v1/documents/{birth['doc_id']}/pdf"
    assert subject["fields"].get("ethnicity")  # read from the page, and held back from this key
    assert all("ethnicity" not in p["fields"] for p in docs[0]["persons"])

    pdf = _get(archive, docs[0]["links"]["pdf"], "intake", headers=purpose)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "taken.pdf").write_bytes(pdf.content)
    surname = subject["fields"]["full_name"]["value"].split()[0]
    assert surname in pdftotext(tmp_path / "taken.pdf").upper()  # the searchable text layer

    body = {
        "dossier_code": DOSSIER,
        "procedure_code": "1.001193",
        "received_at": "2026-11-25T08:15:00",
        "citizen_ids": [citizen],
    }
    registered = _post(archive, "/v1/dossiers", "intake", body)
    assert registered.status_code == 201, registered.text
    assert [d["doc_id"] for d in registered.json()["citizens"][0]["documents"]] == [birth["doc_id"]]
    reuse = {"doc_id": birth["doc_id"], "citizen_id": citizen}
    assert _post(archive, f"/v1/dossiers/{DOSSIER}/reuse", "intake", reuse).status_code == 201
    assert _post(archive, f"/v1/dossiers/{DOSSIER}/reuse", "intake", reuse).status_code == 200

    api_report = _get(archive, "/v1/reports/reuse?from=2026-11-01&to=2026-11-30", "staff").json()
    cli_report = json.loads(
        run_sohoa(
            archive["home"], "report", "reuse", "--from", "2026-11-01", "--to", "2026-11-30", "--json", check=True
        ).stdout
    )
    assert api_report == cli_report
    assert (cli_report["dossiers_received"], cli_report["dossiers_reusing"], cli_report["reuse_rate"]) == (1, 1, 1.0)
    assert cli_report["documents_reused"] == 1

    log = _get(archive, f"/v1/citizens/{citizen}/access-log", "admin").json()["entries"]
    assert [e["action"] for e in log[:3]] == ["reuse", "reuse", "dossier"]  # newest first
    actions = {(e["action"], e["actor"], e["purpose"], e["outcome"]) for e in log}
    assert ("citizen_documents", "cong-dvc", DOSSIER, "ok") in actions
    assert ("dossier", "cong-dvc", DOSSIER, "ok") in actions
    assert ("reuse", "cong-dvc", DOSSIER, "ok") in actions


def test_review_candidates_stay_with_staff(archive):
    waiting = [(r, p) for r in archive["records"].values() for p in r["persons"] if p["match"]["status"] == "review"]
    assert waiting, "the wife registered twice waits for review"
    record, person = waiting[0]
    purpose = {"X-Purpose": DOSSIER}
    for candidate in (c["citizen_id"] for c in person["match"]["candidates"]):
        intake = _get(archive, f"/v1/citizens/{candidate}/documents", "intake", headers=purpose).json()["documents"]
        assert record["doc_id"] not in {d["doc_id"] for d in intake}
        staff = _get(archive, f"/v1/citizens/{candidate}/documents?include=review", "staff").json()["documents"]
        marked = {d["doc_id"]: d["link"] for d in staff}
        assert marked[record["doc_id"]] == "review_candidate"


def test_cli_reads_are_audited_with_the_os_user(archive, tmp_path):
    home, death = archive["home"], archive["records"]["death_certificate"]
    citizen = _matched(death, "deceased")["match"]["citizen_id"]
    run_sohoa(home, "docs", "show", death["doc_id"], "--purpose", "xac-minh", check=True)
    run_sohoa(home, "docs", "pdf", death["doc_id"], "-o", str(tmp_path / "d.pdf"), check=True)
    run_sohoa(home, "docs", "list", "--citizen-id", citizen, "--json", check=True)
    assert run_sohoa(home, "docs", "show", "nosuchdocument").returncode == 1
    rows = json_lines(run_sohoa(home, "audit", "list", "--json", check=True).stdout)
    cli = [
        (r["channel"], r["action"], r["doc_id"], r["citizen_id"], r["outcome"]) for r in rows if r["channel"] == "cli"
    ]
    assert ("cli", "document", death["doc_id"], None, "ok") in cli
    assert ("cli", "document_pdf", death["doc_id"], None, "ok") in cli
    assert ("cli", "citizen_documents", None, citizen, "ok") in cli
    assert ("cli", "document", "nosuchdocument", None, "not_found") in cli
    shown = next(r for r in rows if r["action"] == "document" and r["purpose"] == "xac-minh")
    assert shown["actor"] and shown["actor"] == shown["user_id"]
    about = json_lines(run_sohoa(home, "audit", "list", "--citizen-id", citizen, "--json", check=True).stdout)
    assert about and all(r["citizen_id"] == citizen for r in about)
    assert "citizen_documents" in run_sohoa(home, "audit", "list", "--citizen-id", citizen, check=True).stdout
    assert run_sohoa(home, "audit", "list", "--citizen-id", "12345").returncode == 2


def test_metrics_add_up_across_workers(archive):
    before = _metric(archive, 'sohoa_http_requests_total{method="GET",route="/healthz",status="200"}')
    for _ in range(30):  # a new connection each time: both workers answer some
        assert httpx.get(archive["server"].url + "/healthz", timeout=10).status_code == 200
    assert _metric(archive, 'sohoa_http_requests_total{method="GET",route="/healthz",status="200"}') == before + 30
    text = _get(archive, "/metrics").text
    assert 'sohoa_documents{status="done"}' in text and "sohoa_pages_processed 3.0" in text


def _metric(archive, name: str) -> float:
    for line in _get(archive, "/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


def test_rate_limit_is_shared_by_the_workers(archive):
    codes = [_get(archive, "/v1/reports/reuse?from=2026-01-01&to=2026-01-02", "slow").status_code for _ in range(8)]
    assert codes.count(200) == 3 and codes[3:] == [429] * 5  # burst 3, then 0.2/s, whichever worker answers


def test_server_log_holds_no_id_number_or_name(archive):
    # Its own reads (the file's tests may run in other processes): a list and a document, with IDs in paths.
    for record in archive["records"].values():
        citizen = next(p["match"]["citizen_id"] for p in record["persons"] if p["match"]["citizen_id"])
        listed = _get(archive, f"/v1/citizens/{citizen}/documents", "staff")
        assert listed.status_code == 200 and listed.json()["documents"]
        assert _get(archive, f"/v1/documents/{record['doc_id']}", "staff").status_code == 200
    log = archive["server"].log()
    assert "GET /v1/citizens/{citizen_id}/documents 200" in log
    for record in archive["records"].values():
        for p in record["persons"]:
            for cid in [p["match"]["citizen_id"], *[c["citizen_id"] for c in p["match"]["candidates"]]]:
                if cid:
                    assert cid not in log
            assert p["fields"]["full_name"]["value"] not in log
