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


# --- ingest: why an input file was refused -------------------------------------------------------------
# Each code is part of the document record; the message is shown to the clerk, so it says what to do.


class EmptyFileError(BadInputError):
    """The file has no bytes at all (usually an interrupted copy or scan)."""

    code = "empty_file"


class UnsupportedFormatError(BadInputError):
    """Not a PNG, JPEG, TIFF or PDF, judged by its bytes (the file name is not trusted)."""

    code = "unsupported_format"


class TruncatedImageError(BadInputError):
    """The image stops before all of its pixels (or pages) are present."""

    code = "truncated_image"


class CorruptImageError(BadInputError):
    """The image is complete in length but its data cannot be decoded."""

    code = "corrupt_image"


class ImageTooLargeError(BadInputError):
    """A page claims more pixels than the configured limit; refused before decoding."""

    code = "image_too_large"


class EncryptedPdfError(BadInputError):
    """The PDF needs a user password to be opened."""

    code = "encrypted_pdf"


class CorruptPdfError(BadInputError):
    """The PDF cannot be read, or a page of it cannot be rendered."""

    code = "corrupt_pdf"


class PdfDamagedXrefError(BadInputError):
    """The PDF's cross-reference table had to be rebuilt; refused unless repair is asked for."""

    code = "pdf_damaged_xref"


class TooManyPagesError(BadInputError):
    """More pages than the configured limit."""

    code = "too_many_pages"


class NoPagesError(BadInputError):
    """A well-formed file without a single page."""

    code = "no_pages"


# --- external programs -----------------------------------------------------------------------------------
# Not BadInputError: a missing or hanging tool is the machine's problem, and retrying may help.


class ToolError(SohoaError):
    """An external program (pdftoppm, pdftotext, ...) failed; ``stderr`` keeps its last words."""

    code = "tool_failed"

    # Defaults on every extra argument: exceptions are pickled across the process pool and rebuilt
    # from ``args`` (the message) alone, with the attributes restored from ``__dict__``.
    def __init__(
        self,
        message: str,
        *,
        tool: str = "",
        returncode: int | None = None,
        stderr: str = "",
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.tool = tool
        self.returncode = returncode
        self.stderr = stderr


class ToolTimeoutError(ToolError):
    """An external program did not finish in time and was killed."""

    code = "tool_timeout"


class ToolMissingError(ToolError):
    """An external program is not installed."""

    code = "tool_missing"
