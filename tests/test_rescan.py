"""Quality flags through the whole pipeline (real Tesseract) and the "to rescan" list: CLI, CSV, queries."""

from __future__ import annotations

import csv
import io

import cv2
import pytest
from PIL import Image

from config.settings import Settings
from storage import rescan
from tests import quality_pages as qp
from tests.conftest import json_lines, run_sohoa
from workers.context import Context


def _save(image, path, dpi: float) -> None:
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if image.ndim == 3 else image
    Image.fromarray(rgb).save(path, dpi=(dpi, dpi))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("rescan")
    scans = root / "scans"
    scans.mkdir()
    image, dpi = qp.clean_page(11)
    _save(image, scans / "tốt.png", dpi)
    _save(qp.greyscale(qp.resampled(image, dpi, 150)), scans / "xám-150.png", 150)
    _save(qp.blank_page(200), scans / "trắng.png", 200)
    _save(qp.cut(image, "right", 0.2), scans / "cắt.png", dpi)
    (scans / "hỏng.png").write_bytes((scans / "tốt.png").read_bytes()[:4000])
    home = root / "home"
    proc = run_sohoa(home, "ingest", str(scans), "--batch", "lô-1", "--jobs", "2")
    assert proc.returncode == 3, proc.stderr  # the truncated file is bad input, the rest processed
    return {"home": home, "root": root}


def test_flags_are_stored_with_each_page(batch):
    records = {r["source"]["name"]: r for r in json_lines(
        run_sohoa(batch["home"], "docs", "list", "--batch", "lô-1", "--json", check=True).stdout)}
    flags = {name: [f["code"] for p in r.get("pages") or [] for f in p["quality"]] for name, r in records.items()}
    assert flags == {
        "tốt.png": [],
        "xám-150.png": ["low_dpi", "not_colour"],
        "trắng.png": ["blank"],
        "cắt.png": ["cut_off"],
        "hỏng.png": [],
    }
    low = records["xám-150.png"]["pages"][0]["quality"][0]
    assert low == {"code": "low_dpi", "message": "150 dpi, under the 200 dpi Circular 05/2025/TT-BNV asks for",
                   "params": {"dpi": 150, "min_dpi": 200, "estimated": False}}


def test_rescan_list_and_csv_for_the_operator(batch):
    home = batch["home"]
    listed = json_lines(run_sohoa(home, "rescan", "--batch", "lô-1", "--json", check=True).stdout)
    assert [(r["file"], r["page"], r["flags"]) for r in listed] == [
        ("cắt.png", 1, ["cut_off"]),
        ("hỏng.png", None, ["truncated_image"]),
        ("trắng.png", 1, ["blank"]),
        ("xám-150.png", 1, ["low_dpi", "not_colour"]),
    ]
    target = batch["root"] / "quét-lại.csv"
    run_sohoa(home, "rescan", "--batch", "lô-1", "--csv", str(target), check=True)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Tên tệp", "Trang", "Mã lỗi", "Lý do", "Mã tài liệu"]
    by_file = {r[0]: r for r in rows[1:]}
    assert by_file["xám-150.png"][1:3] == ["1", "low_dpi, not_colour"]
    assert "thấp hơn mức 200 dpi theo Thông tư 05/2025/TT-BNV" in by_file["xám-150.png"][3]
    assert by_file["hỏng.png"][1:3] == ["", "truncated_image"]
    only = json_lines(run_sohoa(home, "rescan", "--batch", "lô-1", "--flag", "blank", "--json", check=True).stdout)
    assert [r["file"] for r in only] == ["trắng.png"]
    assert run_sohoa(home, "rescan", "--batch", "lô-1", "--flag", "nonsense").returncode == 2


def test_queries_for_the_page_and_flags_survive_reprocessing(batch):
    home = batch["home"]
    ctx = Context(Settings(home=home))
    assert rescan.flag_counts(ctx.index, "lô-1") == {"blank": 1, "cut_off": 1, "low_dpi": 1, "not_colour": 1}
    assert rescan.flag_counts(ctx.index, "another batch") == {}
    [(doc_id, page)] = rescan.pages_with_flag(ctx.index, "blank", batch="lô-1")
    assert page == 1
    run_sohoa(home, "reprocess", "--batch", "lô-1", "--from", "extract", check=True)
    # rows are rebuilt with the record, never doubled
    assert rescan.flag_counts(ctx.index, "lô-1") == {"blank": 1, "cut_off": 1, "low_dpi": 1, "not_colour": 1}
    run_sohoa(home, "reprocess", "--doc", doc_id, "--from", "ocr", check=True)
    assert rescan.pages_with_flag(ctx.index, "blank") == [(doc_id, 1)]
