"""Vietnamese personal names: normalization, comparison keys and a similarity score for record linkage.

Four keys per name, from strict to loose (see :class:`NameKeys`): the name as printed, the name with its
tone marks moved to one canonical place ("HOÀ" and "HÒA" are the same name printed in two styles), the name
without any diacritics (what a worn scan or a machine-readable zone gives), and that folded name with the
regional family-name variants Huỳnh → Hoàng and Võ → Vũ merged. The registry stores the last one as its
blocking key; :func:`name_similarity` uses all four so that a looser agreement counts for less.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

# Combining tone marks: grave, acute, hook above, tilde, dot below. Quality marks (breve, circumflex, horn)
# change the vowel itself and are never moved.
_TONES = frozenset("\u0300\u0301\u0309\u0303\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_QUALITY_VOWELS = frozenset("ăâêôơư")
# Regional spellings of one family name (domain.md: "Hoàng/Huỳnh ~5%, equivalent"; "Vũ/Võ equivalent").
FAMILY_VARIANTS = {"huynh": "hoang", "vo": "vu"}
_VARIANT_LABEL = {"hoang": "Hoàng/Huỳnh", "vu": "Vũ/Võ"}

_NOT_NAME = re.compile(r"[^\w\s'\-]|[\d_]", re.UNICODE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class NameKeys:
    exact: str  # NFC, upper case, single spaces: the name as printed
    toned: str  # exact with tone marks at their canonical place
    folded: str  # lower case, no diacritics, đ → d
    variant: str  # folded, with the family-name variants merged: the registry's blocking key


def normalize_name(text: str | None) -> str:
    """NFC, upper case, single spaces; stray punctuation (leader dots, OCR specks) and digits dropped."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _NOT_NAME.sub(" ", text)
    return _SPACES.sub(" ", text).strip().upper()


@lru_cache(maxsize=65536)
def _canonical_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) != 1:
        # No tone to place, or an OCR artefact with two: leave it alone rather than invent a spelling.
        return unicodedata.normalize("NFC", decomposed)
    bare = without_tone(word)
    pos = _tone_position(bare.lower())
    if pos is None:
        return unicodedata.normalize("NFC", decomposed)
    return unicodedata.normalize("NFC", bare[: pos + 1] + tones[0] + bare[pos + 1 :])


def _tone_position(word: str) -> int | None:
    """Index of the letter that carries the tone in `word` (lower case, NFC, no tone mark)."""
    # "qu" and "gi" + vowel: the u/i belongs to the consonant ("quý", "già").
    consonant_u_i = word.startswith("qu") or (word.startswith("gi") and len(word) > 2 and word[2] in _VOWELS)
    start = 2 if consonant_u_i else 0
    i = start
    while i < len(word) and word[i] not in _VOWELS:
        i += 1
    if i == len(word):
        return start - 1 if start and word[start - 1] in _VOWELS else None
    j = i
    while j < len(word) and word[j] in _VOWELS:
        j += 1
    cluster = word[i:j]
    quality = [k for k, ch in enumerate(cluster) if ch in _QUALITY_VOWELS]
    if quality:
        return i + quality[-1]
    if j < len(word):  # closed syllable: the last vowel ("hoàng", "huỳnh")
        return j - 1
    if len(cluster) == 1:
        return i
    if len(cluster) == 2:
        # "hài", "mía"; and the open "oa/oe/uy" where old and new print disagree ("HOÀ"/"HÒA", "THUỶ"/"THỦY"):
        # one form has to be picked, and the first vowel is what the registry and current forms print.
        return i
    return i + 1  # three vowels: the middle one ("ngoài", "xoáy")


def _tone_at(word: str) -> tuple[str | None, int | None]:
    """The tone mark of a syllable (NFC) and the index of the letter carrying it."""
    for i, ch in enumerate(word):
        for mark in unicodedata.normalize("NFD", ch)[1:]:
            if mark in _TONES:
                return mark, i
    return None, None


def tone_placed_like(word: str, model: str) -> str:
    """``word``'s letters and tone, the tone on the letter ``model`` (a same-length syllable) carries its own:
    "THỦY" placed like "THUỲ" gives "THUỶ", the old form's spelling. ``word`` as it is when either has no tone."""
    tone, _ = _tone_at(word)
    _, where = _tone_at(model)
    if tone is None or where is None or len(word) != len(model):
        return word
    bare = list(without_tone(word))  # NFC: one code point per letter, so ``where`` still points at it
    bare[where] = unicodedata.normalize("NFC", bare[where] + tone)
    return "".join(bare)


