"""Document fields that no label introduces: the dated line, the issuing organ in the header or over the
signature, a known authority's name, a value copied from a person (a card's number is its holder's ID)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from config.templates import SourceSpec
from extract.dates import parse_date
from extract.label_text import phrase_score, skeleton
from extract.layout import PageText, Row
from extract.model import Person
from extract.pieces import Piece, trim
from extract.text import near_word
from extract.values import Candidate

# "Long Hậu, ngày 12 tháng 4 năm 2005": a place (capitalised words, no digits), a comma, then the date, whose
# first word is "ngày" a letter off at most ("tgày", "ngây" on hard scans; ``parse_date`` reads past it).
# Lookarounds, not consumed characters: the separator before a place and the day word stay free for the next match
# ("Xã Tân Phú, Đồng Phú, ngày …": the place that is followed by the date may follow another comma).
_PLACE_DATE = re.compile(r"(?<![^\s.,;:])([^\W\d_][\w'’\-]*(?:\s+[^\W\d_][\w'’\-]*){0,5})\s*,\s*(?=(\S+)\s)")
_DAY_WORD = "ngay"  # folded
_NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
_MOTTO = "Độc lập - Tự do - Hạnh phúc"
_UNITS = ("huyen", "quan", "thi xa", "thanh pho", "xa", "phuong", "thi tran", "tinh")
_SIGNED_FOR = re.compile(r"^\s*(?:TM|KT|TL|TUQ)\s*[.,]\s*", re.IGNORECASE)
PHRASE_MATCH = 0.85
HEADER_LEFT = 0.45  # share of the page width the issuing organ's block stays within when no header is found


def _cand(field: str, piece: Piece, value: str, factor: float = 1.0, source: str = "layout") -> Candidate:
    return Candidate(field, value, piece.confidence * factor, piece.page, piece.bbox, source=source)


def place_date(spec: SourceSpec, pages: Sequence[PageText]) -> Candidate | None:
    """The first "Place, ngày … tháng … năm …" of the document (decisions: the header; others: the signature)."""
    for page in pages:
        for row in page.rows:
            for m in _PLACE_DATE.finditer(row.text):
                if not m.group(1)[0].isupper() or not near_word(m.group(2), _DAY_WORD):
                    continue
                parsed = parse_date(row.text[m.start(2):])
                # The date the day word opens, not one further on the row ("…, nay là … ngày 5 tháng 3 năm 2019").
                if parsed is None or len(parsed.value) != 10 or parsed.form == "numeric" \
                        or parsed.span[0] > len(m.group(2)) + 1:
                    continue
                offset = m.start(2)
                piece = Piece.of_row(row, offset + parsed.span[0], offset + parsed.span[1])
                return _cand(spec.field, piece, parsed.value, 0.85 if parsed.repaired else 1.0)
    return None


def _national_x(rows: Sequence[Row]) -> float | None:
    """Left edge of the national header, which the issuing organ's block stands left of."""
    target = skeleton(_NATIONAL).split()[:3]
    for row in rows:
        folded = [skeleton(w.text) for w in row.words]
        for i in range(len(folded) - 2):
            if sum(a == b for a, b in zip(folded[i:i + 3], target, strict=True)) >= 2:
                return float(row.words[i].bbox[0])
    return None


def header_organ(spec: SourceSpec, pages: Sequence[PageText], title: Sequence[Row]) -> Candidate | None:
    """The issuing organ, top left above the title ("ỦY BAN NHÂN DÂN" / "HUYỆN GIỒNG RIỀNG")."""
    page = next((p for p in pages if p.rows), None)
    if page is None or not page.has_boxes:
        return None
    top = title[0].bbox[1] if title else page.height * 0.3
    rows = [r for r in page.rows if r.bbox[3] <= top]
    limit = _national_x(rows)
    if limit is None:
        limit = HEADER_LEFT * page.width
    lines: list[Piece] = []
    for row in rows:
        words = [w for w in row.words if (w.bbox[0] + w.bbox[2]) / 2 < limit]
        if not words:
            continue
        text = " ".join(w.text for w in words)
        letters = [c for c in text if c.isalpha()]
        if (any(c.isdigit() for c in text) or not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters)
                or phrase_score(_MOTTO, text) > PHRASE_MATCH):
            continue
        lines.append(trim(Piece.of_row(row, 0, len(text))))
    lines = [p for p in lines if p.text]
    if not lines:
        return None
    chosen = lines[-1:] if spec.lines == "last" else lines
    piece = Piece.join(chosen)
    return _cand(spec.field, piece, " ".join(piece.text.split()))


def signature_organ(spec: SourceSpec, pages: Sequence[PageText]) -> Candidate | None:
    """"TM. ỦY BAN NHÂN DÂN" / "HUYỆN BÌNH CHÁNH" over a signature → "ỦY BAN NHÂN DÂN HUYỆN BÌNH CHÁNH"."""
    for page in pages:
        rows = list(page.rows)
        for i, row in enumerate(rows):
            m = _SIGNED_FOR.match(row.text)
            if m is None:
                continue
            pieces = [trim(Piece.of_row(row, m.end(), len(row.text)))]
            if i + 1 < len(rows) and skeleton(rows[i + 1].text).startswith(_UNITS):
                nxt = rows[i + 1]
                pieces.append(trim(Piece.of_row(nxt, 0, len(nxt.text))))
            piece = Piece.join([p for p in pieces if p.text])
            if piece.text:
                return _cand(spec.field, piece, " ".join(piece.text.split()))
    return None


def phrase(spec: SourceSpec, pages: Sequence[PageText]) -> Candidate | None:
    """One of the values the template lists, found fuzzily in a row (or two rows run together)."""
    best: tuple[float, str, Piece] | None = None
    for page in pages:
        rows = list(page.rows)
        for i, row in enumerate(rows):
            # The name may wrap: "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ" / "HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI".
            here = Piece.of_row(row, 0, len(row.text))
            runs = [here] + ([Piece.join([here, Piece.of_row(rows[i + 1], 0, len(rows[i + 1].text))])]
                             if i + 1 < len(rows) else [])
            for piece in runs:
                for value in spec.phrases:
                    score = phrase_score(value, piece.text)
                    if score >= PHRASE_MATCH and (best is None or score > best[0]):
                        best = (score, value, piece)
    if best is None:
        return None
    score, value, piece = best
    return _cand(spec.field, piece, value, score, source="phrase")


def copied(spec: SourceSpec, persons: Sequence[Person]) -> Candidate | None:
    for ref in spec.copy:
        role, _, name = ref.partition(".")
        for p in persons:
            if p.role == role and name in p.fields:
                f = p.fields[name]
                return Candidate(spec.field, f.value, f.confidence, f.page, f.bbox, source="layout")
    return None
