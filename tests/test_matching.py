"""Linking persons to the registry (extract.matching) against a real SQLite registry loaded by import_csv.

The registry is a synthetic population (namesakes at realistic rates, planted same-name-same-birthday pairs)
plus a few hand-made citizens for the cases below.
"""

from __future__ import annotations

import csv
import random
from collections import Counter

import pytest

from extract.evidence import CitizenEntry, evidence_from_fields, id_shape_ok, place_similarity
from extract.ids import mask_id
from extract.matching import MARGIN, NAMELESS_OLD_ID_LINK, match_person, match_persons
from extract.model import Extraction, FieldValue, Person
from extract.places import surely_another_place
from extract.spelling import USUAL_SPELLING
from storage.index import make_engine
from storage.registry import import_csv
from storage.registry_lookup import SqlRegistryLookup
from tests.synth import make_registry, write_registry
from tests.synth.document import FORMS
from tests.synth.forms_common import Cast
from tests.synth.names import ascii_fold

HOME_A = "Thôn Đông, xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định"
HOME_B = "Số 12, đường Lê Lợi, phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội"
HOME_C = "Thôn Trung, xã Hoằng Lộc, huyện Hoằng Hóa, tỉnh Thanh Hóa"
HOME_D = "Ấp 3, xã Tân Thạnh, huyện Bến Lức, tỉnh Long An"
ORIGIN_A = "Xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định"
ORIGIN_B = "Xã Yên Sở, huyện Hoài Đức, thành phố Hà Nội"

# citizen_id, full_name, date_of_birth, gender, old_id_number, place_of_origin, permanent_address
CRAFTED = [
    # Same name, same birthday, same gender: only an ID, the old ID or the address tells them apart.
    ("036085100001", "ĐINH CÔNG KHẢI", "1985-03-18", "male", "162345678", ORIGIN_A, HOME_A),
    ("001085100002", "ĐINH CÔNG KHẢI", "1985-03-18", "male", "", ORIGIN_A, HOME_B),
    ("001085100003", "ĐINH CÔNG KHẢI", "1985-07-02", "male", "", ORIGIN_B, HOME_B),  # a namesake born later
    ("001185100004", "ĐINH THỊ KHẢI", "1985-03-18", "female", "", ORIGIN_A, HOME_A),  # same day, a woman
    ("036190100005", "HUỲNH THỊ NGỌC HÒA", "1990-05-05", "female", "", ORIGIN_A, HOME_A),
    ("079072100006", "VÕ MINH TRIẾT", "1972-11-30", "male", "", ORIGIN_B, HOME_D),
    ("038055100007", "TẠ QUANG HUẤN", "1955-01-01", "male", "", ORIGIN_A, HOME_C),  # year-only father...
    ("038055100008", "TẠ QUANG HUẤN", "1955-08-08", "male", "", ORIGIN_A, HOME_B),  # ...and his namesake
    ("040160100009", "KIỀU THỊ THỦY", "1960-02-02", "female", "", ORIGIN_B, HOME_D),
    ("001178100010", "LẠI THỊ LAN", "1978-09-09", "female", "", ORIGIN_B, HOME_B),
    ("001178100011", "LẠI THỊ LOAN", "1978-09-09", "female", "", ORIGIN_B, HOME_B),
    ("031205100012", "KHỔNG QUỐC BẢO", "2005-04-04", "male", "", ORIGIN_B, HOME_B),
    ("036163100013", "ÔNG VĂN THIỆN", "1963", "male", "", ORIGIN_A, HOME_A),  # the registry knows the year only
    ("036170100014", "BÙI THỊ PHƯƠNG", "1970-06-16", "female", "080268618", ORIGIN_B, HOME_C),
    ("001190100015", "ĐỖ THỊ NGỌC ANH", "1990-07-07", "female", "", ORIGIN_B, HOME_D),  # her twin is not registered
    # Two families: a child and a father printed with his birth year alone, at home with her or not.
    ("036312100016", "KHÚC THỊ MAI", "2012-03-03", "female", "", ORIGIN_A, HOME_A),
    ("036080100017", "KHÚC VĂN QUYẾT", "1980-04-04", "male", "", ORIGIN_A, HOME_A),
    ("036311100018", "PHÍ THỊ MAI", "2011-05-05", "female", "", ORIGIN_A, HOME_A),
    ("001075100019", "PHÍ VĂN LỰC", "1975-06-06", "male", "", ORIGIN_B, HOME_B),
    ("036183100020", "ĐOÀN THỊ XUÂN", "1983-01-01", "female", "", ORIGIN_A, HOME_A),  # KHÚC THỊ MAI's mother
    # Namesakes whose old IDs differ in a digit OCR confuses (3 and 8), their birth dates apart.
    ("045080100023", "KIỀU VĂN KHÁNH", "1980-02-02", "male", "045980003", ORIGIN_A, HOME_A),
    ("045081100024", "KIỀU VĂN KHÁNH", "1981-03-03", "male", "045980008", ORIGIN_B, HOME_B),
    # Twins at one home, their IDs far apart; twins registered apart, their IDs two digits apart.
    ("036172100021", "TẠ THỊ HẠNH", "1972-02-02", "female", "", ORIGIN_A, HOME_C),
    ("036072900022", "TẠ VĂN HÙNG", "1972-02-02", "male", "", ORIGIN_A, HOME_C),
    ("001096100201", "TRƯƠNG VĂN TÙNG", "1996-01-21", "male", "", ORIGIN_A, HOME_A),
    ("001096100277", "TRƯƠNG VĂN BÁCH", "1996-01-21", "male", "", ORIGIN_A, HOME_D),
    # Born the same day, living apart, their old IDs a digit OCR confuses apart (0 and 8); and two more whose old
    # IDs are three such digits apart (0/8, 6/8, 9/0).
    ("036066100025", "LƯU VĂN TOÀN", "1966-06-06", "male", "036600120", ORIGIN_B, HOME_B),
    ("036066100026", "LƯU ĐỨC THỊNH", "1966-06-06", "male", "036600128", ORIGIN_B, HOME_D),
    ("036067100027", "LƯU VĂN TRỌNG", "1967-07-07", "male", "036690120", ORIGIN_B, HOME_B),
    ("036067100028", "LƯU ĐỨC TÍN", "1967-07-07", "male", "038600128", ORIGIN_B, HOME_D),
]


@pytest.fixture(scope="module")
def population():
    return make_registry(5, 2000)


@pytest.fixture(scope="module")
def lookup(tmp_path_factory, population):
    tmp = tmp_path_factory.mktemp("registry")
    path = write_registry(population, tmp / "registry.csv")
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(CRAFTED)
    engine = make_engine(f"sqlite:///{tmp / 'index.sqlite3'}")
    stats = import_csv(engine, path)
    assert stats.rejected == 0
    yield SqlRegistryLookup(engine)
    engine.dispose()


def fields(**values: str) -> dict[str, FieldValue]:
    return {k: FieldValue(v, 0.9) for k, v in values.items()}


def link(lookup, role: str = "subject", **values: str):
    return match_person(fields(**values), lookup, role=role)


def cands(m) -> list[str]:
    return [cid for cid, _ in m.candidates]


# -- the ID ------------------------------------------------------------------------------------------------


def test_valid_id_with_consistent_name_links(lookup):
    m = link(lookup, full_name="KHỔNG QUỐC BẢO", date_of_birth="2005-04-04", gender="male", citizen_id="031205100012")
    assert (m.status, m.citizen_id) == ("matched", "031205100012")
    assert "ID found in registry" in m.reasons and "name matches exactly" in m.reasons
    assert m.score >= 0.95 and cands(m)[0] == "031205100012"


