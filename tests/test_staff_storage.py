"""Issue 7's storage on both engines (SQLite file, PostgreSQL cluster): page flags and the rescan query,
field corrections with their log, staff accounts with the lockout."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from storage import rescan
from storage.corrections import correction_log, corrections_for, new_correction, record_correction
from storage.users import AccountLockedError, LoginFailedError, LoginPolicy, Users
from tests.test_index import make_record


def _flag(code: str, **params) -> dict:
    return {"code": code, "message": f"{code} message", "params": params}


def test_page_flags_are_indexed_replaced_and_listed_for_rescan(index):
    flagged = make_record("d1", "x", batch="lô 1")
    flagged["source"]["name"] = "b-trang.png"
    flagged["pages"] = [
        {**flagged["pages"][0], "quality": [_flag("low_dpi", dpi=150, min_dpi=200, estimated=False),
                                            _flag("not_colour", kind="greyscale")]},
        {**flagged["pages"][0], "number": 2, "quality": []},
        {**flagged["pages"][0], "number": 3, "quality": [_flag("blank", ink_pct=0.01)]},
    ]
    good = make_record("d2", "y", batch="lô 1", sha="b" * 64)
    good["pages"][0]["quality"] = []
    refused = make_record("d3", "", batch="lô 1", sha="c" * 64, status="failed")
    refused.update(error={"code": "truncated_image", "message": "The image data stops early."}, pages=[])
    refused["source"]["name"] = "a-hong.png"
    retry = make_record("d4", "", batch="lô 1", sha="d" * 64, status="failed")
    retry.update(error={"code": "ocr_timeout", "message": "Tesseract took too long."}, pages=[])
    other = make_record("d5", "z", batch="lô 2", sha="e" * 64)
    other["pages"][0]["quality"] = [_flag("blank", ink_pct=0.0)]
    for record in (flagged, good, refused, retry, other):
        index.save_record(record)
    index.save_record(flagged)  # saved again (reprocessing): rows replaced, not doubled

    assert rescan.flag_counts(index, "lô 1") == {"low_dpi": 1, "not_colour": 1, "blank": 1}
    assert rescan.flag_counts(index) == {"low_dpi": 1, "not_colour": 1, "blank": 2}
    assert rescan.pages_with_flag(index, "blank") == [("d1", 3), ("d5", 1)]
    items = rescan.to_rescan(index, "lô 1")
    # a file refused as bad input is to be scanned again; a system failure (retry it) is not
    assert [(i.file_name, i.page, i.codes) for i in items] == [
        ("a-hong.png", None, ["truncated_image"]),
        ("b-trang.png", 1, ["low_dpi", "not_colour"]),
        ("b-trang.png", 3, ["blank"]),
    ]
    assert items[1].messages("vi")[0] == "Độ phân giải 150 dpi, thấp hơn mức 200 dpi theo Thông tư 05/2025/TT-BNV"
    assert [i.page for i in rescan.to_rescan(index, "lô 1", codes=["blank"])] == [3]

    out = io.StringIO()
    assert rescan.write_csv(items, out, lang="en", delimiter=";") == 3
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0] == ["File", "Page", "Flags", "Reasons", "Document ID"]
    assert rows[2][:3] == ["b-trang.png", "1", "low_dpi, not_colour"]

    index.save_record({**flagged, "pages": []})  # reprocessed into a record without pages: its flags go
    assert rescan.flag_counts(index, "lô 1") == {}


def test_corrections_and_their_log(index):
    index.save_record(make_record("d1", "x"))
    first = new_correction("d1", 0, "full_name", "NGUYỄN VĂN AN", "can.bo.a")
    record_correction(index, first, "NGUYEN VAN AM")
    record_correction(index, new_correction("d1", None, "book_number", "01", "can.bo.b"), None)
    second = new_correction("d1", 0, "full_name", "NGUYỄN VĂN ÂN", "can.bo.c")
    record_correction(index, second, "NGUYỄN VĂN AN")
    in_force = corrections_for(index, "d1")
    assert [(c.person_idx, c.field, c.value, c.user) for c in in_force] == [
        (None, "book_number", "01", "can.bo.b"),
        (0, "full_name", "NGUYỄN VĂN ÂN", "can.bo.c"),
    ]
    assert in_force[1].corrected_at.tzinfo is not None
    assert abs(in_force[1].corrected_at - second.corrected_at) < timedelta(seconds=1)
    log = correction_log(index, doc_id="d1")
    assert [(e.person_idx, e.field, e.old_value, e.new_value) for e in log] == [
        (0, "full_name", "NGUYEN VAN AM", "NGUYỄN VĂN AN"),
        (None, "book_number", None, "01"),
        (0, "full_name", "NGUYỄN VĂN AN", "NGUYỄN VĂN ÂN"),
    ]
    assert [e.user for e in correction_log(index, user="can.bo.b")] == ["can.bo.b"]
    assert correction_log(index, since=datetime.now(UTC) + timedelta(hours=1)) == []
    assert len(correction_log(index, since=datetime.now(UTC) - timedelta(hours=1))) == 3
    assert corrections_for(index, "other") == []


def test_the_logs_of_human_decisions_cannot_be_changed_or_deleted(index):
    from sqlalchemy import text

    from storage.reviews import new_decision, record_decision

    index.save_record(make_record("d1", "x"))
    record_correction(index, new_correction("d1", 0, "full_name", "NGUYỄN VĂN AN", "can.bo.a"), "NGUYEN VAN AM")
    record_decision(index, new_decision("d1", 0, "accept", "001085000001", "can.bo.a"))
    for table in ("field_correction_log", "review_log"):
        for statement in (f"UPDATE {table} SET \"user\" = 'someone else'", f"DELETE FROM {table}"):
            with pytest.raises(Exception, match=f"{table} is append-only"), index.engine.begin() as conn:
                conn.execute(text(statement))
    assert [e.user for e in correction_log(index, doc_id="d1")] == ["can.bo.a"]
    with index.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM review_log")).scalar() == 1


def test_accounts_and_lockout(index):
    clock = [datetime(2026, 12, 4, 8, 0, tzinfo=UTC)]
    users = Users(index, LoginPolicy(max_failures=2), hasher=PasswordHasher(time_cost=1, memory_cost=1024,
                                                                            parallelism=1), now=lambda: clock[0])
    users.create("lan", "mật khẩu rất dài", "admin")
    with pytest.raises(LoginFailedError):
        users.verify("lan", "wrong password")
    with pytest.raises(AccountLockedError):
        users.verify("lan", "wrong password")
    clock[0] += timedelta(minutes=16)
    user = users.verify("lan", "mật khẩu rất dài")
    assert user.is_admin and users.get("lan").last_login_at == clock[0]
    assert [u.as_json()["name"] for u in users.list_users()] == ["lan"]
