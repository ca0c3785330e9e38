"""What a document is: its printed title first, the labels only its type prints second.

Every record carries "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", and a decision may speak of "khai sinh" in its body,
so words alone say little. The title is looked for among the upper-case rows of the top half of the first page
(alone, or two or three rows together: "GIẤY CHỨNG NHẬN" / "QUYỀN SỬ DỤNG ĐẤT"), fuzzily on accent-folded text
so that "GIẤY KHATI STNH" is still a birth certificate. Labels (``evidence`` in the templates) decide between
close titles ("TRÍCH LỤC KHAI SINH" / "TRÍCH LỤC KHAI TỬ") and carry pages whose title OCR lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from config.templates import LabelSpec, Template, load_templates
from extract.label_text import phrase_score, skeleton
from extract.labels import LabelIndex
from extract.layout import PageText, Row
from extract.mrz import looks_like_mrz

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
TITLE_ZONE = 0.55  # share of the first page's height where a title is looked for
TITLE_ROWS_NO_BOXES = 20  # rows looked at when a page has no geometry
TITLE_FLOOR, TITLE_FULL = 0.70, 0.95  # similarity giving no title evidence / full title evidence
EVIDENCE_FULL = 3  # labels of a type found on the pages for full label evidence
MRZ_LINES = 3
W_TITLE, W_EVIDENCE = 0.6, 0.4
MIN_SCORE = 0.10  # below this the document is "unknown"
MIN_LEAD = 0.05  # ... and when two types score within this of each other
MARGIN_FULL = 0.25  # lead over the runner-up that leaves the confidence undiminished
UPPER_SHARE = 0.7  # titles are printed in capitals


@dataclass(frozen=True)
class Classification:
    doc_type: str
    confidence: float
    title: tuple[Row, ...] = ()  # the row(s) read as the title, empty when none was found
    scores: dict[str, float] = field(default_factory=dict)


def classify(pages: list[PageText], templates: Sequence[Template] | None = None) -> tuple[str, float]:
    found = classify_detail(pages, templates)
    return found.doc_type, found.confidence


def classify_detail(pages: list[PageText], templates: Sequence[Template] | None = None) -> Classification:
    templates = tuple(templates) if templates is not None else tuple(load_templates())
    rows = [r for p in pages for r in p.rows]
    if not rows or not templates:
        return Classification(UNKNOWN, 0.0)
    candidates = _title_candidates(next(p for p in pages if p.rows))
    evidence = label_evidence(templates, rows)
    zone = sum(looks_like_mrz(r) for r in rows)
    for t in templates:
        if t.mrz and zone:
            # Each line of a machine-readable zone is a label only a card prints, however garbled its letters.
            evidence[t.doc_type] = evidence.get(t.doc_type, 0) + min(zone, MRZ_LINES)
    scores: dict[str, float] = {}
    titles: dict[str, tuple[Row, ...]] = {}
    for t in templates:
        sim, where = _title_similarity(t, candidates)
        title_part = min(1.0, max(0.0, (sim - TITLE_FLOOR) / (TITLE_FULL - TITLE_FLOOR)))
        evidence_part = min(1.0, evidence.get(t.doc_type, 0) / EVIDENCE_FULL)
        scores[t.doc_type] = round(W_TITLE * title_part + W_EVIDENCE * evidence_part, 4)
        titles[t.doc_type] = where if title_part > 0 else ()
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    log.debug("doc type scores %s", ranked[:3])
    if score < MIN_SCORE or score - runner_up < MIN_LEAD:
        return Classification(UNKNOWN, round(1.0 - score, 4), (), scores)
    confidence = score * (0.6 + 0.4 * min(1.0, (score - runner_up) / MARGIN_FULL))
    return Classification(best, round(min(1.0, confidence), 4), titles[best], scores)


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _title_candidates(page: PageText) -> list[tuple[tuple[Row, ...], str, bool]]:
    """(rows, skeleton, upper case) for runs of one to three consecutive rows (or OCR lines) in the title zone."""
    out = []
    seen: set[str] = set()
    for rows in (page.rows, page.lines):
        if page.has_boxes and page.height:
            zone = [r for r in rows if (r.bbox[1] + r.bbox[3]) / 2 <= TITLE_ZONE * page.height]
        else:
            zone = list(rows[:TITLE_ROWS_NO_BOXES])
        for i in range(len(zone)):
            for n in (1, 2, 3):
                run = tuple(zone[i:i + n])
                if len(run) < n:
                    break
                text = " ".join(r.text for r in run)
                sk = skeleton(text)
                if sk and sk not in seen:
                    seen.add(sk)
                    out.append((run, sk, _upper_share(text) >= UPPER_SHARE))
    return out


def _title_similarity(t: Template, candidates: list[tuple[tuple[Row, ...], str, bool]]) -> tuple[float, tuple]:
    best, where = 0.0, ()
    for title in t.titles:
        tsk = skeleton(title)
        for rows, sk, upper in candidates:
            sim = Levenshtein.normalized_similarity(tsk, sk)
            if upper and len(sk) > len(tsk):
                # Junk from stamps or a "(BẢN SAO)" on the same row: the title as a part of an upper-case row.
                sim = max(sim, 0.97 * phrase_score(tsk, sk))
            if sim > best:
                best, where = sim, rows
    return best, where


@lru_cache(maxsize=8)
def _evidence_index(templates: tuple[Template, ...]) -> tuple[LabelIndex, dict[int, str], dict[str, set[str]]]:
    """All labels of all types competing in one index; a type's own labels and evidence count for it unless
    another type prints them too.

    A phrase that another type also prints ("Nơi sinh", "Số định danh cá nhân") is no evidence; letting every
    label compete makes "Họ và tên chủ hộ" a household label rather than a fuzzy "Họ và tên cha".
    """
    printed = {t.doc_type: {skeleton(a) for spec in t.labels for a in spec.aliases} | {skeleton(e) for e in t.evidence}
               for t in templates}
    shared = {k: set().union(*(v for other, v in printed.items() if other != k)) for k in printed}
    specs: list[LabelSpec] = []
    owner: dict[int, str] = {}
    for t in templates:
        own = ([LabelSpec(None, "text", t.evidence)] if t.evidence else []) + list(t.labels)
        for spec in own:
            owner[id(spec)] = t.doc_type
        specs += own
    return LabelIndex(specs), owner, shared


def label_evidence(templates: tuple[Template, ...], rows: Sequence[Row]) -> dict[str, int]:
    """Per type, how many of the labels only it prints are found in ``rows``."""
    index, owner, shared = _evidence_index(templates)
    found: dict[str, set[str]] = {}
    for row in rows:
        for hit in index.find(row):
            doc_type = owner.get(id(hit.spec))
            sk = skeleton(hit.alias)
            if doc_type is not None and sk not in shared[doc_type]:
                found.setdefault(doc_type, set()).add(sk)
    return {k: len(v) for k, v in found.items()}
