"""Second look at weak fields: crops of the real OCR image read again by real Tesseract, readings that vote,
validation that decides, and the reasons that say so in the record."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from extract.choose import VOTED, _proven, choose_person, name_validity
from extract.fields import extraction_from_ocr
from extract.lost_lines import garbled_lines
from extract.model import Extraction, FieldValue, Person
from extract.mrz import MRZ_CHARS
from extract.second_look import SecondLook, Spot, _checked, _rekeyed
from extract.settle import settle_date
from extract.spelling import nearest_name, repair_name
from extract.syllables import is_syllable
from extract.text import fold
from extract.values import Candidate
from ocr.crops import Crop, cut, cut_block, treat, value_only
from ocr.hocr import Word, parse_hocr
from ocr.lines import DIGITS, read_lines
from tests.synth import make_document
from tests.synth.fonts import faces
from tests.synth.people import make_registry
from tests.test_fields import _ocr
from workers.record import extraction_from_record

TODAY = date(2025, 6, 1)


def subject(ex: Extraction, role: str) -> Person:
    return next(p for p in ex.persons if p.role == role)


# --- on rendered pages, real Tesseract ----------------------------------------------------------------------


def _read_twice(seed: int, doc_type: str, registry_seed: int, role: str, tmp_path: Path) -> tuple[dict, dict, dict]:
    """One person of a hard development document: the values printed, the fields read without the second look
    and with it."""
    doc = make_document(seed, doc_type, "hard", registry=make_registry(registry_seed, 5000))
    printed = next(p for p in doc.truth["persons"] if p["role"] == role)["fields"]
    ocr = _ocr(doc, tmp_path)
    first = subject(extraction_from_ocr(ocr, second_look=False), role).fields
    return printed, first, subject(extraction_from_ocr(ocr), role).fields


@pytest.fixture(scope="module")
def birth_page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("birth")
    doc = make_document(7, "birth_certificate", "clean")
    return doc, _ocr(doc, tmp)


def test_an_id_read_wrong_on_the_page_is_read_right_from_its_crop(birth_page, monkeypatch):
    doc, ocr = birth_page
    cid = doc.truth["persons"][0]["fields"]["citizen_id"]
    hocr = Path(ocr.pages[0].hocr_path)
    original = hocr.read_text(encoding="utf-8")
    assert cid in original
    # The page's reading of the ID with an impossible century digit, as Tesseract makes it of a smudged 0. The
    # glyph check of the page's numbers mends that digit of a clean page first (tests/test_number_check.py); here
    # the second look alone is at work.
    monkeypatch.setattr(SecondLook, "numbers", lambda self, pages: list(pages))
    hocr.write_text(original.replace(cid, cid[:3] + "8" + cid[4:]), encoding="utf-8")
    try:
        first = subject(extraction_from_ocr(ocr, second_look=False), "subject").fields["citizen_id"]
        second = subject(extraction_from_ocr(ocr), "subject").fields["citizen_id"]
    finally:
        hocr.write_text(original, encoding="utf-8")
    assert first.value != cid and first.confidence < 0.5
    assert any("century/gender digit 8" in r for r in first.reasons)
    assert second.value == cid
    assert second.confidence > first.confidence
    assert any(r.startswith("re-read from its place on the page") for r in second.reasons)
    assert not any("century" in r for r in second.reasons)


def test_an_id_whose_first_digit_was_taken_for_its_0_still_gets_a_second_look(birth_page):
    # Seed 990291: "991189412623" for 091189412023. Taken as 091189412623, a valid ID, the reading no longer equals
    # its own record value, and the second look passed it by as if another reading had been preferred.
    doc, ocr = birth_page
    cid = doc.truth["persons"][0]["fields"]["citizen_id"]
    hocr = Path(ocr.pages[0].hocr_path)
    original = hocr.read_text(encoding="utf-8")
    misread = "9" + cid[1:9] + str((int(cid[9]) + 3) % 10) + cid[10:]
    hocr.write_text(original.replace(cid, misread), encoding="utf-8")
    try:
        first = subject(extraction_from_ocr(ocr, second_look=False), "subject").fields["citizen_id"]
        second = subject(extraction_from_ocr(ocr), "subject").fields["citizen_id"]
    finally:
        hocr.write_text(original, encoding="utf-8")
    assert first.value == "0" + misread[1:] and any("read for the 0" in r for r in first.reasons)
    assert second.value == cid


def test_a_bold_name_the_smoothing_filled_is_read_again_from_the_page_before_it(tmp_path):
    """A 150 dpi typewritten birth certificate, grainy, so read smoothed: the median and blur that take the grain
    away fill the counters of the mother's bold name, which the page and its crops read "NGUYỄN MINH TRÌO". From
    the page flattened but not smoothed, both models read it right."""
    doc = make_document(1050000, "birth_certificate", "hard", registry=make_registry(1050000, 5000))
    truth = next(p for p in doc.truth["persons"] if p["role"] == "mother")["fields"]["full_name"]
    ocr = _ocr(doc, tmp_path)
    assert all(p.unsmoothed_image_path for p in ocr.pages)
    smoothed_only = replace(ocr, pages=[replace(p, unsmoothed_image_path=None) for p in ocr.pages])
    before = subject(extraction_from_ocr(smoothed_only), "mother").fields["full_name"]
    after = subject(extraction_from_ocr(ocr), "mother").fields["full_name"]
    assert before.value != truth
    assert after.value == truth == "NGUYỄN MINH THẢO"
    assert any(r.startswith("re-read") for r in after.reasons)


def test_a_field_read_right_the_first_time_is_left_alone(birth_page):
    doc, ocr = birth_page
    ex = extraction_from_ocr(ocr)
    for truth in doc.truth["persons"]:
        got = subject(ex, truth["role"])
        assert got.fields["full_name"].value == truth["fields"]["full_name"]
        assert not any("re-read" in r for f in got.fields.values() for r in f.reasons)


def test_without_the_ocr_images_there_is_no_second_look(birth_page):
    _doc, ocr = birth_page
    gone = replace(ocr, pages=[replace(p, ocr_image_path=None) for p in ocr.pages])
    assert extraction_from_ocr(gone) == extraction_from_ocr(ocr, second_look=False)


def test_degraded_scan_values_the_page_reading_lost_are_recovered(tmp_path):
    """A 150 dpi typewritten land-use certificate, blurred, faded and stamped: the page reading misses the ID
    and misreads the given name; the crops read both right."""
    doc = make_document(40392, "land_use_certificate", "hard")
    truth = doc.truth["persons"][0]["fields"]
    ocr = _ocr(doc, tmp_path)
    first = subject(extraction_from_ocr(ocr, second_look=False), "land_user").fields
    second = subject(extraction_from_ocr(ocr), "land_user").fields
    assert first.get("citizen_id") is None or first["citizen_id"].value != truth["citizen_id"]
    assert second["citizen_id"].value == truth["citizen_id"]
    assert second["full_name"].value == truth["full_name"] != first["full_name"].value
    for name in ("citizen_id", "full_name"):
        assert any(r.startswith("re-read") for r in second[name].reasons)


def test_the_zone_lines_the_page_reading_lost_are_read_where_they_must_be(tmp_path):
    """A 150 dpi card copy, blurred and grainy: the page reading keeps two lines of the machine-readable zone
    (the first misread) and none of the card's small print. The name line, read one zone pitch below, spells the
    name; the birth date's check digit holds and the holder's age places its century."""
    doc = make_document(930199, "id_card", "hard", registry=make_registry(930000, 5000))
    truth = doc.truth["persons"][0]["fields"]
    ocr = _ocr(doc, tmp_path)
    first = subject(extraction_from_ocr(ocr, second_look=False), "holder").fields
    second = subject(extraction_from_ocr(ocr), "holder").fields
    assert "full_name" not in first and "citizen_id" not in first
    assert second["full_name"].value == "HOANG TUAN DUNG" == fold(truth["full_name"]).upper()
    assert second["date_of_birth"].value == truth["date_of_birth"]
    assert "citizen_id" not in second  # the ID's line stays misread: no check digit holds


def test_a_cards_small_print_line_is_cut_at_its_own_height(tmp_path):
    """A 150 dpi card copy: the page reading loses the card's 7-point print under its title. Each lost line is cut
    between its neighbours by its own height; cut by the page's typical word height (the zone's big letters)
    the name's crop held the label line above it too and read as neither. The printed name, with its marks,
    is then found by the name the zone spells."""
    doc = make_document(900684, "id_card", "hard", registry=make_registry(900000, 5000))
    truth = doc.truth["persons"][0]["fields"]
    ocr = _ocr(doc, tmp_path)
    first = subject(extraction_from_ocr(ocr, second_look=False), "holder").fields
    second = subject(extraction_from_ocr(ocr), "holder").fields
    assert "full_name" not in first or first["full_name"].value != truth["full_name"]
    assert second["full_name"].value == truth["full_name"] == "VÕ THỊ OANH"


def test_a_birth_date_in_running_text_gets_a_second_look(tmp_path):
    """A 150 dpi decision: "..., sinh ngày 27/5/1976, thường trú tại ..." read "2?/3/19?6". The date ends on its
    label's row, so it has a place there to be read again: its readings disagree, two tie, and the digits all
    the readings give break the tie for the date as printed, kept at a low confidence with the other as an
    alternative."""
    printed, first, second = _read_twice(950200, "decision", 950000, "subject", tmp_path)
    assert "date_of_birth" not in first
    born = second["date_of_birth"]
    assert born.value == printed["date_of_birth"] == "1976-05-27"
    assert born.confidence < 0.5 and born.alternatives


def test_a_line_the_page_reading_lost_is_read_on_its_own(tmp_path, monkeypatch):
    """A 150 dpi death certificate, blurred and grainy: the page reading loses the deceased's name and birth date
    lines whole. Found as ink outside every read word and read one by one, they give the birth date right and
    the name; without them the record has no deceased's name or birth date."""
    doc = make_document(950293, "death_certificate", "hard", registry=make_registry(950000, 5000))
    truth = doc.truth["persons"][0]["fields"]
    ocr = _ocr(doc, tmp_path)
    found = subject(extraction_from_ocr(ocr), "deceased").fields
    assert found["date_of_birth"].value == truth["date_of_birth"]
    assert fold(found["full_name"].value) == fold(truth["full_name"])  # an accent may still be misread
    monkeypatch.setattr(SecondLook, "unread", lambda self, pages: list(pages))
    without = [p.fields for p in extraction_from_ocr(ocr).persons if p.role == "deceased"]
    assert not any("date_of_birth" in f or "full_name" in f for f in without)


