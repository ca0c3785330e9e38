"""Scan quality flags on generated pages: each flag where the scan earns it, none on clean scans."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.model import Page
from ocr.quality import QualityThresholds, assess_document, judge_confidence, judge_image
from ocr.result import OcrPage
from ocr.scan_facts import measure
from tests import quality_pages as qp
from tests.synth import DOC_TYPES, make_document

T = QualityThresholds()


def codes(image: np.ndarray, dpi: float, *, dpi_source: str = "file", colour_required: bool = True) -> list[str]:
    facts = measure(image, dpi)
    return [f.code for f in judge_image(facts, dpi=dpi, dpi_source=dpi_source, colour_required=colour_required,
                                        thresholds=T)]


@pytest.fixture(scope="module")
def clean():
    return qp.clean_page(11, "birth_certificate")


def test_clean_page_has_no_flag(clean):
    image, dpi = clean
    assert codes(image, dpi) == []


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_no_flag_storm_on_clean_scans_of_every_type(doc_type):
    # clean synthetic scans: colour, 200-300 dpi, light yellowing; three seeds per type, every page
    for seed in (301, 302, 303):
        doc = make_document(seed, doc_type, "clean")
        assert 200 <= doc.dpi <= 300
        for number, page in enumerate(doc.pages, 1):
            found = codes(qp.as_array(page), doc.dpi)
            assert found == [], f"{doc_type} seed {seed} page {number}: {found}"


def test_blank_page():
    assert codes(qp.blank_page(300), 300) == ["blank"]
    assert codes(qp.blank_page(200, seed=9), 200) == ["blank"]


def test_150_dpi_scan(clean):
    image, dpi = clean
    low = qp.resampled(image, dpi, 150)
    assert codes(low, 150) == ["low_dpi"]
    flag = judge_image(measure(low, 150), dpi=150, dpi_source="file", colour_required=True, thresholds=T)[0]
    assert flag.message == "150 dpi, under the 200 dpi Circular 05/2025/TT-BNV asks for"
    estimated = judge_image(measure(low, 150), dpi=150, dpi_source="fallback", colour_required=True, thresholds=T)
    assert "estimated" in estimated[0].message
    # the threshold is configurable: a 150 dpi minimum accepts it
    lenient = QualityThresholds(min_dpi=150)
    assert judge_image(measure(low, 150), dpi=150, dpi_source="file", colour_required=True, thresholds=lenient) == []


def test_greyscale_bilevel_and_grey_saved_as_colour(clean):
    image, dpi = clean
    for spoiled, kind in (
        (qp.greyscale(image), "greyscale"),
        (qp.bilevel(image), "bilevel"),
        (qp.grey_in_colour(image), "grey_in_colour"),
    ):
        flags = judge_image(measure(spoiled, dpi), dpi=dpi, dpi_source="file", colour_required=True, thresholds=T)
        assert [(f.code, f.params["kind"]) for f in flags] == [("not_colour", kind)]
        # where colour is not required, the same scan is fine
        assert codes(spoiled, dpi, colour_required=False) == []


def test_colour_requirement_by_document_type():
    some = QualityThresholds(colour_required_for=("land_use_certificate",))
    assert some.colour_required("land_use_certificate") and not some.colour_required("birth_certificate")
    assert T.colour_required("unknown") and T.colour_required(None)
    assert not QualityThresholds(colour_required_for=()).colour_required("birth_certificate")


@pytest.mark.parametrize(("side", "share"), [("right", 0.2), ("left", 0.2), ("top", 0.1)])
def test_page_cut_at_an_edge(clean, side, share):
    image, dpi = clean
    spoiled = qp.cut(image, side, share)
    flags = judge_image(measure(spoiled, dpi), dpi=dpi, dpi_source="file", colour_required=True, thresholds=T)
    assert [(f.code, f.params["sides"]) for f in flags] == [("cut_off", [side])]


def test_dark_scanner_border_is_not_a_cut_page(clean):
    image, dpi = clean
    # the paper lay inside the glass with the lid open: black around it, the paper's edge in the scan
    assert codes(qp.dark_border(image, dpi, ("left", "top")), dpi) == []
    assert codes(qp.dark_border(image, dpi, ("top", "bottom", "left", "right"), mm=15), dpi) == []
    # a dark border on the left does not hide a cut on the right
    both = qp.dark_border(qp.cut(image, "right", 0.2), dpi, ("left",))
    flags = judge_image(measure(both, dpi), dpi=dpi, dpi_source="file", colour_required=True, thresholds=T)
    assert [(f.code, f.params["sides"]) for f in flags] == [("cut_off", ["right"])]


def test_skewed_page_with_dark_wedges_is_not_cut(clean):
    image, dpi = clean
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 6.0, 1.0)
    big = (int(w * 1.12), int(h * 1.08))
    m[0, 2] += (big[0] - w) / 2
    m[1, 2] += (big[1] - h) / 2
    skewed = cv2.warpAffine(image, m, big, borderMode=cv2.BORDER_CONSTANT, borderValue=(30, 30, 30))
    assert codes(skewed, dpi) == []


def test_too_dark_and_too_faint(clean):
    image, dpi = clean
    assert codes(qp.darker(image), dpi) == ["too_dark"]
    assert codes(qp.fainter(image), dpi) == ["too_faint"]
    faint = judge_image(measure(qp.fainter(image), dpi), dpi=dpi, dpi_source="file", colour_required=True,
                        thresholds=T)[0]
    assert faint.params["contrast_pct"] < 30


def test_low_ocr_confidence():
    assert judge_confidence(0.9, blank=False, thresholds=T) is None
    low = judge_confidence(0.41, blank=False, thresholds=T)
    assert low.code == "low_confidence" and low.params == {"confidence": 0.41, "min_confidence": 0.6}
    assert judge_confidence(None, blank=False, thresholds=T).message == "no text could be read on this page"
    assert judge_confidence(None, blank=True, thresholds=T) is None  # a blank page has nothing to read
    assert judge_confidence(0.7, blank=False, thresholds=QualityThresholds(min_confidence=0.8)) is not None


def test_assess_document_reads_page_images_and_never_fails(tmp_path, clean):
    image, dpi = clean
    good, grey, missing = tmp_path / "p1.png", tmp_path / "p2.png", tmp_path / "p3.png"
    cv2.imwrite(str(good), image)
    cv2.imwrite(str(grey), qp.greyscale(qp.resampled(image, dpi, 150)))
    pages = [
        Page(1, str(good), image.shape[1], image.shape[0], dpi, "file", False, None),
        Page(2, str(grey), 0, 0, 150.0, "file", False, None),
        Page(3, str(missing), 0, 0, dpi, "file", False, None),
        # a born-digital PDF page (own text, no scan image): not the scanner's work, never flagged
        Page(4, str(grey), 0, 0, 150.0, "fallback", True, "text"),
    ]
    ocr = [OcrPage(1, 0, 0, dpi, "file", 0, 0.0, None, False, "x", 0.35, 120, None)]
    flags = assess_document(pages, ocr, "birth_certificate", T)
    assert [f.code for f in flags[1]] == ["low_confidence"]
    assert [f.code for f in flags[2]] == ["low_dpi", "not_colour"]  # no OCR result: no confidence to judge
    assert flags[3] == [] and flags[4] == []
    assert flags[1][0].as_record()["message"] == "OCR confidence 0.35, under 0.6"
