"""The index on both engines (SQLite file, PostgreSQL cluster): records, filters, full-text search, reviews."""

from __future__ import annotations

import unicodedata

import pytest

from storage.reviews import decisions_for, new_decision, record_decision
from storage.textfold import fold

# Every Vietnamese letter that carries a mark (both cases), and the letters that fold to another base.
_VOWELS = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VIETNAMESE_LETTERS = sorted(
    {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES} | {"đ"}
    | {unicodedata.normalize("NFC", v + t).upper() for v in _VOWELS for t in _TONES} | {"Đ"}
)


def make_record(doc_id: str, text: str, *, batch: str = "b1", status: str = "done", sha: str = "a" * 64,
                doc_type: str = "unknown", persons: list | None = None, processed_at: str = "2026-11-25T10:00:00+00:00",
                ) -> dict:
    return {
        "schema": "sohoa.document/1",
        "doc_id": doc_id,
        "batch": batch,
        "source": {"name": f"{doc_id}.png", "sha256": sha, "media_type": "image/png", "pages": 1},
        "status": status,
        "error": None,
        "doc_type": doc_type,
        "fields": {"registration_number": {"value": "12", "confidence": 0.9, "page": 1}},
        "persons": persons or [],
        "text": text,
        "ocr": {"engine": "tesseract 5.3.0", "language": "vie", "mean_confidence": 0.9},
        "objects": {"original": f"originals/{sha}", "pdf": f"documents/{doc_id}/document.pdf"},
        "pipeline_version": "0.1.0",
        "processed_at": processed_at,
        "pages": [{"number": 1, "width": 1654, "height": 2339, "dpi": 200.0, "dpi_source": "file"}],
    }


def person(name: str, status: str, citizen_id: str | None, role: str = "subject") -> dict:
    return {
        "role": role,
        "fields": {"full_name": {"value": name, "confidence": 0.9, "page": 1}},
        "match": {"status": status, "citizen_id": citizen_id, "score": 0.95, "reasons": [],
                  "candidates": [{"citizen_id": citizen_id or "001085000009", "score": 0.95}]},
    }


def test_records_round_trip_and_saving_again_replaces(index):
    linked = person("NGUYỄN VĂN ĐẠT", "matched", "001085000001")
    record = make_record("d1", "Họ và tên: NGUYỄN VĂN ĐẠT", persons=[linked])
    index.save_record(record)
    index.save_record(record)
    assert index.get_record("d1") == record
    assert index.get_record("nope") is None
    changed = {**record, "status": "review", "text": "LÊ THỊ BÌNH"}
    index.save_record(changed)
    assert index.get_record("d1")["status"] == "review"
    assert index.status_counts() == {"review": 1}
    assert index.status_of("d1") == "review" and index.status_of("nope") is None


def test_filters_and_order(index):
    index.save_record(make_record("d3", "x", batch="b2", sha="c" * 64, doc_type="death_certificate"))
    index.save_record(make_record("d1", "x", doc_type="birth_certificate",
                                  persons=[person("AN", "matched", "001085000001"),
                                           person("BA", "review", None, role="father")]))
    index.save_record(make_record("d2", "x", status="failed", sha="b" * 64))
    older = "2026-11-24T00:00:00+00:00"
    index.save_record(make_record("d4", "x", status="duplicate", sha="a" * 64, processed_at=older))
    assert index.doc_ids() == ["d1", "d2", "d4", "d3"]  # by batch, then file name
    assert index.doc_ids(batch="b1") == ["d1", "d2", "d4"]
    assert index.doc_ids(doc_type="death_certificate") == ["d3"]
    assert index.doc_ids(status="failed") == ["d2"]
    assert index.doc_ids(citizen_id="001085000001") == ["d1"]
    assert index.doc_ids(citizen_id="001085000002") == []
    assert index.doc_ids(batch="b1", status="done", doc_type="birth_certificate") == ["d1"]
    assert [r["doc_id"] for r in index.records(["d3", "nope", "d1"])] == ["d3", "d1"]
    assert index.status_counts("b1") == {"done": 1, "failed": 1, "duplicate": 1}
    # The primary copy, not the older duplicate record made from the same bytes.
    assert index.find_primary_by_sha("a" * 64)["doc_id"] == "d1"
    assert index.find_primary_by_sha("f" * 64) is None
    # A failure made from the same bytes earlier is not what later copies are duplicates of.
    index.save_record(make_record("d5", "x", status="failed", sha="e" * 64, processed_at=older))
    assert index.find_primary_by_sha("e" * 64) is None
    index.save_record(make_record("d6", "x", sha="e" * 64))
    assert index.find_primary_by_sha("e" * 64)["doc_id"] == "d6"


