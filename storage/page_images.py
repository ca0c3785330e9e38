"""A document's pages for the staff page: the page image rendered from the stored PDF (or, for a document
without one, from its original when it is a readable image), cached on disk, and the OCR words of the
stored hOCR with their boxes as fractions of the page, so they can be drawn over an image of any size."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import SohoaError
from ocr.hocr import parse_hocr
from storage.objects import ObjectStore

log = logging.getLogger(__name__)

WIDTH = 1400  # pixels across: sharp on a 1920-wide screen, small enough to load at once
LOW_CONFIDENCE = 0.6  # words under this are marked (the same threshold as the page's low_confidence flag)


class PageImageError(SohoaError):
    code = "page_image_unavailable"


def _page(record: dict, number: int) -> dict:
    for page in record.get("pages") or []:
        if page["number"] == number:
            return page
    raise PageImageError(f"document {record['doc_id']} has no page {number}", code="page_not_found")


def cache_path(cache_dir: Path, record: dict, number: int, width: int) -> Path:
    # A reprocessed document has a new processed_at: its pages are rendered again.
    stamp = hashlib.sha256(f"{record.get('processed_at')}\0{(record.get('objects') or {}).get('pdf')}".encode())
    return cache_dir / record["doc_id"] / f"{stamp.hexdigest()[:12]}-p{number:04d}-w{width}.jpg"


def page_image(store: ObjectStore, cache_dir: Path, record: dict, number: int, *, width: int = WIDTH) -> Path:
    """A JPEG of page ``number``, rendered once and then served from the cache."""
    target = cache_path(cache_dir, record, number, width)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf_key = (record.get("objects") or {}).get("pdf")
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / "page.jpg"
        if pdf_key and record.get("pages"):
            _page(record, number)
            pdf = Path(tmp) / "document.pdf"
            store.download(pdf_key, pdf)
            _render_pdf(pdf, number, width, out)
        else:
            original = Path(tmp) / "original"
            store.download((record.get("objects") or {}).get("original") or "", original)
            _render_image(original, number, width, out)
        os.replace(out, target)
    return target


def _render_pdf(pdf: Path, number: int, width: int, out: Path) -> None:
    stem = out.with_suffix("")
    cmd = ["pdftoppm", "-f", str(number), "-l", str(number), "-scale-to-x", str(width), "-scale-to-y", "-1",
           "-jpeg", "-jpegopt", "quality=82", "-singlefile", str(pdf), str(stem)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not out.exists():
        log.warning("pdftoppm failed on page %d: %s", number, proc.stderr.strip()[:200])
        raise PageImageError("the page could not be drawn from the PDF")


def _render_image(path: Path, number: int, width: int, out: Path) -> None:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.seek(number - 1)
            frame = ImageOps.exif_transpose(image.convert("RGB"))
            if frame.width > width:
                frame = frame.resize((width, round(frame.height * width / frame.width)))
            frame.save(out, "JPEG", quality=82)
    except (UnidentifiedImageError, EOFError, OSError, ValueError):
        raise PageImageError("the original of this document is not an image that can be shown") from None


def page_words(store: ObjectStore, record: dict, number: int) -> dict:
    """``{"words": [{"text", "box": [x0, y0, x1, y1] as fractions, "confidence", "low"}], "width", "height"}``."""
    page = _page(record, number)
    if not page.get("hocr"):
        return {"width": page.get("width"), "height": page.get("height"), "words": []}
    hocr = parse_hocr(store.get_bytes(page["hocr"]).decode("utf-8"))
    w, h = hocr.width or page["width"], hocr.height or page["height"]
    words = [
        {
            "text": word.text,
            "box": [round(word.bbox[0] / w, 5), round(word.bbox[1] / h, 5), round(word.bbox[2] / w, 5),
                    round(word.bbox[3] / h, 5)],
            "confidence": round(word.confidence, 3),
            "low": word.confidence < LOW_CONFIDENCE,
        }
        for word in hocr.words
    ]
    return {"width": w, "height": h, "words": words}


def field_box(record: dict, field: dict) -> list[float] | None:
    """A field's box as fractions of its page (the same frame as the hOCR words), or None."""
    bbox, number = field.get("bbox"), field.get("page")
    if not bbox or not number:
        return None
    try:
        page = _page(record, number)
    except PageImageError:
        return None
    w, h = page.get("width") or 0, page.get("height") or 0
    if not w or not h:
        return None
    return [round(bbox[0] / w, 5), round(bbox[1] / h, 5), round(bbox[2] / w, 5), round(bbox[3] / h, 5)]