def test_without_a_birth_date_an_id_needs_a_name_that_links_on_its_own(lookup):
    # No birth date read, an ID's "valid" is its pattern alone: a sister's ID under a name a letter off (a household
    # row misread) must not link BÙI THỊ HƯƠNG to BÙI THỊ PHƯƠNG. The whole birth date, or the name, carries it.
    sister = {"citizen_id": "036170100014", "gender": "female"}
    m = link(lookup, full_name="BÙI THỊ HƯƠNG", **sister)
    assert m.status == "review" and m.citizen_id is None
    assert link(lookup, full_name="BÙI THỊ HƯƠNG", date_of_birth="1970-06-16", **sister).status == "matched"
    assert link(lookup, full_name="BÙI THỊ PHƯƠNG", **sister).citizen_id == "036170100014"
    assert link(lookup, full_name="BUI THI PHUONG", **sister).citizen_id == "036170100014"  # a card's zone


def test_a_cards_own_id_proved_by_its_zone_links_a_name_its_zone_spells_a_letter_off(lookup):
    # Seed 1060296: a card's zone name read "NGUYEN NINH HUNG" (no marks, M read as N), its ID read alike on the
    # front and in the zone, no birth date read. The zone proves the ID the card's own: no sister's under the name.
    from extract.matching import ZONE_PROOF_LINK
    from extract.mrz import ZONE_PROOF

    def card(name: str, cid: str = "038055100007", **more: str):
        f = fields(full_name=name, **more)
        f["citizen_id"] = FieldValue(cid, 0.97, reasons=(ZONE_PROOF,))
        return match_person(f, lookup, role="holder")

    m = card("TA QUANG HUAM")  # the given name's letter off: scored below what an ID alone asks of a name
    assert (m.status, m.citizen_id) == ("matched", "038055100007")
    assert ZONE_PROOF_LINK in m.reasons
    from api.web.catalogue import Catalogue

    assert [r for r in m.reasons if Catalogue("vi").reason(r) == r] == []
    assert card("BÙI THỊ HƯƠNG", "036170100014").citizen_id == "036170100014"  # a name close enough as it is
    # Unproved, the same ID and name may be a namesake's or a sister's ID under the name: review.
    assert link(lookup, role="holder", full_name="TA QUANG HUAM", citizen_id="038055100007").status == "review"
    assert link(lookup, role="holder", full_name="BÙI THỊ HƯƠNG", citizen_id="036170100014").status == "review"
    # A proved ID a digit off a namesake born that day is his no more than any other's: no misread to forgive.
    m = card("KHỔNG QUỐC BẢO", "031205100013", date_of_birth="2005-04-04", gender="male")
    assert m.status == "review" and "document shows another ID" in m.reasons
    unproved = link(lookup, full_name="KHỔNG QUỐC BẢO", citizen_id="031205100013", date_of_birth="2005-04-04",
                    gender="male")
    assert "ID differs by 1-2 digits (misread?)" in unproved.reasons
    # Proved, it still needs a consistent name and nothing against it.
    for name, more in (("TA QUANG HUOQ", {}), ("TA QUANG HUA", {}), ("TA QUANG HUAN", {"gender": "female"}),
                       ("TA QUANG HUAN", {"date_of_birth": "1956-02-03"})):
        assert card(name, **more).status != "matched", (name, more)


def test_a_card_whose_name_the_scan_lost_links_on_its_id_and_the_exact_birth_date(lookup):
    # Seed 910199: a 150 dpi card copy, its name rows and zone name unread, ID and birth date read whole.
    card = {"citizen_id": "031205100012", "gender": "male"}
    m = link(lookup, date_of_birth="2005-04-04", **card)
    assert (m.status, m.citizen_id) == ("matched", "031205100012")
    assert "name unread: the ID and the exact birth date are the registered citizen's" in m.reasons
    # Less than that is a candidate for review: no birth date, another one, another gender, an ID not registered.
    for other in ({}, {"date_of_birth": "2005-04-07"}, {"date_of_birth": "2005"}):
        m = link(lookup, **card, **other)
        assert (m.status, cands(m)) == ("review", ["031205100012"]), other
        assert "no name on the document" in m.reasons
    # An ID whose gender digit the page's gender contradicts is no valid one.
    assert link(lookup, date_of_birth="2005-04-04", citizen_id="031205100012", gender="female").status != "matched"
    m = link(lookup, date_of_birth="2005-04-04", citizen_id="031205100099", gender="male")
    assert (m.status, m.reasons) == ("unmatched", ["no name on the document"])
    # A sister born the same day at the same address: her ID a digit off, or a row's ID under the wrong row, would
    # pass as well. The name must tell them apart.
    sisters = {"date_of_birth": "1978-09-09", "gender": "female"}
    m = link(lookup, citizen_id="001178100010", **sisters)
    assert (m.status, m.citizen_id) == ("review", None) and cands(m) == ["001178100010"]
    assert link(lookup, full_name="LẠI THỊ LAN", citizen_id="001178100010", **sisters).status == "matched"
    # Nor anyone born that day whose ID is a digit or two away, wherever registered (twins, or a misread ID), nor
    # a housemate born that day whatever its ID, nor a page whose place of origin is surely another.
    m = link(lookup, citizen_id="036172100021", date_of_birth="1972-02-02", gender="female")
    assert m.status == "review"
    twins = {"date_of_birth": "1996-01-21", "gender": "male"}
    m = link(lookup, citizen_id="001096100201", **twins)
    assert (m.status, cands(m)) == ("review", ["001096100201"])
    assert link(lookup, full_name="TRƯƠNG VĂN TÙNG", citizen_id="001096100201", **twins).status == "matched"
    m = link(lookup, date_of_birth="2005-04-04", place_of_origin="Xã Tân Thạnh, huyện Bến Lức, tỉnh Long An", **card)
    assert m.status == "review"
    # Seed 1060102: a card's "Place of origin" read into specks, its value lost, is no place of origin at all.
    m = link(lookup, date_of_birth="2005-04-04", place_of_origin="PÍạte Qf 2g)jfx", **card)
    assert (m.status, m.citizen_id) == ("matched", "031205100012")


def test_a_person_whose_name_the_scan_lost_links_on_the_old_id_and_the_exact_birth_date(lookup):
    # Seed 900100: a household row at 150 dpi, its name unread, its "CMND số" and birth date read whole.
    row = {"old_id_number": "080268618", "gender": "female"}
    m = link(lookup, role="member", date_of_birth="1970-06-16", **row)
    assert (m.status, m.citizen_id) == ("matched", "036170100014")
    assert NAMELESS_OLD_ID_LINK in m.reasons and "old ID number matches" in m.reasons
    # Less than that is the old ID's owner proposed for review: no birth date, another, a year alone, another
    # gender, a place of origin surely another.
    for other in ({"date_of_birth": ""}, {"date_of_birth": "1970-06-19"}, {"date_of_birth": "1970"},
                  {"date_of_birth": "1970-06-16", "gender": "male"},
                  {"date_of_birth": "1970-06-16", "place_of_origin": "Xã Tân Thạnh, huyện Bến Lức, tỉnh Long An"}):
        m = link(lookup, role="member", **{**row, **other})
        assert (m.status, m.citizen_id, cands(m)) == ("review", None, ["036170100014"]), other
        assert "no name on the document" in m.reasons
    # An old ID no one has: nothing to propose.
    m = link(lookup, role="member", date_of_birth="1970-06-16", gender="female", old_id_number="080268611")
    assert (m.status, m.reasons) == ("unmatched", ["no name on the document"])
    # A twin at home born that day (ĐINH THỊ KHẢI beside ĐINH CÔNG KHẢI), or anyone born that day whose old ID is
    # a misread digit away, could be the row: the name must tell them apart.
    m = link(lookup, role="member", date_of_birth="1985-03-18", old_id_number="162345678")
    assert (m.status, cands(m)) == ("review", ["036085100001"])
    m = link(lookup, role="member", date_of_birth="1966-06-06", gender="male", old_id_number="036600120")
    assert (m.status, cands(m)) == ("review", ["036066100025"])
    m = link(lookup, role="member", date_of_birth="1967-07-07", gender="male", old_id_number="036690120")
    assert (m.status, cands(m)) == ("review", ["036067100027"])
    m = link(lookup, role="member", full_name="LƯU VĂN TOÀN", date_of_birth="1966-06-06", gender="male",
             old_id_number="036600120")
    assert (m.status, m.citizen_id) == ("matched", "036066100025")
    # A valid ID printed beside it that is someone else's contradicts it.
    m = link(lookup, role="member", date_of_birth="1970-06-16", citizen_id="001170100099", **row)
    assert (m.status, cands(m)) == ("review", ["036170100014"]) and "document shows another ID" in m.reasons


