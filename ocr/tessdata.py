"""Which folder of Tesseract models sohoa reads with.

Debian's ``tesseract-ocr-vie`` is the small tessdata_fast model; ``.ci/tessdata`` installs the larger
tessdata_best one (integerized) into a project-local folder, with links to the system's other models and
configs, because Tesseract takes every model and config from one folder. A folder is used only when it holds
every language asked for and the output configs; otherwise Tesseract keeps its own default folder (the
system's models, or ``TESSDATA_PREFIX`` if the operator set it), so a missing install costs accuracy, never a
failure.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

# Where .ci/tessdata installs the models when SOHOA_TESSDATA_DIR is not set: var/tessdata in the project.
PROJECT_DIR = Path(__file__).resolve().parents[1] / "var" / "tessdata"
CONFIGS = ("hocr", "tsv")
PAGE_MODELS = ("fast", "best")  # what OCRmyPDF and pytesseract ask Tesseract for


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


@cache
def default_dir() -> str | None:
    """The folder Tesseract reads from when not told (``TESSDATA_PREFIX`` or its built-in one), or None."""
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'"(.+?)/?"', out.stdout + out.stderr)
    return found.group(1) if found else None


def page_models(setting: str | Path | None, languages: str, which: str) -> tuple[str | None, str | None]:
    """(folder the page is read with, folder of tessdata_best), either None for Tesseract's default / none.

    ``which`` is ``SOHOA_PAGE_MODELS``: "fast" reads pages with Tesseract's default models (Debian's
    tessdata_fast), "best" with the folder's when it is installed."""
    if which not in PAGE_MODELS:
        raise ValueError(f"page models must be one of {PAGE_MODELS}, not {which!r}")
    best = resolve(setting, languages)
    return (best if which == "best" else None), best


def other_models(folder: str | None, best: str | None, languages: str = "vie") -> str | None:
    """The folder of other models for ``languages`` than those in ``folder`` (None: Tesseract's default):
    tessdata_best's (``best``) when the page was read with the system's, the system's when it was read with
    tessdata_best; None when there is no other (a second reading with the same model only repeats the first)."""
    first = folder or default_dir()
    for candidate in (best, default_dir()):
        if candidate and usable(candidate, languages) and not _same(candidate, first, languages):
            return candidate
    return None


def _same(a: str, b: str | None, languages: str) -> bool:
    if b is None:
        return False
    return all(_digest(str(Path(a) / f"{lang}.traineddata")) == _digest(str(Path(b) / f"{lang}.traineddata"))
               for lang in languages.split("+") if lang)


@cache
def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return path


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
