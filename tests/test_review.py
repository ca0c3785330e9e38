"""Review from the CLI: decisions are stored with who and when, and survive reprocessing."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

from bench.accuracy import save_scan
from config.settings import Settings
from storage.reviews import Decision
from tests.conftest import json_lines, run_sohoa
from tests.synth import make_document, make_registry
from tests.synth.people import REGISTRY_HEADER
from workers.context import Context
from workers.pipeline import write_record
from workers.record import apply_decisions


def _person(name: str, status: str, candidates: list[tuple[str, float]]) -> dict:
    return {
        "role": "subject",
        "fields": {
            "full_name": {"value": name, "confidence": 0.9, "page": 1, "bbox": [10, 10, 200, 40]},
            "date_of_birth": {"value": "1985-03-05", "confidence": 0.9, "page": 1},
        },
        "match": {
            "status": status,
            "citizen_id": None,
            "score": 0.9,
            "reasons": ["2 candidates within 0.05"],
            "candidates": [{"citizen_id": c, "score": s} for c, s in candidates],
        },
    }


def _stored(home, doc_id: str) -> None:
    ctx = Context(Settings(home=home))
    record = {
        "schema": "sohoa.document/1",
        "doc_id": doc_id,
        "batch": "r1",
        "source": {"name": f"{doc_id}.png", "sha256": "c" * 64, "media_type": "image/png", "pages": 1},
        "status": "review",
        "error": None,
        "doc_type": "birth_certificate",
        "fields": {},
        "persons": [
            _person("NGUYỄN VĂN AN", "review", [("001085000001", 0.9), ("001085000002", 0.9)]),
            _person("TRẦN THỊ BÌNH", "review", [("001185000003", 0.88)]),
        ],
        "text": "",
        "ocr": {"engine": "tesseract 5.3.0", "language": "vie", "mean_confidence": 0.9},
        "objects": {"original": "originals/" + "c" * 64, "pdf": None, "metadata": f"documents/{doc_id}/metadata.json"},
        "pipeline_version": "0.1.0",
        "processed_at": "2026-11-25T10:00:00+00:00",
        "pages": [{"number": 1, "width": 1654, "height": 2339, "dpi": 200.0, "dpi_source": "file", "hocr": None}],
    }
    write_record(ctx.store, ctx.index, record)


def test_accept_and_reject_are_audited_and_survive_reprocessing(tmp_path):
    home = tmp_path / "home"
    _stored(home, "docreview1")
    listed = json_lines(run_sohoa(home, "review", "list", "--json", check=True).stdout)
    assert [(r["doc_id"], r["person"]) for r in listed] == [("docreview1", 0), ("docreview1", 1)]

    proc = run_sohoa(
        home,
        "review",
        "accept",
        "docreview1",
        "--person",
        "0",
        "--citizen-id",
        "001085000002",
        "--user",
        "can.bo.a",
        check=True,
    )
    assert "review" in proc.stdout  # one person still waits, so the document does too
    run_sohoa(home, "review", "reject", "docreview1", "--person", "1", "--user", "can.bo.b", check=True)

    record = json_lines(run_sohoa(home, "docs", "show", "docreview1", "--json", check=True).stdout)[0]
    assert record["status"] == "done"
    first, second = record["persons"]
    assert first["match"]["status"] == "matched" and first["match"]["citizen_id"] == "001085000002"
    assert first["match"]["decision"]["user"] == "can.bo.a"
    assert second["match"]["status"] == "unmatched" and second["match"]["decision"]["action"] == "reject"
    assert run_sohoa(home, "review", "list", "--json", check=True).stdout == ""

    # The registry is empty, so matching alone would unlink both; the human decisions win.
    run_sohoa(home, "reprocess", "--doc", "docreview1", "--from", "match", check=True)
    again = json_lines(run_sohoa(home, "docs", "show", "docreview1", "--json", check=True).stdout)[0]
    assert again["persons"][0]["match"]["citizen_id"] == "001085000002"
    assert again["persons"][1]["match"]["status"] == "unmatched"
    assert again["processed_at"] >= record["processed_at"]
    found = json_lines(run_sohoa(home, "docs", "list", "--citizen-id", "001085000002", "--json", check=True).stdout)
    assert [r["doc_id"] for r in found] == ["docreview1"]


def test_bad_review_commands_are_refused(tmp_path):
    home = tmp_path / "home"
    _stored(home, "docreview2")
    assert (
        run_sohoa(home, "review", "accept", "docreview2", "--person", "5", "--citizen-id", "001085000002").returncode
        == 1
    )
    assert run_sohoa(home, "review", "accept", "docreview2", "--person", "0", "--citizen-id", "12345").returncode == 1
    assert run_sohoa(home, "review", "accept", "nodoc", "--person", "0", "--citizen-id", "001085000002").returncode == 1
    assert run_sohoa(home, "review", "accept", "docreview2", "--person", "0").returncode == 2


def test_a_citizen_accepted_in_review_puts_right_what_ocr_misread_of_that_citizen(tmp_path):
    home = tmp_path / "home"
    _stored(home, "docreview3")
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "citizen_id,full_name,date_of_birth,gender,old_id_number,place_of_origin,permanent_address\n"
        "001185000003,TRẦN THỊ BÌNH,1985-03-08,female,,,\n", encoding="utf-8")
    run_sohoa(home, "registry", "import", str(registry), check=True)
    run_sohoa(home, "review", "accept", "docreview3", "--person", "1", "--citizen-id", "001185000003", check=True)

    # The page's 1985-03-05 is one digit off the registry's date of the citizen staff accepted: that citizen's.
    # ... and stays so after a re-match, by reprocessing or by a correction of another value.
    for step in ("accepted", "reprocessed", "corrected"):
        record = json_lines(run_sohoa(home, "docs", "show", "docreview3", "--json", check=True).stdout)[0]
        birth = record["persons"][1]["fields"]["date_of_birth"]
        assert (birth["value"], birth["confirmed"]["ocr_value"]) == ("1985-03-08", "1985-03-05"), step
        assert record["persons"][0]["fields"]["date_of_birth"]["value"] == "1985-03-05"  # not decided: as read
        if step == "accepted":
            run_sohoa(home, "reprocess", "--doc", "docreview3", "--from", "match", check=True)
        elif step == "reprocessed":
            run_sohoa(home, "docs", "correct", "docreview3", "gender", "male", "--person", "0", check=True)


def test_docs_show_prints_the_records_warnings(tmp_path):
    home = tmp_path / "home"
    ctx = Context(Settings(home=home))
    _stored(home, "docwarn1")
    record = ctx.index.get_record("docwarn1")
    warning = "correction of person 3 full_name by can.bo not applied: the document now has 2 person(s)"
    page = {**record["pages"][0], "rotation": 0, "skew_deg": 0.0, "word_count": 40, "mean_confidence": 0.9}
    write_record(ctx.store, ctx.index, {**record, "pages": [page], "warnings": [warning]})
    shown = run_sohoa(home, "docs", "show", "docwarn1", check=True).stdout
    assert f"warning: {warning}" in shown.replace("\n", " ")


def test_a_decision_on_a_person_the_document_no_longer_lists_is_reported_not_lost():
    when = datetime(2026, 12, 6, tzinfo=UTC)
    decisions = {0: Decision("d", 0, "accept", "001085000001", "can.bo.a", when),
                 2: Decision("d", 2, "reject", None, "can.bo.b", when)}
    two = {"doc_id": "d", "status": "review", "warnings": ["correction of person 4 full_name by x not applied: ..."],
           "persons": [_person("NGUYỄN VĂN AN", "review", []), _person("TRẦN THỊ BÌNH", "review", [])]}
    after = apply_decisions(two, decisions)
    assert after["persons"][0]["match"]["citizen_id"] == "001085000001"
    assert after["warnings"] == [two["warnings"][0], "review decision of person 2 (reject) by can.bo.b not applied: "
                                 "the document now has 2 person(s)"]
    # A later extraction that lists the person again applies the decision, and the warning goes.
    three = {**after, "persons": [*after["persons"], _person("TRẦN VĂN CƯỜNG", "review", [])]}
    again = apply_decisions(three, decisions)
    assert again["persons"][2]["match"]["status"] == "unmatched" and again["warnings"] == [two["warnings"][0]]
    assert apply_decisions(after, {})["warnings"] == [two["warnings"][0]]  # no decision left: no warning left


def test_a_scan_read_again_keeps_what_a_staff_accepted_link_confirmed(tmp_path):
    registry = make_registry(31, 400)
    doc = make_document(3103, "birth_certificate", "clean", registry=registry)
    subject = next(p for p in doc.truth["persons"] if p["role"] == "subject")
    printed = subject["fields"]["date_of_birth"]
    assert (subject["in_registry"], printed) == (True, "1974-06-21")
    # The registry has the ID printed under another given name, born 24/06/1974 (one digit off the page): the
    # matcher leaves the link to staff, who know the citizen changed name.
    rows = [c.csv_row() for c in registry]
    entry = next(r for r in rows if r["citizen_id"] == subject["true_citizen_id"])
    assert entry["full_name"] == "PHẠM ĐỨC HÙNG"
    entry.update(full_name="PHẠM ĐỨC THẮNG", date_of_birth="1974-06-24")
    csv_path = tmp_path / "registry.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    home, scans = tmp_path / "home", tmp_path / "scans"
    scans.mkdir()
    save_scan(doc, scans)
    run_sohoa(home, "registry", "import", str(csv_path), check=True)
    run_sohoa(home, "ingest", str(scans), "--batch", "b1", check=True)
    [record] = json_lines(run_sohoa(home, "docs", "list", "--json", check=True).stdout)
    idx = next(i for i, p in enumerate(record["persons"]) if p["role"] == "subject")
    assert record["persons"][idx]["match"]["status"] == "review", record["persons"][idx]["match"]
    assert record["persons"][idx]["fields"]["date_of_birth"]["value"] == printed
    run_sohoa(home, "review", "accept", record["doc_id"], "--person", str(idx), "--citizen-id",
              subject["true_citizen_id"], check=True)
    # Read again from the scan (the pipeline's own commit re-applies the decision): still confirmed.
    for step in ("accepted", "read again"):
        shown = json_lines(run_sohoa(home, "docs", "show", record["doc_id"], "--json", check=True).stdout)[0]
        birth = shown["persons"][idx]["fields"]["date_of_birth"]
        assert (birth["value"], birth["confirmed"]["ocr_value"]) == ("1974-06-24", printed), step
        if step == "accepted":
            run_sohoa(home, "reprocess", "--doc", record["doc_id"], "--from", "ocr", check=True)
