"""The numbers Tesseract read on a page (dates, IDs, years) checked glyph by glyph: each digit is read again,
alone, by the digit classifier (``ocr.digit_model``), and a digit the classifier is sure is another is replaced
where the number as read cannot be right and the new one can (the caller's check, ``proves``).

Trained on other faces, the classifier reads some glyphs of a face wrongly (a very bold 5 as 3, a faint 6 as 0),
every time the same way: on development pages it so changed clear years Tesseract read right ("1957" as 1937).
Hence only numbers their structure proves misread change.

Only digits change, never into a 1; and only where the number's ink comes apart into as many characters as
Tesseract read (``ocr.glyphs``): digits and slashes one glyph each, punctuation none, every digit but a 1 about
as wide as the others, the slashes where the slashes were read. A letter Tesseract put among the digits ("O01…")
stays a letter: whether it is a digit is for the number's structure to prove (``extract.ids``).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ocr.digit_model import DigitGuess, classifier
from ocr.glyphs import Box, glyph_boxes

log = logging.getLogger(__name__)

Image = NDArray[np.uint8]

MIN_DIGITS = 3  # a word with fewer digits is no number worth checking (a house number, a day alone)
DIGITS = "0123456789"
PAD = 2  # pixels of paper kept around a word's box when it is cut from its page
# Tesseract misreads a digit or two of a number; the classifier reading more than about a third of them otherwise
# (at most three of eight, two of seven, one of four pass) means glyphs cut at the wrong places.
MISALIGNED = 3
NARROW = 0.6  # of the usual digit width: a box this narrow holds a 1, a slash or a piece of a glyph
WIDE = 1.6  # of the usual width of the number's other digits: a box this wide holds two glyphs
# Nothing is changed into a 1: the classifier read a typewriter 7 and a digit's broken half as 1 on development
# pages. A 1 read may change (Tesseract reads a short-flagged typewriter 7 as 1).
ONE = "1"


@dataclass(frozen=True)
class NumberRead:
    text: str
    changed: int  # digits read otherwise
    # The classifier read every glyph of ``text`` as it stands, sure of each: a second reader, by another method,
    # that gives the number (``extract.choose`` counts it as a vote).
    agrees: bool = False


def is_number(text: str) -> bool:
    """Whether a word is a number: ``MIN_DIGITS`` digits or more, and mostly digits and slashes."""
    digits = sum(c in DIGITS for c in text)
    return digits >= MIN_DIGITS and digits + text.count("/") >= 0.7 * len(text)


def _tall(c: str) -> bool:
    """Whether a character of a number's reading is one glyph of ``ocr.glyphs``: digits, slashes and the letters
    Tesseract reads among digits; punctuation, marks and signs are printed low or small, or are no glyph."""
    return c == "/" or (c.isascii() and c.isalnum())


def recheck_numbers(numbers: Sequence[tuple[Image, str]], proves: Callable[[str, str], bool]) -> list[NumberRead]:
    """Numbers, each given as (its crop, Tesseract's reading), with the digits replaced that the classifier is sure
    are others, where ``proves(read, new)``: the caller's check that the number as read cannot be right and the new one
    can (``extract.number_check``). Of the digits the classifier would change, the fewest that give a proved
    number are changed, and only where no other change as small proves one too: a dotted zero's 9 mended in a
    month does not carry a year digit the classifier also misread. Each says too whether the classifier read it,
    as it then stands, alike (``NumberRead.agrees``)."""
    out = [NumberRead(text, 0) for _, text in numbers]
    if not any(is_number(text) for _, text in numbers) or classifier() is None:
        return out
    for n, (gray, text) in enumerate(numbers):
        read = _glyphs(gray, text) if is_number(text) else None
        if read is None:
            continue
        new, size = _changed(text, read, proves) or (text, 0)
        out[n] = NumberRead(new, size, _agrees(new, read))
    return out


def read_alike(crops: Sequence[Image], text: str) -> str | None:
    """A number as the classifier reads it on each of its crops (one word cut from two images of its page), sure of
    every glyph each time and alike on all; None where it is unsure of one, where two crops differ, where the
    glyphs cannot be told apart as ``text`` has them, or where it would put a 1 in (``ONE``)."""
    if not crops or classifier() is None:
        return None
    readings = set()
    for gray in crops:
        read = _glyphs(gray, text)
        if read is None or not all(guess.sure and (guess.digit == text[i] or _may_change(text[i], guess))
                                   for i, guess in read):
            return None
        readings.add(_with(text, [(i, guess.digit) for i, guess in read]))
    return readings.pop() if len(readings) == 1 else None


def _changed(text: str, read: list[tuple[int, DigitGuess]],
             proves: Callable[[str, str], bool]) -> tuple[str, int] | None:
    """The number with the fewest of the classifier's sure changes that ``proves`` accepts, and how many; None
    when none, or when two such changes as few would do."""
    sure = [(i, guess.digit) for i, guess in read if _may_change(text[i], guess)]
    if not sure or len(sure) * MISALIGNED > sum(c in DIGITS for c in text) + 1:
        return None
    for size in range(1, len(sure) + 1):
        proved = [new for new in (_with(text, changes) for changes in itertools.combinations(sure, size))
                  if proves(text, new)]
        if proved:
            return (proved[0], size) if len(proved) == 1 else None
    return None


def _agrees(text: str, read: list[tuple[int, DigitGuess]]) -> bool:
    """Whether the classifier read every digit and slash of ``text`` as it stands, sure of each; a letter among
    the digits ("O01…") is none it read."""
    return all(c in DIGITS or c == "/" or not _tall(c) for c in text) and all(
        guess.sure and guess.digit == text[i] for i, guess in read)


def _with(text: str, changes: Sequence[tuple[int, str]]) -> str:
    chars = list(text)
    for i, digit in changes:
        chars[i] = digit
    return "".join(chars)


def word_crop(page: Image, bbox: tuple[int, int, int, int]) -> Image:
    """A word's box cut from its page with ``PAD`` pixels of paper around it."""
    x0, y0, x1, y1 = bbox
    h, w = page.shape[:2]
    return page[max(0, y0 - PAD):min(h, y1 + PAD), max(0, x0 - PAD):min(w, x1 + PAD)]


def _glyphs(gray: Image, text: str) -> list[tuple[int, DigitGuess]] | None:
    """The number's digits and slashes as the classifier reads them, by their place in ``text``; None where its
    glyphs cannot be told apart as Tesseract's reading has them."""
    model = classifier()
    tall = [i for i, c in enumerate(text) if _tall(c)]
    boxes = glyph_boxes(gray, len(tall)) if model is not None else None
    if model is None or boxes is None:
        return None
    at = [(i, box) for i, box in zip(tall, boxes, strict=True) if text[i] in DIGITS or text[i] == "/"]
    if not at or _cut_wrong(text, at):
        return None
    guesses = model.guess([gray[y:y + h, x:x + w] for _, (x, y, w, h) in at])
    if any((text[i] == "/") != (g.digit == "/") for (i, _), g in zip(at, guesses, strict=True)):
        return None  # a slash where a digit was read, or the reverse: the glyphs are cut wrong
    return [(i, g) for (i, _), g in zip(at, guesses, strict=True)]


def _cut_wrong(text: str, at: list[tuple[int, Box]]) -> bool:
    """Whether a digit other than 1 was given a box of another width than the others': too narrow (a glyph broken
    in two side by side, its pieces taken for two characters) or as wide as two (two glyphs run together while a
    piece of something else was taken for one). The boxes after it are then cut at the wrong places."""
    widths = [box[2] for i, box in at if text[i] in DIGITS and text[i] != ONE]
    if not widths:
        return False
    usual = float(np.median(widths))
    return any(w < NARROW * usual or w > WIDE * usual for w in widths)


def _may_change(read: str, guess: DigitGuess) -> bool:
    return read in DIGITS and guess.sure and guess.digit != read and guess.digit in DIGITS and guess.digit != ONE
