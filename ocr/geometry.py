"""Page geometry: orientation (0/90/180/270), skew estimation and rotation without cropping.

Conventions used throughout sohoa:
- `rotation` is the clockwise turn, in degrees, that makes the page upright (a page scanned lying on its
  left side, text running bottom to top, needs 90).
- `skew_deg` is the small rotation applied after that turn, in degrees, counterclockwise positive as seen
  on screen (the sign of `cv2.getRotationMatrix2D`): a page whose lines descend to the right needs a
  positive correction.
Detection works on a mask of glyph-sized ink (`text_mask`) of the cleaned page at low resolution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]

MAX_SKEW_DEG = 10.0
# Below this the correction would only resample the scan (and blur it) for no gain in line alignment;
# it is also about the precision of the estimate at the detection resolution (±0.1° on straight pages).
MIN_SKEW_DEG = 0.15
_COARSE_STEP = 0.5
_FINE_STEP = 0.05
# Enough ink points for a stable profile; more only costs time.
_MAX_POINTS = 120_000
# Fewer ink pixels than this (at detection resolution) means a blank or nearly blank page.
_MIN_POINTS = 400
# Orientation confidence: 1 when the edge energy of the chosen axis is twice the other's (log 0.7) and
# the up/down score is past 1. On 325 degraded synthetic pages the true axis scored at least log 0.82
# and the true way up at least 1.3, so the threshold below leaves a wide margin for real scans.
MIN_ORIENTATION_CONFIDENCE = 0.5
_AXIS_LOG_RATIO_SURE = 0.7
_UPRIGHT_SURE = 1.0
# Typical margins of the two up/down cues on the degraded set (edge share minus 0.5: about 0.1 on
# text pages, 0.01 on ID-card copies; ink centre: 0.15 above the middle).
_EDGE_SHARE_SCALE = 0.05
_CENTRE_SCALE = 0.1
# Text mask: ink must be this many grain sigmas (and at least this many levels) under the paper; blobs
# thicker than a glyph, longer than a run of touching glyphs, or within the edge band are not text.
_MASK_NOISE_SIGMAS = 3.5
_MASK_MIN_DROP = 10.0
_MASK_MAX_GLYPH_IN = 0.3
_MASK_MAX_LENGTH_IN = 2.5
_MASK_EDGE_BAND_IN = 0.25


@dataclass(frozen=True)
class PageGeometry:
    rotation: int
    skew_deg: float
    confidence: float


def text_mask(gray: Image, dpi: float, sigmas: float = _MASK_NOISE_SIGMAS) -> Image:
    """Mask (255) of glyph-sized ink on a flattened gray page, for finding lines; blank page -> all 0.

    The threshold sits `sigmas` grain sigmas under the paper level rather than at Otsu's: on a faded,
    low-contrast page Otsu lands on the dark scanner border or splits the paper's grain. Blobs thicker
    than a glyph (photos, QR codes, frames, seals left on gray scans) or longer than a run of touching
    glyphs (page edges, gutter shadows) are dropped: their outline is not a text line.
    """
    smooth = cv2.GaussianBlur(cv2.medianBlur(gray, 3), (0, 0), 0.7)
    # Paper covers most of a page, so the median is the paper level and the spread above it (where no
    # ink lies) is its grain.
    p50, p84 = np.percentile(smooth, (50, 84))
    grain = max(1.0, float(p84 - p50))
    threshold = float(p50) - max(sigmas * grain, _MASK_MIN_DROP)
    if threshold <= 0:
        return np.zeros_like(gray)
    mask = (smooth < threshold).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    # Judged on the thinner side only, so a line of touching glyphs counts the same way up or sideways.
    thickness = np.minimum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    length = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep = (
        (stats[:, cv2.CC_STAT_AREA] >= 2)
        & (thickness <= _MASK_MAX_GLYPH_IN * dpi)
        & (length <= _MASK_MAX_LENGTH_IN * dpi)
    )
    keep[0] = False
    # Scanner borders, page edges and binding shadows hug the image edge; text keeps a margin.
    band = round(_MASK_EDGE_BAND_IN * dpi)
    if band:
        labels[:band] = 0
        labels[-band:] = 0
        labels[:, :band] = 0
        labels[:, -band:] = 0
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _profile_score(xs: NDArray[np.float32], ys: NDArray[np.float32], angle_deg: float) -> float:
    """Sharpness of the horizontal projection after turning the points by `angle_deg` (ccw).

    Sum of squared row counts: text lines aligned with rows pile ink into few rows, which maximises it.
    """
    t = math.radians(angle_deg)
    # Same convention as cv2.getRotationMatrix2D: y' = -x*sin + y*cos about any centre.
    rows = ys * math.cos(t) - xs * math.sin(t)
    idx = (rows - rows.min()).astype(np.int32)
    hist = np.bincount(idx).astype(np.float64)
    return float(hist @ hist) / float(len(xs))


def _best_angle(xs: NDArray[np.float32], ys: NDArray[np.float32]) -> tuple[float, float]:
    """Deskew angle (ccw degrees) maximising the profile score within ±MAX_SKEW_DEG, and that score."""
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-6, _COARSE_STEP)
    scores = [_profile_score(xs, ys, a) for a in coarse]
    centre = float(coarse[int(np.argmax(scores))])
    fine = np.arange(centre - _COARSE_STEP, centre + _COARSE_STEP + 1e-6, _FINE_STEP)
    fine = fine[np.abs(fine) <= MAX_SKEW_DEG + 1e-6]
    fine_scores = [_profile_score(xs, ys, a) for a in fine]
    best = int(np.argmax(fine_scores))
    return float(fine[best]), float(fine_scores[best])


def _edge_energy(xs: NDArray[np.float32], ys: NDArray[np.float32], angle_deg: float) -> float:
    """Sum of squared steps of the (lightly smoothed) row profile at `angle_deg`.

    Text lines start and stop abruptly at their x-height band, so the profile across lines is all steps;
    across columns it is smooth even for monospaced type and ID-card layouts, where plain profile
    variance barely tells the two axes apart.
    """
    t = math.radians(angle_deg)
    rows = ys * math.cos(t) - xs * math.sin(t)
    hist = np.bincount((rows - rows.min()).astype(np.int32)).astype(np.float64)
    smooth = np.convolve(hist, np.ones(3) / 3.0, mode="same")
    return float(np.sum(np.diff(smooth) ** 2))


def _upright_score(xs: NDArray[np.float32], ys: NDArray[np.float32], angle_deg: float, height: int) -> float:
    """Positive when the deskewed lines read upright, negative when upside down; about ±1 when clear.

    Two cues, each flipping sign with a half turn:
    - Line profile edges. Above the x-height band sit ascenders, capitals and Vietnamese tone marks, a
      wide shoulder, so ink rises gradually going down a line; at the baseline it stops at once, with
      only a few descenders and nặng dots below. Squared falls outweigh squared rises when upright.
    - Where the ink is. Forms and letters start at the top margin and end with a signature block,
      leaving the bottom of the page emptier than the top.
    """
    t = math.radians(angle_deg)
    rows = ys * math.cos(t) - xs * math.sin(t)
    hist = np.bincount(np.round(rows - rows.min()).astype(np.int32)).astype(np.float64)
    step = np.diff(hist)
    falls = float(np.sum(np.maximum(-step, 0) ** 2))
    rises = float(np.sum(np.maximum(step, 0) ** 2))
    edge_share = falls / max(falls + rises, 1e-9)
    centre = float(ys.mean()) / max(height, 1)
    return (edge_share - 0.5) / _EDGE_SHARE_SCALE + (0.5 - centre) / _CENTRE_SCALE


def detect_geometry(ink_mask: Image) -> PageGeometry:
    """Orientation and skew of a page from its `text_mask`; rotation 0 when unsure."""
    ys, xs = np.nonzero(ink_mask)
    if xs.size < _MIN_POINTS:
        return PageGeometry(0, 0.0, 0.0)
    if xs.size > _MAX_POINTS:
        keep = np.random.default_rng(0).choice(xs.size, _MAX_POINTS, replace=False)
        xs, ys = xs[keep], ys[keep]
    h = ink_mask.shape[0]
    xs_f = xs.astype(np.float32)
    ys_f = ys.astype(np.float32)
    # Lines run horizontally in the scan (0/180) or vertically (90/270). For the vertical case, turn the
    # points 90° clockwise first: (x, y) -> (h-1-y, x).
    angle_h, _ = _best_angle(xs_f, ys_f)
    xs_v, ys_v = (h - 1 - ys_f), xs_f
    angle_v, _ = _best_angle(xs_v, ys_v)
    energy_h = _edge_energy(xs_f, ys_f, angle_h)
    energy_v = _edge_energy(xs_v, ys_v, angle_v)
    axis_log_ratio = math.log(max(energy_h, 1e-9) / max(energy_v, 1e-9))
    if axis_log_ratio >= 0:
        base, angle, px, py, extent = 0, angle_h, xs_f, ys_f, ink_mask.shape[0]
    else:
        base, angle, px, py, extent = 90, angle_v, xs_v, ys_v, ink_mask.shape[1]
    upright = _upright_score(px, py, angle, extent)
    rotation = base if upright >= 0 else (base + 180) % 360
    # Plane rotations commute, so the angle found before the half turn is still the one to apply after it.
    skew = angle
    confidence = _confidence(abs(axis_log_ratio), upright)
    if confidence < MIN_ORIENTATION_CONFIDENCE:
        rotation = 0
        skew = angle_h
    if abs(skew) < MIN_SKEW_DEG:
        skew = 0.0
    return PageGeometry(rotation, round(skew, 2), confidence)


def _confidence(axis_log_ratio: float, upright: float) -> float:
    """0..1: how clearly lines pick an axis, and how clearly they read one way up."""
    axis = min(1.0, axis_log_ratio / _AXIS_LOG_RATIO_SURE)
    updown = min(1.0, abs(upright) / _UPRIGHT_SURE)
    return round(min(axis, updown), 3)


def rotate_image(image: Image, rotation: int, skew_deg: float, fill: tuple[int, ...]) -> Image:
    """Turn `image` clockwise by `rotation` (a multiple of 90), then by `skew_deg` counterclockwise.

    The quarter turn is lossless. The small turn enlarges the canvas so no corner of the page is cut,
    and fills the new area with `fill` (paper colour, one value per channel).
    """
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90, got {rotation}")
    # Always a new array: the caller's scan must not change under the page it was made into.
    out = np.ascontiguousarray(np.rot90(image, k=-(rotation // 90) % 4)).copy()
    if abs(skew_deg) < MIN_SKEW_DEG:
        return out
    h, w = out.shape[:2]
    t = math.radians(skew_deg)
    cos, sin = abs(math.cos(t)), abs(math.sin(t))
    new_w = math.ceil(w * cos + h * sin)
    new_h = math.ceil(h * cos + w * sin)
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), skew_deg, 1.0)
    matrix[0, 2] += (new_w - w) / 2.0
    matrix[1, 2] += (new_h - h) / 2.0
    border = tuple(float(v) for v in fill) if out.ndim == 3 else float(fill[0])
    return cv2.warpAffine(
        out,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )
