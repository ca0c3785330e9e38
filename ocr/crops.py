"""One line of a page, cut out and treated several ways for a second reading.

A value Tesseract misread on the whole page is often read right from its own crop, once the rows above and
below, the label's colon and the next word are out of it: Tesseract's single-line mode fails on a crop that
holds pieces of other lines. Which treatment helps is not known in advance, so each crop is given in a few and
the readings are compared afterwards (``extract.second_look``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.leaders import erase_leader_dots

Image = NDArray[np.uint8]

ROOM_ABOVE = 0.8  # of the row height above the words' band looked at for the gap to the row above (accents)
ROOM_BELOW = 0.6
LINE_SHARE = 0.5  # of the row height: ink this tall between two quiet rows above a line is another line
INSET_LEFT = 2  # pixels: the box starts where the label (and its colon) ends
MIN_CONTRAST = 24.0  # gray levels between paper and the darkest ink for a crop to hold any ink at all
BORDER = 12  # white pixels around the crop: Tesseract reads a line that touches the image edge badly
VALUE_GAP = 1.5  # of the row height: blank this wide ends a number (a date or ID has no space this wide)


@dataclass(frozen=True)
class Crop:
    image: Image  # gray
    origin: tuple[int, int]  # its top left corner on the page


@dataclass(frozen=True)
class Treated:
    name: str
    image: Image
    origin: tuple[int, int]
    scale: float

    def to_page(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A box in this image's pixels as a box on the page."""
        ox, oy = self.origin
        x0, y0, x1, y1 = ((v - BORDER) / self.scale for v in box)
        return (round(ox + x0), round(oy + y0), round(ox + x1), round(oy + y1))


def cut(page: Image, box: tuple[int, int, int, int], row_height: float, dpi: float,
        keep: tuple[int, int] | None = None) -> Crop | None:
    """The line in ``box``, cut between the rows above and below it where they leave the least ink, without
    leader dots and without the ink that touches its sides (a label's colon, the next word) unless it lies over
    ``keep`` (where the first reading found the value). None when it falls outside the page."""
    h, w = page.shape[:2]
    x0, y0, x1, y1 = box
    # No room on the sides: the label ends left of the box and the next word starts right of it.
    x0, x1 = max(0, x0 + INSET_LEFT), min(w, x1)
    top, bottom = max(0, y0 - round(ROOM_ABOVE * row_height)), min(h, y1 + round(ROOM_BELOW * row_height))
    if x1 - x0 < 4 or bottom - top < 4 or y1 <= y0:
        return None
    crop = page[top:bottom, x0:x1]
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    ink = ink_mask(gray)
    profile = ink.sum(axis=1)
    band_top, band_bottom = max(0, y0 - top), min(len(profile) - 1, y1 - top)
    start = _top_cut(profile, band_top, row_height)
    # The quietest row below it.
    below = profile[band_bottom + 1:]
    stop = band_bottom + 1 + int(np.argmin(below)) if len(below) else len(profile)
    gray, ink = gray[start:stop + 1], ink[start:stop + 1]
    gray = erase_leader_dots(gray, dpi, ink)
    keep_local = (keep[0] - x0, keep[1] - x0) if keep is not None else None
    return Crop(_clear_sides(gray, ink, keep_local), (x0, top + start))


def value_only(crop: Crop, row_height: float, keep: tuple[int, int] | None = None) -> Crop:
    """The crop of a number (a date, an ID) cut down to the number, where something else stands on its row: its
    ink up to a blank ``VALUE_GAP`` wide, with half a row of paper on either side. The stretch after a date's
    label holds what follows it on the row ("Ngày" of a second column's label, "Giới tính: Nam" beyond a tab),
    and Tesseract, told to read digits only, reads those as digits too ("3/10/1996 ... Ngày" read "10/1996").
    The number is all the ink over ``keep`` (page columns where the first reading found it), else the first ink
    at least half a row wide (not the wider label after it). A crop with nothing else on it is left as it is:
    cutting the paper after the number changed readings as often for the worse as for the better."""
    ink = ink_mask(crop.image).any(axis=0)
    columns = np.flatnonzero(ink)
    if not len(columns):
        return crop
    gap = VALUE_GAP * row_height
    runs, start = [], columns[0]
    for a, b in itertools.pairwise(columns):
        if b - a > gap:
            runs.append((int(start), int(a) + 1))
            start = b
    runs.append((int(start), int(columns[-1]) + 1))
    if len(runs) == 1:
        return crop
    ox = crop.origin[0]
    local = (keep[0] - ox, keep[1] - ox) if keep is not None else None
    if local is not None:
        over = [r for r in runs if min(r[1], local[1]) > max(r[0], local[0])]
        chosen = (over[0][0], over[-1][1]) if over else None
    else:
        chosen = next((r for r in runs if r[1] - r[0] >= 0.5 * row_height), None)
    if chosen is None:
        return crop
    pad = round(0.5 * row_height)
    x0, x1 = max(0, chosen[0] - pad), min(crop.image.shape[1], chosen[1] + pad)
    return Crop(crop.image[:, x0:x1], (ox + x0, crop.origin[1]))


