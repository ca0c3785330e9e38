"""The extract stage: document type, fields and persons from the OCR words (templates in ``config/templates``).

Citizen links are not made here: matching needs the registry, so it runs where the registry is (see
``workers.pipeline.match_step``).
"""

from __future__ import annotations

from extract.fields import extraction_from_ocr
from extract.model import Extraction
from ocr.result import OcrResult


def extract_document(ocr: OcrResult) -> Extraction:
    return extraction_from_ocr(ocr)
