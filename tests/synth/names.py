"""Vietnamese personal names with realistic frequencies, so that namesakes come out as often as in life."""

from __future__ import annotations

import random
import re
import unicodedata

# Family names with rough national shares in percent; Hoàng/Huỳnh and Vũ/Võ are regional spellings of one name.
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.0), ("Huỳnh", 2.0),
    ("Phan", 4.5), ("Vũ", 2.2), ("Võ", 1.7), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.6), ("Mai", 0.5), ("Lương", 0.4),
    ("Đoàn", 0.4), ("Trịnh", 0.4), ("Cao", 0.3), ("Tạ", 0.2), ("Hà", 0.3), ("Lưu", 0.2), ("Chu", 0.2),
)

# Minority family names; given names are mostly Vietnamese-style except where noted below.
ETHNIC_FAMILY: dict[str, tuple[str, ...]] = {
    "Tày": ("Hoàng", "Nông", "Lộc", "Hà", "Đàm", "Lường"),
    "Thái": ("Lò", "Lường", "Cầm", "Quàng", "Hà", "Vi"),
    "Mường": ("Bùi", "Đinh", "Quách", "Hà", "Xa"),
    "Khmer": ("Thạch", "Sơn", "Kim", "Danh", "Lâm"),
    "Hoa": ("Lý", "Trương", "Quách", "Lâm", "Mã", "Diệp"),
    "Nùng": ("Hoàng", "Nông", "Lăng", "Chu", "Vi"),
    "H'Mông": ("Giàng", "Sùng", "Vàng", "Thào", "Lầu", "Ly", "Hờ"),
}

MIDDLE_MALE: tuple[tuple[str, float], ...] = (
    ("Văn", 40.0), ("Hữu", 6.0), ("Đức", 7.0), ("Minh", 8.0), ("Quốc", 5.0), ("Thanh", 4.0), ("Công", 4.0),
    ("Đình", 4.0), ("Xuân", 3.0), ("Ngọc", 3.0), ("Trọng", 2.0), ("Quang", 3.0), ("Hoàng", 2.0),
    ("Anh", 2.0), ("Tuấn", 1.5), ("Gia", 1.5),
)
MIDDLE_FEMALE: tuple[tuple[str, float], ...] = (
    ("Thị", 55.0), ("Ngọc", 7.0), ("Thanh", 5.0), ("Thu", 4.0), ("Minh", 3.0), ("Kim", 4.0),
    ("Phương", 2.0), ("Hồng", 3.0), ("Thùy", 3.0), ("Mai", 2.0), ("Bảo", 1.5), ("Hải", 1.0), ("Khánh", 1.5),
)

# Given names, most common first; weights fall off like a Zipf law.
GIVEN_MALE = (
    "An", "Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Cường", "Bình", "Hải", "Sơn", "Thắng", "Long", "Hiếu",
    "Trung", "Khánh", "Hòa", "Quân", "Đức", "Thành", "Huy", "Việt", "Phong", "Tâm", "Đạt", "Kiên", "Lâm",
    "Lộc", "Nghĩa", "Phúc", "Quý", "Tài", "Thịnh", "Tùng", "Vinh", "Hưng", "Khoa", "Duy", "Hoàng", "Toàn",
    "Thuận", "Tiến", "Thái", "Chiến", "Nhật", "Bảo", "Trí", "Vũ", "Hiển", "Đông", "Quyết",
)
GIVEN_FEMALE = (
    "Lan", "Hoa", "Hương", "Phương", "Thủy", "Yến", "Hằng", "Linh", "Trang", "Mai", "Nga", "Hạnh", "Nguyệt",
    "Thảo", "Huệ", "Loan", "Ngọc", "Nhung", "Oanh", "Trinh", "Vân", "Xuân", "Hòa", "Khánh", "An", "Bích",
    "Dung", "Giang", "Hiền", "Liên", "Ly", "My", "Nhi", "Quyên", "Tâm", "Thu", "Tuyết", "Uyên", "Vy",
    "Ánh", "Châu", "Diệp", "Huyền", "Lệ", "Thoa", "Cúc", "Đào", "Duyên", "Hiếu",
)
HMONG_MIDDLE = {"male": ("A", "Seo", "Mí", "Văn"), "female": ("Thị", "Seo", "Thị")}
HMONG_GIVEN = {"male": ("Páo", "Dính", "Chứ", "Sính", "Chù", "Pó", "Tủa"), "female": ("Mỷ", "Dợ", "Sua", "Chá", "Mai")}

