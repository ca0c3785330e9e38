"""Values a confident registry link proves misread (extract.confirm), against a real SQLite registry."""

from __future__ import annotations

import copy
import csv
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.confirm import (
    REASON_PREFIX,
    confirm_persons,
    date_misread,
    day_month_misread,
    id_misread,
    id_slipped,
    in_printed_style,
    name_garbled,
    name_misread,
)
from extract.fields import extraction_from_ocr
from extract.matching import match_persons
from extract.model import Extraction, FieldValue, Person
from storage.corrections import Correction
from storage.index import make_engine
from storage.registry import import_csv
from storage.registry_lookup import SqlRegistryLookup
from storage.reviews import Decision
from tests.synth import make_document, make_registry, write_registry
from tests.test_fields import _ocr
from workers import corrections
from workers.pipeline import match_step
from workers.record import apply_decisions, extraction_from_record, with_extraction

REGISTRY_SEED = 11
HOME = "Thôn Đông, xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định"
# citizen_id, full_name, date_of_birth, gender, old_id_number, place_of_origin, permanent_address
CRAFTED = [
    ("079072100006", "VÕ MINH TRIẾT", "1972-11-30", "male", "", HOME, HOME),
    ("036085100001", "ĐINH CÔNG KHẢI", "1985-03-18", "male", "", HOME, HOME),
    ("040160100009", "KIỀU THỊ THỦY", "1960-02-02", "female", "", HOME, HOME),
    ]


@pytest.fixture(scope="module")
def lookup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("registry")
    path = write_registry(make_registry(REGISTRY_SEED, 1500), tmp / "registry.csv")
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(CRAFTED)
    engine = make_engine(f"sqlite:///{tmp / 'index.sqlite3'}")
    import_csv(engine, path)
    yield SqlRegistryLookup(engine)
    engine.dispose()


def person(role: str = "subject", **values: str) -> Person:
    return Person(role, {k: FieldValue(v, 0.7, 1, (10, 20, 300, 50)) for k, v in values.items()})


def linked(lookup, p: Person, keep=()) -> Person:
    matched = match_persons([p], lookup)
    assert matched[0].match.status == "matched", matched[0].match
    return confirm_persons(matched, lookup, keep)[0]


def test_the_kinds_of_difference_ocr_makes_and_the_ones_it_does_not():
    assert name_misread("VÕ MINH TRIỆT", "VÕ MINH TRIẾT")  # a mark
    assert name_misread("DANG THANH AN", "ĐẶNG THANH AN")  # a card zone's spelling, without marks
    assert name_misread("NGUYỄN HỮU NINH", "NGUYỄN HỮU MINH")  # one letter
    assert not name_misread("KIỀU THỊ THUỶ", "KIỀU THỊ THỦY")  # tone placement: both are printed
    assert not name_misread("NGUYỄN HỮU NINH", "NGUYỄN HỮU MINH ANH")  # another syllable count
    assert not name_misread("LÊ THỊ LAN", "LÊ THỊ LOAN")  # a letter added is another name
    assert not name_misread("NGUYỄN HỮU NINH", "NGUYỄN HỮU MINK")  # two letters
    # The registry's letters, the page's tone placement: an old form prints "THUỶ" where the registry has "THỦY".
    assert in_printed_style("PHẠM THỊ THUỲ", "PHẠM THỊ THỦY") == "PHẠM THỊ THUỶ"
    assert in_printed_style("NGUYEN TUAN KHANH", "NGUYỄN TUẤN KHÁNH") == "NGUYỄN TUẤN KHÁNH"
    assert in_printed_style("TẠ ĐÍNH VĂN DŨNG", "TẠ ĐÌNH VĂN DŨNG") == "TẠ ĐÌNH VĂN DŨNG"
    assert date_misread("1985-03-19", "1985-03-18") and date_misread("1953", "1963")
    assert not date_misread("1985-03-29", "1985-03-18") and not date_misread("1985", "1985-03-18")
    assert date_misread("1982-08-19", "1962-08-10")  # 6 read 8, 0 read 9
    assert not date_misread("1982-08-13", "1962-08-10") and not date_misread("1983", "1963-08-10")
    assert id_misread("640073863274", "040073863274") and id_misread("991091675141", "091091673141")
    assert not id_misread("991091675149", "091091673141")  # three digits: someone else's number