def test_id_decides_between_same_name_same_birthday(lookup):
    m = link(lookup, full_name="ĐINH CÔNG KHẢI", date_of_birth="1985-03-18", gender="male", citizen_id="001085100002")
    assert (m.status, m.citizen_id) == ("matched", "001085100002")


def test_id_of_a_differently_named_citizen_is_not_a_link(lookup):
    m = link(lookup, full_name="TRẦN VĂN HÙNG", date_of_birth="2005-04-04", gender="male", citizen_id="031205100012")
    assert m.status == "review" and m.citizen_id is None
    assert "ID belongs to a differently named citizen" in m.reasons
    assert "031205100012" in cands(m)


def test_a_valid_id_and_birth_date_carry_a_name_the_scan_cut_short(lookup):
    # Seed 970097: the name line read "NGUYỄN" alone of NGUYỄN THỊ PHƯƠNG (seed 940097: "THẠ" of THẠCH MINH TIẾN);
    # the valid ID and the exact birth date are the citizen's. Here HUỲNH THỊ NGỌC HÒA, alone born that day.
    born = {"date_of_birth": "1990-05-05", "gender": "female", "citizen_id": "036190100005"}
    for short in ("HUỲNH", "HUỲ", "HUỲNH THỊ", "HUỲNH NGỌC HOÀ", "NGỌC HÒA"):
        m = link(lookup, full_name=short, **born)
        assert (m.status, m.citizen_id) == ("matched", "036190100005"), short
        assert ("name read in part" in m.reasons[0]) == (short != "HUỲNH NGỌC HOÀ"), m.reasons
    # A word replaced, a birth date a digit off, or an ID whose structure fails: not the same evidence.
    assert link(lookup, full_name="HUỲNH THỊ LAN", **born).status != "matched"
    assert link(lookup, full_name="HUỲNH", date_of_birth="1990-05-06", gender="female",
                citizen_id="036190100005").status != "matched"
    assert link(lookup, full_name="HUỲNH", date_of_birth="1990-05-05", gender="male",
                citizen_id="036190100005").status != "matched"
    # Two letters are no word, and a word alone a letter off is another word.
    for short in ("HU", "HUỲNG"):
        assert link(lookup, full_name=short, **born).status != "matched", short


def test_a_name_cut_short_never_carries_an_id_when_a_housemate_born_that_day_fits_it(lookup):
    # ĐINH CÔNG KHẢI (HOME_A) has a twin sister ĐINH THỊ KHẢI at home: "ĐINH" with his ID may be a household row's
    # number under her name, cut short. "ĐINH CÔNG" fits only him at home (his namesake born that day lives at
    # HOME_B, on no page of this household). The whole name links as always.
    born = {"date_of_birth": "1985-03-18", "gender": "male", "citizen_id": "036085100001"}
    m = link(lookup, full_name="ĐINH", **born)
    assert m.status == "review" and "ID belongs to a differently named citizen" in m.reasons
    m = link(lookup, full_name="ĐINH CÔNG", **born)
    assert (m.status, m.citizen_id) == ("matched", "036085100001") and "name read in part" in m.reasons[0]
    assert link(lookup, full_name="ĐINH CÔNG KHẢI", **born).citizen_id == "036085100001"


def test_structurally_invalid_id_with_another_name_never_links(lookup):
    # The printed ID says a woman born 1990; the document says a man born 1985 with another name.
    m = link(lookup, full_name="LÊ VĂN TÁM", date_of_birth="1985-03-18", gender="male", citizen_id="036190100005")
    assert m.status != "matched"
    assert "ID belongs to a differently named citizen" in m.reasons


def test_misread_birth_date_with_id_and_name_agreeing_links(lookup):
    # 2006 for 2005 breaks the ID's structure check, but the name and every other digit agree.
    m = link(lookup, full_name="KHỔNG QUỐC BẢO", date_of_birth="2006-04-04", gender="male", citizen_id="031205100012")
    assert (m.status, m.citizen_id) == ("matched", "031205100012")


def test_id_misread_by_one_digit_backs_the_blocking_match(lookup):
    m = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male", citizen_id="079072100066")
    assert (m.status, m.citizen_id) == ("matched", "079072100006")
    assert "ID not in registry" in m.reasons and "ID differs by 1-2 digits (misread?)" in m.reasons


def test_another_persons_id_blocks_the_name_and_birth_match(lookup):
    # A well-formed ID that is not in the registry and far from the candidate's: someone else's card.
    m = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male", citizen_id="079072987654")
    assert m.status == "review" and m.citizen_id is None
    assert "document shows another ID" in m.reasons


# -- the old ID (CMND) ------------------------------------------------------------------------------------------


def test_old_id_with_digits_ocr_confuses_is_no_conflict(lookup):
    # 080268618 printed, 060268619 read: 8 and 6, 8 and 9 are what worn digits are misread as.
    m = link(lookup, full_name="BÙI THỊ PHƯƠNG", date_of_birth="1970-06-16", gender="female",
             old_id_number="060268619")
    assert (m.status, m.citizen_id) == ("matched", "036170100014")
    assert "old ID number differs only in digits OCR confuses (misread?)" in m.reasons


def test_old_id_with_four_zeros_blurred_is_no_conflict_five_is(lookup):
    # A typewriter's dotted 0 blurs into 6, 8 or 9 wherever it stands: four of nine digits off, all such.
    printed = {"full_name": "BÙI THỊ PHƯƠNG", "date_of_birth": "1970-06-16", "gender": "female"}
    m = link(lookup, **printed, old_id_number="660266619")  # 080268618 registered
    assert (m.status, m.citizen_id) == ("matched", "036170100014")
    assert "old ID number differs only in digits OCR confuses (misread?)" in m.reasons
    m = link(lookup, **printed, old_id_number="660266919")  # a fifth: as likely another number
    assert "old ID number differs" in m.reasons and m.status != "matched"


def test_old_id_misread_backs_a_name_with_a_misread_letter(lookup):
    printed = {"full_name": "BỞI THỊ PHƯƠNG", "date_of_birth": "1970-06-16", "gender": "female"}
    assert link(lookup, **printed).status == "review"  # a letter off and nothing else: not on its own
    m = link(lookup, **printed, old_id_number="060268619")
    assert (m.status, m.citizen_id) == ("matched", "036170100014")


