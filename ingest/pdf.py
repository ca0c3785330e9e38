"""PDF files to page images, keeping the text layer a page already carries.

qpdf (through pikepdf) judges the file's structure; poppler lists images, extracts text and renders. Every
page gets an image, text layer or not: later stages need it for thumbnails and quality flags, and the OCR
stage decides whether to read the page again. A page that is nothing but one scan gives its stored pixels
(:mod:`ingest.pdfimage`); every other page is rendered at the scan's resolution.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pikepdf
from PIL import Image

from ingest import normalize, pdfimage
from ingest._exec import pdfimages, pdftoppm, pdftotext
from ingest.errors import (
    CorruptPdfError,
    EncryptedPdfError,
    ImageTooLargeError,
    NoPagesError,
    PdfDamagedXrefError,
    ToolError,
    ToolMissingError,
    ToolTimeoutError,
    TooManyPagesError,
)
from ingest.model import DPI_FALLBACK, DPI_FROM_PDF, DPI_OVERRIDE, Page
from ingest.source import Source

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# Image-only pages are rendered at the scan's own resolution, within these bounds: below 150 dpi OCR
# suffers, above 400 the page images only cost time and memory.
RENDER_MIN_DPI, RENDER_MAX_DPI = 150.0, 400.0
# Pages without any image (born digital): the resolution is ours to choose.
NO_IMAGE_DPI = 300.0
# qpdf's words when it had to rebuild the cross-reference table.
_DAMAGE_MARKERS = ("reconstruct", "file is damaged")
# Less text than this on a "text" page is usually a scanner app's watermark, not a text layer.
_THIN_TEXT_CHARS = 20
_MAX_NOTES_PER_PAGE = 3
_POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class _PageBox:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width_pt(self) -> float:
        return self.x1 - self.x0

    @property
    def height_pt(self) -> float:
        return self.y1 - self.y0

    @property
    def crop(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


def load_pdf(
    source: Source,
    workdir: Path,
    *,
    dpi: float | None,
    max_pixels: int,
    max_pages: int,
    repair_pdf: bool,
    page_range: tuple[int, int] | None = None,
) -> tuple[list[Page], list[str]]:
    notes: list[str] = []
    original = Path(source.path)
    with _open(original, source.name) as pdf:
        damaged = _check_structure(pdf, original, source.name, repair_pdf=repair_pdf, max_pages=max_pages)
        boxes = [_box(n, page, original, source.name) for n, page in enumerate(pdf.pages, 1)]
        pdf_path = original
        if damaged:
            notes.append(
                "the PDF's cross-reference table was broken and has been rebuilt (--repair-pdf): check that "
                "no page is missing or out of order"
            )
            # Poppler would rebuild the table its own way; render exactly what qpdf rebuilt and counted.
            pdf_path = workdir / "_repaired.pdf"
            pdf.save(pdf_path)
        elif pdf.is_encrypted:
            notes.append("the PDF has an owner password (usage restrictions only); it was read without it")
        try:
            images = _poppler(lambda: pdfimages.list_images(pdf_path, n_pages=len(boxes)))
            texts = _poppler(lambda: pdftotext.page_texts(pdf_path, len(boxes)))
            by_page: dict[int, list[pdfimages.ImageInfo]] = {}
            for info in images:
                by_page.setdefault(info.page, []).append(info)
            # Every page's size is checked before the first is decoded: refuse in milliseconds, not minutes.
            plans = [_plan(n, box, by_page.get(n, []), dpi, max_pixels, notes) for n, box in enumerate(boxes, 1)]
            pages = []
            first, last = page_range or (1, len(boxes))
            for n, (plan, box) in enumerate(zip(plans, boxes, strict=True), 1):
                if not first <= n <= last:
                    continue  # another page-range job's page
                text = _text(n, texts[n - 1], notes)
                # With --dpi the operator asked for a resolution: only a render delivers it.
                extracted = None if dpi is not None else pdfimage.extract(pdf.pages[n - 1], box.crop)
                if extracted is not None and RENDER_MIN_DPI <= extracted.ppi <= RENDER_MAX_DPI:
                    pages.append(_from_extracted(n, extracted, text, workdir, notes))
                else:
                    pages.append(_render(pdf_path, n, plan, text, workdir, notes))
        finally:
            if pdf_path != original:
                pdf_path.unlink(missing_ok=True)
    return pages, notes


def _open(path: Path, name: str) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError as e:
        raise EncryptedPdfError(
            "The PDF is protected by a password needed to open it. Ask the sender for a copy without a "
            "password; sohoa does not take passwords."
        ) from e
    except pikepdf.PdfError as e:
        raise CorruptPdfError(
            f"The PDF is damaged and cannot be read ({_qpdf_text(str(e), path, name)}). "
            "Export it again from the scanner software."
        ) from e


def _check_structure(pdf: pikepdf.Pdf, path: Path, name: str, *, repair_pdf: bool, max_pages: int) -> bool:
    """Refuse what qpdf cannot read or had to rebuild; return whether it was rebuilt (and accepted)."""
    try:
        count = len(pdf.pages)
    except (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError) as e:
        raise CorruptPdfError(
            f"The PDF's page list is damaged ({_qpdf_text(str(e), path, name)}). "
            "Export it again from the scanner software."
        ) from e
    warnings = [_qpdf_text(w, path, name) for w in pdf.get_warnings()]
    damaged = any(marker in w.lower() for w in warnings for marker in _DAMAGE_MARKERS)
    if damaged and not repair_pdf:
        raise PdfDamagedXrefError(
            "The PDF is damaged: its cross-reference table is broken (the file was probably cut short or "
            "written by a faulty program). It could be rebuilt, but pages might then be missing or out of "
            "order. Export the PDF again from the scanner software, or re-run with --repair-pdf to accept "
            "the rebuilt file."
        )
    if count == 0:
        raise NoPagesError("The PDF has no pages.")
    if count > max_pages:
        raise TooManyPagesError(
            f"The PDF has {count} pages, more than the limit of {max_pages}; split it into smaller documents."
        )
    if warnings:
        log.debug("qpdf: %d warning(s) on a readable PDF", len(warnings))
    return damaged


def _box(number: int, page: pikepdf.Page, path: Path, name: str) -> _PageBox:
    try:
        x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    except (pikepdf.PdfError, ValueError, TypeError) as e:
        raise CorruptPdfError(f"Page {number} of the PDF has no valid size ({_qpdf_text(str(e), path, name)}).") from e
    box = _PageBox(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    if box.width_pt < 1 or box.height_pt < 1:
        raise CorruptPdfError(f"Page {number} of the PDF has an empty page area.")
    return box


def _plan(
    number: int,
    box: _PageBox,
    images: list[pdfimages.ImageInfo],
    override: float | None,
    max_pixels: int,
    notes: list[str],
) -> tuple[float, str]:
    """The resolution page ``number`` is rendered at, and where it comes from."""
    for info in images:
        # An image drawn small can still be enormous: poppler would decode all of it to render the page.
        if info.width * info.height > max_pixels:
            raise ImageTooLargeError(
                f"Page {number} of the PDF holds an image of {info.width} × {info.height} pixels "
                f"({info.width * info.height / 1e6:,.0f} megapixels); the limit is {max_pixels / 1e6:,.0f} "
                "megapixels per page."
            )
    drawn = [i for i in images if i.kind in ("image", "stencil") and i.x_ppi > 0 and i.y_ppi > 0]
    if override is not None:
        dpi, source = float(override), DPI_OVERRIDE
    elif drawn:
        # The largest image is the scan; smaller ones are stamps, logos or MRC layers.
        scan = max(drawn, key=lambda i: i.width * i.height)
        native = max(scan.x_ppi, scan.y_ppi)
        dpi, source = min(max(native, RENDER_MIN_DPI), RENDER_MAX_DPI), DPI_FROM_PDF
        if dpi != native:
            notes.append(f"page {number}: the scan is {native:g} ppi, rendered at {dpi:g} dpi")
    else:
        dpi, source = NO_IMAGE_DPI, DPI_FALLBACK
    width = math.ceil(box.width_pt / _POINTS_PER_INCH * dpi)
    height = math.ceil(box.height_pt / _POINTS_PER_INCH * dpi)
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"Page {number} of the PDF would be {width} × {height} pixels at {dpi:g} dpi "
            f"({width * height / 1e6:,.0f} megapixels); the limit is {max_pixels / 1e6:,.0f} megapixels per page."
        )
    return dpi, source


def _text(number: int, raw: str, notes: list[str]) -> str | None:
    text = unicodedata.normalize("NFC", raw).strip()
    if text and len("".join(text.split())) < _THIN_TEXT_CHARS:
        notes.append(f"page {number}: its text layer holds only a few characters (a watermark?)")
    return text or None


def _from_extracted(
    number: int, extracted: pdfimage.Extracted, text: str | None, workdir: Path, notes: list[str]
) -> Page:
    image, conversion = normalize.to_rgb_or_l(extracted.image)
    if conversion:
        notes.append(f"page {number}: {conversion}")
    return _write(number, image, extracted.ppi, DPI_FROM_PDF, text, workdir)


def _render(
    pdf_path: Path, number: int, plan: tuple[float, str], text: str | None, workdir: Path, notes: list[str]
) -> Page:
    dpi, dpi_source = plan
    try:
        ppm, stderr = pdftoppm.render_page(pdf_path, number, workdir / f"_render-{number:04d}", dpi=dpi)
    except (ToolTimeoutError, ToolMissingError):
        raise
    except ToolError as e:
        raise CorruptPdfError(f"Page {number} of the PDF cannot be rendered ({e.message}).") from e
    try:
        with Image.open(ppm) as rendered:
            rendered.load()
            image = _gray_if_gray(rendered)
    finally:
        ppm.unlink(missing_ok=True)
    # Poppler renders what it can and complains on stderr: worth a look, not a refusal.
    complaints = list(dict.fromkeys(line.strip() for line in stderr.splitlines() if line.strip()))
    notes.extend(f"page {number}: PDF renderer: {line[:200]}" for line in complaints[:_MAX_NOTES_PER_PAGE])
    return _write(number, image, dpi, dpi_source, text, workdir)


def _write(number: int, image: Image.Image, dpi: float, dpi_source: str, text: str | None, workdir: Path) -> Page:
    path = workdir / f"page-{number:04d}.png"
    normalize.write_png(image, path, dpi)
    return Page(
        number=number,
        image_path=str(path),
        width=image.width,
        height=image.height,
        dpi=dpi,
        dpi_source=dpi_source,
        text_layer=text is not None,
        text=text,
    )


def _gray_if_gray(im: Image.Image) -> Image.Image:
    # pdftoppm always renders RGB; a gray scan should stay L (a third of the memory downstream).
    if im.mode != "RGB":
        return im.convert("RGB")
    a = np.asarray(im)
    if np.array_equal(a[..., 0], a[..., 1]) and np.array_equal(a[..., 1], a[..., 2]):
        return im.getchannel(0)
    return im.copy()


def _poppler(call: Callable[[], _T]) -> _T:
    try:
        return call()
    except (ToolTimeoutError, ToolMissingError):
        raise
    except ToolError as e:
        # qpdf read the file, poppler cannot: still the file's fault, not the machine's.
        raise CorruptPdfError(f"The PDF cannot be read by the renderer ({e.message}).") from e


def _qpdf_text(message: str, path: Path, name: str) -> str:
    # qpdf prefixes messages with the path; the clerk knows the file by its name.
    return message.replace(str(path), name).strip()