def without_tone(word: str) -> str:
    """The syllable (NFC) with its tone mark removed and its other marks (ă, ê, ơ...) kept."""
    return unicodedata.normalize("NFC", "".join(ch for ch in unicodedata.normalize("NFD", word) if ch not in _TONES))


def canonical_tones(text: str) -> str:
    """Tone marks moved to one canonical place per syllable: "HOÀ" → "HÒA", "THUỶ" → "THỦY", "QÚY" → "QUÝ"."""
    return " ".join(_canonical_word(w) for w in unicodedata.normalize("NFC", text).split(" "))


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if base.isascii() else ch.lower()


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d; one character in, one out (so positions stay comparable)."""
    return "".join(_fold_char(ch) for ch in text)


def _strip_combining(text: str) -> str:
    # After NFC every Vietnamese letter is one code point; a mark left alone is OCR debris.
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def family_variant(folded_family: str) -> str:
    return FAMILY_VARIANTS.get(folded_family, folded_family)


@lru_cache(maxsize=65536)
def name_keys(text: str | None) -> NameKeys:
    exact = normalize_name(text)
    toned = _strip_combining(canonical_tones(exact))
    folded = fold(toned)
    words = folded.split(" ")
    if words and words[0]:
        words[0] = family_variant(words[0])
    return NameKeys(exact=exact, toned=toned, folded=folded, variant=" ".join(words))


def variant_key(text: str | None) -> str:
    """The registry's blocking key for a name."""
    return name_keys(text).variant


# -- similarity -------------------------------------------------------------------------------------------

# Scores for agreement at each level of looseness. A diacritic-insensitive match counts less than an exact
# one because different names fold together ("HÀ"/"HẠ", "HOA"/"HÒA", "LAN"/"LÂN").
TONE_PLACEMENT_SCORE = 0.99
NO_DIACRITICS_SCORE = 0.90  # one side printed without any diacritics (typewriter, card MRZ)
FAMILY_VARIANT_PENALTY = 0.03
# Per differing diacritic on otherwise equal letters: the given name tells people apart, so it costs more.
DIACRITIC_PENALTY_GIVEN = 0.04
DIACRITIC_PENALTY_OTHER = 0.02
DIACRITIC_PENALTY_CAP = 0.12
SPACING_SCORE = 0.95  # same letters, words merged or split ("NGUYỄNVĂN AN")
# When letters differ, word by word: the given name (last word) weighs half, the family name and the middle
# names a quarter each. One wrong letter in "NGUYỄN" is OCR noise more often than a different person; one in
# "AN"/"ANH", or a different middle name ("ĐỨC"/"ĐÌNH"), is a different name as often as not.
GIVEN_NAME_WEIGHT = 0.5
FAMILY_NAME_WEIGHT = 0.25
# A word one letter away that is not a Vietnamese syllable at all ("HÙNC") can only be a misreading.
MISREAD_WORD_SCORE = 0.9
MISREAD_SYLLABLE_SCORE = 0.7
WORD_COUNT_CAP = 0.85
REAL_WORD_DIFF_FACTOR = 2.0

# Vietnamese syllable shape on folded letters: initial consonant, vowel nucleus, final consonant.
_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(oai|oay|oeo|uai|uay|uoi|uou|uya|uye|uyu|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy"
    r"|ya|ye|[aeiouy])"
    r"(ch|nh|ng|[cmnpt])?"
)


def letters_off(read: str, registered: str) -> int | None:
    """Letters two names differ in, marks aside, word by word and each word's length kept; None when their words
    differ in number or length (a word lost, a letter dropped)."""
    rs, gs = fold(normalize_name(read)).split(), fold(normalize_name(registered)).split()
    if len(rs) != len(gs) or any(len(a) != len(b) for a, b in zip(rs, gs, strict=True)):
        return None
    return sum(x != y for a, b in zip(rs, gs, strict=True) for x, y in zip(a, b, strict=True))