def test_the_same_address_and_birth_date_back_a_name_with_a_misread_letter(lookup):
    printed = {"full_name": "BỞI THỊ PHƯƠNG", "date_of_birth": "1970-06-16", "gender": "female"}
    m = link(lookup, **printed, permanent_address=HOME_C)
    assert (m.status, m.citizen_id) == ("matched", "036170100014")
    assert "address matches" in m.reasons
    # A birth date a digit off is no exact one: the address alone does not carry the damaged letter.
    assert link(lookup, **{**printed, "date_of_birth": "1970-06-18"}, permanent_address=HOME_C).status != "matched"
    # A twin missing from the registry, born the same day at the same address, is not her sister: another word
    # is no damaged letter.
    twin = link(lookup, full_name="ĐỖ THỊ LAN ANH", date_of_birth="1990-07-07", gender="female",
                permanent_address=HOME_D)
    assert twin.status != "matched"
    # Sisters born the same day at one address: a letter off from one is told from the other, or goes to review.
    lam = link(lookup, full_name="LẠI THỊ LAM", date_of_birth="1978-09-09", gender="female", permanent_address=HOME_B)
    assert lam.status == "review" or lam.citizen_id == "001178100010"


def test_the_old_id_and_birth_date_carry_a_name_with_words_lost(lookup):
    # A household row read "CHU LAN" for LÊ THU LAN: its old ID and exact birth date are hers as an ID would be.
    born = {"date_of_birth": "1970-06-16", "gender": "female"}
    assert link(lookup, full_name="PHƯƠNG", **born).status != "matched"
    m = link(lookup, full_name="PHƯƠNG", **born, old_id_number="080268618")
    assert (m.status, m.citizen_id) == ("matched", "036170100014")
    # One letter of one word off, both names ("THẢI" for KHẢI), is carried as well.
    m = link(lookup, full_name="ĐINH CÔNG THẢI", date_of_birth="1985-03-18", gender="male", old_id_number="162345678")
    assert (m.status, m.citizen_id) == ("matched", "036085100001")
    # A word replaced is another name (a twin's row), and a birth date a digit off is not exact: review.
    assert link(lookup, full_name="LÊ THỊ PHƯƠNG", **born, old_id_number="080268618").status == "review"
    assert link(lookup, full_name="PHƯƠNG", date_of_birth="1970-06-18", gender="female",
                old_id_number="080268618").status == "review"
    # A birth year printed alone carries it too with the address (a land certificate's "TRẦN THỊ LAM" for LAN,
    # seed 960198), not without, nor with the place of origin alone (a whole commune's); a word replaced still not.
    year = {"full_name": "ĐINH CÔNG THẢI", "date_of_birth": "1985", "gender": "male", "old_id_number": "162345678"}
    assert link(lookup, **year).status == "review"
    assert link(lookup, **year, place_of_origin=ORIGIN_A).status == "review"
    m = link(lookup, **year, permanent_address=HOME_A)
    assert (m.status, m.citizen_id) == ("matched", "036085100001")
    assert link(lookup, **{**year, "full_name": "ĐINH VĂN THẢI"}, permanent_address=HOME_A).status != "matched"


def test_the_old_id_and_the_name_as_registered_link_without_a_birth_date(lookup):
    # Seed 910098: a marriage certificate whose birth date the scan lost, the wife's CMND read whole. Here a man
    # with a namesake born the same day: the name alone is ambiguous, the old ID is his, as a valid CCCD would be.
    m = link(lookup, full_name="ĐINH CÔNG KHẢI", gender="male", old_id_number="162345678")
    assert (m.status, m.citizen_id) == ("matched", "036085100001")
    assert "no date of birth" in m.reasons and "old ID number matches" in m.reasons
    # A name less than as registered ("KHẢO", 0.85), or an old ID a digit off, without the birth date: review.
    assert link(lookup, full_name="ĐINH CÔNG KHẢO", gender="male", old_id_number="162345678").status == "review"
    assert link(lookup, full_name="ĐINH CÔNG KHẢI", gender="male", old_id_number="162345618").status == "review"
    # The old ID of another gender's citizen is no link.
    assert link(lookup, full_name="ĐINH CÔNG KHẢI", gender="female", old_id_number="162345678").status != "matched"
    # Nor where a namesake's old ID is a misread or two from the one read: only the digits would tell them apart.
    m = link(lookup, full_name="KIỀU VĂN KHÁNH", gender="male", old_id_number="045980003")
    assert m.status == "review" and "a namesake's old ID is a misread or two away" in m.reasons
    from api.web.catalogue import Catalogue

    nameless = link(lookup, date_of_birth="2005-04-04", citizen_id="031205100012", gender="male")
    assert [r for r in [*m.reasons, *nameless.reasons] if Catalogue("vi").reason(r) == r] == []


def test_the_same_place_of_origin_and_birth_date_back_a_given_name_misread_as_a_word_no_name_has(lookup):
    # Seed 990003: "LÊ NGỌC NUỆ" for LÊ NGỌC HUỆ, born the same day, of the same place of origin.
    printed = {"full_name": "KIỀU THỊ THỦI", "date_of_birth": "1960-02-02", "gender": "female"}
    assert link(lookup, **printed).status == "review"  # not on its own
    m = link(lookup, **printed, place_of_origin=ORIGIN_B)
    assert (m.status, m.citizen_id) == ("matched", "040160100009")
    # Two names a letter apart are two people, whatever else agrees.
    assert link(lookup, **{**printed, "full_name": "KIỀU THỊ THU"}, place_of_origin=ORIGIN_B).status != "matched"


def test_old_id_with_other_digits_is_a_conflict(lookup):
    m = link(lookup, full_name="BÙI THỊ PHƯƠNG", date_of_birth="1970-06-16", gender="female",
             old_id_number="082268612")  # 0 for 2 and 8 for 2: someone else's number
    assert m.status == "review" and "old ID number differs" in m.reasons


def test_a_misread_old_id_still_separates_same_name_same_birthday(lookup):
    m = link(lookup, full_name="ĐINH CÔNG KHẢI", date_of_birth="1985-03-18", gender="male",
             old_id_number="162345618")  # 162345678 with its 7 read as 1
    assert (m.status, m.citizen_id) == ("matched", "036085100001")


# -- namesakes -----------------------------------------------------------------------------------------------


def test_same_name_same_birthday_goes_to_review_with_both(lookup):
    m = link(lookup, full_name="ĐINH CÔNG KHẢI", date_of_birth="1985-03-18", gender="male")
    assert m.status == "review" and m.citizen_id is None
    assert {"036085100001", "001085100002"} <= set(cands(m))
    assert "001085100003" not in cands(m)  # born another day
    assert f"2 candidates within {MARGIN:.2f}" in m.reasons


@pytest.mark.parametrize(
    ("extra", "expected"),
    [({"permanent_address": HOME_B}, "001085100002"), ({"old_id_number": "162345678"}, "036085100001")],
)
def test_a_strong_field_separates_same_name_same_birthday(lookup, extra, expected):
    m = link(lookup, full_name="ĐINH CÔNG KHẢI", date_of_birth="1985-03-18", gender="male", **extra)
    assert (m.status, m.citizen_id) == ("matched", expected)
    assert len(m.candidates) >= 2


def test_gender_separates_same_name_same_birthday(lookup):
    m = link(lookup, full_name="ĐINH THỊ KHẢI", date_of_birth="1985-03-18", gender="female")
    assert (m.status, m.citizen_id) == ("matched", "001185100004")


def test_a_woman_read_as_a_man_is_still_found(lookup):
    # "Giới tính: Nữ" misread as a man's: her middle name THỊ says otherwise, so the gender blocks no one out.
    m = link(lookup, full_name="KIỀU THỊ THỦY", date_of_birth="1960-02-02", gender="male", permanent_address=HOME_D)
    assert (m.status, m.citizen_id) == ("matched", "040160100009")


