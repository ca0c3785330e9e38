"""A card's machine-readable zone read several times: the readings vote, check digits and the ID's structure
decide, and a province code nothing confirms is not guessed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from extract.fields import extraction_from_ocr
from extract.layout import page_text
from extract.mrz import Mrz, check_digit, find_mrz
from tests.synth import make_document
from tests.synth.people import make_registry
from tests.test_doctype import layout
from tests.test_fields import _ocr


def zone(cid: str, born: str = "840815", sex: str = "F") -> list[str]:
    """The three lines as a Vietnamese card prints them, composite check digit included."""
    doc = cid[3:]
    line1 = f"IDVNM{doc}{check_digit(doc)}{cid}<<"
    line1 += check_digit(line1)
    line2 = f"{born}{check_digit(born)}{sex}991231{check_digit('991231')}VNM<<<<<<<<<<<"
    line2 += check_digit(line1[5:30] + line2[:7] + line2[8:15] + line2[18:29])
    return [line1, line2, "NGUYEN<<THI<LAN<<<<<<<<<<<<<<<"]


def found(*lines: str) -> Mrz | None:
    return find_mrz([page_text(layout([[(300, line)] for line in lines]))])


def misread(line: str, at: int, char: str) -> str:
    return line[:at] + char + line[at + 1:]


CID = "046184384625"  # Hải Phòng, a woman born in 1984
DOC_AT, ID_AT = 5, 15  # where the document number and the ID start on the first line


def test_a_clean_zone_gives_its_values():
    line1, line2, line3 = zone(CID)
    got = found(line1, line2, line3)
    assert (got.citizen_id, got.birth, got.sex, got.names) == (CID, "840815", "female", ("NGUYEN", "THI", "LAN"))
    assert got.id_reasons == ()


def test_copies_read_two_ways_as_often_are_settled_by_the_check_digit():
    # Both readings misread the ID's copy of one digit, and read the document number's right (a seed-950393 card).
    line1, line2, _ = zone(CID)
    twisted = misread(line1, ID_AT + 7, "9")
    assert found(twisted, line2).citizen_id is None  # read once: which copy is right is not known
    assert found(twisted, twisted, line2).citizen_id == CID


def test_one_reading_whose_copies_differ_twice_gives_no_id():
    # Four ways to put the two copies together; one of the wrong ones may pass the check digit by chance.
    line1, line2, _ = zone(CID)
    twice = misread(misread(line1, ID_AT + 7, "9"), DOC_AT + 2, "6")
    assert found(twice, line2).citizen_id is None


def test_a_first_digit_read_as_another_is_zero_and_says_so():
    line1, line2, _ = zone(CID)
    got = found(misread(line1, ID_AT, "8"), line2)
    assert got.citizen_id == CID
    assert got.id_reasons == ("the zone's first digit read as 8: a personal ID starts with 0",)


def test_an_id_against_the_zones_birth_year_or_sex_is_refused():
    line1, _, _ = zone(CID)
    assert found(line1, zone(CID, born="850815")[1]).citizen_id is None  # year digits 84, zone says 85
    assert found(line1, zone(CID, sex="M")[1]).citizen_id is None  # century digit 1: a woman


def test_province_digits_most_readings_do_not_give_are_not_taken():
    line1, line2, _ = zone(CID)
    other = misread(line1, ID_AT + 2, "8")  # 048, Đà Nẵng: a valid ID, another person's
    assert found(other, line2).citizen_id == "048184384625"  # read once: nothing says otherwise
    assert found(other, line1, line1, line2).citizen_id == CID
    assert found(other, line1, line2).citizen_id is None  # one against one


def test_the_composite_check_digit_refuses_a_misread_province_code():
    line1, line2, _ = zone(CID)
    other = misread(line1, ID_AT + 2, "8")
    assert found(other, other, line2, line2).citizen_id is None
    # Read once, the composite digit may itself be misread: it refuses nothing.
    assert found(other, other, line2).citizen_id == "048184384625"


def test_a_card_id_is_put_together_from_the_zone_readings_of_a_150_dpi_copy():
    """Seed 950587: a 150 dpi card copy whose page reading gives no holder at all. The zone's lines, read one by
    one and as a block, give the ID's last nine digits right in both copies and its first digit as 8."""
    doc = make_document(950587, "id_card", "hard", registry=make_registry(950000, 5000))
    truth = doc.truth["persons"][0]["fields"]
    with tempfile.TemporaryDirectory() as tmp:
        ocr = _ocr(doc, Path(tmp))
        first = extraction_from_ocr(ocr, second_look=False)
        second = extraction_from_ocr(ocr)
    assert not any(p.role == "holder" and "citizen_id" in p.fields for p in first.persons)
    holder = next(p for p in second.persons if p.role == "holder").fields
    assert holder["citizen_id"].value == truth["citizen_id"]
    assert any("first digit read as" in r for r in holder["citizen_id"].reasons)