def words_kept(read: str, registered: str) -> bool:
    """Whether the words read are the registered name's, in order, the last its given name, with words lost ("CHU
    LAN" for LÊ THU LAN) and at most one word a letter off (marks aside): none replaced by another word."""
    rs, gs = fold(normalize_name(read)).split(), fold(normalize_name(registered)).split()
    if not rs or not gs or (last := _letter_off(rs[-1], gs[-1])) is None:
        return False
    slips = _slips_in_order(rs[:-1], gs[:-1])
    return slips is not None and last + slips <= 1


def words_within(read: str, registered: str) -> bool:
    """Whether the words read are some of the registered name's, in order, at most one a letter off (marks aside),
    none replaced, the last perhaps cut short: the name of a line the scan cut ("NGUYỄN" for NGUYỄN THỊ PHƯƠNG,
    "THẠ" for THẠCH MINH TIẾN) says nothing against the citizen."""
    rs, gs = fold(normalize_name(read)).split(), fold(normalize_name(registered)).split()
    if not rs:
        return False
    most = 1 if len(rs) > 1 else 0  # a word alone one letter off is another word ("LY" is no "LÊ")
    slips = _slips_in_order(rs, gs)
    if slips is not None:
        return slips <= most
    *before, last = rs
    for k in range(len(gs)):
        if len(last) >= 3 and gs[k].startswith(last) and (slips := _slips_in_order(before, gs[:k])) is not None:
            return slips <= most
    return False


def _letter_off(word: str, other: str) -> int | None:
    """0 for the same word, 1 for one letter off, None for another word."""
    if len(word) != len(other):
        return None
    n = sum(x != y for x, y in zip(word, other, strict=True))
    return n if n <= 1 else None


def _slips_in_order(read: list[str], registered: list[str]) -> int | None:
    """Letters off over the read words found in order among the registered ones (None when one is missing)."""
    slips, at = 0, 0
    for word in read:
        while at < len(registered) and _letter_off(word, registered[at]) is None:
            at += 1
        if at == len(registered):
            return None
        slips += _letter_off(word, registered[at]) or 0
        at += 1
    return slips


def is_syllable(folded_word: str) -> bool:
    return _SYLLABLE.fullmatch(folded_word) is not None


def _weights(n: int) -> list[float]:
    if n == 1:
        return [1.0]
    if n == 2:
        return [1.0 - GIVEN_NAME_WEIGHT, GIVEN_NAME_WEIGHT]
    middle = (1.0 - GIVEN_NAME_WEIGHT - FAMILY_NAME_WEIGHT) / (n - 2)
    return [FAMILY_NAME_WEIGHT, *([middle] * (n - 2)), GIVEN_NAME_WEIGHT]


def _word_similarity(x: str, y: str, given: bool = False) -> float:
    """How alike a word read (``x``) and a registered one (``y``) are, folded; ``given``: the given names."""
    if x == y:
        return 1.0
    sim = Levenshtein.normalized_similarity(x, y)
    if not (is_syllable(x) and is_syllable(y)):
        return max(sim, MISREAD_WORD_SCORE) if Levenshtein.distance(x, y, score_cutoff=1) <= 1 else sim
    # Two name words a letter apart are two names ("HƯƠNG"/"PHƯƠNG", "AN"/"ANH"), not a near miss.
    real = max(0.0, 1.0 - REAL_WORD_DIFF_FACTOR * (1.0 - sim))
    if given and not _name_word(x) and _name_word(y) and Levenshtein.distance(x, y, score_cutoff=1) <= 1:
        # A given name read as a syllable no name has ("NUỆ", "AM") a letter off the registered one: that name
        # misread more likely than not, yet a word, so less surely than a non-word ("RƯƠNG"): it links only with
        # something besides. Not a family name (the list lacks some, "MÙA"), nor a registered name the list lacks.
        return max(real, MISREAD_SYLLABLE_SCORE)
    return real


def _name_word(folded: str) -> bool:
    """Whether a word (folded) is a family name or a common name syllable."""
    from extract.spelling import known_folded  # spelling builds on this module

    return folded in known_folded()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("s" if n > 1 else "")


def _has_marks(toned: str) -> bool:
    return any(not ch.isascii() for ch in toned)