def test_a_linked_person_takes_the_registry_values_ocr_slipped_on(lookup):
    got = linked(lookup, person(full_name="VÕ MINH TRIỆT", date_of_birth="1972-11-30", gender="male",
                                citizen_id="079072100006"))
    name = got.fields["full_name"]
    assert name.value == "VÕ MINH TRIẾT" and name.ocr_value == "VÕ MINH TRIỆT"
    assert name.reasons[-1].startswith(REASON_PREFIX) and (name.page, name.bbox) == (1, (10, 20, 300, 50))
    assert got.fields["date_of_birth"].ocr_value is None  # read right: untouched

    got = linked(lookup, person(full_name="ĐINH CÔNG KHẢI", date_of_birth="1985-08-18", gender="male",
                                citizen_id="036085100001"))
    assert got.fields["date_of_birth"].value == "1985-03-18"
    assert got.fields["date_of_birth"].ocr_value == "1985-08-18"


def test_tone_placement_and_large_differences_stay_as_printed(lookup):
    got = linked(lookup, person(full_name="KIỀU THỊ THUỶ", date_of_birth="1960-02-02", gender="female",
                                citizen_id="040160100009"))
    assert got.fields["full_name"].value == "KIỀU THỊ THUỶ" and got.fields["full_name"].ocr_value is None
    # Linked on its ID and birth date, with a name two letters from the registry's: kept as read.
    got = linked(lookup, person(full_name="VŨ MINH TRIỆN", date_of_birth="1972-11-30", gender="male",
                                citizen_id="079072100006"))
    assert got.fields["full_name"].value == "VŨ MINH TRIỆN" and got.fields["full_name"].ocr_value is None


def test_a_link_settles_which_reading_of_a_birth_date_the_page_prints(lookup):
    p = person(full_name="VÕ MINH TRIẾT", gender="male", permanent_address=HOME)
    p.fields["date_of_birth"] = FieldValue("1979-01-30", 0.6, 1, (10, 60, 200, 90), alternatives=("1972-11-30",))
    out = linked(lookup, p).fields["date_of_birth"]
    assert (out.value, out.ocr_value) == ("1972-11-30", "1979-01-30")
    assert out.reasons[-1].startswith(REASON_PREFIX) and "another reading of the page" in out.reasons[-1]
    # A year its readings agreed on, the full dates beside it: the linked citizen's date, not the year.
    p.fields["date_of_birth"] = FieldValue("1972", 0.5, alternatives=("1972-01-30", "1972-11-30"))
    assert linked(lookup, p).fields["date_of_birth"].value == "1972-11-30"
    # An alternative that is not the linked citizen's date changes nothing.
    p.fields["date_of_birth"] = FieldValue("1972-11-30", 0.6, alternatives=("1972-01-30",))
    assert linked(lookup, p).fields["date_of_birth"].value == "1972-11-30"


def test_a_birth_date_read_with_little_confidence_takes_the_linked_citizens_date_of_that_year(lookup):
    # Linked on name, year, address and place of origin (a date in doubt needs both, or an ID).
    p = person(full_name="KIỀU THỊ THỦY", gender="female", permanent_address=HOME, place_of_origin=HOME)
    p.fields["date_of_birth"] = FieldValue("1960-04-04", 0.31, 1, (10, 60, 200, 90))
    out = linked(lookup, p).fields["date_of_birth"]
    assert (out.value, out.ocr_value) == ("1960-02-02", "1960-04-04")
    assert "read with little confidence" in out.reasons[-1]


