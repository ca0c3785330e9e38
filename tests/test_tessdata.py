"""Which Tesseract models sohoa reads with: the project's folder when installed, a set folder, the system's else.

A folder whose ``vie.traineddata`` is really the English model shows which models Tesseract read with: English
has no Vietnamese marks, so a page read through that folder loses them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.pages import load_pages
from ingest.source import describe
from ocr.lines import read_lines
from ocr.stage import ocr_document
from ocr.tessdata import PROJECT_DIR, resolve, usable
from tests.synth.fonts import faces

# tessdata_best vie (integerized), from the npm package @tesseract.js-data/vie 1.0.0 (.ci/tessdata).
BEST_VIE_SHA256 = "112f6fd1d04ab4cb0208cad9cada8de214ae33a1e4db3750ffcda69262aef0a8"
MARKS = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")  # letters only Vietnamese has
TEXT = ("Họ và tên: NGUYỄN THỊ HƯỜNG", "Nơi sinh: Bệnh viện Đa khoa tỉnh Quảng Ngãi",
        "Dân tộc: Kinh  Quốc tịch: Việt Nam")


def system_dir() -> Path:
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    return Path(re.search(r'"(.*)"', out).group(1))


def folder(tmp_path: Path, vie_from: str) -> Path:
    """A tessdata folder like .ci/tessdata makes, whose vie model is the system's ``vie_from`` model."""
    target = tmp_path / "tessdata"
    target.mkdir()
    for entry in system_dir().iterdir():
        if entry.name != "vie.traineddata":
            (target / entry.name).symlink_to(entry)
    (target / "vie.traineddata").symlink_to(system_dir() / f"{vie_from}.traineddata")
    return target


def page(tmp_path: Path) -> Path:
    font = ImageFont.truetype(faces("serif")[0].path("regular"), 42)
    img = Image.new("RGB", (1700, 500), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(TEXT):
        draw.text((80, 80 + 110 * i), line, font=font, fill="black")
    path = tmp_path / "scan.png"
    img.save(path, dpi=(300, 300))
    return path


def test_a_folder_is_used_only_when_it_holds_the_languages_and_the_configs(tmp_path, caplog):
    good = folder(tmp_path, "vie")
    assert usable(good, "vie") and usable(good, "vie+eng")
    assert resolve(good, "vie") == str(good.resolve())
    assert not usable(good, "fra")
    with caplog.at_level(logging.WARNING, logger="ocr.tessdata"):
        assert resolve(good, "vie+fra") is None  # Tesseract's own models, and a word to the operator
    assert "lacks models for vie+fra" in caplog.text
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "vie.traineddata").symlink_to(system_dir() / "vie.traineddata")
    assert not usable(bare, "vie")  # no hocr/tsv configs: OCRmyPDF's hOCR would fail


def test_the_page_and_the_second_look_read_with_the_set_folder(tmp_path):
    scan = page(tmp_path)
    english = folder(tmp_path, "eng")
    loaded = load_pages(describe(scan), tmp_path / "pages")
    vietnamese = ocr_document(loaded, tmp_path / "vie")
    assert MARKS.search(vietnamese.text), vietnamese.text
    # By default pages are read with the system's models; the set folder is tessdata_best for the second look.
    assert vietnamese.tessdata is None
    misread = ocr_document(loaded, tmp_path / "eng", tessdata=str(english), page_models="best")
    assert misread.tessdata == misread.best_tessdata == str(english.resolve())
    assert "NGUY" in misread.text and not MARKS.search(misread.text), misread.text
    # A set folder that cannot serve falls back to the system's models rather than failing the document.
    empty = tmp_path / "empty"
    empty.mkdir()
    fallback = ocr_document(loaded, tmp_path / "fallback", tessdata=str(empty), page_models="best")
    assert fallback.tessdata is None and fallback.best_tessdata is None and MARKS.search(fallback.text)

    import cv2

    line = cv2.imread(str(scan), cv2.IMREAD_GRAYSCALE)[60:150, :]
    plain = " ".join(w.text for w in read_lines([line])[0])
    assert "HƯỜNG" in plain
    english_line = " ".join(w.text for w in read_lines([line], tessdata=str(english))[0])
    assert "NGUY" in english_line and "HƯỜNG" not in english_line


def test_the_project_folder_holds_tessdata_best_and_is_the_default():
    # .ci/setup installs it (.ci/tessdata); without it sohoa reads degraded pages worse, so CI must have it.
    assert usable(PROJECT_DIR, "vie+eng"), f"run .ci/tessdata: {PROJECT_DIR} is not installed"
    digest = hashlib.sha256((PROJECT_DIR / "vie.traineddata").read_bytes()).hexdigest()
    assert digest == BEST_VIE_SHA256
    assert resolve(None, "vie") == str(PROJECT_DIR.resolve())


@pytest.fixture(autouse=True)
def _no_operator_prefix(monkeypatch):
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
