"""Measuring a scan as it came off the scanner (before any cleanup): colour depth, paper and ink levels,
how much of the page carries marks, dark scanner borders and marks running into the image edge.

Pure functions over numpy arrays; the judgement of what is too little or too much lives in
:mod:`ocr.quality`. Measuring runs on a copy at ``WORK_DPI``: enough for strokes and margins, and a page
costs a few tens of milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.cleanup import background, to_gray

Image = NDArray[np.uint8]

WORK_DPI = 100.0
MM_PER_INCH = 25.4
SIDES = ("top", "bottom", "left", "right")

# Colour: a greyscale scan saved as RGB has equal channels up to rounding; any real colour sensor (and
# paper's own tint) leaves far more pixels than this share with channels apart.
_CHANNEL_TOLERANCE = 2
_GREY_MAX_COLOUR_SHARE = 0.001
# Scanner border: darker than this share of the paper level, touching the image edge, and large (a lid
# left open, a page smaller than the glass, the wedges around a skewed page); glyphs are never this big.
_BORDER_DARKNESS = 0.5
_BORDER_BRIGHTER = 15.0
_BORDER_MIN_AREA_SHARE = 0.002
_BORDER_MIN_EDGE_SHARE = 0.08
# Ink: this many grain sigmas (and at least this many levels) under the flattened paper; smaller marks
# are specks of dust or noise, not writing.
_INK_SIGMAS = 4.0
_INK_MIN_DROP = 12.0
_SPECK_MAX_MM2 = 0.15
# Marks run into an edge when they reach this close to it on a side where the paper itself reaches the
# image edge (no scanner border there); lines parallel to the edge (a fold, the paper's own edge) and
# blotches covering much of the side are not content.
_EDGE_STRIP_MM = 2.5
_PAPER_AT_EDGE_SHARE = 0.5
_EDGE_LINE_MAX_THICKNESS_MM = 2.0
_EDGE_LINE_MIN_SHARE = 0.3
_EDGE_BLOTCH_SHARE = 0.5
_EDGE_INK_SHARE_OF_CONTRAST = 0.5
_EDGE_MARK_MIN_MM2 = 0.6  # a cut glyph or rule is bigger than the grain specks of a noisy scan


@dataclass(frozen=True)
class EdgeMarks:
    side: str
    count: int  # marks reaching the edge
    span_share: float  # from the first to the last of them, as a share of the side's length


@dataclass(frozen=True)
class ScanFacts:
    colour: str  # "colour" | "greyscale" | "bilevel" | "grey_in_colour" (an RGB file of a greyscale scan)
    paper_level: float  # 0-255 luminance of the paper, scanner border left out
    ink_contrast: float  # 0-1: how much darker than the paper around it the ink's core is
    ink_share: float  # share of the paper covered by marks (specks left out)
    border_sides: tuple[str, ...]  # sides with a dark scanner border
    edge_marks: tuple[EdgeMarks, ...]  # per side where the paper reaches the image edge and marks touch it


def measure(image: Image, dpi: float) -> ScanFacts:
    """The facts of one page image (uint8, gray or BGR, as scanned) at ``dpi``."""
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(f"expected a uint8 gray or BGR image, got {image.dtype} {image.shape}")
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    colour = colour_kind(image)
    scale = min(1.0, WORK_DPI / dpi)
    gray = to_gray(image)
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    work_dpi = dpi * scale
    border = border_mask(gray)
    paper = ~border
    if not paper.any():
        return ScanFacts(colour, 0.0, 0.0, 0.0, tuple(SIDES), ())
    paper_level = float(np.percentile(gray[paper], 75))
    filled = np.where(border, np.uint8(round(paper_level)), gray)
    flat = cv2.divide(filled, np.maximum(background(filled, work_dpi), 1), scale=255)
    ink = ink_mask(flat, paper, work_dpi)
    ink_share = float(np.count_nonzero(ink)) / float(np.count_nonzero(paper))
    contrast = 0.0
    if ink.any():
        # The strokes' core (their darker half), relative to the paper right around them.
        contrast = 1.0 - float(np.percentile(flat[ink], 25)) / 255.0
    sides = tuple(s for s in SIDES if _strip(border, s, 1).mean() >= _PAPER_AT_EDGE_SHARE)
    # Only marks as dark as writing count at the edge: the light wedges around a skewed page, a shadow or
    # the paper's grain there are not content that was cut off.
    strong = ink & (flat < 255.0 * (1.0 - _EDGE_INK_SHARE_OF_CONTRAST * contrast))
    marks = edge_marks(ink, strong, paper, work_dpi)
    return ScanFacts(colour, paper_level, round(contrast, 4), round(ink_share, 6), sides, marks)


def colour_kind(image: Image) -> str:
    if image.ndim == 2 or image.shape[2] == 1:
        sample = image.reshape(image.shape[0], image.shape[1])[::2, ::2]
        counts = np.bincount(sample.ravel(), minlength=256)
        return "bilevel" if counts[1:255].sum() == 0 else "greyscale"
    sample = image[::3, ::3].astype(np.int16)
    spread = sample.max(axis=2) - sample.min(axis=2)
    return "grey_in_colour" if np.mean(spread > _CHANNEL_TOLERANCE) < _GREY_MAX_COLOUR_SHARE else "colour"


def border_mask(gray: Image, *, bright: bool = True) -> NDArray[np.bool_]:
    """What around the paper is not paper: regions touching the image edge, far larger than any glyph, and
    darker than the paper (a lid left open, a page smaller than the glass) or, with ``bright``, clearly
    brighter than a tinted paper (the scanner's light lid, the wedges around a skewed page)."""
    smooth = cv2.medianBlur(gray, 5)
    paper_guess = float(np.percentile(smooth, 75))
    dark = smooth < _BORDER_DARKNESS * paper_guess
    mask = _edge_regions(dark)
    if bright and paper_guess + _BORDER_BRIGHTER < 250:
        mask |= _edge_regions(smooth > paper_guess + _BORDER_BRIGHTER)
    return mask


def _edge_regions(candidates: NDArray[np.bool_]) -> NDArray[np.bool_]:
    h, w = candidates.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(candidates.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(candidates.shape, dtype=bool)
    x, y, bw, bh, area = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    along = np.maximum(np.where((x == 0) | (x + bw == w), bh / h, 0), np.where((y == 0) | (y + bh == h), bw / w, 0))
    big = (area >= _BORDER_MIN_AREA_SHARE * h * w) | (along >= _BORDER_MIN_EDGE_SHARE)
    keep = touches & big
    keep[0] = False
    return keep[labels]


def ink_mask(flat: Image, paper: NDArray[np.bool_], dpi: float) -> NDArray[np.bool_]:
    """Marks on the paper of a flattened page (paper = 255), with specks of dust and grain left out."""
    smooth = cv2.GaussianBlur(flat, (0, 0), 0.7)
    values = smooth[paper]
    p50, p84 = np.percentile(values, (50, 84)) if values.size else (255.0, 255.0)
    grain = max(1.0, float(p84 - p50))
    threshold = float(p50) - max(_INK_SIGMAS * grain, _INK_MIN_DROP)
    mask = ((smooth < threshold) & paper).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_area = _SPECK_MAX_MM2 * (dpi / MM_PER_INCH) ** 2
    keep = stats[:, cv2.CC_STAT_AREA] > min_area
    keep[0] = False
    return keep[labels]


def edge_marks(
    ink: NDArray[np.bool_], strong: NDArray[np.bool_], paper: NDArray[np.bool_], dpi: float
) -> tuple[EdgeMarks, ...]:
    """Per side where the paper runs to the image edge: the marks (with some ``strong`` ink) touching it."""
    h, w = ink.shape
    px_per_mm = dpi / MM_PER_INCH
    strip = max(1, round(_EDGE_STRIP_MM * px_per_mm))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    has_strong = np.zeros(n, dtype=bool)
    has_strong[np.unique(labels[strong])] = True
    out = []
    for side in SIDES:
        if _strip(paper, side, strip).mean() < _PAPER_AT_EDGE_SHARE:
            continue  # a scanner border on this side: the paper's edge is in the scan, nothing is cut there
        ids = np.unique(_strip(labels, side, strip))
        ids = ids[(ids > 0) & has_strong[ids]]
        ids = ids[stats[ids, cv2.CC_STAT_AREA] >= _EDGE_MARK_MIN_MM2 * px_per_mm**2]
        if ids.size == 0:
            continue
        x, y, bw, bh = (stats[ids, i] for i in range(4))
        vertical = side in ("left", "right")
        length, side_len = (bh, h) if vertical else (bw, w)
        thickness = bw if vertical else bh
        start = y if vertical else x
        line = (length >= _EDGE_LINE_MIN_SHARE * side_len) & (thickness <= _EDGE_LINE_MAX_THICKNESS_MM * px_per_mm)
        blotch = length >= _EDGE_BLOTCH_SHARE * side_len
        content = ~(line | blotch)
        if not content.any():
            continue
        first, last = int(start[content].min()), int((start + length)[content].max())
        out.append(EdgeMarks(side, int(content.sum()), round((last - first) / side_len, 4)))
    return tuple(out)


def _strip(array: np.ndarray, side: str, width: int) -> np.ndarray:
    if side == "top":
        return array[:width]
    if side == "bottom":
        return array[-width:]
    if side == "left":
        return array[:, :width]
    return array[:, -width:]
