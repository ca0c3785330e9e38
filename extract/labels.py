"""Finding printed labels in a row of OCR words, tolerating OCR noise: fuzzy matching on accent-folded text.

A label is matched on its *skeleton*: accent-folded, lower case, punctuation turned into spaces ("Ngày, tháng,
năm sinh" → "ngay thang nam sinh"), so lost commas and misread tones cost nothing and a few misread letters
cost little. Where labels overlap ("Năm sinh" inside "Ngày, tháng, năm sinh", "Số" inside "Quyển số") the
longer one wins. A label printed in sentence case is not found where its last word is in capitals or title case
("Họ và tên: CHÂU" is not "Họ và tên cha", "Nam Định" is not "Năm sinh", "NGUYỄN VĂN" is not "Nguyên quán"),
unless the whole of it is in capitals and a colon follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from config.templates import LabelSpec
from extract.layout import Row
from extract.places import province_parts
from extract.spelling import FAMILY_NAMES
from extract.text import fold

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_COLONS = ":;"  # Tesseract reads a faint colon as a semicolon often enough
_AFTER_COLON = re.compile(r"[:;]\s*([^\W\d_])")
LABEL_LAYOUT_MIN = 7  # skeleton length from which a label laid out as one gets an extra misread letter
# ... and from which two, word for word, each word two letters off at most and the last one: "Naàv, tháng, nšềm
# sinh:" is "Ngày, tháng, năm sinh"; "Ngày, tháng, năm chết:" (the word that tells such labels apart) is not.
LABEL_LAYOUT_LONG = 18
_BULLETS = frozenset("-–—•+*")  # printed before a line's label: not specks, the label does not open its row
_SHORT = 3  # skeletons this short ("so", "ong", "ba") must match exactly and be followed by a colon
# A last word in brackets ("(bà)"), either bracket maybe lost or misread ("bà)", "(bà]", "{bà"), a colon or full stop
# after it.
_BRACKETED_TAIL = re.compile(r"(?:[(\[{]\s*([^\W\d_]+)[)\]}]?|(?<![^\W\d_])([^\W\d_]+)[)\]}])\s*[:;.]?\s*$")
_BRACKETS = frozenset("()[]{}")
_HEAD_WORD = 3  # skeleton letters of a garbled head left before a bracketed title ("co" of "Ông")


def _bracketed_tail(text: str) -> str | None:
    """The skeleton of ``text``'s last word when it is bracketed ("co (bà):" → "ba"), else None."""
    m = _BRACKETED_TAIL.search(text)
    return skeleton(m.group(1) or m.group(2)) if m else None


@lru_cache(maxsize=16384)
def skeleton(text: str) -> str:
    return " ".join(_NOT_ALNUM.sub(" ", fold(text)).split())


def max_edits(size: int) -> int:
    """Misread letters a label of ``size`` skeleton characters may have and still be that label."""
    if size <= _SHORT:
        return 0
    if size <= 9:
        return 1
    if size <= 15:
        return 2
    return size // 7


@dataclass(frozen=True)
class Hit:
    spec: LabelSpec
    alias: str
    row: Row
    first: int  # index in row.words of the label's first word
    start: int  # character offsets in row.text
    end: int
    score: float  # 1.0 exact skeleton
    head: int = 0  # characters of the label at the end of the row above, when the line break cut it (find_broken)

    @property
    def x0(self) -> int:
        return self.row.words[self.first].bbox[0]


def _flow_title(window: str, tail: str) -> bool:
    """Whether ``window`` ends in the bracketed title ``tail`` as printed: in brackets ("ông (bà)", "ông bà)"), or
    with its brackets lost but in small letters ("ông bà", "ông/bà"), not a capitalised name ("ông Lê", "ông (Hà")."""
    if _bracketed_tail(window) == tail:
        return True
    last = re.findall(r"[^\W\d_]+", window)[-1:]
    return bool(last) and skeleton(last[0]) == tail and last[0].islower()


def _genders(alias: _Alias) -> bool:
    return any(name == "gender" for name, _ in alias.spec.implies)


def _initials(text: str) -> list[str]:
    out = []
    for w in text.split():
        letters = [c for c in w if c.isalpha()]
        if letters:
            out.append(letters[0])
    return out


@dataclass(frozen=True)
class _Alias:
    spec: LabelSpec
    text: str
    skel: str
    words: int
    limit: int
    sentence_case: bool  # "Ngày, tháng, năm sinh": several words, the last in small letters
    bracketed: str | None = None  # the skeleton of its last word when in brackets: "ba" of "Ông (bà)"