def test_a_lost_line_is_read_from_the_page_before_its_smoothing_where_that_reads_surer(tmp_path):
    """A 150 dpi land-use certificate, grainy, so read smoothed: the page reading loses the line of the first
    land user's old ID. Cut from the OCR image it reads as nothing legible; from the page before the smoothing, its
    number, which then identifies him in the registry."""
    doc = make_document(1010198, "land_use_certificate", "hard", registry=make_registry(1010000, 5000))
    truth = doc.truth["persons"][0]["fields"]
    ocr = _ocr(doc, tmp_path)
    smoothed_only = replace(ocr, pages=[replace(p, unsmoothed_image_path=None) for p in ocr.pages])
    before = extraction_from_ocr(smoothed_only).persons[0].fields
    after = extraction_from_ocr(ocr).persons[0].fields
    assert after["full_name"].value == truth["full_name"] == before["full_name"].value
    assert "old_id_number" not in before
    assert after["old_id_number"].value == truth["old_id_number"]


@pytest.mark.parametrize("sharp_in", ["ocr", "unsmoothed"])
def test_a_lost_line_read_from_both_images_takes_the_surer_reading(tmp_path, sharp_in):
    # One image of the page holds the line sharp, the other blurred (its name then read less surely): both readings
    # are legible, and the sharp one's is taken, whichever image holds it. (Sharp is a little soft: the lost line is
    # found on the OCR image's ink, and perfectly crisp synthetic letters are too thin to pass for a line there.)
    from extract.layout import PageWords

    sharp, blurred = _line_image("Họ và tên: TRẦN THỊ BÌNH", 30), _line_image("Họ và tên: NGUYỄN VĂN AN", 30)
    images = {}
    for name, line in (("ocr", sharp if sharp_in == "ocr" else blurred),
                       ("unsmoothed", blurred if sharp_in == "ocr" else sharp)):
        page = np.full((260, 1200), 255, np.uint8)
        soft = cv2.GaussianBlur(line, (0, 0), 0.5 if line is sharp else 1.0)
        page[100:100 + soft.shape[0], 100:100 + soft.shape[1]] = soft
        images[name] = tmp_path / ("page-0001.png" if name == "ocr" else "page-0001.unsmoothed.png")
        cv2.imwrite(str(images[name]), page)
    look = SecondLook({1: (str(images["ocr"]), 300.0)}, "vie", None, None, {1: str(images["unsmoothed"])})
    words = look.unread([PageWords(1, 1200, 260, [])])[0].words
    assert " ".join(w.text for w in words) == "Họ và tên: TRẦN THỊ BÌNH"


