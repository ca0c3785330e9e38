"""Staff decisions follow the person they were made for when a document is read again and its persons come in
another order, or are set aside when that person is no longer found (workers.placement, workers.reapply)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from api.web.catalogue import Catalogue
from bench.accuracy import save_scan
from config.settings import Settings
from storage import corrections as storage_corrections
from storage import reviews as storage_reviews
from storage.corrections import corrections_for, settle_corrections
from storage.reviews import Decision, decisions_for, record_decision, settle_decisions
from storage.schema import ReviewLogRow
from tests.conftest import json_lines, run_sohoa
from tests.synth import make_document, make_registry
from tests.synth.people import REGISTRY_HEADER
from workers import reprocess as reprocess_module
from workers.context import Context
from workers.correct import correct
from workers.corrections import mark
from workers.pipeline import Options, write_record
from workers.placement import AMBIGUOUS, NOT_FOUND, UNKNOWN_READING, Seen, correspondence, resemblance, same_time
from workers.reapply import (
    DECISION_SET_ASIDE,
    MEANWHILE,
    Settlement,
    corrections_in_force,
    decisions_in_force,
    reading_of,
)
from workers.record import extraction_from_record, with_extraction
from workers.reprocess import reprocess
from workers.review import decide


def _names(record: dict) -> list[str]:
    return [p["fields"]["full_name"]["value"] for p in record["persons"]]


def test_decisions_follow_their_person_when_a_new_reading_lists_the_household_otherwise(tmp_path, monkeypatch):
    registry = make_registry(41, 400)
    doc = make_document(4102, "household_registration", "clean", registry=registry)
    truth = doc.truth["persons"]
    # A head and a member both named NGUYỄN VĂN AN, members NGUYỄN THANH LAN and NGUYỄN THỊ LAN: names alone
    # would not tell them apart.
    assert [p["fields"]["full_name"] for p in truth] == [
        "NGUYỄN VĂN AN", "NGUYỄN THANH LAN", "NGUYỄN THỊ LAN", "NGUYỄN VĂN AN", "NGUYỄN THỊ NGỌC"]
    home, scans = tmp_path / "home", tmp_path / "scans"
    scans.mkdir()
    save_scan(doc, scans)
    csv_path = tmp_path / "registry.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_HEADER)
        writer.writeheader()
        writer.writerows(c.csv_row() for c in registry)
    run_sohoa(home, "registry", "import", str(csv_path), check=True)
    run_sohoa(home, "ingest", str(scans), "--batch", "b1", check=True)
    [record] = json_lines(run_sohoa(home, "docs", "list", "--json", check=True).stdout)
    assert _names(record) == [p["fields"]["full_name"] for p in truth]
    doc_id, lan, an = record["doc_id"], truth[2]["true_citizen_id"], 3
    run_sohoa(home, "review", "accept", doc_id, "--person", "2", "--citizen-id", lan, "--user", "can.bo", check=True)
    run_sohoa(home, "review", "reject", doc_id, "--person", str(an), "--user", "can.bo", check=True)
    run_sohoa(home, "docs", "correct", doc_id, "full_name", "NGUYỄN THỊ BÍCH NGỌC", "--person", "4", "--user", "can.bo",
              check=True)

    # A newer reading lists the head last: every member moves up one place.
    real = reprocess_module.extract_document

    def head_last(ocr):
        found = real(ocr)
        return replace(found, persons=[*found.persons[1:], found.persons[0]])

    monkeypatch.setattr(reprocess_module, "extract_document", head_last)
    ctx = Context(Settings(home=home))
    options = Options(batch="b1")
    for stage in ("extract", "match"):
        reprocess([doc_id], stage, ctx, base_options=options)
        moved = ctx.index.get_record(doc_id)
        assert _names(moved) == [*_names(record)[1:4], "NGUYỄN THỊ BÍCH NGỌC", _names(record)[0]], stage
        assert [k for k, p in enumerate(moved["persons"]) if "corrected" in p["fields"]["full_name"]] == [3], stage
        assert [c.person_idx for c in corrections_for(ctx.index, doc_id)] == [3], stage
        matches = [p["match"] for p in moved["persons"]]
        # NGUYỄN THỊ LAN, now person 1, keeps the citizen staff accepted; person 2 (the member NGUYỄN VĂN AN)
        # is rejected as before, and nobody else carries a decision.
        assert (matches[1]["citizen_id"], matches[1]["decision"]["action"]) == (lan, "accept"), stage
        assert (matches[2]["status"], matches[2]["decision"]["action"]) == ("unmatched", "reject"), stage
        assert [k for k, m in enumerate(matches) if "decision" in m] == [1, 2], stage
        assert sorted(decisions_for(ctx.index, doc_id)) == [1, 2], stage  # stored under their new places
        assert not [w for w in moved.get("warnings") or [] if w.startswith(DECISION_SET_ASIDE)], stage

    # Read as at first again: they move back.
    monkeypatch.setattr(reprocess_module, "extract_document", real)
    reprocess([doc_id], "extract", ctx, base_options=options)
    back = ctx.index.get_record(doc_id)
    assert [k for k, p in enumerate(back["persons"]) if "decision" in p["match"]] == [2, an]
    assert back["persons"][2]["match"]["citizen_id"] == lan
    assert sorted(decisions_for(ctx.index, doc_id)) == [2, an]
    assert _names(back)[4] == "NGUYỄN THỊ BÍCH NGỌC"
    assert [c.person_idx for c in corrections_for(ctx.index, doc_id)] == [4]


def _member(name: str, birth: str | None, line: int, *, confidence: float = 0.95) -> dict:
    fields = {"full_name": {"value": name, "confidence": confidence, "page": 1, "bbox": [300, line, 700, line + 30]}}
    if birth:
        fields["date_of_birth"] = {"value": birth, "confidence": 0.95, "page": 1, "bbox": [900, line, 1100, line + 30]}
    return {"role": "member", "fields": fields,
            "match": {"status": "review", "citizen_id": None, "score": 0.6, "reasons": [], "candidates": []}}


def _rerun(ctx: Context, record: dict, previous: dict) -> dict:
    """A run's end for a new reading ``record``: decisions placed, the record written, then the placements stored."""
    settlement = Settlement(record["doc_id"])
    out = decisions_in_force(ctx.index, record, previous, settlement=settlement)
    write_record(ctx.store, ctx.index, out, settlement)
    return out


