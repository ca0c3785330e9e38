"""The synthetic sample generator: deterministic, and its truth describes what the pages print."""

from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
from collections import Counter
from datetime import date

import pikepdf
import pytest
from PIL import Image

from tests.synth import (
    DOC_TYPES,
    LEVELS,
    SCHEMA,
    SynthDocument,
    cer,
    cer_unordered,
    generate_set,
    make_document,
    make_registry,
    normalize_text,
    write_registry,
)
from tests.synth.dates import date_in_words, number_words
from tests.synth.files import write_scan
from tests.synth.people import REGISTRY_HEADER, id_is_consistent

CONTRACT_FIELDS = {"registration_number", "book_number", "registration_date", "issuing_authority",
                   "document_number", "document_date"}
PERSON_FIELDS = {"full_name", "date_of_birth", "gender", "citizen_id", "old_id_number", "place_of_birth",
                 "place_of_origin", "permanent_address", "ethnicity", "nationality"}
ROLES = {"subject", "father", "mother", "wife", "husband", "deceased", "head", "member", "holder", "land_user"}
ISO_OR_YEAR = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
PRINTED = ("place_of_birth", "place_of_origin", "permanent_address", "ethnicity", "nationality", "citizen_id",
           "old_id_number")


@pytest.fixture(scope="module")
def registry():
    return make_registry(11, 600)


def test_same_seed_same_document(registry) -> None:
    a = make_document(7, "birth_certificate", "hard", registry)
    b = make_document(7, "birth_certificate", "hard", registry)
    assert a.truth == b.truth
    assert [p.tobytes() for p in a.pages] == [p.tobytes() for p in b.pages]
    c = make_document(8, "birth_certificate", "hard", registry)
    assert c.truth["persons"] != a.truth["persons"] or c.pages[0].tobytes() != a.pages[0].tobytes()


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_truth_matches_the_printed_page(registry, doc_type: str) -> None:
    level = LEVELS[DOC_TYPES.index(doc_type) % len(LEVELS)]
    doc = make_document(DOC_TYPES.index(doc_type) + 40, doc_type, level, registry)
    assert (doc.truth["doc_type"], doc.truth["level"]) == (doc_type, level)
    check_truth(doc, registry)


def check_truth(doc: SynthDocument, registry) -> None:
    """Every truth value is well-formed and is what the page prints."""
    truth = doc.truth
    assert (truth["schema"], truth["dpi"]) == (SCHEMA, doc.dpi)
    assert len(truth["pages"]) == len(doc.pages) >= 1
    for image, page in zip(doc.pages, truth["pages"], strict=True):
        assert image.mode in ("RGB", "L") and image.size == (page["width"], page["height"])
        assert page["rotation"] in (0, 90, 180, 270)
        assert isinstance(page["skew_deg"], float) and page["font"]
        assert all("name" in d for d in page["degradations"])
        assert page["lines"]
        for line in page["lines"]:
            assert line == normalize_text(line) == unicodedata.normalize("NFC", line)
    text = " ".join(line for p in truth["pages"] for line in p["lines"])
    assert set(truth["fields"]) <= CONTRACT_FIELDS
    for name, value in truth["fields"].items():
        if name.endswith("_date"):
            date.fromisoformat(value)
        else:
            assert value in text, name
    by_id = {c.citizen_id: c for c in registry}
    assert truth["persons"]
    for person in truth["persons"]:
        fields = person["fields"]
        assert person["role"] in ROLES and set(fields) <= PERSON_FIELDS
        assert {"full_name", "date_of_birth", "gender"} <= set(fields)
        assert fields["full_name"] == fields["full_name"].upper() == normalize_text(fields["full_name"])
        assert fields["full_name"] in text.upper()
        assert fields["gender"] in ("male", "female")
        assert ISO_OR_YEAR.match(fields["date_of_birth"])
        year = int(fields["date_of_birth"][:4])
        if "citizen_id" in fields:
            assert id_is_consistent(fields["citizen_id"], year, fields["gender"])
        if "old_id_number" in fields:
            assert re.fullmatch(r"\d{9}", fields["old_id_number"])
        for key in PRINTED:
            if key in fields:
                assert fields[key] in text, key
        true_id = person["true_citizen_id"]
        assert id_is_consistent(true_id, year, fields["gender"])
        assert (true_id in by_id) == person["in_registry"]
        if person["in_registry"]:
            citizen = by_id[true_id]
            assert citizen.date_of_birth.isoformat().startswith(fields["date_of_birth"])
            assert citizen.gender == fields["gender"]