def test_a_birth_year_read_alone_takes_the_linked_date_its_garbled_day_and_month_nearly_spell(lookup):
    assert day_month_misread("39/7/1959", "1959-07-30")  # the day's 0 read as 9: no other date of 1959 fits
    assert day_month_misread("3O/11/1972", "1972-11-30")  # a letter for a digit: 30 or 31 November
    # The slash lost and the month's 8 read "%": 16 January to 16 September all fit, so only an ID tie counts.
    assert not day_month_misread("160%/1959", "1959-08-16")
    assert day_month_misread("160%/1959", "1959-08-16", tied=True)
    assert not day_month_misread("160%/1959", "1959-10-16", tied=True)  # 1 is no misread 0
    assert not day_month_misread("39/7/1959", "1959-08-30")  # two slips
    assert not day_month_misread("31/7/1959", "1959-07-30")  # 1 and 0: digits OCR does not take for each other
    assert not day_month_misread("3/11/1972", "1972-11-30")  # a digit lost: anything from 3 to 30
    assert not day_month_misread("17A4/19S7", "1957-04-12")
    assert not day_month_misread("12/1959", "1959-02-01")  # two characters agree with too many dates
    assert not day_month_misread("39/7/1958", "1959-07-30")  # another year read
    assert not day_month_misread("39/7/1959", "1959")
    assert not day_month_misread("3I/11/1972", "1972-11-30")  # "I" is a 1, and 1 is no misread 0
    assert not day_month_misread("19", "1959-07-30")  # a stored reading too short to be a date
    # Linked on name, year, address and place of origin: the registry's date replaces the year, what OCR read
    # stays in the record.
    p = person(full_name="VÕ MINH TRIẾT", gender="male", permanent_address=HOME, place_of_origin=HOME)
    p.fields["date_of_birth"] = FieldValue("1972", 0.5, 1, (10, 60, 200, 90), read_as="3O/11/1972")
    out = linked(lookup, p).fields["date_of_birth"]
    assert (out.value, out.ocr_value) == ("1972-11-30", "1972")
    assert "3O/11/1972" in out.reasons[-1] and out.reasons[-1].startswith(REASON_PREFIX)
    # Day and month two characters off, nothing kept of them, or fitting many dates: the year stays as read...
    for read_as in ("31/12/1972", None):
        p.fields["date_of_birth"] = FieldValue("1972", 0.5, read_as=read_as)
        assert linked(lookup, p).fields["date_of_birth"].value == "1972"
    khai = person(full_name="ĐINH CÔNG KHẢI", gender="male", permanent_address=HOME, place_of_origin=HOME)
    khai.fields["date_of_birth"] = FieldValue("1985", 0.5, read_as="18/%/1985")  # 18 January to 18 September
    assert linked(lookup, khai).fields["date_of_birth"].value == "1985"
    # ... unless the ID read ties the person to that citizen.
    khai.fields["citizen_id"] = FieldValue("036085100001", 0.9)
    assert linked(lookup, khai).fields["date_of_birth"].value == "1985-03-18"
    # The record keeps the date as read, so a rematch from it (``reprocess --from match``) confirms it again.
    p.fields["date_of_birth"] = FieldValue("1972", 0.5, 1, (10, 60, 200, 90), read_as="3O/11/1972")
    record = with_extraction({"doc_id": "x", "fields": {}, "persons": []},
                             match_step(Extraction("death_certificate", {}, [p]), lookup))
    field = record["persons"][0]["fields"]["date_of_birth"]
    assert (field["value"], field["read_as"]) == ("1972-11-30", "3O/11/1972")
    again = extraction_from_record(corrections.ocr_view(record))
    assert again.persons[0].fields["date_of_birth"].read_as == "3O/11/1972"
    assert match_step(again, lookup).persons[0].fields["date_of_birth"].value == "1972-11-30"


def test_staff_corrections_and_unlinked_persons_are_left_alone(lookup):
    p = person(full_name="VÕ MINH TRIỆT", date_of_birth="1972-11-30", gender="male", citizen_id="079072100006")
    assert linked(lookup, p, keep=[(0, "full_name")]).fields["full_name"].value == "VÕ MINH TRIỆT"
    stranger = person(full_name="VÕ MINH TRIỆT", date_of_birth="1931-01-01", gender="male")
    out = confirm_persons(match_persons([stranger], lookup), lookup)[0]
    assert out.match.status != "matched" and out.fields == stranger.fields


