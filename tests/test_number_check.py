"""Numbers checked glyph by glyph (ocr.glyphs, ocr.digit_model, ocr.number_look, extract.number_check), on real
pages read by real Tesseract and on numbers drawn in faces the classifier was not trained on."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extract.fields import extraction_from_ocr
from extract.layout import PageWords, Row
from extract.number_check import _after_year_word, check_numbers, misread_proved, plausible, year_overruled
from extract.pieces import Piece
from extract.second_look import SecondLook
from extract.values import GLYPH_CHECKED, read
from ocr import digit_model
from ocr.glyphs import glyph_boxes
from ocr.hocr import Word, parse_hocr
from ocr.number_look import is_number, read_alike, recheck_numbers
from tests.synth import make_document
from tests.synth.fonts import CATALOGUE, faces
from tests.synth.people import make_registry
from tests.test_fields import _ocr

ANY = lambda read, new: True  # noqa: E731  (the classifier alone, every change it is sure of proved)
NUMBER = re.compile(r"\d[\d/]{2,}\d")  # dates, years, IDs


def _drawn(text: str, family: str, style: str, px: int, blur: float) -> np.ndarray:
    """``text`` in a face of the synthetic scans (none the classifier trained on), drawn ``px`` high and blurred."""
    face = next(f for f in faces("typewriter") + faces("serif") if f.family == family)
    font = ImageFont.truetype(face.path(style), px * 4)
    canvas = Image.new("L", (px * 4 * (len(text) + 2), px * 8), 255)
    ImageDraw.Draw(canvas).text((px * 4, px * 2), text, font=font, fill=0)
    a = cv2.resize(np.array(canvas), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    a = cv2.GaussianBlur(a, (0, 0), blur)
    ys, xs = np.nonzero(a < 200)
    return a[max(0, ys.min() - 3):ys.max() + 4, max(0, xs.min() - 3):xs.max() + 4]


def test_a_numbers_glyphs_run_together_by_bold_ink_are_cut_apart():
    image = cv2.erode(_drawn("18/12/1984", "Liberation Mono", "bold", 18, 1.3), np.ones((2, 2), np.uint8))
    n, *_ = cv2.connectedComponentsWithStats(255 - cv2.threshold(image, 0, 255, cv2.THRESH_OTSU)[1])
    assert n - 1 <= 7  # the ink alone comes apart into seven pieces, not ten characters
    boxes = glyph_boxes(image, 10)
    assert boxes is not None and len(boxes) == 10
    assert all(a[0] + a[2] <= b[0] + 1 for a, b in itertools.pairwise(boxes))  # left to right, apart
    guesses = digit_model.classifier().guess([image[y:y + h, x:x + w] for x, y, w, h in boxes])
    assert "".join(g.digit for g in guesses) == "18/12/1984"  # each box one whole glyph
    assert glyph_boxes(image, 14) is None  # no way to find four more


def test_the_classifier_reads_digits_of_faces_it_never_saw():
    model = digit_model.classifier()
    assert model is not None
    right = total = 0
    for family in ("Liberation Mono", "FreeMono", "TeX Gyre Cursor", "Liberation Serif"):
        for style in ("regular", "bold"):
            image = _drawn("0123456789", family, style, 17, 0.9)
            boxes = glyph_boxes(image, 10)
            assert boxes is not None, (family, style)
            guesses = model.guess([image[y:y + h, x:x + w] for x, y, w, h in boxes])
            right += sum(g.digit == d for g, d in zip(guesses, "0123456789", strict=True))
            total += 10
    assert right >= 0.95 * total, (right, total)


def _page(*numbers: str, family: str = "Liberation Mono") -> list[np.ndarray]:
    return [_drawn(n, family, "regular", 17, 0.9) for n in numbers]


def test_a_digit_changes_where_the_classifier_is_sure_and_the_structure_proves_the_reading_wrong():
    page = _page("24/12/1975", "05/06/1957")
    read = ["24/12/1976", "05/06/1957"]  # a 5 read as 6
    assert [r.text for r in recheck_numbers(list(zip(page, read, strict=True)), ANY)] == ["24/12/1975", "05/06/1957"]
    # But 24/12/1976 is a date as possible as 24/12/1975: nothing proves it misread, and it stays.
    assert recheck_numbers(list(zip(page, read, strict=True)), proves=misread_proved)[0].text == "24/12/1976"
    # A month 19 is none: the 2 read as 9 is mended.
    assert recheck_numbers([(page[0], "24/19/1975")], proves=misread_proved)[0].text == "24/12/1975"
    # The fewest changes that prove the number: with the month mended, 1976 is as possible as 1975 and stays.
    assert recheck_numbers([(page[0], "24/19/1976")], proves=misread_proved)[0].text == "24/12/1976"
    # Letters stay letters: that "I" is a 1 is for the number's structure to prove.
    assert recheck_numbers(list(zip(page, ["24/12/I975", read[1]], strict=True)), ANY)[0].text == "24/12/I975"
    # A digit where the slash stands: the glyphs are cut wrong, and nothing changes.
    assert recheck_numbers(list(zip(page, ["24712/1976", read[1]], strict=True)), ANY)[0].text == "24712/1976"
    assert not is_number("Số 12") and is_number("001147136179") and is_number("24/12/1975,")


def test_a_number_the_classifier_reads_alike_glyph_by_glyph_is_marked_so():
    page = _page("24/12/1975", "05/06/1957")
    same, other = recheck_numbers([(page[0], "24/12/1975"), (page[1], "05/06/1951")], proves=misread_proved)
    assert same.agrees and same.changed == 0
    assert not other.agrees and other.text == "05/06/1951"  # it reads a 7 where the 1 was read
    # A 5 read as 6, which nothing proves misread: left as read, and not read alike.
    assert not recheck_numbers([(page[0], "24/12/1976")], proves=misread_proved)[0].agrees
    # A number mended glyph by glyph is read alike as mended.
    mended = recheck_numbers([(page[0], "24/19/1975")], proves=misread_proved)[0]
    assert (mended.text, mended.agrees) == ("24/12/1975", True)
    # A letter among the digits is none it read; nor is a number whose glyphs do not come apart as read.
    assert not recheck_numbers([(page[0], "24/12/I975")], proves=misread_proved)[0].agrees
    assert not recheck_numbers([(page[0], "24712/1975")], proves=misread_proved)[0].agrees


def test_what_a_numbers_structure_proves():
    assert misread_proved("28/19/1975", "28/10/1975") and misread_proved("23/98/1946", "23/08/1946")
    assert misread_proved("31/02/1975", "21/02/1975")  # no 31 February
    assert misread_proved("11/01/1036", "11/01/1936")  # a date older than any these records print
    assert not misread_proved("2093", "2003")  # a year alone may be anything: a house number
    assert not misread_proved("24/12/2093", "24/12/2003")  # a card's expiry date lies ahead
    assert misread_proved("001847136179", "001047136179")  # century digit 8: born 2300-2399
    assert not misread_proved("1957", "1937") and not misread_proved("24/12/1976", "24/12/1975")
    assert not misread_proved("28/19/1975", "28/19/1976")  # the new one no better
    assert not misread_proved("024316952", "924316952")  # an old CMND number proves nothing
    assert plausible("12/10/1976,") is True and plausible("Số 12") is None


def test_a_rule_under_a_number_is_no_glyph():
    image = _drawn("24/12/1975", "Liberation Mono", "regular", 17, 0.8)
    ruled = cv2.copyMakeBorder(image, 0, 4, 0, 0, cv2.BORDER_CONSTANT, value=255)
    ruled[-3:-1, :] = 20  # a ruled line under the digits, across the whole crop
    boxes = glyph_boxes(ruled, 10)
    assert boxes is not None and all(y + h <= image.shape[0] for _, y, _, h in boxes)
    guesses = digit_model.classifier().guess([ruled[y:y + h, x:x + w] for x, y, w, h in boxes])
    assert "".join(g.digit for g in guesses) == "24/12/1975"


def test_digits_given_boxes_of_another_width_than_the_others_mean_glyphs_cut_wrong():
    from ocr.number_look import _cut_wrong

    def boxes(*widths: int) -> list:
        return [(i, (0, 0, w, 20)) for i, w in enumerate(widths)]

    # Seed 1020194: "1923" read from a box holding more than the year (the last box two glyphs wide); seed 1070196:
    # "31/7/2005" with its 5 broken in two side by side (a piece 5 wide where digits are 9).
    assert _cut_wrong("1923", boxes(10, 12, 8, 27))
    assert _cut_wrong("31/7/2005", boxes(10, 5, 10, 8, 7, 9, 18, 5, 8))
    assert _cut_wrong("2005", boxes(9, 9, 4, 9))  # a piece of a broken 0 alone
    assert not _cut_wrong("18/12/1984", boxes(8, 14, 9, 8, 13, 9, 8, 13, 14, 13))  # narrow 1s and slashes


def test_a_typewriter_7_read_as_1_is_mended_and_nothing_changes_into_a_1():
    page = _page("17/07/1977", "21/12/1971", "27/10/2017", family="FreeMono")
    read = ["17/07/1917", "21/12/1971", "27/10/2017"]  # a typewriter 7 read as 1
    assert recheck_numbers(list(zip(page, read, strict=True)), ANY)[0].text == "17/07/1977"
    page = _page("11/01/1911", "21/12/1971", "27/10/2017", family="FreeMono")
    read = ["71/01/1911", "21/12/1971", "27/10/2017"]  # a 1 read as 7 stays: the classifier never makes a 1
    boxes = glyph_boxes(page[0], 10)
    assert boxes is not None
    x, y, w, h = boxes[0]
    first = digit_model.classifier().guess([page[0][y:y + h, x:x + w]])[0]
    assert (first.digit, first.sure) == ("1", True)  # the classifier is sure of the 1 it may not write
    assert recheck_numbers(list(zip(page, read, strict=True)), ANY)[0].text == "71/01/1911"


def test_the_classifier_never_trains_on_a_face_of_the_synthetic_scans():
    scans = {name for *_, files in CATALOGUE for names in files.values() for name in names}
    assert not any(name.startswith(digit_model.FACES) for name in scans)
    assert digit_model._font_files()  # and finds faces of its own


def test_without_its_training_fonts_there_is_no_classifier_and_numbers_stay_as_read(monkeypatch, tmp_path):
    page = _page("24/12/1975", "05/06/1957", "30/08/1965")
    read = ["24/12/1976", "05/06/1957", "30/08/1965"]
    monkeypatch.setattr(digit_model, "FONT_ROOTS", (str(tmp_path),))
    digit_model.classifier.cache_clear()
    try:
        assert digit_model.classifier() is None
        assert [r.text for r in recheck_numbers(list(zip(page, read, strict=True)), ANY)] == read
    finally:
        monkeypatch.undo()
        digit_model.classifier.cache_clear()


@pytest.mark.parametrize(("seed", "doc_type", "least"), [
    (1070194, "birth_certificate", 1),  # Liberation Mono, 180 dpi: "28/19/1975", a 6 read as 8 and a dotted 0 as 9
    (1070196, "death_certificate", 0),  # FreeSerif, 150 dpi: a 5 broken in two would push the cuts after it
    (1070097, "birth_certificate", 0),  # Liberation Serif, 200 dpi
    (1020194, "birth_certificate", 0),  # years read from boxes holding more than the year: two glyphs in one
    (1050294, "household_registration", 0),  # a typewriter 1 with a long flag, taken for a 2
    (980291, "birth_certificate", 0),  # DejaVu Serif bold, 200 dpi: the classifier reads its 5s as 3
    (990101, "land_use_certificate", 0),  # FreeMono, 150 dpi: a year with the dotted line under it
])
def test_a_pages_numbers_change_only_where_tesseract_misread_them(seed, doc_type, least, tmp_path):
    doc = make_document(seed, doc_type, "hard", registry=make_registry(seed // 10_000 * 10_000, 5000))
    ocr = _ocr(doc, tmp_path)
    page = ocr.pages[0]
    hocr = parse_hocr(Path(page.hocr_path).read_text(encoding="utf-8"))
    before = PageWords(1, hocr.width, hocr.height, hocr.words)
    look = SecondLook({1: (page.ocr_image_path, page.dpi)}, unsmoothed={1: page.unsmoothed_image_path})
    after = check_numbers(look, [before])[0]
    printed = {d for line in doc.truth["pages"][0]["lines"] for d in NUMBER.findall(line)}
    pairs = [(a.text, b.text) for a, b in zip(before.words, after.words, strict=True)
             if NUMBER.fullmatch(a.text.strip(".,;"))]
    changed = [(old, new) for old, new in pairs if old != new]
    assert len(changed) >= least, changed
    # Every digit changed is changed into the digit printed there (a number may keep other misread digits).
    for old, new in changed:
        old, new = old.strip(".,;"), new.strip(".,;")
        same = [p for p in printed if len(p) == len(old)]
        assert same, (old, new)
        off = {p: sum(x != y for x, y in zip(p, old, strict=True)) for p in same}
        nearest = [p for p in same if off[p] == min(off.values())]  # what the old reading is a misreading of
        assert any(all(n == p[k] for k, (o, n) in enumerate(zip(old, new, strict=True)) if o != n)
                   for p in nearest), (old, new, nearest)
    # What Tesseract read right stays so.
    assert all(new == old for old, new in pairs if old.strip(".,;") in printed)


def test_a_year_printed_alone_is_read_as_the_classifier_reads_it_on_two_images_only_where_tesseract_is_unsure():
    today = date(2026, 12, 7)
    assert year_overruled("2911", "2011", 0.96, today)  # no year these records print: read however sure
    assert year_overruled("1982", "1952", 0.65, today)  # a possible year, read unsure
    assert not year_overruled("2023", "2025", 0.95, today)  # a possible year Tesseract is sure of stays
    assert not year_overruled("1997", "2997", 0.5, today) and not year_overruled("2031", "2030", 0.9, date(2029, 1, 1))
    assert year_overruled("2031", "2021", 0.99, date(2029, 1, 1))  # a year still ahead is none
    assert not year_overruled("1975", "1975", 0.5, today)
    assert not year_overruled("1982", "1952", 0.9, today) and year_overruled("1982", "1952", 0.89, today)
    assert year_overruled("1879", "1979", 0.99, today) and not year_overruled("1880", "1980", 0.99, today)


def test_only_a_number_printed_after_the_word_a_year_follows_is_a_year():
    def line(*texts: str) -> list[Word]:
        return [Word(t, (100 * k, 0, 100 * k + 80, 30), 0.8, 0) for k, t in enumerate(texts)]

    assert _after_year_word(line("ngày", "3", "tháng", "02", "năm", "2911"), 5)
    assert _after_year_word(line("Năm", "sính:", "1982"), 2) and _after_year_word(line("nắm", "2622"), 1)
    assert not _after_year_word(line("Số", "nhà", "1234"), 2)  # a house number
    assert not _after_year_word(line("CCCD", "số:", "0791", "9520", "0849"), 3)  # an ID printed in fours
    assert not _after_year_word(line("2011"), 0)
    wrapped = [Word("năm", (0, 0, 80, 30), 0.8, 0), Word("2011", (0, 40, 80, 70), 0.8, 1)]
    assert not _after_year_word(wrapped, 1)  # the line before ended with it


def test_read_alike_needs_the_classifier_sure_of_every_glyph_on_every_image():
    sharp, blurred = _drawn("1952", "Liberation Mono", "regular", 17, 0.9), _drawn("1952", "Liberation Mono",
                                                                                    "regular", 17, 1.2)
    assert read_alike([sharp, blurred], "1982") == "1952" and read_alike([sharp], "1982,") == "1952,"
    faint = _drawn("1952", "Liberation Mono", "regular", 13, 1.5)  # small and blurred: unsure of its 9 and 5
    assert read_alike([faint], "1982") is None and read_alike([sharp, faint], "1982") is None
    other = _drawn("1982", "Liberation Mono", "regular", 17, 0.9)  # each image sure of its own year
    assert read_alike([other], "1982") == "1982" and read_alike([sharp, other], "1982") is None
    assert read_alike([], "1982") is None and read_alike([sharp], "19/2") is None  # glyphs not as read
    assert read_alike([_drawn("1111", "Liberation Mono", "regular", 17, 0.9)], "1171") is None  # never into a 1


@pytest.mark.parametrize(("seed", "doc_type", "year"), [
    (910198, "land_use_certificate", "1952"),  # TeX Gyre Cursor, 150 dpi: read "1982" at 0.65
    (1020002, "death_certificate", "2004"),  # TeX Gyre Cursor, 200 dpi: read "2001" at 0.69
])
def test_a_year_tesseract_misread_unsure_is_read_on_the_page_and_before_its_smoothing(seed, doc_type, year,
                                                                                      tmp_path):
    doc = make_document(seed, doc_type, "hard", registry=make_registry(seed // 10_000 * 10_000, 5000))
    page = _ocr(doc, tmp_path).pages[0]
    hocr = parse_hocr(Path(page.hocr_path).read_text(encoding="utf-8"))
    before = PageWords(1, hocr.width, hocr.height, hocr.words)
    assert page.unsmoothed_image_path and year not in [w.text.strip(".,;") for w in before.words]
    images = {1: (page.ocr_image_path, page.dpi)}
    after = check_numbers(SecondLook(images, unsmoothed={1: page.unsmoothed_image_path}), [before])[0]
    mended = [(w.read_as, w.text) for w in after.words if w.read_as]
    assert [new.strip(".,;") for _, new in mended] == [year], mended
    # The page before its smoothing is a second image the classifier must read alike: without it, nothing changes.
    assert not any(w.read_as for w in check_numbers(SecondLook(images), [before])[0].words)
    # Nor does a number that follows no word a year is printed after (a house number: "nhà 1982").
    at = next(k for k, w in enumerate(after.words) if w.read_as)
    words = list(before.words)
    words[at - 1] = replace(words[at - 1], text="nhà")
    look = SecondLook(images, unsmoothed={1: page.unsmoothed_image_path})
    assert not any(w.read_as for w in check_numbers(look, [replace(before, words=words)])[0].words)


def test_a_value_is_marked_read_alike_glyph_by_glyph_only_as_printed_in_words_so_marked():
    def value(*texts: str, agree: bool = True):
        words = [Word(t, (100 + 200 * k, 100, 280 + 200 * k, 130), 0.9, 0, glyphs_agree=agree) for k, t in
                 enumerate(texts)]
        return read("date_of_birth", "date", Piece.of_row(Row(1, tuple(words)), 0, len(" ".join(texts))))

    assert value("13/01/2000").glyphs_agree and not value("13/01/2000", agree=False).glyphs_agree
    # A date the reader repaired is no reading the classifier gave: a day's lost 0 ("64/11/1931"), a century.
    for printed in ("64/11/1931", "12/05/1459", "39/7/1959"):
        got = value(printed)
        assert got is not None and not got.glyphs_agree, printed


def test_a_date_mended_glyph_by_glyph_holds_against_two_re_readings_that_misread_another_digit(tmp_path):
    """Seed 990291: Liberation Mono, 200 dpi, blurred. Tesseract reads the birth date "25/16/1989"; the classifier
    reads the month's 0 and every other glyph alike. Enlarged, the English model reads the day's 5 as 6 twice."""
    doc = make_document(990291, "birth_certificate", "hard", registry=make_registry(990000, 5000))
    truth = doc.truth["persons"][0]["fields"]["date_of_birth"]
    ocr = _ocr(doc, tmp_path)
    born = next(p for p in extraction_from_ocr(ocr).persons if p.role == "subject").fields["date_of_birth"]
    assert born.value == truth == "1989-10-25"
    assert any(r.startswith(GLYPH_CHECKED) for r in born.reasons)


def test_a_digit_the_page_reading_got_wrong_is_mended_before_anything_is_extracted(tmp_path):
    # A clean birth certificate whose hOCR is given the ID with an impossible century digit 8, as Tesseract reads a
    # smudged 0: the glyph is a 0 like the page's other 0s, and the ID is read right with no second look at it.
    doc = make_document(7, "birth_certificate", "clean")
    cid = doc.truth["persons"][0]["fields"]["citizen_id"]
    ocr = _ocr(doc, tmp_path)
    hocr = Path(ocr.pages[0].hocr_path)
    original = hocr.read_text(encoding="utf-8")
    assert cid[3] == "0" and original.count(cid) == 1
    hocr.write_text(original.replace(cid, cid[:3] + "8" + cid[4:]), encoding="utf-8")
    first = extraction_from_ocr(ocr, second_look=False).persons[0].fields["citizen_id"]
    checked = extraction_from_ocr(ocr).persons[0].fields["citizen_id"]
    assert first.value != cid and any("century/gender digit 8" in r for r in first.reasons)
    assert checked.value == cid
    assert not any(r.startswith("re-read") for r in checked.reasons)
    assert f"{GLYPH_CHECKED}: Tesseract read '{cid[:3]}8{cid[4:]}'" in checked.reasons
