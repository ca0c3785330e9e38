"""Birth years against the rest of the document: a misread year that makes an impossible life is called in doubt,
and another reading of the page that fits is taken instead (extract.lifespan)."""

from __future__ import annotations

import json

import pytest

from config.templates import TemplateError, load_template_file, load_templates
from extract.lifespan import check_lifespans
from extract.model import FieldValue, Person
from tests.test_doctype import HEADER, layout
from tests.test_fields import EXTRA, extract, person

TEMPLATES = {t.doc_type: t for t in load_templates()}
BIRTH, MARRIAGE = TEMPLATES["birth_certificate"], TEMPLATES["marriage_certificate"]


def born(value: str, *alternatives: str, confidence: float = 0.9) -> FieldValue:
    return FieldValue(value, confidence, alternatives=alternatives)


def births(persons: list[Person]) -> dict[str, FieldValue]:
    return {p.role: p.fields["date_of_birth"] for p in persons}


def test_a_child_read_born_before_its_parents_were_grown_takes_the_reading_that_fits():
    # "1981" read "1961" (8 and 6) with parents born in 1950; a second model read the page's 1981.
    persons = [Person("subject", {"date_of_birth": born("1961-12-26", "1981-12-26")}),
               Person("father", {"date_of_birth": born("1950")}), Person("mother", {"date_of_birth": born("1950")})]
    out = births(check_lifespans(persons, BIRTH, {}))
    assert out["subject"].value == "1981-12-26" and out["subject"].alternatives == ("1961-12-26",)
    assert "only 11 years younger than a parent" in out["subject"].reasons[-1]
    assert out["subject"].confidence == pytest.approx(0.63)  # taken on the others' word: not sure
    # The parents' years are not touched once the child's fits, in whatever order the persons come.
    assert out["father"] == persons[1].fields["date_of_birth"] and out["mother"] == persons[2].fields["date_of_birth"]
    assert births(check_lifespans(persons[::-1], BIRTH, {})) == out


def test_a_reading_is_taken_only_on_years_read_surely_and_when_it_gives_one_year():
    child = Person("subject", {"date_of_birth": born("1995-03-10", "1999-03-10", confidence=0.9)})
    # The father's "1986" (1966 misread) read less surely than the child's date: it mends nothing.
    unsure = births(check_lifespans([child, Person("father", {"date_of_birth": born("1986", confidence=0.7)})],
                                    BIRTH, {}))
    assert unsure["subject"].value == "1995-03-10" and "in doubt" in unsure["subject"].reasons[-1]
    # Read under 0.6, it checks nothing at all, and is itself the one in doubt.
    faint = births(check_lifespans([child, Person("father", {"date_of_birth": born("1986", confidence=0.5)})],
                                   BIRTH, {}))
    assert faint["subject"] == child.fields["date_of_birth"]
    assert faint["father"].reasons == ("birth year in doubt: the person would be only 9 years older than the child",)
    # Two readings that fit with two years: which one, nobody can tell.
    two = Person("subject", {"date_of_birth": born("1961-12-26", "1981-12-26", "1991-12-26")})
    out = births(check_lifespans([two, Person("father", {"date_of_birth": born("1950")})], BIRTH, {}))
    assert out["subject"].value == "1961-12-26" and "in doubt" in out["subject"].reasons[-1]


def test_child_and_parent_that_could_each_be_the_misread_one_are_both_left_in_doubt():
    persons = [Person("subject", {"date_of_birth": born("1961-12-26", "1981-12-26")}),
               Person("father", {"date_of_birth": born("1955-01-01", "1935-01-01")})]
    out = births(check_lifespans(persons, BIRTH, {}))
    assert (out["subject"].value, out["father"].value) == ("1961-12-26", "1955-01-01")
    assert all("in doubt" in v.reasons[-1] for v in out.values())


