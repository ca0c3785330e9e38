"""Scan quality flags: which pages the scanner operator should scan again, and why.

Circular 05/2025/TT-BNV asks for at least 200 dpi and 24-bit colour for administrative papers. Besides
those, a page is flagged when it is blank or nearly so, when its writing runs into an image edge (cut off),
when it is too dark or too faint, and when OCR read it with low confidence. Image facts come from the page
as scanned (before cleanup, :mod:`ocr.scan_facts`), confidence from OCR; thresholds are data
(:class:`QualityThresholds`, from the settings).

A flag never fails a document: it is advice, stored with the page (``pages[].quality``) and listed by
``sohoa rescan``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np

from config.quality_messages import quality_message
from ingest.model import DPI_FALLBACK, Page
from ocr.result import OcrPage
from ocr.scan_facts import ScanFacts, measure

log = logging.getLogger(__name__)

LOW_DPI = "low_dpi"
NOT_COLOUR = "not_colour"
BLANK = "blank"
CUT_OFF = "cut_off"
TOO_DARK = "too_dark"
TOO_FAINT = "too_faint"
LOW_CONFIDENCE = "low_confidence"
CODES = (LOW_DPI, NOT_COLOUR, BLANK, CUT_OFF, TOO_DARK, TOO_FAINT, LOW_CONFIDENCE)
ALL_TYPES = "*"


@dataclass(frozen=True)
class QualityThresholds:
    """When a page gets a flag. Defaults follow Circular 05/2025/TT-BNV and the measurements in the README."""

    min_dpi: float = 200.0
    # Document types whose scans must be in colour: "*" all (every civil record is an administrative paper
    # and its red seal is part of the evidence), none when empty.
    colour_required_for: tuple[str, ...] = (ALL_TYPES,)
    min_confidence: float = 0.6
    blank_ink_share: float = 0.002  # marks on less of the page than this: blank or nearly blank
    dark_paper_level: float = 130.0  # 0-255: paper darker than this is a too dark scan
    faint_ink_contrast: float = 0.30  # the writing's core less than this much darker than its paper
    cut_min_marks: int = 3  # this many separate marks touching one edge ...
    cut_min_span: float = 0.15  # ... spread over at least this share of its length

    @classmethod
    def from_settings(cls, settings) -> QualityThresholds:
        """From ``config.settings.Settings`` (the ``SOHOA_QUALITY_*`` variables)."""
        colour = tuple(t.strip() for t in settings.quality_colour_required.split(",") if t.strip())
        return cls(
            min_dpi=settings.quality_min_dpi,
            colour_required_for=colour,
            min_confidence=settings.quality_min_confidence,
            blank_ink_share=settings.quality_blank_ink_share,
            dark_paper_level=settings.quality_dark_paper_level,
            faint_ink_contrast=settings.quality_faint_ink_contrast,
        )

    def colour_required(self, doc_type: str | None) -> bool:
        return ALL_TYPES in self.colour_required_for or (doc_type or "unknown") in self.colour_required_for


@dataclass(frozen=True)
class QualityFlag:
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return quality_message(self.code, self.params, "en")

    def as_record(self) -> dict:
        return {"code": self.code, "message": self.message, "params": dict(self.params)}


def _pct(share: float) -> float:
    return round(100.0 * share, 2)


def judge_image(facts: ScanFacts, *, dpi: float, dpi_source: str, colour_required: bool,
                thresholds: QualityThresholds) -> list[QualityFlag]:
    """The flags a scan's image facts earn (confidence aside)."""
    t = thresholds
    flags = []
    if dpi < t.min_dpi:
        estimated = dpi_source == DPI_FALLBACK
        flags.append(QualityFlag(LOW_DPI, {"dpi": round(dpi), "min_dpi": round(t.min_dpi), "estimated": estimated}))
    if colour_required and facts.colour != "colour":
        flags.append(QualityFlag(NOT_COLOUR, {"kind": facts.colour}))
    blank = facts.ink_share < t.blank_ink_share
    if blank:
        flags.append(QualityFlag(BLANK, {"ink_pct": _pct(facts.ink_share)}))
    cut = [m.side for m in facts.edge_marks if m.count >= t.cut_min_marks and m.span_share >= t.cut_min_span]
    if cut and not blank:
        flags.append(QualityFlag(CUT_OFF, {"sides": cut}))
    if facts.paper_level < t.dark_paper_level:
        flags.append(QualityFlag(TOO_DARK, {"paper_pct": round(100.0 * facts.paper_level / 255.0)}))
    elif not blank and facts.ink_contrast < t.faint_ink_contrast:
        flags.append(QualityFlag(TOO_FAINT, {"contrast_pct": round(100.0 * facts.ink_contrast)}))
    return flags


def judge_confidence(
    mean_confidence: float | None, *, blank: bool, thresholds: QualityThresholds
) -> QualityFlag | None:
    """Low OCR confidence; a page with no words at all counts, unless it is blank (nothing to read)."""
    if blank:
        return None
    if mean_confidence is None or mean_confidence < thresholds.min_confidence:
        conf = None if mean_confidence is None else round(mean_confidence, 2)
        return QualityFlag(LOW_CONFIDENCE, {"confidence": conf, "min_confidence": thresholds.min_confidence})
    return None


def is_born_digital(page: Page) -> bool:
    """A PDF page with its own text and no scan image in it: not the scanner operator's work."""
    return page.text_layer and page.dpi_source == DPI_FALLBACK


def assess_page(image: np.ndarray, page: Page, ocr_page: OcrPage | None, doc_type: str | None,
                thresholds: QualityThresholds) -> list[QualityFlag]:
    if is_born_digital(page):
        return []
    facts = measure(image, page.dpi)
    flags = judge_image(facts, dpi=page.dpi, dpi_source=page.dpi_source,
                        colour_required=thresholds.colour_required(doc_type), thresholds=thresholds)
    if ocr_page is not None and not ocr_page.text_layer:
        low = judge_confidence(ocr_page.mean_confidence, blank=any(f.code == BLANK for f in flags),
                               thresholds=thresholds)
        if low is not None:
            flags.append(low)
    return flags


def assess_document(pages: list[Page], ocr_pages: list[OcrPage], doc_type: str | None,
                    thresholds: QualityThresholds) -> dict[int, list[QualityFlag]]:
    """Flags per page number, reading each page image as scanned. A page that cannot be measured gets no
    flags and a log line: quality control is advice and must never fail a document."""
    by_number = {p.number: p for p in ocr_pages}
    out: dict[int, list[QualityFlag]] = {}
    for page in pages:
        try:
            image = cv2.imread(page.image_path, cv2.IMREAD_UNCHANGED)
            if image is None:
                raise ValueError("page image unreadable")
            if image.ndim == 3 and image.shape[2] == 4:
                image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
            out[page.number] = assess_page(image, page, by_number.get(page.number), doc_type, thresholds)
        except Exception:  # advice only: a bug here must not cost the document
            log.exception("page %d: scan quality could not be measured", page.number)
            out[page.number] = []
    return out
