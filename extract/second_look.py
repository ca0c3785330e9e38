"""Second look at weak fields: a person's name, birth date or ID that failed validation, reads with low
confidence, or was not read at all, is read again from its own stretch of the OCR image.

Each weak value's stretch (from its label to what follows the value, ``extract.reader.Found.slot``) is cut out,
enlarged and treated a few ways (``ocr.crops``) and read as a single line (``ocr.lines``: ``--psm 7``, digits
only for IDs and numeric dates). Every reading is parsed like the first one, and the readings vote
(``extract.choose``): a value replaces the first reading only when it is better validated, or as well validated
and read alike by more treatments; one re-reading alone may only mend a name by a letter or two. What changed
says so in the field's reasons. A card's machine-readable zone is read again too (``SecondLook.mrz``), and before
anything is extracted, the lines of print the page reading lost whole are read one by one (``SecondLook.unread``).

Runs inside the extract stage while the OCR images still exist (``OcrPage.ocr_image_path``); a stage that
reruns extraction from stored hOCR alone has no images and no second look.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from config.templates import LabelSpec
from extract.choose import VOTED, Choice, choose_person, id_check, name_validity
from extract.date_vote import vote_dates
from extract.ids import check_old_id
from extract.layout import PageText, PageWords, Row, band
from extract.lost_lines import read_lost_lines
from extract.model import FieldValue
from extract.mrz import ZONE_PROOF, Mrz
from extract.number_check import check_numbers
from extract.pieces import Piece
from extract.text import fold
from extract.values import Candidate, read
from extract.zone_look import reread_zone
from ocr.crops import Crop, Treated, cut, treat, value_only
from ocr.hocr import Word
from ocr.lines import DIGITS, LineWord, read_lines
from ocr.tessdata import other_models, usable

log = logging.getLogger(__name__)

KINDS = frozenset({"name", "date", "citizen_id", "old_id", "person_id"})
FIELDS = frozenset({"full_name", "date_of_birth", "citizen_id", "old_id_number"})
WEAK = 0.9  # a confidence under this gets a second look
# How each kind of spot is read again: (treatment, enlargement, language, character whitelist, models, image);
# "doc" is the document's OCR language; models "first" are those of the page's reading, "other" the other
# Vietnamese model (tessdata_best and Debian's tessdata_fast: ``ocr.tessdata.other_models``), left out when there
# is none; image "ocr" is the page as Tesseract read it, "unsmoothed" the same page before the smoothing of a
# grainy scan (``OcrPage.unsmoothed_image_path``), left out when the page was not smoothed.
# Chosen on degraded pages of seeds the benchmark does not use: Tesseract's English model reads typewritten
# digits better than the Vietnamese one, enlarging helps digits and hurts names, the two Vietnamese models
# misread different letters, so a misreading of one is rarely confirmed by the other, and a bold typewritten
# name whose letters the smoothing filled ("vuần vui SƯƠNG") is often legible unsmoothed ("TRẦN TSỊ HƯƠNG", one
# letter off: a vote for TRẦN THỊ HƯƠNG once mended), though worse alone (``extract.choose.SUPPORTING``); digits
# read unsmoothed confirmed the page's misreadings as often as they mended them ("2/11/1994" for 23/11/1994).
TEXT_PLAN = (("gray", 1.0, "doc", None, "first", "ocr"), ("sharp", 1.0, "doc", None, "first", "ocr"),
             ("gray", 1.0, "doc", None, "other", "ocr"), ("sharp", 1.0, "doc", None, "other", "ocr"),
             ("gray", 1.0, "doc", None, "first", "unsmoothed"), ("gray", 1.0, "doc", None, "other", "unsmoothed"))
DIGIT_PLAN = (("gray", 2.0, "eng", DIGITS + "/", "first", "ocr"), ("soft", 2.0, "eng", DIGITS + "/", "first", "ocr"),
              ("gray", 1.0, "doc", None, "first", "ocr"), ("gray", 1.0, "doc", None, "other", "ocr"))

DATE_ROOM = 8.0  # word heights a numeric date may take, from its label's end
NAME_ROOM = 3.0  # word heights after the first reading's last word
_DATE_WORDS = ("ngay", "thang", "nam", "mot", "hai", "ba", "bon", "chin")
_ID_KINDS = frozenset({"citizen_id", "old_id", "person_id"})
_ID_FIELDS = ("citizen_id", "old_id_number")


@dataclass(frozen=True)
class Spot:
    """Where one value of a person is printed: the stretch of the page its label introduces."""

    field: str
    kind: str
    page: int
    region: tuple[int, int, int, int]
    height: float  # typical word height of its row, in pixels of the OCR image
    digits: bool  # read with a digit whitelist (IDs, numeric dates)
    full: bool = True  # a date printed with day and month (six digits or more), not a year alone
    keep: tuple[int, int] | None = None  # x range of the first reading's value: never painted out of a crop
    year_only: bool = False  # a date whose label asks for the year alone ("Năm sinh"): a year is all of it

    @staticmethod
    def of(spec: LabelSpec, found, cand: Candidate | None) -> Spot | None:
        """The spot of a label's value, or None when it is no person value worth a second look."""
        field = cand.field if cand is not None else spec.field
        if found.slot is None or spec.kind not in KINDS or spec.fallback or field not in FIELDS:
            return None
        x0, y0, x1, y1 = found.slot
        h = float(found.hit.row.height or (y1 - y0) or 1.0)
        printed = found.piece.text if found.piece is not None else ""
        if spec.kind in _ID_KINDS and cand is not None and cand.bbox is not None:
            x0 = max(x0, cand.bbox[0] - round(0.25 * h))  # "CMND số 0282...": the number alone
        words = spec.kind == "date" and any(w in fold(printed).split() for w in _DATE_WORDS)
        if spec.kind == "date" and not words:
            right = cand.bbox[2] if cand is not None and cand.bbox is not None else x0
            x1 = min(x1, round(max(right, x0 + DATE_ROOM * h) + 2 * h))
        elif cand is not None and cand.bbox is not None:
            # Room for a last word the first reading lost, not for the dotted line after the value.
            x1 = min(x1, round(cand.bbox[2] + NAME_ROOM * h))
        if x1 - x0 < h:
            return None
        digits = spec.kind in _ID_KINDS or (spec.kind == "date" and not words)
        full = words or sum(c.isdigit() for c in printed) >= 6
        keep = (cand.bbox[0], cand.bbox[2]) if cand is not None and cand.bbox is not None else None
        year_only = spec.kind == "date" and not full and "ngay" not in fold(found.hit.alias)
        return Spot(field, spec.kind, found.hit.row.page, (x0, y0, x1, y1), h, digits, full, keep, year_only)

    @staticmethod
    def at(cand: Candidate, row: Row) -> Spot | None:
        """The spot of a value found without its label (a card's name found by its zone): its own words."""
        if cand.bbox is None or not row.has_boxes:
            return None
        h = float(row.height or 1.0)
        x0, _, x1, _ = cand.bbox
        top, bottom = band(row.words)
        region = (x0 - round(0.3 * h), top, x1 + round(0.6 * h), bottom)
        return Spot(cand.field, "name", cand.page or row.page, region, h, False, True, (x0, x1))


