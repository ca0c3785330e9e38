"""What every form shares: who appears in it, how values are printed, and the header and signature blocks."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from . import names, places
from .dates import long_date, random_date, slash_date
from .layout import Builder
from .people import TODAY, Citizen, outsider

DOC_TYPES = ("birth_certificate", "marriage_certificate", "death_certificate", "household_registration",
             "land_use_certificate", "id_card", "decision")
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
GENDER_VI = {"male": "Nam", "female": "Nữ"}

PageDraw = Callable[[Builder], None]


@dataclass
class Form:
    """A filled-in form: page drawers plus the truth about what they print."""

    doc_type: str
    era: str  # "old" | "new": old forms are typed on typewriters more often
    pages: list[PageDraw]
    fields: dict[str, str]
    persons: list[dict]
    seal: tuple[str, str]  # ring text of the official seal: top arc, bottom arc
    variant: str = ""
    font_class: str | None = None  # forces a class of typeface (cards are always sans)


@dataclass
class Cast:
    """Draws the people of a document from the registry, or from outside it now and then."""

    registry: list[Citizen]
    rng: random.Random
    outsider_rate: float = 0.15
    by_id: dict[str, Citizen] = field(init=False)
    households: dict[str, list[Citizen]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {c.citizen_id: c for c in self.registry}
        self.households = {}
        for c in self.registry:
            if c.household_id:
                self.households.setdefault(c.household_id, []).append(c)

    def pick(self, pred: Callable[[Citizen], bool]) -> Citizen | None:
        pool = [c for c in self.registry if pred(c)]
        return self.rng.choice(pool) if pool else None

    def outsider(self, gender: str, born: date, **kw: object) -> Citizen:
        return outsider(self.rng, self.by_id, gender, born, **kw)

    def in_registry(self, c: Citizen) -> bool:
        return self.by_id.get(c.citizen_id) is c

    def get(self, cid: str | None) -> Citizen | None:
        return self.by_id.get(cid) if cid else None

    def maybe_outsider(self, c: Citizen) -> Citizen:
        """Replaces `c` by a similar person missing from the registry at the outsider rate."""
        if self.rng.random() >= self.outsider_rate:
            return c
        other = self.outsider(c.gender, c.date_of_birth, family=c.family_name, home=c.home,
                              ethnicity=c.ethnicity)
        other.relation = c.relation
        return other


@dataclass
class Style:
    """Per-document printing habits, drawn once so that a page is internally consistent."""

    date_style: str
    title_names: bool  # old forms sometimes type names in title case
    old_tone: bool  # "Hoà" rather than "Hòa"
    leaders: bool  # values typed onto dotted lines
    bold_values: bool

    @classmethod
    def draw(cls, rng: random.Random, era: str) -> Style:
        old = era == "old"
        return cls(
            date_style=rng.choices(("pad", "unpad", "mixed"), (6, 3, 1) if not old else (4, 4, 2))[0],
            title_names=old and rng.random() < 0.3,
            old_tone=old and rng.random() < 0.5,
            leaders=rng.random() < (0.4 if old else 0.2),
            bold_values=rng.random() < 0.7,
        )

    def name(self, c: Citizen) -> str:
        text = c.full_name
        if self.title_names:
            text = " ".join(w[:1] + w[1:].lower() for w in text.split())
        return names.old_tone_style(text) if self.old_tone else text

    def truth_name(self, printed: str) -> str:
        return printed.upper()

    def date(self, d: date) -> str:
        return slash_date(d, self.date_style)

    @property
    def vstyle(self) -> str:
        return "bold" if self.bold_values else "regular"


def person(role: str, c: Citizen, cast: Cast, **fields: str | None) -> dict:
    """A truth person: printed fields in contract value forms plus who it really is."""
    out = {k: v for k, v in fields.items() if v is not None}
    return {"role": role, "in_registry": cast.in_registry(c), "true_citizen_id": c.citizen_id, "fields": out}


def official_name(rng: random.Random) -> str:
    """An official's name as printed under a signature: title case, not a party to the document."""
    gender = rng.choice(("male", "female"))
    fam = names.family_name(rng)
    mid, giv = names.middle_given(rng, gender, fam)
    return f"{fam} {mid} {giv}"


