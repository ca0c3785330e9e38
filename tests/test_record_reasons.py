"""Validation reasons and the document-type confidence in the document record, and back from a stored record."""

from __future__ import annotations

import json

from extract.model import Extraction, FieldValue, Match, Person
from ingest.source import Source
from ocr.result import OcrPage, OcrResult
from tests.test_fields import BIRTH_NEW, extract, layout, person
from workers import record as records


def test_reasons_appear_in_the_record_only_when_there_are_some():
    assert "reasons" not in FieldValue("NGUYỄN VĂN AN", 0.9, 1, (1, 2, 3, 4)).as_record()
    out = FieldValue("049399012345", 0.3, reasons=("province code 049 unknown",)).as_record()
    assert out["reasons"] == ["province code 049 unknown"]
    json.dumps(out)  # plain JSON


def test_an_id_conflict_is_given_as_a_reason_and_not_fixed():
    lines = list(BIRTH_NEW)
    lines[11] = "Số định danh cá nhân: 049399012345"  # century and year digits say 2099, the page says 2005
    cid = person(extract(layout(lines)), "subject").fields["citizen_id"]
    assert cid.value == "049399012345"
    assert cid.reasons == ("birth year digits 99 say 2099 but the document says born 2005",)


def test_an_unknown_province_code_is_a_reason():
    lines = list(BIRTH_NEW)
    lines[11] = "Số định danh cá nhân: 099305012345"
    cid = person(extract(layout(lines)), "subject").fields["citizen_id"]
    assert cid.value == "099305012345"
    assert cid.reasons == ("province code 099 unknown",)


def test_a_clean_reading_has_no_reasons():
    ex = extract(layout(BIRTH_NEW))
    assert ex.doc_type == "birth_certificate" and 0.5 < ex.doc_type_confidence <= 1.0
    sub = person(ex, "subject")
    assert sub.fields["citizen_id"].reasons == ()
    assert sub.fields["full_name"].reasons == ()


def _source() -> Source:
    return Source(path="/nonexistent/scan.png", name="scan.png", sha256="ab" * 32, media_type="image/png",
                  size=10)


def test_record_round_trip_keeps_reasons_and_doc_type_confidence():
    cid = FieldValue("049399012345", 0.2, 1, (10, 20, 300, 50),
                     ("birth year digits 99 say 1999 but the document says born 2005",))
    name = FieldValue("TRẦN THỊ LAN", 0.8, 1, (10, 60, 300, 90), ("re-read from its place on the page (3 of 4 "
                                                                  "readings agree)",))
    extraction = Extraction("birth_certificate", {"book_number": FieldValue("02/2005", 0.9)},
                            [Person("subject", {"citizen_id": cid, "full_name": name}, Match())], 0.934567)
    page = OcrPage(1, 100, 100, 200.0, "header", 0, 0.0, None, False, "text", 0.9, 1, None)
    ocr = OcrResult("/nonexistent.pdf", [page], "tesseract 5.3.0", "vie")
    record = records.done_record("doc1", "b", _source(), ocr, extraction)
    stored = json.loads(json.dumps(record, ensure_ascii=False))
    assert stored["doc_type_confidence"] == 0.9346
    fields = stored["persons"][0]["fields"]
    assert fields["citizen_id"]["reasons"] == list(cid.reasons)
    assert "reasons" not in stored["fields"]["book_number"]
    back = records.extraction_from_record(stored)
    assert back.doc_type_confidence == 0.9346
    assert back.persons[0].fields["citizen_id"] == FieldValue(cid.value, 0.2, 1, cid.bbox, cid.reasons)
    assert back.persons[0].fields["full_name"].reasons == name.reasons
    # Rewritten from what was read back, the record says the same.
    again = records.with_extraction(stored, back)
    assert again["persons"][0]["fields"] == stored["persons"][0]["fields"]
    assert again["doc_type_confidence"] == 0.9346


def test_a_record_written_before_reasons_existed_still_reads():
    old = {"doc_type": "id_card", "fields": {}, "persons": [
        {"role": "holder", "fields": {"full_name": {"value": "LÊ THỊ HOA", "confidence": 0.9}}, "match": {}}]}
    back = records.extraction_from_record(old)
    assert back.doc_type_confidence is None
    assert back.persons[0].fields["full_name"].reasons == ()
