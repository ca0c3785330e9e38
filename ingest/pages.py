"""The ingest stage's entry point: one described source file in, its page images out.

A pure function over plain data, I/O only at the edges (read the original, write page images into
``workdir``), so it runs the same in a process pool or an rq job. Bad input raises a BadInputError
subclass with a specific code; everything else (a missing tool, a full disk) is a system error.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path

from ingest import sniff
from ingest.errors import EmptyFileError, UnsupportedFormatError
from ingest.model import LoadedDocument, Page
from ingest.pdf import load_pdf
from ingest.raster import load_raster
from ingest.source import Source, read_head

__all__ = ["DEFAULT_MAX_PAGES", "DEFAULT_MAX_PIXELS", "LoadedDocument", "Page", "load_pages"]

log = logging.getLogger(__name__)

# A0 at 300 dpi is about 140 megapixels; anything much beyond is not a paper record.
DEFAULT_MAX_PIXELS = 200_000_000
DEFAULT_MAX_PAGES = 2000

_NAMED_LIKE_ACCEPTED = (".png", ".jpg", ".jpeg", ".jpe", ".tif", ".tiff", ".pdf")


def load_pages(
    source: Source,
    workdir: str | Path,
    *,
    dpi: float | None = None,
    redo_ocr: bool = False,
    repair_pdf: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_pages: int = DEFAULT_MAX_PAGES,
    page_range: tuple[int, int] | None = None,
) -> LoadedDocument:
    """Decode ``source`` into page images written as ``page-NNNN.png`` in ``workdir`` (one folder per document).

    ``dpi`` overrides every resolution the file claims or we would guess. ``redo_ocr`` does not change what
    is loaded: text layers are always reported and the OCR stage decides. ``repair_pdf`` accepts a PDF
    whose cross-reference table qpdf had to rebuild (refused as ``pdf_damaged_xref`` otherwise).
    ``page_range`` ``(first, last)`` (1-based, inclusive) decodes only those pages, keeping their numbers; the
    whole file's structure is still checked, so a page-range job refuses a file exactly as the whole would.
    """
    del redo_ocr  # part of the stage's signature; the OCR stage acts on it
    if dpi is not None and not (math.isfinite(dpi) and dpi > 0):
        raise ValueError(f"dpi must be a positive number, not {dpi!r}")
    if max_pixels <= 0 or max_pages <= 0:
        raise ValueError("max_pixels and max_pages must be positive")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if source.size == 0:
        raise EmptyFileError(
            "The file is empty (0 bytes): the scan or copy was probably interrupted. Scan or copy it again."
        )
    if source.media_type in (sniff.PNG, sniff.JPEG, sniff.TIFF):
        pages, warnings = load_raster(
            source, workdir, dpi=dpi, max_pixels=max_pixels, max_pages=max_pages, page_range=page_range
        )
    elif source.media_type == sniff.PDF:
        pages, warnings = load_pdf(
            source,
            workdir,
            dpi=dpi,
            max_pixels=max_pixels,
            max_pages=max_pages,
            repair_pdf=repair_pdf,
            page_range=page_range,
        )
    else:
        raise _unsupported(source)
    log.info(
        "loaded %s: %d page(s), %s, %.2f s",
        source.sha256[:12],
        len(pages),
        source.media_type,
        time.perf_counter() - started,
    )
    return LoadedDocument(source=source, pages=pages, warnings=warnings)


def _unsupported(source: Source) -> UnsupportedFormatError:
    what = sniff.looks_like(read_head(source))
    suffix = Path(source.name).suffix.lower()
    message = f"This file is {what}, not an image or PDF that sohoa accepts (PNG, JPEG, TIFF, PDF)."
    if suffix in _NAMED_LIKE_ACCEPTED:
        # The clerk sees ".png" and expects an image: say why the name is not believed.
        message += f" Its name ends in {suffix}, but its contents are not {suffix[1:].upper()}."
    if what.endswith(("image", "photo")):
        message += " Convert it to PNG or TIFF (lossless) and ingest it again."
    return UnsupportedFormatError(message)