def test_the_record_shows_the_confirmation_and_a_rematch_starts_from_what_ocr_read(lookup):
    read = Extraction("id_card", {}, [person("holder", full_name="VÕ MINH TRIỆT", date_of_birth="1972-11-30",
                                            gender="male", citizen_id="079072100006")])
    record = with_extraction({"doc_id": "x", "fields": {}, "persons": []}, match_step(read, lookup))
    field = record["persons"][0]["fields"]["full_name"]
    assert field["value"] == "VÕ MINH TRIẾT"
    assert field["confirmed"] == {"by": "registry", "ocr_value": "VÕ MINH TRIỆT"}
    back = corrections.ocr_view(record)["persons"][0]["fields"]["full_name"]
    assert back["value"] == "VÕ MINH TRIỆT" and "confirmed" not in back and not back.get("reasons")
    assert match_step(read, lookup, confirm=False).persons[0].fields["full_name"].value == "VÕ MINH TRIỆT"


def test_an_id_read_a_digit_short_or_long_is_the_linked_citizens_when_one_slip_explains_it(lookup):
    assert id_slipped("0790721000063", "079072100006")  # a speck after it read as one more digit
    assert id_slipped("07907210006", "079072100006")  # a digit lost
    assert id_slipped("6790721000063", "079072100006")  # and its 0 read 6
    assert not id_slipped("6790721008063", "079072100006")  # one more slip: another number
    assert not id_slipped("079072100007", "079072100006")  # twelve digits: ``id_misread``'s
    slipped = FieldValue("0790721000063", 0.8, 1, (10, 100, 300, 130))
    p = replace(person(full_name="VÕ MINH TRIẾT", date_of_birth="1972-11-30", gender="male",
                       permanent_address=HOME), misread={"citizen_id": slipped})
    ident = linked(lookup, p).fields["citizen_id"]
    assert (ident.value, ident.ocr_value, ident.page, ident.bbox) == ("079072100006", "0790721000063", 1,
                                                                      (10, 100, 300, 130))
    assert ident.reasons == (f"{REASON_PREFIX}OCR read 079*******063, one digit more than the linked citizen's "
                             "registry entry",)
    # Another citizen's number, or one a slip further: it stays misread.
    for other in ("0360851000013", "6790721008063"):
        got = linked(lookup, replace(p, misread={"citizen_id": replace(slipped, value=other)}))
        assert "citizen_id" not in got.fields and got.misread["citizen_id"].value == other
    # An ID read as one, or typed by staff, stays as it is.
    read = replace(p, fields={**p.fields, "citizen_id": FieldValue("079072100006", 0.9)})
    assert linked(lookup, read).fields["citizen_id"].ocr_value is None
    assert "citizen_id" not in linked(lookup, p, keep=[(0, "citizen_id")]).fields
    # The record keeps the reading; the view of what OCR read takes the confirmed ID back out, and a rematch from it
    # confirms it again.
    record = with_extraction({"doc_id": "x", "fields": {}, "persons": []},
                             match_step(Extraction("death_certificate", {}, [p]), lookup))
    kept = record["persons"][0]
    assert kept["misread"]["citizen_id"]["value"] == "0790721000063"
    assert kept["fields"]["citizen_id"]["confirmed"]["ocr_value"] == "0790721000063"
    view = corrections.ocr_view(record)
    assert "citizen_id" not in view["persons"][0]["fields"] and view["persons"][0]["misread"] == kept["misread"]
    again = match_step(extraction_from_record(view), lookup).persons[0]
    assert again.fields["citizen_id"].value == "079072100006"
    # An ID staff type is printed where OCR misread it.
    typed = Correction("x", 0, "citizen_id", "079072100006", "staff", datetime(2026, 1, 5, tzinfo=UTC))
    fixed = corrections.apply_to_extraction(extraction_from_record(view), [typed])
    field = fixed.extraction.persons[0].fields["citizen_id"]
    assert (field.value, field.page, field.bbox) == ("079072100006", 1, (10, 100, 300, 130))
    assert fixed.marks[(0, "citizen_id")]["ocr_value"] is None  # nothing for the OCR view to put back