def _checked(field: str, value: str, fields: Mapping[str, FieldValue] | None = None) -> str | None:
    """A reading as the record has it once checked: an ID with OCR letters read as digits ("O01..." → 001...), a
    first digit read for its 0, or two where the person's birth date proves them (``fields``, the person's
    settled values); other values as they are."""
    if field == "citizen_id":
        return id_check(value, fields or {}).value or value
    if field == "old_id_number":
        return check_old_id(value).value or value
    return value


def weak(fv: FieldValue | None, spot: Spot) -> bool:
    """Whether a settled value deserves a second look. An ID the card's zone proves carries that as a reason, which
    is no cause for one, as it was none before the reason was given."""
    if fv is not None and fv.reasons == (ZONE_PROOF,) and fv.confidence >= WEAK:
        return False
    if fv is None or fv.confidence < WEAK or fv.reasons:
        return True
    if spot.field == "full_name":
        return name_validity(fv.value) < 1.0
    if spot.field == "date_of_birth":
        return len(fv.value) != 10 and spot.full
    return False


People = Sequence[tuple[Mapping[str, list[Candidate]], Sequence[Spot], Mapping[str, FieldValue]]]


class SecondLook:
    """Re-reads the weak person values of one document, and the lines its page reading lost, from its OCR images
    (page number → image path and dpi) and, for names and lost lines on pages read smoothed, from those pages
    before the smoothing (page number → path)."""

    def __init__(self, images: Mapping[int, tuple[str, float]], language: str = "vie",
                 tessdata: str | None = None, best: str | None = None,
                 unsmoothed: Mapping[int, str | None] | None = None) -> None:
        self.images = {n: (p, dpi) for n, (p, dpi) in images.items() if p and Path(p).is_file()}
        # Pages whose OCR image was smoothed: the image before (``OcrPage.unsmoothed_image_path``).
        self.unsmoothed = {n: p for n, p in (unsmoothed or {}).items() if n in self.images and p and Path(p).is_file()}
        self.language = language
        self.tessdata = tessdata  # the models of the first reading (``OcrResult.tessdata``)
        self.best = best  # the folder of tessdata_best (``OcrResult.best_tessdata``)
        self._other: dict[str, str | None] = {}
        self._pages: dict[tuple[int, str], np.ndarray | None] = {}
        # A card's blocks of print by page with the page's print height, and their readings by (page, block), found
        # and made once for the document (extract.card_look).
        self.blocks_found: dict[int, list[tuple[int, tuple[int, int, int, int], float]]] = {}
        self.blocks_read: dict[tuple[int, tuple[int, int, int, int]], list] = {}

    def dpi(self, number: int) -> float:
        return self.images[number][1]

    def page(self, number: int, image: str = "ocr") -> np.ndarray | None:
        """The OCR image of a page (gray), or with ``image="unsmoothed"`` the one before smoothing, read once."""
        if (number, image) not in self._pages:
            path = self.unsmoothed.get(number) if image == "unsmoothed" else self.images.get(number, ("", 0.0))[0]
            self._pages[number, image] = cv2.imread(path, cv2.IMREAD_GRAYSCALE) if path else None
        return self._pages[number, image]

    def revise(self, people: People) -> dict[int, dict[str, list[Candidate]]]:
        """For every person (by position) whose values changed, its new readings per field."""
        asked: list[tuple[int, Spot, Candidate | None]] = []
        for k, (values, spots, fields) in enumerate(people):
            for spot in spots:
                own = next((c for c in values.get(spot.field, []) if c.region == spot.region), None)
                settled = fields.get(spot.field)
                if own is not None and settled is not None and settled.value not in (
                        own.value, _checked(spot.field, own.value, fields)):
                    continue  # another reading was preferred: this one is not what the record says
                if spot.page in self.images and weak(settled, spot):
                    asked.append((k, spot, own))
        if not asked:
            return {}
        readings = self._read([spot for _, spot, _ in asked])
        asked, readings = _rekeyed(asked, readings)
        out: dict[int, dict[str, list[Candidate]]] = {}
        for k in sorted({k for k, _, _ in asked}):
            values, _, fields = people[k]
            mine = [(spot, own, found, self._counted(spot))
                    for (j, spot, own), found in zip(asked, readings, strict=True) if j == k]
            choices = choose_person(mine, fields)
            if choices:
                out[k] = _apply(values, choices)
        log.debug("second look: %d values re-read, %d persons revised", len(asked), len(out))
        return out

    def mrz(self, pages: Sequence[PageText], first: Mrz | None) -> Mrz | None:
        """A card's machine-readable zone read again (``extract.zone_look``)."""
        return reread_zone(self, pages, first)

    def numbers(self, pages: Sequence[PageWords]) -> list[PageWords]:
        """The pages with their numbers' digits read again glyph by glyph (``extract.number_check``)."""
        return check_numbers(self, pages)

    def unread(self, pages: Sequence[PageWords]) -> list[PageWords]:
        """The pages with the lines their reading lost read one by one and added (``extract.lost_lines``)."""
        return read_lost_lines(self, pages)

    def models(self, language: str) -> str | None:
        """The folder of the first reading's models for ``language``, or None for Tesseract's default."""
        return self.tessdata if self.tessdata and usable(self.tessdata, language) else None

    def line_images(self, number: int) -> tuple[str, ...]:
        """The images of a page a lost line is read from: the OCR image, and the page before its smoothing."""
        return ("ocr", "unsmoothed") if number in self.unsmoothed else ("ocr",)

    def _plan(self, spot: Spot) -> list[tuple[str, float, str, str | None, str | None, str]]:
        """The spot's readings: (treatment, enlargement, language, whitelist, folder of models or None, image)."""
        out = []
        for how, scale, language, whitelist, models, image in (DIGIT_PLAN if spot.digits else TEXT_PLAN):
            if image == "unsmoothed" and (spot.page not in self.unsmoothed or spot.kind != "name"):
                continue  # a date in words is read as digits are, from the OCR image alone
            language = self.language if language == "doc" else language
            if models == "first":
                out.append((how, scale, language, whitelist, self.models(language), image))
                continue
            if language not in self._other:
                self._other[language] = other_models(self.tessdata, self.best, language)
            if self._other[language] is not None:
                out.append((how, scale, language, whitelist, self._other[language], image))
        return out

    def _counted(self, spot: Spot) -> int:
        """The readings of the spot that count whether they agree or not: those of the OCR image (readings of the
        unsmoothed page count only where they agree, ``extract.choose.SUPPORTING``)."""
        return sum(image == "ocr" for *_, image in self._plan(spot))

    def _crop(self, spot: Spot, image: str) -> Crop | None:
        """The spot's line cut from one of its page's images; None where there is no such image or no line."""
        page = self.page(spot.page, image)
        crop = cut(page, spot.region, spot.height, self.dpi(spot.page), spot.keep) if page is not None else None
        return value_only(crop, spot.height, spot.keep) if crop is not None and spot.digits else crop

    def _read(self, spots: list[Spot]) -> list[list[Candidate]]:
        """Every spot's crop in every treatment of its plan, read in one Tesseract run per reader, then parsed."""
        jobs: dict[tuple[str, str | None, str | None], list[tuple[int, Treated]]] = {}
        for i, spot in enumerate(spots):
            crops: dict[str, Crop | None] = {}
            for how, scale, language, whitelist, folder, image in self._plan(spot):
                if image not in crops:
                    crops[image] = self._crop(spot, image)
                if crops[image] is not None:
                    treated = treat(crops[image], how, scale)
                    if image != "ocr":  # "reread:gray@1:unsmoothed:vie": ``extract.choose.SUPPORTING``
                        treated = replace(treated, name=f"{treated.name}:{image}")
                    jobs.setdefault((language, whitelist, folder), []).append((i, treated))
        out: list[list[Candidate]] = [[] for _ in spots]
        texts: list[list[str]] = [[] for _ in spots]
        for (language, whitelist, folder), items in jobs.items():
            lines = read_lines([t.image for _, t in items], language=language, whitelist=whitelist,
                               tessdata=folder)
            for (i, treated), words in zip(items, lines, strict=True):
                reader = language if folder == self.models(language) else f"{language}:other"
                texts[i].append(" ".join(w.text for w in words))
                cand = _parse(spots[i], words, treated, reader)
                if cand is not None:
                    out[i].append(cand)
        for spot, found, given in zip(spots, out, texts, strict=True):
            if spot.kind == "date" and spot.digits:
                found += [Candidate(spot.field, iso, 0.0, spot.page, source=VOTED, region=spot.region)
                          for iso in vote_dates(given, date.today())]
        return out


