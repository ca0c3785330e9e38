"""Field corrections: values checked like extraction forms them, stored apart and audited, fed to matching,
and kept through reprocessing from every stage (real OCR on a rendered birth certificate)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from extract.entered import InvalidValueError, UnknownFieldError, normalize_entered
from extract.model import Extraction, FieldValue, Person
from storage.corrections import Correction
from tests.conftest import json_lines, run_sohoa
from tests.synth import make_document, make_registry, write_registry
from workers.corrections import apply_to_extraction, mark, ocr_view

TODAY = date(2026, 12, 4)


# -- values as staff type them -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("full_name", "  nguyễn  văn an ", "NGUYỄN VĂN AN"),
        ("full_name", "Nguye\u0302\u0303n Thi\u0323 Hoa", "NGUYỄN THỊ HOA"),  # NFD input comes out NFC
        ("date_of_birth", "05/03/1985", "1985-03-05"),
        ("date_of_birth", "6/5/2025", "2025-05-06"),
        ("date_of_birth", "1985-03-05", "1985-03-05"),
        ("date_of_birth", "1962", "1962"),
        ("registration_date", "ngày 24 tháng 08 năm 2017", "2017-08-24"),
        ("gender", "Nữ", "female"),
        ("gender", "male", "male"),
        ("citizen_id", "001 085 012345", "001085012345"),
        ("old_id_number", "271234567", "271234567"),
        ("place_of_origin", " Xã  Yên Sở,\nhuyện Tiền Hải ", "Xã Yên Sở, huyện Tiền Hải"),
    ],
)
def test_typed_values_take_the_contract_form(field, typed, expected):
    person = field not in ("registration_date",)
    assert normalize_entered(field, typed, person=person, today=TODAY).value == expected


@pytest.mark.parametrize(
    ("field", "typed", "why"),
    [
        ("date_of_birth", "31/02/1985", "not a date"),
        ("date_of_birth", "1985-02-31", "not a date that exists"),
        ("date_of_birth", "05/03/2030", "in the future"),
        ("date_of_birth", "about 1985", "not a date"),
        ("citizen_id", "00108501234", "not a 12-digit personal ID"),  # 11 digits
        ("citizen_id", "001085O12345", "not a 12-digit personal ID"),  # a letter O: no repair for typed values
        ("citizen_id", "501085012345", "not a 12-digit personal ID"),  # does not start with 0
        ("citizen_id", "901085012345", "not a 12-digit personal ID"),  # nor is a typed 9 taken for a worn 0
        ("old_id_number", "27123456", "not a 9-digit"),
        ("full_name", "NGUYỄN VĂN 4N", "letters only"),
        ("full_name", "AN", "full name"),
        ("gender", "không rõ", "neither male nor female"),
        ("ethnicity", "   ", "empty"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(field, typed, why):
    with pytest.raises(InvalidValueError) as info:
        normalize_entered(field, typed, person=True, today=TODAY)
    assert why in info.value.message and info.value.code == "invalid_value"
    # an ID never appears in full in the message (it goes to logs and screens)
    if field == "citizen_id":
        assert typed.replace(" ", "") not in info.value.message


def test_unknown_fields_are_refused():
    with pytest.raises(UnknownFieldError):
        normalize_entered("favourite_colour", "blue", person=True)
    with pytest.raises(UnknownFieldError):
        normalize_entered("full_name", "NGUYỄN VĂN AN", person=False)  # a person's field, not the document's


# -- applying them (pure) -------------------------------------------------------------------------------


def _corr(person, field, value):
    return Correction("d1", person, field, value, "can.bo.a", datetime(2026, 12, 4, 9, 0, tzinfo=UTC))


def test_apply_mark_and_back_to_the_ocr_view():
    extraction = Extraction(
        "birth_certificate",
        {"registration_date": FieldValue("2017-08-21", 0.7, 1, (1, 2, 3, 4))},
        [Person("subject", {"full_name": FieldValue("NGUYEN VAN AM", 0.6, 1, (10, 20, 30, 40))})],
    )
    corrections = [
        _corr(None, "registration_date", "2017-08-24"),
        _corr(0, "full_name", "NGUYỄN VĂN AN"),
        _corr(0, "date_of_birth", "1985-03-05"),  # not read by OCR at all
        _corr(3, "full_name", "TRẦN THỊ BÌNH"),  # the document no longer has a person 3
    ]
    applied = apply_to_extraction(extraction, corrections)
    subject = applied.extraction.persons[0].fields
    assert subject["full_name"] == FieldValue("NGUYỄN VĂN AN", 1.0, 1, (10, 20, 30, 40))
    assert subject["date_of_birth"].value == "1985-03-05" and subject["date_of_birth"].bbox is None
    assert extraction.persons[0].fields["full_name"].value == "NGUYEN VAN AM"  # input untouched

    record = {
        "fields": {k: v.as_record() for k, v in applied.extraction.fields.items()},
        "persons": [p.as_record() for p in applied.extraction.persons],
        "warnings": ["an OCR warning"],
    }
    marked = mark(record, applied)
    name = marked["persons"][0]["fields"]["full_name"]
    assert name["corrected"] == {"by": "can.bo.a", "at": "2026-12-04T09:00:00+00:00", "ocr_value": "NGUYEN VAN AM",
                                 "ocr_confidence": 0.6}
    assert marked["fields"]["registration_date"]["corrected"]["ocr_value"] == "2017-08-21"
    assert marked["warnings"][0] == "an OCR warning" and "person 3" in marked["warnings"][1]
    assert mark(marked, applied)["warnings"] == marked["warnings"]  # applied again: no warning piles up

    back = ocr_view(marked)
    assert back["persons"][0]["fields"]["full_name"] == {"value": "NGUYEN VAN AM", "confidence": 0.6, "page": 1,
                                                         "bbox": [10, 20, 30, 40]}
    assert "date_of_birth" not in back["persons"][0]["fields"]
    assert back["fields"]["registration_date"]["value"] == "2017-08-21"


# -- end to end ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    root = tmp_path_factory.mktemp("corrections")
    registry = make_registry(0, 2000)
    write_registry(registry, root / "registry.csv")
    doc = make_document(41, "birth_certificate", "clean", registry)
    scans = root / "scans"
    scans.mkdir()
    doc.pages[0].convert("RGB").save(scans / "khai-sinh.png", dpi=(doc.dpi, doc.dpi))
    home = root / "home"
    run_sohoa(home, "registry", "import", str(root / "registry.csv"), check=True)
    run_sohoa(home, "ingest", str(scans), "--batch", "c1", check=True)
    record = json_lines(run_sohoa(home, "docs", "list", "--batch", "c1", "--json", check=True).stdout)[0]
    truth = doc.truth["persons"][0]
    # someone else from the registry, of the same gender: the person staff say the page is about
    other = next(
        c for c in registry if c.gender == truth["fields"]["gender"] and c.citizen_id != truth["true_citizen_id"]
    )
    return {"home": home, "record": record, "truth": truth, "other": other}


def _show(home, doc_id):
    return json_lines(run_sohoa(home, "docs", "show", doc_id, "--json", check=True).stdout)[0]


def test_corrections_feed_matching_and_survive_reprocessing(processed):
    home, record, other = processed["home"], processed["record"], processed["other"]
    doc_id = record["doc_id"]
    subject = record["persons"][0]
    assert subject["role"] == "subject"
    assert subject["match"]["citizen_id"] == processed["truth"]["true_citizen_id"]  # OCR alone links the right one
    ocr_name = subject["fields"]["full_name"]["value"]

    for field, value in (
        ("full_name", other.full_name.lower()),
        ("date_of_birth", other.date_of_birth.strftime("%d/%m/%Y")),
        ("citizen_id", other.citizen_id),
    ):
        run_sohoa(home, "docs", "correct", doc_id, field, value, "--person", "0", "--user", "can.bo.a", check=True)
    run_sohoa(home, "docs", "correct", doc_id, "registration_date", "24/08/2017", "--user", "can.bo.b", check=True)

    def check(rec: dict) -> None:
        fields = rec["persons"][0]["fields"]
        assert fields["full_name"]["value"] == other.full_name
        assert fields["full_name"]["corrected"]["by"] == "can.bo.a"
        assert fields["full_name"]["corrected"]["ocr_value"] == ocr_name
        assert fields["date_of_birth"]["value"] == other.date_of_birth.isoformat()
        assert fields["citizen_id"]["value"] == other.citizen_id and fields["citizen_id"]["confidence"] == 1.0
        assert rec["fields"]["registration_date"] == {**rec["fields"]["registration_date"], "value": "2017-08-24"}
        assert rec["fields"]["registration_date"]["corrected"]["by"] == "can.bo.b"
        # matching ran on the corrected values: the page is now linked to the citizen staff named
        assert rec["persons"][0]["match"]["citizen_id"] == other.citizen_id, rec["persons"][0]["match"]

    check(_show(home, doc_id))
    found = json_lines(run_sohoa(home, "docs", "list", "--citizen-id", other.citizen_id, "--json", check=True).stdout)
    assert [r["doc_id"] for r in found] == [doc_id]
    for stage in ("match", "extract", "ocr"):
        run_sohoa(home, "reprocess", "--doc", doc_id, "--from", stage, check=True)
        check(_show(home, doc_id))

    log = json_lines(run_sohoa(home, "docs", "corrections", doc_id, "--json", check=True).stdout)
    assert [(e["person"], e["field"], e["user"]) for e in log] == [
        (0, "full_name", "can.bo.a"),
        (0, "date_of_birth", "can.bo.a"),
        (0, "citizen_id", "can.bo.a"),
        (None, "registration_date", "can.bo.b"),
    ]
    assert log[0]["old_value"] == ocr_name and log[0]["new_value"] == other.full_name
    assert all(e["at"].endswith("+00:00") for e in log)
    by_user = json_lines(run_sohoa(home, "docs", "corrections", "--user", "can.bo.b", "--json", check=True).stdout)
    assert [e["field"] for e in by_user] == ["registration_date"]

    # a second correction of the same field: the latest value is in force, both are in the log
    run_sohoa(home, "docs", "correct", doc_id, "registration_date", "2017-08-25", "--user", "can.bo.c", check=True)
    assert _show(home, doc_id)["fields"]["registration_date"]["value"] == "2017-08-25"
    log = json_lines(run_sohoa(home, "docs", "corrections", doc_id, "--json", check=True).stdout)
    assert (log[-1]["old_value"], log[-1]["new_value"]) == ("2017-08-24", "2017-08-25")


def test_invalid_corrections_are_refused_and_change_nothing(processed):
    home, doc_id = processed["home"], processed["record"]["doc_id"]
    before = _show(home, doc_id)
    log_before = run_sohoa(home, "docs", "corrections", doc_id, "--json", check=True).stdout
    bad_date = run_sohoa(home, "docs", "correct", doc_id, "date_of_birth", "31/02/1985", "--person", "0")
    assert bad_date.returncode == 2 and "invalid_value" in bad_date.stderr and "not a date" in bad_date.stderr
    bad_id = run_sohoa(home, "docs", "correct", doc_id, "citizen_id", "04218505978", "--person", "0")
    assert bad_id.returncode == 2 and "not a 12-digit personal ID" in bad_id.stderr
    assert "04218505978" not in bad_id.stderr  # masked
    assert run_sohoa(home, "docs", "correct", doc_id, "colour", "red", "--person", "0").returncode == 2
    assert run_sohoa(home, "docs", "correct", doc_id, "full_name", "LÊ VĂN A", "--person", "9").returncode == 1
    assert run_sohoa(home, "docs", "correct", "nodoc", "book_number", "01").returncode == 1
    after = _show(home, doc_id)
    assert after["persons"] == before["persons"] and after["fields"] == before["fields"]
    assert run_sohoa(home, "docs", "corrections", doc_id, "--json", check=True).stdout == log_before
