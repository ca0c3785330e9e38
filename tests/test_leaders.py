"""Printed dot leaders are erased from the image Tesseract reads; the letters, and their marks, stay."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.leaders import erase_leader_dots
from tests.synth.fonts import faces

DPI = 150  # the hard scans' lowest resolution


def _line(text: str, style: str) -> np.ndarray:
    """``text`` typed at 12 pt on a 150 dpi scan."""
    font = ImageFont.truetype(faces("typewriter")[0].path(style), round(12 * DPI / 72))
    img = Image.new("L", (40 + int(font.getlength(text)), 60), 255)
    ImageDraw.Draw(img).text((20, 18), text, font=font, fill=30)
    return np.asarray(img)


def _ink(gray: np.ndarray) -> int:
    return int((gray < 128).sum())


@pytest.mark.parametrize("style", ["regular", "bold"])
def test_a_leader_is_erased_and_the_name_before_it_kept(style):
    name = _line("NGUYỄN THỊ NGA", style)
    line = _line("NGUYỄN THỊ NGA " + "." * 30, style)
    out = erase_leader_dots(line, DPI)
    width = name.shape[1] - 20
    assert _ink(out[:, :width]) == _ink(line[:, :width])  # the name, its accents and dot below whole
    assert _ink(out[:, width + 10:]) == 0  # no dot left


def test_specks_in_a_row_off_any_pitch_are_no_leader():
    # Grain the size of a printed dot, on one baseline but at steps no printer makes.
    line = _line("NGUYỄN THỊ NGA" + " " * 12, "bold").copy()
    x = _line("NGUYỄN THỊ NGA", "bold").shape[1]
    for step in (5, 18, 6, 17, 5, 18, 7):
        x += step
        line[40:43, x:x + 3] = 30
    assert _ink(erase_leader_dots(line, DPI)) == _ink(line)
