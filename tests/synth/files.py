"""generate_set: a folder of scans in the formats scanners produce, each with its truth JSON."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import img2pdf
from PIL import Image

from .degrade import LEVELS
from .document import SynthDocument, make_document
from .forms_common import DOC_TYPES
from .people import make_registry, write_registry

log = logging.getLogger("tests.synth")
FORMATS = ("png", "jpeg", "tiff", "pdf")
EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif", "pdf": ".pdf"}
MULTI_PAGE = ("tiff", "pdf")


def doc_seed(seed: int, index: int) -> int:
    """The make_document seed of the index-th document of a set (recorded in its truth)."""
    return seed * 100_000 + index


def _jpeg_quality(doc: SynthDocument, page: int) -> int:
    # A page already squeezed by the "jpeg" degradation is stored at that quality, not compressed twice
    # harder; otherwise as a scanner's default.
    for d in doc.truth["pages"][page]["degradations"]:
        if d["name"] == "jpeg":
            return max(int(d["quality"]), 25)
    return 90


def _jpeg_bytes(image: Image.Image, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


def write_scan(doc: SynthDocument, path: Path, fmt: str) -> dict:
    """Writes the pages in one file with the DPI recorded; returns how the file was encoded."""
    dpi = doc.dpi
    pages = doc.pages
    if fmt == "png":
        pages[0].save(path, "PNG", dpi=(dpi, dpi), compress_level=2)
        return {"format": "png"}
    if fmt == "jpeg":
        q = _jpeg_quality(doc, 0)
        path.write_bytes(_jpeg_bytes(pages[0], q, dpi))
        return {"format": "jpeg", "quality": q}
    if fmt == "tiff":
        pages[0].save(path, "TIFF", dpi=(dpi, dpi), compression="tiff_lzw", save_all=True,
                      append_images=pages[1:])
        return {"format": "tiff", "compression": "lzw"}
    if fmt == "pdf":
        # Image-only PDF, one JPEG per page at the scan's DPI, the way scanner firmware writes them.
        qs = [_jpeg_quality(doc, i) if _jpeg_quality(doc, i) != 90 else 85 for i in range(len(pages))]
        data = img2pdf.convert([_jpeg_bytes(p, q, dpi) for p, q in zip(pages, qs, strict=True)],
                               layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)))
        path.write_bytes(data)
        return {"format": "pdf", "image": "jpeg", "quality": qs}
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


def generate_set(out_dir: str | Path, count: int, seed: int, levels: Sequence[str] = LEVELS,
                 registry_size: int = 2000, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Writes registry.csv and `count` scans with their truth; returns the scan paths.

    Document types, levels and formats rotate independently (7 types, so every type meets every level
    within 7 x len(levels) documents). Documents of several pages go to a multi-page TIFF or PDF whatever
    their turn in the rotation. Deterministic for a given seed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    levels, formats = tuple(levels), tuple(formats)
    for lv in levels:
        if lv not in LEVELS:
            raise ValueError(f"unknown level {lv!r}; expected some of {LEVELS}")
    for f in formats:
        if f not in FORMATS:
            raise ValueError(f"unknown format {f!r}; expected some of {FORMATS}")
    registry = make_registry(seed, registry_size)
    write_registry(registry, out / "registry.csv")
    paths: list[Path] = []
    for i in range(count):
        doc_type, level = DOC_TYPES[i % len(DOC_TYPES)], levels[i % len(levels)]
        dseed = doc_seed(seed, i)
        doc = make_document(dseed, doc_type, level, registry)
        fmt = formats[i % len(formats)]
        if len(doc.pages) > 1 and fmt not in MULTI_PAGE:
            fmt = next((f for f in formats if f in MULTI_PAGE), "tiff")
        stem = f"{i + 1:04d}-{doc_type}-{level}"
        path = out / f"{stem}{EXTENSIONS[fmt]}"
        encoding = write_scan(doc, path, fmt)
        truth = dict(doc.truth, file=path.name, encoding=encoding,
                     registry={"file": "registry.csv", "seed": seed, "size": registry_size})
        (out / f"{stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
        p0 = truth["pages"][0]
        linked = sum(1 for p in truth["persons"] if p["in_registry"])
        log.info("%s  %d page(s)  %d dpi  rot %d  skew %+.1f  %s  %d person(s), %d in registry", path.name,
                 len(doc.pages), doc.dpi, p0["rotation"], p0["skew_deg"], p0["font"], len(truth["persons"]),
                 linked)
    return paths
