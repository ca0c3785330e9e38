"""Reading one value of a given kind from the words after its label: cleaning, parsing, a first confidence.

The text of a value is what OCR printed between its label and the next one; leader dots, edge punctuation and
the junk OCR makes of dotted lines are removed here. IDs are only located and kept as printed: they are checked
later, once the birth year and gender of the same person are known (``extract.persons``).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date

from extract.date_repairs import century_repaired, leading_zero, year_of_broken
from extract.dates import SEPARATORS, parse_date
from extract.gender import parse_gender
from extract.ids import find_ids
from extract.layout import Row, union_box
from extract.names import normalize_name
from extract.spelling import FAMILY_NAMES, is_known, nearest_name, repair_name, syllable_factor
from extract.syllables import is_syllable
from extract.text import collapse_spaces, fold
from ocr.hocr import Word

_LEADER = re.compile(r"[.…·_]{3,}|(?:\. ?){3,}")
_EDGE = " \t:;,.-–—_|/\\'\"`*~()[]{}<>^"
_NAME_STOPS = ",;()[]{}:/\\"
_HONORIFICS = frozenset({"ÔNG"})  # a family name too, but in running text it names a man: "ông Nguyễn Văn Việt"
# Words of kinship and address that are name syllables too: in small letters after a name they are running text,
# the next person's ("TRẦN VĂN BÌNH anh Nam", "Nguyễn Văn An ông Trần Văn B").
_KIN = frozenset({"ÔNG", "BÀ", "ANH", "CHỊ", "EM", "CON", "CHÁU", "CÔ", "CHÚ", "BÁC", "DÌ", "CẬU", "VỢ", "CHỒNG"})
# Small words of running text one letter from a name syllable, which a capital read small also gives ("vÀ" for VÀ,
# HÀ a letter off): after a name, the sentence goes on.
_RUNNING = _KIN | {"VÀ", "LÀ", "CỦA", "VỚI", "TẠI", "CHO", "CÓ", "ĐÃ", "ĐÓ", "ĐƯỢC", "SINH", "NGÀY", "NĂM", "SỐ",
                   "QUÊ", "THÔN", "XÃ", "HUYỆN", "TỈNH", "CHA", "MẸ"}
_NOT_VIETNAMESE_LETTERS = "fjwz"  # no Vietnamese word has them
_NON_VIETNAMESE = re.compile(rf"[{_NOT_VIETNAMESE_LETTERS}{_NOT_VIETNAMESE_LETTERS.upper()}]"
                             r"|[^\W\d_]*[äöüëïÄÖÜËÏçÇñÑ]")
_LATIN = re.compile(r"[a-z]")
_INNER_COLON = re.compile(r"(?<=[^\W\d_])[:;](?=[^\W\d_])")
_MEANINGFUL = re.compile(r"[a-z0-9]")
_ID_PREFIX = re.compile(r"^\s*(?:(?:cccd|cmnd|cmtnd|can cuoc cong dan|chung minh nhan dan|so dinh danh ca nhan)\b)?"
                        r"\s*(?:so\b)?\s*[:.]?\s*")
_OLD_ID_WORDS = ("cmnd", "cmtnd", "chung minh")
_NEW_ID_WORDS = ("cccd", "can cuoc", "dinh danh")
_BROKEN_DATE = re.compile(
    rf"(?<![0-9])([0-9]{{1,2}})\s*[{SEPARATORS}]\s*([0-9]{{1,2}})\s*[{SEPARATORS}]\s*((?:1[89]|20)[0-9]{{2}})(?![0-9])")
BROKEN_DATE = 0.5
BROKEN_REASON = "day and month beyond reading: the year alone"  # extract.settle weighs such a year against words
_SLASH_AS_ONE = re.compile(r"(?<![0-9])([0-9]{2})[1Il|]([0-9]{2})[1Il|]((?:1[89]|20)[0-9]{2})(?![0-9])")
SLASH_REPAIRED = 0.6
_LETTER_SLASH = re.compile(r"(?<=[0-9])[Il|](?=[0-9])")
ZERO_REPAIRED = 0.6
CENTURY_REPAIRED = 0.6  # a birth year read in the one century it can be (extract.date_repairs)
_MAX_NAME_WORDS = 7
NUMBER_DIGITS = 3  # a word with letters and this many digits ends a name: a number ("SID12502"), no misread word
# Digits a name word cannot hold, as the letters OCR takes them for ("1an" is "lan"): only a replacement that makes
# a known name syllable is taken (``_letters_for_digits``).
_DIGIT_AS_LETTER = {"1": "LI", "0": "O", "5": "S", "8": "B"}
DIGIT_IN_NAME = 0.8
_ID_LEAD = 3  # characters of junk tolerated before an ID in its value
_ID_TAIL_DIGITS = 3  # more digits than this after the ID and the value is OCR noise, not an ID field


@dataclass(frozen=True)
class Piece:
    """Text of one value and the words it came from (``spans`` are offsets into ``text``)."""

    text: str
    spans: tuple[tuple[int, int, Word], ...]
    page: int

    @staticmethod
    def of_row(row: Row, start: int, end: int) -> Piece:
        """Characters ``start:end`` of ``row.text`` with the words they touch."""
        spans = []
        pos = 0
        for w in row.words:
            s, e = pos, pos + len(w.text)
            if s < end and start < e:
                spans.append((max(s, start) - start, min(e, end) - start, w))
            pos = e + 1
        return Piece(row.text[start:end], tuple(spans), row.page)

    def sub(self, start: int, end: int) -> Piece:
        spans = tuple((max(s, start) - start, min(e, end) - start, w) for s, e, w in self.spans
                      if s < end and start < e)
        return Piece(self.text[start:end], spans, self.page)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for _, _, w in self.spans)

    @property
    def confidence(self) -> float:
        confs = [w.confidence for w in self.words]
        return statistics.fmean(confs) if confs else 0.0

    @property
    def bbox(self) -> tuple[int, int, int, int] | None:
        return union_box(self.words)

    @staticmethod
    def join(pieces: list[Piece]) -> Piece:
        text, spans, pos = [], [], 0
        for p in pieces:
            if not p.text.strip():
                continue
            if text:
                pos += 1
            text.append(p.text)
            spans.extend((s + pos, e + pos, w) for s, e, w in p.spans)
            pos += len(p.text)
        return Piece(" ".join(text), tuple(spans), pieces[0].page if pieces else 0)


@dataclass(frozen=True)
class Candidate:
    """One reading of a field; several may compete (primary label, fallback label, MRZ, implied by role)."""

    field: str
    value: str
    confidence: float
    page: int | None = None
    bbox: tuple[int, int, int, int] | None = None
    fallback: bool = False
    source: str = "label"  # label | implied | mrz | phrase | layout
    reasons: tuple[str, ...] = ()  # what lowered its confidence, for the record
    region: tuple[int, int, int, int] | None = None  # where on the page its value is printed, for a second look
    alternatives: tuple[str, ...] = ()  # other well-formed values its re-readings gave (extract.choose)
    # A birth year kept alone: the date as OCR read it ("39/7/1959"), for a linked registry entry to explain.
    read_as: str | None = None


def strip_leaders(piece: Piece, *, cut: bool) -> Piece:
    """Without leader dots; with ``cut`` everything after the first run once a value precedes it.

    Clerks typed values onto dotted lines; OCR turns the dots after a value into dots, letters or digits, so
    for a name what follows the first run of dots is noise, never more of the name.
    """
    out = piece
    m = _LEADER.search(out.text)
    while m:
        before = out.text[:m.start()].strip(_EDGE)
        if cut and before:
            return out.sub(0, m.start())
        out = Piece.join([out.sub(0, m.start()), out.sub(m.end(), len(out.text))]) if before else out.sub(
            m.end(), len(out.text))
        m = _LEADER.search(out.text)
    return out


def meaningful(piece: Piece) -> bool:
    """Whether a value holds a letter or digit at all (OCR makes "ˆ", "`", "¬" of specks)."""
    return bool(_MEANINGFUL.search(fold(piece.text)))


def trim(piece: Piece) -> Piece:
    text = piece.text
    start = len(text) - len(text.lstrip(_EDGE))
    end = len(text.rstrip(_EDGE))
    # A closing parenthesis belongs to the value when it closes one opened inside it ("Ông (bà)" aside).
    if end < len(text) and text[end] == ")" and "(" in text[start:end]:
        end += 1
    return piece.sub(start, max(start, end))


def read(field: str, kind: str, piece: Piece, *, pattern: str | None = None,
         fallback: bool = False) -> Candidate | None:
    """The value of ``kind`` in ``piece``, or None when there is none worth keeping."""
    reader = _READERS[kind]
    found = reader(field, piece, pattern)
    if found is None:
        return None
    value, source, factor, *more = found
    if not value:
        return None
    notes = more[0] if more else ()
    read_as = more[1] if len(more) > 1 else None
    if kind == "person_id":
        digits = sum(c.isdigit() for c in value)
        field = id_kind(piece.text) or ("old_id_number" if digits == 9 else "citizen_id")
    elif kind == "old_id":
        field = "old_id_number"
    return Candidate(field, value, max(0.0, min(1.0, source.confidence * factor)), source.page, source.bbox,
                     fallback=fallback, reasons=tuple(notes), read_as=read_as)


# value, its words, factor, why, and for a year read alone the date as read
_Read = (tuple[str, Piece, float] | tuple[str, Piece, float, list[str]] | tuple[str, Piece, float, list[str], str]
         | None)


def _name(field: str, piece: Piece, pattern: str | None) -> _Read:
    piece = trim(strip_leaders(piece, cut=True))
    # A colon between letters is a misread space or comma inside the name ("NGUYÊN:VĂN"); same length, same offsets.
    text = _INNER_COLON.sub(" ", piece.text)
    words: list[tuple[int, int]] = []
    notes: list[tuple[int, str]] = []
    for m in re.finditer(r"\S+", text):
        tok = m.group()
        fixed = _letters_for_digits(tok)
        if fixed is not None:  # same length, so the offsets into the piece still hold
            notes.append((m.start(), f"{tok} read as {fixed}: a digit where a name has a letter"))
            text = text[: m.start()] + fixed + text[m.end():]
            tok = fixed
        head = tok
        for ch in _NAME_STOPS:
            head = head.split(ch)[0]
        if words and sum(c.isdigit() for c in head) >= NUMBER_DIGITS and any(c.isalpha() for c in head):
            # A number run into letters after the name ("TRẦN QUỐC SƠN SID12502"); digits alone ("101", a table
            # rule) are skipped as before, since the name may go on after them.
            break
        if _LATIN.search(fold(head)) and normalize_name(head):
            letters = [c for c in head if c.isalpha()]
            # Names are printed in capitals or title case; a small first letter is the sentence going on, unless
            # the word is a name syllable (a family name, first) before a name word in title case: "lý Thanh Loan",
            # a capital L read small.
            if letters and letters[0].islower() and not _name_goes_on(head, text[m.end():], first=not words):
                break
            # Vietnamese names have no one-letter words: before the name they are specks (a card's photo edge).
            if len(letters) > 1 or words:
                words.append((m.start(), m.start() + len(head)))
        if head != tok or len(words) >= _MAX_NAME_WORDS:
            break
    # A lone letter after the name that no syllable is ("... DŨNG N") is a speck or the next word's edge. With digits
    # ("... LOAN S2") it is dropped only after three words, and said: it may be a fourth word OCR broke, as
    # "NGUYỄN VĂN P06" keeps its cut given name.
    dropped: list[str] = []
    while len(words) > 2 and _lone_letter(last := text[words[-1][0]:words[-1][1]], after=len(words) - 1):
        if len(last) > 1:
            dropped.append(f"{last} after the name left out: one letter and digits")
        words.pop()
    if not words:
        return None
    span = piece.sub(words[0][0], words[-1][1])
    printed = text[words[0][0]:words[-1][1]]
    value, factor, repairs = repair_name(normalize_name(printed))
    digits = [note for at, note in notes if at < words[-1][1]]
    factor *= DIGIT_IN_NAME ** (len(digits) + len(dropped))
    return value, span, factor * _name_factor(value, printed), digits + dropped + repairs


def _lone_letter(word: str, after: int) -> bool:
    """Whether ``word``, after ``after`` name words, is one letter no syllable is, not a name word."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) != 1 or is_syllable(letters[0]):
        return False
    return len(word) == 1 or (after >= 3 and all(c.isalpha() or c.isdigit() for c in word))


