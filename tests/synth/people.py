"""Citizens, their 12-digit personal IDs, and the population registry documents are linked against."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from . import names, places
from .dates import random_date

REGISTRY_HEADER = ("citizen_id", "full_name", "date_of_birth", "gender", "old_id_number", "place_of_origin",
                   "permanent_address")
ID_PATTERN = re.compile(r"^0([0-9]{2})([0-9])([0-9]{2})([0-9]{6})$")
TODAY = date(2025, 6, 30)  # fixed so that ages, and therefore output, do not drift with the calendar

# Two-digit prefixes of old 9-digit CMND by issuing province; approximate, and shared by neighbours
# (Đồng Nai and Bà Rịa - Vũng Tàu both used 27), which is why CMND is not a unique key.
_CMND_PREFIX = {"001": "01", "079": "02", "031": "03", "036": "16", "038": "17", "040": "18",
                "046": "19", "048": "20", "075": "27", "077": "27", "092": "36"}


@dataclass
class Citizen:
    """One person. Registry members and people absent from the registry use the same shape."""

    citizen_id: str
    family_name: str
    middle_name: str
    given_name: str
    date_of_birth: date
    gender: str  # "male" | "female"
    ethnicity: str
    birth_province: str  # the PPP code, also the first digits of citizen_id
    place_of_birth: str
    origin: places.Locality
    home: places.Locality
    permanent_address: str
    old_id_number: str | None = None
    nationality: str = "Việt Nam"
    father_id: str | None = None
    mother_id: str | None = None
    spouse_id: str | None = None
    household_id: str | None = None
    relation: str = "Chủ hộ"  # relation to the head of the household

    @property
    def full_name(self) -> str:
        return names.full_name(self.family_name, self.middle_name, self.given_name)

    @property
    def place_of_origin(self) -> str:
        return self.origin.origin()

    def age(self, on: date = TODAY) -> int:
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def csv_row(self) -> dict[str, str]:
        return {
            "citizen_id": self.citizen_id,
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "gender": self.gender,
            "old_id_number": self.old_id_number or "",
            "place_of_origin": self.place_of_origin,
            "permanent_address": self.permanent_address,
        }


def century_gender_digit(born: date, gender: str) -> int:
    """G of PPP G YY RRRRRR: 0/1 for the 1900s, 2/3 for the 2000s ...; even is male."""
    return 2 * ((born.year // 100) - 19) + (0 if gender == "male" else 1)


def make_citizen_id(rng: random.Random, province: str, born: date, gender: str) -> str:
    return f"{province}{century_gender_digit(born, gender)}{born.year % 100:02d}{rng.randrange(10**6):06d}"


def id_is_consistent(citizen_id: str, born_year: int, gender: str) -> bool:
    """True when the ID has the official shape, a known province and matches year and gender."""
    m = ID_PATTERN.match(citizen_id)
    if not m or citizen_id[:3] not in places.PROVINCES:
        return False
    g = int(m.group(2))
    return (g // 2 == born_year // 100 - 19 and g % 2 == (gender == "female")
            and int(m.group(3)) == born_year % 100)


class _Maker:
    """Creates citizens and keeps their IDs unique across one registry and its outsiders."""

    def __init__(self, rng: random.Random, used: set[str] | None = None) -> None:
        self.rng = rng
        self.used: set[str] = used if used is not None else set()

    def new_id(self, province: str, born: date, gender: str) -> str:
        while True:
            cid = make_citizen_id(self.rng, province, born, gender)
            if cid not in self.used:
                self.used.add(cid)
                return cid

    def person(self, gender: str, born: date, *, family: str | None = None, home: places.Locality | None = None,
               origin: places.Locality | None = None, ethnicity: str | None = None) -> Citizen:
        rng = self.rng
        home = home or places.random_locality(rng)
        origin = origin or (home if rng.random() < 0.6 else places.random_locality(rng))
        ethnicity = ethnicity or places.ethnicity_for(rng, origin.province_code)
        family = family or names.family_name(rng, ethnicity)
        middle, given = names.middle_given(rng, gender, family, ethnicity)
        # Births are registered where they happen: usually the home province, sometimes a big city hospital.
        birth_loc = home if rng.random() < 0.75 else places.random_locality(rng)
        province = birth_loc.province_code if rng.random() < 0.95 else places.random_province(rng)
        old_id = None
        if born.year <= 2004 and rng.random() < 0.6:
            prefix = _CMND_PREFIX.get(home.province_code, f"{rng.randint(4, 38):02d}")
            old_id = f"{prefix}{rng.randrange(10**7):07d}"
        return Citizen(
            citizen_id=self.new_id(province, born, gender), family_name=family, middle_name=middle,
            given_name=given, date_of_birth=born, gender=gender, ethnicity=ethnicity, birth_province=province,
            place_of_birth=places.birth_place(rng, birth_loc, born.year), origin=origin, home=home,
            permanent_address=home.address(), old_id_number=old_id,
        )


def _year_date(rng: random.Random, year: int) -> date:
    return random_date(rng, date(year, 1, 1), min(date(year, 12, 31), TODAY))


def _household(mk: _Maker, hid: str) -> list[Citizen]:
    rng = mk.rng
    home = places.random_locality(rng)
    head_year = rng.randint(1935, 1998)
    head_gender = "male" if rng.random() < 0.82 else "female"
    head = mk.person(head_gender, _year_date(rng, head_year), home=home)
    members = [head]
    spouse = None
    if rng.random() < 0.85:
        sp_gender = "female" if head_gender == "male" else "male"
        gap = rng.randint(-1, 8) * (1 if head_gender == "male" else -1)
        spouse = mk.person(sp_gender, _year_date(rng, min(head_year + gap, 2003)), home=home,
                           ethnicity=head.ethnicity if rng.random() < 0.9 else None)
        spouse.relation = "Vợ" if sp_gender == "female" else "Chồng"
        head.spouse_id, spouse.spouse_id = spouse.citizen_id, head.citizen_id
        members.append(spouse)
    father = head if head_gender == "male" else spouse
    mother = spouse if head_gender == "male" else head
    if father is not None and mother is not None:
        first = max(father.date_of_birth.year + 20, mother.date_of_birth.year + 18)
        last = min(mother.date_of_birth.year + 42, TODAY.year)
        for _ in range(rng.choices((0, 1, 2, 3, 4), (1, 3, 5, 3, 1))[0]):
            if first > last:
                break
            gender = rng.choice(("male", "female"))
            child = mk.person(gender, _year_date(rng, rng.randint(first, last)), family=father.family_name,
                              home=home, origin=father.origin, ethnicity=father.ethnicity)
            child.father_id, child.mother_id, child.relation = father.citizen_id, mother.citizen_id, "Con"
            members.append(child)
    if head_year < 1985 and head_year > 1950 and rng.random() < 0.25:
        parent = mk.person("female", _year_date(rng, head_year - rng.randint(20, 35)), home=home,
                           family=None, ethnicity=head.ethnicity)
        parent.relation = "Mẹ"
        head.mother_id = parent.citizen_id
        members.append(parent)
    for m in members:
        m.household_id = hid
    return members


def make_registry(seed: int, size: int = 2000) -> list[Citizen]:
    """A population registry of `size` people living in households, deterministic for `seed`.

    Besides the namesakes that name frequencies produce, it plants same-name-same-birthday pairs (some even
    born in the same province) so that linking by name and date alone is shown to be ambiguous.
    """
    rng = random.Random(f"registry:{seed}")
    mk = _Maker(rng)
    pairs = max(2, size // 150)
    people: list[Citizen] = []
    n = 0
    while len(people) < size - pairs:
        n += 1
        people.extend(_household(mk, f"H{seed}-{n:05d}"))
    people = people[: size - pairs]
    for i in range(pairs):
        twin = rng.choice([p for p in people if p.age() >= 16])
        home = places.random_locality(rng)
        province = twin.birth_province if i % 2 == 0 else places.random_province(rng)
        doppel = replace(twin, citizen_id=mk.new_id(province, twin.date_of_birth, twin.gender),
                         birth_province=province, home=home, permanent_address=home.address(),
                         old_id_number=None, father_id=None, mother_id=None, spouse_id=None,
                         household_id=f"H{seed}-T{i:04d}", relation="Chủ hộ")
        people.append(doppel)
    return people


def outsider(rng: random.Random, registry_ids: Iterable[str], gender: str, born: date, **kw: object) -> Citizen:
    """Someone who is not in the registry (moved abroad, never registered, or simply missing)."""
    mk = _Maker(rng, set(registry_ids))
    return mk.person(gender, born, **kw)  # type: ignore[arg-type]


def write_registry(registry: Iterable[Citizen], path: str | Path) -> Path:
    """registry.csv with the header `sohoa registry import` expects."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_HEADER)
        writer.writeheader()
        for c in registry:
            writer.writerow(c.csv_row())
    return path
