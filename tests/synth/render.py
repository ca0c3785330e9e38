"""Turns a page layout into ink coverage at 300 dpi (0 = bare paper, 255 = full ink)."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .layout import Graphic, PageLayout


def render_ink(layout: PageLayout, seed: int = 0) -> np.ndarray:
    """Ink coverage of text, rules and printed graphics; colour and wear are added later by degrade."""
    img = Image.new("L", (layout.width, layout.height), 255)
    draw = ImageDraw.Draw(img)
    rng = random.Random(seed)
    for g in layout.graphics:
        _graphic(draw, g, rng)
    face = layout.face
    for line in layout.lines:
        for run in line.runs:
            draw.text((run.x, line.baseline), run.text, font=face.font(run.style, run.size), fill=0, anchor="ls")
    arr = np.asarray(img, dtype=np.uint8)
    if face.font_class == "typewriter":
        # Type bars hit through a ribbon: strokes come out heavier than the thin digital mono faces.
        arr = cv2.erode(arr, np.ones((2, 2), np.uint8))
    return 255 - arr


def _graphic(draw: ImageDraw.ImageDraw, g: Graphic, rng: random.Random) -> None:
    x0, y0, x1, y1 = g.box
    p = g.params
    if g.kind == "rule":
        draw.rectangle((x0, y0, x1, y1), fill=0)
    elif g.kind == "box":
        draw.rectangle((x0, y0, x1, y1), outline=0, width=int(p.get("width", 3)))
    elif g.kind == "fill":
        draw.rectangle((x0, y0, x1, y1), fill=255 - int(p.get("ink", 40)))
    elif g.kind == "card":
        radius = int(p.get("radius", 40))
        draw.rounded_rectangle((x0, y0, x1, y1), radius, fill=255 - int(p.get("ink", 28)), outline=90, width=3)
        _guilloche(draw, g.box, rng)
    elif g.kind == "photo":
        draw.rectangle((x0, y0, x1, y1), fill=175, outline=110, width=2)
        w, h = x1 - x0, y1 - y0
        cx = x0 + w / 2
        draw.ellipse((cx - w * 0.22, y0 + h * 0.14, cx + w * 0.22, y0 + h * 0.56), fill=95)
        draw.chord((x0 + w * 0.08, y0 + h * 0.58, x1 - w * 0.08, y1 + h * 0.4), 180, 360, fill=80)
    elif g.kind == "qr":
        _qr(draw, g.box, rng)
    elif g.kind == "fingerprint":
        draw.rectangle((x0, y0, x1, y1), outline=120, width=2)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        for i in range(3, 24):
            rx, ry = i * (x1 - x0) / 56, i * (y1 - y0) / 48
            draw.arc((cx - rx, cy - ry, cx + rx, cy + ry), rng.randint(0, 60), rng.randint(250, 340), fill=110,
                     width=3)
    elif g.kind == "emblem":
        draw.ellipse((x0, y0, x1, y1), outline=60, width=4, fill=200)
        _star(draw, ((x0 + x1) / 2, (y0 + y1) / 2), (x1 - x0) * 0.3, fill=90)


def _guilloche(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rng: random.Random) -> None:
    # The security print of a card comes out of a photocopier as faint wavy lines behind the text.
    x0, y0, x1, y1 = box
    phase = rng.random() * 6.28
    for k in range(0, y1 - y0, 22):
        pts = [(x, y0 + k + 9 * math.sin(x / 37 + phase + k / 50)) for x in range(x0 + 20, x1 - 20, 12)]
        draw.line(pts, fill=222, width=2)


def _qr(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rng: random.Random) -> None:
    # Looks like a QR code to the eye and to a layout analyser; it decodes to nothing.
    x0, y0, x1, _ = box
    n = 25
    cell = (x1 - x0) / n
    for i in range(n):
        for j in range(n):
            finder = (i < 7 and j < 7) or (i < 7 and j >= n - 7) or (i >= n - 7 and j < 7)
            if finder:
                ii, jj = i % (n - 7) if i >= 7 else i, j % (n - 7) if j >= 7 else j
                on = ii in (0, 6) or jj in (0, 6) or (2 <= ii <= 4 and 2 <= jj <= 4)
            else:
                on = rng.random() < 0.5
            if on:
                draw.rectangle((x0 + j * cell, y0 + i * cell, x0 + (j + 1) * cell - 1, y0 + (i + 1) * cell - 1),
                               fill=0)


def _star(draw: ImageDraw.ImageDraw, c: tuple[float, float], r: float, fill: int) -> None:
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((c[0] + rad * math.cos(a), c[1] + rad * math.sin(a)))
    draw.polygon(pts, fill=fill)
