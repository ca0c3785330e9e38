"""A review decision follows the person it was made on when a re-extraction lists a document's persons in
another order, and is never applied to whoever else stands at its position (workers.anchors)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from config.settings import Settings
from storage.reviews import Decision, decisions_for, new_decision, record_decision
from storage.schema import ReviewLogRow
from tests.test_index import make_record
from workers.anchors import WARNING_PREFIX, anchor_of
from workers.context import Context
from workers.pipeline import write_record
from workers.record import apply_decisions
from workers.review import decide

WHEN = datetime(2026, 12, 6, tzinfo=UTC)


def member(name: str, top: int, x0: int = 200) -> dict:
    """A household member printed on the row at ``top`` (the name, the birth date on the next row)."""
    return {
        "role": "member",
        "fields": {
            "full_name": {"value": name, "confidence": 0.8, "page": 1, "bbox": [x0, top, x0 + 400, top + 30]},
            "date_of_birth": {"value": "1980-01-02", "confidence": 0.8, "page": 1,
                              "bbox": [x0 + 300, top + 45, x0 + 480, top + 75]},
        },
        "match": {"status": "review", "citizen_id": None, "score": 0.8, "reasons": ["2 candidates within 0.05"],
                  "candidates": []},
    }


def record(*persons: dict) -> dict:
    return {"doc_id": "d1", "status": "review", "persons": [copy.deepcopy(p) for p in persons], "warnings": []}


AN, BINH = member("NGUYỄN VĂN AN", 900), member("NGUYỄN THỊ BÌNH", 1300)


def decided(idx: int, person: dict | None, action: str, citizen_id: str | None = None) -> Decision:
    return Decision("d1", idx, action, citizen_id, "can.bo", WHEN, anchor_of(person) if person else None)


def test_a_decision_follows_its_person_into_another_position():
    decisions = {0: decided(0, AN, "accept", "001080000001"), 1: decided(1, BINH, "reject")}
    # A newer extraction found the persons the other way round, one name read better.
    later = apply_decisions(record(member("NGUYỄN THỊ BÌNH", 1302), member("NGUYỄN VĂN ẤN", 898)), decisions)
    binh, an = later["persons"]
    assert (an["match"]["status"], an["match"]["citizen_id"]) == ("matched", "001080000001")
    assert (binh["match"]["status"], binh["match"]["citizen_id"]) == ("unmatched", None)
    assert later["warnings"] == [] and later["status"] == "done"


def test_a_page_straightened_a_little_otherwise_keeps_every_decision_at_its_position():
    decisions = {0: decided(0, AN, "accept", "001080000001"), 1: decided(1, BINH, "reject")}
    later = apply_decisions(record(member("NGUYỄN VĂN AN", 928, x0=230), member("NGUYỄN THỊ BÌNH", 1328)), decisions)
    assert [p["match"]["status"] for p in later["persons"]] == ["matched", "unmatched"]
    assert later["warnings"] == []


def test_a_decision_whose_person_is_gone_is_applied_to_no_one_else():
    old = f"{WARNING_PREFIX}of person 3 (reject) by can.bo not applied: that person is not found"
    decisions = {0: decided(0, AN, "accept", "001080000001"), 1: decided(1, BINH, "reject")}
    later = apply_decisions({**record(BINH, member("TRẦN VĂN CƯỜNG", 1700)), "warnings": [old, "correction x"]},
                            decisions)
    binh, other = later["persons"]
    assert binh["match"]["status"] == "unmatched" and binh["match"]["decision"]["action"] == "reject"
    assert other["match"] == CANDIDATE_MATCH  # not AN's citizen: left as the matcher had it
    assert later["warnings"] == ["correction x", f"{WARNING_PREFIX}of person 0 (accept) by can.bo not applied: that "
                                 "person is not found on the document as it reads now; decide again"]
    assert later["status"] == "review"
    # Once the person is found again, the warning goes (the others stay).
    assert apply_decisions({**record(AN, BINH), "warnings": later["warnings"]}, decisions)["warnings"] == [
        "correction x"]


CANDIDATE_MATCH = member("", 0)["match"]


def test_a_person_of_another_role_or_in_the_other_column_is_not_the_one_decided_on():
    wife = {**member("LÊ THỊ HOA", 700, x0=100), "role": "wife"}
    husband = {**member("TRẦN VĂN NAM", 700, x0=100), "role": "husband"}  # where the wife's name was read
    twin = {**member("LÊ THỊ HOA", 700, x0=900), "role": "wife"}  # her name, the same row, the other column
    decisions = {0: decided(0, wife, "accept", "001180000002")}
    later = apply_decisions(record(husband, twin), decisions)
    assert [p["match"]["status"] for p in later["persons"]] == ["review", "review"]
    assert later["warnings"] and later["warnings"][0].startswith(WARNING_PREFIX)


def test_decisions_made_before_anchors_were_kept_stay_at_their_position_unless_a_placed_one_is_there():
    decisions = {0: decided(0, None, "accept", "001080000001"), 5: decided(5, None, "reject")}
    later = apply_decisions(record(BINH, AN), decisions)
    assert later["persons"][0]["match"]["citizen_id"] == "001080000001"
    assert later["warnings"] == [f"{WARNING_PREFIX}of person 5 (reject) by can.bo not applied: that person is not "
                                 "found on the document as it reads now; decide again"]
    # AN's old accept (no anchor) at 0, BÌNH's reject (anchored) at 1; then BÌNH is listed first: BÌNH's own
    # decision goes to BÌNH, AN's old one to no one.
    decisions = {0: decided(0, None, "accept", "001080000001"), 1: decided(1, BINH, "reject")}
    later = apply_decisions(record(BINH, AN), decisions)
    assert [p["match"]["status"] for p in later["persons"]] == ["unmatched", "review"]


def test_the_anchor_is_stored_with_the_decision_and_not_in_the_log(index):
    index.save_record(make_record("d1", "x", status="review"))
    record_decision(index, new_decision("d1", 0, "accept", "001085000001", "can.bo.a", anchor_of(AN)))
    record_decision(index, new_decision("d1", 1, "reject", None, "can.bo.a"))
    stored = decisions_for(index, "d1")
    assert stored[0].anchor == {"role": "member", "page": 1, "bbox": [200, 900, 600, 930]}
    assert stored[1].anchor is None
    with index.session() as s:
        assert s.query(ReviewLogRow).count() == 2


def _listed(ctx, *persons: dict) -> dict:
    """The document as a newer extraction lists it, decisions applied (what ``reprocess`` stores)."""
    fresh = make_record("d1", "x", status="review", persons=[copy.deepcopy(p) for p in persons])
    write_record(ctx.store, ctx.index, apply_decisions(fresh, decisions_for(ctx.index, "d1")))
    return ctx.index.get_record("d1")


def test_a_new_decision_overwrites_no_decision_of_another_person(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    cuong = member("TRẦN VĂN CƯỜNG", 1700)
    _listed(ctx, AN, BINH)
    decide(ctx.index, ctx.store, "d1", 0, "accept", "001080000001", "can.bo.a")
    decide(ctx.index, ctx.store, "d1", 1, "reject", None, "can.bo.a")
    # A newer extraction lists CƯỜNG first and loses BÌNH; staff decide on CƯỜNG, now at position 0.
    assert _listed(ctx, cuong, AN)["persons"][1]["match"]["citizen_id"] == "001080000001"
    decide(ctx.index, ctx.store, "d1", 0, "accept", "001080000009", "can.bo.b")
    kept = decisions_for(ctx.index, "d1")
    assert {i: d.action for i, d in kept.items()} == {0: "accept", 1: "accept", 1000: "reject"}
    # An extraction that finds all three gives each its own decision.
    again = _listed(ctx, AN, BINH, cuong)
    assert [(p["match"]["status"], p["match"]["citizen_id"]) for p in again["persons"]] == [
        ("matched", "001080000001"), ("unmatched", None), ("matched", "001080000009")]
    assert not again.get("warnings") and again["status"] == "done"


def test_a_new_decision_on_a_person_who_moved_replaces_the_earlier_one(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    _listed(ctx, AN, BINH)
    decide(ctx.index, ctx.store, "d1", 0, "accept", "001080000001", "can.bo.a")
    _listed(ctx, BINH, AN)
    decide(ctx.index, ctx.store, "d1", 1, "reject", None, "can.bo.b")  # AN, second now, rejected after all
    assert {i: d.action for i, d in decisions_for(ctx.index, "d1").items()} == {1: "reject"}
    back = _listed(ctx, AN, BINH)
    assert [p["match"]["status"] for p in back["persons"]] == ["unmatched", "review"]
