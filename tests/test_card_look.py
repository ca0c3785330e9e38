"""Second look at a card's face: its block of print found from the ink, read whole by real Tesseract, parsed
again, and the holder's values kept only where the readings agree or the machine-readable zone proves them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from config.templates import load_templates
from extract import card_look
from extract.card_blocks import blocks
from extract.card_look import _printed_id, _tight, front_values, vote
from extract.fields import extraction_from_ocr
from extract.layout import PageText, Row
from extract.mrz import BIRTH_REPAIRED_BY_FACE, Mrz
from extract.persons import PersonBuilder
from extract.reader import walk
from extract.second_look import Spot
from extract.values import Candidate
from ocr.gaps import ink_height
from ocr.hocr import Word
from ocr.lines import LineWord
from tests.synth import make_document
from tests.synth.people import make_registry
from tests.test_fields import _ocr

BLOCK = "read from the card's face as a block"
TODAY = date(2025, 6, 1)


def _c(field: str, value: str, conf: float = 0.6) -> Candidate:
    return Candidate(field, value, conf, 1, (0, 0, 10, 10))


def test_the_name_the_zone_spells_is_taken_with_the_marks_most_readings_give():
    zone = Mrz(names=("NGUYEN", "VAN", "THANH"))
    reads = [_c("full_name", "NGUYỄN VĂN THÀNH", 0.4), _c("full_name", "NGHIÊM VĂN THÀNÀ", 0.9),
             _c("full_name", "NGUYỄN VĂN THÀNH", 0.6), _c("full_name", "DU", 0.2)]
    got = vote("full_name", reads, zone, TODAY)
    assert got is not None and got.value == "NGUYỄN VĂN THÀNH"
    assert got.confidence == 0.85 and any(r.startswith(BLOCK) for r in got.reasons)  # specks are no other value


def test_marks_one_reading_alone_gives_keep_its_confidence_and_other_marks_lower_it():
    zone = Mrz(names=("NGUYEN", "VAN", "THANH"))
    one = vote("full_name", [_c("full_name", "NGUYỄN VĂN THANH", 0.3)], zone, TODAY)
    assert one is not None and one.confidence == 0.3
    split = [_c("full_name", "NGUYỄN VĂN THÀNH")] * 2 + [_c("full_name", "NGUYỄN VĂN THANH")]
    assert vote("full_name", split, zone, TODAY).confidence == pytest.approx(0.85 * 0.6)
    tie = [_c("full_name", "NGUYỄN VĂN THÀNH"), _c("full_name", "NGUYỄN VĂN THANH")]
    assert vote("full_name", tie, zone, TODAY) is None


def test_a_name_the_zone_does_not_spell_is_not_taken_however_often_read():
    zone = Mrz(names=("TRAN", "THI", "TRANG"))
    assert vote("full_name", [_c("full_name", "TRẦN THỊ TRANH")] * 3, zone, TODAY) is None


def test_a_name_one_letter_off_the_zone_counts_only_where_the_zones_word_is_no_name_for_its_place():
    """The zone has no check digit on its name: "TRAM" (N read M) is no family name, TRẦN printed is. A given
    name read one letter off ("DŨNG" for the zone's HUNG) is not, nor a given name the zone reads as a name."""
    got = vote("full_name", [_c("full_name", "TRẦN THỊ TRANG", 0.43), _c("full_name", "TRẦN THỊ TRAMC")],
               Mrz(names=("TRAM", "THI", "TRANG")), TODAY)
    assert got is not None and got.value == "TRẦN THỊ TRANG"
    assert vote("full_name", [_c("full_name", "NGUYỄN VĂN DŨNG")] * 2, Mrz(names=("NGUYEN", "VAN", "HUNG")),
                TODAY) is None
    assert vote("full_name", [_c("full_name", "NGUYỄN NGỌC TRẦN")] * 2, Mrz(names=("NGUYEN", "NGOC", "TRAM")),
                TODAY) is None


def test_without_the_zone_a_value_needs_two_readings_alike_and_most_of_them():
    one = [_c("citizen_id", "075070981211"), _c("citizen_id", "075070981241")]
    assert vote("citizen_id", one, None, TODAY) is None
    two = [*one, _c("citizen_id", "075070981211", 0.5)]
    got = vote("citizen_id", two, None, TODAY)
    assert got is not None and got.value == "075070981211" and got.confidence == pytest.approx(0.55 * 0.6)
    low = vote("citizen_id", [_c("citizen_id", "075070981211", 0.01)] * 2, None, TODAY)
    assert low is not None and low.confidence == 0.5
    half = [*[_c("citizen_id", "075070981211")] * 2, *[_c("citizen_id", "075070981241")] * 2]
    assert vote("citizen_id", half, None, TODAY) is None


def test_a_birth_date_counts_only_as_the_zone_has_it_century_included():
    zone = Mrz(birth="700527")
    reads = [_c("date_of_birth", "1970-09-27"), _c("date_of_birth", "1970-09-27"), _c("date_of_birth", "1970-05-27")]
    got = vote("date_of_birth", reads, zone, TODAY)
    assert got is not None and got.value == "1970-05-27"
    assert vote("date_of_birth", [_c("date_of_birth", "1870-05-27")] * 2, zone, TODAY) is None


def test_a_birth_date_the_zone_cannot_prove_is_not_taken_however_often_read():
    reads = [_c("date_of_birth", "1970-09-27"), _c("date_of_birth", "1970-09-27")]
    assert vote("date_of_birth", reads, None, TODAY) is None
    assert vote("date_of_birth", reads, Mrz(names=("NGUYEN", "AN")), TODAY) is None


def test_an_id_the_zone_does_not_carry_must_fit_the_holder_the_zone_describes():
    reads = [_c("citizen_id", "079276806064", 0.74)] * 2  # century digit 2: born 2076
    assert vote("citizen_id", reads, Mrz(birth="760507"), TODAY) is None
    assert vote("citizen_id", [_c("citizen_id", "079076806064")] * 2, Mrz(birth="760507", sex="female"),
                TODAY) is None
    got = vote("citizen_id", [_c("citizen_id", "079076806064")] * 2, Mrz(birth="760507", sex="male"), TODAY)
    assert got is not None and got.value == "079076806064"
    assert vote("citizen_id", [_c("citizen_id", "079076806064")] * 2, Mrz(birth="810507"), TODAY) is None


def test_an_id_run_into_its_misread_label_is_found_without_it():
    def row(text: str) -> Row:
        return Row(1, tuple(Word(t, (0, 0, 10, 10), 0.1, 0) for t in text.split()))

    assert _printed_id([row("Sổ/7No.+075070981211- - s.")]).value == "075070981211"
    assert _printed_id([row("IDVNM0981211075075070981211<<2")]) is None  # the zone's copy
    assert _printed_id([row("Sổ/No.'07507098121.")]) is None  # eleven digits
    assert _printed_id([row("No.075070981211"), row("Hạn 001070981211")]) is None  # two IDs: neither


def test_a_place_from_a_block_reading_is_cut_to_the_prints_own_height():
    spot = Spot("citizen_id", "person_id", 1, (860, 533, 1131, 566), 33.0, True)
    tight = _tight(spot, 21.0)
    assert tight.region == (860, 539, 1131, 560) and tight.height == 21.0 and tight.digits


def _lines(image: np.ndarray, x0: int, y0: int, count: int, pitch: int, size: int = 14) -> None:
    """Rows of letter-like ink blobs, the way a block of small print looks to the ink finder."""
    for k in range(count):
        y = y0 + k * pitch
        for x in range(x0, x0 + 300, size + 6):
            image[y:y + size, x:x + size - 4] = 20


def test_blocks_of_print_are_found_from_the_ink_even_where_nothing_was_read():
    image = np.full((900, 700), 235, np.uint8)
    _lines(image, 100, 80, 8, 26)  # a card's face: eight lines close together
    _lines(image, 100, 520, 5, 26)  # its back, well below
    _lines(image, 100, 780, 2, 26)  # two lines are no face
    page = PageText(1, 700, 900, ())
    assert 16 <= ink_height(image, 180.0) <= 24
    found = blocks(page, image, ink_height(image, 180.0), 180.0)
    assert len(found) == 2
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = found
    assert bx0 < 100 and bx1 > 390
    assert ay0 < 80 and 80 + 7 * 26 + 14 < ay1 < 520 and ax0 < 100 and ax1 > 390
    assert by0 < 520 < 520 + 4 * 26 + 14 < by1 < 780


def test_a_cards_face_the_page_reading_lost_is_read_as_a_block(tmp_path):
    """A 180 dpi card copy, upside down, grainy and yellowed: the page reading loses the face (its lines read one by
    one come out as specks), so the holder's name is the zone's, without marks, and the zone's ID line is misread.
    Read whole as a block, the face gives the name with its marks in most treatments, and the zone proves its
    letters; the ID's label is found there, and its line, cut at the print's height, reads with the digit plan."""
    doc = make_document(940199, "id_card", "hard", registry=make_registry(940000, 5000))
    truth = doc.truth["persons"][0]["fields"]
    ocr = _ocr(doc, tmp_path)
    first = next((p.fields for p in extraction_from_ocr(ocr, second_look=False).persons if p.role == "holder"), {})
    holder = next(p for p in extraction_from_ocr(ocr).persons if p.role == "holder").fields
    assert truth["full_name"] == "NGUYỄN VĂN THÀNH"
    assert "citizen_id" not in first
    assert "full_name" not in first or first["full_name"].value != truth["full_name"]
    assert holder["full_name"].value == truth["full_name"]
    assert any(r.startswith(BLOCK) for r in holder["full_name"].reasons)
    assert holder["citizen_id"].value == truth["citizen_id"]
    # The zone's birth date ("7005277" read "7966277" and "7805277") has its year digits from that ID.
    assert "date_of_birth" not in first
    assert holder["date_of_birth"].value == truth["date_of_birth"] == "1970-05-27"
    assert BIRTH_REPAIRED_BY_FACE in holder["date_of_birth"].reasons


def test_a_page_the_reading_gave_no_word_is_read_line_by_line(tmp_path):
    """A 150 dpi card copy on a grainy page: Tesseract's layout analysis gives no word at all, so the page was of
    unknown type. Its lines, found on the ink and measured there, read as a citizen identity card."""
    doc = make_document(920005, "id_card", "hard", registry=make_registry(920000, 5000))
    ocr = _ocr(doc, tmp_path)
    assert extraction_from_ocr(ocr, second_look=False).doc_type == "unknown"
    assert extraction_from_ocr(ocr).doc_type == "id_card"


def test_a_card_copy_the_page_reading_made_specks_of_is_known_by_its_blocks(tmp_path):
    """A 150 dpi card copy turned a quarter on a grainy page: the page reading gives specks, neither the card's
    title nor its zone, so the page was of unknown type. Its blocks of print, read whole, give the title."""
    doc = make_document(960005, "id_card", "hard", registry=make_registry(960000, 5000))
    ocr = _ocr(doc, tmp_path)
    assert extraction_from_ocr(ocr, second_look=False).doc_type == "unknown"
    assert extraction_from_ocr(ocr).doc_type == "id_card"


def _reading(*lines: str):
    """A reader giving every crop these lines, and counting the crops it was given."""
    def read(images, **kw):
        read.crops += len(images)
        return [[LineWord(w, 0.9, (20 + 60 * j, 20 + 30 * i, 70 + 60 * j, 40 + 30 * i), i)
                 for i, line in enumerate(lines) for j, w in enumerate(line.split())] for _ in images]
    read.crops = 0
    return read


@pytest.mark.parametrize(("lines", "card"), [
    (("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CĂN CƯỚC CÔNG DÂN", "Số / No: 001190299665", "Họ và tên / Full name:"),
     True),
    (("CĂN CƯỚC CÔNG DÂN", "IDVNM0901992663001090199266<<6"), True),  # a line of its zone
    (("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "GIẤY KHAI SINH", "Họ, chữ đệm, tên: NGUYỄN VĂN AN"), False),
    (("Số / No: 001190299665", "Họ và tên / Full name:", "Giới tính: Nữ"), False),  # labels without the title
    (("Họ, chữ đệm, tên người mẹ: TRẦN THỊ HOA", "Giấy tờ tùy thân:", "CĂN CƯỚC CÔNG DÂN SỐ 001190299665"), False),
    (("GIẤY XÁC NHẬN SỐ CHỨNG MINH NHÂN DÂN", "Có giá trị đến: 09/05/2030"), False),
    (("CĂN CỨ", "Có giá trị đến: 09/05/2030"), False),
    (("CĂN CƯỚC CÔNG DÂN", "Nơi sinh: Hà Nội"), False),  # the title alone: no label or zone line of a card
    (("Số căn cước công dân:", "Có giá trị đến: 09/05/2030"), False),  # the title as a label
])
def test_blocks_make_a_page_of_unknown_type_a_card_only_by_a_cards_title(monkeypatch, lines, card):
    """A card's title on a row of its own, in two readings or more, and a label or zone line of a card: not its
    title inside a longer row (a paper named in a body of text), nor another type's title, nor labels alone."""
    image = np.full((900, 700), 235, np.uint8)
    _lines(image, 100, 300, 8, 26)
    monkeypatch.setattr(card_look, "read_lines", _reading(*lines))
    found = card_look.card_from_blocks(_Look(image), [PageText(1, 700, 900, ())], load_templates())
    assert (found is not None and found.doc_type == "id_card" and found.title == ()) == card


def test_only_pages_whose_blocks_a_face_fits_are_read_for_the_type_and_no_block_is_read_twice(monkeypatch):
    template = next(t for t in load_templates() if t.doc_type == "id_card")
    page = np.full((1500, 1000), 235, np.uint8)
    _lines(page, 100, 100, 40, 26)  # a page of body text: 5.8 inches tall, no card's face
    reader = _reading("CĂN CƯỚC CÔNG DÂN", "Số / No: 001190299665")
    monkeypatch.setattr(card_look, "read_lines", reader)
    assert card_look.card_from_blocks(_Look(page), [PageText(1, 1000, 1500, ())], load_templates()) is None
    _lines(page, 100, 1250, 8, 26)  # a card's face pasted under the text: the page is still no card copy
    assert card_look.card_from_blocks(_Look(page), [PageText(1, 1000, 1500, ())], load_templates()) is None
    assert reader.crops == 0
    image = np.full((900, 700), 235, np.uint8)
    _lines(image, 100, 300, 8, 26)
    look, texts = _Look(image), [PageText(1, 700, 900, ())]
    assert card_look.card_from_blocks(look, texts, load_templates()) is not None
    read = reader.crops
    front_values(look, texts, template, (), {}, None, TODAY)
    assert read == len(card_look.BLOCK_PLAN) and reader.crops == read


class _Look:
    """A second look over one page image whose block readings are whatever the test's reader returns."""

    language = "vie"

    def __init__(self, image: np.ndarray) -> None:
        self.image = image
        self.blocks_found: dict = {}
        self.blocks_read: dict = {}

    def page(self, number: int) -> np.ndarray | None:
        return self.image if number == 1 else None

    def dpi(self, number: int) -> float:
        return 180.0

    def models(self, language: str) -> None:
        return None


def _row(y: int, text: str, conf: float) -> Row:
    x, words = 100, []
    for t in text.split():
        words.append(Word(t, (x, y, x + 12 * len(t), y + 16), conf, y))
        x += 12 * len(t) + 10
    return Row(1, tuple(words))


def test_the_first_readings_values_are_no_votes_of_block_readings_that_read_only_specks(monkeypatch):
    """Each block reading is walked over the whole document; what it did not read itself (the first reading's rows
    outside the block, or its own block's rows it did not replace) must not count as its reading."""
    template = next(t for t in load_templates() if t.doc_type == "id_card")
    image = np.full((900, 700), 235, np.uint8)
    _lines(image, 100, 300, 8, 26)
    _lines(image, 100, 620, 5, 26)
    rows = (_row(80, "Họ và tên / Full name:", 0.6), _row(106, "NGUYÊN VĂN THANH", 0.6))  # above both blocks
    texts = [PageText(1, 700, 900, rows, rows)]
    zone = Mrz(names=("NGUYEN", "VAN", "THANH"))
    builder = PersonBuilder(template)
    for item in walk(texts, template, ()):
        builder.feed(item)
    monkeypatch.setattr(card_look, "read_lines",
                        lambda images, **kw: [[LineWord("~~", 0.2, (10, 10, 30, 30), 0)] for _ in images])
    front = front_values(_Look(image), texts, template, (), builder.values_of("holder"), zone, TODAY)
    assert front.values == () and front.spots == ()


def test_two_faces_a_short_gap_apart_are_two_blocks():
    image = np.full((1400, 700), 235, np.uint8)
    _lines(image, 100, 80, 12, 26)
    _lines(image, 100, 80 + 12 * 26 + 60, 12, 26)  # the back, 60 px (3 line heights) below: one block at first
    found = blocks(PageText(1, 700, 1400, ()), image, ink_height(image, 180.0), 180.0)
    assert len(found) == 2
    front, back = sorted(found, key=lambda b: b[1])
    assert front[3] < back[1] + 40  # each face's pad only


def test_a_card_face_alone_on_a_page_under_one_percent_ink_has_a_print_height():
    image = np.full((2100, 1500), 235, np.uint8)
    _lines(image, 300, 300, 8, 26)  # 8 lines of 15 blobs 10 x 14 px: under 1% of the page
    assert float((image < 128).mean()) < 0.01
    assert 16 <= ink_height(image, 180.0) <= 24
