"""Finding printed labels in a row of OCR words, tolerating OCR noise: fuzzy matching on accent-folded text.

A label is matched on its skeleton (extract.label_text) in the windows a row's text is cut into
(extract.label_windows), a few misread letters allowed, and kept where the window may be that label
(extract.label_fit). Where labels overlap ("Năm sinh" inside "Ngày, tháng, năm sinh", "Số" inside "Quyển số")
the longer one wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from config.templates import LabelSpec
from extract.label_fit import (
    UNFIT,
    Alias,
    bracketed_tail,
    case_fits,
    flow_title,
    genders,
    misread_title,
    sentence_case,
    signers_instruction,
    value_after_colon,
    value_fits,
    words_close,
)
from extract.label_subtitle import subtitle_end, subtitles
from extract.label_text import SHORT, max_edits, skeleton
from extract.label_windows import (
    BULLETS,
    COLONS,
    Window,
    capital_next,
    colon_at,
    end_of_words,
    from_last_words,
    row_windows,
)
from extract.layout import Row

__all__ = ["LABEL_LAYOUT_LONG", "LABEL_LAYOUT_MIN", "Hit", "LabelIndex"]

LABEL_LAYOUT_MIN = 7  # skeleton length from which a label laid out as one gets an extra misread letter
# ... and from which two, word for word, each word two letters off at most and the last one: "Naàv, tháng, nšềm
# sinh:" is "Ngày, tháng, năm sinh"; "Ngày, tháng, năm chết:" (the word that tells such labels apart) is not.
LABEL_LAYOUT_LONG = 18
_BRACKETS = frozenset("()[]{}")
_HEAD_WORD = 3  # skeleton letters of a garbled head left before a bracketed title ("co" of "Ông")
# A word this unsure, of at most this many letters, opening a row may be a speck read as letters ("vs" left of the
# margin in "vs _Rg vã tén: LÊ ĐỨC LẮM", seed 1060003): the label may open the row after it.
_SPECK_WORD_CONFIDENCE = 0.5
_SPECK_LETTERS = 2
# A whole date right after a window opening its row says it is laid out as a date's label, as a colon would.
_DATE_AFTER = re.compile(r"[\s:;.,]*\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?\d{4}\b")
# Marks inside a window that its label lacks make it a list of a value's parts, unless such a value follows.
_LIST_MARKS = frozenset(",.")
_GENDER_AFTER = re.compile(r"[\s:;.,]*(?:nam|nữ|nu)\b", re.IGNORECASE)
# A label whose first words a stamp took ("người chết:" of "Họ và tên người chết", seed 990196): its last words
# stand for it when they are two or more words of this many letters, no other label's end, read exactly, closed by a
# colon, and nothing before them on the row but a stamp's words (``_stamp_before``). Only labels of the values that
# link a person; a form's other labels end alike ("Ngày đăng ký thường trú:", "Nơi cư trú của người mẹ:").
HEADLESS_MIN = 8
_HEADLESS_KINDS = frozenset({"name", "date", "citizen_id", "old_id", "person_id"})


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


def _leads(row: Row) -> set[int]:
    """Indexes of the words a label laid out as one may open its row at: its first word of letters or digits, or a
    bullet; and the word after that first one when it is unsure and short enough to be a speck read as letters."""
    first = next((i for i, w in enumerate(row.words) if skeleton(w.text) or w.text in BULLETS), 0)
    leads = {first}
    word = row.words[first] if row.words else None
    if word is not None and word.text not in BULLETS and word.confidence < _SPECK_WORD_CONFIDENCE \
            and len(skeleton(word.text)) <= _SPECK_LETTERS and first + 1 < len(row.words):
        leads.add(first + 1)
    return leads


def _headless(aliases: Sequence[Alias]) -> list[Alias]:
    """The last words of each alias of a person's name, birth date or ID that may stand for it with its head lost
    (``HEADLESS_MIN``): only its own label's aliases end with them, and none is them. Not of running text's labels
    nor of bracketed titles ("Ông (bà)")."""
    owners: dict[str, set[int]] = {}
    for a in aliases:
        parts = a.skel.split(" ")
        for k in range(1, len(parts) + 1):
            owners.setdefault(" ".join(parts[-k:]), set()).add(id(a.spec))
    whole = {a.skel for a in aliases}
    out, seen = [], set()
    for a in aliases:
        if a.spec.kind not in _HEADLESS_KINDS or a.spec.field is None or a.spec.is_document_field or a.spec.flow \
                or a.bracketed:
            continue
        parts = a.skel.split(" ")
        for k in range(2, len(parts)):
            tail = " ".join(parts[-k:])
            if len(tail) - k + 1 >= HEADLESS_MIN and owners[tail] == {id(a.spec)} and (id(a.spec), tail) not in seen \
                    and tail not in whole:
                seen.add((id(a.spec), tail))
                out.append(replace(a, skel=tail, words=k, limit=0, headless=True))
    return out


def _stamp_before(words: Sequence, tail: str) -> bool:
    """Whether ``words``, read before a label's last words on their row, are none, or a stamp's: in capitals where
    the label is not ("SAO Y BẢN." before "người chết:"). Words in the label's own case, or with no letter to tell,
    may be the head of another label."""
    if not words:
        return True
    letters = [c for w in words for c in w.text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and not all(c.isupper() for c in tail if c.isalpha())


def _value_follows(kind: str, after: str) -> bool:
    """Whether ``after`` opens with a value of ``kind`` that no part of an address is: a number for a date, Nam or
    Nữ for a gender."""
    if kind == "date":
        return value_fits(kind, after)
    if kind == "gender":
        return _GENDER_AFTER.match(after) is not None
    return False


class LabelIndex:
    """The aliases of a set of label specs, ready to be looked for in rows."""

    def __init__(self, specs: Sequence[LabelSpec], headless: bool = False) -> None:
        seen: set[tuple[int, str]] = set()
        self.aliases: list[Alias] = []
        for i, spec in enumerate(specs):
            for a in spec.aliases:
                sk = skeleton(a)
                if sk and (i, sk) not in seen:
                    seen.add((i, sk))
                    self.aliases.append(Alias(spec, a, sk, sk.count(" ") + 1, max_edits(len(sk)),
                                              sentence_case(a), bracketed_tail(a)))
        if headless:
            self.aliases += _headless(self.aliases)
        # Where OCR garbled a card label's English half, its Vietnamese half is found alone: the English must not
        # open the value (``_over_subtitle``).
        self._subtitles = {(spec, first): second for spec in specs
                           for first, second in subtitles(spec.aliases).items()}
        self._skels = [a.skel for a in self.aliases]
        self._limits = np.array([a.limit for a in self.aliases], dtype=np.int32)
        self._words = np.array([a.words for a in self.aliases], dtype=np.int32)
        self._sizes = np.array([len(a.skel) for a in self.aliases], dtype=np.int32)
        self._dates = np.array([a.spec.kind == "date" for a in self.aliases], dtype=bool)
        self._span = max((a.words for a in self.aliases), default=0) + 1
        # The shortest alias ending in a bracketed title ("Ông (bà)"), by that title's skeleton ("ba"), where the
        # label says no gender: the bracket is the other one's.
        self._tails: dict[str, int] = {}
        for i, a in enumerate(self.aliases):
            tail = a.bracketed
            if tail and not genders(a) and len(a.skel) > len(tail) and (
                    tail not in self._tails or len(a.skel) < len(self.aliases[self._tails[tail]].skel)):
                self._tails[tail] = i

    def find(self, row: Row) -> list[Hit]:
        """Non-overlapping label hits in ``row``, left to right."""
        windows = row_windows(row, self._span)
        if not windows or not self.aliases:
            return []
        dist = process.cdist(self._skels, [w.skel for w in windows], scorer=Levenshtein.distance,
                             dtype=np.int32, workers=1)
        wwords = np.array([w.words for w in windows], dtype=np.int32)
        text = row.text
        # A window opening its row and closed by a colon (or what OCR makes of one) is laid out as a label: it may
        # be read a little worse ("Họ văinentcha:" is "Họ và tên cha").
        # Specks before it ("` ÉQ và tên;") leave a label opening its row. So does a date's label a whole date
        # follows: "Ngày, thắng, nh sínhz 16/5/1946" is "Ngày, tháng, năm sinh" with its colon lost.
        leads = _leads(row)
        opening = np.array([w.first in leads and colon_at(text, w.end, COLONS + ".?") for w in windows], dtype=bool)
        dated = np.array([w.first in leads and _DATE_AFTER.match(text, w.end) is not None for w in windows],
                         dtype=bool)
        # Laid out so, a label may have a letter more misread, a long one two; a short title ("Bà:") its one
        # misread letter ("Mã:"), if a name follows (``misread_title``).
        sizes = self._sizes[:, None]
        extra = (sizes >= LABEL_LAYOUT_MIN).astype(np.int32) + (sizes >= LABEL_LAYOUT_LONG) \
            + ((sizes > 1) & (sizes <= SHORT))
        slack = np.where(opening[None, :] | (dated[None, :] & self._dates[:, None]), extra, 0)
        fits = (dist <= self._limits[:, None] + slack) & (np.abs(wwords[None, :] - self._words[:, None]) <= 1)
        best: dict[tuple[int, int], Hit] = {}
        for a_i, w_i in zip(*np.nonzero(fits), strict=True):
            alias, win = self.aliases[a_i], windows[w_i]
            colon = colon_at(text, win.end)
            if alias.headless and not (colon and _stamp_before(row.words[:win.first], win.text)):
                # "SAO Y BẢN. người chết: VÕ THỊ HƯƠNG"; words of the same print before it ("Nơi cư trú của người mẹ:",
                # "CON CỦA NGƯỜI CHẾT:") make it the end of a label the template does not know.
                continue
            if genders(alias) and (tail := bracketed_tail(win.text)) in self._tails \
                    and tail != alias.bracketed:
                # "co (bà): NGUYỄN CÔNG MINH" is "Ông (bà)" with its head garbled (``_bracketed``), no "Hộ bà" or
                # "Bà" that would make a man a woman.
                continue
            if alias.spec.flow and alias.bracketed and not flow_title(win.text, alias.bracketed):
                # In running text "Giao cho ông (bà)" needs its bracketed word as printed: "Giao cho ông Lê" and
                # "cho ông (Hà" name a man.
                continue
            if dist[a_i, w_i] > 0 and not colon and win.first not in leads \
                    and _LIST_MARKS & set(win.text.rstrip(".,")) and not _LIST_MARKS & set(alias.text) \
                    and not _value_follows(alias.spec.kind, text[win.end:]):
                # Inside a row, a comma (or the full stop OCR makes of one) the label lacks, no colon after it and no
                # value of its kind: a list of a value's parts read a letter or two off a label ("huyện Quảng Điền,
                # tỉnh Thừa Thiên Huế" is no "Diện tích", seed 1030004); "Năm, slnh 1942" is a speck and a label.
                continue
            if alias.limit == 0 and dist[a_i, w_i] > 0 and not misread_title(alias, win, text, colon):
                continue
            if dist[a_i, w_i] > alias.limit + 1 and not words_close(win.skel, alias.skel):
                continue
            if alias.limit == 0 and not colon and not (win.first == 0 and colon_at(text, win.end, ".")) and not (
                    alias.spec.flow and capital_next(text, win.end)):
                # A short label needs its colon (one opening the row may have it read as a full stop); in running
                # text ("ông Nguyễn Văn Việt") the capital of the name that follows stands for it.
                continue
            if not case_fits(alias, win.text, colon) or value_after_colon(alias, win.text):
                continue
            if alias.spec.flow and alias.spec.kind == "name" and text[win.end:].strip() \
                    and not capital_next(text, win.end):
                # In running text a name opens with a capital: "cho bộ nghèo" (read for "cho hộ nghèo") is no
                # "cho bà", and "cho bà con" no woman's name.
                continue
            if alias.spec.kind == "name" and signers_instruction(text, win.start, win.text):
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
            if (opening[w_i] or colon_at(text, win.end)) and (a_i := self._bracketed(win)) is not None \
                    and (a_i, win.first) not in best:
                alias = self.aliases[a_i]
                score = max(0.5, 1.0 - float(dist[a_i, w_i]) / len(alias.skel))
                best[(a_i, win.first)] = Hit(alias.spec, alias.text, row, win.first, win.start, win.end, score)
        # A label whose kind the words after it do not fit ("1947" is no place) counts as read a letter and a half
        # worse: of "Năm sinh" and "Nơi sinh", "Nốn sính: 1947" is the first.
        ranked = sorted(best.items(), key=lambda kv: (
            -self._sizes[kv[0][0]] * kv[1].score + (0.0 if value_fits(kv[1].spec.kind, text[kv[1].end:]) else UNFIT),
            kv[1].start))
        taken: list[Hit] = []
        for _, hit in ranked:
            if all(hit.end <= t.start or t.end <= hit.start for t in taken):
                taken.append(hit)
        taken.sort(key=lambda h: h.start)
        return [self._over_subtitle(hit, taken[k + 1].start if k + 1 < len(taken) else len(text))
                for k, hit in enumerate(taken)]

    def _over_subtitle(self, hit: Hit, limit: int) -> Hit:
        """``hit`` gone on over its English half read garbled (``extract.label_subtitle``), where it is a bilingual
        label's Vietnamese half."""
        subtitle = self._subtitles.get((hit.spec, hit.alias))
        end = subtitle_end(hit.row.text, hit.end, subtitle, limit) if subtitle else None
        return replace(hit, end=end) if end is not None else hit

    def _bracketed(self, win: Window) -> int | None:
        """The alias a window is by its bracketed title alone: "co (bà):" or "(bà):" for "Ông (bà)", its head
        garbled into one short word or lost. Such a title only ends a label, and says no gender."""
        if win.words > 2 or not _BRACKETS & set(win.text):
            return None
        tail = bracketed_tail(win.text)
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
        best: tuple[Alias, int] | None = None  # the alias and how many of its words end ``above``
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
        end = end_of_words(row, alias.words - k)
        head = from_last_words(above, k)
        if end is None or head is None or not row.text[end:].strip():
            return None
        return Hit(alias.spec, alias.text, row, first=0, start=0, end=end, score=1.0, head=head)
