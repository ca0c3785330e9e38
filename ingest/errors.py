"""Typed errors of the pipeline.

Every error a stage raises on purpose carries a stable ``code`` (snake_case, part of the document record's
``error.code``) and a message written for the records clerk. ``ingest`` is the first stage and every later
stage may import it, so the base class lives here.
"""

from __future__ import annotations


class SohoaError(Exception):
    """Base of sohoa's own errors: a stable code plus a human message."""

    code: str = "internal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message

    def as_record(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class BadInputError(SohoaError):
    """The input file itself is unusable (the batch goes on; the original is kept; exit code 3)."""

    code = "bad_input"


class OcrError(SohoaError):
    """OCR or PDF/A generation failed for reasons other than the input (retrying may help)."""

    code = "ocr_failed"
