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


def test_a_decision_whose_person_is_gone_is_applied_to_no_one_else():
    decisions = {0: decided(0, AN, "accept", "001080000001"), 1: decided(1, BINH, "reject")}
    later = apply_decisions(record(BINH, member("TRẦN VĂN CƯỜNG", 1700)), decisions)
    binh, other = later["persons"]
    assert binh["match"]["status"] == "unmatched" and binh["match"]["decision"]["action"] == "reject"
    assert other["match"] == CANDIDATE_MATCH  # not AN's citizen: left as the matcher had it
    assert later["warnings"] == [f"{WARNING_PREFIX}of person 0 (accept) by can.bo not applied: that person is no "
                                 "longer found on the document; decide again"]
    assert later["status"] == "review"
    # Once the person is found again (or decided anew), the warning goes.
    assert apply_decisions(record(AN, BINH), decisions)["warnings"] == []


CANDIDATE_MATCH = member("", 0)["match"]


def test_a_person_in_the_other_column_or_of_another_role_is_not_the_one_decided_on():
    wife = {**member("LÊ THỊ HOA", 700, x0=100), "role": "wife"}
    husband = {**member("TRẦN VĂN NAM", 700, x0=900), "role": "husband"}
    twin = member("LÊ THỊ HOA", 700, x0=900)  # a member printed on the same row, in the other column
    decisions = {0: decided(0, wife, "accept", "001180000002")}
    later = apply_decisions(record(husband, {**twin, "role": "wife"}), decisions)
    assert [p["match"]["status"] for p in later["persons"]] == ["review", "review"]
    assert later["warnings"] and later["warnings"][0].startswith(WARNING_PREFIX)


def test_decisions_made_before_anchors_were_kept_stay_at_their_position():
    decisions = {0: decided(0, None, "accept", "001080000001"), 5: decided(5, None, "reject")}
    later = apply_decisions(record(BINH, AN), decisions)
    assert later["persons"][0]["match"]["citizen_id"] == "001080000001"
    assert later["warnings"] == [f"{WARNING_PREFIX}of person 5 (reject) by can.bo not applied: that person is no "
                                 "longer found on the document; decide again"]


def test_the_anchor_is_stored_with_the_decision_and_not_in_the_log(index):
    index.save_record(make_record("d1", "x", status="review"))
    record_decision(index, new_decision("d1", 0, "accept", "001085000001", "can.bo.a", anchor_of(AN)))
    record_decision(index, new_decision("d1", 1, "reject", None, "can.bo.a"))
    stored = decisions_for(index, "d1")
    assert stored[0].anchor == {"role": "member", "page": 1, "bbox": [200, 900, 600, 930]}
    assert stored[1].anchor is None
    with index.session() as s:
        assert s.query(ReviewLogRow).count() == 2


def test_a_decision_made_after_the_persons_moved_does_not_overwrite_one_of_another_person(tmp_path):
    ctx = Context(Settings(home=tmp_path / "home"))
    write_record(ctx.store, ctx.index, make_record("d1", "x", status="review", persons=[copy.deepcopy(AN), BINH]))
    decide(ctx.index, ctx.store, "d1", 0, "accept", "001080000001", "can.bo.a")
    # A newer extraction lists BÌNH first; staff then decide on BÌNH, now at position 0.
    moved = make_record("d1", "x", status="review", persons=[copy.deepcopy(BINH), copy.deepcopy(AN)])
    write_record(ctx.store, ctx.index, apply_decisions(moved, decisions_for(ctx.index, "d1")))
    assert ctx.index.get_record("d1")["persons"][1]["match"]["citizen_id"] == "001080000001"
    final = decide(ctx.index, ctx.store, "d1", 0, "reject", None, "can.bo.b")
    binh, an = final["persons"]
    assert (an["match"]["status"], an["match"]["citizen_id"]) == ("matched", "001080000001")
    assert binh["match"]["status"] == "unmatched" and final["status"] == "done"
    assert {i: d.action for i, d in decisions_for(ctx.index, "d1").items()} == {0: "reject", 1: "accept"}
