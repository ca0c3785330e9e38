"""From clean ink to an archive scan: what each level does, and the scanner's own damage.

Levels follow what archive batches look like. `clean` is the reference; `mild` is a decent flatbed scan
of a kept document; `hard` is the bound register, photocopied, stamped, yellowed and scanned fast.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from . import paper
from .layout import DPI, PageLayout

LEVELS = ("clean", "mild", "hard")
TYPEWRITER_ODDS = {"clean": 0.05, "mild": 0.15, "hard": 0.4}


@dataclass
class Scan:
    image: Image.Image
    rotation: int
    skew_deg: float
    degradations: list[dict] = field(default_factory=list)


def pick_gray(level: str, rng: random.Random) -> bool:
    """Whether the scanner was set to grayscale: a per-batch setting, so one draw per document."""
    return rng.random() < {"clean": 0.0, "mild": 0.25, "hard": 0.35}[level]


def pick_dpi(level: str, rng: random.Random) -> int:
    if level == "clean":
        return rng.choice((200, 300, 300))
    if level == "mild":
        return 200
    return rng.choice((150, 150, 200, 200, 180))


def _r(x: float, nd: int = 3) -> float:
    return round(float(x), nd)


def degrade(ink300: np.ndarray, layout: PageLayout, level: str, dpi: int, seal_text: tuple[str, str],
            rng: random.Random, nrng: np.random.Generator, *, gray: bool = False,
            copy_stamp: str | None = None) -> Scan:
    """Ages, stamps, signs and scans one page; every effect applied is listed with its parameters."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    hard, mild = level == "hard", level == "mild"
    done: list[dict] = []
    scale = dpi / DPI
    h, w = round(layout.height * scale), round(layout.width * scale)
    ink = ink300.astype(np.float32) / 255.0
    if scale != 1.0:
        ink = cv2.resize(ink, (w, h), interpolation=cv2.INTER_AREA)
        done.append({"name": "downsample", "from_dpi": DPI, "to_dpi": dpi})

    # The paper and the ink on it.
    fade = bleed = drop = None
    if hard and rng.random() < 0.7:
        fade = rng.uniform(0.55, 0.85)
    if hard and rng.random() < 0.5:
        bleed = rng.uniform(0.5, 1.0) * scale * 1.5
    if hard and rng.random() < 0.4:
        drop = rng.uniform(0.04, 0.12)
    if mild and rng.random() < 0.3:
        fade = rng.uniform(0.8, 0.92)
    ink = paper.ink_wear(ink, nrng, fade, bleed, drop)
    for name, val in (("ink_fade", fade), ("ink_bleed", bleed), ("ink_dropout", drop)):
        if val is not None:
            done.append({"name": name, "amount": _r(val)})
    tint = {"clean": rng.uniform(0.015, 0.045), "mild": rng.uniform(0.05, 0.11), "hard": rng.uniform(0.12, 0.26)}
    texture = {"clean": 0.02, "mild": 0.04, "hard": rng.uniform(0.05, 0.09)}[level]
    img = paper.paper(nrng, (h, w), tint[level], texture)
    done.append({"name": "yellowing", "tint": _r(tint[level]), "texture": _r(texture)})
    if (hard and rng.random() < 0.7) or (mild and rng.random() < 0.15):
        n = rng.randint(1, 4) if hard else 1
        spots = paper.stains(img, nrng, n, rng.uniform(0.3, 0.8) if hard else 0.25)
        done.append({"name": "stains", "count": n, "spots": spots})
    ink_color = paper.BLACK_INK if rng.random() < 0.7 else (0.12, 0.12, 0.22)  # black or blue-black ribbon
    for c, absorb in enumerate(1.0 - np.array(ink_color, np.float32)):
        img[..., c] *= 1.0 - ink * absorb  # per channel: a full-page RGB temporary costs 100 MB at 300 dpi

    # What people added to the page: signatures, the seal, copy stamps.
    if level != "clean":
        for spot in layout.sign_spots:
            done.append(paper.place_signature(img, rng, spot, scale))
            if spot[2] and (hard or rng.random() < 0.5):
                done.append(paper.place_seal(img, rng, seal_text, spot, scale, over_text=hard))
        if hard and rng.random() < 0.3:
            done.append(paper.place_edge_seal(img, rng, seal_text, 420, scale))
        if copy_stamp and ((hard and rng.random() < 0.5) or (mild and rng.random() < 0.15)):
            done.append(paper.place_box_stamp(img, rng, copy_stamp, scale))

    # Light on the glass.
    if hard or (mild and rng.random() < 0.5):
        strength = rng.uniform(0.12, 0.3) if hard else rng.uniform(0.03, 0.08)
        angle = paper.illumination(img, nrng, strength)
        done.append({"name": "uneven_light", "strength": _r(strength), "direction_deg": _r(angle, 1)})
    if hard and rng.random() < 0.6:
        side = rng.choice(("left", "left", "right", "top"))
        width, depth = rng.uniform(0.03, 0.08), rng.uniform(0.35, 0.7)
        paper.binding_shadow(img, nrng, side, width, depth)
        done.append({"name": "binding_shadow", "side": side, "width": _r(width), "depth": _r(depth)})
    np.clip(img, 0, 1, out=img)
    img *= 255
    arr = img.astype(np.uint8)
    del img

    # The scanner.
    if hard and rng.random() < 0.7:
        lo, hi = rng.randint(30, 80), rng.randint(190, 235)
        arr = (lo + arr.astype(np.float32) * ((hi - lo) / 255.0)).astype(np.uint8)
        done.append({"name": "low_contrast", "black": lo, "white": hi})
    skew = 0.0
    if hard:
        skew = rng.uniform(0.5, 8.0) * rng.choice((-1, 1))
    elif mild and rng.random() < 0.8:
        skew = rng.uniform(-2.0, 2.0)
    if skew:
        bg = rng.choice((235, 225, 40)) if hard else 235
        arr = _rotate(arr, skew, bg)
        done.append({"name": "skew", "angle_deg": _r(skew, 2), "background": bg})
    if gray:
        arr = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
        done.append({"name": "grayscale"})
    arr = _scanner_noise(arr, level, rng, nrng, done)
    rotation = 0
    if hard and rng.random() < 0.4:
        rotation = rng.choice((90, 180, 270))
        arr = np.ascontiguousarray(np.rot90(arr, k=rotation // 90))
        done.append({"name": "rotate", "angle_ccw": rotation})
    image = Image.fromarray(arr)
    quality = None
    if hard:
        quality = rng.randint(25, 50)
    elif mild and rng.random() < 0.7:
        quality = rng.randint(70, 92)
    if quality is not None:
        image = _jpeg(image, quality)
        done.append({"name": "jpeg", "quality": quality})
    return Scan(image, rotation, _r(skew, 2), done)


def _rotate(arr: np.ndarray, angle: float, bg: int) -> np.ndarray:
    """Rotates counter-clockwise by `angle` degrees onto a canvas large enough to keep the whole page."""
    h, w = arr.shape[:2]
    a = math.radians(abs(angle))
    nw, nh = int(w * math.cos(a) + h * math.sin(a)) + 2, int(h * math.cos(a) + w * math.sin(a)) + 2
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[0, 2] += (nw - w) / 2
    m[1, 2] += (nh - h) / 2
    border = (bg, bg, bg) if arr.ndim == 3 else bg
    return cv2.warpAffine(arr, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def _scanner_noise(arr: np.ndarray, level: str, rng: random.Random, nrng: np.random.Generator,
                   done: list[dict]) -> np.ndarray:
    hard, mild = level == "hard", level == "mild"
    if (hard and rng.random() < 0.8) or (mild and rng.random() < 0.3):
        if hard and rng.random() < 0.35:
            length, angle = rng.randint(3, 6), rng.uniform(0, 180)
            kernel = np.zeros((length, length), np.float32)
            c = (length - 1) / 2
            dx, dy = math.cos(math.radians(angle)) * c, math.sin(math.radians(angle)) * c
            cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1)
            arr = cv2.filter2D(arr, -1, kernel / kernel.sum())
            done.append({"name": "motion_blur", "length": length, "angle_deg": _r(angle, 1)})
        else:
            sigma = rng.uniform(0.6, 1.3) if hard else rng.uniform(0.3, 0.6)
            arr = cv2.GaussianBlur(arr, (0, 0), sigma)
            done.append({"name": "gaussian_blur", "sigma": _r(sigma, 2)})
    sigma = rng.uniform(8, 20) if hard else rng.uniform(2, 5) if mild else 0.0
    if sigma:
        noise = nrng.standard_normal(arr.shape[:2], dtype=np.float32) * sigma
        if arr.ndim == 3:
            noise = noise[..., None]
        arr = np.clip(arr.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        done.append({"name": "gaussian_noise", "sigma": _r(sigma, 2)})
    if hard and rng.random() < 0.6:
        amount = rng.uniform(0.001, 0.006)
        r = nrng.random(arr.shape[:2], dtype=np.float32)
        arr = arr.copy()
        arr[r < amount / 2] = 0
        arr[(r >= amount / 2) & (r < amount)] = 255
        done.append({"name": "salt_pepper", "amount": _r(amount, 4)})
    return arr


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out
