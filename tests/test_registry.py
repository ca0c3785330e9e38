"""The citizen registry: CSV import (upsert, bad rows, header errors), lookups, and ``sohoa registry import``,
on SQLite and on PostgreSQL (where the import goes through COPY)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from storage.index import Index, make_engine
from storage.registry import RegistryHeaderError, import_csv
from storage.registry_lookup import SqlRegistryLookup
from tests.synth import make_registry, write_registry

HEADER = ["citizen_id", "full_name", "date_of_birth", "gender", "old_id_number", "place_of_origin",
          "permanent_address"]


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _row(cid: str, name: str, dob: str = "1985-03-18", gender: str = "male", old: str = "", origin: str = "",
         address: str = "") -> list[str]:
    return [cid, name, dob, gender, old, origin, address]


@pytest.fixture
def engine(database_url):
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


def test_import_derives_keys_and_builds_blocking_indexes(tmp_path, engine):
    path = _write(tmp_path / "r.csv", [
        _row("001085000001", "Huỳnh  Thị Hoà", "1985-03-18", "female", "012345678", "Xã Hải Anh, tỉnh Nam Định",
             "Thôn Đông,  xã Hải Anh"),
        _row("038155000002", "TRẦN VĂN HÙNG", "1955", "male"),
    ])
    stats = import_csv(engine, path)
    assert (stats.rows_read, stats.inserted, stats.updated, stats.rejected) == (2, 2, 0, 0)
    assert stats.indexes_rebuilt
    lookup = SqlRegistryLookup(engine)
    e = lookup.by_id("001085000001")
    assert e is not None
    assert e.full_name == "HUỲNH THỊ HOÀ"
    assert e.name_key == "hoang thi hoa"
    assert (e.date_of_birth, e.birth_year, e.gender, e.old_id_number) == ("1985-03-18", 1985, "female", "012345678")
    assert e.permanent_address == "Thôn Đông, xã Hải Anh"
    year_only = lookup.by_id("038155000002")
    assert year_only is not None and (year_only.date_of_birth, year_only.year) == (None, 1955)
    names = {ix["name"] for ix in inspect(engine).get_indexes("citizens")}
    assert {"ix_citizens_dob_gender", "ix_citizens_year_gender", "ix_citizens_name_key_year",
            "ix_citizens_old_id"} <= names


def test_upsert_inserts_updates_and_skips_unchanged(tmp_path, engine):
    first = _write(tmp_path / "a.csv", [_row("001085000001", "NGUYỄN VĂN AN"), _row("001085000002", "LÊ VĂN BA")])
    import_csv(engine, first)
    second = _write(tmp_path / "b.csv", [
        _row("001085000001", "NGUYỄN VĂN AN"),  # unchanged
        _row("001085000002", "LÊ VĂN BA", address="Thôn Trung"),  # changed
        _row("001085000003", "ĐỖ VĂN CA"),  # new
    ])
    stats = import_csv(engine, second)
    assert (stats.inserted, stats.updated, stats.unchanged, stats.rejected) == (1, 1, 1, 0)
    assert not stats.indexes_rebuilt
    lookup = SqlRegistryLookup(engine)
    assert lookup.count() == 3
    assert lookup.by_id("001085000002").permanent_address == "Thôn Trung"


def test_the_last_row_of_a_repeated_id_wins(tmp_path, engine):
    path = _write(tmp_path / "r.csv", [_row("001085000001", "NGUYỄN VĂN AN"), _row("001085000001", "NGUYỄN VĂN ANH")])
    stats = import_csv(engine, path, batch_size=1)
    assert stats.rows_read == 2 and stats.inserted == 1
    assert SqlRegistryLookup(engine).by_id("001085000001").full_name == "NGUYỄN VĂN ANH"


def test_bad_rows_are_counted_with_line_numbers_and_skipped(tmp_path, engine):
    path = _write(tmp_path / "r.csv", [
        _row("001085000001", "NGUYỄN VĂN AN"),
        _row("00108500000", "SHORT ID"),
        _row("001085000003", ""),
        _row("001085000004", "BAD DATE", dob="18/03/1985"),
        _row("001085000005", "NOT A DAY", dob="1985-02-30"),
        _row("001085000006", "BAD GENDER", gender="nam"),
        _row("001085000007", "BAD OLD ID", old="12345"),
        ["001085000008", "TOO FEW FIELDS"],
        _row("001085000009", "LÊ THỊ HOA", dob="1985-03-18", gender="Female"),
    ])
    stats = import_csv(engine, path)
    assert (stats.rows_read, stats.inserted, stats.rejected) == (9, 2, 7)
    by_line = {r.line: r.reason for r in stats.rejections}
    assert by_line == {
        3: "citizen_id must be 12 digits",
        4: "full_name is empty",
        5: "date_of_birth must be YYYY-MM-DD (or YYYY)",
        6: "date_of_birth is not a real date",
        7: "gender must be male or female",
        8: "old_id_number must be 9 or 12 digits",
        9: "2 field(s) where the header has 7",
    }


def test_invalid_utf8_rejects_the_row_not_the_file(tmp_path, engine):
    path = tmp_path / "r.csv"
    path.write_bytes(
        b"\xef\xbb\xbfcitizen_id,full_name,date_of_birth,gender\n"  # a BOM, as spreadsheets write it
        b"001085000001,NGUY\xc3\x8a\xcc\x83N V\xc4\x82N AN,1985-03-18,male\n"  # decomposed: stored NFC
        b"001085000002,L\xea TH\xcb HOA,1985-03-18,female\n"  # Latin-1 bytes
    )
    stats = import_csv(engine, path)
    assert (stats.inserted, stats.rejected) == (1, 1)
    assert stats.rejections[0].line == 3 and stats.rejections[0].reason == "not UTF-8"
    assert SqlRegistryLookup(engine).by_id("001085000001").full_name == "NGUYỄN VĂN AN"


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty"), ("id,name,dob,sex\n", "header lacks citizen_id"), ("citizen_id,full_name\n", "date_of_birth")],
)
def test_a_missing_header_is_fatal(tmp_path, engine, content, message):
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RegistryHeaderError, match=message):
        import_csv(engine, path)


def test_optional_columns_may_be_absent_and_extra_ones_are_ignored(tmp_path, engine):
    path = _write(tmp_path / "r.csv", [["X", "001085000001", "An Văn Bình", "1985-03-18", "male"]],
                  header=["ethnicity", "citizen_id", "full_name", "date_of_birth", "gender"])
    assert import_csv(engine, path).inserted == 1
    e = SqlRegistryLookup(engine).by_id("001085000001")
    assert e.full_name == "AN VĂN BÌNH" and e.old_id_number is None and e.place_of_origin is None


def test_lookups_over_a_synthetic_registry(tmp_path, engine):
    people = make_registry(3, 600)
    import_csv(engine, write_registry(people, tmp_path / "registry.csv"))
    lookup = SqlRegistryLookup(engine)
    c = people[10]
    born = c.date_of_birth.isoformat()
    block = lookup.by_birth(born, c.date_of_birth.year, c.gender)
    assert c.citizen_id in {e.citizen_id for e in block}
    assert all(e.date_of_birth == born and e.gender == c.gender for e in block)
    year = lookup.by_birth(None, c.date_of_birth.year, None)
    assert all(e.year == c.date_of_birth.year for e in year) and len(year) >= len(block)
    names = lookup.names_born_in(c.date_of_birth.year, c.gender)
    assert (c.citizen_id, lookup.by_id(c.citizen_id).name_key) in names
    assert [e.citizen_id for e in lookup.by_ids([c.citizen_id, "000000000000"])] == [c.citizen_id]
    key = lookup.by_id(c.citizen_id).name_key
    assert c.citizen_id in {e.citizen_id for e in lookup.by_name_key(key, [c.date_of_birth.year])}
    assert not lookup.by_name_key(key, [1800])
    with_old = next(p for p in people if p.old_id_number)
    assert with_old.citizen_id in {e.citizen_id for e in lookup.by_old_id(with_old.old_id_number)}
    assert lookup.has_old_ids()
    assert 0 < lookup.name_share(key) <= 1
    assert lookup.name_share("no such name") == 0.0


def test_import_through_an_index(tmp_path, database_url):
    index = Index(database_url)
    path = _write(tmp_path / "r.csv", [_row("001085000001", "NGUYỄN VĂN AN")])
    assert import_csv(index, path).inserted == 1
    assert SqlRegistryLookup(index).by_id("001085000001") is not None
    index.dispose()


def _cli(home: Path, *args: str):
    from workers.cli import main

    return CliRunner().invoke(main, list(args), env={"SOHOA_HOME": str(home), "SOHOA_DATABASE_URL": None,
                                                     "SOHOA_STORAGE_URL": None})


def test_cli_exit_codes(tmp_path):
    good = _write(tmp_path / "good.csv", [_row("001085000001", "NGUYỄN VĂN AN")])
    result = _cli(tmp_path / "home", "registry", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "inserted" in result.output

    some_bad = _write(tmp_path / "bad.csv", [_row("001085000002", "LÊ VĂN BA"), _row("12", "X")])
    result = _cli(tmp_path / "home", "registry", "import", str(some_bad))
    assert result.exit_code == 3
    assert "citizen_id must be 12 digits" in result.output

    no_header = tmp_path / "noheader.csv"
    no_header.write_text("001085000001,NGUYỄN VĂN AN,1985-03-18,male\n", encoding="utf-8")
    assert _cli(tmp_path / "home", "registry", "import", str(no_header)).exit_code == 2
    assert _cli(tmp_path / "home", "registry", "import", str(tmp_path / "missing.csv")).exit_code == 2


def test_a_failed_bulk_load_leaves_the_blocking_indexes_in_place(tmp_path, engine, monkeypatch):
    from storage import registry

    path = _write(tmp_path / "r.csv", [_row(f"0010851000{i:02d}", "NGUYỄN VĂN AN") for i in range(10)])

    real = registry._writer

    class Broken:
        def __init__(self, conn):
            self.inner = real(conn)

        def write(self, rows):
            self.inner.write(rows[:3])  # part of the batch reaches the database, then the disk fills up
            raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "_writer", Broken)
    with pytest.raises(RuntimeError):
        import_csv(engine, path, batch_size=100)
    assert SqlRegistryLookup(engine).count() == 0  # the failed batch is rolled back whole
    names = {ix["name"] for ix in inspect(engine).get_indexes("citizens")}
    assert "ix_citizens_dob_gender" in names and "ix_citizens_name_key_year" in names
