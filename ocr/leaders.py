"""Erasing printed dot leaders ("Họ và tên: ........") from the image Tesseract reads.

Tesseract turns a long run of dots into digit garbage ("1111011…") and often garbles the words beside it,
including the value written on the leader. The dots carry no text, so the OCR image loses nothing; the page
shown in the PDF keeps them.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]

_MIN_RUN = 5  # dots in a row before it counts as a leader (an ellipsis "..." stays)
_DOT_MAX_IN = 0.025  # a printed dot is at most this tall/wide (inches)
_GAP_MAX_IN = 0.12  # largest step from one leader dot to the next


def erase_leader_dots(gray: Image, dpi: float, ink: Image | None = None) -> Image:
    """``gray`` with runs of small, evenly spaced, baseline-aligned dots painted paper-white; ``ink`` is the
    mask of ink pixels when the caller has a better one than Otsu's (a small crop of grainy paper)."""
    if ink is None:
        _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return gray
    dot_max = max(2, round(_DOT_MAX_IN * dpi))
    gap_max = _GAP_MAX_IN * dpi
    _x, _y, w, h, area = (stats[1:, i] for i in range(5))
    is_dot = (w <= dot_max) & (h <= dot_max) & (w >= 1) & (h >= 1) & (area >= 2) & (area >= 0.4 * w * h)
    idx = np.flatnonzero(is_dot) + 1
    if len(idx) < _MIN_RUN:
        return gray
    # Leaders sit on a baseline: bucket dots by row, then walk each row left to right.
    rows: dict[int, list[int]] = {}
    tolerance = max(2, dot_max // 2)
    for i in idx[np.argsort(centroids[idx, 1])]:
        cy = centroids[i, 1]
        key = next((k for k in (round(cy / tolerance) + d for d in (-1, 0, 1)) if k in rows), round(cy / tolerance))
        rows.setdefault(key, []).append(i)
    out = gray.copy()
    paper = int(np.percentile(gray, 90))
    for members in rows.values():
        if len(members) < _MIN_RUN:
            continue
        members.sort(key=lambda i: centroids[i, 0])
        run = [members[0]]
        for i in [*members[1:], None]:
            if i is not None and centroids[i, 0] - centroids[run[-1], 0] <= gap_max:
                run.append(i)
                continue
            if len(run) >= _MIN_RUN and _evenly_spaced(centroids[run, 0]):
                for j in run:
                    x0, y0, ww, hh = stats[j, :4]
                    out[max(0, y0 - 1) : y0 + hh + 1, max(0, x0 - 1) : x0 + ww + 1] = paper
            run = [i] if i is not None else []
    return out


def _evenly_spaced(xs: NDArray[np.float64]) -> bool:
    # Printed leaders have a fixed pitch; dots of i/j or noise do not line up that regularly.
    steps = np.diff(np.sort(xs))
    return bool(steps.size) and float(np.std(steps)) <= 0.35 * float(np.median(steps)) + 1.0
