"""Tesseract on small single-line images (``--psm 7``) through pytesseract, many images per call; or on small
blocks of a few lines (``--psm 6``: a card's machine-readable zone, whose lines are too close to cut apart).

The second look at weak fields reads a dozen crops of a page. One Tesseract process per crop would spend most of
its time loading the language model, so the crops are written to a scratch folder and handed to Tesseract as a
list file: one process reads them all, each as its own page, and the TSV output says which page a word is on.
Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``, as everywhere in sohoa).
"""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from numpy.typing import NDArray

log = logging.getLogger(__name__)

DIGITS = "0123456789"
LINE_SETTINGS = "-c textord_noise_rejrows=0"


@dataclass(frozen=True)
class LineWord:
    text: str
    confidence: float  # 0..1
    bbox: tuple[int, int, int, int]  # in the pixels of the image read
    line: int = 0  # which line of a block the word is on, counted from 0 top down; 0 on a single line


def read_lines(images: Sequence[NDArray[np.uint8]], *, language: str = "vie", whitelist: str | None = None,
               timeout: float = 60.0, tessdata: str | None = None, block: bool = False) -> list[list[LineWord]]:
    """The words Tesseract reads on each image, taken as one line of text (``block``: as a block of lines, each
    word with its line's number); [] for an image it cannot read.

    ``whitelist`` restricts the characters Tesseract may output (digits for IDs and dates); ``tessdata`` is the
    folder of models (``ocr.tessdata``), None for Tesseract's default. A failing or timed
    out Tesseract gives no words rather than an error: a second look is an attempt, the first reading stands.
    """
    if not images:
        return []
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    psm = "--psm 6" if block else "--psm 7"
    config = psm
    if whitelist:
        config += f" -c load_system_dawg=0 -c tessedit_char_whitelist={whitelist}"
    elif not block:
        # A value's leader dots are many specks to Tesseract, and beside them it drops the row of a bold
        # typewritten name as noise: the name is read right once no row is rejected. Not for digits (on a grainy
        # crop read with a whitelist Tesseract then often dies, SIGFPE, and the crop loses its reading), nor in a
        # block, where a row of specks would be read as one more line.
        config += f" {LINE_SETTINGS}"
    if tessdata:
        config = f"--tessdata-dir {shlex.quote(tessdata)} {config}"
    with tempfile.TemporaryDirectory(prefix="sohoa-lines-") as tmp:
        paths = []
        for i, image in enumerate(images):
            path = Path(tmp) / f"line-{i:04d}.png"
            cv2.imwrite(str(path), image)
            paths.append(str(path))
        data = _run(paths, Path(tmp), language, config, timeout)
        if data is None and len(paths) > 1:
            # One image Tesseract cannot take (it dies on some specks) must not cost the others their reading.
            return [_words(_run([p], Path(tmp), language, config, timeout), 1)[0] for p in paths]
    return _words(data, len(images))


def _run(paths: list[str], tmp: Path, language: str, config: str, timeout: float) -> dict | None:
    listing = tmp / "lines.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    try:
        return pytesseract.image_to_data(str(listing), lang=language, config=config, timeout=timeout,
                                         output_type=pytesseract.Output.DICT)
    except (RuntimeError, pytesseract.TesseractError, subprocess.SubprocessError, OSError) as exc:
        log.warning("second-look Tesseract run failed on %d line images: %s", len(paths), str(exc)[:200])
        return None


def _words(data: dict | None, count: int) -> list[list[LineWord]]:
    out: list[list[LineWord]] = [[] for _ in range(count)]
    if data is None:
        return out
    lines: dict[tuple[int, int, int, int], int] = {}  # (page, block, paragraph, line) -> the page's line number
    counted: dict[int, int] = {}  # page -> lines numbered so far
    for page, block, par, line, text, conf, left, top, width, height in zip(
        data["page_num"], data["block_num"], data["par_num"], data["line_num"], data["text"], data["conf"],
        data["left"], data["top"], data["width"], data["height"], strict=True,
    ):
        text = str(text).strip()
        if not text or not 1 <= int(page) <= count:
            continue
        key = (int(page), int(block), int(par), int(line))
        if key not in lines:
            lines[key] = counted.get(key[0], 0)
            counted[key[0]] = lines[key] + 1
        number = lines[key]
        box = (int(left), int(top), int(left) + int(width), int(top) + int(height))
        out[int(page) - 1].append(LineWord(text, max(0.0, float(conf)) / 100.0, box, number))
    return out
