"""Walking a document's rows label by label: each label with the text of its value, in reading order.

A value is the text after its label up to the next label, a wide gap (the next tab-stopped field) or the end of
the row. Beyond that row:
- an empty value is looked for on the next row, under the label ("Họ và tên vợ:" / "CAO THỊ THỦY" on a
  marriage certificate, "Họ và tên / Full name:" on a card);
- a place that fills its row runs on to the following rows that start with no label ("... thành phố Hồ" /
  "Chí Minh"), not to one that opens left of its label with a colon after its first words (a field of its own,
  its label garbled);
- a ``flow`` value (running text of a decision) runs on over line breaks until one of its stop characters
  (``extract.flow``).
Two-column zones (``columns`` in the template: wife left, husband right) are read column after column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from config.templates import LabelSpec, Template
from extract.flow import flow_value, free_end
from extract.label_text import skeleton
from extract.label_windows import COLONS
from extract.labels import Hit, LabelIndex
from extract.layout import LETTER_OR_DIGIT, PageText, Row, band, gap_after, split_columns
from extract.pieces import Piece, meaningful, strip_leaders, trim
from extract.values import read
from ocr.hocr import Word

HEADER_SHARE = 0.25  # of the first page's height, taken as its header when no title was found
NAME_LABEL_SCORE = 0.9  # a name label opening its row this well read ends such a header ...
NAME_LABEL_WORDS = 3  # ... when it has this many words ("Họ và tên", not "Ông")
SLOT_END = 0.6  # word heights of room after a value that ends its row (its last letter may be cut short)
ID_ROOM = 0.25  # word heights left of a number printed under its label
SLOT_EMPTY = 15.0  # word heights of room given to a value whose label ends the row (nothing was read after it)
COLUMN_GAP = 1.5  # word heights between a marriage certificate's columns at the least (a space is about 0.3)
GAP_STOP = 3.0  # a gap of this many word heights ends a value: the next field of a tab-stopped row
WRAP_ROWS = 2  # continuation rows of a place
WRAP_ROOM = 5.0  # word heights left free at the end of a row whose next word wrapped
WRAP_LEFT = 2.0  # word heights left of its label a wrapped value's row may open ...
LABEL_WORDS = 10  # ... unless a colon ends one of its first words ("Có giá trị đến / Date of expiry:" has 8)
_ENUMERATOR = re.compile(r"^(?:[IVX]+|\d{1,2}|[a-zđ])[.)]$")
_PLACE_DATE = re.compile(r"[^\W\d_]+\s*,\s*ng[aà]y\b", re.IGNORECASE)
_ID_KINDS = {"citizen_id", "old_id", "person_id"}
_WRAPPING_KINDS = {"place", "date"}  # addresses, and dates in words ("... một nghìn chín trăm tám" / "mươi")
_DIGITS = re.compile(r"[0-9]")
_ID_MIN_DIGITS = 6
NAME_MIN_LETTERS = 4  # a full name has two words at least: "LÊ AN"
_SOLID = 0.5  # word confidence below which an edge word is taken for a speck


@dataclass(frozen=True)
class Found:
    """A label and the text of its value (None for labels that only end other values)."""

    hit: Hit
    piece: Piece | None
    header: bool = False  # above the title, where the issuing organ and the record's numbers are
    # Where on the page a one-line value is printed (from the label's end to what follows the value), in the
    # hOCR frame; None for values over several rows and pages without boxes. For a second look at the value.
    slot: tuple[int, int, int, int] | None = None
    column: int | None = None  # 0 or 1: the left or right column of a two-column zone the label was found in

    @property
    def spec(self) -> LabelSpec:
        return self.hit.spec


def walk(pages: Sequence[PageText], template: Template, title: Sequence[Row] = ()) -> list[Found]:
    """Labels and values in reading order; ``title`` (the title's rows) separates the header from the body."""
    index = LabelIndex(template.labels, headless=True)
    out: list[Found] = []
    for page in pages:
        header = {id(r) for r in _header_rows(page, title, index)}
        segments = [(column, list(_read(segment, index))) for column, segment in _segments(page, template, index)]
        # A page not laid out as the template says (husband left, one column) has its labels decide, in both
        # columns: one column's person alone would give the other's fields to the wrong spouse.
        laid_out = _as_the_template_says(segments, template)
        for column, founds in segments:
            column = column if laid_out else None
            out.extend(replace(found, header=id(found.hit.row) in header, column=column) for found in founds)
    return out


def _as_the_template_says(segments: Sequence[tuple[int | None, list[Found]]], template: Template) -> bool:
    """Whether no label naming another person than the template's for its column was read in a column."""
    roles = template.columns.roles if template.columns is not None else ()
    return not roles or all(f.spec.role in (None, roles[column]) for column, founds in segments
                            if column is not None for f in founds)


def _header_rows(page: PageText, title: Sequence[Row], index: LabelIndex) -> list[Row]:
    """Rows above the title on its page; without a title, the top quarter of the first page, up to the first
    row that opens with a person's name label read well (no organ or motto is misread as "Họ và tên ...")."""
    first = title[0] if title else None
    if first is not None and first.page != page.number:
        return []
    if not page.has_boxes:
        # Text-layer rows are the title candidates themselves: the header is what comes before the title.
        return list(page.rows[: page.rows.index(first)]) if first is not None and first in page.rows else []
    top = first.bbox[1] if first is not None else (HEADER_SHARE * page.height if page.number == 1 else -1.0)
    if first is None:
        for row in page.rows:
            if row.bbox[3] > top:
                break
            if any(h.spec.kind == "name" and h.score >= NAME_LABEL_SCORE and h.first == 0
                   and len(skeleton(h.alias).split()) >= NAME_LABEL_WORDS for h in index.find(row)):
                top = row.bbox[1]
                break
    return [r for r in page.rows if r.bbox[3] <= top]


def _segments(page: PageText, template: Template, index: LabelIndex) -> list[tuple[int | None, list[Row]]]:
    """The page's rows, with a two-column zone replaced by its left column (0) followed by its right column (1)."""
    rows = list(page.rows)
    if template.columns is None or not page.has_boxes:
        return [(None, rows)]
    starts = LabelIndex([LabelSpec(None, "text", template.columns.start)])
    ends = LabelIndex([LabelSpec(None, "text", template.columns.end)])
    first = next((i for i, r in enumerate(rows) if starts.find(r)), None)
    if first is None:
        return [(None, rows)]
    last = next((i for i in range(first + 1, len(rows)) if ends.find(rows[i])), len(rows))
    zone = rows[first:last]
    left, right = split_columns(zone, _column_split(zone, rows[first], starts, index))
    return [(None, rows[:first]), (0, left), (1, right), (None, rows[last:])]


def _column_split(zone: list[Row], first: Row, starts: LabelIndex, index: LabelIndex) -> float:
    """Where the right column begins: at the second role anchor of the opening row, else mid-zone."""
    opening = starts.find(first)
    anchors = [h for h in index.find(first) if h.spec.role and h.start > opening[0].start]
    if anchors:
        role = anchors[0].spec.role
        longest = max(a.words for a in index.aliases if a.spec.role == role)
        return _column_start(first, opening[0].end, anchors[0], longest).bbox[0] - first.height
    x0 = min(r.bbox[0] for r in zone)
    x1 = max(r.bbox[2] for r in zone)
    return (x0 + x1) / 2


def _column_start(row: Row, after: int, anchor: Hit, longest: int) -> Word:
    """The word the right column starts with: the anchor's, or, for a label found by its tail ("Họ, chữ độin, tên
    chồng" as "Họ tên chồng" from "tên"), the first of the words before it that are the rest of it: up to as many as
    the role's ``longest`` label has more, all of letters, back to the gap between the columns. A label found whole,
    or one with no such gap before it, starts where it was found."""
    read = skeleton(anchor.row.text[anchor.start:anchor.end]).split()
    if not read or read[0] == skeleton(anchor.alias).split()[0]:
        return row.words[anchor.first]
    most = longest - len(read)
    first = _word_at(row, after)
    k = anchor.first
    while k - 1 >= first:
        if gap_after(row, k - 1) >= COLUMN_GAP:
            return row.words[k]
        if anchor.first - (k - 1) > most or sum(ch.isalpha() for ch in row.words[k - 1].text) < 2:
            break
        k -= 1
    return row.words[anchor.first]


def _word_at(row: Row, pos: int) -> int:
    acc = 0
    for i, w in enumerate(row.words):
        acc += len(w.text) + 1
        if pos < acc:
            return i
    return len(row.words) - 1


def _gap_end(row: Row, start: int, end: int) -> int:
    """``end``, or earlier where a wide gap after ``start`` separates the next field."""
    if not row.has_boxes or start >= end:
        return end
    first = _word_at(row, start)
    pos = sum(len(w.text) + 1 for w in row.words[:first])
    for i in range(first, len(row.words) - 1):
        pos += len(row.words[i].text)
        if pos >= end:
            break
        if pos > start and gap_after(row, i) > GAP_STOP:
            return pos
        pos += 1
    return end


def _read(rows: list[Row], index: LabelIndex) -> Iterator[Found]:
    hits = [_without_paper_number(r, index.find(r)) for r in rows]
    for i in range(1, len(rows)):
        # A label the line break cut opens its row; one found whole there already says the row starts a field.
        if not hits[i] or hits[i][0].start > 0:
            broken = index.find_broken(rows[i - 1], rows[i])
            if broken is not None and (not hits[i] or broken.end <= hits[i][0].start):
                hits[i].insert(0, broken)
    right_edge = _right_edge(rows)
    for i, row in enumerate(rows):
        for k, hit in enumerate(hits[i]):
            spec = hit.spec
            if spec.field is None and not spec.sets_role:
                yield Found(hit, None)
                continue
            if hit.score < 1.0 and _PLACE_DATE.match(row.text, hit.start):
                continue  # "Cẩm Bình, ngày 08 tháng 12 ..." is the dated line, not a misread "Sinh ngày"
            nxt = hits[i][k + 1].start if k + 1 < len(hits[i]) else max(hit.end, free_end(rows, hits, i))
            if spec.flow:
                # A running-text value that ends on its label's row ("..., sinh ngày 27/5/1976, thường trú") has a
                # slot there, for a second look.
                value, stop = flow_value(rows, hits, i, hit, nxt)
                slot = _slot(row, hit, hit.end + stop) if stop is not None else None
                yield Found(hit, value, slot=slot)
                continue
            end = _gap_end(row, hit.end, nxt)
            if spec.kind in _ID_KINDS and end < nxt and _split_number(rows, hits, i, hit, end, nxt):
                end = nxt  # a stamp over the number leaves a gap inside it: "CMND số 36[BẢN SAO]0958340"
            piece = Piece.of_row(row, hit.end, end)
            slot = _slot(row, hit, end)
            if not _content(piece, spec.kind):
                below = _next_line(rows, hits, i, hit)
                # "Giấy tờ tùy thân: CMND số" / "028219698": what the label row says still tells the ID's kind.
                piece = Piece.join([piece, below]) if below is not None and spec.kind in _ID_KINDS else below
                if below is not None and below.words:
                    slot = _below_slot(rows[i + 1], hit, below)
            elif spec.kind in _WRAPPING_KINDS and end == len(row.text) and _full(row, right_edge):
                wrapped = _wrapped(rows, hits, i, hit, piece, right_edge)
                piece = Piece.join([piece, *wrapped])
                slot = None if any(p.text.strip() for p in wrapped) else slot
            yield Found(hit, piece, slot=slot if row.has_boxes else None)


def _without_paper_number(row: Row, hits: list[Hit]) -> list[Hit]:
    """``hits`` without a "Số" that follows an ID's label and the paper's name: "Giấy tờ tùy thân: CMND số:
    012345678" prints the number's own wording, no document number label that would cut the ID from its label."""
    out: list[Hit] = []
    for hit in hits:
        before = out[-1] if out else None
        if before is not None and before.spec.kind in _ID_KINDS and skeleton(hit.alias) == "so" \
                and len(skeleton(row.text[before.end:hit.start]).split()) == 1:
            continue
        out.append(hit)
    return out


def _split_number(rows: list[Row], hits: list[list[Hit]], i: int, hit: Hit, end: int, nxt: int) -> bool:
    """Whether an ID's digits lie on both sides of a wide gap after its label, the number itself not printed under
    the label (where it is, the digits after the gap are another column's)."""
    row = rows[i]
    if _content(Piece.of_row(row, hit.end, end), "person_id") or not _content(Piece.of_row(row, hit.end, nxt),
                                                                                  "person_id"):
        return False
    below = _next_line(rows, hits, i, hit)
    return below is None or not _content(below, "person_id")


def _slot(row: Row, hit: Hit, end: int) -> tuple[int, int, int, int] | None:
    """From the label's last word to the first word after the value (or the row's end)."""
    if not row.has_boxes:
        return None
    label_end = row.words[_word_at(row, max(hit.start, hit.end - 1))].bbox[2]
    starts = _starts(row)
    following = next((w for w, at in zip(row.words, starts, strict=True) if at >= end and w.bbox[0] > label_end), None)
    room = max(row.bbox[2] + round(SLOT_END * row.height), label_end + round(SLOT_EMPTY * row.height))
    x1 = following.bbox[0] if following is not None else room
    top, bottom = band(row.words)
    return (label_end, top, x1, bottom)


def _starts(row: Row) -> list[int]:
    out, pos = [], 0
    for w in row.words:
        out.append(pos)
        pos += len(w.text) + 1
    return out


def _below_slot(row: Row, hit: Hit, piece: Piece) -> tuple[int, int, int, int]:
    """A value printed under its label: from under the label to the first word after it on that row."""
    last = piece.words[-1]
    index = next(i for i, w in enumerate(row.words) if w is last)
    x1 = row.words[index + 1].bbox[0] if index + 1 < len(row.words) else row.bbox[2] + round(SLOT_END * row.height)
    top, bottom = band(piece.words)
    # A number gets room before its first digit, as on its label's row (``extract.second_look.Spot``): a crop cut
    # at the box's edge loses that digit's side ("038..." re-read "38..." or "138...").
    room = round(ID_ROOM * row.height) if hit.spec.kind in _ID_KINDS else 0
    return (min(hit.x0, piece.words[0].bbox[0] - room), top, x1, bottom)


def _content(piece: Piece, kind: str) -> bool:
    """Whether the label's own row holds its value (else it is printed under the label)."""
    piece = trim(strip_leaders(piece, cut=True))
    if kind in _ID_KINDS:
        return len(_DIGITS.findall(piece.text)) >= _ID_MIN_DIGITS
    if kind == "name":
        # Specks after a label whose name stands under it ("Họ và tên vợ: h `", "Họ và tên chồng: ly" over "PHẠM THỊ
        # HOA ĐỖ VĂN AN") are no name; a name however misread ("vù VĂN THÁI") or short ("LÝ A") is the label row's.
        letters = sum(ch.isalpha() for ch in piece.text)
        return letters >= NAME_MIN_LETTERS or read("full_name", "name", piece) is not None
    return meaningful(piece)


def _right_edge(rows: list[Row]) -> int:
    """Where full rows end: the second-widest row, so that one stain or stamp read as text does not count, each
    row measured to its last solid word (a card's border or a seal's edge read as "hà" or "\\" is not text)."""
    ends = []
    for r in rows:
        solid = [w for w in r.words if w.confidence >= _SOLID and len(LETTER_OR_DIGIT.findall(w.text)) >= 2]
        if r.has_boxes and len(solid) >= 3:
            ends.append(solid[-1].bbox[2])
    ends.sort(reverse=True)
    return ends[1] if len(ends) > 1 else (ends[0] if ends else 0)


def _full(row: Row, right_edge: int) -> bool:
    """Whether the row ends near the right edge, i.e. the next word did not fit and went to the next row."""
    if not row.has_boxes:
        return row.text.rstrip().endswith(",")
    return row.bbox[2] >= right_edge - WRAP_ROOM * (row.height or 1.0)


def _label_shaped(row: Row, end: int) -> bool:
    """Whether one of the row's first words before ``end`` (where a label found on it starts) ends in a colon, or
    what OCR makes of one, as a label does: "Nam Định. Ngày, tháng, năm đăng ký: ..." runs a place on."""
    return any(w.text.rstrip()[-1:] in COLONS for w, at in zip(row.words[:LABEL_WORDS], _starts(row), strict=False)
               if at < end)


def _opens_left_of(row: Row, x: float) -> bool:
    """Whether the row's first word of letters or digits (not a speck or a border's stroke) starts left of ``x``."""
    first = next((w for w in row.words if LETTER_OR_DIGIT.search(w.text)), None)
    return first is not None and first.bbox[0] < x


def _next_line(rows: list[Row], hits: list[list[Hit]], i: int, hit: Hit) -> Piece | None:
    if i + 1 >= len(rows):
        return None
    row, row_hits = rows[i + 1], hits[i + 1]
    end = row_hits[0].start if row_hits else len(row.text)
    start = 0
    if row.has_boxes and hit.row.has_boxes:
        # Under the label, not what a photo or a left column put before it.
        limit = hit.x0 - hit.row.height
        for j, w in enumerate(row.words):
            if w.bbox[0] >= limit and LETTER_OR_DIGIT.search(w.text):
                start = sum(len(x.text) + 1 for x in row.words[:j])
                break
        else:
            return None
    if start >= end:
        return None
    return Piece.of_row(row, start, _gap_end(row, start, end))


def _wrapped(rows: list[Row], hits: list[list[Hit]], i: int, hit: Hit, piece: Piece, right_edge: int) -> list[Piece]:
    out: list[Piece] = []
    left = min((w.bbox[0] for w in piece.words), default=0)
    for j in range(i + 1, min(len(rows), i + 1 + WRAP_ROWS)):
        row = rows[j]
        if hits[j] and _word_at(row, hits[j][0].start) <= 1:
            break
        if _ENUMERATOR.match(row.words[0].text) or _PLACE_DATE.search(row.text):
            break
        if row.has_boxes and row.bbox[0] > left + row.height:
            break
        end = hits[j][0].start if hits[j] else len(row.text)
        if row.has_boxes and hit.row.has_boxes and _opens_left_of(row, hit.x0 - WRAP_LEFT * row.height) \
                and _label_shaped(row, end):
            # A row opening left of the label, a colon after its first words, is a field of its own, its label read
            # garbled (a card's "Có giá tị đóo ! Date oí expey: Không thời hạn" under the photo and the fields
            # beside it). A value does run on to the margin left of an indented label ("Bằng chữ: ... một nghìn
            # chín trăm" / "bảy mươi mốt").
            break
        out.append(Piece.of_row(row, 0, end))
        if hits[j] or not _full(row, right_edge):
            break
    return out
