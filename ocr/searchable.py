"""One OCRmyPDF run per document: page PDF in, PDF/A-2b with an invisible text layer out, hOCR kept.

OCRmyPDF is told not to rotate or deskew (sohoa has already turned the page upright, see ``ocr.prepare``)
and reads sohoa's cleaned image through ``ocr.ocrmypdf_plugin``.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ocrmypdf
from ocrmypdf import exceptions as ox

from ingest.errors import BadInputError, OcrError
from ocr.tessdata import models_from

log = logging.getLogger(__name__)

PLUGIN = "ocr.ocrmypdf_plugin"
# Tesseract's settings for the page (no line tried as white on black: see the file); OCRmyPDF hands Tesseract
# settings as files only.
PAGE_SETTINGS = Path(__file__).with_name("page.cfg")

# OCRmyPDF logs every page at INFO; a batch of thousands would bury sohoa's own messages.
logging.getLogger("ocrmypdf").setLevel(logging.WARNING)


@contextmanager
def _stdio_kept() -> Iterator[None]:
    """sys.stdout and sys.stderr as they were. OCRmyPDF checks its output with pikepdf's check_linearization,
    which (pikepdf 10.18) leaves sys.stderr pointing to its StringIO when the file is not linearized, as ours
    never is: everything the process wrote to stderr afterwards (rich consoles, warnings) was lost."""
    out, err = sys.stdout, sys.stderr
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def limit_threads() -> None:
    """Tesseract's OpenMP threads oversubscribe the cores when several workers run (38-172 s instead of 1 s)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"


def strip_actions(src: str | Path, dst: str | Path) -> Path:
    """A copy of a born-digital PDF without document-level actions (open actions, JavaScript).

    PDF/A forbids scripts, and OCRmyPDF's own PDF/A writer refuses what its validator cannot check; a
    record's PDF loses nothing by not jumping to a page or running code when opened.
    """
    import pikepdf

    with pikepdf.open(src) as pdf:
        root = pdf.Root
        for key in ("/OpenAction", "/AA"):
            if key in root:
                del root[key]
        names = root.get("/Names")
        if names is not None and "/JavaScript" in names:
            del names["/JavaScript"]
        pdf.save(dst)
    return Path(dst)


def run_ocrmypdf(
    input_pdf: str | Path,
    output_pdf: str | Path,
    *,
    languages: list[str],
    hocr_out: str | Path,
    ocr_images: str | Path | None,
    skip_text: bool = False,
    thresholding: str | None = None,
    timeout: float = 180.0,
    tessdata: str | None = None,
) -> None:
    """``tessdata``: the folder of models Tesseract reads with (``ocr.tessdata``), None for its default."""
    limit_threads()
    Path(hocr_out).mkdir(parents=True, exist_ok=True)
    kwargs: dict = {
        "language": languages,
        "output_type": "pdfa-2",
        # Debian 12 ships Ghostscript 10.0.0, which OCRmyPDF refuses for PDFs with text; its own PDF/A writer
        # needs no Ghostscript and fails loudly instead of falling back to a plain PDF.
        "pdfa_backend": "internal",
        "jobs": 1,
        "use_threads": True,
        "progress_bar": False,
        "optimize": 0,
        "rotate_pages": False,
        "deskew": False,
        "tesseract_timeout": timeout,
        "plugins": [PLUGIN],
        "sohoa_hocr_out": str(hocr_out),
        "sohoa_ocr_images": str(ocr_images) if ocr_images else None,
    }
    if skip_text:
        kwargs["mode"] = "skip"
    if thresholding:
        kwargs["tesseract_thresholding"] = thresholding
    try:
        with models_from(tessdata), _stdio_kept():
            code = ocrmypdf.ocr(input_pdf, output_pdf, tesseract_config=[str(PAGE_SETTINGS)], **kwargs)
    except ox.EncryptedPdfError:
        raise BadInputError("the PDF is protected by a password; export it without one", code="encrypted_pdf") from None
    except (ox.InputFileError, ox.UnsupportedImageFormatError) as exc:
        raise BadInputError(f"the PDF cannot be read: {exc or 'damaged file'}", code="corrupt_pdf") from None
    except ox.MissingDependencyError as exc:
        raise OcrError(f"a required program is missing: {exc}", code="missing_dependency") from None
    except ox.SubprocessOutputError as exc:
        raise OcrError(f"Tesseract or Ghostscript failed: {exc}", code="ocr_failed") from None
    except ox.ExitCodeException as exc:
        raise OcrError(f"OCRmyPDF failed ({type(exc).__name__}): {exc}", code="pdf_failed") from None
    if code != ox.ExitCode.ok:
        raise OcrError(f"OCRmyPDF exited with {code!r}", code="pdf_failed")