def test_records_reads_long_id_lists_in_chunks(index):
    for i in (0, 499, 500, 1001):
        index.save_record(make_record(f"doc{i:05d}", "x", sha=f"{i:064d}"))
    wanted = [f"doc{i:05d}" for i in range(1200)]  # more ids than one IN (...) takes; most do not exist
    assert [r["doc_id"] for r in index.records(wanted)] == ["doc00000", "doc00499", "doc00500", "doc01001"]


def test_search_ignores_accents_and_case(index):
    index.save_record(make_record("d1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHọ và tên: NGUYỄN VĂN ĐẠT\nsố 123/2020"))
    index.save_record(make_record("d2", "Họ và tên: TRẦN THỊ HOA\nNơi sinh: Đà Nẵng", sha="b" * 64))
    assert [h.doc_id for h in index.search("nguyen van dat")] == ["d1"]
    assert [h.doc_id for h in index.search("NGUYỄN VĂN ĐẠT")] == ["d1"]
    assert [h.doc_id for h in index.search("Nguyen Van Dat")] == ["d1"]
    assert [h.doc_id for h in index.search("da nang")] == ["d2"]  # đ → d
    assert [h.doc_id for h in index.search("tran thi")] == ["d2"]
    assert {h.doc_id for h in index.search("ho va ten")} == {"d1", "d2"}
    assert [h.doc_id for h in index.search("2020")] == ["d1"]  # "123/2020" is two words, as in FTS5
    assert [h.doc_id for h in index.search("123/2020")] == ["d1"]
    assert index.search("le van") == []
    assert index.search("nguyen binh") == []  # every word must match
    assert index.search("   ") == [] and index.search("!!!") == []


def test_snippet_and_score_are_the_same_shape_on_both_engines(index):
    text = "UỶ BAN NHÂN DÂN XÃ HẢI ANH\n" + "Nội dung dài. " * 10 + "Họ và tên người được khai sinh: ĐỖ THỊ HƯƠNG"
    index.save_record(make_record("d1", text))
    [hit] = index.search("do thi huong")
    assert hit.snippet == "…tên người được khai sinh: ĐỖ THỊ HƯƠNG"
    assert hit.score > 0


@pytest.mark.parametrize(("query", "found"), [
    ('NEAR("x" OR *', False),
    ("nguyen OR van", True),
    ("'; DROP TABLE documents; --", False),
    ("a & b | !c", True),
    ("nguyen:*", True),
    ("x <-> y", True),
    ("body:nguyen", True),
    ('"unbalanced', False),
    ("(((", False),
    ("\\", False),
    ("%_", False),
    ("an_ba", True),
])
def test_user_text_never_reaches_query_syntax(index, query, found):
    # Operators of FTS5 and tsquery, SQL and LIKE wildcards are looked up as words (or dropped), never obeyed.
    index.save_record(make_record("d1", "NGUYỄN VĂN AN, BA; body, OR, a b c, x y"))
    assert [h.doc_id for h in index.search(query)] == (["d1"] if found else [])
    assert index.get_record("d1") is not None