def test_without_a_reading_that_fits_the_year_stays_and_is_in_doubt():
    persons = [Person("subject", {"date_of_birth": born("1961-12-26", "1960-12-26")}),
               Person("mother", {"date_of_birth": born("1950")})]
    out = births(check_lifespans(persons, BIRTH, {}))
    assert out["subject"].value == "1961-12-26"  # nothing is guessed that no reading gave
    assert out["subject"].confidence == pytest.approx(0.63)
    assert out["subject"].reasons == ("birth year in doubt: the person would be only 11 years younger than a parent",)
    assert out["mother"].confidence == pytest.approx(0.63)  # which of the two is misread, no one can tell


def test_possible_lives_are_left_alone():
    persons = [Person("subject", {"date_of_birth": born("1981-12-26", "1961-12-26")}),
               Person("father", {"date_of_birth": born("1950")}), Person("mother", {"date_of_birth": born("1962")})]
    assert check_lifespans(persons, BIRTH, {"registration_date": born("1982-01-05")}) == persons
    # Roles the template relates nothing for: a marriage's spouses are nobody's parents.
    spouses = [Person("wife", {"date_of_birth": born("1990-01-01")}),
               Person("husband", {"date_of_birth": born("1960-01-01")})]
    assert check_lifespans(spouses, MARRIAGE, {}) == spouses


def test_a_spouse_read_97_at_the_wedding_takes_the_reading_that_fits():
    persons = [Person("wife", {"date_of_birth": born("1905-11-29", "1985-11-29")}),
               Person("husband", {"date_of_birth": born("1984-04-23")})]
    out = births(check_lifespans(persons, MARRIAGE, {"registration_date": born("2002-12-24")}))
    assert out["wife"].value == "1985-11-29"
    assert "97 years old at the registration date" in out["wife"].reasons[-1]
    assert out["husband"] == persons[1].fields["date_of_birth"]
    # A bride of 12 is a misread year too.
    young = check_lifespans([persons[1]], MARRIAGE, {"registration_date": born("1996-12-24")})
    assert "12 years old at the registration date" in young[0].fields["date_of_birth"].reasons[-1]


def test_nobody_is_born_after_the_document_was_made():
    persons = [Person("subject", {"date_of_birth": born("2021-03-01", "2001-03-01")})]
    out = births(check_lifespans(persons, BIRTH, {"registration_date": born("2001-03-20")}))
    assert out["subject"].value == "2001-03-01"
    assert "born after the document was made" in out["subject"].reasons[-1]
    # A document date read unsure checks nothing: it may be the misread one.
    unsure = {"registration_date": born("2001-03-20", confidence=0.4)}
    assert check_lifespans(persons, BIRTH, unsure) == persons


def test_the_birth_certificate_reader_marks_a_child_older_than_its_mother():
    ex = extract(layout([
        *HEADER,
        [(700, "GIẤY KHAI SINH")],
        "Họ và tên: NGUYỄN VĂN AN",
        "Ngày, tháng, năm sinh: 6/5/1955",
        "Họ và tên mẹ: LÊ THỊ BA",
        "Năm sinh: 1960",
    ]))
    subject, mother = person(ex, "subject").fields["date_of_birth"], person(ex, "mother").fields["date_of_birth"]
    assert (subject.value, mother.value) == ("1955-05-06", "1960")
    assert "birth year in doubt: the person would be 5 years older than a parent" in subject.reasons
    assert "birth year in doubt: the person would be 5 years younger than the child" in mother.reasons


@pytest.mark.parametrize(
    ("roles", "where"),
    [
        ({"subject": {}, "father": {"parent_of": "aunt"}}, "roles.father.parent_of"),
        ({"subject": {"parent_of": "subject"}}, "roles.subject.parent_of"),
        ({"subject": {"adult_on": "date_of_birth"}}, "roles.subject.adult_on"),
    ],
)
def test_template_relations_name_roles_and_document_dates(tmp_path, roles, where):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**EXTRA, "roles": roles}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template_file(path)
    assert where in str(err.value)