def test_registry_has_namesakes_and_valid_ids(tmp_path) -> None:
    people = make_registry(3, 2000)
    ids = [c.citizen_id for c in people]
    assert len(people) == 2000 and len(set(ids)) == 2000
    assert all(id_is_consistent(c.citizen_id, c.date_of_birth.year, c.gender) for c in people)
    names = Counter(c.full_name for c in people)
    assert names["NGUYỄN VĂN AN"] >= 12
    twins = Counter((c.full_name, c.date_of_birth) for c in people)
    assert sum(1 for n in twins.values() if n > 1) >= 5
    path = write_registry(people, tmp_path / "registry.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == REGISTRY_HEADER
    assert len(rows) == 2000
    assert all(r["gender"] in ("male", "female") and r["full_name"] == r["full_name"].upper() for r in rows)
    assert all(date.fromisoformat(r["date_of_birth"]) for r in rows)


def test_dates_in_words() -> None:
    assert number_words(1973) == "một nghìn chín trăm bảy mươi ba"
    assert number_words(2005) == "hai nghìn không trăm linh năm"
    assert number_words(1921) == "một nghìn chín trăm hai mươi mốt"
    assert number_words(1955) == "một nghìn chín trăm năm mươi lăm"
    assert number_words(2015) == "hai nghìn không trăm mười lăm"
    words = date_in_words(date(1973, 11, 9), random.Random(1))
    variants = {f"{d} chín tháng mười một năm một {t} chín trăm bảy mươi ba"
                for d in ("Mùng", "Mồng") for t in ("nghìn", "ngàn")}
    assert words in variants


def test_cer_and_normalisation() -> None:
    assert normalize_text("  Hạnh\n\t phúc  ") == "Hạnh phúc"
    assert cer("Hạnh phúc", unicodedata.normalize("NFD", "Hạnh  phúc\n")) == 0.0
    assert cer("abcd", "abed") == 0.25
    assert cer("", "") == 0.0
    assert cer_unordered(["ỦY BAN", "CỘNG HÒA"], "CỘNG HÒA ỦY BAN") == 0.0


def test_generate_set_writes_scans_and_truth(tmp_path) -> None:
    paths = generate_set(tmp_path, 4, seed=3, registry_size=300)
    assert [p.suffix for p in paths] == [".png", ".jpg", ".tif", ".pdf"]
    assert (tmp_path / "registry.csv").read_text(encoding="utf-8").startswith(",".join(REGISTRY_HEADER))
    for path in paths:
        truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert truth["file"] == path.name and path.name.startswith(f"{paths.index(path) + 1:04d}-{truth['doc_type']}")
        if path.suffix == ".pdf":
            assert path.read_bytes().startswith(b"%PDF")
            continue
        with Image.open(path) as im:
            assert round(im.info["dpi"][0]) == truth["dpi"]
    again = tmp_path / "again"
    generate_set(again, 2, seed=3, registry_size=300)
    assert (again / paths[0].name).read_bytes() == paths[0].read_bytes()


def test_several_pages_go_into_one_file(tmp_path) -> None:
    pages = [Image.new("L", (170, 240), 230), Image.new("L", (170, 240), 200)]
    doc = SynthDocument(pages, 200, {"pages": [{"degradations": []}, {"degradations": []}]})
    write_scan(doc, tmp_path / "book.tif", "tiff")
    with Image.open(tmp_path / "book.tif") as im:
        assert im.n_frames == 2 and round(im.info["dpi"][0]) == 200
    write_scan(doc, tmp_path / "book.pdf", "pdf")
    with pikepdf.open(tmp_path / "book.pdf") as pdf:
        assert len(pdf.pages) == 2
        width_pt = float(pdf.pages[0].mediabox[2]) - float(pdf.pages[0].mediabox[0])
        assert width_pt == pytest.approx(170 / 200 * 72, abs=0.1)