def _name_goes_on(word: str, rest: str, first: bool = False) -> bool:
    """A small first letter in a name ("Lý thanh Loan", "lý Thanh Loan"): a name syllable followed by a name word
    in title case is a capital OCR read small, not the sentence going on. A first word must be a family name,
    and not the "ông" that names a man in running text ("ông Nguyễn Văn Việt"). A later word may be a name
    syllable whose capital OCR read as another small letter (``_capital_read_small``)."""
    nxt = rest.split(maxsplit=1)[0].strip(_EDGE) if rest.strip() else ""
    known = word.upper() in FAMILY_NAMES - _HONORIFICS if first else \
        (is_known(word.upper()) and word.upper() not in _KIN) or _capital_read_small(word)
    return known and nxt[:1].isupper() and is_known(nxt.upper())


def _capital_read_small(word: str) -> bool:
    """Whether ``word`` is a name syllable with its first letter, a capital, read as another small one: the rest in
    capitals ("vHỊ" for THỊ) or a first letter no Vietnamese word has ("fhu" for THU), the rest the syllable's.
    A small word of running text one letter from a name ("cháu", "huyện") is neither, nor is one in capitals
    after a small letter that running text prints ("vÀ", "vỢ": a capital V read small)."""
    if len(word) < 2 or not (word[1:].isupper() or word[0] in _NOT_VIETNAMESE_LETTERS) or word.upper() in _RUNNING:
        return False
    near = nearest_name(word.upper())
    return near is not None and len(near) == len(word) and near[1:] == word[1:].upper()