def test_a_line_the_page_reading_garbled_is_read_again_in_its_place(tmp_path, monkeypatch):
    """A clean 300 dpi typewritten death certificate: the page reading garbles the birth date's line, tight under
    the bold name ("Tivi 0 Ellcn nan mi. | 3/0/1902.", mean confidence 0.22). Its ink is read again as a line of its own
    (label, colon and date as one line: the date alone reads "13/0/12"); the reading gives the birth date and
    takes the garbled words' place."""
    doc = make_document(940293, "death_certificate", "clean", registry=make_registry(940000, 5000))
    truth = doc.truth["persons"][0]["fields"]
    ocr = _ocr(doc, tmp_path)
    words = parse_hocr(Path(ocr.pages[0].hocr_path).read_text(encoding="utf-8")).words
    noise = garbled_lines(words)
    # Lines of noise, if a speck on one ("|") is read with some confidence.
    assert noise and all(statistics.fmean(w.confidence for w in words if w.line == n) < 0.5 for n in noise)
    found = subject(extraction_from_ocr(ocr), "deceased").fields
    assert found["date_of_birth"].value == truth["date_of_birth"] == "1952-07-13"
    monkeypatch.setattr("extract.lost_lines.garbled_lines", lambda words: set())
    assert "date_of_birth" not in subject(extraction_from_ocr(ocr), "deceased").fields


def test_garbled_lines_are_lines_of_noise_not_single_weak_words():
    def w(text, conf, line):
        return Word(text, (0, 10 * line, 50, 10 * line + 8), conf, line)

    words = [w("Ngày,", 0.95, 0), w("13/7/1952", 0.96, 0), w("J[6/Sjy/", 0.1, 1), w("16lel-bsfej", 0.25, 1),
             w("SG:", 0.3, 2), w("Nguyễn", 0.2, 3), w("Văn", 0.9, 3), w("An", 0.9, 3)]
    assert garbled_lines(words) == {1}  # a lone word, or one weak word among good ones, is no garbled line