def _top_cut(profile: NDArray[np.int64], band_top: int, row_height: float) -> int:
    """The quietest row above the line's band: the farthest of equals, so that accents stay with their letters,
    unless a whole line lies between (where lines are close, the room above can hold the line above, with a quiet
    row on either side of it); an accent between quiet rows is a few pixels tall, a line most of a row."""
    above = profile[:band_top]
    if not len(above):
        return 0
    quiet = np.flatnonzero(above == above.min())
    tallest = LINE_SHARE * row_height
    for k, row in enumerate(quiet):
        # Ink runs lying wholly between two quiet rows from this one down: none may be a line's height.
        inner = quiet[k:]
        if all(b - a - 1 < tallest for a, b in itertools.pairwise(inner)):
            return int(row)
    return int(quiet[-1])


def cut_block(page: Image, box: tuple[int, int, int, int]) -> Crop | None:
    """The lines in ``box`` as they are, without the ink that touches the box's edges (a card's edge, a frame,
    the line above or below cut in half), for reading as a block. None when it falls outside the page."""
    h, w = page.shape[:2]
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    crop = page[y0:y1, x0:x1]
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    ink = ink_mask(gray)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    left, top, width, height = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    edge = (left == 0) | (top == 0) | (left + width >= gray.shape[1]) | (top + height >= gray.shape[0])
    edge[0] = False  # the background
    if edge.any():
        gray = gray.copy()
        gray[edge[labels]] = int(np.percentile(gray, 90))
    return Crop(gray, (x0, y0))


def ink_mask(gray: Image, dark_percentile: float = 2.0) -> Image:
    """Ink pixels (255) of a small crop: darker than halfway from paper to ink. Otsu on a crop that is mostly
    grainy paper takes the grain for ink and joins the letters into blobs. A whole page, with less of its area
    in ink, takes its ink's darkness from a lower ``dark_percentile``."""
    paper, dark = float(np.percentile(gray, 90)), float(np.percentile(gray, dark_percentile))
    if paper - dark < MIN_CONTRAST:
        return np.zeros_like(gray)
    return np.where(gray < (paper + dark) / 2, 255, 0).astype(np.uint8)


def _clear_sides(gray: Image, ink: Image, keep: tuple[int, int] | None) -> Image:
    """``gray`` with the ink that touches its left or right edge, and is not mostly over ``keep``, painted
    paper-white: the label's colon or the next word, which would make Tesseract read more than the value."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return gray
    w = gray.shape[1]
    left, width = stats[:, 0], stats[:, 2]
    touching = (left == 0) | (left + width >= w)
    if keep is not None:
        inside = np.clip(np.minimum(left + width, keep[1]) - np.maximum(left, keep[0]), 0, None)
        touching &= inside < 0.5 * width
    touching[0] = False  # the background
    if not touching.any():
        return gray
    out = gray.copy()
    out[touching[labels]] = int(np.percentile(gray, 90))
    return out


def treat(crop: Crop, how: str, scale: float) -> Treated:
    """The crop enlarged ``scale`` times, as it is (``gray``), sharpened (``sharp``: blurred strokes) or softened
    (``soft``: JPEG blocks and grain, before Tesseract's own binarization). Other treatments were tried on the
    degraded set and read worse: Otsu, thinned or thickened binary strokes, median, opening, closing."""
    image = crop.image
    big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC) if scale != 1 else image.copy()
    if how == "sharp":
        big = cv2.addWeighted(big, 1.8, cv2.GaussianBlur(big, (0, 0), scale), -0.8, 0)
    elif how == "soft":
        big = cv2.GaussianBlur(big, (0, 0), 0.5 * scale)
    elif how != "gray":
        raise ValueError(f"unknown treatment {how!r}")
    return Treated(f"{how}@{scale:g}", _border(big), crop.origin, scale)


def _border(image: Image) -> Image:
    return cv2.copyMakeBorder(image, BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT, value=255)
