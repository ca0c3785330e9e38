"""A card's machine-readable zone read several times: the readings vote, check digits and the ID's structure
decide, and a province code nothing confirms is not guessed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from config.templates import load_templates
from extract.card_birth import ID_YEAR_DATE
from extract.fields import _birth_by_id_year, extraction_from_ocr
from extract.layout import page_text
from extract.mrz import BIRTH_REPAIRED_BY_FACE, Mrz, find_mrz, repaired_by_ids
from extract.persons import PersonBuilder
from extract.second_look import SecondLook
from extract.values import Candidate
from extract.zone_digits import BIRTH_REPAIRED, check_digit, repaired_birth
from extract.zone_look import reread_zone
from tests.synth import make_document
from tests.synth.fonts import faces
from tests.synth.people import make_registry
from tests.test_doctype import CHAR_W, LINE_GAP, layout
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


def test_an_ids_copy_read_alike_twice_passes_the_check_digit_alone_where_the_document_number_came_out_garbled():
    # Seed 920102: the document number read a different way in each reading, its check digit and the ID alike.
    line1, line2, _ = zone(CID)
    garbled = [line1[:DOC_AT] + doc + line1[DOC_AT + 9:] for doc in ("932206849", "991208849")]
    assert found(garbled[0], line2).citizen_id is None  # once: a misread copy passes the check digit 1 time in 10
    assert found(*garbled, line2).citizen_id == CID
    alone = found(*garbled)  # no birth date the middle line proves: nothing checks the ID's year digits
    assert alone is None or alone.citizen_id is None
    # Read alike with one digit wrong, the copy fails the check digit (the ICAO weights catch any one wrong digit).
    wrong = [misread(line, ID_AT + 9, "7") for line in garbled]
    assert found(*wrong, line2).citizen_id is None
    # Two digits wrong may pass it: "046184384728" for 046184384625 does. A document number that passes it too and
    # differs contradicts such a copy; and a reading whose two copies hold is not outweighed by copies alone.
    twice = misread(misread(line1, ID_AT + 9, "7"), ID_AT + 11, "8")
    assert twice[ID_AT:ID_AT + 12] == "046184384728" and check_digit("184384728") == check_digit("184384625")
    assert found(twice, twice, line2).citizen_id is None
    garbled_twice = [line[:ID_AT] + twice[ID_AT:] for line in garbled]
    assert found(line1, *garbled_twice, line2).citizen_id == CID


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


def test_a_birth_date_with_misread_zeros_is_read_back_by_its_check_digit_and_the_ids_year():
    # Seed 1040005: "570930" read "576939" (0 as 6 and 9), the check digit 8 read right; the ID's year digits 57.
    cid = "001057426544"
    line1, line2, _ = zone(cid, born="570930", sex="M")
    bad = misread(misread(line2, 2, "6"), 5, "9")
    got = found(line1, bad)
    assert (got.citizen_id, got.birth, got.birth_reasons) == (cid, "570930", (BIRTH_REPAIRED,))
    assert got.sex is None  # the sex letter has no check digit of its own: it came with a failed one
    # Without an ID to give the year digits, the date is left unread (two ways may pass then).
    assert found(bad) is None or found(bad).birth is None
    # A date read right needs no repair and says none.
    assert found(line1, line2).birth_reasons == ()
    # Two readings that pass and tie leave the date unread: no repair of a third breaks the tie.
    other = zone(cid, born="570903", sex="M")[1]
    assert found(line1, line2, other, bad).birth is None


def test_a_repair_needs_the_ids_year_digits_and_one_way_to_pass():
    assert repaired_birth("6199917", "01") == "010901"  # seed 980102: year digits 0 read as 6, two zeros as 9
    assert repaired_birth("5769398", "57") == "570930"
    assert repaired_birth("2769398", "57") is None  # 2 is no misread 5: another date, or another card's ID
    assert repaired_birth("5703165", "57") is None  # 570315 with a 5 read as 6: 570316 passes as well
    assert repaired_birth("5722308", "57") is None  # 0 read as 2 is no slip OCR makes: nothing passes
    assert repaired_birth("57O9398", "57") is None  # a letter is no digit to read back


def test_a_birth_date_whose_first_digit_the_reading_lost_is_read_back_only_where_no_other_lost_digit_explains_it():
    # Seed 1060102: "8911160M…" read "914160M…", its first digit lost and a 1 read as 4.
    assert repaired_birth("*914160", "89") == "891116"
    # 981029 with a day digit lost reads "98109", check 3: a lost first digit and a 0 read as 9 would make it 980109.
    assert repaired_birth("*981093", "98") is None
    # 441118 with its check digit lost and a 1 read as 7: a lost first digit would make it 441117.
    assert repaired_birth("*441178", "44") is None
    assert repaired_birth("*914160", "79") is None  # the ID's year digits fit no way of reading it back
    assert repaired_birth("**14160", "89") is None


def test_a_zone_that_gave_no_id_has_its_birth_date_read_back_by_the_id_the_card_prints():
    """Seeds 940199 and 1060102: the zone's first line too damaged to give the ID, its birth date misread or its
    first digit lost; the face prints the ID, whose year digits the repair needs."""
    cid = "031089720021"  # Hải Phòng, a man born in 1989
    line1, line2, name = zone(cid, born="891116", sex="M")
    damaged = misread(misread(line1, ID_AT + 2, "9"), ID_AT + 10, "6")
    bad = misread(line2, 2, "4")  # 894116: no such month, its check digit fails
    got = found(damaged, bad, name)
    assert (got.citizen_id, got.birth, got.unchecked_births) == (None, None, ("8941160",))
    fixed = repaired_by_ids(got, [cid])
    assert (fixed.birth, fixed.birth_reasons, fixed.unchecked_births) == ("891116", (BIRTH_REPAIRED_BY_FACE,), ())
    # The real reading of seed 1060102's middle line: its first digit lost.
    lost = found(damaged, "914160M29111CRUNME<<", name)
    assert lost.unchecked_births == ("*914160",)
    assert repaired_by_ids(lost, [cid]).birth == "891116"
    # An ID whose structure fails gives no year digits; nor does no ID. One whose province code is misread does.
    assert repaired_by_ids(got, ["031889720021"]).birth is None
    assert repaired_by_ids(got, ["029089720021"]).birth == "891116"
    assert repaired_by_ids(got, []).birth is None
    # IDs of two birth years leave the year in doubt, even where one of them reads nothing back (1988 does not).
    assert repaired_by_ids(got, [cid, "031088720021"]).birth is None
    # A zone that proved its birth date keeps it, and keeps no readings to repair.
    whole = found(damaged, line2, name)
    assert (whole.birth, whole.unchecked_births) == ("891116", ())
    assert repaired_by_ids(whole, ["031079720021"]) == whole
    # Nor is a date read back by the face's ID where the zone gave one: a face ID misread would contradict it.
    own = found(line1, "0311160M29111CRUNME<<", name)
    assert own.citizen_id == cid and own.unchecked_births == ()
    assert repaired_by_ids(own, ["031088720021"]).birth is None


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


def test_an_id_the_zones_second_look_proves_by_the_composite_check_digit_stays_proved(tmp_path):
    """The first reading misread the ID's line; read again from the image, the line gives the ID and the composite
    check digit of both lines holds for it: the ID is the card's own (``Mrz.id_composite``) after the merge too."""
    line1, line2, name = zone(CID)
    image = Image.new("L", (2000, 400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(faces("typewriter")[0].path("ocr"), 30)
    for i, line in enumerate((line1, line2, name)):
        for k, ch in enumerate(line):  # one character per CHAR_W, where the first reading's boxes put them
            draw.text((300 + k * CHAR_W, 100 + i * LINE_GAP + 4), ch, fill=0, font=font)
    path = tmp_path / "zone.png"
    image.save(path)
    damaged = misread(misread(line1, ID_AT + 4, "9"), DOC_AT + 3, "9")
    first_pages = [page_text(layout([[(300, line)] for line in (damaged, line2, name)], height=400))]
    first = find_mrz(first_pages)
    assert first is not None and first.citizen_id is None
    look = SecondLook({1: (str(path), 300.0)}, "vie", None, None)
    again = reread_zone(look, first_pages, first)
    assert again is not None and again.citizen_id == CID
    assert again.id_composite


def test_a_zone_birth_date_read_back_leaves_the_date_the_card_prints_in_the_ids_year_a_reading_of_its_own():
    # The zone's date read back is no proof: the card's printed date, found by the ID's birth year where its label
    # was not read, is still added for extract.settle to weigh.
    template = next(t for t in load_templates() if t.doc_type == "id_card")
    texts = [page_text(layout(["Số / No.: 075070981211", "27/05/1970", "Giới tính / Sex: Nam"]))]
    cid = Candidate("citizen_id", "075070981211", 0.9, 1)
    for zone, printed in ((Mrz(birth="700527", birth_reasons=(BIRTH_REPAIRED_BY_FACE,)), True),
                          (Mrz(birth="700527"), False)):
        builder = PersonBuilder(template)
        builder.add_read(template.mrz, [cid])
        _birth_by_id_year(builder, template.mrz, texts, zone)
        dates = builder.values_of(template.mrz).get("date_of_birth", [])
        assert [(c.value, c.reasons) for c in dates] == ([("1970-05-27", (ID_YEAR_DATE,))] if printed else [])