@dataclass(frozen=True)
class _Window:
    first: int
    start: int
    end: int
    words: int
    text: str
    skel: str


def _case_fits(alias: _Alias, cand: str, colon: bool) -> bool:
    """Whether the case of ``cand`` allows it to be the sentence-case label ``alias``.

    A colon inside a label is OCR's comma, never followed by a capital: "Họ và tên: CHÂU" is a label and a
    value. Words after the first are mostly small: "Nam Định", "NGUYỄN VĂN" are values, "HỌ'và tên chủ HỘ" is
    a label with a misread case. Old forms print labels all in capitals, with their colon ("HỌ VÀ TÊN:").
    """
    if any(m.group(1).isupper() for m in _AFTER_COLON.finditer(cand)):
        return False
    if not alias.sentence_case:
        return True
    letters = [c for c in cand if c.isalpha()]
    if colon and letters and all(c.isupper() for c in letters):
        return True
    words = [w for w in cand.split() if any(c.isalpha() for c in w)][1:]
    # A word in parentheses is the label's other title, printed either way: "Ông (bà)", "Ông (Bà)".
    later = _initials(" ".join(w for w in words if not w.startswith("(")))
    if not later:
        return bool(words)
    capitals = sum(c.isupper() for c in later)
    return not (later[-1].isupper() and 2 * capitals > len(later))


def _value_after_colon(alias: _Alias, cand: str) -> bool:
    """Whether the word after a colon inside ``cand`` is a value's, not the alias's last word: "Họ và tên: lý"
    (a name read in small letters) is no "Họ và tên mẹ". A colon inside a label may be OCR's comma ("Ngày:
    tháng, năm sinh"), so a last word spelled as the alias's passes."""
    head, sep, last = cand.rpartition(":")
    words = skeleton(last).split()
    return bool(sep and skeleton(head)) and len(words) == 1 and words != alias.skel.split()[-1:]


def _sentence_case(alias: str) -> bool:
    initials = _initials(alias)
    return len(initials) > 1 and initials[-1].islower()


