"""Turning a decoded frame into the page image every later stage expects: 8-bit RGB or L, upright,
square pixels, written as PNG with its DPI.

Pixels are otherwise kept as scanned: cleanup for OCR is the OCR stage's business, and a lossy step here
would be invisible in the archive.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

# zlib level 1: these are working files (the original is archived untouched). Measured on a noisy
# A4 300 dpi page: RGB 0.5 s at level 1 against 2.5 s at the default 6, for a 3% larger file.
_PNG_COMPRESS_LEVEL = 1

# EXIF orientation -> the transpose that makes the image upright (as Pillow's ImageOps.exif_transpose).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
EXIF_ORIENTATION_TAG = 0x0112


def to_rgb_or_l(im: Image.Image) -> tuple[Image.Image, str | None]:
    """An 8-bit RGB or L copy of ``im``, and a note when the conversion loses something worth knowing."""
    mode = im.mode
    if mode in ("L", "RGB"):
        return im, None
    if mode == "1":
        return im.convert("L"), None
    if mode == "P":
        if "transparency" in im.info:
            return _flatten(im.convert("RGBA")), None
        return (im.convert("L") if _gray_palette(im) else im.convert("RGB")), None
    if mode in ("LA", "La"):
        return _flatten(im.convert("LA")), None
    if mode in ("RGBA", "RGBa", "PA"):
        return _flatten(im.convert("RGBA")), None
    if mode.startswith("I") or mode == "F":
        return _to_8bit(im), f"{_bits(mode)} grayscale reduced to 8 bits"
    if mode == "CMYK":
        return _cmyk_to_rgb(im), "CMYK converted to RGB"
    return im.convert("RGB"), f"{mode} converted to RGB"


def _bits(mode: str) -> str:
    return "32-bit float" if mode == "F" else ("32-bit" if mode == "I" else "16-bit")


def _gray_palette(im: Image.Image) -> bool:
    palette = im.getpalette() or []
    triples = zip(palette[0::3], palette[1::3], palette[2::3], strict=False)
    return all(r == g == b for r, g, b in triples)


def _flatten(im: Image.Image) -> Image.Image:
    # Transparent areas of a scan are paper: white, not black.
    base_mode = "L" if im.mode == "LA" else "RGB"
    background = Image.new(base_mode, im.size, 255 if base_mode == "L" else (255, 255, 255))
    background.paste(im.convert(base_mode), mask=im.getchannel("A"))
    return background


def _to_8bit(im: Image.Image) -> Image.Image:
    # Pillow's own convert("L") clips 16-bit values at 255 instead of scaling them.
    data = np.asarray(im)
    if im.mode == "F":
        top = 1.0 if float(np.nanmax(data, initial=0.0)) <= 1.0 else 255.0
        scaled = np.nan_to_num(data / top * 255.0)
    else:
        top = float(data.max(initial=0))
        full = 255.0 if im.mode == "I" and top <= 255 else (65535.0 if top <= 65535 else top)
        scaled = data.astype(np.float64) * (255.0 / full)
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), mode="L")


def _cmyk_to_rgb(im: Image.Image) -> Image.Image:
    profile = im.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken embedded profile: the naive conversion is still a usable page
    return im.convert("RGB")


def square_pixels(im: Image.Image, xdpi: float, ydpi: float) -> tuple[Image.Image, float]:
    """Resample a page with non-square pixels (fax-style 204×98 dpi) to square ones at the finer resolution.

    Every later stage carries a single DPI, so non-square pixels would stretch the searchable PDF.
    """
    target = max(xdpi, ydpi)
    size = (round(im.width * target / xdpi), round(im.height * target / ydpi))
    return im.resize(size, Image.Resampling.LANCZOS), target


def upright(im: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation so the page image is stored the way it is meant to be read."""
    method = _ORIENTATION.get(orientation)
    return im.transpose(method) if method is not None else im


def write_png(im: Image.Image, path: Path, dpi: float, icc_profile: bytes | None = None) -> None:
    """Write atomically, so a crash never leaves a half page image that looks finished."""
    tmp = path.with_name(f".{path.name}.tmp")
    params: dict[str, object] = {"dpi": (dpi, dpi), "compress_level": _PNG_COMPRESS_LEVEL}
    if icc_profile:
        params["icc_profile"] = icc_profile
    im.save(tmp, format="PNG", **params)
    os.replace(tmp, path)
