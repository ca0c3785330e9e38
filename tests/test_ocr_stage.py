"""The OCR stage on real rendered, degraded pages: the PDF/A text layer, where its words lie, the kept hOCR."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

import img2pdf
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.pages import load_pages
from ingest.source import describe
from ocr.hocr import parse_hocr
from ocr.pdfmeta import read_stamp, stamp
from ocr.searchable import run_ocrmypdf
from ocr.stage import ocr_document
from tests.conftest import pdftotext
from tests.synth import cer_unordered, make_document, reference_text
from tests.synth.fonts import faces

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def run_ocr(image: Image.Image, dpi: int, tmp_path: Path, name: str = "scan.png", **kwargs):
    tmp_path.mkdir(parents=True, exist_ok=True)
    scan = tmp_path / name
    image.convert("RGB").save(scan, dpi=(dpi, dpi))
    loaded = load_pages(describe(scan), tmp_path / "pages")
    return ocr_document(loaded, tmp_path / "ocr", **kwargs)


@pytest.fixture(scope="module")
def mild_page():
    return make_document(201, "birth_certificate", "mild")


def test_text_layer_reads_the_page_and_lies_on_the_printed_words(mild_page, tmp_path):
    result = run_ocr(mild_page.pages[0], mild_page.dpi, tmp_path)
    page = result.pages[0]
    assert cer_unordered(reference_text(mild_page.truth), pdftotext(Path(result.pdf_path))) < 0.10

    # Every word of the PDF's text layer sits where the hOCR (read from the cleaned image) put it.
    hocr = parse_hocr(Path(page.hocr_path).read_text(encoding="utf-8"))
    bbox_xml = subprocess.run(["pdftotext", "-bbox", result.pdf_path, "-"], capture_output=True, text=True).stdout
    pdf_words = [(m.group(5), tuple(float(v) for v in m.groups()[:4])) for m in _WORD.finditer(bbox_xml)]
    assert len(pdf_words) == len(hocr.words)
    scale = 72.0 / page.dpi
    offsets = []
    for (text, (x0, y0, _x1, _y1)), word in zip(pdf_words, hocr.words, strict=True):
        assert text == word.text
        offsets.append(abs(x0 - word.bbox[0] * scale) + abs(y0 - word.bbox[1] * scale))
    assert statistics.median(offsets) < 3.0  # points


def test_the_process_keeps_its_stderr(mild_page, tmp_path):
    # pikepdf's linearization check inside OCRmyPDF leaves sys.stderr on a StringIO; the CLI's console and
    # warnings written after the first document would vanish.
    out, err = sys.stdout, sys.stderr
    run_ocr(mild_page.pages[0], mild_page.dpi, tmp_path)
    assert sys.stdout is out and sys.stderr is err


def test_one_recognition_gives_text_layer_and_hocr(mild_page, tmp_path):
    result = run_ocr(mild_page.pages[0], mild_page.dpi, tmp_path)
    page = result.pages[0]
    hocr = parse_hocr(Path(page.hocr_path).read_text(encoding="utf-8"))
    layer = " ".join(pdftotext(Path(result.pdf_path)).split())
    assert " ".join(w.text for w in hocr.words) == layer
    assert page.word_count == len(hocr.words) > 50
    assert 0.6 < page.mean_confidence <= 1.0
    assert (page.width, page.height) == (hocr.width, hocr.height)


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270])
def test_turned_scan_comes_out_upright_and_readable(mild_page, tmp_path, turn):
    turned = mild_page.pages[0].transpose(turn)
    result = run_ocr(turned, mild_page.dpi, tmp_path)
    page = result.pages[0]
    expected = {Image.Transpose.ROTATE_90: 90, Image.Transpose.ROTATE_180: 180, Image.Transpose.ROTATE_270: 270}[turn]
    assert page.rotation == expected
    with pikepdf.open(result.pdf_path) as pdf:
        box = pdf.pages[0].mediabox
        assert float(box[3]) > float(box[2])  # portrait again
    assert cer_unordered(reference_text(mild_page.truth), pdftotext(Path(result.pdf_path))) < 0.12


def test_cleanup_beats_raw_tesseract_on_a_hard_turned_page(tmp_path):
    # Hard level: 150-200 dpi, heavy noise, blur, faded ink, stamp over text, JPEG; then turned sideways.
    doc = make_document(205, "death_certificate", "hard")
    page = doc.pages[0].transpose(Image.Transpose.ROTATE_90)
    truth = reference_text(doc.truth)
    cleaned = run_ocr(page, doc.dpi, tmp_path / "a", cleanup=True)
    raw = run_ocr(page, doc.dpi, tmp_path / "b", cleanup=False)
    cer_clean = cer_unordered(truth, pdftotext(Path(cleaned.pdf_path)))
    cer_raw = cer_unordered(truth, pdftotext(Path(raw.pdf_path)))
    assert cer_raw > 0.9  # raw Tesseract reads nothing useful
    assert cer_clean < 0.6
    assert cer_clean < 0.6 * cer_raw
    # The grainy page was read smoothed: the page before the smoothing is kept for the second look. Read again
    # unsmoothed in the same work folder, the older image is not taken for this reading's.
    assert cleaned.pages[0].unsmoothed_image_path is not None
    assert run_ocr(page, doc.dpi, tmp_path / "a", cleanup=False).pages[0].unsmoothed_image_path is None


def test_the_page_reading_takes_no_line_for_white_on_black(tmp_path):
    # Tesseract also reads each line inverted and keeps the surer reading: a thin typewritten line before leader
    # dots comes out "h2. sa c0". The dots stay on this OCR image, as blurred ones too big for a dot do on a hard
    # scan, where the cleanup does not take them for leader dots.
    font = ImageFont.truetype(faces("typewriter")[0].path("regular"), 50)
    page = Image.new("L", (2480, 1000), 255)
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(["Họ và tên: NGUYỄN THỊ NGA", "Ngày sinh: 21/03/1990", "Nơi sinh: Hà Nội"]):
        draw.text((150, 150 + 200 * i), text + " " + "." * 40, font=font, fill=0)
    images = tmp_path / "images"
    images.mkdir()
    page.save(images / "page-0001.png", dpi=(300, 300))
    (tmp_path / "in.pdf").write_bytes(img2pdf.convert(str(images / "page-0001.png")))
    run_ocrmypdf(tmp_path / "in.pdf", tmp_path / "out.pdf", languages=["vie"], hocr_out=tmp_path / "hocr",
                 ocr_images=images)
    words = [w.text for w in parse_hocr((tmp_path / "hocr" / "page-0001.hocr").read_text(encoding="utf-8")).words]
    assert words[:6] == ["Họ", "và", "tên:", "NGUYỄN", "THỊ", "NGA"]


def test_stamp_puts_ids_in_xmp_and_keeps_pdfa(mild_page, tmp_path):
    result = run_ocr(mild_page.pages[0], mild_page.dpi, tmp_path)
    stamp(result.pdf_path, doc_id="abc123", doc_type="birth_certificate", source_sha256="f" * 64)
    got = read_stamp(result.pdf_path)
    assert got["doc_id"] == "abc123" and got["doc_type"] == "birth_certificate"
    assert got["source"] == "sha256:" + "f" * 64 and got["document_id"].startswith("uuid:")
    with pikepdf.open(result.pdf_path) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    check = subprocess.run(["qpdf", "--check", result.pdf_path], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def text_pdf(path: Path, text: str) -> Path:
    """A born-digital PDF: real text, no scan."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("dejavu", size=16)
    pdf.cell(text=text)
    pdf.output(str(path))
    return path


