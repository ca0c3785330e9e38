"""Whether a word can be a Vietnamese syllable: an onset, a rhyme from the closed set, a tone the rhyme allows.

Vietnamese writes one syllable per word and its syllables are few: about two dozen onsets and some 150 rhymes.
OCR of a degraded name makes words no syllable can be ("MINN", "NGUYỄM", "LƠNG", "HGỌC", "TEẢO"); a reading
whose words all are syllables is the better one when two readings of the same name compete. A valid syllable
is not proof of a right reading ("DÔNG" for "DŨNG" is a word too): this is one piece of evidence, not a fix.
Minority names written in Vietnamese letters (H'Mông "Páo", "Mỷ"; Khmer "Danh", "Thạch") are syllables too.
"""

from __future__ import annotations

import unicodedata
from functools import cache

_TONES = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g", "h", "k",
           "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_RHYME_TABLE = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oong ooc
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u uc ui um un ung up ut ua uân uâng uât uây uê uêch uênh uơ uy uya uych uyên uyêt uynh uyt uyu
uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
"""
_RHYMES = frozenset(_RHYME_TABLE.split())
_STOPS = ("p", "t", "c", "ch")  # a syllable closed by a stop takes only the sắc or nặng tone
NOT_VIETNAMESE_LETTERS = "fjwz"  # no Vietnamese word has them: in a word OCR read, they are misread letters
_MINORITY = frozenset({"h'"})  # H'Mông, H'Hen: a glottal onset written with an apostrophe


def _split_tone(word: str) -> tuple[str, str | None, int]:
    """(the word without its tone mark, lower case, NFC; the tone; how many tone marks it had)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONES]
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return bare, _TONES[tones[0]] if tones else None, len(tones)


def tone_marks(word: str) -> int:
    """How many tone marks ``word`` carries: a syllable has one at most."""
    return _split_tone(word)[2]


WORD_EDGE = ".,:;!?\"'`()[]{}-–—/|"  # marks OCR leaves on a word's edges


def clean_word(word: str, letters: int = 3) -> bool:
    """Whether ``word``, its edge marks aside, reads as a printed word rather than specks, Vietnamese or not: so many
    letters at least and nothing else (an apostrophe inside: "M'Drắk"), one tone mark at most, each piece in title
    case or capitals. "Kar", "Kbang", "Krông" are; "PÍạte" (two marks), "2g)jfx", "Qf" are not."""
    pieces = word.strip(WORD_EDGE).split("'")
    if sum(map(len, pieces)) < letters or not all(p.isalpha() for p in pieces):
        return False
    return tone_marks("".join(pieces)) <= 1 and all(p.istitle() or p.isupper() for p in pieces)


@cache
def is_syllable(word: str) -> bool:
    """Whether ``word`` (any case, NFC) is spelled like one Vietnamese syllable."""
    bare, tone, marks = _split_tone(word)
    if marks > 1 or not bare:
        return False
    for prefix in _MINORITY:
        if bare.startswith(prefix):
            bare = bare[len(prefix):]
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset):]
        if onset == "gi" and (rhyme == "" or rhyme[0] not in "aăâeêioôơuưy"):
            rhyme = "i" + rhyme  # "gì", "gìn": the i of gi is the vowel
        # The u of qu is the rhyme's medial, written o or u elsewhere: "quang" as oang, "quỳnh" as uynh.
        rhymes = (("o" + rhyme, "u" + rhyme) if rhyme else ()) if onset == "qu" else (rhyme,)
        for r in rhymes:
            if r in _RHYMES and (tone in (None, "sac", "nang") or not r.endswith(_STOPS)):
                return True
    return False


def syllable_share(name: str) -> float:
    """Share of the words of ``name`` that are syllables (0 for an empty name)."""
    words = name.split()
    return sum(is_syllable(w) for w in words) / len(words) if words else 0.0
