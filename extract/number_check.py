"""The numbers of the page reading (dates, IDs, years) checked glyph by glyph before anything is extracted.

Runs in the second look (``SecondLook.numbers``), on each page whose OCR image is still there: every word that is
a number (``ocr.number_look.is_number``) is cut from the image, and its digits are read again one by one and
changed where the classifier is sure (``ocr.number_look.recheck_numbers``) and the number's structure proves the
reading wrong and the new one possible (``misread_proved``). A year printed alone, which no structure proves,
changes where the classifier reads it otherwise on the page before its smoothing too (``year_overruled``). A value
then comes from the checked number like any other, with a reason that gives Tesseract's reading (``GLYPH_CHECKED``,
``extract.values``); the page's text layer and stored hOCR keep what Tesseract read.
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
from extract.text import near_word
from ocr.hocr import Word
from ocr.number_look import Image, is_number, read_alike, recheck_numbers, word_crop

log = logging.getLogger(__name__)

_DATE = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")
_ID = re.compile(r"[0-9]{12}")
_YEAR = re.compile(r"[0-9]{4}")
_EDGES = ".,;:"  # punctuation a number's word may carry
SURE_YEAR = 0.9  # Tesseract's confidence in a year these records can print that the classifier does not overrule
YEAR_WORDS = ("nam", "sinh")  # folded: the words a year is printed after

if TYPE_CHECKING:
    from extract.second_look import SecondLook


def check_numbers(look: SecondLook, pages: Sequence[PageWords], today: date | None = None) -> list[PageWords]:
    """The pages with their numbers' digits read again where the classifier is sure of others and the structure
    proves them, and their years printed alone where the classifier reads them otherwise on two images of the page
    (``year_overruled``)."""
    today = today or date.today()
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
        unsmoothed = look.page(page.number, "unsmoothed") if page.number in look.unsmoothed else None
        words = list(page.words)
        for k, read in zip(numbers, checked, strict=True):
            if read.changed:
                words[k] = replace(words[k], text=read.text, read_as=words[k].text)
            elif unsmoothed is not None and unsmoothed.shape == image.shape and _after_year_word(words, k):
                words[k] = _year_read_again(words[k], image, unsmoothed, today)
            if read.agrees:
                words[k] = replace(words[k], glyphs_agree=True)
        changed = sum(r.changed for r in checked)
        if changed:
            log.debug("page %d: %d digits of its numbers read otherwise glyph by glyph", page.number, changed)
        out.append(replace(page, words=words))
    return out


def _after_year_word(words: Sequence[Word], k: int) -> bool:
    """Whether word ``k`` follows, on its line, the word a year is printed after: "năm" ("ngày 3 tháng 02 năm 2019")
    or "sinh:" ("Năm sinh: 1986"), a letter off at most. Other four-digit numbers (a house number, a group of an
    ID printed in fours) are no years."""
    if k == 0 or words[k - 1].line != words[k].line:
        return False
    return near_word(words[k - 1].text, *YEAR_WORDS)


def _year_read_again(word: Word, image: Image, unsmoothed: Image, today: date) -> Word:
    """A year printed alone, as the classifier reads it on the page as Tesseract read it and on the page before its
    smoothing, where ``year_overruled``. The classifier's reading is then the first reading, not a vote for itself
    (``Word.glyphs_agree`` stays unset)."""
    if not _YEAR.fullmatch(word.text.strip(_EDGES)):
        return word
    new = read_alike([word_crop(image, word.bbox), word_crop(unsmoothed, word.bbox)], word.text)
    if new is None or not year_overruled(word.text.strip(_EDGES), new.strip(_EDGES), word.confidence, today):
        return word
    return replace(word, text=new, read_as=word.text)


def year_overruled(read: str, new: str, confidence: float, today: date) -> bool:
    """Whether a year printed alone, read otherwise by the classifier, sure of every glyph on two images of its page
    (``ocr.number_look.read_alike``), is taken as the classifier reads it: a year these records can print, where
    Tesseract's is none or was read less than ``SURE_YEAR`` sure.

    On 287 four-digit years of hard development certificates the classifier read 13 so otherwise than Tesseract:
    12 misread by Tesseract (2911 for 2011, 1982 for 1952), each read right, and one read right (2023, Noto Serif
    at 180 dpi, Tesseract 0.95 sure) it read as 2025. Sure of every glyph on one image and of only some on the other
    (no digit read two ways), it read 19 right and 8 wrong: both images are needed."""
    if new == read or not _possible_year(new, today):
        return False
    return not _possible_year(read, today) or confidence < SURE_YEAR


def _possible_year(text: str, today: date) -> bool:
    return FIRST_YEAR <= int(text) <= today.year


def misread_proved(read: str, new: str) -> bool:
    """Whether a number's structure proves Tesseract's reading wrong and the classifier's possible: a date with no
    such day or month, or a year before any these records print (a dotted zero read 9: "28/19/1975"), a 12-digit
    ID whose province code or century digit is none; the new reading then is one. A year alone, an old 9-digit
    CMND number or any other number proves nothing either way."""
    was, now = plausible(read), plausible(new)
    return was is False and now is True


def plausible(text: str) -> bool | None:
    """Whether a number read could be what is printed: True, False, or None where its kind cannot tell."""
    core = text.strip(_EDGES)
    if _DATE.fullmatch(core):
        day, month, year = (int(v) for v in core.split("/"))
        try:
            date(year, month, day)
        except ValueError:
            return False
        return year >= FIRST_YEAR  # a card's expiry date lies ahead: no upper bound
    if _ID.fullmatch(core):
        return check_citizen_id(core).valid
    return None  # a year alone may be a house number, a count: nothing proves it (but see ``year_overruled``)