def _diacritic_diffs(ta: str, tb: str, fa: str, fb: str) -> tuple[int, int]:
    """Differing diacritics on letters the folded names share, split into (given name, other words)."""
    given_a = fa.rfind(" ") + 1
    given_n = other_n = 0
    for tag, a0, a1, b0, _b1 in Levenshtein.opcodes(fa, fb):
        if tag != "equal":
            continue
        for k in range(a1 - a0):
            if ta[a0 + k] != tb[b0 + k]:
                if a0 + k >= given_a:
                    given_n += 1
                else:
                    other_n += 1
    return given_n, other_n


def name_similarity(a: str | None, b: str | None) -> tuple[float, list[str]]:
    """How likely two printed names are the same name, 0..1, with short reasons.

    1.0 exact; 0.99 same up to tone placement; about 0.9-0.98 same letters with diacritics differing
    (0.90 when one side has none at all); 0.95 same letters with words merged or split; below that, a word
    by word edit-distance score where the given name weighs half. Family-name variants (Hoàng/Huỳnh, Vũ/Võ)
    count as the same family name, minus a little.
    """
    ka, kb = name_keys(a), name_keys(b)
    if not ka.folded or not kb.folded:
        return 0.0, ["name missing"]
    if ka.exact == kb.exact:
        return 1.0, ["exact name"]
    if ka.toned == kb.toned:
        return TONE_PLACEMENT_SCORE, ["same name up to tone placement"]

    ta, tb = ka.toned, kb.toned
    fa, fb = ka.folded, kb.folded
    penalty = 0.0
    reasons: list[str] = []
    wa, wb = ta.split(" "), tb.split(" ")
    fam_a, fam_b = fa.split(" ")[0], fb.split(" ")[0]
    if fam_a != fam_b and family_variant(fam_a) == family_variant(fam_b):
        # Compare the rest as if b had a's spelling of the family name.
        wb[0] = wa[0]
        tb = " ".join(wb)
        fb = fold(tb)
        penalty += FAMILY_VARIANT_PENALTY
        reasons.append(f"family-name variant {_VARIANT_LABEL[family_variant(fam_a)]}")
        if ta == tb:
            return 1.0 - penalty, reasons

    if fa == fb:
        if _has_marks(ta) != _has_marks(tb):
            return NO_DIACRITICS_SCORE - penalty, [*reasons, "same name without diacritics (weaker)"]
        given_n, other_n = _diacritic_diffs(ta, tb, fa, fb)
        cost = min(DIACRITIC_PENALTY_CAP, DIACRITIC_PENALTY_GIVEN * given_n + DIACRITIC_PENALTY_OTHER * other_n)
        n = given_n + other_n
        return 1.0 - cost - penalty, [*reasons, f"same letters, {_count(n, 'diacritic')} off"]

    if fa.replace(" ", "") == fb.replace(" ", ""):
        # Same letters, words merged or split: OCR spacing, not a different name.
        score = SPACING_SCORE
        reasons.append("same letters, word spacing differs")
    else:
        words_a, words_b = fa.split(" "), fb.split(" ")
        if len(words_a) == len(words_b):
            pairs = zip(_weights(len(words_a)), words_a, words_b, strict=True)
            last = len(words_a) - 1
            score = sum(w * _word_similarity(x, y, k == last) for k, (w, x, y) in enumerate(pairs))
        else:
            # A middle name more or less is a different name as often as an omission: never strong.
            whole = Levenshtein.normalized_similarity(fa, fb)
            given = Levenshtein.normalized_similarity(words_a[-1], words_b[-1])
            score = min(WORD_COUNT_CAP, (1 - GIVEN_NAME_WEIGHT) * whole + GIVEN_NAME_WEIGHT * given)
        edits = Levenshtein.distance(fa, fb)
        label = "similar name" if score >= 0.75 else "different name"
        reasons.append(f"{label} ({_count(edits, 'letter')} off)")
    if _has_marks(ta) and _has_marks(tb):
        given_n, other_n = _diacritic_diffs(ta, tb, fa, fb)
        penalty += min(DIACRITIC_PENALTY_CAP / 2, DIACRITIC_PENALTY_GIVEN * given_n + DIACRITIC_PENALTY_OTHER * other_n)
    else:
        penalty += 1.0 - NO_DIACRITICS_SCORE
    return max(0.0, score - penalty), reasons
