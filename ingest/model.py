"""The ingest stage's results: plain frozen dataclasses, picklable for a process pool or an rq job.

Re-exported by :mod:`ingest.pages`, which is where callers import them from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.source import Source

DPI_FROM_FILE = "file"  # the image file's own resolution (PNG pHYs, JPEG JFIF/EXIF, TIFF tags)
DPI_FROM_PDF = "pdf"  # the effective resolution of the page's largest image in the PDF
DPI_FALLBACK = "fallback"  # guessed: assumed paper size, or a default
DPI_OVERRIDE = "override"  # given by the operator (--dpi)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    image_path: str  # lossless PNG in the workdir: the page as scanned, RGB or L
    width: int
    height: int
    dpi: float
    dpi_source: str  # one of the DPI_* values above
    text_layer: bool  # a PDF page that already carries extractable text
    text: str | None  # that text (NFC) when text_layer, else None


@dataclass(frozen=True)
class LoadedDocument:
    source: Source
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