def _line_image(text: str, height_px: int = 28) -> np.ndarray:
    face = faces("serif")[0]
    from PIL import ImageFont

    font = ImageFont.truetype(face.path("regular"), height_px)
    img = Image.new("L", (40 + int(font.getlength(text)), height_px * 2), 255)
    ImageDraw.Draw(img).text((20, height_px // 3), text, font=font, fill=0)
    return np.asarray(img)


def test_many_line_images_are_read_in_one_tesseract_run():
    lines = read_lines([_line_image("NGUYỄN VĂN AN"), _line_image("079302873549"), np.full((30, 200), 255, np.uint8)])
    assert " ".join(w.text for w in lines[0]) == "NGUYỄN VĂN AN"
    assert "".join(w.text for w in lines[1]) == "079302873549"
    assert not any(c.isalnum() for w in lines[2] for c in w.text)  # a blank line: specks at most
    assert len(lines) == 3
    digits = read_lines([_line_image("21/03/2002")], language="eng", whitelist=DIGITS + "/")
    assert "".join(w.text for w in digits[0]) == "21/03/2002"


def test_a_bold_typewritten_name_before_leader_dots_is_read_not_dropped_as_noise():
    # Forty dots are forty specks: beside them Tesseract drops the row of bold letters as noise and reads nothing
    # (at this size: at some others it keeps the row anyway).
    face = faces("typewriter")[0]
    from PIL import ImageFont

    font = ImageFont.truetype(face.path("bold"), 24)
    text = "NGUYỄN THỊ NGA " + "." * 40
    img = Image.new("L", (40 + int(font.getlength(text)), 72), 255)
    ImageDraw.Draw(img).text((20, 24), text, font=font, fill=0)
    words = read_lines([np.asarray(img)])[0]
    assert " ".join(w.text for w in words[:3]) == "NGUYỄN THỊ NGA"


def test_a_block_is_read_line_by_line_without_the_frame_around_it():
    # A zone's three lines, tight, inside a card's edge that runs through the crop's sides.
    rows = [_line_image(t) for t in ("IDVNM0461843846", "8408152F991231", "NGUYEN<<THI<LAN")]
    width = max(r.shape[1] for r in rows)
    block = np.vstack([np.pad(r, ((0, 0), (0, width - r.shape[1])), constant_values=255) for r in rows])
    page = np.full((block.shape[0] + 80, width + 80), 255, np.uint8)
    page[40:-40, 40:-40] = block
    page[:, 20:23] = 0  # the card's edge, top to bottom
    crop = cut_block(page, (10, 30, width + 50, block.shape[0] + 50))
    assert crop is not None and crop.image[:, 10:13].min() > 128  # the edge is painted out
    words = read_lines([crop.image], language="eng", whitelist=MRZ_CHARS, block=True)[0]
    lines = ["".join(w.text for w in words if w.line == k) for k in range(3)]
    assert lines == ["IDVNM0461843846", "8408152F991231", "NGUYEN<<THI<LAN"]


def test_a_crop_keeps_its_line_and_drops_the_neighbours_ink():
    page = np.full((300, 600), 235, np.uint8)
    cv2.putText(page, "ABOVE ROW", (60, 95), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2)
    cv2.putText(page, "VALUE", (120, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2)
    cv2.putText(page, "BELOW ROW", (60, 205), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2)
    cv2.putText(page, "NEXT", (300, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2)
    crop = cut(page, (110, 128, 310, 152), 24.0, 200.0, keep=(120, 230))
    assert crop is not None
    ink = crop.image < 128
    assert ink.any()
    rows = np.flatnonzero(ink.any(axis=1)) + crop.origin[1]
    assert rows.min() >= 118 and rows.max() <= 160  # nothing of the rows above and below
    cols = np.flatnonzero(ink.any(axis=0)) + crop.origin[0]
    assert cols.max() < 300  # the next word, touching the right edge, is painted out
    big = treat(crop, "gray", 2.0)
    assert big.to_page((12, 12, 12 + 2 * 10, 12 + 2 * 10)) == (crop.origin[0], crop.origin[1],
                                                                crop.origin[0] + 10, crop.origin[1] + 10)


def test_a_numbers_crop_is_cut_down_to_the_number():
    """A wife's birth date, then the husband's label of the second column: told to read digits only, Tesseract
    reads "Ngày" as digits too. The crop keeps the date, or what the first reading found."""
    from PIL import ImageFont

    font = ImageFont.truetype(faces("serif")[0].path("bold"), 30)
    img = Image.new("L", (900, 90), 255)
    draw = ImageDraw.Draw(img)
    draw.text((40, 25), "3/10/1996", font=font, fill=0)
    second = 40 + round(font.getlength("3/10/1996")) + 300
    draw.text((second, 25), "Ngày, tháng", font=font, fill=0)
    page = np.asarray(img)
    rows = np.flatnonzero((page < 128).any(axis=1))
    height = float(rows[-1] - rows[0])
    crop = cut(page, (10, int(rows[0]), 890, int(rows[-1]) + 1), height, 180.0)
    assert crop is not None
    number = value_only(crop, height)
    cols = np.flatnonzero((number.image < 128).any(axis=0)) + number.origin[0]
    assert cols.min() >= 38 and cols.max() < second - 100  # the date, whole, and nothing of the label after it
    assert number.origin[1] == crop.origin[1] and number.image.shape[0] == crop.image.shape[0]
    digits = read_lines([treat(number, "gray", 2.0).image], language="eng", whitelist=DIGITS + "/")[0]
    assert "".join(w.text for w in digits) == "3/10/1996"
    # Where the first reading found the value, that ink is the value's (here, wrongly, the label).
    kept = value_only(crop, height, keep=(second, second + 100))
    cols = np.flatnonzero((kept.image < 128).any(axis=0)) + kept.origin[0]
    assert cols.min() >= second - 5
    # A first reading over both takes both: a number is not cut where it was read whole.
    both = value_only(crop, height, keep=(45, second + 50))
    cols = np.flatnonzero((both.image < 128).any(axis=0)) + both.origin[0]
    assert cols.min() < 60 and cols.max() > second + 100
    # A first reading over no ink (a speck it took for the value, painted out) leaves the crop as it is.
    assert value_only(crop, height, keep=(second - 150, second - 120)) is crop
    # A crop with nothing but the number, or no ink at all, is left as it is.
    assert value_only(number, height) is number
    blank = Crop(np.full((40, 300), 255, np.uint8), (5, 7))
    assert value_only(blank, height) is blank


def _page_of_lines(lines: list[tuple[str, int]], height_px: int = 28) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A page with each text drawn at its y, and each line's ink rows (first, last)."""
    from PIL import ImageFont

    font = ImageFont.truetype(faces("serif")[0].path("regular"), height_px)
    page = Image.new("L", (900, 40 + max(y for _, y in lines) + 2 * height_px), 255)
    spans = []
    for text, y in lines:
        alone = Image.new("L", page.size, 255)
        ImageDraw.Draw(alone).text((40, y), text, font=font, fill=0)
        rows = np.flatnonzero((np.asarray(alone) < 128).any(axis=1))
        spans.append((int(rows[0]), int(rows[-1])))
        ImageDraw.Draw(page).text((40, y), text, font=font, fill=0)
    return np.asarray(page), spans


def test_a_crop_leaves_out_a_close_line_above_whole_and_keeps_accents():
    # Lines set close: the room above the ID's row holds the whole line above, with quiet rows on both its sides.
    page, (upper, number) = _page_of_lines([("huyện Ea Kar, tỉnh Đắk Lắk", 40), ("066150560932", 66)])
    crop = cut(page, (36, number[0], 420, number[1]), 38.0, 150.0)
    assert crop is not None
    assert crop.origin[1] > upper[1] - 3  # nothing of the line above but, at most, its lowest pixels
    digits = read_lines([treat(crop, "gray", 2.0).image], language="eng", whitelist=DIGITS + "/")[0]
    assert "".join(w.text for w in digits) == "066150560932"
    # A name whose accents stand apart above its letters keeps them, wherever below them its band starts.
    for text in ("ĐẮK LẮK", "NGUYỄN THỊ HUỆ", "ẫẫẫ ẵẵẵ", "nguyễn"):
        page, [(top, bottom)] = _page_of_lines([(text, 60)])
        for share in (0.2, 0.35, 0.5):
            body = top + round(share * (bottom - top))  # a band that starts under the accents
            crop = cut(page, (36, body, 600, bottom), float(bottom - top), 150.0)
            assert crop is not None and crop.origin[1] <= top, (text, share)


# --- choosing among readings ------------------------------------------------------------------------------


def _spot(field: str, kind: str) -> Spot:
    return Spot(field, kind, 1, (100, 100, 400, 130), 30.0, kind != "name")


def _c(field: str, value: str, conf: float = 0.8, source: str = "reread:gray@1:vie") -> Candidate:
    return Candidate(field, value, conf, 1, (110, 100, 300, 130), source=source)


def test_the_digit_vote_breaks_a_tie_between_two_readings_of_a_date_the_first_reading_missed():
    # Seed 980100: "19/6/2618" on the page; re-read once as 2018-06-19 and once as 2019-06-19.
    spot = _spot("date_of_birth", "date")
    readings = [_c("date_of_birth", "2018-06-19", 0.78), _c("date_of_birth", "2019-06-19", 0.79),
                _c("date_of_birth", "2019", 0.35)]
    voted = [_c("date_of_birth", "2019-06-19", 0.0, VOTED)]
    chosen = choose_person([(spot, None, readings + voted, 4)], {}, TODAY)
    assert [(c.candidate.value, c.candidate.alternatives) for c in chosen] == [("2019-06-19", ("2018-06-19",))]
    assert "break a tie" in chosen[0].candidate.reasons[-1]
    assert chosen[0].candidate.confidence < 0.4  # one reading of several: a day and month to doubt
    # Not against the ID on the page, whose digits say born 2018.
    id_2018 = {"citizen_id": FieldValue("001218012345", 0.9), "gender": FieldValue("male", 0.9)}
    assert [c.candidate.value for c in choose_person([(spot, None, readings + voted, 4)], id_2018, TODAY)] != [
        "2019-06-19"]
    # Nor against the ID the record keeps: one re-reading saying 2019 does not replace a first reading saying 2018.
    id_spot = _spot("citizen_id", "citizen_id")
    own_id, re_id = _c("citizen_id", "099218012345", 0.8, "label"), [_c("citizen_id", "001219012345")]
    both = choose_person([(spot, None, readings + voted, 4), (id_spot, own_id, re_id, 4)],
                         {"citizen_id": FieldValue("099218012345", 0.6), "gender": FieldValue("male", 0.9)}, TODAY)
    assert "2019-06-19" not in [c.candidate.value for c in both if c.spot.field == "date_of_birth"]
    # Without the vote, or with the vote on neither, a tie stays unsettled.
    assert choose_person([(spot, None, readings, 4)], {}, TODAY) == []
    other = [_c("date_of_birth", "2017-06-19", 0.0, VOTED)]
    assert choose_person([(spot, None, readings + other, 4)], {}, TODAY) == []


def test_a_year_the_first_reading_missed_is_taken_where_the_label_asks_for_a_year():
    # "Năm sinh: I9&1": the first reading gave no year; two re-readings of three give 1951.
    readings = [_c("date_of_birth", "1951"), _c("date_of_birth", "1981"), _c("date_of_birth", "1951", 0.45)]
    spot = replace(_spot("date_of_birth", "date"), full=False, year_only=True)
    chosen = choose_person([(spot, None, readings, 3)], {}, TODAY)
    assert [c.candidate.value for c in chosen] == ["1951"]
    # Under "Ngày, tháng, năm sinh" a year alone is only part of the date: not taken.
    assert choose_person([(replace(spot, year_only=False), None, readings, 3)], {}, TODAY) == []


def test_a_re_read_value_keeps_its_own_reading_of_the_garbled_date_not_the_first_ones():
    # The registry may explain the garbled date of a year kept alone (extract.confirm): it must be the one of the
    # reading whose year was kept.
    spot = replace(_spot("date_of_birth", "date"), full=False, year_only=True)
    own = replace(_c("date_of_birth", "1959", 0.3, "label"), read_as="39/7/1959")
    rereads = [replace(_c("date_of_birth", "1958"), read_as="3/7/1958")] * 3
    chosen = choose_person([(spot, own, rereads, 4)], {}, TODAY)
    assert [(c.candidate.value, c.candidate.read_as) for c in chosen] == [("1958", "3/7/1958")]
    full = choose_person([(_spot("date_of_birth", "date"), own, [_c("date_of_birth", "1959-07-30")] * 3, 4)], {},
                         TODAY)
    assert [(c.candidate.value, c.candidate.read_as) for c in full] == [("1959-07-30", None)]


def test_a_value_other_than_the_first_reading_needs_two_readings_and_a_better_score():
    spot = _spot("date_of_birth", "date")
    own = _c("date_of_birth", "1945-04-02", 0.7, "label")
    # One re-reading does not replace the first reading; it stays beside it for the registry to settle.
    kept = choose_person([(spot, own, [_c("date_of_birth", "1945-04-07")], 3)], {}, TODAY)
    assert [(c.candidate.value, c.candidate.alternatives, c.replaces) for c in kept] == [
        ("1945-04-02", ("1945-04-07",), own)]
    two = choose_person([(spot, own, [_c("date_of_birth", "1945-04-07")] * 2, 3)], {}, TODAY)
    assert [c.candidate.value for c in two] == ["1945-04-07"]
    assert two[0].replaces is own and "re-read" in two[0].candidate.reasons[-1]
    # Two readings of a worse name ("N" is no syllable) do not replace a good one.
    name = _spot("full_name", "name")
    junk = choose_person([(name, _c("full_name", "NGUYỄN THỊ THẢO", 0.7, "label"),
                           [_c("full_name", "NGUYỄN THỊ THẢO N")] * 2, 2)], {}, TODAY)
    assert all(c.candidate.value == "NGUYỄN THỊ THẢO" for c in junk)
    # Nor do two readings that lost the name's last word (its small first letter read as the sentence going on):
    # they read the rest alike, which makes the first reading surer.
    own = _c("full_name", "LÝ THANH LOAN", 0.6, "label")
    short = choose_person([(name, own, [_c("full_name", "LÝ THANH")] * 2, 4)], {}, TODAY)
    assert [c.candidate.value for c in short] == ["LÝ THANH LOAN"] and short[0].candidate.confidence > 0.6


def test_a_first_reading_the_digit_classifier_reads_alike_counts_its_vote_against_two_re_readings():
    # Seed 990291: "25/16/1989" on the page, mended glyph by glyph to 25/10/1989, which the classifier reads alike;
    # two enlarged re-readings with the English model read the 5 as 6.
    spot = _spot("date_of_birth", "date")
    own = _c("date_of_birth", "1989-10-25", 0.7, "label")
    again = [_c("date_of_birth", "1989-10-26", 0.95, "reread:gray@2:eng"),
             _c("date_of_birth", "1989-10-26", 0.82, "reread:soft@2:eng"), _c("date_of_birth", "1980-10-25", 0.87)]
    confirmed = choose_person([(spot, replace(own, glyphs_agree=True), again, 5)], {}, TODAY)
    assert all(c.candidate.value == "1989-10-25" for c in confirmed)
    # Read by Tesseract alone, it gives way to the two re-readings.
    assert [c.candidate.value for c in choose_person([(spot, own, again, 5)], {}, TODAY)] == ["1989-10-26"]
    # Three re-readings outvote the two readers of the page.
    three = choose_person([(spot, replace(own, glyphs_agree=True), [*again, again[0]], 6)], {}, TODAY)
    assert [c.candidate.value for c in three] == ["1989-10-26"]


def test_readings_of_the_unsmoothed_page_add_votes_but_never_doubt():
    # Alone they read hard names worse than the OCR image: two of them that disagree leave a name every other
    # reading agrees on as sure as before; two that agree are a vote like any other.
    name = _spot("full_name", "name")
    own = _c("full_name", "TRẦN THỊ HƯƠNG", 0.7, "label")
    alike = [_c("full_name", "TRẦN THỊ HƯƠNG")] * 4
    odd = [replace(_c("full_name", "VUẦN VUI SƯƠNG"), source="reread:gray@1:unsmoothed:vie")] * 2
    sure = choose_person([(name, own, alike, 4)], {}, TODAY)[0].candidate.confidence
    assert choose_person([(name, own, alike + odd, 4)], {}, TODAY)[0].candidate.confidence == sure > 0.9
    # Two agreeing readings of the unsmoothed page are votes: with a better-validated name they outvote two
    # readings of the OCR image that agree on another (and the first reading, a third).
    own = _c("full_name", "TRẦN THỊ NƯƠNG", 0.5, "label")
    misread = [_c("full_name", "THÂN THỊ NƯƠNG")] * 2
    right = [replace(_c("full_name", "TRẦN THỊ HƯƠNG"), source=f"reread:gray@1:unsmoothed:vie{model}")
             for model in ("", ":other")]
    got = choose_person([(name, own, misread + right, 4)], {}, TODAY)[0].candidate
    assert got.value == "TRẦN THỊ HƯƠNG" and "(2 of 7 readings agree)" in got.reasons[-1]


def test_a_birth_date_read_two_ways_keeps_the_other_full_dates_as_alternatives():
    spot = _spot("date_of_birth", "date")
    own = _c("date_of_birth", "1936-01-03", 0.68, "label")
    # Two readings by one model agree on the first reading's value; the other model read another full date.
    rereads = [_c("date_of_birth", "1936-01-03"), _c("date_of_birth", "1936-01-03"),
               _c("date_of_birth", "1934-01-05", source="reread:gray@1:vie:other"),
               _c("date_of_birth", "1934"), _c("date_of_birth", "2968-01-23")]  # a year, an impossible date
    chosen = choose_person([(spot, own, rereads, 4)], {}, TODAY)
    assert [(c.candidate.value, c.candidate.alternatives) for c in chosen] == [("1936-01-03", ("1934-01-05",))]
    # The record carries them, and reads them back.
    fv = settle_date([chosen[0].candidate], TODAY)
    assert fv.as_record()["alternatives"] == ["1934-01-05"]
    back = extraction_from_record({"persons": [{"role": "deceased", "fields": {"date_of_birth": fv.as_record()}}]})
    assert back.persons[0].fields["date_of_birth"].alternatives == ("1934-01-05",)
    # Nothing read on the page, two readings of one year with day and month read differently: the year, both dates
    # beside it. Readings of different years, or one reading alone, give nothing.
    year = choose_person([(spot, None, [_c("date_of_birth", "2019-03-05"), _c("date_of_birth", "2019-08-05"),
                                        _c("date_of_birth", "2619-03-65")], 4)], {}, TODAY)
    assert [(c.candidate.value, c.candidate.alternatives, c.replaces) for c in year] == [
        ("2019", ("2019-03-05", "2019-08-05"), None)]
    assert "year re-read alike by 2 of 5 readings" in year[0].candidate.reasons[0]
    # A supporting reading (of the page before smoothing) that gives the year counts among the readings made,
    # whichever date scores first: never more agreeing than made.
    support = replace(_c("date_of_birth", "2019-08-05"), source="reread:gray@1:unsmoothed:vie")
    for first, second in ((_c("date_of_birth", "2019-03-05", 0.9), support),
                          (_c("date_of_birth", "2019-03-05", 0.1), replace(support, confidence=0.99))):
        got = choose_person([(spot, None, [first, second], 4)], {}, TODAY)[0].candidate
        assert (got.value, got.confidence) == ("2019", round(0.6 * 2 / 6, 4))
        assert "year re-read alike by 2 of 6 readings" in got.reasons[0]
    assert choose_person([(spot, None, [_c("date_of_birth", "2019-03-05"), _c("date_of_birth", "2018-03-05")], 4)],
                         {}, TODAY) == []
    assert choose_person([(spot, None, [_c("date_of_birth", "2019-03-05")], 4)], {}, TODAY) == []
    # A year read alone keeps only the dates of that year beside it.
    year_own = _c("date_of_birth", "1986", 0.5, "label")
    kept = choose_person([(spot, year_own, [_c("date_of_birth", "1968-03-05"), _c("date_of_birth", "1986-03-05")],
                           4)], {}, TODAY)
    assert [(c.candidate.value, c.candidate.alternatives) for c in kept] == [("1986", ("1986-03-05",))]
    # Readings that all agree leave nothing beside the value.
    same = choose_person([(spot, own, [_c("date_of_birth", "1936-01-03")] * 2, 3)], {}, TODAY)
    assert all(not c.candidate.alternatives for c in same)
    assert "alternatives" not in FieldValue("1936-01-03", 0.9).as_record()


def test_a_date_no_reading_gave_whole_is_voted_digit_by_digit_for_the_registry_to_settle():
    from extract.date_vote import vote_dates

    # Bold typewritten "21/01/1992": zeros read as 9, a 1 as 4 or 2; the one valid reading is wrong.
    texts = ["21/91/2992", "21/04/499Z", "21/01/2992", "21/04/1992"]
    assert vote_dates(texts, TODAY) == ["1992-01-21", "1992-04-21"]  # month 01 and 04 tie
    assert vote_dates(texts[:2], TODAY) == []  # too few readings to vote
    assert vote_dates(["21/91/2992", "8S/40/7356", "x"], TODAY) == []  # too little agreement
    spot = _spot("date_of_birth", "date")
    voted = [_c("date_of_birth", v, 0.0, VOTED) for v in vote_dates(texts, TODAY)]
    chosen = choose_person([(spot, None, [_c("date_of_birth", "1992-04-21"), *voted], 4)], {}, TODAY)
    # Not a date of its own: the year, with the dates beside it; without the vote, one reading gives nothing.
    assert [(c.candidate.value, c.candidate.alternatives) for c in chosen] == [
        ("1992", ("1992-04-21", "1992-01-21"))]
    assert "digit by digit" in chosen[0].candidate.reasons[0]
    assert choose_person([(spot, None, [_c("date_of_birth", "1992-04-21")], 4)], {}, TODAY) == []
    # A voted date is no reading: two of them do not make a value.
    assert choose_person([(spot, None, voted, 4)], {}, TODAY) == []


def test_one_reading_may_mend_a_name_letter_by_letter_but_not_replace_it():
    name = _spot("full_name", "name")
    own = _c("full_name", "NGUYỄN THỊ HGỌC", 0.6, "label")  # HGỌC is no syllable
    mended = choose_person([(name, own, [_c("full_name", "NGUYỄN THỊ NGỌC")], 2)], {}, TODAY)
    assert [c.candidate.value for c in mended] == ["NGUYỄN THỊ NGỌC"]
    other = choose_person([(name, _c("full_name", "NGUYỄN THỊ HOA", 0.6, "label"),
                            [_c("full_name", "NGUYỄN THỊ LAN")], 2)], {}, TODAY)
    assert other == []


def test_birth_date_and_id_are_chosen_together():
    dob_spot, id_spot = _spot("date_of_birth", "date"), _spot("citizen_id", "citizen_id")
    own_dob = _c("date_of_birth", "1966-01-09", 0.6, "label")
    rereads = [_c("date_of_birth", "1988-01-09"), _c("date_of_birth", "1988-01-09"),
               _c("date_of_birth", "1966-01-09"), _c("date_of_birth", "1966-01-09")]
    own_id = _c("citizen_id", "001088012345", 0.9, "label")
    fields = {"gender": FieldValue("male", 0.95), "citizen_id": FieldValue("001088012345", 0.9)}
    # As many readings say 1966 as 1988; the ID's century and year digits say 1988.
    chosen = choose_person([(dob_spot, own_dob, rereads, 4), (id_spot, own_id, [], 3)], fields, TODAY)
    assert [c.candidate.value for c in chosen if c.spot is dob_spot] == ["1988-01-09"]


def test_name_validity_prefers_common_name_syllables():
    assert name_validity("NGUYỄN THỊ THẢO") == 1.0
    assert name_validity("NGUYỄN THỊ THÁO") < 1.0  # tháo is a word, not a name
    assert name_validity("NGUYỀM MINN HUỆ") < name_validity("NGUYỄN MINH HUỆ")


# --- names as OCR reads them --------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "ok"), [
    ("NGUYỄN", True), ("QUỲNH", True), ("QUANG", True), ("GIÀNG", True), ("H'MÔNG", True), ("Y", True),
    ("MINN", False), ("NGUYỄM", False), ("LƠNG", False), ("HGỌC", False), ("TEẢO", False), ("HUỈỆ", False),
    ("HỌP", True), ("HỎP", False),  # a syllable closed by p takes only the sắc or nặng tone
])
def test_vietnamese_syllables(word, ok):
    assert is_syllable(word) is ok


@pytest.mark.parametrize(("read", "repaired"), [
    ("NGUYỄM QOỐC THUẬN", "NGUYỄN QUỐC THUẬN"),
    ("LÊ VĂN LƠNG", "LÊ VĂN LONG"),
    ("PRHẠM THỊ PHƯƠNG", "PHẠM THỊ PHƯƠNG"),
    ("LƯỜNG HỒNT", "LƯỜNG HỒNG"),
    ("NGUYỄN VĂN HOÀ", "NGUYỄN VĂN HOÀ"),  # old tone placement is a known name, kept as printed
    # The bar of Đ is lost or added a little less often than a mark: ĐÔNG is nearer than CÔNG (seed 960004: "ĐỮNG",
    # bar and horn); an Đ misread as another letter is one letter away; the bar and a swapped mark are more.
    ("DƯƠNG VĂN DÔNG", "DƯƠNG VĂN ĐÔNG"),
    ("TRẦN VĂN ĐỮNG", "TRẦN VĂN DŨNG"),
    ("NGUYỄN BỨC ANH", "NGUYỄN ĐỨC ANH"),
    ("LÊ NGỌC DƠNG", "LÊ NGỌC DƠNG"),  # seed 1060003: DUNG, read better elsewhere
    ("NGUYỄN THỊ HƯỚNG", "NGUYỄN THỊ HƯƠNG"),  # rather than HƯỜNG
    ("NGUYỄN PHƯƠNG DỤNG", "NGUYỄN PHƯƠNG DUNG"),  # rather than DŨNG
    ("NGUY ỄT NGỌC PHƯƠNG", "NGUYỄN NGỌC PHƯƠNG"),  # a family name cut in two, its second piece no syllable
    ("NGUY ỄN AN", "NGUY ỄN AN"),  # ỄN is a syllable: the words stay apart
    ("CAO TWI PHƯƠNG", "CAO THỊ PHƯƠNG"),  # seed 970001: mended into "THI", the THỊ of a woman's name
    # One accented capital read as two, each with its tone (seed 1050100's household page, seed 980097).
    ("TRẦỀN KIM TRINH", "TRẦN KIM TRINH"),
    ("NGUYỄN THANH NGỢỌC VÂN", "NGUYỄN THANH NGỌC VÂN"),
    ("BỒỜI MINH PHƯƠNG", "BỒỜI MINH PHƯƠNG"),  # neither letter dropped leaves a family name
    ("LÊ THỊ HỒỒNG", "LÊ THỊ HỒNG"),  # either letter dropped leaves the same name
    # Two different tones: a speck read as a tone, the name one misread mark away, or two words run together.
    ("NGUYỄN ANH TÚẤN", "NGUYỄN ANH TUẤN"),
    ("TRẦN THỊ HÒÀ", "TRẦN THỊ HÒA"),
    ("LÊ VĂN TÍẾN", "LÊ VĂN TIẾN"),
    ("NGUYỄN THỊÁNH", "NGUYỄN THỊÁNH"),
    # The tone stays on the letter it was read on (seed 1010097: "CAO THUỲ HƯƠNG", printed in the newer placement).
    ("CAO THƯỲ HƯƠNG", "CAO THUỲ HƯƠNG"),
    ("CAO THỪY HƯƠNG", "CAO THÙY HƯƠNG"),
    ("LÊ THỊ HỤE", "LÊ THỊ HUỆ"),  # only oa, oe and uy ending a syllable take the tone on either vowel
    ("LÊ VĂN KHAÍ", "LÊ VĂN KHẢI"),
])
def test_one_misread_letter_from_exactly_one_common_name_is_repaired(read, repaired):
    value, factor, reasons = repair_name(read)
    assert value == repaired
    assert (factor < 1.0 and reasons) if value != read else (factor == 1.0 and not reasons)


def test_the_first_word_is_repaired_only_towards_a_family_name():
    assert nearest_name("HOÀN", family=True) is None  # HOÀNG and HÀN are both one letter away
    assert nearest_name("MGUYỄN", family=True) == "NGUYỄN"
    assert nearest_name("HOA") is None  # a name already


def test_second_look_spots_carry_what_the_crop_needs(birth_page):
    _doc, ocr = birth_page
    # Every person value of the template that was read has a spot inside the page.
    from config.templates import load_templates
    from extract.layout import PageWords, page_text
    from extract.persons import PersonBuilder
    from extract.reader import walk
    from ocr.hocr import parse_hocr

    hocr = parse_hocr(Path(ocr.pages[0].hocr_path).read_text(encoding="utf-8"))
    text = page_text(PageWords(1, hocr.width, hocr.height, hocr.words))
    template = next(t for t in load_templates() if t.doc_type == "birth_certificate")
    builder = PersonBuilder(template)
    for found in walk([text], template):
        builder.feed(found)
    spots = [s for d in builder.drafts for s in d.spots]
    assert {s.field for s in spots} >= {"full_name", "date_of_birth", "citizen_id"}
    for s in spots:
        x0, y0, x1, y1 = s.region
        assert 0 <= x0 < x1 <= hocr.width + 50 and 0 <= y0 < y1 <= hocr.height
        assert s.digits == (s.field != "full_name")


def test_weak_values_are_read_again_with_both_vietnamese_models(tmp_path):
    from extract.second_look import SecondLook
    from ocr.tessdata import PROJECT_DIR

    page = np.full((260, 1200), 255, np.uint8)
    line = _line_image("NGUYỄN THỊ HƯỜNG", 40)
    page[100:100 + line.shape[0], 100:100 + line.shape[1]] = line
    rows = np.nonzero((page < 128).any(axis=1))[0]
    path = tmp_path / "page-0001.png"
    cv2.imwrite(str(path), page)
    spot = Spot("full_name", "name", 1, (90, int(rows[0]), 110 + line.shape[1], int(rows[-1]) + 1),
                float(rows[-1] - rows[0]), False)
    both = SecondLook({1: (str(path), 300.0)}, "vie", None, str(PROJECT_DIR))._read([spot])[0]
    assert {c.source for c in both} == {"reread:gray@1:vie", "reread:sharp@1:vie", "reread:gray@1:vie:other",
                                        "reread:sharp@1:vie:other"}
    assert {c.value for c in both} == {"NGUYỄN THỊ HƯỜNG"}
    # Without tessdata_best, only the model of the page's reading: no reading is counted twice.
    alone = SecondLook({1: (str(path), 300.0)}, "vie", None, None)._read([spot])[0]
    assert {c.source for c in alone} == {"reread:gray@1:vie", "reread:sharp@1:vie"}
    # A page read smoothed is also read as it was before, by both models (here another name, to tell them apart).
    before = np.full_like(page, 255)
    other = _line_image("NGUYỄN THỊ HƯƠNG", 40)
    before[100:100 + other.shape[0], 100:100 + other.shape[1]] = other
    plain = tmp_path / "page-0001.unsmoothed.png"
    cv2.imwrite(str(plain), before)
    look = SecondLook({1: (str(path), 300.0)}, "vie", None, str(PROJECT_DIR), {1: str(plain)})
    more = look._read([spot])[0]
    unsmoothed = {("reread:gray@1:unsmoothed:vie", "NGUYỄN THỊ HƯƠNG"),
                  ("reread:gray@1:unsmoothed:vie:other", "NGUYỄN THỊ HƯƠNG")}
    assert {(c.source, c.value) for c in more} == {(c.source, c.value) for c in both} | unsmoothed
    # Only names, only on the pages that were smoothed; the unsmoothed readings are not among those counted.
    assert len(look._plan(spot)) == 6 and len(look._plan(replace(spot, page=2))) == 4
    assert look._counted(spot) == 4
    assert len(look._plan(replace(spot, field="citizen_id", kind="citizen_id", digits=True))) == 4
    assert len(look._plan(replace(spot, field="date_of_birth", kind="date"))) == 4  # a date in words


def test_an_identity_paper_read_without_its_number_is_read_again_as_the_kind_of_id_it_is(tmp_path):
    """A 200 dpi marriage certificate, hard: the page reading gives the husband's "Giấy tờ tùy thân: CMR© số
    183709254" (CMND garbled, its number too: a wrong number at no confidence) and the wife's number not at all.
    The re-readings give 9 digits, an old CMND number: the husband's as printed, the wife's with one digit misread
    (183734548 for 183794548), which only the registry can settle."""
    doc = make_document(960098, "marriage_certificate", "hard", registry=make_registry(960000, 5000))
    truth = {p["role"]: p["fields"] for p in doc.truth["persons"]}
    ocr = _ocr(doc, tmp_path)
    first = subject(extraction_from_ocr(ocr, second_look=False), "husband").fields
    assert "citizen_id" not in first and first.get("old_id_number", FieldValue("", 0.0)).value != "183702564"
    husband = subject(extraction_from_ocr(ocr), "husband").fields
    assert husband["old_id_number"].value == truth["husband"]["old_id_number"] == "183702564"
    assert "citizen_id" not in husband
    wife = subject(extraction_from_ocr(ocr), "wife").fields
    assert "citizen_id" not in wife and len(wife["old_id_number"].value) == 9


def test_a_number_printed_under_its_label_is_cut_with_its_first_digit_whole(tmp_path):
    """Seed 1050292, hard: the husband's "CCCD số" ends its row and his number stands under it, read on the page
    with a digit too many. The crop for the second look started at the number's box, on its 0: cut in half, the 0
    was read as nothing or as 1 ("38098347978", "138098347978")."""
    printed, first, husband = _read_twice(1050292, "marriage_certificate", 1050000, "husband", tmp_path)
    want = printed["citizen_id"]
    assert first.get("citizen_id") is None or first["citizen_id"].value != want
    assert husband["citizen_id"].value == want == "038098347978"


def test_a_date_followed_by_the_next_columns_label_is_read_from_the_date_alone(tmp_path):
    """Seed 910098, hard, 150 dpi: the wife's "3/10/1996" (bold, its slashes run into the digits), read on the page
    as nothing a date could be, has the husband's "Ngày, tháng, năm sinh" after it in the second column. Read
    with it as digits it gave "10/1996" twice; cut down to the date, "3/10/1996"."""
    printed, first, wife = _read_twice(910098, "marriage_certificate", 910000, "wife", tmp_path)
    assert "date_of_birth" not in first
    assert wife["date_of_birth"].value == printed["date_of_birth"] == "1996-10-03"


def test_an_id_read_with_its_province_codes_zeros_as_loops_is_proven_by_the_birth_date(tmp_path):
    """Seed 970002, hard, 200 dpi: the deceased's 001147136179 is "6081147136179" on the page and "681147136179"
    in both digit re-readings: no ID without its first two digits read as the 00 of Hà Nội's code, which the
    century, year and gender digits then prove against the record's birth date (1947) and gender."""
    printed, first, second = _read_twice(970002, "death_certificate", 970000, "deceased", tmp_path)
    assert "citizen_id" not in first
    got = second["citizen_id"]
    assert got.value == printed["citizen_id"] == "001147136179"
    assert any("read for the 00 of province code 001" in r for r in got.reasons)


def test_only_the_birth_date_proves_an_ids_zeros_read_as_loops_and_the_repair_stays_less_sure():
    spot = Spot("citizen_id", "citizen_id", 1, (0, 0, 400, 40), 40.0, True)
    readings = [_c("citizen_id", "681147136179"), _c("citizen_id", "681147136179", source="reread:soft@2:eng")]
    born = {"date_of_birth": FieldValue("1947-07-02", 0.95), "gender": FieldValue("female", 0.9)}
    [got] = [c for c in choose_person([(spot, None, readings, 4)], born, TODAY) if c.spot is spot]
    assert got.candidate.value == "001147136179"
    assert any("68 read for the 00 of province code 001" in r for r in got.candidate.reasons)
    plain = [_c("citizen_id", "001147136179"), _c("citizen_id", "001147136179", source="reread:soft@2:eng")]
    [sure] = [c for c in choose_person([(spot, None, plain, 4)], born, TODAY) if c.spot is spot]
    assert got.candidate.confidence < sure.candidate.confidence  # the same agreement, read so without a repair
    # Without the birth date, or with another year, the readings prove no ID.
    for fields in ({"gender": born["gender"]}, {**born, "date_of_birth": FieldValue("1948-07-02", 0.95)}):
        assert not [c for c in choose_person([(spot, None, readings, 4)], fields, TODAY) if c.spot is spot]
    # Only that repair waits for the birth date: readings with OCR letters are taken as the check reads them.
    letters = [_c("citizen_id", "O01147136179"), _c("citizen_id", "601147136179")]
    assert [_proven(c, born) for c in letters] == letters
    # A second spot of the ID (a person_id label) is not chosen with the birth date: there nothing proves it.
    other = replace(spot, region=(0, 50, 400, 90))
    both = choose_person([(spot, None, readings, 4), (other, None, readings, 4)], born, TODAY)
    assert [c.spot for c in both] == [spot]
    # A first reading the birth date proves is what the record has, and so gets its second look.
    assert _checked("citizen_id", "681147136179", born) == "001147136179"
    assert _checked("citizen_id", "681147136179") == "681147136179"


def test_an_identity_paper_spot_takes_the_id_kind_its_readings_agree_on():
    spot = Spot("citizen_id", "person_id", 1, (0, 0, 400, 40), 40.0, True)

    def readings(*values: str) -> list[Candidate]:
        return [Candidate("citizen_id" if len(v) == 12 else "old_id_number", v, 0.9, 1) for v in values]

    # Three readings lost the first group of a 12-digit ID: they are its tail, not an old ID.
    (_, got, _), = _rekeyed([(0, spot, None)], [readings("001190100005", "001190100005", *["190100005"] * 3)])[0]
    assert got.field == "citizen_id"
    # Nine digits read alike twice beat three 12-digit readings that agree on nothing.
    asked, found = _rekeyed([(0, spot, None)], [readings("360958340", "360958340", "350058340", "001190100005",
                                                         "001190100006", "001190100007")])
    assert asked[0][1].field == "old_id_number" and {c.value for c in found[0]} == {"360958340", "350058340"}
    # A spot with a first reading keeps its field.
    own = Candidate("citizen_id", "001190100005", 0.5, 1)
    assert _rekeyed([(0, spot, own)], [readings("360958340")]) == ([(0, spot, own)], [[]])


def test_an_id_the_cards_zone_proves_gets_no_second_look():
    # The zone's check digit proves it; reading the front again can only bring a misread into doubt.
    from extract.mrz import ZONE_PROOF
    from extract.second_look import weak

    spot = Spot("citizen_id", "citizen_id", 1, (0, 0, 100, 20), 20.0, True)
    assert not weak(FieldValue("040076473982", 0.97, reasons=(ZONE_PROOF,)), spot)
    assert weak(FieldValue("040076473982", 0.97, reasons=(ZONE_PROOF, "another reading says 040076478982")), spot)
    assert weak(FieldValue("040076473982", 0.5, reasons=(ZONE_PROOF,)), spot)
    assert not weak(FieldValue("040076473982", 0.97), spot)
