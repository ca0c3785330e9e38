"""Whether two places, as OCR read them, are the same: address parts (hamlet, commune, district, province)
compared one by one, unit words aside, with the slips OCR makes of their letters read back.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from config.reference import province_codes
from extract.names import fold
from extract.syllables import WORD_EDGE, clean_word, is_syllable

# Unit words and their abbreviations, which forms print in full, short or not at all ("tỉnh Nam Định",
# "Nam Định"); shared by every address, they would make any two places look alike. They open a part: inside a
# name they are the name's ("Hải Dương", not "Hải" and the "đường" of a street).
_UNIT_WORDS = re.compile(
    r"^(?:\s*\b(?:thanh pho|thi xa|thi tran|khu pho|to dan pho|tinh|huyen|quan|xa|phuong|thon|ap|xom|ban|buon|to"
    r"|khu|so|duong|pho|ngo|hem|kiet|tp|tx|tt|p|q|h)\b)+"
)
# Parts end at a comma, and at a full stop before a unit word: OCR reads a comma as one ("Xã Hiệp Hòa. huyện
# ..."); a speck read as a full stop inside a name ("Hải . Phòng") parts nothing.
_PARTS = re.compile(r"[,;\n]| - |\.\s*(?=(?:xa|huyen|tinh|thanh pho|quan|phuong|thi xa|thi tran|thon|ap|xom|ban)\b)")
PROVINCE_LAST = 3  # parts a place has when its last one is the province (commune, district, province)
_PLACE_PART_MATCH = 85  # rapidfuzz ratio for two address parts to count as the same (OCR noise allowed)
# ... and the ratio under which they are surely different ones: "xn tan an" (Xñ for Xã) is 80 like "tan an", "ea
# kac" 83 like "ea kar", while other districts ("ea sup", "hoai nhon" for "hoai duc") are under 60.
PART_UNLIKE = 75
# ... and under which a part read matches none of the other place's: what another place has and a garbled reading of
# the same one does not ("x ton tap" for Xã Tân Lập is 62 like "tan lap", "hoa hien tuo" for Thừa Thiên Huế 69).
PART_OTHER = 60
_CUT_LEFT = 3  # letters at least of a last part cut short
_CUT_WHOLE = 2  # named parts at least read whole before it
# What OCR makes of a letter in a place name's word ("8inh Định", "xã wam $ơn"), read back as that letter on both
# sides alike: a word a digit or symbol disfigures still compares. A number standing alone ("Tổ 5") stays.
_LETTER_SLIPS = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b", "6": "g", "$": "s", "|": "l", "@": "a"})


def _unslipped(text: str) -> str:
    return " ".join(t.translate(_LETTER_SLIPS) if any(c.isalpha() for c in t) else t for t in text.split())


# A province's unit word, as OCR misreads it a letter off ("thành phế Hà Nội", "tinb Nam Định").
_PROVINCE_UNITS = ("thanh pho", "tinh")
_UNIT_LEFT = 4  # letters at most of a word that is what OCR left of a unit word


def _without_misread_unit(part: str, last: bool) -> str:
    """``part`` without a province's unit word read a letter off, when a province's name follows it (a commune
    "Thanh Phú Đông Bắc" is no "thành phố Đông Bắc"); in a place's ``last`` part, where the province stands, also
    one garbled further."""
    words = part.split()
    for unit in _PROVINCE_UNITS:
        n = unit.count(" ") + 1
        lead, rest = " ".join(words[:n]), " ".join(words[n:])
        if rest in province_parts() and lead != unit and Levenshtein.distance(lead, unit, score_cutoff=1) == 1:
            return rest
    # Garbled further ("© rỉ “ồng Nai" for tỉnh Đồng Nai): one or two short words before a province's name read
    # a letter or two off are what is left of its unit word.
    # Not elsewhere: "12 Hải Phòng" is a house on Hải Phòng street, "Tân Hòa Bình" a commune of its own.
    for n in (1, 2) if last else ():
        rest = " ".join(words[n:])
        if len(words) > n and all(len(w) <= _UNIT_LEFT and w.isalpha() for w in words[:n]) and max(
                fuzz.ratio(rest, p) for p in province_parts()) >= _PLACE_PART_MATCH:
            return rest
    return part


@lru_cache(maxsize=1)
def province_parts() -> frozenset[str]:
    """The provinces' names as address parts ("ha noi", "ho chi minh"; "ba ria", "vung tau")."""
    return frozenset(" ".join(_UNIT_WORDS.sub(" ", re.sub(r"[^\w ]", " ", piece)).split())
                     for name in province_codes().values() for piece in fold(name).split(" - "))


@lru_cache(maxsize=16384)
def _place_parts(text: str) -> tuple[str, ...]:
    parts = []
    pieces = _PARTS.split(fold(text))
    for i, part in enumerate(pieces):
        # Punctuation first ("P.10" is P 10, not "p.lo"), then letters back from the slips left in words.
        part = re.sub(r"[^\w ]", " ", _unslipped(re.sub(r"[^\w $|@]", " ", part)))
        last = i == len(pieces) - 1 and len(pieces) >= PROVINCE_LAST  # where a province stands
        part = _UNIT_WORDS.sub(" ", _without_misread_unit(part, last))
        part = " ".join(part.split())
        if part:
            parts.append(part)
    return tuple(parts)


