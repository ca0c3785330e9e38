"""Ink on aged paper: yellowing, stains, uneven light, worn ink, and the seals and signatures on top.

Everything here works at the scan resolution (after downsampling the 300 dpi ink), in float32 RGB 0..1,
which keeps a page well under a second. Each effect returns the parameters it used for the truth file.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

from . import marks

RED_SEAL = (0.80, 0.12, 0.16)
BLUE_STAMP = (0.28, 0.24, 0.66)
BLUE_PEN = (0.12, 0.18, 0.58)
BLACK_INK = (0.08, 0.08, 0.10)


def lowfreq(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Smooth noise in 0..1 whose features are about `cell` pixels wide."""
    h, w = shape
    small = rng.random((max(2, h // cell + 2), max(2, w // cell + 2)), dtype=np.float32)
    big = cv2.resize(small, (w + 2 * cell, h + 2 * cell), interpolation=cv2.INTER_CUBIC)
    return np.clip(big[cell : cell + h, cell : cell + w], 0, 1)


def paper(rng: np.random.Generator, shape: tuple[int, int], tint: float, texture: float) -> np.ndarray:
    """Yellowed paper: blue fades first, then green; cloudy fibres at a few millimetres."""
    base = np.array([1.0 - 0.25 * tint, 1.0 - 0.55 * tint, 1.0 - 1.3 * tint], np.float32)
    cloud = lowfreq(rng, shape, max(8, shape[1] // 18)) - 0.5
    mottle = lowfreq(rng, shape, max(4, shape[1] // 90)) - 0.5
    fine = lowfreq(rng, shape, 2) - 0.5
    shade = 1.0 + texture * (cloud + 0.35 * mottle + 0.3 * fine)
    np.clip(shade, 0.0, 1.0 / float(base.max()), out=shade)
    return shade[..., None] * base


def stains(img: np.ndarray, rng: np.random.Generator, count: int, strength: float) -> list[dict]:
    """Water and foxing blotches: brownish, darker at the rim, soft-edged."""
    h, w = img.shape[:2]
    k = 8  # draw at 1/8 scale then blur and enlarge: stains have no sharp detail
    mask = np.zeros((h // k + 1, w // k + 1), np.float32)
    spots = []
    for _ in range(count):
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        rx, ry = int(rng.integers(w // 30, w // 7)), int(rng.integers(h // 40, h // 9))
        angle = float(rng.uniform(0, 180))
        cv2.ellipse(mask, (cx // k, cy // k), (rx // k, ry // k), angle, 0, 360, 0.5, -1)
        cv2.ellipse(mask, (cx // k, cy // k), (rx // k, ry // k), angle, 0, 360, 1.0, 2)
        spots.append({"x": cx, "y": cy, "rx": rx, "ry": ry})
    mask = cv2.GaussianBlur(mask, (0, 0), 2.5)
    mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    brown = np.array([0.10, 0.22, 0.45], np.float32) * strength
    img *= 1.0 - mask[..., None] * brown
    return spots


def illumination(img: np.ndarray, rng: np.random.Generator, strength: float) -> float:
    """Uneven light across the glass: a linear falloff in a random direction plus a soft vignette."""
    h, w = img.shape[:2]
    angle = float(rng.uniform(0, 2 * math.pi))
    xs = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :]
    ys = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None]
    ramp = xs * np.float32(math.cos(angle)) + ys * np.float32(math.sin(angle))
    vignette = (xs * xs + ys * ys) * np.float32(1.2)
    field = 1.0 - np.float32(strength * 0.8) * (ramp + 0.5) - np.float32(strength * 0.5) * vignette
    np.clip(field, 0.3, 1.0, out=field)
    for c in range(img.shape[2]):
        img[..., c] *= field
    return math.degrees(angle)


def binding_shadow(img: np.ndarray, rng: np.random.Generator, side: str, width_frac: float,
                   depth: float) -> None:
    """The dark gutter where a bound register curves away from the glass."""
    h, w = img.shape[:2]
    n = w if side in ("left", "right") else h
    d = np.arange(n, dtype=np.float32)
    if side in ("right", "bottom"):
        d = d[::-1]
    prof = 1.0 - depth * np.exp(-d / (width_frac * n))
    prof = prof[None, :, None] if side in ("left", "right") else prof[:, None, None]
    img *= prof


def ink_wear(ink: np.ndarray, rng: np.random.Generator, fade: float | None, bleed: float | None,
             dropout: float | None) -> np.ndarray:
    """Faded ribbon or toner, ink spreading into the fibres, and broken strokes."""
    if bleed:
        ink = np.clip(cv2.GaussianBlur(ink, (0, 0), bleed) * (1.0 + bleed * 0.9), 0, 1)
    if fade:
        patchy = lowfreq(rng, ink.shape, max(6, ink.shape[1] // 40))
        ink = ink * (fade * (0.75 + 0.5 * patchy))
    if dropout:
        holes = lowfreq(rng, ink.shape, 2) < dropout
        ink = np.where(holes, ink * 0.25, ink)
    return np.clip(ink, 0, 1).astype(np.float32)


def blend(img: np.ndarray, cov: np.ndarray, color: tuple[float, float, float], x: int, y: int) -> bool:
    """Multiplies a coverage patch in at (x, y) (top-left); ink is subtractive, so layers darken."""
    h, w = img.shape[:2]
    ph, pw = cov.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + pw), min(h, y + ph)
    if x0 >= x1 or y0 >= y1:
        return False
    patch = cov[y0 - y : y1 - y, x0 - x : x1 - x, None]
    absorb = 1.0 - np.array(color, np.float32)
    img[y0:y1, x0:x1] *= 1.0 - patch * absorb
    return True


def scaled(cov: np.ndarray, scale: float) -> np.ndarray:
    if abs(scale - 1.0) < 1e-3:
        return cov
    h, w = cov.shape
    return cv2.resize(cov, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def place_seal(img: np.ndarray, rng: random.Random, text: tuple[str, str], spot: tuple[int, int, int],
               scale: float, over_text: bool) -> dict:
    """The seal over the left part of the signature, and over the signer's title when `over_text`."""
    diameter = max(60, round(spot[2] * rng.uniform(0.92, 1.05)))
    cov = scaled(marks.seal(rng, text[0], text[1], diameter), scale)
    lift = rng.uniform(0.35, 0.7) if over_text else rng.uniform(-0.05, 0.2)
    cx = spot[0] - spot[2] * rng.uniform(0.25, 0.5)
    cy = spot[1] - spot[2] * lift
    x, y = round(cx * scale - cov.shape[1] / 2), round(cy * scale - cov.shape[0] / 2)
    blend(img, cov, RED_SEAL, x, y)
    return {"name": "seal", "color": "red", "x": x + cov.shape[1] // 2, "y": y + cov.shape[0] // 2,
            "diameter": cov.shape[1], "text": " * ".join(text), "over_text": over_text}


def place_signature(img: np.ndarray, rng: random.Random, spot: tuple[int, int, int], scale: float) -> dict:
    w, h = round(rng.uniform(380, 520) * scale), round(rng.uniform(150, 220) * scale)
    cov = marks.signature(rng, w, h)
    x = round(spot[0] * scale - w / 2 + rng.uniform(-40, 40) * scale)
    y = round(spot[1] * scale - h / 2 + rng.uniform(-20, 20) * scale)
    color = BLUE_PEN if rng.random() < 0.75 else BLACK_INK
    blend(img, cov, color, x, y)
    return {"name": "signature", "color": "blue" if color == BLUE_PEN else "black", "x": x, "y": y,
            "width": w, "height": h}


def place_box_stamp(img: np.ndarray, rng: random.Random, text: str, scale: float) -> dict:
    cov = scaled(marks.box_stamp(rng, text, round(rng.uniform(95, 130))), scale)
    h, w = img.shape[:2]
    x = round(rng.uniform(0.05, 0.95) * w - cov.shape[1] / 2)
    y = round(rng.uniform(0.05, 0.6) * h)
    blend(img, cov, BLUE_STAMP, x, y)
    return {"name": "box_stamp", "color": "blue", "text": text, "x": x, "y": y}


def place_edge_seal(img: np.ndarray, rng: random.Random, text: tuple[str, str], diameter: int,
                    scale: float) -> dict:
    """Half a seal on the right edge: the "dấu giáp lai" that ties the pages of a file together."""
    cov = scaled(marks.seal(rng, text[0], text[1], diameter), scale)
    h, w = img.shape[:2]
    x = w - cov.shape[1] // 2
    y = round(rng.uniform(0.2, 0.7) * h)
    blend(img, cov, RED_SEAL, x, y)
    return {"name": "edge_seal", "color": "red", "y": y}
