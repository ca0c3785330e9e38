"""A card's fields: bilingual labels, values under their labels, and the machine-readable zone (its checked ID
and birth date, its name line read through OCR's slips and specks) against what the card front prints.

Hand-written word layouts, as in ``tests.test_fields``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from extract.layout import PageText, Row
from extract.mrz import check_digit
from extract.values import Candidate
from ocr.hocr import Word
from tests.test_doctype import layout
from tests.test_fields import TODAY, extract, person, values


def _mrz(cid: str, born: str, sex: str, name: str) -> list[str]:
    doc = cid[3:]
    line1 = f"IDVNM{doc}{check_digit(doc)}{cid}<<"
    line1 += check_digit(line1)
    line2 = f"{born}{check_digit(born)}{sex}991231{check_digit('991231')}VNM<<<<<<<<<<<3"
    parts = name.split()
    line3 = (parts[0] + "<<" + "<".join(parts[1:]) + "<" * 30)[:30]
    return [line1, line2, line3]


def test_card_bilingual_labels_values_under_labels_and_the_mrz():
    mrz = _mrz("001038631122", "381108", "M", "LUONG VAN AN")
    ex = extract(layout([
        [(500, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(600, "CĂN CƯỚC CÔNG DÂN")],
        [(600, "Citizen Identity Card")],
        [(300, "FE>"), (600, "Số / No.: 001038631122")],
        [(600, "Họ và tên / Full name:")],
        [(560, "Í J. LƯỜNGVĂNAN")],  # a speck from the photo edge, words run together
        [(600, "Ngày sinh / Date of birth: 08/11/1938")],
        [(600, "Giới tính / Sex: Nam"), (1000, "Quốc tịch / Nationality: Việt Nam")],
        [(600, "Quê quán / Place of origin:")],
        [(600, "Thịnh Long, Đông Anh, Hà Nội")],
        [(400, "Ngày, tháng, năm / Date, month, year:")],
        [(400, "05/03/2019")],
        [(400, "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ")],
        [(400, "HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI")],
        *[[(300, line)] for line in mrz],
    ]))
    assert ex.doc_type == "id_card"
    holder = values(person(ex, "holder"))
    assert holder == {"citizen_id": "001038631122", "full_name": "LƯỜNG VĂN AN", "date_of_birth": "1938-11-08",
                      "gender": "male", "nationality": "Việt Nam", "place_of_origin": "Thịnh Long, Đông Anh, Hà Nội"}
    assert person(ex, "holder").fields["citizen_id"].confidence > 0.95  # printed and MRZ agree
    assert {k: f.value for k, f in ex.fields.items()} == {
        "document_date": "2019-03-05", "document_number": "001038631122",
        "issuing_authority": "CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"}


def _card(*rows) -> list:
    return [
        [(500, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(600, "CĂN CƯỚC CÔNG DÂN")],
        [(600, "Số / No.: 001038631122")],
        *rows,
    ]


@pytest.mark.parametrize(("printed", "origin"), [
    # Seeds 1060102, 1050102 (hard): the English half read past recognition, the Vietnamese half found alone.
    ([[(600, "Quê quán / Ptace of 092m")], [(600, "Thịnh Long, Đông Anh, Hà Nội")]], "Thịnh Long, Đông Anh, Hà Nội"),
    ([[(600, "Quê quán / Place of ọvi Qán: Yên Sở, Mai Châu, Hòa Bình")]], "Yên Sở, Mai Châu, Hòa Bình"),
    # Half of it lost: the place's words fill the letters it lacks, but a place's words are no English.
    ([[(600, "Quê quán / Place of Phú Lạc, Đại Từ, Thái Nguyên")]], "Phú Lạc, Đại Từ, Thái Nguyên"),
    # ... nor a highland place's, no Vietnamese syllables but words as printed.
    ([[(600, "Quê quán / Ptace of 092m Ea Kar, Đắk Lắk")]], "Ea Kar, Đắk Lắk"),
])
def test_a_labels_english_half_read_garbled_opens_no_value(printed, origin):
    ex = extract(layout(_card(
        [(600, "Họ và tên: LÊ NAM")],  # the English half lost whole: the name is 0.5 alike to "Full name"
        [(600, "Ngày sinh / Dafe ot bìrth: 08/11/1938")],
        *printed,
    )))
    holder = values(person(ex, "holder"))
    assert (holder["place_of_origin"], holder["full_name"], holder["date_of_birth"]) == (
        origin, "LÊ NAM", "1938-11-08")


def test_a_line_left_of_the_address_label_with_a_garbled_label_of_its_own_is_no_part_of_the_address():
    # Seed 1060005 (hard): the expiry line under the photo, its label garbled, read as the address's next row.
    residence = "Nơi thường trú / Piace of res'2ece: Ấp Bình Thạnh, Tân An, Củ Chi, Hồ Chí Minh"
    ex = extract(layout(_card(
        [(600, "Họ và tên / Full name:")],
        [(600, "LƯƠNG VĂN AN")],
        [(600, residence)],
        [(150, "Có giá tị đóo ! Date oí expey: Không thời hàn")],
    ), width=600 + 22 * (len(residence) + 2)))
    assert values(person(ex, "holder"))["permanent_address"] == "Ấp Bình Thạnh, Tân An, Củ Chi, Hồ Chí Minh"


def test_old_identity_card_gives_the_old_number():
    ex = extract(layout([
        [(500, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(600, "GIẤY CHỨNG MINH NHÂN DÂN")],
        [(600, "Số: 024525147")],
        [(400, "Họ tên: NGUYỄN VĂN THÁI")],
        [(400, "Sinh ngày: 12/05/1983")],
        [(400, "Nguyên quán: Xã Trung Hòa, huyện Bình Chánh")],
        [(400, "Nơi ĐKHK thường trú: Ấp Phú Hưng, xã Trung Hòa")],
    ]))
    assert ex.doc_type == "id_card"
    assert values(person(ex, "holder")) == {
        "old_id_number": "024525147", "full_name": "NGUYỄN VĂN THÁI", "date_of_birth": "1983-05-12",
        "place_of_origin": "Xã Trung Hòa, huyện Bình Chánh", "permanent_address": "Ấp Phú Hưng, xã Trung Hòa"}
    assert ex.fields["document_number"].value == "024525147"


def _front(id_line: str, birth_line: str) -> list:
    return [
        [(500, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(600, "CĂN CƯỚC CÔNG DÂN")],
        [(600, id_line)],
        [(600, "Họ và tên / Full name:")],
        [(600, "NGUYỄN MINH HÙNG")],
        [(600, birth_line)],
        [(600, "Giới tính / Sex: Nam"), (1000, "Quốc tịch / Nationality: Việt Nam")],
        [(600, "Có giá trị đến / Date of expiry: 04/11/2036")],
        [(400, "Ngày, tháng, năm / Date, month, year:")],
        [(400, "05/03/2021")],
    ]


def test_a_birth_date_under_a_garbled_label_is_the_one_date_in_the_ids_birth_year():
    # Seed 1060296, a 150 dpi copy: "Ngày sinh / Date of birth" read past recognition; the ID says born in 1976.
    holder = person(extract(layout(_front("Số / No.: 040076473982", 'gây si" / Daào cớ be: 4/11/1976'))), "holder")
    born = holder.fields["date_of_birth"]
    assert born.value == "1976-11-04" and born.confidence <= 0.6
    assert born.reasons == ("the only whole date the card prints in the birth year its ID gives",)
    # An ID misread in its year digits finds no date of its year: nothing is taken.
    holder = person(extract(layout(_front("Số / No.: 040054473982", 'gây si" / Daào cớ be: 4/11/1976'))), "holder")
    assert "date_of_birth" not in holder.fields
    # Two dates in the ID's year (a child's card issued the year she was born): neither is taken.
    page = layout([*_front("Số / No.: 001324473982", 'gây si" / Daào cớ be: 4/11/2024')[:-1], [(400, "20/12/2024")]])
    assert "date_of_birth" not in person(extract(page), "holder").fields
    page = layout([*_front("Số / No.: 001324473982", 'gây si" / Daào cớ be: 4/11/2024')])  # century digit 3: 2024
    assert person(extract(page), "holder").fields["date_of_birth"].value == "2024-11-04"
    # Read under its label, the date needs no year to be found by.
    holder = person(extract(layout(_front("Số / No.: 040076473982", "Ngày sinh / Date of birth: 04/11/1976"))),
                    "holder")
    assert holder.fields["date_of_birth"].reasons == ()


def test_a_misread_mrz_is_ignored():
    mrz = _mrz("001038631122", "381108", "M", "LUONG VAN AN")
    mrz[0] = mrz[0].replace("0386", "6386")  # the check digit no longer holds
    ex = extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(600, "Họ và tên / Full name:")], [(600, "LƯỜNG VĂN AN")],
                         *[[(300, line)] for line in mrz]]))
    assert "citizen_id" not in person(ex, "holder").fields



def _with_composite(lines: list[str]) -> list[str]:
    """The zone's lines with the composite check digit (ICAO 9303 TD1) that holds, each read twice."""
    from extract.mrz import check_digit

    first, middle = lines[0], lines[1]
    upper = first[5:]  # from the document number on
    dates = middle[:7] + middle[8:15] + "<" * 11
    return [first, first, middle[:-1] + check_digit(upper + dates), middle[:-1] + check_digit(upper + dates), lines[2]]