def test_a_printed_id_ocr_read_a_digit_long_is_confirmed_by_the_link(lookup, tmp_path):
    doc = make_document(7, "birth_certificate", "clean", registry=make_registry(REGISTRY_SEED, 1500))
    truth = doc.truth["persons"][0]
    cid = truth["fields"]["citizen_id"]
    assert truth["role"] == "subject" and truth["in_registry"]
    ocr = _ocr(doc, tmp_path)
    hocr = Path(ocr.pages[0].hocr_path)
    original = hocr.read_text(encoding="utf-8")
    assert original.count(cid) == 1
    # The page's reading with a speck after the number taken for one more digit.
    hocr.write_text(original.replace(cid, cid + "3"), encoding="utf-8")
    read = extraction_from_ocr(ocr, second_look=False)
    subject = next(p for p in read.persons if p.role == "subject")
    assert "citizen_id" not in subject.fields and subject.misread["citizen_id"].value == cid + "3"
    assert subject.misread["citizen_id"].bbox is not None
    linked_subject = next(p for p in match_step(read, lookup).persons if p.role == "subject")
    assert linked_subject.match.status == "matched" and linked_subject.match.citizen_id == truth["true_citizen_id"]
    assert linked_subject.fields["citizen_id"].value == cid


def test_a_name_word_ocr_garbled_past_any_name_takes_the_linked_citizens_spelling(lookup):
    assert name_garbled("TRẦN MTMH DŨNG", "TRẦN MINH DŨNG")  # no vowel
    assert name_garbled("BỒỜI MINH PHƯƠNG", "BÙI MINH PHƯƠNG")  # two tone marks
    assert name_garbled("TRẦN MTMH DUNG", "TRẦN MINH DŨNG") is False  # two words differ
    assert not name_garbled("TRẦN MTXX DŨNG", "TRẦN MINH DŨNG")  # three letters off
    assert not name_garbled("TRẦN MTMH", "TRẦN MINH DŨNG")  # a word lost
    assert not name_garbled("ĐẶNG HƯƠNG TRINH", "ĐẶNG PHƯƠNG TRINH")  # HƯƠNG is a name: another person's
    # What a name may be: no Vietnamese syllable, yet printed so (minority and foreign names, abbreviations), and
    # a stray letter or two, which a short word is two edits from.
    for printed, registered in [("GUYÊ THỊ HẰNG", "NGUYỄN THỊ HẰNG"), ("Y NGÔNG NIÊ", "Y NGÔNG NIÊN"),
                                ("PHẠM THỊ MARIA", "PHẠM THỊ MAI"), ("CHAU PHOL", "CHAU PHONG"),
                                ("KSOR H'HEN", "KSƠR H'HEN"), ("NG. VĂN TÀI", "NGÔ VĂN TÀI"),
                                ("TR. MINH TÀI", "TRẦN MINH TÀI"), ("NGUYỄN TH. HOA", "NGUYỄN THỊ HOA"),
                                ("K THỊ HUYỀN", "LÊ THỊ HUYỀN"), ("X MINH TRIẾT", "ĐỖ MINH TRIẾT"),
                                ("NGUYỄN MTT HOA", "NGUYỄN MAI HOA"), ("CHAU PHÓL", "CHAU PHONG"),
                                ("KSR H'HEN", "KSƠR H'HEN"), ("H'M NIÊ", "H'MI NIÊ")]:
        assert not name_garbled(printed, registered), printed
    got = linked(lookup, person(full_name="VÕ MTMH TRIẾT", date_of_birth="1972-11-30", gender="male",
                                citizen_id="079072100006"))
    name = got.fields["full_name"]
    assert (name.value, name.ocr_value) == ("VÕ MINH TRIẾT", "VÕ MTMH TRIẾT")
    assert name.reasons == (f"{REASON_PREFIX}OCR read 'VÕ MTMH TRIẾT', one word garbled past any name, two "
                            "letters at most off the linked citizen's registry entry",)
    # The garbled word as registered, whatever its marks; the others in the page's tone placement (THUỶ).
    got = linked(lookup, person(full_name="KIỀU TḤỊỊ THUỶ", date_of_birth="1960-02-02", gender="female",
                                citizen_id="040160100009"))
    assert got.fields["full_name"].value == "KIỀU THỊ THUỶ"
    got = linked(lookup, person(full_name="KIỀU THỊ THÙỶ", date_of_birth="1960-02-02", gender="female",
                                citizen_id="040160100009"))
    assert got.fields["full_name"].value == "KIỀU THỊ THỦY"  # the registry's, not the old form's THUỶ
    kept = linked(lookup, person(full_name="VÕ MTMH TRIẾT", date_of_birth="1972-11-30", gender="male",
                                 citizen_id="079072100006"), keep=[(0, "full_name")])
    assert kept.fields["full_name"].value == "VÕ MTMH TRIẾT"


