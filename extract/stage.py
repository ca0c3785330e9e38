"""The extract stage: document type, fields and persons from the OCR words.

Issue 2 fixes the record's shape only; recognising the document types, fields and persons from the
templates in ``config/`` is issue 3. Until then every document is ``unknown`` with no persons.
"""

from __future__ import annotations

from extract.model import Extraction
from ocr.result import OcrResult


def extract_document(ocr: OcrResult) -> Extraction:
    return Extraction()