def test_a_mans_gender_stands_unless_his_printed_name_says_thi():
    def gender(name: str, *reasons: str) -> str | None:
        f = fields(gender="male")
        f["full_name"] = FieldValue(name, 0.8, reasons=reasons)
        return evidence_from_fields(f, role="subject").gender

    assert gender("NGUYỄN VĂN AN") == "male"
    assert gender("KIỀU THỊ THỦY") is None
    # THỊ the reading made of "TRÍ" (the h of THỊ is often read r): the man's gender is not doubted for it.
    assert gender("NGUYỄN THỊ DŨNG", f"NGUYỄN TRÍ DŨNG read as NGUYỄN THỊ DŨNG: {USUAL_SPELLING}") == "male"


def test_namesake_born_another_day_is_no_rival(lookup):
    m = link(lookup, full_name="ĐINH CÔNG KHẢI", date_of_birth="1985-07-02", gender="male")
    assert (m.status, m.citizen_id) == ("matched", "001085100003")


def test_near_name_on_the_same_day_is_told_apart(lookup):
    lan = link(lookup, full_name="LẠI THỊ LAN", date_of_birth="1978-09-09", gender="female")
    loan = link(lookup, full_name="LẠI THỊ LOAN", date_of_birth="1978-09-09", gender="female")
    assert (lan.status, lan.citizen_id) == ("matched", "001178100010")
    assert (loan.status, loan.citizen_id) == ("matched", "001178100011")


# -- Vietnamese spelling and OCR noise -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "reason"),
    [
        ("KIỀU THỊ THUỶ", "same name up to tone placement"),
        ("Kiều Thị Thủy", "name matches exactly"),
        ("KIÊU THỊ THỦY", "same letters, 1 diacritic off"),
        ("KIEU THI THUY", "same name without diacritics (weaker)"),
    ],
)
def test_spelling_variants_link(lookup, printed, reason):
    m = link(lookup, full_name=printed, date_of_birth="1960-02-02", gender="female")
    assert (m.status, m.citizen_id) == ("matched", "040160100009")
    assert reason in m.reasons


def test_diacritic_free_match_scores_below_an_exact_one(lookup):
    exact = link(lookup, full_name="KIỀU THỊ THỦY", date_of_birth="1960-02-02", gender="female")
    bare = link(lookup, full_name="KIEU THI THUY", date_of_birth="1960-02-02", gender="female")
    assert exact.score > bare.score


@pytest.mark.parametrize(("printed", "variant"), [("HOÀNG THỊ NGỌC HOÀ", "Hoàng/Huỳnh"), ("VŨ MINH TRIẾT", "Vũ/Võ")])
def test_family_name_variants_link(lookup, printed, variant):
    born = "1990-05-05" if printed.startswith("HOÀNG") else "1972-11-30"
    m = link(lookup, full_name=printed, date_of_birth=born)
    assert m.status == "matched"
    assert f"family-name variant {variant}" in m.reasons


@pytest.mark.parametrize("printed", ["VÕ MlNH TRIẾT", "VÕ MINH TRIÉT", "VÕMINH TRIẾT", "VÕ MINH TRIẾT ...."])
def test_ocr_noisy_names_link(lookup, printed):
    m = link(lookup, full_name=printed, date_of_birth="1972-11-30", gender="male")
    assert (m.status, m.citizen_id) == ("matched", "079072100006")


def test_misread_birth_day_needs_more_than_the_name(lookup):
    bare = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-80", gender="male")  # no such day
    assert bare.status == "review" and "079072100006" in cands(bare)
    one_digit = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-20", gender="male",
                     permanent_address=HOME_D)
    assert (one_digit.status, one_digit.citizen_id) == ("matched", "079072100006")
    assert "date of birth differs by one digit" in one_digit.reasons


def test_a_name_and_a_birth_year_both_misread_still_find_the_citizen(lookup):
    # "1912" for 1972 leaves no birth date to block on, and "TRIẾI" for TRIẾT no name key: found among the names a
    # letter in five off born on the dates a digit OCR confuses away (seed 1020197's "MÔNG GIA KIÊN", "1913-04-13").
    # Found, the usual rules judge: the address backs a date a digit off and a letter no syllable has.
    def born_1912(name: str, **more: str):
        return link(lookup, full_name=name, date_of_birth="1912-11-30", gender="male", **more)

    m = born_1912("VÕ MINH TRIẾI", permanent_address=HOME_D)
    assert (m.status, m.citizen_id) == ("matched", "079072100006")
    assert "date of birth differs by one digit" in m.reasons
    # Without the address, review with the citizen; a letter read as another syllable ("BÕ"), review even with it.
    assert cands(born_1912("VÕ MINH TRIẾI"))[:1] == ["079072100006"]
    m = born_1912("BÕ MINH TRIẾT", permanent_address=HOME_D)
    assert m.status == "review" and cands(m)[:1] == ["079072100006"]
    # Compared as printed: the keys spell VÕ as vu and HUỲNH as hoang, and a short name misread would lose them.
    m = link(lookup, full_name="KUỲNH THỊ NGỌC HÒA", date_of_birth="1960-05-05", gender="female")
    assert cands(m)[:1] == ["036190100005"]
    # Another middle name is another person, no misread one: not even a candidate.
    assert born_1912("VÕ VĂN TRIẾT", permanent_address=HOME_D).candidates == []


def test_confused_dates_are_real_days_up_to_today():
    from datetime import date

    from extract.blocking import confused_dates

    assert confused_dates("1913-04-13", date(2026, 1, 1)) == [
        "1913-01-13", "1913-04-15", "1913-04-18", "1915-04-13", "1918-04-13", "1943-04-13", "1973-04-13"]
    later = confused_dates("2011-06-16", date(2026, 1, 1))
    assert "2017-06-16" in later and "2011-06-16" not in later
    assert "2071-06-16" not in later and "2041-06-16" not in later  # not born yet
    assert confused_dates("1999-09-30", date(2026, 1, 1)) == [  # no 80th or 36th day, no year 7999
        "1899-09-30", "1909-09-30", "1969-09-30", "1989-09-30", "1990-09-30", "1996-09-30", "1998-09-30",
        "1999-06-30", "1999-08-30"]


def test_two_digits_ocr_confuses_in_a_birth_date_link_only_with_strong_backing(lookup):
    # 1970-06-16 typed on a worn ribbon, both sixes read 8. The address alone is not enough (a namesake of the
    # household may be born so); with the place of origin too, or her old ID, it is her.
    def read(**more: str):
        return link(lookup, full_name="BÙI THỊ PHƯƠNG", date_of_birth="1970-08-18", gender="female", **more)

    assert read(permanent_address=HOME_C).status == "review"
    both = read(permanent_address=HOME_C, place_of_origin=ORIGIN_B)
    assert (both.status, both.citizen_id) == ("matched", "036170100014")
    assert "date of birth differs in two digits OCR confuses" in both.reasons
    assert read(old_id_number="080268618").status == "matched"
    bare = read()
    assert bare.status == "review" and "036170100014" in cands(bare)
    # 6 and 3 are not read for one another: that date is someone else's, whatever the rest says.
    other = link(lookup, full_name="BÙI THỊ PHƯƠNG", date_of_birth="1970-08-13", gender="female",
                 permanent_address=HOME_C, place_of_origin=ORIGIN_B)
    assert other.status != "matched"