def _letters_for_digits(token: str) -> str | None:
    """``token`` with its digits as the letters they were misread for, when exactly one way makes a known name
    syllable ("1an" → "Lan", "H0A" → "HOA"); None when it has no digit, no letter, or no single such reading."""
    core = token.strip(_EDGE)
    if not core or not any(c.isdigit() for c in core) or not any(c.isalpha() for c in core):
        return None
    at = token.index(core)
    options = [""]
    for ch in core:
        if ch.isdigit():
            if ch not in _DIGIT_AS_LETTER:
                return None
            options = [o + letter for o in options for letter in _DIGIT_AS_LETTER[ch]]
        else:
            options = [o + ch for o in options]
    known = {o for o in options if is_known(o.upper())}
    if len(known) != 1:
        return None
    word = known.pop()
    return token[:at] + word[0].upper() + word[1:] + token[at + len(core):]


def _name_factor(value: str, printed: str) -> float:
    factor = 1.0
    n = len(value.split())
    factor *= 1.0 if 2 <= n <= 6 else 0.5
    factor *= 0.85 ** len(_NON_VIETNAMESE.findall(printed))
    factor *= syllable_factor(value)
    if any(c.isdigit() for c in printed):
        factor *= 0.7
    return factor


def _date(field: str, piece: Piece, pattern: str | None) -> _Read:
    piece = trim(strip_leaders(piece, cut=False))
    parsed = parse_date(piece.text)
    if parsed is None or len(parsed.value) != 10:
        # "28/8I1948": a slash read as I, l or |, letters no date holds; same length, so the same offsets.
        slashed = parse_date(_LETTER_SLASH.sub("/", piece.text))
        if slashed is not None and len(slashed.value) == 10:
            return slashed.value, piece.sub(*slashed.span), SLASH_REPAIRED
    if parsed is None and (slashed := _SLASH_AS_ONE.search(piece.text)):
        # "0710511971": a small sans "/" read as 1 or I; the date it must then be is read at reduced confidence.
        d, mo, y = slashed.groups()
        try:
            return date(int(y), int(mo), int(d)).isoformat(), piece.sub(*slashed.span()), SLASH_REPAIRED
        except ValueError:
            pass
    if parsed is None and field == "date_of_birth" and (century := century_repaired(piece.text)) is not None:
        value, (start, end) = century
        return value, piece.sub(start, end), CENTURY_REPAIRED
    if parsed is None:
        m = _BROKEN_DATE.search(piece.text)
        if m is None and field == "date_of_birth" and (broken := year_of_broken(piece.text)) is not None:
            # "17A4/19S7": 1957
            return broken[0], piece.sub(*broken[1]), BROKEN_DATE, [BROKEN_REASON], _word_to(piece.text, broken[1][1])
        if m is None:
            return None
        span = piece.sub(m.start(), m.end())
        repaired = leading_zero(m.group(1), m.group(2), m.group(3))
        if repaired is not None:
            return repaired, span, ZERO_REPAIRED
        # OCR broke the day or month, not necessarily the year. The year alone is what is left to read (the
        # contract's "YYYY"), at half the confidence: matching can still block on it.
        return m.group(3), span, BROKEN_DATE, [BROKEN_REASON], m.group()
    span = piece.sub(*parsed.span)
    factor = 0.85 if parsed.repaired else 1.0
    if parsed.form == "year" and field == "date_of_birth":
        # "160%/1959": a day and month OCR garbled into the year's word.
        word = _word_to(piece.text, parsed.span[1])
        if any(c.isdigit() for c in word[:-4]):
            return parsed.value, span, factor, [], word
    return parsed.value, span, factor


