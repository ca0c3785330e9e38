"""Lines the page reading lost, found on the OCR image (ocr.gaps) — on rendered, blurred, grainy lines."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.gaps import unread_lines
from tests.synth.fonts import faces

LINES = [
    (60, 40, "Họ và tên vợ: Trần Thu Tâm"),
    (60, 100, "Ngày, tháng, năm sinh: 28/08/1958"),
    (60, 160, "Dân tộc: Kinh"),
    (700, 100, "Ngày, tháng, năm sinh: 06/05/1957"),
]


def _page(face: str = "sans", seed: int = 3) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A gray 150 dpi-like page of the lines above, blurred and grainy; the boxes of each line's words."""
    font = ImageFont.truetype(faces(face)[0].path("regular"), 24)
    image = Image.new("L", (1300, 230), 235)
    draw = ImageDraw.Draw(image)
    boxes = []
    for x, y, text in LINES:
        line = []
        for word in text.split():
            x0, y0, x1, y1 = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=40)
            line.append((round(x0), round(y0), round(x1), round(y1)))
            x = round(x1 + draw.textlength(" ", font=font))
        boxes.append(line)
    gray = cv2.GaussianBlur(np.array(image), (0, 0), 1.0)
    noise = np.random.default_rng(seed).normal(0, 10, gray.shape)
    return np.clip(gray + noise, 0, 255).astype(np.uint8), boxes


def _height(boxes) -> float:
    return float(np.median([b[3] - b[1] for line in boxes for b in line]))


def test_a_line_without_words_is_found_and_read_lines_are_not():
    gray, boxes = _page()
    read = [b for k, line in enumerate(boxes) if k != 1 for b in line]  # the reading lost the second line
    found = unread_lines(gray, read, _height(boxes))
    assert len(found) == 1
    x0, y0, x1, y1 = found[0]
    lost = boxes[1]
    assert abs(x0 - lost[0][0]) < 10 and abs(x1 - lost[-1][2]) < 30
    assert y0 <= lost[0][3] and y1 >= lost[0][1]


def test_both_columns_of_a_lost_row_are_found_apart():
    gray, boxes = _page("typewriter")
    read = [b for k, line in enumerate(boxes) if k in (0, 2) for b in line]
    found = unread_lines(gray, read, _height(boxes))
    assert len(found) == 2
    left, right = sorted(found)
    assert left[2] < boxes[3][0][0] <= right[0] + 5


def test_words_skipped_inside_a_read_line_are_no_lost_line():
    gray, boxes = _page()
    # The reading kept all but the value of the second line: a piece of a read line, not a line of its own.
    read = [b for line in boxes for b in line if b is not boxes[1][-1]]
    assert unread_lines(gray, read, _height(boxes)) == []


def test_grain_alone_is_no_line():
    noise = np.random.default_rng(5).normal(225, 18, (400, 1200))
    specks = np.clip(noise, 0, 255).astype(np.uint8)
    assert unread_lines(specks, [(50, 50, 120, 80)], 30.0) == []