def test_an_id_the_zone_gives_is_proved_where_its_check_digits_cover_the_province_code():
    # The zone's ID is the card's own where every digit is checked (tests.test_matching): its last nine by their
    # check digit, its province code by the composite check digit or a printed number that agrees. One reading of
    # the zone may have misread the province code ("038" for 036) and is one reading among others.
    from extract.mrz import ZONE_PROOF

    def proved(zone: list[str], printed: str | None = None) -> bool:
        number = [[(300, "FE>"), (600, f"Số / No.: {printed}")]] if printed else []
        ex = extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], *number, *[[(300, line)] for line in zone]]))
        return ZONE_PROOF in person(ex, "holder").fields["citizen_id"].reasons

    mrz = _mrz("040076473982", "761104", "M", "NGUYEN NINH HUNG")
    assert not proved(mrz)  # the composite check digit not read alike twice
    assert proved(_with_composite(mrz))
    assert proved(mrz, "040076473982")
    assert not proved(mrz, "040076478982")  # the front says another number
    assert not proved(_with_composite(mrz), "040076478982")
    front_only = extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(300, "FE>"), (600, "Số / No.: 040076473982")]]))
    assert ZONE_PROOF not in person(front_only, "holder").fields["citizen_id"].reasons


def test_stray_characters_on_the_zone_lines_do_not_hide_their_checked_values():
    # As read off a 150 dpi card (seed 940005): a speck after the birth line, an 'é' among the name's fillers.
    lines = _mrz("089098002163", "981123", "M", "VU VAN VIET")
    lines[1] = lines[1][:-1] + "§"
    lines[2] = lines[2][:-8] + "«é«" + lines[2][-5:]
    holder = person(extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], *[[(300, line)] for line in lines]])), "holder")
    assert holder.fields["date_of_birth"].value == "1998-11-23" and holder.fields["gender"].value == "male"
    assert holder.fields["full_name"].value == "VU VAN VIET"  # the name line: letters and fillers only
    assert holder.fields["citizen_id"].value == "089098002163"
    # Seed 920102: a speck on the birth line's first character, its sex letter read "P", and specks after it in a
    # word of their own ("ˆ."). The birth date passes its check digit where the line starts after the speck.
    born = _mrz("079081200849", "811117", "M", "NGUYEN VAN AN")
    born[1] = "." + born[1][:7] + "P." + born[1][8:]
    holder = person(extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], *[[(300, line)] for line in born[1:]],
                                    [(300, born[1]), (1500, "ˆ.")]])), "holder")
    assert holder.fields["date_of_birth"].value == "1981-11-17" and "gender" not in holder.fields
    # Seed 1010005: a speck read as a word "F" of its own before the line, in the one reading whose date holds.
    born = _mrz("079160200849", "600620", "F", "TRAN PHUONG LY")
    holder = person(extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(300, born[0])],
                                    [(200, "F"), (300, born[1])], [(300, born[2])]])), "holder")
    assert holder.fields["date_of_birth"].value == "1960-06-20"
    assert holder.fields["citizen_id"].value == "079160200849" and holder.fields["gender"].value == "female"
    # A digit misread as a stray character fails its check digit: no value is made of it.
    lines[1] = "98?1234" + lines[1][7:]
    holder = person(extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], *[[(300, line)] for line in lines]])), "holder")
    assert "date_of_birth" not in holder.fields