def _rekeyed(asked: list[tuple[int, Spot, Candidate | None]], readings: list[list[Candidate]]
             ) -> tuple[list[tuple[int, Spot, Candidate | None]], list[list[Candidate]]]:
    """An identity paper's spot with no first reading takes the field whose value most of its readings agree on (a
    9-digit CMND number is an old ID, a 12-digit one the personal ID; nine digits that end a 12-digit reading are
    that ID with its first group lost, not an old ID); every spot keeps only the readings of its field."""
    out_asked, out_readings = [], []
    for (k, spot, own), found in zip(asked, readings, strict=True):
        if own is None and spot.kind == "person_id" and found:
            longer = [c.value for c in found if c.field == "citizen_id"]
            found = [c for c in found if c.field == "citizen_id" or not any(v.endswith(c.value) for v in longer)]
            agree = {f: max((sum(c.value == v.value for c in found) for v in found if v.field == f), default=0)
                     for f in _ID_FIELDS}
            spot = replace(spot, field=max(_ID_FIELDS, key=lambda f: (agree[f], f == spot.field)))
        out_asked.append((k, spot, own))
        out_readings.append([c for c in found if c.field == spot.field])
    return out_asked, out_readings


def _parse(spot: Spot, words: list[LineWord], treated: Treated, reader: str) -> Candidate | None:
    """One re-read line as a candidate of the spot's field (page coordinates), or None."""
    if not words:
        return None
    page_words = [Word(w.text, treated.to_page(w.bbox), w.confidence, 0) for w in words]
    text = " ".join(w.text for w in page_words)
    spans, pos = [], 0
    for w in page_words:
        spans.append((pos, pos + len(w.text), w))
        pos += len(w.text) + 1
    cand = read(spot.field, spot.kind, Piece(text, tuple(spans), spot.page))
    # "Giấy tờ tùy thân" first read without a number may hold either kind of ID (``_rekeyed``).
    if cand is None or (cand.field != spot.field and not (spot.kind == "person_id" and cand.field in _ID_FIELDS)):
        return None
    return replace(cand, source=f"reread:{treated.name}:{reader}", region=spot.region)


def _apply(values: Mapping[str, list[Candidate]], choices: list[Choice]) -> dict[str, list[Candidate]]:
    out = {k: list(v) for k, v in values.items()}
    for choice in choices:
        cands = out.setdefault(choice.spot.field, [])
        if choice.replaces is not None:
            cands[:] = [c for c in cands if c is not choice.replaces]
        cands.insert(0, choice.candidate)
    return out