def test_a_printed_name_ocr_garbled_is_spelled_as_registered_once_linked(lookup, tmp_path):
    doc = make_document(7, "birth_certificate", "clean", registry=make_registry(REGISTRY_SEED, 1500))
    truth = doc.truth["persons"][0]
    middle = truth["fields"]["full_name"].split()[1]
    assert middle == "MAI"
    ocr = _ocr(doc, tmp_path)
    hocr = Path(ocr.pages[0].hocr_path)
    original = hocr.read_text(encoding="utf-8")
    assert f">{middle}<" in original
    # The subject's middle name (printed first) garbled past any name, as on a stained copy: two tone marks, two
    # letters off.
    garbled = "NẠÌX"
    hocr.write_text(original.replace(f">{middle}<", f">{garbled}<", 1), encoding="utf-8")
    read = extraction_from_ocr(ocr, second_look=False)
    assert garbled in next(p for p in read.persons if p.role == "subject").fields["full_name"].value.split()
    subject = next(p for p in match_step(read, lookup).persons if p.role == "subject")
    assert subject.match.status == "matched" and subject.match.citizen_id == truth["true_citizen_id"]
    assert subject.fields["full_name"].value == truth["fields"]["full_name"]


def test_values_a_link_confirmed_go_back_to_what_ocr_read_when_staff_reject_or_change_it(lookup):
    read = replace(person(full_name="VÕ MINH TRIỆT", date_of_birth="1972-11-30", gender="male",
                          permanent_address=HOME),
                   misread={"citizen_id": FieldValue("0790721000063", 0.8, 1, (10, 100, 300, 130))})
    record = with_extraction({"doc_id": "x", "fields": {}, "persons": []},
                             match_step(Extraction("death_certificate", {}, [read]), lookup))
    fields = copy.deepcopy(record["persons"][0]["fields"])
    assert (fields["full_name"]["value"], fields["citizen_id"]["value"]) == ("VÕ MINH TRIẾT", "079072100006")
    when = datetime(2026, 1, 5, tzinfo=UTC)

    def decided(action: str, citizen_id: str | None) -> dict:
        return apply_decisions(record, {0: Decision("x", 0, action, citizen_id, "staff", when)})["persons"][0]

    assert decided("accept", "079072100006")["fields"] == fields  # the same citizen: confirmed still
    for action, citizen_id in (("reject", None), ("accept", "036085100001")):
        person_now = decided(action, citizen_id)
        assert person_now["fields"]["full_name"]["value"] == "VÕ MINH TRIỆT"
        assert "confirmed" not in person_now["fields"]["full_name"] and "citizen_id" not in person_now["fields"]
        assert person_now["misread"] == record["persons"][0]["misread"]
    assert record["persons"][0]["fields"] == fields  # the stored record untouched