def test_specks_beside_the_zones_name_line_and_one_in_it_leave_the_name_a_garbled_label_lost():
    # A 150 dpi card (seed 1010102): the name label read as "Mác và tên / Fe nang", the zone's name line with a
    # speck on either end and one in the given name; the zone's first two lines unreadable. The zone's name finds
    # the printed row.
    mrz = _mrz("091204770059", "040806", "M", "LE DINH NHAT")
    name_line = "Ị " + mrz[2][:11] + "¿" + mrz[2][12:21] + "é" + mrz[2][22:] + " ` ễ )"
    assert "NH¿T" in name_line
    page = layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(600, "Số / No.: 091204770059")], [(600, "Mác và tên / Fe nang")],
                   [(600, "LẺ ĐÌNH NHẬT")], [(300, name_line)]])
    holder = person(extract(page), "holder").fields
    assert holder["full_name"].value == "LÊ ĐÌNH NHẬT"
    assert holder["citizen_id"].value == "091204770059"


def test_a_zone_family_name_read_with_its_mark_is_no_speck():
    # The page's model reads a zone's "LE<<" as "LÊ" and may lose its fillers: two characters, no speck.
    mrz = _mrz("091204770059", "040806", "M", "LE DINH NHAT")
    page = layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(600, "Họ và tên / Full name:")], [(600, "LẺ ĐÌNH NHẬT")],
                   [(300, "LÊ " + mrz[2][4:])]])
    assert person(extract(page), "holder").fields["full_name"].value == "LÊ ĐÌNH NHẬT"


