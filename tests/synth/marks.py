"""Seals, copy stamps and signatures: ink coverage patches (0-1 float32) to blend onto a page."""

from __future__ import annotations

import math
import random
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .fonts import stamp_font


@lru_cache(maxsize=2048)
def _glyph(ch: str, size: int) -> Image.Image:
    font = stamp_font(size)
    img = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(img).text((size, size * 1.35), ch, font=font, fill=255, anchor="ms")
    return img


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(pts, fill=255)


def seal(rng: random.Random, top: str, bottom: str, diameter: int) -> np.ndarray:
    """A round official seal: double ring, the organ's name around it, a star in the middle.

    Ring text runs clockwise with letter tops outward, as Vietnamese seals are cut.
    """
    pad = 8
    n = diameter + 2 * pad
    img = Image.new("L", (n, n), 0)
    draw = ImageDraw.Draw(img)
    c = n / 2
    r = diameter / 2
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=max(3, round(diameter * 0.028)))
    inner = r * 0.66
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(2, round(diameter * 0.01)))
    text = f"{top} ✱ {bottom} ✱ ".replace("✱", "*")
    size = max(10, round(diameter * 0.085))
    band = (r * 0.95 + inner) / 2 - size * 0.35
    start = 150.0  # degrees, screen coordinates (y down): begins at the lower left and runs over the top
    step = 356.0 / len(text)
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        theta = start + i * step
        t = math.radians(theta)
        glyph = _glyph(ch, size).rotate(-(theta + 90), resample=Image.Resampling.BILINEAR)
        x = c + band * math.cos(t) - glyph.width / 2
        y = c + band * math.sin(t) - glyph.height / 2
        img.paste(255, (round(x), round(y)), glyph)
    _star(draw, c, c, inner * 0.42)
    cov = np.asarray(img, dtype=np.float32) / 255.0
    return _wear(cov, rng)


def box_stamp(rng: random.Random, text: str, height: int) -> np.ndarray:
    """A rectangular rubber stamp such as "SAO Y BẢN CHÍNH", slightly rotated."""
    size = round(height * 0.42)
    font = stamp_font(size)
    width = round(font.getlength(text) + height * 0.9)
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    w = max(3, height // 22)
    draw.rectangle((w, w, width - w - 1, height - w - 1), outline=255, width=w)
    draw.rectangle((3 * w, 3 * w, width - 3 * w - 1, height - 3 * w - 1), outline=255, width=max(2, w // 2))
    draw.text((width / 2, height / 2), text, font=font, fill=255, anchor="mm")
    img = img.rotate(rng.uniform(-7, 7), expand=True, resample=Image.Resampling.BILINEAR)
    return _wear(np.asarray(img, dtype=np.float32) / 255.0, rng)


def signature(rng: random.Random, width: int, height: int) -> np.ndarray:
    """A cursive scribble: a looping ribbon left to right, uneven pressure, and a flourish."""
    img = np.zeros((height, width), np.uint8)
    thick = max(2, round(height * 0.022))
    n = 600
    t = np.linspace(0, 1, n)
    loops = rng.uniform(4, 9)
    # Backward x-motion larger than the forward drift makes loops, like joined handwriting.
    ax = width * 0.7 / (2 * math.pi * loops) * rng.uniform(1.1, 1.8)
    p1, p2, p3 = (rng.uniform(0, 6.28) for _ in range(3))
    env = 0.55 + 0.45 * np.sin(math.pi * t * rng.uniform(1, 3) + p3) ** 2
    x = width * (0.06 + 0.72 * t) + ax * np.cos(2 * math.pi * loops * t + p1)
    y = (height * 0.48 + height * 0.28 * env * np.sin(2 * math.pi * loops * t * rng.uniform(0.9, 1.1) + p2)
         + height * 0.08 * np.sin(2 * math.pi * rng.uniform(0.5, 1.5) * t + p3))
    x += rng.uniform(0.1, 0.3) * (height * 0.5 - y)  # slant
    pts = np.stack([x, y], axis=1).astype(np.int32)
    start = rng.randint(0, n // 6)
    chunks = np.array_split(np.arange(start, n - rng.randint(0, n // 8)), 12)
    for chunk in chunks:
        if len(chunk) > 1:
            cv2.polylines(img, [pts[chunk[0] : chunk[-1] + 2]], False, 255,
                          max(1, thick + rng.randint(-1, 1)), cv2.LINE_AA)
    x0, x1 = width * rng.uniform(0.0, 0.25), width * rng.uniform(0.7, 0.98)
    yb = height * rng.uniform(0.6, 0.9)
    k = np.linspace(0, 1, 80)
    curve = np.stack([x0 + (x1 - x0) * k, yb - height * rng.uniform(-0.15, 0.15) * np.sin(math.pi * k)], axis=1)
    cv2.polylines(img, [curve.astype(np.int32)], False, 255, thick, cv2.LINE_AA)
    cov = img.astype(np.float32) / 255.0
    return cov * np.float32(rng.uniform(0.75, 0.95))


def _wear(cov: np.ndarray, rng: random.Random) -> np.ndarray:
    """Uneven stamp pressure: one side inked heavier, a mottled pad, some gaps."""
    h, w = cov.shape
    nrng = np.random.default_rng(rng.getrandbits(32))
    angle = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grad = ((xx / w - 0.5) * math.cos(angle) + (yy / h - 0.5) * math.sin(angle)) * rng.uniform(0.3, 0.8)
    mottle = cv2.resize(nrng.random((max(2, h // 18), max(2, w // 18)), dtype=np.float32), (w, h),
                        interpolation=cv2.INTER_CUBIC)
    strength = np.clip(0.85 - grad + 0.35 * (mottle - 0.5), 0.25, 1.0)
    return np.clip(cov * strength, 0, 1).astype(np.float32)
