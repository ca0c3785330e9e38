"""A classifier of single printed digits (and the slash of a date), trained on the spot from glyphs rendered in
Debian's fonts.

Tesseract reads a blurred, bold typewritten digit by its line's context and misreads the same shapes the same way
whatever model or scale it is given (8 as 6 or 9, a dotted zero as 9, 7 as 1). A classifier of the glyph alone,
trained on digits of many faces drawn small, blurred, faded, noisy and JPEG-compressed as scans make them, reads
those shapes differently, and on development pages rightly far more often than not (``ocr.number_look``).

The training faces are six of URW's base 35 (Debian ``fonts-urw-base35``; not Nimbus Mono PS, which the synthetic
scans would use if it had Vietnamese letters), DejaVu Sans Mono and five TeX Gyre families: none of the faces the
synthetic test scans are set in (``tests/synth/fonts.py``; a test checks it), so the tests and the benchmark
measure it on faces it never saw. It trains in about two seconds, once per process, with a fixed seed: the same
glyph gets the same answer on every machine with the same fonts. No fonts, no classifier (``classifier`` gives
None) and numbers are left as Tesseract read them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image as PilImage
from PIL import ImageDraw, ImageFont

from ocr.glyphs import ink

log = logging.getLogger(__name__)

Image = NDArray[np.uint8]

FONT_ROOTS = ("/usr/share/fonts", "/usr/share/texmf/fonts")
# File name prefixes of the training faces (every style of each).
FACES = ("NimbusRoman-", "NimbusSans-", "C059-", "P052-", "URWBookman-", "URWGothic-",
         "DejaVuSansMono", "texgyrebonum-", "texgyrepagella-", "texgyreschola-", "texgyreheros-",
         "texgyreadventor-")
SIZE = (16, 24)  # width, height every glyph is scaled to, keeping its shape's proportions
SAMPLES = 5  # renderings of each digit in each font file
SEED = 20261207
NEIGHBOURS = 5
CLASSES = "0123456789/"


@dataclass(frozen=True)
class DigitGuess:
    digit: str  # or "/"
    sure: bool  # the two classifiers agree, and most of the nearest training glyphs are this one


def _font_files() -> list[str]:
    found: dict[str, str] = {}
    for root in FONT_ROOTS:
        base = Path(root)
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix.lower() in (".otf", ".ttf") and path.name.startswith(FACES):
                found.setdefault(path.stem, str(path))  # a face installed twice counts once
    return sorted(found.values())


def normalized(gray: Image) -> NDArray[np.float32]:
    """A glyph's gray patch as ink darkness 0..1 on a ``SIZE`` canvas, centred, its proportions kept."""
    g = 255.0 - gray.astype(np.float32)
    h, w = g.shape
    width, height = SIZE
    side_h = max(h, int(np.ceil(w * height / width)))
    side_w = int(np.ceil(side_h * width / height))
    canvas = np.zeros((side_h, side_w), np.float32)
    y0, x0 = (side_h - h) // 2, (side_w - w) // 2
    canvas[y0:y0 + h, x0:x0 + w] = g
    out = cv2.resize(canvas, SIZE, interpolation=cv2.INTER_AREA)
    out -= out.min()
    top = float(out.max())
    return out / top if top > 0 else out


_HOG = cv2.HOGDescriptor(SIZE, (8, 8), (4, 4), (4, 4), 9)


def features(gray: Image) -> NDArray[np.float32]:
    """Edge directions (HOG) and the darkness itself of a glyph's patch."""
    n = normalized(gray)
    return np.concatenate([_HOG.compute((n * 255).astype(np.uint8)).ravel(), 0.5 * n.ravel()]).astype(np.float32)


def _render(font: ImageFont.FreeTypeFont, digit: str, px: int, rng: np.random.Generator) -> Image | None:
    """One digit as a scan of it: drawn four times larger, scaled down to ``px``, sometimes thickened as ink spreads
    into the paper, blurred, faded, grained and sometimes JPEG-compressed; cut to its ink."""
    canvas = PilImage.new("L", (px * 6, px * 6), 255)
    ImageDraw.Draw(canvas).text((px, px), digit, font=font, fill=0)
    a = cv2.resize(np.array(canvas), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    if rng.random() < 0.2:
        a = cv2.erode(a, np.ones((2, 2), np.uint8))  # the paper eroded: the dark strokes thicken
    a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.4, 1.4)).astype(np.float32)
    a = a * rng.uniform(0.6, 1.0) + rng.uniform(0, 90) + rng.normal(0, rng.uniform(2, 14), a.shape)
    a = np.clip(a, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        _, enc = cv2.imencode(".jpg", a, [cv2.IMWRITE_JPEG_QUALITY, int(rng.uniform(30, 80))])
        a = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    ys, xs = np.nonzero(ink(a))
    if not len(xs):
        return None
    return a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


class DigitClassifier:
    """An RBF support vector machine and a nearest-neighbour vote over the same rendered training glyphs."""

    def __init__(self, samples: NDArray[np.float32], labels: NDArray[np.int32]) -> None:
        self.svm = cv2.ml.SVM_create()
        self.svm.setType(cv2.ml.SVM_C_SVC)
        self.svm.setKernel(cv2.ml.SVM_RBF)
        self.svm.setC(10.0)
        self.svm.setGamma(0.05)
        self.svm.train(samples, cv2.ml.ROW_SAMPLE, labels)
        self.knn = cv2.ml.KNearest_create()
        self.knn.train(samples, cv2.ml.ROW_SAMPLE, labels)

    def guess(self, patches: list[Image]) -> list[DigitGuess]:
        """Each glyph patch (gray, cut to its box) as the digit (or slash) it most likely is."""
        if not patches:
            return []
        return self.guess_features(np.stack([features(p) for p in patches]))

    def guess_features(self, x: NDArray[np.float32]) -> list[DigitGuess]:
        """The same from the patches' ``features``, one row each."""
        svm = self.svm.predict(x)[1].ravel().astype(int)
        _, knn, neighbours, _ = self.knn.findNearest(x, NEIGHBOURS)
        out = []
        for s, k, near in zip(svm, knn.ravel().astype(int), neighbours.astype(int), strict=True):
            out.append(DigitGuess(CLASSES[s], s == k and int((near == s).sum()) > NEIGHBOURS // 2))
        return out


@cache
def classifier() -> DigitClassifier | None:
    """The process's classifier, trained on first use; None where none of the training faces is installed."""
    files = _font_files()
    if not files:
        log.warning("no training fonts for the digit classifier (Debian fonts-urw-base35): numbers left as read")
        return None
    rng = np.random.default_rng(SEED)
    samples, labels = [], []
    for path in files:
        try:
            for label, char in enumerate(CLASSES):
                for _ in range(SAMPLES):
                    px = int(rng.uniform(13, 26))
                    glyph = _render(ImageFont.truetype(path, px * 4), char, px, rng)
                    if glyph is not None:
                        samples.append(features(glyph))
                        labels.append(label)
        except OSError as exc:  # a damaged font file: the others still teach it
            log.warning("digit classifier: font %s unusable (%s)", path, exc)
    if len(set(labels)) < len(CLASSES):
        log.warning("digit classifier: too few training glyphs drawn: numbers left as read")
        return None
    log.debug("digit classifier trained on %d glyphs of %d font files", len(samples), len(files))
    return DigitClassifier(np.stack(samples), np.array(labels, np.int32))
