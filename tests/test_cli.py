"""The ``sohoa`` console script end to end on the embedded defaults: real Tesseract on degraded scans,
good and bad inputs in one batch, then listing, showing, exporting, searching and reprocessing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from storage.textfold import fold
from tests import badfiles
from tests.conftest import json_lines, pdftotext, run_sohoa
from tests.synth import cer_unordered, make_document


def save_scan(doc, path: Path) -> Path:
    first, *rest = doc.pages
    kwargs = {"dpi": (doc.dpi, doc.dpi)}
    if path.suffix == ".jpg":
        kwargs["quality"] = 80
    if rest:
        first.save(path, save_all=True, append_images=rest, compression="tiff_deflate", **kwargs)
    else:
        first.convert("RGB").save(path, **kwargs)
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    scans = root / "scans"
    (scans / "box-2").mkdir(parents=True)
    docs = {
        "birth.png": make_document(101, "birth_certificate", "mild"),
        "box-2/death.jpg": make_document(102, "death_certificate", "hard"),
        "household.tif": make_document(103, "household_registration", "mild"),
    }
    for name, doc in docs.items():
        save_scan(doc, scans / name)
    shutil.copyfile(scans / "birth.png", scans / "box-2" / "birth-copy.png")
    bad = badfiles.write_all(scans / "bad", scans / "birth.png")
    home = root / "home"
    proc = run_sohoa(home, "ingest", str(scans), "--batch", "t1", "--jobs", "2")
    return {"home": home, "scans": scans, "docs": docs, "bad": bad, "proc": proc, "root": root}


def records_by_name(home: Path) -> dict[str, dict]:
    proc = run_sohoa(home, "docs", "list", "--batch", "t1", "--json", check=True)
    return {r["source"]["name"]: r for r in json_lines(proc.stdout)}


def test_batch_with_bad_inputs_finishes_with_exit_code_3(batch):
    proc = batch["proc"]
    assert proc.returncode == 3, proc.stderr
    assert "pages per minute" in proc.stderr
    for name, code in batch["bad"].items():
        assert name in proc.stderr and code in proc.stderr


def test_every_input_has_exactly_one_record_and_its_original(batch):
    home, records = batch["home"], records_by_name(batch["home"])
    assert len(records) == 3 + 1 + len(batch["bad"])
    for name, code in batch["bad"].items():
        assert records[name]["status"] == "failed"
        assert records[name]["error"]["code"] == code
        assert records[name]["error"]["message"]
    for record in records.values():
        original = home / "objects" / record["objects"]["original"]
        assert original.is_file(), record["source"]["name"]
        import hashlib

        assert hashlib.sha256(original.read_bytes()).hexdigest() == record["source"]["sha256"]


def test_duplicate_points_to_the_first_document(batch):
    records = records_by_name(batch["home"])
    dup, first = records["birth-copy.png"], records["birth.png"]
    assert dup["status"] == "duplicate"
    assert dup["duplicate_of"] == first["doc_id"]
    assert dup["source"]["sha256"] == first["source"]["sha256"]


def test_done_documents_have_pdf_hocr_and_metadata_objects(batch):
    home, records = batch["home"], records_by_name(batch["home"])
    household = records["household.tif"]
    assert household["source"]["pages"] == 2
    for name in ("birth.png", "death.jpg", "household.tif"):
        r = records[name]
        assert r["status"] == "done" and r["schema"] == "sohoa.document/1"
        assert r["ocr"]["engine"].startswith("tesseract 5") and r["ocr"]["language"] == "vie"
        assert 0.5 < r["ocr"]["mean_confidence"] <= 1.0
        objects = home / "objects"
        assert (objects / r["objects"]["pdf"]).is_file()
        assert (objects / r["objects"]["metadata"]).is_file()
        for page in r["pages"]:
            hocr = objects / f"documents/{r['doc_id']}/ocr/page-{page['number']:04d}.hocr"
            assert "ocrx_word" in hocr.read_text(encoding="utf-8")


def test_show_json_is_the_stored_metadata(batch):
    import json

    home, records = batch["home"], records_by_name(batch["home"])
    doc_id = records["birth.png"]["doc_id"]
    shown = json_lines(run_sohoa(home, "docs", "show", doc_id, "--json", check=True).stdout)[0]
    stored = json.loads((home / "objects" / shown["objects"]["metadata"]).read_text(encoding="utf-8"))
    assert shown == stored
    human = run_sohoa(home, "docs", "show", doc_id, check=True).stdout
    assert doc_id in human and "birth.png" in human


def test_exported_pdf_is_searchable_pdfa_with_stamped_xmp(batch, tmp_path):
    home, records = batch["home"], records_by_name(batch["home"])
    record = records["birth.png"]
    out = tmp_path / "birth.pdf"
    run_sohoa(home, "docs", "pdf", record["doc_id"], "-o", str(out), check=True)
    with pikepdf.open(out) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert str(meta["dc:identifier"]) == record["doc_id"]
        assert str(meta["dc:source"]) == f"sha256:{record['source']['sha256']}"
    truth = "\n".join(batch["docs"]["birth.png"].truth["pages"][0]["lines"])
    assert cer_unordered(truth, pdftotext(out)) < 0.10


def test_search_is_accent_insensitive(batch):
    home, records = batch["home"], records_by_name(batch["home"])
    truth = batch["docs"]["birth.png"].truth
    name = next(p["fields"]["full_name"] for p in truth["persons"] if p["role"] == "subject")
    hits = json_lines(run_sohoa(home, "search", fold(name), "--json", check=True).stdout)
    assert records["birth.png"]["doc_id"] in [h["doc_id"] for h in hits]
    assert json_lines(run_sohoa(home, "search", "xyzzy qwerty", "--json", check=True).stdout) == []


def test_rerunning_the_batch_is_idempotent(batch):
    home = batch["home"]
    before = records_by_name(home)
    proc = run_sohoa(home, "ingest", str(batch["scans"]), "--batch", "t1")
    assert proc.returncode == 3  # the bad files are retried and rejected again
    after = records_by_name(home)
    assert set(after) == set(before)
    for name in ("birth.png", "death.jpg", "household.tif", "birth-copy.png"):
        assert after[name]["processed_at"] == before[name]["processed_at"]


def test_reprocess_from_extract_reuses_stored_ocr(batch):
    home, records = batch["home"], records_by_name(batch["home"])
    record = records["death.jpg"]
    proc = run_sohoa(home, "reprocess", "--doc", record["doc_id"], "--from", "extract", check=True)
    assert "pages OCR'd" in proc.stderr
    again = records_by_name(home)["death.jpg"]
    assert again["text"] == record["text"]  # the same OCR, not a new recognition
    assert again["pages"] == record["pages"]


def test_usage_errors_exit_2(batch):
    home = batch["home"]
    assert run_sohoa(home, "reprocess").returncode == 2
    assert run_sohoa(home, "ingest").returncode == 2
    assert run_sohoa(home, "docs", "show", "nosuchdoc").returncode == 1


def test_document_types_are_recognised(batch):
    records = records_by_name(batch["home"])
    for name, doc in batch["docs"].items():
        assert records[Path(name).name]["doc_type"] == doc.truth["doc_type"], name