def commune_organ(loc: places.Locality) -> list[str]:
    return ["ỦY BAN NHÂN DÂN", f"{loc.commune_unit.upper()} {loc.commune.upper()}"]


def district_organ(loc: places.Locality) -> list[str]:
    return ["ỦY BAN NHÂN DÂN", f"{loc.district_unit.upper()} {loc.district.upper()}"]


def seal_for(organ: list[str], loc: places.Locality) -> tuple[str, str]:
    top = " ".join(organ)
    bottom = f"{loc.district_unit.upper()} {loc.district.upper()} - {places.PROVINCES[loc.province_code].upper()}"
    if loc.district.upper() in top:
        bottom = places.province_label(loc.province_code).upper()
    return top, bottom


def national_header(b: Builder, *, size: int | None = None, rule: bool = True) -> None:
    width = b.x1 - b.x0
    size = b.fit(NATIONAL, "bold", width, size or b.px)
    b.text(NATIONAL, style="bold", align="center", size=size, spacing=1.25)
    motto_size = b.fit(MOTTO, "bold", width, round(size * 1.08))
    b.text(MOTTO, style="bold", align="center", size=motto_size, spacing=1.3)
    if rule:
        b.rule(b.measure(MOTTO, "bold", motto_size) * 0.95)


def header_row(b: Builder, organ: list[str], numbers: Iterable[str] = (), place_date: str | None = None,
               fraction: float = 0.40) -> None:
    """Issuing organ (and numbers) top left, national header top right; read left block first."""
    (lx0, lx1), (rx0, rx1) = b.split(fraction, gutter_mm=4)
    top = b.y
    size = round(b.px * 0.95)
    with b.frame(lx0, lx1, y=top):
        for i, line in enumerate(organ):
            st = "bold" if i == len(organ) - 1 else "regular"
            b.text(line, style=st, align="center", size=b.fit(line, st, lx1 - lx0, size), spacing=1.25)
        b.rule(min(b.measure(organ[-1], "bold", size) * 0.6, (lx1 - lx0) * 0.5))
        b.space(0.35)
        for n in numbers:
            b.text(n, align="center", size=size, spacing=1.3)
    left_end = b.y
    with b.frame(rx0, rx1, y=top):
        national_header(b, size=size)
        if place_date:
            b.space(0.3)
            b.text(place_date, style="italic", align="center", size=size)
    b.y = max(left_end, b.y)
    b.space(0.8)


def place_date(loc: places.Locality, d: date, pad: bool = True, district: bool = False) -> str:
    name = loc.district if district else loc.commune
    return f"{name}, {long_date(d, pad)}"


def signature_block(b: Builder, titles: list[str], signer: str, *, dated: str | None = None,
                    note: str | None = None, fraction: float = 0.45, seal_mm: float = 36) -> None:
    """The signer's block in the right part of the page, blank left for signature and seal."""
    x0 = b.left + (b.right - b.left) * fraction
    with b.frame(x0, b.right):
        if dated:
            b.text(dated, style="italic", align="center", size=b.fit(dated, "italic", b.right - x0))
        for t in titles:
            b.text(t, style="bold", align="center", size=b.fit(t, "bold", b.right - x0))
        if note:
            b.text(note, style="italic", align="center", size=round(b.px * 0.85))
        b.sign_here(seal_mm=seal_mm)
        b.text(signer, style="bold", align="center")


def issue_date(rng: random.Random, after: date) -> date:
    """When a copy or extract was issued: any time after the event, up to the fixed 'today'."""
    return random_date(rng, after, TODAY)