def place_similarity(a: str | None, b: str | None, *, part_match: float = _PLACE_PART_MATCH) -> float | None:
    """Share of address parts (hamlet, commune, district, province) the two places have in common, 0..1; parts
    count as common from a rapidfuzz ratio of `part_match` (``PART_UNLIKE``: all but the surely different)."""
    if not a or not b:
        return None
    pa, pb = _place_parts(a), _place_parts(b)
    if not pa or not pb:
        return None
    # The reader may run a place's last part on into what follows it ("... thành phố Hà Nội Giấy tờ tùy thân ..."):
    # of two places given down to the district or further, a last part of ``a`` that starts with ``b``'s, word for
    # word, is that part when ``b``'s is a province's name. Not a commune: "Tân An Hội" is not "Tân An".
    if min(len(pa), len(pb)) >= PROVINCE_LAST and pb[-1] in province_parts() and pa[-1].startswith(pb[-1] + " "):
        pa = (*pa[:-1], pb[-1])
    left = list(pb)
    common = 0.0
    for part in pa:
        best = max(range(len(left)), key=lambda k: fuzz.ratio(part, left[k]), default=None)
        if best is None:
            break
        ratio = fuzz.ratio(part, left[best])
        # Two provinces' names, however alike (Bình Thuận and Ninh Thuận are 90), are two provinces.
        provinces = part != left[best] and {part, left[best]} <= province_parts()
        if ratio >= part_match and not provinces:
            common += ratio / 100.0
            left.pop(best)
    return 2.0 * common / (len(pa) + len(pb))


def legible(place: str) -> bool:
    """Whether a place as read says anything: a word of Vietnamese (a syllable of two letters or more), a word as
    printed of another language ("Kar", "Krông Búk": ``clean_word``) or a province's name. "PÍạte Qf 2g)jfx" (a
    card's "Place of origin" read into specks where its value was lost) is no place at all."""
    words = [w.strip(WORD_EDGE) for w in place.split()]
    return any((len(w) >= 2 and is_syllable(w)) or clean_word(w) for w in words) or any(
        part in province_parts() for part in _place_parts(place))


def surely_another_place(a: str | None, b: str | None, share: float, *, unsure: bool = False) -> bool:
    """Whether place ``a`` (read) is another place than ``b`` whatever OCR did to it: under ``share`` of its parts
    alike even read leniently (``PART_UNLIKE``) and, for a reading OCR was ``unsure`` of, one at least like none of
    ``b``'s (``_unlike_part``), or its province read as another province more than as ``b``'s
    ("Quảng Nam" for Quảng Ngãi, 84 alike, and "Bình Thuận" for Ninh Thuận, 90, are provinces of their own; "BÁI
    Gương" is no province, so Hải Dương misread). A place the reader cut short (``_cut_short``) is no other."""
    loose = place_similarity(a, b, part_match=PART_UNLIKE)
    if loose is None or (loose < share and not _cut_short(a or "", b or "")
                         and (not unsure or _unlike_part(a or "", b or ""))):
        return True
    read, registered = _place_parts(a or "")[-1], _place_parts(b or "")[-1]
    province = _province_of(read)
    return province is not None and fuzz.ratio(read, province) > fuzz.ratio(read, registered)


def _unlike_part(a: str, b: str) -> bool:
    """Whether a part of place ``a`` is like none of ``b``'s left (``PART_OTHER``; each of ``b``'s parts pairs with
    one of ``a``'s only, so two communes sharing a first syllable with one registered are not both like it), or is
    the first words of one of ``b``'s (a district "Tân Phú" beside Tân Phú Đông): a commune or district of its
    own. An unsure reading every part of which is near one of ``b``'s ("X& Tôn tập, tuyện Quảng Điền, tỉnh hòa
    hiên tuố", seed 1010097) is ``b`` read unclearly."""
    theirs = _place_parts(b)
    left = list(theirs)
    for part in _place_parts(a):
        ratio, best = max(((fuzz.ratio(part, other), other) for other in left), key=lambda r: r[0],
                          default=(0.0, None))
        if best is None or ratio < PART_OTHER or any(o.startswith(part + " ") for o in theirs):
            return True
        left.remove(best)
    return False


def _cut_short(a: str, b: str) -> bool:
    """Whether place ``a`` is ``b``'s first parts, two named ones at least, and the start of the next: a value
    whose line the reader lost the end of ("Thôn Đông, xã Hải Anh, huyện Hải" for ..., huyện Hải Hậu, tỉnh Nam
    Định) is no other place. With fewer named parts whole ("Xóm 7" is a number), a name that begins another
    ("huyện Tân Phú" of Tân Phú Đông) may be printed whole."""
    ours, theirs = _place_parts(a), _place_parts(b)
    if not 1 < len(ours) <= len(theirs) or len(ours[-1]) < _CUT_LEFT:
        return False
    *whole, last = ours
    named = sum(not part.replace(" ", "").isdigit() for part in whole)  # "Thôn 1", "phường 2" are numbers
    alike = all(fuzz.ratio(x, y) >= _PLACE_PART_MATCH for x, y in zip(whole, theirs, strict=False))
    return named >= _CUT_WHOLE and alike and theirs[len(whole)].startswith(last)


def _province_of(part: str) -> str | None:
    """The province an address part names, read well enough to tell (ties go to the first in alphabetical order,
    so the answer does not depend on the run); None if none."""
    best = max(sorted(province_parts()), key=lambda p: fuzz.ratio(part, p))
    return best if fuzz.ratio(part, best) >= _PLACE_PART_MATCH else None