@pytest.mark.parametrize(("born", "want", "why"), [
    ("381108", "1938-11-08", "plausible age"),  # 2038 is still to come
    ("100315", "2010-03-15", "plausible age"),  # a holder born in 1910 would be 115
    ("250710", "1925-07-10", "plausible age"),  # born last month: no card holder
    ("120101", "2012-01-01", "century unsure"),  # 13 or 113 years old: neither is a usual holder
])
def test_a_zone_birth_date_without_an_id_takes_its_century_from_the_holders_age(born, want, why):
    mrz = _mrz("001038631122", born, "M", "LUONG VAN AN")
    ex = extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], *[[(300, line)] for line in mrz[1:]]]))
    holder = person(ex, "holder").fields
    assert "citizen_id" not in holder
    assert holder["date_of_birth"].value == want
    assert any(why in r for r in holder["date_of_birth"].reasons)
    assert (holder["date_of_birth"].confidence < 0.7) == (why == "century unsure")


def test_specks_under_the_name_label_do_not_hide_the_name_the_zone_spells():
    mrz = _mrz("017306485209", "060116", "F", "LE NGOC TRANG")
    page = layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(600, "Họ và tên / Full name:")], [(600, "FƯII")],
                   [(560, "LÊ NGỌC TRANG")], *[[(300, line)] for line in mrz]])
    specks = [replace(w, confidence=0.06) if w.text == "FƯII" else w for w in page.words]
    holder = person(extract(replace(page, words=specks)), "holder").fields
    assert holder["full_name"].value == "LÊ NGỌC TRANG"


@pytest.mark.parametrize(("printed", "confidence", "want"), [
    ("NGUYỄN NGA IAN", 0.12, "NGUYỄN THI LAN"),
    ("NGUYỄN NGA IAN", 0.9, "NGUYỄN NGA IAN"),  # read with confidence, the front stands
    ("NGUYỄN THỊ LÂM", 0.3, "NGUYỄN THỊ LÂM"),  # a name as printed, however unsure: the zone has no check digit
])
def test_a_front_name_read_worse_than_the_zone_gives_way_to_the_zones_letters(printed, confidence, want):
    # A 150 dpi card front (seed 930102): "NGUYỄN NGA IAN" at 0.12; the zone reads NGUYEN THI LAN. The printed word
    # the zone spells alike keeps its marks.
    mrz = _mrz("079193921877", "930612", "F", "NGUYEN THI LAN")
    page = layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(600, "Họ và tên / Full name:")], [(560, printed)],
                   *[[(300, line)] for line in mrz]])
    weak = [replace(w, confidence=confidence) if w.text in printed.split() else w for w in page.words]
    name = person(extract(replace(page, words=weak)), "holder").fields["full_name"]
    assert name.value == want
    assert name.confidence <= 0.6