def test_a_year_printed_alone_a_confusable_digit_off_links_only_with_strong_backing(lookup):
    # A land certificate prints the year only; 1960 read "1968".
    def read(year: str, **more: str):
        return link(lookup, full_name="KIỀU THỊ THỦY", date_of_birth=year, gender="female", **more)

    assert read("1968", permanent_address=HOME_D).status == "review"
    both = read("1968", permanent_address=HOME_D, place_of_origin=ORIGIN_B)
    assert (both.status, both.citizen_id) == ("matched", "040160100009")
    assert read("1968").status == "review"
    # 0 and 2 are not read for one another: 1962 is another year.
    assert read("1962", permanent_address=HOME_D, place_of_origin=ORIGIN_B).status != "matched"


def test_a_birth_date_read_with_little_confidence_counts_for_its_year_only(lookup):
    def read(value: str, confidence: float, **more: str):
        f = fields(full_name="BÙI THỊ PHƯƠNG", gender="female", **more)
        f["date_of_birth"] = FieldValue(value, confidence)
        return match_person(f, lookup, role="member")

    # 1970-06-16 read "1970-04-04" at 0.31: her by name, year, address and place of origin.
    weak = read("1970-04-04", 0.31, permanent_address=HOME_C, place_of_origin=ORIGIN_B)
    assert (weak.status, weak.citizen_id) == ("matched", "036170100014")
    assert "year of birth matches (day and month read unsure)" in weak.reasons
    assert read("1970-04-04", 0.31, permanent_address=HOME_C).status == "review"  # a namesake may live there
    assert read("1970-04-04", 0.31).status == "review"  # name and year alone: a candidate
    # Read with confidence, that day is another person's birthday.
    assert read("1970-04-04", 0.9, permanent_address=HOME_C, place_of_origin=ORIGIN_B).status != "matched"


def test_the_staff_page_shows_every_reason_of_a_date_in_doubt_in_vietnamese(lookup):
    from api.web.catalogue import Catalogue

    weak = fields(full_name="BÙI THỊ PHƯƠNG", gender="female", permanent_address=HOME_C)
    weak["date_of_birth"] = FieldValue("1970-04-04", 0.31)
    made = [
        link(lookup, full_name="BÙI THỊ PHƯƠNG", date_of_birth="1970-08-18", gender="female", permanent_address=HOME_C),
        link(lookup, full_name="KIỀU THỊ THỦY", date_of_birth="1968", gender="female", permanent_address=HOME_D),
        match_person(weak, lookup, role="member"),
    ]
    reasons = {r for m in made for r in m.reasons}
    assert {"date of birth differs in two digits OCR confuses", "year of birth matches (day and month read unsure)",
            "year of birth printed alone differs in a digit OCR confuses"} <= reasons
    vi = Catalogue("vi")
    assert [r for r in reasons if vi.reason(r) == r] == []


def test_a_birth_date_another_reading_gave_links_with_more_but_never_between_namesakes(lookup):
    def read_two_ways(name: str, value: str, other: str, **more: str):
        f = fields(full_name=name, gender="male", **more)
        f["date_of_birth"] = FieldValue(value, 0.6, alternatives=(other,))
        return match_person(f, lookup, role="subject")

    # Chosen reading three digits off; the other model's reading is the registered date. Like a date a digit off,
    # it is a candidate, not a link: a single reading may be the misread one, and a namesake's date.
    thin = read_two_ways("VÕ MINH TRIẾT", "1979-01-30", "1972-11-30")
    assert thin.status == "review" and cands(thin)[0] == "079072100006"
    assert "thin evidence: date of birth is another reading of the page, nothing else ties them" in thin.reasons
    m = read_two_ways("VÕ MINH TRIẾT", "1979-01-30", "1972-11-30", permanent_address=HOME_D)
    assert (m.status, m.citizen_id) == ("matched", "079072100006")
    assert "date of birth matches another reading of the page" in m.reasons
    without = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1979-01-30", gender="male",
                   permanent_address=HOME_D)
    assert without.status != "matched"
    # The chosen reading is a citizen's birth date, another reading a namesake's: the chosen one leads.
    chosen = read_two_ways("ĐINH CÔNG KHẢI", "1985-07-02", "1985-03-18", permanent_address=HOME_B)
    assert (chosen.status, chosen.citizen_id) == ("matched", "001085100003")
    # Same name, same birthday: the other reading fits both, as the chosen one would.
    pair = read_two_ways("ĐINH CÔNG KHẢI", "1985-08-13", "1985-03-18")
    assert pair.status == "review" and {"036085100001", "001085100002"} <= set(cands(pair))


# -- parents with a birth year only ----------------------------------------------------------------------------


def test_year_only_parent_links_with_the_address(lookup):
    m = link(lookup, role="father", full_name="TẠ QUANG HUẤN", date_of_birth="1955", permanent_address=HOME_C)
    assert (m.status, m.citizen_id) == ("matched", "038055100007")
    assert "year of birth matches (no full date)" in m.reasons and "address matches" in m.reasons


def test_year_only_parent_without_address_is_review(lookup):
    m = link(lookup, role="father", full_name="TẠ QUANG HUẤN", date_of_birth="1955")
    assert m.status == "review"
    assert {"038055100007", "038055100008"} <= set(cands(m))


def test_year_only_without_anything_else_is_thin(lookup):
    m = link(lookup, role="father", full_name="VÕ MINH TRIẾT", date_of_birth="1972")
    assert m.status == "review" and m.citizen_id is None
    assert "thin evidence: birth year only, nothing else ties them" in m.reasons


def test_registry_with_year_only_entry(lookup):
    m = link(lookup, full_name="ÔNG VĂN THIỆN", date_of_birth="1963-06-01", gender="male", permanent_address=HOME_A)
    assert (m.status, m.citizen_id) == ("matched", "036163100013")


# -- never on a name alone -------------------------------------------------------------------------------------


def test_a_name_alone_never_links(lookup):
    m = link(lookup, full_name="KHỔNG QUỐC BẢO")
    assert m.status == "review" and m.citizen_id is None
    assert "thin evidence: no date of birth" in m.reasons


def test_a_name_with_gender_and_address_but_no_birth_never_links(lookup):
    m = link(lookup, full_name="KHỔNG QUỐC BẢO", gender="male", permanent_address=HOME_B)
    assert m.status == "review" and m.citizen_id is None


def test_nobody_like_that(lookup):
    m = link(lookup, full_name="XA THỊ KHÔNG CÓ", date_of_birth="1931-01-01", gender="female")
    assert m.status == "unmatched" and m.citizen_id is None and m.candidates == []
    assert link(lookup, date_of_birth="1985-03-18").reasons == ["no name on the document"]


def test_conflicting_place_of_origin_is_review(lookup):
    m = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male",
             place_of_origin="Xã Tân Thạnh, huyện Bến Lức, tỉnh Long An")
    assert m.status == "review" and "place of origin differs" in m.reasons