def _household(doc_id: str, persons: list[dict]) -> dict:
    return {
        "schema": "sohoa.document/1", "doc_id": doc_id, "batch": "r1", "status": "review", "error": None,
        "source": {"name": f"{doc_id}.png", "sha256": "d" * 64, "media_type": "image/png", "pages": 1},
        "doc_type": "household_registration", "fields": {}, "persons": persons, "text": "",
        "ocr": {"engine": "tesseract 5.3.0", "language": "vie", "mean_confidence": 0.9},
        "objects": {"original": "originals/" + "d" * 64, "pdf": None, "metadata": f"documents/{doc_id}/metadata.json"},
        "pipeline_version": "0.1.0", "processed_at": "2026-12-06T10:00:00+00:00",
        "pages": [{"number": 1, "width": 1654, "height": 2339, "dpi": 200.0, "dpi_source": "file", "hocr": None}],
    }


def test_a_decision_whose_person_a_new_reading_lacks_is_set_aside_told_and_not_applied_to_another(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    first = _household("dochh1", [_member("TRẦN VĂN HÙNG", "1970-02-03", 400),
                                  _member("TRẦN THỊ HƯƠNG", "1972-05-06", 600)])
    write_record(ctx.store, ctx.index, first)
    decide(ctx.index, ctx.store, "dochh1", 1, "accept", "001172000001", "can.bo")
    before = ctx.index.get_record("dochh1")
    assert before["persons"][1]["match"]["citizen_id"] == "001172000001"

    # The new reading has another member where she was: TRẦN VĂN HÙNG and a TRẦN THỊ HOA born another year.
    again = _household("dochh1", [_member("TRẦN VĂN HÙNG", "1970-02-03", 400),
                                  _member("TRẦN THỊ HOA", "1995-11-12", 600)])
    after = _rerun(ctx, again, before)
    assert after["persons"][1]["match"]["status"] == "review"  # the matcher's, not the accept
    [warning] = [w for w in after["warnings"] if w.startswith(DECISION_SET_ASIDE)]
    assert warning.startswith(f'{DECISION_SET_ASIDE}of person 1 "TRẦN THỊ HƯƠNG" (accept 001172000001) by can.bo at ')
    assert warning.endswith(f": {NOT_FOUND}")
    assert Catalogue("vi").reason(warning).endswith("đã bị gác lại: không còn tìm thấy người đó trong lần đọc mới")
    assert decisions_for(ctx.index, "dochh1") == {}  # out of force ...
    with ctx.index.session() as s:  # ... and logged as set aside
        assert [r.action for r in s.query(ReviewLogRow).filter_by(doc_id="dochh1")] == ["accept", "set_aside"]

    # A later re-run still tells it, and still applies it to no one.
    later = _rerun(ctx, again, after)
    assert later["warnings"] == after["warnings"] and "decision" not in later["persons"][1]["match"]
    # A decision on another person leaves the warning; accepting that citizen again, on whichever person, ends it.
    decided = decide(ctx.index, ctx.store, "dochh1", 0, "reject", None, "can.bo")
    assert decided["warnings"] == after["warnings"]
    decided = decide(ctx.index, ctx.store, "dochh1", 1, "accept", "001172000001", "can.bo")
    assert not [w for w in decided.get("warnings") or [] if w.startswith(DECISION_SET_ASIDE)]


def _seen(*members: dict) -> list[Seen]:
    return [Seen.of_record(m) for m in members]


def test_what_tells_two_readings_of_a_person_apart_and_what_ties_them():
    an = Seen.of_record(_member("NGUYỄN VĂN AN", "1961-07-10", 400))
    # One person read twice: a mark lost, a birth-date digit slipped, the name unread but printed on the same lines.
    assert resemblance(an, Seen.of_record(_member("NGUYEN VĂN AN", "1961-07-10", 410)))[0] > 1.9
    assert resemblance(an, Seen.of_record(_member("NGUYỄN VĂN AN", "1961-07-16", 410))) == (1.0, 1.0, True)
    assert resemblance(an, Seen.of_record(_member("", "1961-07-16", 405))) == (0.0, 0.0, True)
    # HÙNG and HƯNG are two names: alike without marks, they weigh less than the same name, but may pair (OCR
    # misreads marks more than letters).
    hung = Seen.of_record(_member("TRẦN VĂN HÙNG", None, 400))
    weight, bare, _ = resemblance(hung, Seen.of_record(_member("TRẦN VĂN HƯNG", None, 400)))
    assert weight < 0.99 and bare == 1.0
    # Two persons: another role, another birth date, another name read clearly.
    assert resemblance(an, Seen.of_record({**_member("NGUYỄN VĂN AN", "1961-07-10", 400), "role": "head"})) is None
    assert resemblance(an, Seen.of_record(_member("NGUYỄN VĂN AN", "1990-07-11", 400))) is None
    assert resemblance(an, Seen.of_record(_member("NGUYỄN THỊ NGỌC", None, 400))) is None
    # ... unless the name was read poorly, when nothing else tells: then it ties nothing either.
    assert resemblance(an, Seen.of_record(_member("NGUYỄN THỊ NGỌC", None, 900, confidence=0.5))) == (0.0, 0.0, False)
    # The name staff corrected (or the registry confirmed) ties a person whose name the old reading garbled, and
    # tells apart one read clearly as another.
    garbled = _member("NGUYẺN VAM AM", None, 900, confidence=0.5)
    fixed = {**garbled, "fields": {"full_name": {**garbled["fields"]["full_name"], "value": "NGUYỄN VĂN AN"}}}
    assert resemblance(Seen.of_record(garbled, fixed), Seen.of_record(_member("NGUYỄN VĂN AN", None, 400)))[0] == 1.0
    assert resemblance(Seen.of_record(garbled, fixed), Seen.of_record(_member("TRẦN THỊ BÍCH", None, 900))) is None


def test_persons_of_two_readings_pair_one_to_one_the_surest_first():
    an, anh = _member("NGUYỄN VĂN AN", None, 400), _member("NGUYỄN VĂN ANH", None, 600)
    # A newer reading misses AN's row: ANH, read as before, is not AN's (though one letter from his name).
    assert correspondence(_seen(an, anh), _seen(anh)) == {0: NOT_FOUND, 1: 0}
    # AN read worse, only his lines tie him: too little to pair him, while ANH, read as before, is his own.
    worse = _member("NGUYẺN VAM AM", None, 405, confidence=0.4)
    assert correspondence(_seen(an, anh), _seen(anh, worse)) == {0: NOT_FOUND, 1: 0}
    # ... and with his birth date read again too, he is sure: AN pairs with his own reading.
    assert correspondence(_seen({**an, "fields": {**an["fields"], "date_of_birth": {"value": "1961-07-10"}}}, anh),
                          _seen(anh, {**worse, "fields": {**worse["fields"], "date_of_birth": {"value": "1961-07-10"}}})
                          ) == {0: 1, 1: 0}
    # A member found above shifts every row down: the same lines then hold a near name, another row the same
    # name; the same name is surer (and HÙNG, HƯNG are two names).
    shifted = [_member("NGUYỄN VĂN XUÂN", None, 400), _member("NGUYỄN VĂN AN", None, 600),
               _member("NGUYỄN VĂN ANH", None, 800)]
    assert correspondence(_seen(an, anh), _seen(*shifted)) == {0: 1, 1: 2}
    hung, hung2 = _member("TRẦN VĂN HÙNG", None, 400), _member("TRẦN VĂN HƯNG", None, 600)
    assert correspondence(_seen(hung, hung2), _seen(_member("TRẦN VĂN XUÂN", None, 400),
                                                  _member("TRẦN VĂN HÙNG", None, 600),
                                                  _member("TRẦN VĂN HƯNG", None, 800))) == {0: 1, 1: 2}
    # A near name alone is no pair ("AN" and "AM" may be two persons): AN, whose row a newer reading misses, and
    # ANH read "ANI" last time, both one letter from the ANH now read on other lines, are neither of them his.
    assert correspondence(_seen(an), _seen(_member("NGUYỄN VĂN AM", None, 900))) == {0: NOT_FOUND}
    anh_misread = _member("NGUYỄN VĂN ANI", None, 700)
    assert correspondence(_seen(an, anh_misread), _seen(_member("NGUYỄN VĂN ANH", None, 650))) == {
        0: NOT_FOUND, 1: NOT_FOUND}
    # Two namesakes with nothing else read: the one on the same lines; with no lines alike (a page straightened
    # otherwise), neither, not even the one at the same position.
    one, two = _member("LÊ VĂN NAM", None, 400), _member("LÊ VĂN NAM", None, 600)
    assert correspondence(_seen(one, two), _seen(two, one)) == {0: 1, 1: 0}
    far = _member("LÊ VĂN NAM", None, 900)
    assert correspondence(_seen(far), _seen(far, two)) == {0: 0}  # read exactly as before: surest of all
    assert correspondence(_seen({**far, "fields": {"full_name": {**far["fields"]["full_name"], "confidence": 0.9}}}),
                          _seen(one, two)) == {0: AMBIGUOUS}


def test_decisions_made_on_the_record_in_force_stay_where_staff_made_them(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    persons = [_member("LÊ VĂN NAM", None, 400), _member("LÊ VĂN NAM", None, 600), {"role": "member", "fields": {}}]
    write_record(ctx.store, ctx.index, _household("dochh2", persons))
    for k in (2, 1, 0):
        decide(ctx.index, ctx.store, "dochh2", k, "reject", None, f"can.bo.{k}")
    record = ctx.index.get_record("dochh2")
    assert [p["match"]["decision"]["user"] for p in record["persons"]] == ["can.bo.0", "can.bo.1", "can.bo.2"]
    assert sorted(decisions_for(ctx.index, "dochh2")) == [0, 1, 2]


def test_a_correction_whose_person_a_new_reading_lacks_is_set_aside_not_given_to_another(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    write_record(ctx.store, ctx.index, _household("dochh3", [_member("TRẦN VĂN HÙNG", "1970-02-03", 400),
                                                             _member("TRẦN THỊ HƯƠNG", "1972-05-06", 600)]))
    correct(ctx, "dochh3", "date_of_birth", "06/05/1973", person=1, user="can.bo")
    before = ctx.index.get_record("dochh3")
    assert before["persons"][1]["fields"]["date_of_birth"]["value"] == "1973-05-06"

    again = extraction_from_record(_household("dochh3", [_member("TRẦN VĂN HÙNG", "1970-02-03", 400),
                                                         _member("TRẦN THỊ HOA", "1995-11-12", 600)]))
    settlement = Settlement("dochh3")
    applied = corrections_in_force(ctx.index, "dochh3", again, before, settlement=settlement)
    assert applied.extraction.persons[1].fields["date_of_birth"].value == "1995-11-12"  # as read: not hers
    [warning] = applied.set_aside
    assert warning.startswith('set aside: correction of person 1 "TRẦN THỊ HƯƠNG" date_of_birth by can.bo at ')
    shown = Catalogue("vi").reason(warning)
    assert shown.startswith("sửa trường date_of_birth của người số 1 “TRẦN THỊ HƯƠNG” do can.bo nhập lúc ")
    marked = mark(with_extraction(before, applied.extraction), applied)
    assert warning in marked["warnings"]
    assert len(corrections_for(ctx.index, "dochh3")) == 1  # stored once the record is written
    write_record(ctx.store, ctx.index, marked, settlement)
    assert corrections_for(ctx.index, "dochh3") == []
    # Kept on later runs, by a correction of that field of another person, and by one of another field; a
    # correction of that field of a person of that name (as read, or as corrected) ends it.
    assert corrections_in_force(ctx.index, "dochh3", again, marked, settlement=Settlement("dochh3")).set_aside == [
        warning]
    updated, _ = correct(ctx, "dochh3", "date_of_birth", "1970", person=0, user="can.bo")
    assert warning in updated["warnings"]
    updated, _ = correct(ctx, "dochh3", "full_name", "TRẦN THỊ HƯƠNG", person=1, user="can.bo")
    assert warning in updated["warnings"]
    updated, _ = correct(ctx, "dochh3", "date_of_birth", "06/05/1973", person=1, user="can.bo")
    assert not [w for w in updated.get("warnings") or [] if w.startswith("set aside: ")]


class _Second(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 12, 6, 9, 30, 5, 123456, tzinfo=tz)


def test_work_made_in_one_instant_by_one_user_stays_on_each_person(tmp_path, monkeypatch):
    monkeypatch.setattr(storage_reviews, "datetime", _Second)
    monkeypatch.setattr(storage_corrections, "datetime", _Second)
    ctx = Context(Settings(home=tmp_path / "home"))
    write_record(ctx.store, ctx.index, _household("dochh4", [_member("TRẦN VĂN HÙNG", "1970-02-03", 400),
                                                             _member("TRẦN THỊ HƯƠNG", "1972-05-06", 600),
                                                             _member("TRẦN VĂN NAM", "1995-11-12", 800)]))
    # One clock reading for all: each decision below bears the stamp of the one before it, and so does each
    # correction.
    for k, citizen in ((1, "001172000001"), (2, "001095000002")):
        decide(ctx.index, ctx.store, "dochh4", k, "accept", citizen, "can.bo")
        correct(ctx, "dochh4", "gender", "female" if k == 1 else "male", person=k, user="can.bo")
    record = ctx.index.get_record("dochh4")
    assert [p["match"].get("citizen_id") for p in record["persons"]] == [None, "001172000001", "001095000002"]
    assert [p["fields"].get("gender", {}).get("value") for p in record["persons"]] == [None, "female", "male"]
    assert {k: d.citizen_id for k, d in decisions_for(ctx.index, "dochh4").items()} == {
        1: "001172000001", 2: "001095000002"}
    # ... and a re-run of the same reading keeps them there.
    again = _rerun(ctx, record, record)
    assert [p["match"].get("citizen_id") for p in again["persons"]] == [None, "001172000001", "001095000002"]


def test_after_a_failed_run_work_is_set_aside_not_applied_by_position(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    persons = [_member("TRẦN VĂN HÙNG", "1970-02-03", 400), _member("TRẦN THỊ HƯƠNG", "1972-05-06", 600)]
    write_record(ctx.store, ctx.index, _household("dochh6", persons))
    decide(ctx.index, ctx.store, "dochh6", 0, "reject", None, "can.bo")
    decide(ctx.index, ctx.store, "dochh6", 1, "accept", "001172000001", "can.bo")
    failed = {**_household("dochh6", []), "status": "failed"}
    # The reading after the failure lists them the other way round: by position, the reject would unlink HƯƠNG
    # and the accept link HÙNG.
    after = _rerun(ctx, _household("dochh6", persons[::-1]), failed)
    assert [p["match"]["status"] for p in after["persons"]] == ["review", "review"]
    assert sorted(w.split(": ")[-1] for w in after["warnings"]) == [UNKNOWN_READING, UNKNOWN_READING]
    assert decisions_for(ctx.index, "dochh6") == {}


def test_stamps_compare_in_utc_whatever_zone_the_database_gives():
    utc = datetime(2026, 12, 6, 9, 30, 5, tzinfo=UTC)
    assert same_time("2026-12-06T16:30:05+07:00", utc) and same_time("2026-12-06T09:30:05", utc)
    assert same_time("2026-12-06T09:30:05+00:00", utc.astimezone(timezone(timedelta(hours=7))))
    assert not same_time("2026-12-06T09:30:06+00:00", utc) and not same_time("not a time", utc)


def test_positions_stored_for_a_reading_that_never_came_into_force_mislead_no_decision(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    write_record(ctx.store, ctx.index, _household("dochh5", [_member("LÊ VĂN AN", "1960-01-02", 400),
                                                             _member("LÊ THỊ BÌNH", "1962-03-04", 600),
                                                             _member("LÊ VĂN CƯỜNG", "1990-05-06", 800)]))
    decide(ctx.index, ctx.store, "dochh5", 0, "accept", "001060000001", "can.bo")
    # A re-run moved the accept to position 1 in the index, then failed before writing its record.
    [accept] = decisions_for(ctx.index, "dochh5").values()
    with ctx.index.session() as s:
        settle_decisions(s, "dochh5", {1: accept}, [])
    assert list(decisions_for(ctx.index, "dochh5")) == [1]
    # Staff decide on person 1 of the record in force, whose position the index gives to the accept: the accept
    # stays with LÊ VĂN AN, where its stamp is, and goes back under his position; the new decision is LÊ THỊ BÌNH's.
    record = decide(ctx.index, ctx.store, "dochh5", 1, "reject", None, "can.bo")
    assert [p["match"].get("citizen_id") for p in record["persons"]] == ["001060000001", None, None]
    assert [p["match"].get("decision", {}).get("action") for p in record["persons"]] == ["accept", "reject", None]
    assert {k: d.action for k, d in decisions_for(ctx.index, "dochh5").items()} == {0: "accept", 1: "reject"}
    # ... and so with a correction.
    correct(ctx, "dochh5", "gender", "male", person=0, user="can.bo")
    [fix] = corrections_for(ctx.index, "dochh5")
    with ctx.index.session() as s:
        settle_corrections(s, "dochh5", [(fix, 2)], [])
    record, _ = correct(ctx, "dochh5", "gender", "male", person=2, user="can.bo")
    assert [p["fields"].get("gender", {}).get("value") for p in record["persons"]] == ["male", None, "male"]
    assert sorted(c.person_idx for c in corrections_for(ctx.index, "dochh5")) == [0, 2]


def test_work_made_while_the_document_was_being_read_again_is_set_aside(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    persons = [_member("TRẦN VĂN HÙNG", "1970-02-03", 400), _member("TRẦN THỊ HƯƠNG", "1972-05-06", 600)]
    write_record(ctx.store, ctx.index, _household("dochh7", persons))
    # Staff accept HƯƠNG on the record in force while a run reads the document again; the run then writes its
    # record, which knows nothing of the accept.
    shown = ctx.index.get_record("dochh7")
    record_decision(ctx.index, Decision("dochh7", 1, "accept", "001172000001", "can.bo", datetime.now(UTC),
                                        reading_of(shown)))
    write_record(ctx.store, ctx.index, _household("dochh7", persons[::-1]))
    # The next run (or decision) finds the accept unstamped, made on persons that record does not list: made on
    # a reading no record keeps, so not by position on HÙNG.
    after = _rerun(ctx, _household("dochh7", persons[::-1]), ctx.index.get_record("dochh7"))
    assert [p["match"].get("citizen_id") for p in after["persons"]] == [None, None]
    assert [w.split(": ")[-1] for w in after["warnings"]] == [MEANWHILE]


def test_a_mark_read_otherwise_still_pairs_a_person_where_nothing_else_does():
    cuong = _member("LÊ VĂN CƯỜNG", None, 400)
    again = [_member("LÊ THỊ HOA", None, 300), _member("LÊ VĂN CUỜNG", None, 400)]  # Ư read as U
    assert correspondence(_seen(cuong), _seen(*again)) == {0: 1}


def test_brothers_whose_names_differ_only_by_marks_are_not_paired_by_their_names_without_marks():
    hung, hung2 = _member("TRẦN VĂN HÙNG", None, 400), _member("TRẦN VĂN HƯNG", None, 600)
    # A newer reading lost the marks of both: either could be either.
    lost = [_member("TRẦN VĂN HUNG", None, 600), _member("TRẦN VĂN HUNG", None, 800)]
    assert correspondence(_seen(hung, hung2), _seen(*lost)) == {0: NOT_FOUND, 1: NOT_FOUND}
    # Read with their marks, each is his own.
    assert correspondence(_seen(hung, hung2), _seen(_member("TRẦN VĂN HƯNG", None, 650),
                                                  _member("TRẦN VĂN HÙNG", None, 450))) == {0: 1, 1: 0}
    # A head HÙNG and a member HƯNG are told apart by their roles: the head read "HUNG" is still the head.
    head = {**hung, "role": "head"}
    assert correspondence(_seen(head, hung2), _seen({**_member("TRẦN VĂN HUNG", None, 400), "role": "head"},
                                                   hung2)) == {0: 0, 1: 1}


def test_staff_deciding_on_a_document_with_a_corrected_name_keep_every_decision_in_place(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    persons = [_member("TRẦN VĂN HÙNG", "1970-02-03", 400), {"role": "member", "fields": {}}]
    write_record(ctx.store, ctx.index, _household("dochh8", persons))
    # The second person had nothing read; staff gave it a name, and reject its link.
    correct(ctx, "dochh8", "full_name", "TRẦN VĂN HƯNG", person=1, user="can.bo")
    decide(ctx.index, ctx.store, "dochh8", 1, "reject", None, "can.bo")
    record = decide(ctx.index, ctx.store, "dochh8", 0, "reject", None, "can.bo")
    # Nothing ties that person to itself but being read the same: its work stays.
    assert [p["match"].get("decision", {}).get("action") for p in record["persons"]] == ["reject", "reject"]
    assert record["persons"][1]["fields"]["full_name"]["value"] == "TRẦN VĂN HƯNG"
    assert sorted(decisions_for(ctx.index, "dochh8")) == [0, 1]
