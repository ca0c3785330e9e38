"""Text normalisation and character error rate, shared by every OCR measurement."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

_WS = re.compile(r"\s+")
_LEADER = re.compile(r"(?:[.…·](?: ?[.…·])){2,}")


def normalize_text(s: str) -> str:
    """NFC, whitespace runs (newlines included) to one space, stripped.

    Newlines count as spaces so that a page's truth lines joined by "\\n" compare fairly with OCR output
    whose line breaks fall elsewhere.
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", s)).strip()


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein edits / reference length, both sides normalised.

    Can exceed 1.0 when the hypothesis is much longer than the reference (OCR of noise). An empty reference
    scores 0.0 against an empty hypothesis and 1.0 against anything else.
    """
    ref = normalize_text(reference)
    hyp = normalize_text(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


def reference_text(truth: dict, page: int | None = None) -> str:
    """The truth text of one page (0-based) or of the whole document, lines joined by newlines."""
    pages = truth["pages"] if page is None else [truth["pages"][page]]
    return "\n".join(line for p in pages for line in p["lines"])


def cer_unordered(reference: str | Sequence[str], hypothesis: str) -> float:
    """CER that forgives reading order: each reference line is scored against its best-matching span.

    Two-block headers and two-column pages are read row by row by most OCR engines; `cer` charges that as
    errors, this does not. Each reference line (longest first) takes the closest not yet used span of the
    hypothesis; hypothesis text left over counts as insertions. Runs of leader dots count as one "…" on
    both sides, since their length says nothing about recognition. An approximation for diagnosis, not a
    replacement for `cer`.
    """
    lines = reference.splitlines() if isinstance(reference, str) else list(reference)
    refs = sorted((r for r in (_LEADER.sub("…", normalize_text(x)) for x in lines) if r), key=len, reverse=True)
    hyp = list(_LEADER.sub("…", normalize_text(hypothesis)))
    total_ref = sum(len(r) for r in refs)
    if not total_ref:
        return 0.0 if not hyp else 1.0
    errors = 0
    for r in refs:
        text = "".join(hyp)
        if not text.strip("\x00 "):
            errors += len(r)
            continue
        al = fuzz.partial_ratio_alignment(r, text)
        start, end = (al.dest_start, al.dest_end) if al is not None else (0, 0)
        span = text[start:end]
        errors += Levenshtein.distance(r, span.replace("\x00", ""))
        hyp[start:end] = ["\x00"] * (end - start)  # used: later lines must find their own occurrence
    errors += sum(1 for c in hyp if c not in ("\x00", " "))
    return errors / total_ref
