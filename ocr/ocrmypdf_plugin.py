"""sohoa's OCRmyPDF plugin: Tesseract reads sohoa's cleaned image, and each page's hOCR is kept.

Two hooks, both geometry-neutral (see ../shared/ocrmypdf-notes.md): the page in the PDF is already the
upright scan, and the cleaned image has exactly its pixel frame, so the text layer lands on the words.

- ``filter_ocr_image`` swaps in ``<ocr_images>/page-NNNN.png`` (written by ``ocr.stage``);
- ``get_ocr_engine`` returns the built-in Tesseract engine with ``generate_hocr`` also copying the page's
  hOCR to ``<hocr_out>/page-NNNN.hocr``: one recognition call yields the text layer and sohoa's words.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from PIL import Image
from pydantic import BaseModel


class SohoaPluginOptions(BaseModel):
    """Passed to ``ocrmypdf.ocr`` as ``sohoa_ocr_images=...`` and ``sohoa_hocr_out=...``."""

    ocr_images: str | None = None
    hocr_out: str | None = None


def page_file(folder: str | Path, page_number: int, suffix: str) -> Path:
    return Path(folder) / f"page-{page_number:04d}.{suffix}"


@hookimpl
def register_options():
    return {"sohoa": SohoaPluginOptions}


@hookimpl
def filter_ocr_image(page, image: Image.Image):
    folder = page.options.sohoa.ocr_images
    if not folder:
        return None  # let the built-in hook (Tesseract's size limits) decide
    cleaned_path = page_file(folder, page.pageno + 1, "png")
    if not cleaned_path.exists():
        return None
    cleaned = Image.open(cleaned_path)
    cleaned.load()
    if cleaned.size != image.size:
        # Same page extent, other pixel count: a uniform resize keeps the text layer aligned.
        cleaned = cleaned.resize(image.size, Image.Resampling.LANCZOS)
    cleaned.info["dpi"] = image.info["dpi"]
    return cleaned


class HocrKeepingTesseract(TesseractOcrEngine):
    """The built-in engine, plus a copy of every page's hOCR for sohoa's extraction."""

    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options):
        TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        target = options.sohoa.hocr_out
        if target:
            # OCRmyPDF names per-page files "<6-digit page number>_<step>".
            page_number = int(Path(output_hocr).name.split("_", 1)[0])
            shutil.copyfile(output_hocr, page_file(target, page_number, "hocr"))


@hookimpl
def get_ocr_engine(options):
    if options is not None and getattr(options, "ocr_engine", "auto") not in ("auto", "tesseract"):
        return None
    return HocrKeepingTesseract()