# Over-represented combinations, as in the real population: dozens of "NGUYỄN VĂN AN" per 2,000 people.
POPULAR: tuple[tuple[str, str, str, str, float], ...] = (
    ("Nguyễn", "Văn", "An", "male", 0.08),
    ("Nguyễn", "Thị", "Lan", "female", 0.03),
    ("Trần", "Văn", "Hùng", "male", 0.08),
    ("Lê", "Thị", "Hoa", "female", 0.08),
)


def _zipf(names: tuple[str, ...]) -> list[float]:
    return [1.0 / (i + 1) ** 0.9 for i in range(len(names))]


_ZM = _zipf(GIVEN_MALE)
_ZF = _zipf(GIVEN_FEMALE)


def family_name(rng: random.Random, ethnicity: str = "Kinh") -> str:
    pool = ETHNIC_FAMILY.get(ethnicity)
    if pool and rng.random() < 0.85:
        return rng.choice(pool)
    names, weights = zip(*FAMILY_NAMES, strict=True)
    return rng.choices(names, weights)[0]


def middle_given(rng: random.Random, gender: str, family: str, ethnicity: str = "Kinh") -> tuple[str, str]:
    """Middle and given name for a person whose family name is already fixed (a child takes the father's)."""
    if ethnicity == "H'Mông":
        return rng.choice(HMONG_MIDDLE[gender]), rng.choice(HMONG_GIVEN[gender])
    for fam, mid, giv, gen, p in POPULAR:
        if fam == family and gen == gender and rng.random() < p:
            return mid, giv
    mids = MIDDLE_MALE if gender == "male" else MIDDLE_FEMALE
    names, weights = zip(*mids, strict=True)
    middle = rng.choices(names, weights)[0]
    given = rng.choices(GIVEN_MALE, _ZM)[0] if gender == "male" else rng.choices(GIVEN_FEMALE, _ZF)[0]
    if given == middle:
        given = rng.choice(GIVEN_MALE if gender == "male" else GIVEN_FEMALE[1:])
    # Some people carry two middle names ("Nguyễn Thị Thu Hà"); keeps the name space wide enough.
    if rng.random() < 0.08:
        extra = rng.choices(names, weights)[0]
        if extra not in (middle, given):
            middle = f"{middle} {extra}"
    return middle, given


def full_name(family: str, middle: str, given: str) -> str:
    """As the contract wants names: upper case, NFC, single spaces."""
    return unicodedata.normalize("NFC", " ".join(p for p in (family, middle, given) if p).upper())


# Older print put the tone mark on the first vowel of open "oa/oe/uy" syllables (Hoà, Thuý); NFC keeps the two
# spellings different, which is exactly what the matcher has to cope with.
_OLD_TONE = re.compile(r"([òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤ])([aeyAEY])(?![\wà-ỹ])")


def old_tone_style(text: str) -> str:
    """"Hòa" -> "Hoà", "THỦY" -> "THUỶ": the tone moves to the second vowel of an open syllable."""

    def move(m: re.Match[str]) -> str:
        decomposed = unicodedata.normalize("NFD", m.group(1))
        base, tone = decomposed[0], decomposed[1:]
        return base + unicodedata.normalize("NFC", m.group(2) + tone)

    return unicodedata.normalize("NFC", _OLD_TONE.sub(move, unicodedata.normalize("NFC", text)))


def ascii_fold(text: str) -> str:
    """Diacritics stripped, đ -> d: what the machine-readable zone of an ID card prints."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