@pytest.mark.parametrize(("readings", "want", "sure"), [
    ((("THỊ LAN", 0.57), ("NGUYỄN THỊ LAN", 0.5)), "NGUYỄN THỊ LAN", False),  # the zone spells the second
    ((("THỊ LAN", 0.57), ("NGUYỄN THỊ LÂN", 0.5)), "NGUYỄN THỊ LÂN", False),  # its marks aside
    ((("THỊ LAN", 0.57), ("NGUYỄN THỊ IAN", 0.5)), "THỊ LAN", False),  # neither: the surer reading, in doubt
    ((("THỊ LAN", 0.57), ("NGUYỄNTHỊ LAN", 0.5)), "NGUYỄN THỊ LAN", False),  # spaced as the zone, in doubt all the same
    ((("NGUYỄN THỊ LÂM", 0.9), ("NGUYỄN THỊ LAN", 0.2)), "NGUYỄN THỊ LÂM", False),  # read far less surely: no vote
    ((("NGUYỄNTHỊ LAN", 0.5), ("NGUYỄN THỊ LAN", 0.45)), "NGUYỄN THỊ LAN", True),  # alike but for a space
])
def test_of_two_readings_of_a_front_the_one_the_zone_spells_is_the_name(readings, want, sure):
    # Seeds 1050296 and 980296: the card front read "THỊ LAN" (the family name lost in the photo's edge) and, again,
    # "NGUYỄN THỊ LAN"; the zone's NGUYEN<<THI<LAN is the second reading's letters.
    from extract.settle import settle
    cands = [Candidate("full_name", value, conf) for value, conf in readings]
    zone = Candidate("full_name", "NGUYEN THI LAN", 0.8, source="mrz")
    name = settle({"full_name": [*cands, zone]}, TODAY)["full_name"]
    assert name.value == want
    assert (name.confidence >= 0.9) if sure else (name.confidence <= 0.6)  # disagreeing readings stay in doubt


def test_the_zones_checked_birth_date_wins_over_a_printed_date_that_differs():
    # On a 150 dpi card the printed "1987" read as "1967"; the zone's date has a check digit.
    mrz = _mrz("001187971044", "871126", "F", "PHAM THI HUONG")
    ex = extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(600, "Số / No.: 001187971044")],
                         [(600, "Ngày sinh / Date of birth: 26/11/1967")], *[[(300, line)] for line in mrz]]))
    born = person(ex, "holder").fields["date_of_birth"]
    assert born.value == "1987-11-26"
    assert born.alternatives == ("1967-11-26",)
    assert "the printed date reads 1967-11-26; the machine-readable zone's check digit holds" in born.reasons
    assert "century taken from the ID's century digit" in born.reasons


def test_a_zone_birth_date_must_be_a_calendar_day_and_two_printed_readings_stand_against_it():
    from extract.mrz import check_digit, find_mrz
    from extract.settle import settle_date

    # "921345" has the check digit of "920315": no birth date is made of it.
    line = "921345" + check_digit("921345") + "F3001011VNM<<<<<<<<<<<8"
    found = find_mrz([PageText(1, 0, 0, (Row(1, (Word(line, (0, 0, 10, 10), 0.5, 0),)),))])
    assert found is None or found.birth is None
    # The printed date read alike twice against the zone: it stays, less sure, with the zone's date as a reason.
    printed = [Candidate("date_of_birth", "1992-03-15", 0.9), Candidate("date_of_birth", "1992-03-15", 0.8,
                                                                       fallback=True)]
    zone = Candidate("date_of_birth", "920316", 0.97, source="mrz")
    kept = settle_date([*printed, zone], TODAY)
    assert kept.value == "1992-03-15" and kept.confidence < 0.9
    assert "the machine-readable zone says 920316 (YYMMDD)" in kept.reasons
    # Read once, the zone's date wins; not one whose digits were read back by its check digit (extract.mrz).
    assert settle_date([printed[0], zone], TODAY).value == "920316"
    repaired = Candidate("date_of_birth", "920316", 0.87, source="mrz", reasons=("read back",))
    assert settle_date([printed[0], repaired], TODAY).value == "1992-03-15"


