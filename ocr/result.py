"""What the OCR stage hands on: plain data, picklable, so it crosses process and rq boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OcrPage:
    number: int
    width: int  # of the upright page image (the frame of the hOCR boxes)
    height: int
    dpi: float
    dpi_source: str
    rotation: int  # clockwise degrees applied to the scan to make it upright
    skew_deg: float
    binarization: str | None
    text_layer: bool  # the PDF page already had text: not OCR'd, text taken from it
    text: str
    mean_confidence: float | None
    word_count: int
    hocr_path: str | None  # None for text-layer pages
    # The cleaned image Tesseract read (the hOCR frame), while the work folder exists: for a second look at
    # weak fields. None for text-layer pages and once the document is committed.
    ocr_image_path: str | None = None
    # The same page flattened but not smoothed (``PreparedPage.unsmoothed``), where the OCR image was smoothed;
    # like ``ocr_image_path``, only while the work folder exists.
    unsmoothed_image_path: str | None = None


@dataclass(frozen=True)
class OcrResult:
    pdf_path: str  # the searchable PDF/A-2b, not yet stamped with doc_type (see ocr.pdfmeta)
    pages: list[OcrPage]
    engine: str
    language: str
    warnings: list[str] = field(default_factory=list)
    tessdata: str | None = None  # the folder of models Tesseract read the pages with; None: its own default
    best_tessdata: str | None = None  # the folder of tessdata_best when installed (``ocr.tessdata``)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages if p.text)

    @property
    def mean_confidence(self) -> float | None:
        scored = [(p.mean_confidence, p.word_count) for p in self.pages if p.mean_confidence is not None]
        words = sum(n for _, n in scored)
        if not words:
            return None
        return round(sum(c * n for c, n in scored) / words, 4)
