"""Pixel cleanup for OCR: background flattening, stamp suppression, and the per-page denoise choice.

Every function here keeps the image geometry: the output has the height and width of the input, so the
text Tesseract finds lines up with the page that goes into the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.geometry import text_mask

Image = NDArray[np.uint8]

# Background estimation runs at this resolution. The closing must be wider than any stroke to remove
# the ink; 0.4 in beat 0.18 in (and 0.8 in) on the degraded set: a narrower one also flattens the gray
# fill of ID-card copies and photos into outlines that Tesseract reads as text or splits columns on.
_BACKGROUND_DPI = 50.0
_BACKGROUND_CLOSE_IN = 0.4
_BACKGROUND_BLUR_IN = 0.1

# Stamp and pen colours, on the OpenCV hue scale (0-179): red to magenta, and blue to violet (a faded,
# JPEG-washed blue stamp drifts towards violet). Brown stains and yellowed paper fall in between.
_RED_HUES = ((0, 12), (151, 179))
_BLUE_HUES = ((95, 150),)
# Chroma (brightest minus darkest channel, paper = 255) from which a pixel starts to count as colour
# ink and from which it fully does; the brightest channel must reach the value floor (blue-black
# ribbon peaks near 60, red seals near 200, blue pens near 150).
_INK_CHROMA_NONE = 10.0
_INK_CHROMA_FULL = 30.0
_INK_MIN_VALUE = 110
# The ink's brightest channel at this percentile of its strong pixels is mapped to paper white; never
# from below the floor, so a page with little colour cannot blow dark strokes up to white.
_INK_REFERENCE_PERCENTILE = 40
_INK_MIN_REFERENCE = 150.0
# Grain (gray levels, see estimate_noise) from which the OCR image gets a median, and a blur on top.
# On the synthetic set clean scans measure < 0.5, mild 1-3, hard 4-12; on 20 hard tuning pages the
# blur helped every page above 5 and hurt most below.
_NOISE_MEDIAN = 1.0
_NOISE_BLUR = 5.0
_BLUR_SIGMA_PX = 0.8
# A page with grain under _NOISE_MEDIAN, background range under this share of its level and colour
# ink under this share of its area is a clean scan and is read as it is.
_UNEVEN_SPREAD = 0.08
_COLOUR_SHARE = 0.0005
_SURVEY_DPI = 50.0
# Contrast normalization: text found at this resolution with a looser mask than line finding needs
# (faded strokes count), its neighbourhood within the reach; ink is this percentile of the dark side.
_SURVEY_TEXT_DPI = 100.0
_NORMALIZE_SIGMAS = 2.5
_NORMALIZE_REACH_IN = 0.06
_NORMALIZE_INK_PERCENTILE = 25
_NORMALIZE_MIN_INK = 200
_NORMALIZE_MIN_CONTRAST = 8.0


def to_gray(image: Image) -> Image:
    """Luminance of a BGR image, or the image itself when it is already gray."""
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def paper_colour(image: Image) -> tuple[int, ...]:
    """Typical paper colour: the median of the brightest half of the pixels, per channel.

    The brightest half is paper on any page that is not mostly ink, and its median is not pulled by the
    dark corners of an unevenly lit scan.
    """
    step = max(1, int(np.sqrt(image.shape[0] * image.shape[1] / 250_000)))
    sample = image[::step, ::step]
    lum = to_gray(sample)
    bright = lum >= np.median(lum)
    if sample.ndim == 2:
        return (int(np.median(sample[bright])),)
    return tuple(int(np.median(sample[..., c][bright])) for c in range(sample.shape[2]))


def background(channel: Image, dpi: float) -> Image:
    """Estimate of the paper's brightness at every pixel (ink removed), same shape as `channel`."""
    scale = min(1.0, _BACKGROUND_DPI / dpi)
    small = cv2.resize(channel, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    work_dpi = dpi * scale
    close = max(3, round(_BACKGROUND_CLOSE_IN * work_dpi) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (close, close))
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    blur = max(3, round(_BACKGROUND_BLUR_IN * work_dpi) | 1)
    paper = cv2.medianBlur(paper, blur)
    return cv2.resize(paper, (channel.shape[1], channel.shape[0]), interpolation=cv2.INTER_LINEAR)


def flatten(channel: Image, dpi: float) -> Image:
    """Divide by the estimated background so paper becomes 255 whatever its tint or lighting."""
    paper = background(channel, dpi)
    return cv2.divide(channel, np.maximum(paper, 1), scale=255)


def colour_ink_weights(flat_bgr: Image) -> list[NDArray[np.float32]]:
    """Per ink family (red, blue): 0..1 per pixel, how surely it is stamp or pen ink.

    Works on a flattened BGR image (paper = 255). Stamp and pen inks absorb some channels and leave one
    nearly as bright as paper, so they are both coloured (chroma) and bright in their best channel.
    Black text, and the blue-black typewriter ribbon some registers were typed with, are dark in every
    channel and get weight 0 even where JPEG smears colour over them, and so does text under a stamp.
    """
    hsv = cv2.cvtColor(flat_bgr, cv2.COLOR_BGR2HSV)
    hue, val = hsv[..., 0], hsv[..., 2]
    b, g, r = cv2.split(flat_bgr)
    chroma = cv2.subtract(val, cv2.min(cv2.min(b, g), r)).astype(np.float32)
    base = np.clip((chroma - _INK_CHROMA_NONE) / (_INK_CHROMA_FULL - _INK_CHROMA_NONE), 0.0, 1.0)
    base[val < _INK_MIN_VALUE] = 0.0
    weights = []
    for ranges in (_RED_HUES, _BLUE_HUES):
        in_hue = np.zeros(hue.shape, dtype=bool)
        for lo, hi in ranges:
            in_hue |= (hue >= lo) & (hue <= hi)
        weights.append(np.where(in_hue, base, 0.0).astype(np.float32))
    return weights


def clean_gray(image: Image, dpi: float) -> Image:
    """Flattened gray page with red and blue ink lifted to paper white.

    Where a pixel is colour ink, its brightest channel (rescaled so that ink's typical brightness
    becomes white) replaces the luminance: a red stamp is bright in the red channel, a blue one in the
    blue channel, while black text crossing the stamp is dark in all three and stays dark.
    """
    if image.ndim == 2:
        return flatten(image, dpi)
    flat_bgr = cv2.merge([flatten(image[..., c], dpi) for c in range(3)])
    gray = cv2.cvtColor(flat_bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    b, g, r = cv2.split(flat_bgr)
    brightest = cv2.max(cv2.max(b, g), r).astype(np.float32)
    # Anti-aliased and JPEG-smeared stamp edges are paler in colour than the stroke core.
    side = max(3, round(dpi / 50.0) | 1)
    grow = np.ones((side, side), np.uint8)
    for weight in colour_ink_weights(flat_bgr):
        strong = weight >= 1.0
        if not strong.any():
            continue
        reference = float(np.percentile(brightest[strong], _INK_REFERENCE_PERCENTILE))
        reference = min(255.0, max(reference, _INK_MIN_REFERENCE))
        lifted = np.minimum(brightest * (255.0 / reference), 255.0)
        spread = cv2.dilate(weight, grow)
        gray = np.maximum(gray, gray + spread * (lifted - gray))
    return gray.astype(np.uint8)


def estimate_noise(gray: Image) -> float:
    """Standard deviation of the grain on the paper, in gray levels, after background flattening.

    Robust (MAD) spread of a high-pass on pixels well away from ink, so glyph edges do not count.
    """
    step = max(1, int(np.sqrt(gray.shape[0] * gray.shape[1] / 2_000_000)))
    sample = gray[::step, ::step] if step > 1 else gray
    pixels = sample.astype(np.float32)
    residual = pixels - cv2.GaussianBlur(pixels, (0, 0), 2.0)
    ink = (sample < np.percentile(sample, 50) - 40).astype(np.uint8)
    far = cv2.dilate(ink, np.ones((7, 7), np.uint8)) == 0
    values = residual[far]
    if values.size < 100:
        return 0.0
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def colour_ink_share(image: Image, dpi: float) -> float:
    """Fraction of the page covered by red or blue stamp/pen ink, measured at low resolution."""
    if image.ndim == 2:
        return 0.0
    scale = min(1.0, _SURVEY_DPI / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    flat_bgr = cv2.merge([flatten(small[..., c], dpi * scale) for c in range(3)])
    return float(sum(np.mean(w >= 1.0) for w in colour_ink_weights(flat_bgr)))


def background_spread(gray: Image, dpi: float) -> float:
    """How uneven the paper is (light falloff, yellowing, stains): background range over its median."""
    scale = min(1.0, _SURVEY_DPI / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    lo, mid, hi = np.percentile(background(small, dpi * scale), (1, 50, 99))
    return float(hi - lo) / max(float(mid), 1.0)


def normalize_to_text(gray: Image, dpi: float) -> Image:
    """Stretch gray levels so the page's ink is black and the paper around it white.

    Levels come from the neighbourhood of the text only: there ink and paper are both plentiful, so an
    Otsu split is reliable even on faded pages, and dark scanner borders or skew wedges elsewhere do not
    count. Tesseract's global Otsu on the stretched image then falls between ink and paper; left to
    the raw histogram it can split the paper's grain instead (a faded hard page: CER 94% -> 25%).
    """
    scale = min(1.0, _SURVEY_TEXT_DPI / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink_mask = (text_mask(small, dpi * scale, _NORMALIZE_SIGMAS) > 0).astype(np.uint8)
    if int(ink_mask.sum()) < _NORMALIZE_MIN_INK:
        return gray
    reach = max(1, round(_NORMALIZE_REACH_IN * dpi * scale))
    near = cv2.dilate(ink_mask, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    near = cv2.resize(near, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
    values = gray[near]
    split, _ = cv2.threshold(values.reshape(-1, 1), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    dark, light = values[values <= split], values[values > split]
    if dark.size == 0 or light.size == 0:
        return gray
    ink = float(np.percentile(dark, _NORMALIZE_INK_PERCENTILE))
    paper = float(np.median(light))
    if paper - ink < _NORMALIZE_MIN_CONTRAST:
        return gray
    stretched = (gray.astype(np.float32) - ink) * (255.0 / (paper - ink))
    return np.clip(stretched, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class OcrImage:
    image: Image
    name: str
    tesseract_thresholding: str | None
    # The flattened gray ``image`` was smoothed from, when it was: the median and blur that take a grainy page's
    # specks away also fill the counters of bold typewritten letters at 150 dpi, which this one keeps.
    unsmoothed: Image | None = None


def choose_binarization(upright: Image, dpi: float) -> OcrImage:
    """What Tesseract reads for this page (same shape as `upright`), chosen from the page's statistics.

    Always gray, thresholded by Tesseract's global Otsu: on the degraded set that beat Tesseract's
    Sauvola and adaptive Otsu, our own Sauvola and Otsu binaries, and 2x upscaling, because Tesseract's
    LSTM reads the gray values, not just its own binary. What depends on the page:
    - a clean, evenly lit scan with no stamp is read as it is (flattening it only lost accuracy);
    - otherwise background flattening and stamp suppression;
    - on a grainy scan, a 3x3 median (salt-and-pepper, grain; strokes of two pixels survive), a light
      blur on top when really grainy, and contrast normalized on the text.
    """
    clean = clean_gray(upright, dpi)
    noise = estimate_noise(clean)
    if noise < _NOISE_MEDIAN:
        gray = to_gray(upright)
        if background_spread(gray, dpi) < _UNEVEN_SPREAD and colour_ink_share(upright, dpi) < _COLOUR_SHARE:
            return OcrImage(gray, "gray", "otsu")
        return OcrImage(clean, "flat-gray", "otsu")
    smoothed = cv2.medianBlur(clean, 3)
    name = "flat-median"
    if noise >= _NOISE_BLUR:
        smoothed = cv2.GaussianBlur(smoothed, (0, 0), _BLUR_SIGMA_PX)
        name = "flat-median-blur"
    return OcrImage(normalize_to_text(smoothed, dpi), name + "-normalized", "otsu", clean)
