"""PNG, JPEG and TIFF (multi-page) files to page images.

Every frame is fully decoded before it counts as a page: a scan that stops halfway is refused as
``truncated_image`` rather than stored with half a record missing, even where Pillow could show the part
that is there (we never set ``ImageFile.LOAD_TRUNCATED_IMAGES``).
"""

from __future__ import annotations

import logging
import struct
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ingest import dpi as dpi_rules
from ingest import header, normalize, sniff
from ingest.errors import (
    BadInputError,
    CorruptImageError,
    ImageTooLargeError,
    TooManyPagesError,
    TruncatedImageError,
)
from ingest.model import Page
from ingest.source import Source

log = logging.getLogger(__name__)

_PIL_FORMAT = {sniff.PNG: "PNG", sniff.JPEG: "JPEG", sniff.TIFF: "TIFF"}
# What Pillow raises for bad data; OSErrors with an errno are the file system's and are not caught.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, TypeError, IndexError, EOFError, struct.error)
_SQUARE_TOLERANCE = 0.01


def load_raster(
    source: Source,
    workdir: Path,
    *,
    dpi: float | None,
    max_pixels: int,
    max_pages: int,
    page_range: tuple[int, int] | None = None,
) -> tuple[list[Page], list[str]]:
    notes: list[str] = []
    claimed = header.probe(source.path, source.media_type, max_frames=max_pages)
    if claimed is not None:
        _check_page_count(sum(not f.reduced for f in claimed), max_pages)
        for number, frame in enumerate((f for f in claimed if not f.reduced), 1):
            _check_pixels(number, frame.width, frame.height, max_pixels)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Our own limit was checked above; Pillow's process-wide one is only a backstop.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        pages = _decode(
            source,
            workdir,
            claimed,
            dpi=dpi,
            max_pixels=max_pixels,
            max_pages=max_pages,
            notes=notes,
            page_range=page_range,
        )
    # Pillow reports recoverable damage (corrupt EXIF, odd chunks) as UserWarning: worth a note.
    for message in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, UserWarning)):
        notes.append(f"image decoder: {message}")
    return pages, notes


def _decode(
    source: Source,
    workdir: Path,
    claimed: list[header.FrameHeader] | None,
    *,
    dpi: float | None,
    max_pixels: int,
    max_pages: int,
    notes: list[str],
    page_range: tuple[int, int] | None = None,
) -> list[Page]:
    kind = _PIL_FORMAT[source.media_type]
    first, last = page_range or (1, max_pages)
    number = 0
    try:
        # Only the decoder the bytes were sniffed as: a renamed GIF is never "helpfully" opened.
        im = Image.open(source.path, formats=[kind])
    except Image.DecompressionBombError as e:
        raise ImageTooLargeError(f"The {kind} image is too large to decode safely ({e}).") from e
    except _DECODE_ERRORS as e:
        raise _decode_error(e, kind, None) from e
    pages: list[Page] = []
    with im:
        try:
            n_frames = getattr(im, "n_frames", 1)
        except _DECODE_ERRORS as e:
            raise _decode_error(e, kind, None) from e
        if claimed is not None and len(claimed) != n_frames:
            log.debug("header walk found %d frames, Pillow %d", len(claimed), n_frames)
            n_frames = len(claimed)
        if kind != "TIFF" and n_frames > 1:
            notes.append(f"animated {kind}: only the first frame was taken")
            n_frames = 1
        _check_page_count(n_frames, max_pages)
        for index in range(n_frames):
            if claimed is not None and claimed[index].reduced:
                notes.append(f"TIFF directory {index + 1} is a reduced-size preview, not a page: skipped")
                continue
            number += 1
            if not first <= number <= last:
                continue  # another page-range job's page: counted, not decoded
            try:
                im.seek(index)
                _check_pixels(number, im.width, im.height, max_pixels)
                im.load()
            except Image.DecompressionBombError as e:
                raise ImageTooLargeError(f"Page {number} is too large to decode safely ({e}).") from e
            except _DECODE_ERRORS as e:
                raise _decode_error(e, kind, number if n_frames > 1 else None) from e
            pages.append(_write_page(im, number, workdir, kind, dpi, notes))
    if not pages:
        raise CorruptImageError(f"The {kind} file contains no page image.")
    return pages


def _write_page(
    im: Image.Image, number: int, workdir: Path, kind: str, override: float | None, notes: list[str]
) -> Page:
    file_dpi = _file_dpi(im)
    orientation = _orientation(im, kind)
    out, conversion = normalize.to_rgb_or_l(im)
    if conversion:
        notes.append(f"page {number}: {conversion}")
    # The profile describes the original colour space; keep it only if the pixels are still in it.
    icc = im.info.get("icc_profile") if out.mode == im.mode else None
    claimed: float | None = None
    if file_dpi is not None:
        xdpi, ydpi = file_dpi
        claimed = max(xdpi, ydpi)
        if abs(xdpi - ydpi) > _SQUARE_TOLERANCE * claimed and min(xdpi, ydpi) >= dpi_rules.PLAUSIBLE_MIN:
            out, claimed = normalize.square_pixels(out, xdpi, ydpi)
            notes.append(f"page {number}: non-square pixels ({xdpi:g}×{ydpi:g} dpi) resampled to {claimed:g} dpi")
    if orientation != 1:
        out = normalize.upright(out, orientation)
        notes.append(f"page {number}: turned upright (EXIF orientation {orientation})")
    choice = dpi_rules.choose(claimed, out.width, out.height, override)
    if choice.note:
        notes.append(f"page {number}: {choice.note}")
    path = workdir / f"page-{number:04d}.png"
    normalize.write_png(out, path, choice.dpi, icc)
    return Page(
        number=number,
        image_path=str(path),
        width=out.width,
        height=out.height,
        dpi=choice.dpi,
        dpi_source=choice.source,
        text_layer=False,
        text=None,
    )


def _file_dpi(im: Image.Image) -> tuple[float, float] | None:
    value = im.info.get("dpi")
    try:
        xdpi, ydpi = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return (xdpi, ydpi) if xdpi > 0 and ydpi > 0 else None


def _orientation(im: Image.Image, kind: str) -> int:
    try:
        if kind == "TIFF":
            # Per frame: a TIFF's orientation tag lives in each page's own directory.
            value = im.tag_v2.get(normalize.EXIF_ORIENTATION_TAG, 1)  # type: ignore[attr-defined]
        else:
            value = im.getexif().get(normalize.EXIF_ORIENTATION_TAG, 1)
        value = int(value)
    except (*_DECODE_ERRORS, KeyError):
        return 1  # unreadable EXIF is no reason to refuse the pixels
    return value if 1 <= value <= 8 else 1


def _check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise TooManyPagesError(
            f"The file has more than {max_pages} pages; split it into documents of at most {max_pages} pages."
        )


def _check_pixels(number: int, width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"Page {number} claims {width} × {height} pixels ({width * height / 1e6:,.0f} megapixels); the limit "
            f"is {max_pixels / 1e6:,.0f} megapixels per page. This is not an ordinary scan: check the file, "
            "or scan at a lower resolution."
        )


def _decode_error(exc: BaseException, kind: str, number: int | None) -> BadInputError:
    if isinstance(exc, OSError) and exc.errno is not None:
        raise exc  # the file system's problem (permissions, vanished file), not the input's
    where = f"page {number} of the {kind} file" if number else f"the {kind} file"
    text = str(exc)
    if isinstance(exc, EOFError) or "truncated" in text.lower():
        return TruncatedImageError(
            f"The image data of {where} stops early: part of the record would be missing. "
            "Copy or scan the document again."
        )
    if isinstance(exc, UnidentifiedImageError):
        return CorruptImageError(f"The file starts like a {kind} image but cannot be read as one.")
    return CorruptImageError(f"The image data of {where} is damaged and cannot be decoded ({text}).")
