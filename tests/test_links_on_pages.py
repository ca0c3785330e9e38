"""Links made on real hard development pages (real Tesseract), against the registry they were drawn from, imported
into SQLite by import_csv: what the matching rules do with what a worn scan leaves of a person."""

from __future__ import annotations

import pytest

from extract.fields import extraction_from_ocr
from extract.matching import NAMELESS_OLD_ID_LINK
from storage.index import make_engine
from storage.registry import import_csv
from storage.registry_lookup import SqlRegistryLookup
from tests.synth import make_document, make_registry, write_registry
from tests.test_fields import _ocr
from workers.pipeline import match_step


@pytest.fixture(scope="module")
def registry_900000(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("registry")
    population = make_registry(900000, 5000)
    engine = make_engine(f"sqlite:///{tmp / 'index.sqlite3'}")
    import_csv(engine, write_registry(population, tmp / "registry.csv"))
    yield population, SqlRegistryLookup(engine)
    engine.dispose()


def test_a_household_row_whose_name_the_scan_lost_links_on_its_old_id_and_birth_date(registry_900000, tmp_path):
    # Seed 900100: a household book at 150 dpi. LÝ NGỌC AN's name is lost, but her "CMND số" and birth date are
    # read whole. No one else born that day has that old ID, or one a misread digit away, or lives with her.
    population, lookup = registry_900000
    doc = make_document(900100, "household_registration", "hard", registry=population)
    truth = next(p for p in doc.truth["persons"] if p["fields"]["full_name"] == "LÝ NGỌC AN")
    ex = match_step(extraction_from_ocr(_ocr(doc, tmp_path)), lookup)
    row = next(p for p in ex.persons if p.fields.get("old_id_number")
               and p.fields["old_id_number"].value == truth["fields"]["old_id_number"])
    assert "full_name" not in row.fields
    assert row.fields["date_of_birth"].value == truth["fields"]["date_of_birth"]
    assert (row.match.status, row.match.citizen_id) == ("matched", truth["true_citizen_id"])
    assert NAMELESS_OLD_ID_LINK in row.match.reasons
