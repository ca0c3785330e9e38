"""Pages for the scan quality tests and bench: a clean synthetic scan, and the same page spoiled in the ways
an operator's scans go wrong (blank, low resolution, greyscale, cut at an edge, dark border, too dark,
too faint). Arrays are uint8 BGR or gray, as ``cv2.imread`` gives them."""

from __future__ import annotations

import cv2
import numpy as np

from tests.synth import make_document
from tests.synth import paper as synth_paper


def as_array(image) -> np.ndarray:
    a = np.asarray(image)
    return cv2.cvtColor(a, cv2.COLOR_RGB2BGR) if a.ndim == 3 else a.copy()


def clean_page(seed: int = 11, doc_type: str = "birth_certificate") -> tuple[np.ndarray, float]:
    """The first page of a clean synthetic scan (colour, 200-300 dpi) and its resolution."""
    doc = make_document(seed, doc_type, "clean")
    return as_array(doc.pages[0]), float(doc.dpi)


def blank_page(dpi: float = 300.0, seed: int = 3) -> np.ndarray:
    """Yellowed, textured paper with scanner grain and a little dust: nothing written on it."""
    rng = np.random.default_rng(seed)
    h, w = round(297 / 25.4 * dpi), round(210 / 25.4 * dpi)
    rgb = synth_paper.paper(rng, (h, w), 0.04, 0.03) * 255.0
    rgb += rng.standard_normal((h, w, 1)).astype(np.float32) * 3.0
    page = np.clip(rgb, 0, 255).astype(np.uint8)
    for _ in range(12):  # dust: specks well under a millimetre
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        cv2.circle(page, (x, y), 1, (60, 60, 60), -1)
    return cv2.cvtColor(page, cv2.COLOR_RGB2BGR)


def resampled(image: np.ndarray, dpi: float, to_dpi: float) -> np.ndarray:
    scale = to_dpi / dpi
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def greyscale(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def bilevel(image: np.ndarray) -> np.ndarray:
    _, out = cv2.threshold(greyscale(image), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def grey_in_colour(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(greyscale(image), cv2.COLOR_GRAY2BGR)


def cut(image: np.ndarray, side: str = "right", share: float = 0.12) -> np.ndarray:
    """The page with ``share`` of it missing on ``side``, as when the paper lay off the glass."""
    h, w = image.shape[:2]
    dx, dy = round(w * share), round(h * share)
    return {
        "right": image[:, : w - dx],
        "left": image[:, dx:],
        "bottom": image[: h - dy],
        "top": image[dy:],
    }[side].copy()


def dark_border(image: np.ndarray, dpi: float, sides: tuple[str, ...] = ("left", "top"), mm: float = 8.0,
                level: int = 25) -> np.ndarray:
    """Black scanner background around the paper on ``sides`` (a lid left open, paper smaller than glass)."""
    px = round(mm / 25.4 * dpi)
    pad = {s: (px if s in sides else 0) for s in ("top", "bottom", "left", "right")}
    value = (level, level, level) if image.ndim == 3 else level
    return cv2.copyMakeBorder(image, pad["top"], pad["bottom"], pad["left"], pad["right"], cv2.BORDER_CONSTANT,
                              value=value)


def darker(image: np.ndarray, factor: float = 0.42) -> np.ndarray:
    return np.clip(image.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def fainter(image: np.ndarray, keep: float = 0.2) -> np.ndarray:
    """Ink faded towards the paper: only ``keep`` of its darkness under the paper's colour is left."""
    paper = np.percentile(image.reshape(-1, image.shape[2] if image.ndim == 3 else 1), 90, axis=0)
    out = paper - (paper - image.astype(np.float32)) * keep
    return np.clip(out, 0, 255).astype(np.uint8)
