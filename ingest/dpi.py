"""Choosing a page image's resolution: the file's own, a guess from the paper size, or the operator's.

The DPI decides the searchable PDF's page size and feeds Tesseract's size heuristics, so a wrong value
makes an A4 record print as a poster. Files often carry a software default (72 or 96) rather than the
scanner's resolution, so a claimed value is only trusted when it is plausible for a paper document.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import DPI_FALLBACK, DPI_FROM_FILE, DPI_OVERRIDE

MM_PER_INCH = 25.4
PLAUSIBLE_MIN, PLAUSIBLE_MAX = 72.0, 1200.0
# Defaults written by software that knows nothing about the paper.
_SOFTWARE_DEFAULTS = (72.0, 96.0)
# Anything bigger than A3 with a margin, at a software default, means the default is wrong.
_MAX_PLAUSIBLE_LONG_MM = 500.0

# When guessing: a scan is assumed to be of a standard page if its shape matches and the implied
# resolution is one a scanner would use.
_GUESS_MIN, _GUESS_MAX = 150.0, 600.0
_ASPECT_TOLERANCE = 0.06  # margins and cropping
SMALL_OR_ODD_DPI = 200.0  # ID-card crops, receipts, photos: not a page, so no paper size to go by
_SCANNER_STEPS = (150.0, 200.0, 240.0, 300.0, 400.0, 600.0)
_SNAP_TOLERANCE = 0.04


@dataclass(frozen=True)
class Paper:
    name: str
    short_mm: float
    long_mm: float

    @property
    def aspect(self) -> float:
        return self.long_mm / self.short_mm


A4 = Paper("A4", 210, 297)
# Families by shape; within a family, sizes in order of how common they are among civil records.
_FAMILIES: tuple[tuple[Paper, ...], ...] = (
    (A4, Paper("A3", 297, 420), Paper("A5", 148, 210), Paper("A2", 420, 594), Paper("A1", 594, 841)),
    (Paper("Letter", 215.9, 279.4),),
    (Paper("Legal", 215.9, 355.6),),
)


@dataclass(frozen=True)
class DpiChoice:
    dpi: float
    source: str  # DPI_FROM_FILE | DPI_FALLBACK | DPI_OVERRIDE
    note: str | None = None  # why the file's value was not used, for the document's warnings


def choose(file_dpi: float | None, width: int, height: int, override: float | None = None) -> DpiChoice:
    """The resolution of a ``width`` × ``height`` page image whose file claims ``file_dpi`` (square pixels)."""
    if override is not None:
        return DpiChoice(float(override), DPI_OVERRIDE)
    problem = implausible(file_dpi, width, height)
    if problem is None and file_dpi is not None:
        return DpiChoice(_tidy(file_dpi), DPI_FROM_FILE)
    guess, paper = guess_from_size(width, height)
    assumed = f"assumed {paper}" if paper else "not a standard page size"
    return DpiChoice(guess, DPI_FALLBACK, f"{problem}; {assumed}, using {guess:g} dpi")


def implausible(file_dpi: float | None, width: int, height: int) -> str | None:
    """Why a claimed resolution cannot be trusted, or None if it can."""
    if file_dpi is None or file_dpi <= 0:
        return "the file has no resolution"
    if not PLAUSIBLE_MIN <= file_dpi <= PLAUSIBLE_MAX:
        return f"the file's resolution ({file_dpi:g} dpi) is implausible for a scan"
    if any(abs(file_dpi - d) < 0.5 for d in _SOFTWARE_DEFAULTS):
        long_mm = max(width, height) / file_dpi * MM_PER_INCH
        if long_mm > _MAX_PLAUSIBLE_LONG_MM:
            return (
                f"the file's resolution ({file_dpi:g} dpi) is a software default: it would make the page "
                f"{long_mm / 10:.0f} cm long"
            )
    return None


def guess_from_size(width: int, height: int) -> tuple[float, str | None]:
    """A resolution assuming the best-fitting standard paper, or the small-image default."""
    long_px, short_px = max(width, height), min(width, height)
    aspect = long_px / short_px
    family = min(_FAMILIES, key=lambda fam: abs(aspect / fam[0].aspect - 1))
    if abs(aspect / family[0].aspect - 1) <= _ASPECT_TOLERANCE:
        for paper in family:
            dpi = (long_px / paper.long_mm + short_px / paper.short_mm) / 2 * MM_PER_INCH
            if _GUESS_MIN <= dpi <= _GUESS_MAX:
                return _snap(dpi), paper.name
    return SMALL_OR_ODD_DPI, None


def _tidy(dpi: float) -> float:
    # PNG stores pixels per metre as an integer: 300 dpi reads back as 299.9994, 72 as 72.009.
    nearest = round(dpi)
    return float(nearest) if abs(dpi - nearest) < 0.05 else round(dpi, 2)


def _snap(dpi: float) -> float:
    # A cropped 300 dpi scan gives 291 dpi by arithmetic; the scanner certainly used 300.
    for step in _SCANNER_STEPS:
        if abs(dpi / step - 1) <= _SNAP_TOLERANCE:
            return step
    return float(round(dpi))