def test_a_place_of_origin_the_scan_garbled_is_no_conflict(lookup):
    # VÕ MINH TRIẾT's origin is Xã Yên Sở, huyện Hoài Đức: a letter or two off in most parts is his, unclearly read.
    m = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male",
             place_of_origin="Xn Yên Sở, huyện Hoài Đức, thành phố Hà Nộl")
    assert (m.status, m.citizen_id) == ("matched", "079072100006")
    assert "place of origin differs" not in m.reasons and "place of origin read unclearly" in m.reasons
    # Seed 1010097: every part garbled, unit words too, read unsurely, yet each near one of his ("Tôn tập" 62 like
    # Tân Lập). Read surely, the same letters are another place.
    printed = fields(full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male")
    garbled = "X& Yên Sơ, tuyện Hoầi Đúc, thành phố Hà Nộl"
    m = match_person({**printed, "place_of_origin": FieldValue(garbled, 0.59)}, lookup, role="subject")
    assert (m.status, m.citizen_id) == ("matched", "079072100006")
    assert "place of origin read unclearly" in m.reasons
    assert link(lookup, **{k: f.value for k, f in printed.items()}, place_of_origin=garbled).status == "review"
    # Two communes sharing a first syllable with his district ("Hoài Châu", "Hoài Ân" by Hoài Đức) are other places
    # however unsurely read: each of his parts is like one of theirs only.
    other = FieldValue("Xã Hoài Châu, huyện Hoài Ân, thành phố Hà Nội", 0.59)
    m = match_person({**printed, "place_of_origin": other}, lookup, role="subject")
    assert m.status == "review" and "place of origin differs" in m.reasons
    # Another district of the same province is still another place.
    m = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male",
             place_of_origin="Xã Tân Lập, huyện Mỹ Đức, thành phố Hà Nội")
    assert m.status == "review" and "place of origin differs" in m.reasons
    # A place of the highlands, whose names are no Vietnamese syllables, is one by its province, or by its words
    # read as printed, the province lost or run together ("Ea Kar", "Krông Búk Đắk Lắk", "Kbang").
    for highland in ("Ea Kar, Đắk Lắk", "Ea Kar", "Krông Búk Đắk Lắk", "Kbang"):
        m = link(lookup, full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male",
                 place_of_origin=highland)
        assert m.status == "review" and "place of origin differs" in m.reasons, highland


def test_the_old_id_and_the_exact_birth_date_outweigh_a_place_of_origin_read_as_another(lookup):
    # Seed 1060003: a household member's origin garbled past recognition ("Xã. thuc. 1o: huyện. Tê Thành, tinh tệ")
    # reads as another place, yet the old ID and the birth date printed are both BÙI THỊ PHƯƠNG's.
    printed = {"full_name": "BÙI THỊ PHƯƠNG", "date_of_birth": "1970-06-16", "gender": "female",
               "place_of_origin": "Xã Tân Thạnh, huyện Bến Lức, tỉnh Long An"}  # hers: Xã Yên Sở, huyện Hoài Đức
    m = link(lookup, **printed, old_id_number="080268618")
    assert (m.status, m.citizen_id) == ("matched", "036170100014")
    assert "place of origin differs" in m.reasons
    # Without the old ID, or with a birth date a digit off, the other place still holds the link back.
    assert link(lookup, **printed).status == "review"
    assert link(lookup, **{**printed, "date_of_birth": "1970-06-18"}, old_id_number="080268618").status == "review"


def test_gender_from_the_role(lookup):
    m = link(lookup, role="mother", full_name="ĐINH THỊ KHẢI", date_of_birth="1985-03-18")
    assert (m.status, m.citizen_id) == ("matched", "001185100004")


# -- the record -------------------------------------------------------------------------------------------------


def test_every_match_carries_score_reasons_and_candidates(lookup):
    m = link(lookup, full_name="ĐINH CÔNG KHẢI", date_of_birth="1985-03-18", gender="male")
    record = m.as_record()
    assert set(record) == {"status", "citizen_id", "score", "reasons", "candidates"}
    assert 0.0 <= record["score"] <= 1.0 and record["reasons"]
    assert all(set(c) == {"citizen_id", "score"} for c in record["candidates"])
    scores = [c["score"] for c in record["candidates"]]
    assert scores == sorted(scores, reverse=True)
    # Reasons name the fields that agreed, never the citizen's data.
    assert not any("ĐINH" in r or "1985" in r or "001085" in r for r in record["reasons"])


def test_a_father_whose_only_namesake_of_his_year_lives_with_the_linked_child_is_linked(lookup):
    # Seed 1030000: "TRẦN CÔNG PHONG, năm sinh 1950" on his daughter's birth certificate: his year alone is thin
    # evidence, the registry's only TRẦN CÔNG PHONG of 1950 living where she is registered is not.
    child = Person("subject", fields(full_name="KHÚC THỊ MAI", date_of_birth="2012-03-03", citizen_id="036312100016"))
    father = Person("father", fields(full_name="KHÚC VĂN QUYẾT", date_of_birth="1980"))
    assert match_persons([father], lookup)[0].match.status == "review"
    out = match_persons([child, father], lookup)
    assert [(p.match.status, p.match.citizen_id) for p in out] == [("matched", "036312100016"),
                                                                  ("matched", "036080100017")]
    assert "lives where another person of the document is registered" in out[1].match.reasons
    from api.web.catalogue import Catalogue

    assert [r for r in out[1].match.reasons if Catalogue("vi").reason(r) == r] == []
    # Two persons in review do not vouch for each other: neither was linked on what the page gives.
    mother = Person("mother", fields(full_name="ĐOÀN THỊ XUÂN", date_of_birth="1983"))
    assert [p.match.status for p in match_persons([father, mother], lookup)] == ["review", "review"]
    # Nor a child whose ID is another citizen's (not linked) ...
    other = Person("subject", fields(full_name="KHÚC THỊ LAN", date_of_birth="2012-03-03", citizen_id="036312100016"))
    assert [p.match.status for p in match_persons([other, father], lookup)] == ["review", "review"]
    # ... and a linked child's home does not outweigh another address the page prints for the father.
    moved = Person("father", fields(full_name="KHÚC VĂN QUYẾT", date_of_birth="1980", permanent_address=HOME_B))
    assert [p.match.status for p in match_persons([child, moved], lookup)] == ["matched", "review"]
    # An address the reader cut short is no other (seed 1030004: "..., huyện Quảng" for huyện Quảng Điền); one cut
    # short in another commune is, and a name that begins the registered one after a single named part (numbers do
    # not count) may be whole.
    assert surely_another_place("Xã Phú Lợi, huyện Tân Phú", "Xã Phú Lợi, huyện Tân Phú Đông, tỉnh Tiền Giang", 0.6)
    assert surely_another_place("Tổ 5, phường 2, quận Tân", "Tổ 5, phường 2, quận Tân Bình, thành phố Hồ Chí Minh", 0.6)
    assert surely_another_place("Thôn Đông, xã Hải Anh, huyện Giao Thủy", HOME_A, 0.6)
    cut = Person("father", fields(full_name="KHÚC VĂN QUYẾT", date_of_birth="1980",
                                  permanent_address="Thôn Đông, xã Hải Anh, huyện Hải"))
    assert [p.match.status for p in match_persons([child, cut], lookup)] == ["matched", "matched"]
    cut = Person("father", fields(full_name="KHÚC VĂN QUYẾT", date_of_birth="1980",
                                  permanent_address="Thôn Đông, xã Hải Lý, huyện Hải"))
    assert [p.match.status for p in match_persons([child, cut], lookup)] == ["matched", "review"]
    # A father registered elsewhere than his child gains nothing from her.
    child = Person("subject", fields(full_name="PHÍ THỊ MAI", date_of_birth="2011-05-05", citizen_id="036311100018"))
    father = Person("father", fields(full_name="PHÍ VĂN LỰC", date_of_birth="1975"))
    assert [p.match.status for p in match_persons([child, father], lookup)] == ["matched", "review"]


