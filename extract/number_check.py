"""The numbers of the page reading (dates, IDs, years) checked glyph by glyph before anything is extracted.

Runs in the second look (``SecondLook.numbers``), on each page whose OCR image is still there: every word that is
a number (``ocr.number_look.is_number``) is cut from the image, and its digits are read again one by one and
changed where the classifier is sure (``ocr.number_look.recheck_numbers``) and the number's structure proves the
reading wrong and the new one possible (``misread_proved``). A value then comes from the checked number like any
other, with a reason that gives Tesseract's reading (``GLYPH_CHECKED``, ``extract.values``); the page's text layer
and stored hOCR keep what Tesseract read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from extract.date_vote import FIRST_YEAR  # no date these records print is older
from extract.ids import check_citizen_id
from extract.layout import PageWords
from ocr.number_look import is_number, recheck_numbers, word_crop

log = logging.getLogger(__name__)

_DATE = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")
_ID = re.compile(r"[0-9]{12}")

if TYPE_CHECKING:
    from extract.second_look import SecondLook


def check_numbers(look: SecondLook, pages: Sequence[PageWords]) -> list[PageWords]:
    """The pages with their numbers' digits read again where the classifier is sure of others and the structure
    proves them."""
    out = []
    for page in pages:
        image = look.page(page.number) if page.number in look.images else None
        # The boxes are the hOCR frame's: an image of another size (or a page of unknown size) is not where they are.
        if image is None or not page.has_boxes or image.shape[:2] != (page.height, page.width):
            out.append(page)
            continue
        numbers = [k for k, w in enumerate(page.words)
                   if is_number(w.text) and w.bbox[2] > w.bbox[0] and w.bbox[3] > w.bbox[1]]
        checked = recheck_numbers([(word_crop(image, page.words[k].bbox), page.words[k].text) for k in numbers],
                                  proves=misread_proved)
        words = list(page.words)
        for k, read in zip(numbers, checked, strict=True):
            if read.changed:
                words[k] = replace(words[k], text=read.text, read_as=words[k].text)
            if read.agrees:
                words[k] = replace(words[k], glyphs_agree=True)
        changed = sum(r.changed for r in checked)
        if changed:
            log.debug("page %d: %d digits of its numbers read otherwise glyph by glyph", page.number, changed)
        out.append(replace(page, words=words))
    return out


def misread_proved(read: str, new: str) -> bool:
    """Whether a number's structure proves Tesseract's reading wrong and the classifier's possible: a date with no
    such day or month, or a year before any these records print (a dotted zero read 9: "28/19/1975"), a 12-digit
    ID whose province code or century digit is none; the new reading then is one. A year alone, an old 9-digit
    CMND number or any other number proves nothing either way."""
    was, now = plausible(read), plausible(new)
    return was is False and now is True


def plausible(text: str) -> bool | None:
    """Whether a number read could be what is printed: True, False, or None where its kind cannot tell."""
    core = text.strip(".,;:")
    if _DATE.fullmatch(core):
        day, month, year = (int(v) for v in core.split("/"))
        try:
            date(year, month, day)
        except ValueError:
            return False
        return year >= FIRST_YEAR  # a card's expiry date lies ahead: no upper bound
    if _ID.fullmatch(core):
        return check_citizen_id(core).valid
    return None  # a year alone may be a house number, a count: nothing proves it