def test_every_vietnamese_letter_folds_the_same_way(index):
    words = [f"q{ch}z{i}" for i, ch in enumerate(VIETNAMESE_LETTERS)]
    index.save_record(make_record("d1", " ".join(words)))
    missed = [w for w in words if [h.doc_id for h in index.search(fold(w))] != ["d1"]]
    assert missed == []
    missed = [w for w in words if [h.doc_id for h in index.search(w.upper())] != ["d1"]]
    assert missed == []


def test_search_follows_replaced_text_and_batch_filter(index):
    index.save_record(make_record("d1", "NGUYỄN VĂN AN"))
    index.save_record(make_record("d1", "LÊ THỊ BÌNH"))
    assert index.search("nguyen") == []
    assert [h.doc_id for h in index.search("le thi binh")] == ["d1"]
    index.save_record(make_record("d2", "LÊ THỊ BÌNH", batch="other", sha="b" * 64))
    assert [h.doc_id for h in index.search("le thi binh", batch="other")] == ["d2"]
    assert len(index.search("le thi binh", limit=1)) == 1
    index.save_record(make_record("d3", "", sha="c" * 64))  # a failed scan has no text: no search row, no error
    assert index.get_record("d3") is not None


def test_review_decisions_keep_the_latest_and_log_all(index):
    index.save_record(make_record("d1", "x", status="review", persons=[person("AN", "review", None)]))
    record_decision(index, new_decision("d1", 0, "accept", "001085000001", "can.bo.a"))
    record_decision(index, new_decision("d1", 0, "reject", None, "can.bo.b"))
    record_decision(index, new_decision("d1", 1, "accept", "001085000002", "can.bo.a"))
    decisions = decisions_for(index, "d1")
    assert sorted(decisions) == [0, 1]
    assert (decisions[0].action, decisions[0].user, decisions[0].citizen_id) == ("reject", "can.bo.b", None)
    assert decisions[1].citizen_id == "001085000002"
    assert decisions[0].decided_at.tzinfo is not None or index.engine.dialect.name == "sqlite"
    from storage.schema import ReviewLogRow

    with index.session() as s:
        assert s.query(ReviewLogRow).count() == 3
    assert decisions_for(index, "d2") == {}


def test_a_forked_child_opens_its_own_connections(index):
    # rq forks a work horse per job from a process that already used the index: sharing the parent's pooled
    # connection (one socket, two processes) would corrupt both sessions.
    import os

    def connection_id() -> object:
        with index.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            return id(conn.connection.dbapi_connection)

    index.save_record(make_record("d1", "NGUYỄN VĂN AN"))
    parents = connection_id()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        code = 3
        try:
            index.save_record(make_record("d2", "LÊ THỊ BÌNH", sha="b" * 64))
            found = [h.doc_id for h in index.search("nguyen van an")] == ["d1"]
            code = 0 if found and connection_id() != parents else 4
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert connection_id() == parents  # the parent's own connection is still there, and works
    assert index.doc_ids() == ["d1", "d2"]
    assert [h.doc_id for h in index.search("le thi binh")] == ["d2"]


def test_sqlite_commits_sync_to_disk_unless_the_url_asks_otherwise(tmp_path):
    from sqlalchemy import text

    from storage.db_errors import DatabaseError
    from storage.engine import make_engine

    def synchronous(url: str) -> int:
        engine = make_engine(url)
        with engine.connect() as conn:
            value = conn.execute(text("PRAGMA synchronous")).scalar()
        engine.dispose()
        return value

    assert synchronous(f"sqlite:///{tmp_path / 'a.sqlite3'}") == 2  # FULL: every commit waits for fsync
    assert synchronous(f"sqlite:///{tmp_path / 'a.sqlite3'}?synchronous=normal") == 1
    with pytest.raises(DatabaseError, match="synchronous='off'"):
        make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}?synchronous=off")