def _word_to(text: str, end: int) -> str:
    """The whitespace-delimited word of ``text`` that ends at ``end``, from its start."""
    return text[:end].split()[-1] if text[:end].strip() else ""


def _gender(field: str, piece: Piece, pattern: str | None) -> _Read:
    piece = trim(strip_leaders(piece, cut=True))
    value = parse_gender(piece.text)
    if value is None:
        return None
    m = re.search(r"\S+", piece.text)
    return value, piece.sub(m.start(), m.end()) if m else piece, 1.0


def id_kind(text: str) -> str | None:
    """"old_id_number" / "citizen_id" when the printed words say which paper it is ("CMND số", "CCCD số")."""
    folded = fold(text)
    if any(w in folded for w in _OLD_ID_WORDS):
        return "old_id_number"
    if any(w in folded for w in _NEW_ID_WORDS):
        return "citizen_id"
    return None


def _id(field: str, piece: Piece, pattern: str | None) -> _Read:
    """The ID as printed (checked later); refused when it is not what the value starts with."""
    piece = trim(strip_leaders(piece, cut=True))
    lead = _ID_PREFIX.match(fold(piece.text))
    offset = lead.end() if lead else 0
    found = find_ids(piece.text[offset:])
    if not found:
        return None
    raw, (s, e) = found[0]
    tail = piece.text[offset + e:]
    if s > _ID_LEAD or sum(c.isdigit() for c in tail) > _ID_TAIL_DIGITS:
        return None
    return raw, piece.sub(offset + s, offset + e), 1.0


def _text(field: str, piece: Piece, pattern: str | None) -> _Read:
    piece = trim(strip_leaders(piece, cut=True))
    value = collapse_spaces(piece.text)
    return (value, piece, 1.0) if value else None


def _place(field: str, piece: Piece, pattern: str | None) -> _Read:
    piece = trim(strip_leaders(piece, cut=False))
    value = collapse_spaces(piece.text)
    return (value, piece, 1.0) if value else None


def _code(field: str, piece: Piece, pattern: str | None) -> _Read:
    piece = trim(strip_leaders(piece, cut=True))
    if pattern:
        m = re.search(pattern, piece.text)
        if m is None:
            return None
        return collapse_spaces(m.group()), piece.sub(m.start(), m.end()), 1.0
    m = re.search(r"\S+", piece.text)
    if m is None:
        return None
    token = piece.sub(m.start(), m.end())
    token = trim(token)
    return (token.text, token, 1.0) if token.text else None


_READERS = {"name": _name, "date": _date, "gender": _gender, "citizen_id": _id, "old_id": _id, "person_id": _id,
            "text": _text, "place": _place, "code": _code}