def test_a_citizen_staff_accept_confirms_what_ocr_misread_whatever_was_decided_before(lookup):
    read = person(full_name="ĐINH CÔNG KHẢL", gender="male")
    # The birth date read two ways, the registry's the other way.
    read.fields["date_of_birth"] = FieldValue("1985-08-18", 0.6, 1, (10, 60, 200, 90), alternatives=("1985-03-18",))
    record = with_extraction({"doc_id": "x", "fields": {}, "persons": []},
                             match_step(Extraction("death_certificate", {}, [read]), lookup))
    assert record["persons"][0]["match"]["status"] == "review"
    assert record["persons"][0]["fields"]["full_name"]["value"] == "ĐINH CÔNG KHẢL"
    when = datetime(2026, 1, 5, tzinfo=UTC)

    def decided(rec: dict, action: str, citizen_id: str | None, registry=lookup) -> dict:
        return apply_decisions(rec, {0: Decision("x", 0, action, citizen_id, "staff", when)}, registry)

    accepted = decided(record, "accept", "036085100001")
    name = accepted["persons"][0]["fields"]["full_name"]
    assert name["value"] == "ĐINH CÔNG KHẢI" and name["confirmed"]["ocr_value"] == "ĐINH CÔNG KHẢL"
    assert name["reasons"][-1].startswith(REASON_PREFIX)
    birth = accepted["persons"][0]["fields"]["date_of_birth"]
    assert (birth["value"], birth["confirmed"]["ocr_value"]) == ("1985-03-18", "1985-08-18")
    assert "place_of_origin" not in accepted["persons"][0]["fields"]  # nothing added that was not read
    # Without the registry at hand the decision only sets the link.
    assert decided(record, "accept", "036085100001", None)["persons"][0]["fields"] == record["persons"][0]["fields"]
    # Rejected first and accepted later, or accepted twice: as if accepted once.
    rejected = decided(record, "reject", None)
    assert rejected["persons"][0]["fields"]["full_name"]["value"] == "ĐINH CÔNG KHẢL"
    assert decided(rejected, "accept", "036085100001")["persons"][0]["fields"] == accepted["persons"][0]["fields"]
    assert decided(accepted, "accept", "036085100001")["persons"][0]["fields"] == accepted["persons"][0]["fields"]
    # Another citizen accepted instead: the first one's confirmations go; what staff corrected is never touched.
    other = decided(accepted, "accept", "079072100006")["persons"][0]["fields"]["full_name"]
    assert other["value"] == "ĐINH CÔNG KHẢL" and "confirmed" not in other
    typed = copy.deepcopy(record)
    typed["persons"][0]["fields"]["full_name"]["corrected"] = {"by": "staff"}
    assert decided(typed, "accept", "036085100001")["persons"][0]["fields"]["full_name"]["value"] == "ĐINH CÔNG KHẢL"


def test_confirming_again_what_a_link_confirmed_changes_nothing_more(lookup):
    # An ID read a digit long, and a birth year whose garbled day and month fit many dates: those need an ID read
    # to tie the link, and the ID the registry gave for the long reading is none.
    read = person(full_name="ĐINH CÔNG KHẢI", gender="male", permanent_address=HOME, place_of_origin=HOME)
    read.fields["date_of_birth"] = FieldValue("1985", 0.5, 1, (1, 2, 3, 4), read_as="18/%/1985")
    read = replace(read, misread={"citizen_id": FieldValue("0360851000013", 0.8, 1, (10, 100, 300, 130))})
    record = with_extraction({"doc_id": "x", "fields": {}, "persons": []},
                             match_step(Extraction("death_certificate", {}, [read]), lookup))
    fields = record["persons"][0]["fields"]
    assert record["persons"][0]["match"]["citizen_id"] == "036085100001"
    assert (fields["citizen_id"]["value"], fields["date_of_birth"]["value"]) == ("036085100001", "1985")
    when = datetime(2026, 1, 5, tzinfo=UTC)

    def decided(rec: dict, action: str, citizen_id: str | None) -> dict:
        return apply_decisions(rec, {0: Decision("x", 0, action, citizen_id, "staff", when)}, lookup)

    assert decided(record, "accept", "036085100001")["persons"][0]["fields"] == fields
    later = decided(decided(record, "reject", None), "accept", "036085100001")
    assert later["persons"][0]["fields"] == fields
    rematched = extraction_from_record(corrections.ocr_view(later))
    assert confirm_persons(match_persons(rematched.persons, lookup), lookup)[0].fields["date_of_birth"].value == "1985"