def test_one_citizen_linked_twice_in_a_document_sends_both_to_review(lookup):
    same = fields(full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male")
    other = fields(full_name="KIỀU THỊ THỦY", date_of_birth="1960-02-02", gender="female")
    out = match_persons([Person("husband", same), Person("member", same), Person("wife", other)], lookup)
    assert [p.match.status for p in out] == ["review", "review", "matched"]
    assert "same citizen linked to two persons of this document" in out[0].match.reasons
    assert Extraction(persons=out).needs_review


def test_an_address_read_with_digits_and_symbols_for_letters_still_matches():
    registered = "Thôn Thượng, xã Nam Sơn, huyện Phù Mỹ, tỉnh Bình Định"
    # From a hard household page: "S" read "$", "B" read "8", "N" read "w".
    assert place_similarity("Thồn Thượng, xã wam $ơn, huyện Phù Mỹ, tính 8inh Định", registered) >= 0.9
    # A comma read as a full stop still parts the address.
    origin = "Xã Hiệp Hòa, huyện Quỳnh Lưu, tỉnh Nghệ An"
    assert place_similarity("Xã Hiệp Hóa. huyện Quỳnh Lưu, tỉnh Nghệ An", origin) > 0.9
    # A speck read as a full stop inside a name parts nothing.
    assert place_similarity("Xã Hiệp Hòa, huyện Quỳnh Lưu, tỉnh Nghệ . An", origin) == 1.0
    # Abbreviated units stay numbers: "P.10" is ward 10.
    assert place_similarity("P.10, Q.3, TP. Hồ Chí Minh", "Phường 10, Quận 3, Thành phố Hồ Chí Minh") == 1.0
    # A number standing alone is a number: "Tổ 5" is not "Tổ 3".
    assert place_similarity("Tổ 5, phường 12, quận 3", "Tổ 3, phường 12, quận 3") < 0.8
    # A place whose parts read alike only leniently is garbled or another place: another where its province reads
    # clearly as another province (Quảng Nam and Quảng Ngãi are 84 alike), garbled where it reads as none.
    assert surely_another_place("Xã Bình An, huyện Thăng Bình, tỉnh Quảng Nam",
                                "Xã Bình An, huyện Bình Sơn, tỉnh Quảng Ngãi", 0.6)
    assert not surely_another_place("Xã Miah Khai, huyện Cẩw GiẢng, tỉnh BÁI Gương",
                                    "Xã Minh Khai, huyện Cẩm Giàng, tỉnh Hải Dương", 0.6)
    assert place_similarity("Xã Tân Thành, huyện Hàm Tân, tỉnh Bình Thuận",
                            "Xã Tân Thanh, huyện Hàm Thuận, tỉnh Ninh Thuận") < 0.9
    # Provinces alike (Bình Thuận and Ninh Thuận are 90 alike) are still two; a province read between two (Tac Ninh:
    # Tây Ninh or Bắc Ninh) is the registered one misread.
    assert surely_another_place("Thôn Tân Lập, xã Phú An, huyện Bắc Bình, tỉnh Bình Thuận",
                                "Thôn Tân Lập, xã Phú Yên, huyện Bác Ái, tỉnh Ninh Thuận", 0.6)
    assert not surely_another_place("Xã Tân An, huyện Ea Kac, tỉnh Tac Ninh", "Xã Tân An, huyện Ea Kar, tỉnh Bắc Ninh",
                                    0.6)
    # A province's unit word garbled beyond a letter, its name a letter off (seed 1030003): still that province.
    assert not surely_another_place("Xã Nghĩa Đồng, huyện Long z2, © rỉ “ồng Nai",
                                    "Xã Nghĩa Đồng, huyện Long Thành, tỉnh Đồng Nai", 0.6)
    # Only where the province stands: a house number on a street named after one, a commune's first word, stay.
    danang = "phường Thạc Gián, quận Thanh Khê, thành phố Đà Nẵng"
    assert place_similarity(f"12 Hải Phòng, {danang}", f"40 Hải Phòng, {danang}") < 0.8
    assert place_similarity("Xã Tân Hòa Bình, huyện Kim Bôi, tỉnh Hòa Bình",
                            "Xã Hòa Bình, huyện Kim Bôi, tỉnh Hòa Bình") < 0.8
    # A unit word inside a name is the name's: "Hải Dương" is not "Hải" and a street ("đường").
    hai_duong = "Xã Minh Khai, huyện Cẩm Giàng, tỉnh Hải Dương"
    assert place_similarity(hai_duong.replace("Dương", "Dưng"), hai_duong) > 0.95
    assert place_similarity(hai_duong.replace("Hải Dương", "Hải Phòng"), hai_duong) < 0.7
    # A unit word read a letter off still opens its part ("thành phế"), not a name that looks like one.
    misread = "Thôn Trung, xã Vĩnh Hưng, huyện Đồng Anh, thành phế Hà Nội"
    assert place_similarity(misread, misread.replace("phế", "phố")) == 1.0
    # Only before a province's name: the commune "Thanh Phú Đông Bắc" is no "thành phố" Đông Bắc.
    assert place_similarity("Thanh Phú Đông Bắc, Bến Lức, Long An", "Đông Bắc, Bến Lức, Long An") < 0.8
    # The reader ran the province on into the next field's label: the province is still the province...
    home = "Số 231, đường Láng, phường Tân An, quận Cầu Giấy, thành phố Hà Nội"
    assert place_similarity(home.replace("phố Hà Nội", "phố.Hà Nội Giấy tờ tùy thân?CÁINBS6/0172096347"),
                            home) == 1.0
    # ... but a commune is not one whose name begins like it, nor a province cut short the one it begins.
    assert place_similarity("Tổ 5, ấp 3, xã Tân An Hội", "Tổ 5, ấp 3, xã Tân An") < 0.7
    assert place_similarity("xã Hải Anh, huyện Hải Hậu, tỉnh Nam", "xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định") < 1


def test_helpers():
    assert mask_id("001085012345") == "001******345"
    assert mask_id(None) == "-"
    assert id_shape_ok("001085012345", 1985, "male")
    assert not id_shape_ok("001085012345", 1985, "female")
    assert not id_shape_ok("001085012345", 1986, None)
    assert id_shape_ok("001305012345", 2005, "female")
    assert not id_shape_ok("00108501234", None, None)
    assert place_similarity("Hải Anh, Hải Hậu, Nam Định", ORIGIN_A) == 1.0
    assert place_similarity(ORIGIN_A, ORIGIN_B) < 0.5
    assert place_similarity(None, ORIGIN_A) is None
    entry = CitizenEntry("001085012345", "A", None, "male", birth_year=1985)
    assert entry.year == 1985


# -- a realistic batch ----------------------------------------------------------------------------------------------


def test_synthetic_documents_link_safely(lookup, population):
    """Persons as the synthetic forms print them (15% from outside the registry) against the registry."""
    rng = random.Random(7)
    counts: Counter[str] = Counter()
    for i in range(420):
        doc_type = list(FORMS)[i % len(FORMS)]
        form = FORMS[doc_type](Cast(population, random.Random(1000 + i)), "hard")
        persons = [Person(tp["role"], fields(**tp["fields"])) for tp in form.persons]
        if rng.random() < 0.3:  # a worn scan: one person's name without diacritics
            k = rng.randrange(len(persons))
            name = persons[k].fields["full_name"].value
            persons[k].fields["full_name"] = FieldValue(ascii_fold(name), 0.5)
        for tp, p in zip(form.persons, match_persons(persons, lookup), strict=True):
            counts["persons"] += 1
            counts["in_registry"] += tp["in_registry"]
            if p.match.status == "matched":
                right = tp["in_registry"] and p.match.citizen_id == tp["true_citizen_id"]
                counts["correct" if right else "wrong"] += 1
    assert counts["persons"] > 700
    assert counts["wrong"] <= 1  # about 0.1% at most; a wrong link is the worst outcome
    assert counts["correct"] >= 0.95 * counts["in_registry"]

