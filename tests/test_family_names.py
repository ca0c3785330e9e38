"""A family name the scan damaged is read back from the one its bearer shares (extract.family_names)."""

from __future__ import annotations

import json

import pytest

from config.templates import TemplateError, load_template_file, load_templates
from extract.family_names import share_family_names
from extract.model import FieldValue, Person
from tests.test_doctype import HEADER, layout
from tests.test_fields import EXTRA, extract, person

BIRTH = next(t for t in load_templates() if t.doc_type == "birth_certificate")


def named(role: str, name: str) -> Person:
    return Person(role, {"full_name": FieldValue(name, 0.9)})


def names(persons: list[Person]) -> dict[str, str]:
    return {p.role: p.fields["full_name"].value for p in persons}


def test_the_birth_certificate_reader_gives_the_father_his_childs_family_name():
    # Seed 980194: "BỒI ĐÌNH TRÍ" read for the father of a BÙI; BỒI is no family name.
    ex = extract(layout([
        *HEADER,
        [(700, "GIẤY KHAI SINH")],
        "Họ và tên: BÙI THỊ MAI",
        "Ngày, tháng, năm sinh: 6/5/2015",
        "Họ và tên cha: BỒI ĐÌNH TRÍ",
        "Năm sinh: 1988",
    ]))
    father = person(ex, "father").fields["full_name"]
    assert father.value == "BÙI ĐÌNH TRÍ"
    assert father.reasons[-1] == "BỒI read as BÙI: the family name of the subject"
    assert father.confidence < 0.9


def test_the_child_takes_the_fathers_when_hers_is_the_damaged_one():
    # Seed 1030097: the child's "LỘC" read "ÖC"; her father's LỘC read well.
    out = names(share_family_names([named("subject", "ÖC THỊ LINH"), named("father", "LỘC QUỐC DŨNG")], BIRTH))
    assert out == {"subject": "LỘC THỊ LINH", "father": "LỘC QUỐC DŨNG"}


@pytest.mark.parametrize(
    ("child", "father"),
    [
        ("VI THỊ LAN", "BÙI VĂN AN"),  # two family names: a child may bear her mother's
        ("PHẠM THỊ LAN", "XYZQW VĂN AN"),  # too far from any family name to be one misread
        ("NGUYỄN THỊ LAN", "NGUYỄN VĂN AN"),  # nothing to mend
        ("THỊ MAI", "CHU VĂN BA"),  # her family name lost: THỊ is a name's word, not a damaged CHU
        ("HOA THỊ MAI", "HÀ VĂN BA"),  # a word of names; and a short family name only a letter off
        ("TÒNG THỊ MAI", "TÔ VĂN BA"),
    ],
)
def test_two_family_names_or_one_far_from_the_other_stay_as_read(child, father):
    persons = [named("subject", child), named("father", father)]
    assert share_family_names(persons, BIRTH) == persons


def test_only_roles_the_template_relates_share_a_family_name():
    persons = [named("subject", "BÙI THỊ MAI"), named("mother", "BỒI THỊ HOA")]
    assert share_family_names(persons, BIRTH) == persons  # a mother keeps her own


def test_the_template_names_a_role_of_its_own(tmp_path):
    path = tmp_path / "bad.json"
    roles = {"subject": {}, "father": {"same_family_name_as": "uncle"}}
    path.write_text(json.dumps({**EXTRA, "roles": roles}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"roles\.father\.same_family_name_as"):
        load_template_file(path)