def test_a_misread_id_does_not_place_the_zones_birth_date():
    # The printed ID misread with another century and year ("019270008064"): its century digit says 2000s, but
    # its year digits are not the zone's, so the holder's age places the date.
    mrz = _mrz("079076806064", "760507", "M", "DANG THANH AN")
    ex = extract(layout([[(600, "CĂN CƯỚC CÔNG DÂN")], [(300, "FE>"), (600, "Số / No.: 019270008064")],
                         *[[(300, line)] for line in mrz[1:]]]))
    holder = person(ex, "holder").fields
    assert holder["date_of_birth"].value == "1976-05-07"
    assert "century taken from the card holder's plausible age" in holder["date_of_birth"].reasons


@pytest.mark.parametrize(("line", "parts"), [
    ("DANG<<THANH<AN<<<<<C", ("DANG", "THANH", "AN")),  # fillers read as letters after the name
    ("NGO<<VANKCUONG<<<<<<", ("NGO", "VAN", "CUONG")),  # one filler read as K between two names
    ("QUACHK<VAN<AN<<<<", ("QUACH", "VAN", "AN")),
    ("LE<<THI<KHOA<<<", ("LE", "THI", "KHOA")),
    ("NGUYEN<<VAN<ANK<<<<", ()),  # ANK may be ANH misread: not cut to AN
    ("LE<<VANKHOA<<<", ()),  # VAN<KHOA or VAN<HOA: not guessed
    ("THIKHOAKCKKK", ()),
    # Readings from 150 dpi cards: trailing fillers dropped, letters read as digits or look-alike capitals.
    ("LUONG<<THI<TUYET<<", ("LUONG", "THI", "TUYET")),
    ("?NGUYEN<<TH1<LAN<<<<<<<<<C<<<<<", ("NGUYEN", "THI", "LAN")),
    ("NGUYEN<<VAN<S0N<<<<<<<<<<<<<<<", ("NGUYEN", "VAN", "SON")),
    ("WGUYEN<<QUOC<HOA<<<<<<<<", ("NGUYEN", "QUOC", "HOA")),
    ("WOANG<<THICQUYENS<<<", ("HOANG", "THI", "QUYEN")),
    ("VI<KTHI<LAN<C<", ("VI", "THI", "LAN")),
    ("NGUYENC<VANETHANH<<K", ("NGUYEN", "VAN", "THANH")),
    ("QUACH<<VANE", ()),  # cut short: no filler after the last word
    ("VW<<VAN<V1ET<<<<<<<<", ()),  # VW: VU, VI or VO
    ("IDVNM0529684118017052968411<<9", ()),  # the first line
    ("NGUYEN<<THI<LE", ()),  # cut short: LE is a name, not a filler read as letters
    ("NGUYEN<<VANLE<<<", ()),  # VAN<LE or VAN: not guessed
    ("NIE<<KDAM<Y<NGHI<<", ()),  # a K'Đăm loses no letter
    # A speck read as a stray character (``?``) in a word: the one common name it leaves (seed 1010102).
    ("LE<<DINH<NH?T<<<<<<<<<?<<<<<<<<", ("LE", "DINH", "NHAT")),
    ("LE<<DINH<NH?AT<<<<<<<<", ("LE", "DINH", "NHAT")),  # a speck between two letters
    ("LE<<DINH<NHA?<<<<<<<<", ()),  # NHAN or NHAT: not guessed
    ("LE<<DINH<N??T<<<<<<<<", ()),  # two strays: no reading
])
def test_the_zones_name_line(line, parts):
    from extract.zone_name import name_parts

    assert name_parts(line) == parts


def test_a_name_line_read_as_printed_outvotes_repaired_readings():
    from extract.layout import PageText, Row
    from extract.mrz import find_mrz
    from ocr.hocr import Word

    lines = ["TRAW<<THI<TRANG<<<<<<<<", "TRAM<<THI<TRANG<<<<<<<<", "TRAN<<THI<TRANG<<<<<<<<"]
    rows = tuple(Row(1, (Word(s, (0, 0, 10, 10), 0.5, 0),)) for s in lines)
    assert find_mrz([PageText(1, 0, 0, rows)]).names == ("TRAN", "THI", "TRANG")
    assert find_mrz([PageText(1, 0, 0, rows[:2])]).names == ("TRAM", "THI", "TRANG")
    # A name line shorter than a zone line: OCR dropped its trailing fillers.
    short = (Row(1, (Word("LUONG<<THI<TUYET<<", (0, 0, 10, 10), 0.5, 0),)),)
    assert find_mrz([PageText(1, 0, 0, short)]).names == ("LUONG", "THI", "TUYET")
