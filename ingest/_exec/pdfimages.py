"""pdfimages -list: the images drawn on each page, with their effective resolution."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest._exec import run

DEFAULT_TIMEOUT = 60.0
PER_PAGE_TIMEOUT = 1.0


@dataclass(frozen=True)
class ImageInfo:
    page: int
    kind: str  # image | mask | smask | stencil
    width: int
    height: int
    color: str  # gray | rgb | cmyk | index | icc | ...
    x_ppi: float  # pixels per inch as drawn on the page (accounts for scaling)
    y_ppi: float


def list_images(pdf: Path, *, n_pages: int = 1, timeout: float | None = None) -> list[ImageInfo]:
    budget = timeout if timeout is not None else DEFAULT_TIMEOUT + PER_PAGE_TIMEOUT * n_pages
    proc = run("pdfimages", ["-list", str(pdf.absolute())], timeout=budget)
    return parse_list(proc.stdout.decode("utf-8", errors="replace"))


def parse_list(output: str) -> list[ImageInfo]:
    """Parse ``pdfimages -list``; ppi are read from the right, since the object column may be ``[inline]``."""
    images = []
    for line in output.splitlines()[2:]:  # header and ruler
        cols = line.split()
        if len(cols) < 14:
            continue
        try:
            images.append(
                ImageInfo(
                    page=int(cols[0]),
                    kind=cols[2],
                    width=int(cols[3]),
                    height=int(cols[4]),
                    color=cols[5],
                    x_ppi=float(cols[-4]),
                    y_ppi=float(cols[-3]),
                )
            )
        except ValueError:
            continue
    return images
