"""Document type from the OCR rows: the title first, labels only that type prints second, robust to OCR noise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from extract.doctype import classify, classify_detail
from extract.layout import PageText, PageWords, page_from_text, page_text
from ocr.hocr import Word

CHAR_W, LINE_H, LINE_GAP, LEFT = 18, 40, 60, 100


@dataclass(frozen=True)
class Merged:
    """Segments at their own x that Tesseract nevertheless gave as one line (two columns run together)."""

    segments: Sequence[tuple[int, str]]


Line = str | Sequence[tuple[int, str]] | Merged


def layout(lines: Sequence[Line], *, number: int = 1, width: int = 2000, height: int = 2800,
           confidence: float = 0.95, top: int = 100) -> PageWords:
    """A page of words from text lines, as hOCR would give it.

    A line is a string (starting at the left margin) or ``(x, text)`` segments on one row; every segment is a
    separate hOCR line, as Tesseract makes of tab-stopped fields and of columns, unless given as ``Merged``.
    """
    words: list[Word] = []
    line_no = 0
    for i, line in enumerate(lines):
        y = top + i * LINE_GAP
        segments = [(LEFT, line)] if isinstance(line, str) else (line.segments if isinstance(line, Merged) else line)
        for x, text in segments:
            for tok in text.split():
                w = CHAR_W * len(tok)
                words.append(Word(tok, (x, y, x + w, y + LINE_H), confidence, line_no))
                x += w + CHAR_W
            if not isinstance(line, Merged):
                line_no += 1
        line_no += isinstance(line, Merged)
    return PageWords(number, width, height, words)


def pages(*layouts: PageWords) -> list[PageText]:
    return [page_text(p) for p in layouts]


HEADER: list[Line] = [
    [(100, "ỦY BAN NHÂN DÂN"), (900, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [(150, "XÃ LONG HẬU"), (1000, "Độc lập - Tự do - Hạnh phúc")],
    [(150, "Số: 41")],
]


def with_title(title: str, *body: Line) -> list[PageText]:
    return pages(layout([*HEADER, [(700, title)], *body]))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("GIẤY KHAI SINH", "birth_certificate"),
        ("TRÍCH LỤC KHAI SINH", "birth_certificate"),
        ("TRÍCH LỤC GHI VÀO SỔ HỘ TỊCH VIỆC KHAI SINH", "birth_certificate"),
        ("GIẤY CHỨNG NHẬN KẾT HÔN", "marriage_certificate"),
        ("TRÍCH LỤC KẾT HÔN", "marriage_certificate"),
        ("TRÍCH LỤC KHAI TỬ", "death_certificate"),
        ("SỔ HỘ KHẨU", "household_registration"),
        ("CĂN CƯỚC CÔNG DÂN", "id_card"),
        ("GIẤY CHỨNG MINH NHÂN DÂN", "id_card"),
        ("QUYẾT ĐỊNH", "decision"),
    ],
)
def test_title_alone_names_the_type(title, expected):
    doc_type, confidence = classify(with_title(title))
    assert doc_type == expected
    assert confidence > 0.3  # a title alone, no labels: right, but not sure


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("GIẤY KHATI STNH", "birth_certificate"),  # as Tesseract read a mild scan
        ("TRICH LUC KHAI SINH", "birth_certificate"),  # marks lost
        ("GIẦY CHỨNG NHẬN KÉT HÔN", "marriage_certificate"),
        ("TRÍCH LỰC KHAI TỦ", "death_certificate"),
        ("- s8 HỘ KHẨU", "household_registration"),
        ("QUYÊT ĐỊNH", "decision"),
    ],
)
def test_noisy_titles(title, expected):
    assert classify(with_title(title))[0] == expected


def test_two_line_land_title_and_its_copy_mark():
    found = classify(pages(layout([
        [(500, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(600, "Độc lập - Tự do - Hạnh phúc")],
        [(700, "GIẤY CHỨNG NHẬN")],
        [(650, "QUYỀN SỬ DỤNG ĐẤT")],
        "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
    ])))
    assert found[0] == "land_use_certificate"


def test_birth_and_death_extracts_differ_by_their_labels_too():
    birth = with_title("TRÍCH LỤC KHAI SNH", "Họ, chữ đệm, tên: NGUYỄN VĂN AN",
                       "Nơi đăng ký khai sinh: Ủy ban nhân dân xã A", "Họ, chữ đệm, tên người mẹ: LÊ THỊ BA")
    death = with_title("TRÍCH LỤC KHAI TỦ", "Họ, chữ đệm, tên người chết: NGUYỄN VĂN AN",
                       "Nơi cư trú cuối cùng: xã A", "Nguyên nhân chết: Già yếu")
    assert classify(birth)[0] == "birth_certificate"
    assert classify(death)[0] == "death_certificate"


def test_a_decision_speaking_of_a_birth_is_a_decision():
    doc = with_title(
        "QUYẾT ĐỊNH",
        "Về việc cấp lại giấy khai sinh",
        "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
        "Điều 1. Cấp lại Giấy khai sinh cho ông Nguyễn Văn An, sinh ngày 02/03/1980.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    )
    assert classify(doc)[0] == "decision"


def test_title_lost_to_noise_the_labels_decide():
    doc = pages(layout([
        *HEADER,
        [(700, "TR. L.. K... ..")],
        "Họ, chữ đệm, tên người chết: CHU PHƯƠNG MAI",
        "Nơi cư trú cuối cùng: Ấp Mỹ Hòa, xã Tân Phú",
        "Đã chết vào lúc: 17 giờ 10 phút, ngày 02 tháng 07 năm 2014",
        "Nguyên nhân chết: Già yếu",
    ]))
    doc_type, confidence = classify(doc)
    assert doc_type == "death_certificate"
    assert confidence < 0.9  # no title: less sure than with one


def test_a_red_book_whose_title_was_lost_is_known_by_its_owners_label():
    # "Ông (bà)" is the land certificate's own label: a decision's "Giao cho ông (bà)" must not share it.
    doc = pages(layout([
        *HEADER,
        [(700, "GIẤ. CH... NH.. ..")],
        "Ông (bà): NGUYỄN VĂN AN Năm sinh: 1960",
        "CMND số: 024525147",
        "Địa chỉ thường trú: Ấp Phú Hưng, xã Trung Hòa",
    ]))
    doc_type, confidence = classify(doc)
    assert doc_type == "land_use_certificate" and confidence > 0


def test_national_header_alone_is_unknown():
    assert classify(pages(layout(HEADER[:2])))[0] == "unknown"
    assert classify([])[0] == "unknown"


def test_card_labels_are_bilingual():
    card = pages(layout([
        [(400, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(500, "CĂN CƯỚC CÔNG DÂN")],
        [(500, "Citizen Identity Card")],
        [(600, "Số / No.: 001038631122")],
        [(600, "Họ và tên / Full name:")],
        [(600, "LƯỜNG VĂN AN")],
        [(600, "Ngày sinh / Date of birth: 08/11/1938")],
    ]))
    found = classify_detail(card)
    assert found.doc_type == "id_card"
    assert found.title and "CĂN CƯỚC" in found.title[0].text


def test_pages_without_boxes_are_classified_from_their_text():
    text = "\n".join(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỔ HỘ KHẨU",
                      "Họ và tên chủ hộ: ĐẶNG CÔNG AN", "Họ và tên: ĐẶNG CÔNG AN Quan hệ với chủ hộ: Chủ hộ"])
    assert classify([page_text(page_from_text(1, text))])[0] == "household_registration"
