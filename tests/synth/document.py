"""make_document: one synthetic civil record, its degraded page images and its ground truth."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image

from . import fonts
from .degrade import LEVELS, TYPEWRITER_ODDS, degrade, pick_dpi, pick_gray
from .forms_admin import decision, household_registration, land_use_certificate
from .forms_card import id_card
from .forms_civil import birth_certificate, death_certificate, marriage_certificate
from .forms_common import DOC_TYPES, Cast, Form, PageDraw
from .layout import Builder, PageLayout
from .people import Citizen, make_registry
from .render import render_ink

SCHEMA = "sohoa.synth/1"
DEFAULT_REGISTRY = (0, 2000)  # (seed, size) used when make_document is given no registry
FORMS: dict[str, Callable[[Cast, str], Form]] = {
    "birth_certificate": birth_certificate,
    "marriage_certificate": marriage_certificate,
    "death_certificate": death_certificate,
    "household_registration": household_registration,
    "land_use_certificate": land_use_certificate,
    "id_card": id_card,
    "decision": decision,
}
COPY_STAMPS = ("SAO Y BẢN CHÍNH", "ĐÃ ĐỐI CHIẾU", "BẢN SAO")


@dataclass
class SynthDocument:
    pages: list[Image.Image]
    dpi: int
    truth: dict


@cache
def default_registry() -> list[Citizen]:
    return make_registry(*DEFAULT_REGISTRY)


def _face(rng: random.Random, level: str, form: Form) -> fonts.FontFace:
    if form.font_class:
        cls = form.font_class
    else:
        odds = TYPEWRITER_ODDS[level] + (0.25 if form.era == "old" else 0.0)
        cls = "typewriter" if rng.random() < odds else ("serif" if rng.random() < 0.8 else "sans")
    return rng.choice(fonts.faces(cls))


def _fit(draw: PageDraw, face: fonts.FontFace, size_pt: float, margins: tuple[float, float, float, float],
         spacing: float) -> PageLayout:
    """Lays the page out, shrinking type (then leading) until it fits, as a clerk would."""
    layout = None
    for _ in range(12):
        b = Builder(face, size_pt, margins_mm=margins, spacing=spacing)
        draw(b)
        layout = b.build()
        if not layout.overflow:
            return layout
        if size_pt > 9.5:
            size_pt -= 0.5
        else:
            spacing = max(1.2, spacing - 0.05)
    assert layout is not None
    return layout


def make_document(seed: int, doc_type: str | None = None, level: str = "hard",
                  registry: list[Citizen] | None = None) -> SynthDocument:
    """A synthetic scanned civil record; the same arguments always give the same pixels and truth.

    People come from `registry` (by default `make_registry(0, 2000)`), a few from outside it.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    rng = random.Random(f"sohoa.synth:{seed}")
    if doc_type is None:
        doc_type = rng.choice(DOC_TYPES)
    if doc_type not in FORMS:
        raise ValueError(f"unknown doc_type {doc_type!r}; expected one of {DOC_TYPES}")
    registry = default_registry() if registry is None else registry
    form = FORMS[doc_type](Cast(registry, random.Random(rng.random())), level)
    face = _face(rng, level, form)
    size_pt = rng.uniform(10.5, 12.0) if face.font_class == "typewriter" else rng.uniform(11.0, 13.0)
    spacing = rng.uniform(1.35, 1.6)
    margins = (rng.uniform(15, 25), rng.uniform(12, 20), rng.uniform(15, 25), rng.uniform(25, 35))
    dpi = pick_dpi(level, rng)
    gray = pick_gray(level, rng)
    nrng = np.random.default_rng(rng.getrandbits(64))
    copy_stamp = rng.choice(COPY_STAMPS)
    images: list[Image.Image] = []
    pages: list[dict] = []
    for draw in form.pages:
        layout = _fit(draw, face, size_pt, margins, spacing)
        ink = render_ink(layout, seed=rng.getrandbits(32))
        scan = degrade(ink, layout, level, dpi, form.seal, rng, nrng, gray=gray, copy_stamp=copy_stamp)
        scan.image.info["dpi"] = (dpi, dpi)
        images.append(scan.image)
        pages.append({
            "lines": layout.text_lines,
            "rotation": scan.rotation,
            "skew_deg": scan.skew_deg,
            "font": face.family,
            "font_class": face.font_class,
            "font_size_pt": round(layout.size_pt, 1),
            "dpi": dpi,
            "width": scan.image.width,
            "height": scan.image.height,
            "mode": scan.image.mode,
            "degradations": scan.degradations,
        })
    truth = {
        "schema": SCHEMA,
        "seed": seed,
        "doc_type": doc_type,
        "level": level,
        "dpi": dpi,
        "file": None,
        "variant": form.variant,
        "pages": pages,
        "fields": form.fields,
        "persons": form.persons,
    }
    return SynthDocument(images, dpi, truth)
