"""Entry point: turn a scanned page upright and produce the image Tesseract should read."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.cleanup import choose_binarization, clean_gray, paper_colour
from ocr.geometry import PageGeometry, detect_geometry, rotate_image, text_mask
from ocr.leaders import erase_leader_dots
from ocr.scan_facts import border_mask

# Orientation and skew are found on a copy at this resolution: text lines and diacritics are still
# resolved, and the angle search costs a few tens of milliseconds.
DETECT_DPI = 100.0
BORDER_GROW_SHARE = 0.003  # of the page's longer side: the scanner border's blurred edge, painted with it


@dataclass(frozen=True)
class PreparedPage:
    """A page made upright, and the image Tesseract should read for it.

    - `upright`: the original pixels (BGR or gray, as given) turned by `rotation` then `skew_deg`; the
      small turn enlarges the canvas (paper-coloured corners) so nothing is cropped.
    - `ocr_image`: uint8 gray with exactly the height and width of `upright`.
    - `rotation`: clockwise degrees (0/90/180/270) applied to make the page upright; 0 when the
      orientation was unsure (`orientation_confidence` below 0.5).
    - `skew_deg`: the small correction applied after the quarter turns, counterclockwise positive as seen
      on screen (the sign of `cv2.getRotationMatrix2D`); 0.0 when under 0.15°. A page scanned tilted
      by +a° counterclockwise gets skew_deg ≈ -a.
    - `orientation_confidence`: 0..1 (1 = both the line axis and the way up were clear).
    - `binarization`: how `ocr_image` was made ("gray", "flat-gray", "flat-median-normalized",
      "flat-median-blur-normalized").
    - `tesseract_thresholding`: OCRmyPDF's name of the Tesseract thresholding to use on `ocr_image`
      ("otsu" today for every page), or None for a binary image.
    - `unsmoothed`: the flattened gray `ocr_image` was made from, same shape, before its median, blur and
      contrast stretch (and without the border and leader dots painted out); None when the page was not
      smoothed. A weak name is read again from it too (``extract.second_look``): a bold typewritten name
      whose letters the smoothing filled is often legible there.
    """

    upright: NDArray[np.uint8]
    ocr_image: NDArray[np.uint8]
    rotation: int
    skew_deg: float
    orientation_confidence: float
    binarization: str
    tesseract_thresholding: str | None
    unsmoothed: NDArray[np.uint8] | None = None


def prepare_page(image: NDArray[np.uint8], dpi: float) -> PreparedPage:
    """Find orientation and skew on a cleaned copy, turn the original upright, clean it for OCR.

    `upright` keeps the original pixels (BGR or gray as given); `ocr_image` has exactly its height and
    width, so a text layer made from it lines up with the page shown in the PDF.
    """
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3):
        raise ValueError(f"expected a uint8 gray or BGR image, got {image.dtype} {image.shape}")
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    scale = min(1.0, DETECT_DPI / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    geometry = detect_geometry(text_mask(clean_gray(small, dpi * scale), dpi * scale))
    upright = rotate_image(image, geometry.rotation, geometry.skew_deg, paper_colour(image))
    chosen = choose_binarization(upright, dpi)
    ocr_image = _without_border(image, chosen.image, geometry)
    return PreparedPage(
        upright=upright,
        ocr_image=erase_leader_dots(ocr_image, dpi),
        rotation=geometry.rotation,
        skew_deg=geometry.skew_deg,
        orientation_confidence=geometry.confidence,
        binarization=chosen.name,
        tesseract_thresholding=chosen.tesseract_thresholding,
        unsmoothed=chosen.unsmoothed,
    )


def _without_border(image: NDArray[np.uint8], ocr_image: NDArray[np.uint8], geometry: PageGeometry
                    ) -> NDArray[np.uint8]:
    """The OCR image with the dark scanner border around the paper (the wedges of a page scanned skewed with the
    lid open) made white. Flattened, such a border becomes a field of noise that Tesseract's layout analysis
    takes for a picture, and with it the columns of text beside it (a marriage certificate read as two lines).
    Painted only here, after the binarization was chosen: the page's grain is measured as before."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    border = border_mask(gray, bright=False)
    if not border.any():
        return ocr_image
    turned = rotate_image(border.astype(np.uint8) * 255, geometry.rotation, geometry.skew_deg, (0,)) > 127
    # The blurred edge between border and paper belongs to the border.
    reach = max(3, round(BORDER_GROW_SHARE * max(ocr_image.shape[:2])))
    turned = cv2.dilate(turned.astype(np.uint8), np.ones((reach, reach), np.uint8)).astype(bool)
    out = ocr_image.copy()
    out[turned] = 255
    return out
