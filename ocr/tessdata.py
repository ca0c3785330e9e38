"""Which folder of Tesseract models sohoa reads with.

Debian's ``tesseract-ocr-vie`` is the small tessdata_fast model; ``.ci/tessdata`` installs the larger
tessdata_best one (integerized) into a project-local folder, with links to the system's other models and
configs, because Tesseract takes every model and config from one folder. A folder is used only when it holds
every language asked for and the output configs; otherwise Tesseract keeps its own default folder (the
system's models, or ``TESSDATA_PREFIX`` if the operator set it), so a missing install costs accuracy, never a
failure.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

# Where .ci/tessdata installs the models when SOHOA_TESSDATA_DIR is not set: var/tessdata in the project.
PROJECT_DIR = Path(__file__).resolve().parents[1] / "var" / "tessdata"
CONFIGS = ("hocr", "tsv")  # what OCRmyPDF and pytesseract ask Tesseract for


def usable(folder: str | Path, languages: str) -> bool:
    """Whether Tesseract can read ``languages`` ("vie", "vie+eng") with every model taken from ``folder``."""
    path = Path(folder)
    langs = [lang for lang in languages.split("+") if lang]
    return (
        bool(langs)
        and all((path / f"{lang}.traineddata").is_file() for lang in langs)
        and all((path / "configs" / name).is_file() for name in CONFIGS)
    )


def resolve(setting: str | Path | None, languages: str = "vie") -> str | None:
    """The folder to hand Tesseract for ``languages``, or None for Tesseract's own default.

    ``setting`` is ``SOHOA_TESSDATA_DIR``: unset means the project's ``var/tessdata`` when it is installed.
    """
    folder = Path(setting) if setting else PROJECT_DIR
    if usable(folder, languages):
        return str(folder.resolve())
    if setting:
        _warn_once(str(folder), languages)
    return None


@contextmanager
def models_from(folder: str | None) -> Iterator[None]:
    """Tesseract runs started meanwhile by this process (OCRmyPDF's, which take their environment from it) read
    their models from ``folder``; None leaves them as they are."""
    if not folder:
        yield
        return
    before = os.environ.get("TESSDATA_PREFIX")
    os.environ["TESSDATA_PREFIX"] = folder
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TESSDATA_PREFIX", None)
        else:
            os.environ["TESSDATA_PREFIX"] = before


@cache
def _warn_once(folder: str, languages: str) -> None:
    log.warning("SOHOA_TESSDATA_DIR %s lacks models for %s or Tesseract's configs: using the system's models",
                folder, languages)