def _capital_next(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip()
    return bool(rest) and rest[0].isupper()


UNFIT = 1.5  # letters a label whose kind its value does not fit counts as misread, against a rival label
_NUMBER_FIRST = re.compile(r"^\W*\d")
_DATE_FIRST = re.compile(r"^\W*(\d{4}\b|\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?\d{2,4})")


def _fits(kind: str, after: str) -> bool:
    """Whether the words after a label may be a value of its kind: a date starts with a number, a place with no
    date or year ("Nơi thường trú: 12 Lê Lợi" is one). Only a tie-breaker between rival labels: a date in words
    or on the next row, or an address starting "1234 Lê Lợi", does not fit and still wins where no rival does."""
    if kind == "date":
        return _NUMBER_FIRST.match(after) is not None
    if kind == "place":
        return _DATE_FIRST.match(after) is None
    return True


def _words_close(read: str, label: str) -> bool:
    """Whether two skeletons have as many words, each at most two letters apart and the last at most one."""
    a, b = read.split(" "), label.split(" ")
    if len(a) != len(b):
        return False
    return all(Levenshtein.distance(x, y, score_cutoff=3) <= 2 for x, y in zip(a, b, strict=True)) \
        and Levenshtein.distance(a[-1], b[-1], score_cutoff=2) <= 1


_TITLE_MISREAD = {"b": "dm"}  # first letters OCR reads for a title's (folded): "Bà" as "Đã", "Mã"


def _misread_title(alias: _Alias, win: _Window, text: str, colon: bool) -> bool:
    """Whether a one-word window a letter off a short name label ("Mã:" for "Bà:") is that label: only its first
    letter read as one OCR takes it for, opening the row with its colon, and a name in capitals follows, opening
    with a family name ("Mã: PHAN THANH LY"; not "Xã: HÀ LONG", "Bắc: NGUYỄN VĂN AN", "Bố: ...")."""
    if alias.spec.kind != "name" or alias.spec.flow or win.words != 1 or not colon:
        return False
    if len(win.skel) != len(alias.skel) or win.skel[1:] != alias.skel[1:] \
            or win.skel[0] not in _TITLE_MISREAD.get(alias.skel[0], ""):
        return False
    words = text[win.end:].lstrip(" " + _COLONS).split()[:2]
    return len(words) == 2 and all(w.isupper() for w in words) and words[0] in FAMILY_NAMES \
        and skeleton(" ".join(words)) not in province_parts()  # "Đã: HÀ NAM" is a place


def _colon_at(text: str, pos: int, marks: str = _COLONS) -> bool:
    if pos > 0 and text[pos - 1] in marks:
        return True
    rest = text[pos:].lstrip()
    return bool(rest) and rest[0] in marks


class LabelIndex:
    """The aliases of a set of label specs, ready to be looked for in rows."""

    def __init__(self, specs: Sequence[LabelSpec]) -> None:
        seen: set[tuple[int, str]] = set()
        self.aliases: list[_Alias] = []
        for i, spec in enumerate(specs):
            for a in spec.aliases:
                sk = skeleton(a)
                if sk and (i, sk) not in seen:
                    seen.add((i, sk))
                    self.aliases.append(_Alias(spec, a, sk, sk.count(" ") + 1, max_edits(len(sk)),
                                               _sentence_case(a), _bracketed_tail(a)))
        self._skels = [a.skel for a in self.aliases]
        self._limits = np.array([a.limit for a in self.aliases], dtype=np.int32)
        self._words = np.array([a.words for a in self.aliases], dtype=np.int32)
        self._sizes = np.array([len(a.skel) for a in self.aliases], dtype=np.int32)
        self._span = max((a.words for a in self.aliases), default=0) + 1
        # The shortest alias ending in a bracketed title ("Ông (bà)"), by that title's skeleton ("ba"), where the
        # label says no gender: the bracket is the other one's.
        self._tails: dict[str, int] = {}
        for i, a in enumerate(self.aliases):
            tail = a.bracketed
            if tail and not _genders(a) and len(a.skel) > len(tail) and (
                    tail not in self._tails or len(a.skel) < len(self.aliases[self._tails[tail]].skel)):
                self._tails[tail] = i

    def find(self, row: Row) -> list[Hit]:
        """Non-overlapping label hits in ``row``, left to right."""
        windows = _windows(row, self._span)
        if not windows or not self.aliases:
            return []
        dist = process.cdist(self._skels, [w.skel for w in windows], scorer=Levenshtein.distance,
                             dtype=np.int32, workers=1)
        wwords = np.array([w.words for w in windows], dtype=np.int32)
        text = row.text
        # A window opening its row and closed by a colon (or what OCR makes of one) is laid out as a label: it may
        # be read a little worse ("Họ văinentcha:" is "Họ và tên cha").
        # Specks before it ("` ÉQ và tên;") leave a label opening its row.
        lead = next((i for i, w in enumerate(row.words) if skeleton(w.text) or w.text in _BULLETS), 0)
        opening = np.array([w.first == lead and _colon_at(text, w.end, _COLONS + ".?") for w in windows], dtype=bool)
        # Laid out so, a label may have a letter more misread, a long one two; a short title ("Bà:") its one
        # misread letter ("Mã:"), if a name follows (``_misread_title``).
        sizes = self._sizes[:, None]
        extra = (sizes >= LABEL_LAYOUT_MIN).astype(np.int32) + (sizes >= LABEL_LAYOUT_LONG) \
            + ((sizes > 1) & (sizes <= _SHORT))
        slack = np.where(opening[None, :], extra, 0)
        fits = (dist <= self._limits[:, None] + slack) & (np.abs(wwords[None, :] - self._words[:, None]) <= 1)
        best: dict[tuple[int, int], Hit] = {}
        for a_i, w_i in zip(*np.nonzero(fits), strict=True):
            alias, win = self.aliases[a_i], windows[w_i]
            colon = _colon_at(text, win.end)
            if _genders(alias) and (tail := _bracketed_tail(win.text)) in self._tails \
                    and tail != alias.bracketed:
                # "co (bà): NGUYỄN CÔNG MINH" is "Ông (bà)" with its head garbled (``_bracketed``), no "Hộ bà" or
                # "Bà" that would make a man a woman.
                continue
            if alias.spec.flow and alias.bracketed and not _flow_title(win.text, alias.bracketed):
                # In running text "Giao cho ông (bà)" needs its bracketed word as printed: "Giao cho ông Lê" and
                # "cho ông (Hà" name a man.
                continue
            if alias.limit == 0 and dist[a_i, w_i] > 0 and not _misread_title(alias, win, text, colon):
                continue
            if dist[a_i, w_i] > alias.limit + 1 and not _words_close(win.skel, alias.skel):
                continue
            if alias.limit == 0 and not colon and not (win.first == 0 and _colon_at(text, win.end, ".")) and not (
                    alias.spec.flow and _capital_next(text, win.end)):
                # A short label needs its colon (one opening the row may have it read as a full stop); in running
                # text ("ông Nguyễn Văn Việt") the capital of the name that follows stands for it.
                continue
            if not _case_fits(alias, win.text, colon) or _value_after_colon(alias, win.text):
                continue
            if alias.spec.flow and alias.spec.kind == "name" and text[win.end:].strip() \
                    and not _capital_next(text, win.end):
                # In running text a name opens with a capital: "cho bộ nghèo" (read for "cho hộ nghèo") is no
                # "cho bà", and "cho bà con" no woman's name.
                continue
            if alias.spec.kind == "name" and _signers_instruction(text, win.start, win.text):
                # "(Ký, ghi rõ họ tên)" under a signature tells the signer what to write: no one's name follows.
                continue
            if alias.spec.flow and alias.spec.kind == "name" and skeleton(text[:win.start]).split()[-1:] == ["uy"]:
                # "TM. ỦY Bà NHÂN DÂN" is the committee's BAN read as "Bà": in running text no title follows "ủy".
                continue
            score = 1.0 - float(dist[a_i, w_i]) / len(alias.skel)
            key = (int(a_i), win.first)
            if key not in best or score > best[key].score:
                best[key] = Hit(alias.spec, alias.text, row, win.first, win.start, win.end, score)
        for w_i, win in enumerate(windows if self._tails else ()):
            # Laid out as a label, closed by a colon (or, opening its row, a full stop): "300 m2 (Ba Trăm Mét
            # Vuông)" is an area.
            if (opening[w_i] or _colon_at(text, win.end)) and (a_i := self._bracketed(win)) is not None \
                    and (a_i, win.first) not in best:
                alias = self.aliases[a_i]
                score = max(0.5, 1.0 - float(dist[a_i, w_i]) / len(alias.skel))
                best[(a_i, win.first)] = Hit(alias.spec, alias.text, row, win.first, win.start, win.end, score)
        # A label whose kind the words after it do not fit ("1947" is no place) counts as read a letter and a half
        # worse: of "Năm sinh" and "Nơi sinh", "Nốn sính: 1947" is the first.
        ranked = sorted(best.items(), key=lambda kv: (
            -self._sizes[kv[0][0]] * kv[1].score + (0.0 if _fits(kv[1].spec.kind, text[kv[1].end:]) else UNFIT),
            kv[1].start))
        taken: list[Hit] = []
        for _, hit in ranked:
            if all(hit.end <= t.start or t.end <= hit.start for t in taken):
                taken.append(hit)
        return sorted(taken, key=lambda h: h.start)

    def _bracketed(self, win: _Window) -> int | None:
        """The alias a window is by its bracketed title alone: "co (bà):" or "(bà):" for "Ông (bà)", its head
        garbled into one short word or lost. Such a title only ends a label, and says no gender."""
        if win.words > 2 or not _BRACKETS & set(win.text):
            return None
        tail = _bracketed_tail(win.text)
        if tail is None or tail not in self._tails:
            return None
        head = win.skel.split(" ")[:-1]
        return self._tails[tail] if not head or len(head[0]) <= _HEAD_WORD else None

    def find_broken(self, above: Row, row: Row) -> Hit | None:
        """A running-text label the line break cut in two ("..., sinh" / "ngày 06/10/1986"): its first words end
        ``above``, the rest open ``row``. The hit is the rest, in ``row``, so its value is read from there on.
        Only ``flow`` labels of several words; each part must match exactly on skeletons, since a word or two
        alone is no evidence that the other half belongs to it."""
        tail_words = skeleton(above.text).split(" ")
        head_words = skeleton(row.text).split(" ")
        best: tuple[_Alias, int] | None = None  # the alias and how many of its words end ``above``
        for alias in self.aliases:
            if not alias.spec.flow or alias.words < 2:
                continue
            parts = alias.skel.split(" ")
            for k in range(1, len(parts)):
                fits = tail_words[-k:] == parts[:k] and head_words[:len(parts) - k] == parts[k:]
                if fits and (best is None or len(alias.skel) > len(best[0].skel)):
                    best = (alias, k)
        if best is None:
            return None
        alias, k = best
        end = _end_of_words(row, alias.words - k)
        head = _from_last_words(above, k)
        if end is None or head is None or not row.text[end:].strip():
            return None
        return Hit(alias.spec, alias.text, row, first=0, start=0, end=end, score=1.0, head=head)


_SIGN_WORDS = frozenset({"ky", "ghi"})
_SIGN_REACH = 2  # "ghi" this many words before a name label asks for it ("ghi rõ họ tên")


def _signers_instruction(text: str, pos: int, window: str) -> bool:
    """Whether ``pos`` is in what tells a signer what to do ("(Ký, ghi rõ họ tên)"): inside a parenthesis that
    says so (other parentheses hold labels: "Ông (Bà):"), or a word or two after "ghi" when OCR lost the
    parenthesis ("Šx. 4y, ghí cả họ tên}"), or closed by a parenthesis whose opening was lost ("'ð họ tên)",
    "gỡ họ tên) -.")."""
    # After the window's last letter or digit (not after what OCR made of specks: "-.ˆ").
    last = max((i + 1 for i, c in enumerate(window) if fold(c).isascii() and c.isalnum()), default=0)
    closes = last > 0 and (window[last:] + text[pos + len(window):]).lstrip().startswith(")")
    if closes and skeleton(window).split()[-1:] == ["ten"]:
        return True  # "... họ tên)": its opening lost with the words before it; no label ends in a parenthesis
    before = text[:pos] + window[: len(window) - len(window.lstrip(" ([{"))]
    opened = before.rfind("(")
    if opened > before.rfind(")") and not _SIGN_WORDS.isdisjoint(skeleton(before[opened:]).split()):
        return True
    return "ghi" in skeleton(before).split()[-_SIGN_REACH:]


def _end_of_words(row: Row, count: int) -> int | None:
    """Where the row's text has given ``count`` words of letters or digits (its skeleton's first ``count``), or
    None when the row's words do not split that way (one OCR word holding two skeleton words across the point)."""
    if count == 0:
        return 0
    pos, seen = 0, 0
    for w in row.words:
        pos += len(w.text)
        seen += len(skeleton(w.text).split())
        if seen == count:
            return pos
        if seen > count:
            return None
        pos += 1
    return None


def _from_last_words(row: Row, count: int) -> int | None:
    """How many characters at the end of the row's text its last ``count`` skeleton words take (None as above)."""
    before = _end_of_words(row, len(skeleton(row.text).split()) - count)
    if before is None:
        return None
    return len(row.text) - (before + 1 if before else 0)


def _windows(row: Row, span: int) -> list[_Window]:
    """Runs of up to ``span`` words that a label may be: ending at word ends, or at a colon inside a word (or the
    "?" OCR makes of one: "Giấy tờ tùy thân?CÁINBS6/0172096347")."""
    text = row.text
    starts, pos = [], 0
    for w in row.words:
        starts.append(pos)
        pos += len(w.text) + 1
    out: list[_Window] = []
    for i, s in enumerate(starts):
        if not skeleton(row.words[i].text):
            # No label starts with a speck or a stroke ("|: ilọ và tên chồng:"): the label's place would be the
            # speck's, and a column split there cuts the other column's label in two.
            continue
        for j in range(i, min(len(row.words), i + span)):
            word = row.words[j].text
            ends = [starts[j] + k for k, ch in enumerate(word[:-1]) if ch in _COLONS + "?" and k]
            ends.append(starts[j] + len(word))
            for e in ends:
                cand = text[s:e]
                sk = skeleton(cand)
                if sk:
                    out.append(_Window(i, s, e, sk.count(" ") + 1, cand, sk))
    return out


def phrase_score(phrase: str, text: str) -> float:
    """How well ``phrase`` occurs somewhere in ``text`` (0..1), on skeletons, aligned to word starts."""
    p, t = skeleton(phrase), skeleton(text)
    if not p or not t:
        return 0.0
    if p in t:
        return 1.0
    words = t.split(" ")
    n = p.count(" ") + 1
    cands = [" ".join(words[i:i + m]) for i in range(len(words)) for m in (n - 1, n, n + 1, n + 2)
             if m >= 1 and i + m <= len(words)]
    found = process.extractOne(p, cands, scorer=Levenshtein.normalized_similarity)
    return float(found[1]) if found else 0.0