def test_pdf_with_text_layer_is_not_ocrd_again(tmp_path):
    path = text_pdf(tmp_path / "born-digital.pdf", "Quyết định số 12/QĐ-UBND về việc cấp giấy khai sinh")
    loaded = load_pages(describe(path), tmp_path / "pages")
    result = ocr_document(loaded, tmp_path / "ocr")
    page = result.pages[0]
    assert page.text_layer and page.hocr_path is None
    assert "Quyết định số 12/QĐ-UBND" in page.text
    assert "Quyết định số 12/QĐ-UBND" in pdftotext(Path(result.pdf_path))


def test_redo_ocr_reads_a_text_pdf_again(tmp_path):
    path = text_pdf(tmp_path / "born-digital.pdf", "Giấy khai sinh số 45, quyển số 02")
    loaded = load_pages(describe(path), tmp_path / "pages", redo_ocr=True)
    page = ocr_document(loaded, tmp_path / "ocr", redo_ocr=True).pages[0]
    assert not page.text_layer and page.hocr_path is not None
    assert "khai sinh" in page.text


def test_a_dark_scanner_border_hides_no_text(tmp_path):
    # A hard page scanned 7.8° askew with the lid open: dark wedges around the paper, which flattening turns into
    # fields of noise. Left in the OCR image, Tesseract's layout analysis took them for pictures and dropped the
    # columns beside them (a marriage certificate read as two lines); made white, both spouses are read.
    from extract.fields import extraction_from_ocr
    from tests.synth import make_registry

    doc = make_document(930001, "marriage_certificate", "hard", registry=make_registry(930000, 5000))
    assert {"name": "skew", "angle_deg": -7.78, "background": 40} in doc.truth["pages"][0]["degradations"]
    result = run_ocr(doc.pages[0], doc.dpi, tmp_path)
    ex = extraction_from_ocr(result, second_look=False)
    assert ex.doc_type == "marriage_certificate"
    names = {p.role: p.fields["full_name"].value for p in ex.persons if "full_name" in p.fields}
    truth = {p["role"]: p["fields"]["full_name"] for p in doc.truth["persons"]}
    assert names == truth
