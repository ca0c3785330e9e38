"""Provinces, districts, communes and addresses with their diacritics.

Province codes are the real table (domain.md). Districts are real for the provinces listed in DISTRICTS;
communes and hamlets come from a pool of common place names, so a commune/district pair is plausible but
not necessarily real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# code -> province name; the five centrally governed cities print as "thành phố", the rest as "tỉnh".
PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}
CITIES = frozenset({"001", "031", "048", "079", "092"})

# Rough population weights so that Hà Nội and Hồ Chí Minh births dominate as they do.
_WEIGHT = {"001": 9.0, "079": 10.0, "038": 3.7, "040": 3.4, "074": 2.8, "075": 3.2, "031": 2.1,
           "034": 1.9, "036": 1.8, "066": 1.9, "089": 1.9, "064": 1.5, "030": 1.9, "042": 1.3}

# (district, unit word); "quận"/"phường" are urban, "huyện"/"xã" rural.
DISTRICTS: dict[str, tuple[tuple[str, str], ...]] = {
    "001": (("Đống Đa", "quận"), ("Cầu Giấy", "quận"), ("Hoàng Mai", "quận"), ("Đông Anh", "huyện"),
            ("Gia Lâm", "huyện"), ("Hoài Đức", "huyện"), ("Thạch Thất", "huyện")),
    "079": (("Bình Thạnh", "quận"), ("Gò Vấp", "quận"), ("Tân Bình", "quận"), ("Củ Chi", "huyện"),
            ("Bình Chánh", "huyện"), ("Hóc Môn", "huyện")),
    "031": (("Lê Chân", "quận"), ("Ngô Quyền", "quận"), ("Tiên Lãng", "huyện"), ("Vĩnh Bảo", "huyện")),
    "048": (("Hải Châu", "quận"), ("Thanh Khê", "quận"), ("Hòa Vang", "huyện")),
    "092": (("Ninh Kiều", "quận"), ("Cái Răng", "quận"), ("Phong Điền", "huyện")),
    "036": (("Hải Hậu", "huyện"), ("Giao Thủy", "huyện"), ("Nghĩa Hưng", "huyện"), ("Xuân Trường", "huyện")),
    "034": (("Kiến Xương", "huyện"), ("Tiền Hải", "huyện"), ("Vũ Thư", "huyện"), ("Quỳnh Phụ", "huyện")),
    "038": (("Hoằng Hóa", "huyện"), ("Quảng Xương", "huyện"), ("Thọ Xuân", "huyện"), ("Nông Cống", "huyện")),
    "040": (("Quỳnh Lưu", "huyện"), ("Diễn Châu", "huyện"), ("Yên Thành", "huyện"), ("Nam Đàn", "huyện")),
    "042": (("Can Lộc", "huyện"), ("Đức Thọ", "huyện"), ("Hương Sơn", "huyện")),
    "046": (("Phú Vang", "huyện"), ("Quảng Điền", "huyện"), ("Phong Điền", "huyện")),
    "049": (("Duy Xuyên", "huyện"), ("Thăng Bình", "huyện"), ("Núi Thành", "huyện")),
    "052": (("Phù Cát", "huyện"), ("Phù Mỹ", "huyện"), ("Tuy Phước", "huyện")),
    "066": (("Krông Pắc", "huyện"), ("Cư M'gar", "huyện"), ("Ea Kar", "huyện")),
    "068": (("Đức Trọng", "huyện"), ("Di Linh", "huyện")),
    "075": (("Long Thành", "huyện"), ("Nhơn Trạch", "huyện"), ("Trảng Bom", "huyện")),
    "080": (("Đức Hòa", "huyện"), ("Bến Lức", "huyện"), ("Cần Giuộc", "huyện")),
    "082": (("Châu Thành", "huyện"), ("Chợ Gạo", "huyện")),
    "089": (("Chợ Mới", "huyện"), ("Phú Tân", "huyện"), ("Tịnh Biên", "huyện")),
    "094": (("Mỹ Xuyên", "huyện"), ("Kế Sách", "huyện"), ("Trần Đề", "huyện")),
    "084": (("Cầu Kè", "huyện"), ("Tiểu Cần", "huyện"), ("Trà Cú", "huyện")),
    "020": (("Cao Lộc", "huyện"), ("Văn Lãng", "huyện"), ("Bắc Sơn", "huyện")),
    "004": (("Trùng Khánh", "huyện"), ("Hòa An", "huyện")),
    "014": (("Mai Sơn", "huyện"), ("Mộc Châu", "huyện"), ("Thuận Châu", "huyện")),
    "017": (("Mai Châu", "huyện"), ("Lạc Sơn", "huyện"), ("Kim Bôi", "huyện")),
    "010": (("Bắc Hà", "huyện"), ("Bát Xát", "huyện")),
    "002": (("Đồng Văn", "huyện"), ("Mèo Vạc", "huyện"), ("Vị Xuyên", "huyện")),
    "027": (("Tiên Du", "huyện"), ("Quế Võ", "huyện"), ("Gia Bình", "huyện")),
    "030": (("Cẩm Giàng", "huyện"), ("Gia Lộc", "huyện")),
    "091": (("Hòn Đất", "huyện"), ("Giồng Riềng", "huyện")),
}

COMMUNES = (
    "An Bình", "Tân Phú", "Hòa Lợi", "Đông Hưng", "Thanh Xuân", "Phước Long", "Hải Anh", "Yên Sở", "Tân Lập",
    "Minh Khai", "Quang Trung", "Hưng Đạo", "Đồng Tâm", "Nghĩa Đồng", "Xuân Phong", "Thịnh Long", "Bình Minh",
    "Trung Hòa", "Phú Lâm", "Vĩnh Hưng", "Long Hậu", "Mỹ Phước", "Tân An", "Hợp Thành", "Kim Liên",
    "Cẩm Bình", "Đức Thắng", "Liên Nghĩa", "Hồng Phong", "Nam Sơn", "Thái Học", "Tiến Thành", "Hiệp Hòa",
)
HAMLET_NORTH = ("Thôn Đông", "Thôn Trung", "Thôn 3", "Thôn 5", "Xóm Mới", "Xóm 7", "Thôn Thượng", "Thôn Hạ")
HAMLET_SOUTH = ("Ấp Tân Lợi", "Ấp 2", "Ấp Bình Thạnh", "Ấp Mỹ Hòa", "Ấp Phú Hưng")
HAMLET_HIGHLAND = ("Bản Na", "Bản Hua", "Bản Pá Khoang", "Thôn Lũng Cú", "Bản Lầu")
STREETS = ("Láng", "Trần Phú", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Phan Đình Phùng",
           "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Nguyễn Văn Cừ", "Hoàng Hoa Thám", "Bạch Đằng")
_SOUTH = frozenset({"079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094",
                    "095", "096", "072", "074", "075", "077", "070"})
_HIGHLAND = frozenset({"002", "004", "010", "011", "012", "014", "020", "017"})

# Ethnic mix per province where minorities are many; everywhere else nearly all Kinh.
ETHNIC_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "002": (("H'Mông", 0.5), ("Tày", 0.2), ("Kinh", 0.3)),
    "010": (("H'Mông", 0.35), ("Tày", 0.2), ("Kinh", 0.45)),
    "004": (("Tày", 0.45), ("Nùng", 0.3), ("Kinh", 0.25)),
    "020": (("Tày", 0.35), ("Nùng", 0.4), ("Kinh", 0.25)),
    "014": (("Thái", 0.5), ("H'Mông", 0.15), ("Kinh", 0.35)),
    "017": (("Mường", 0.6), ("Kinh", 0.4)),
    "094": (("Khmer", 0.35), ("Hoa", 0.05), ("Kinh", 0.6)),
    "084": (("Khmer", 0.3), ("Kinh", 0.7)),
    "089": (("Khmer", 0.05), ("Hoa", 0.02), ("Kinh", 0.93)),
    "079": (("Hoa", 0.05), ("Kinh", 0.95)),
}


def province_label(code: str, cap: bool = False) -> str:
    unit = "thành phố" if code in CITIES else "tỉnh"
    if cap:
        unit = unit.capitalize()
    return f"{unit} {PROVINCES[code]}"


def random_province(rng: random.Random, detailed_only: bool = False) -> str:
    codes = list(DISTRICTS) if detailed_only else list(PROVINCES)
    weights = [_WEIGHT.get(c, 1.0) for c in codes]
    return rng.choices(codes, weights)[0]


def ethnicity_for(rng: random.Random, province: str) -> str:
    mix = ETHNIC_MIX.get(province)
    if mix is None:
        return "Kinh" if rng.random() < 0.985 else rng.choice(("Tày", "Mường", "Hoa", "Thái"))
    names, weights = zip(*mix, strict=True)
    return rng.choices(names, weights)[0]


@dataclass(frozen=True)
class Locality:
    """A commune in a district in a province; renders the address strings documents print."""

    province_code: str
    district: str
    district_unit: str
    commune: str
    hamlet: str

    @property
    def urban(self) -> bool:
        return self.district_unit == "quận"

    @property
    def commune_unit(self) -> str:
        return "phường" if self.urban else "xã"

    def origin(self) -> str:
        """Quê quán as a civil record writes it: "Xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định"."""
        return (f"{self.commune_unit.capitalize()} {self.commune}, {self.district_unit} {self.district}, "
                f"{province_label(self.province_code)}")

    def address(self) -> str:
        return f"{self.hamlet}, {self.origin()[0].lower()}{self.origin()[1:]}"

    def short(self) -> str:
        """The unit-less form an ID card prints: "Hải Anh, Hải Hậu, Nam Định"."""
        return f"{self.commune}, {self.district}, {PROVINCES[self.province_code]}"

    def authority(self, level: str = "commune") -> str:
        """"Ủy ban nhân dân xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định" (or of the district)."""
        if level == "district":
            return f"Ủy ban nhân dân {self.district_unit} {self.district}, {province_label(self.province_code)}"
        return f"Ủy ban nhân dân {self.origin()[0].lower()}{self.origin()[1:]}"


def random_locality(rng: random.Random, province: str | None = None) -> Locality:
    code = province if province in DISTRICTS else random_province(rng, detailed_only=True)
    district, unit = rng.choice(DISTRICTS[code])
    commune = rng.choice(COMMUNES)
    if unit == "quận":
        hamlet = f"Số {rng.randint(1, 250)}, {rng.choice(('đường', 'phố'))} {rng.choice(STREETS)}"
        if rng.random() < 0.4:
            hamlet = f"Số {rng.randint(1, 90)}, ngõ {rng.randint(2, 400)}, đường {rng.choice(STREETS)}"
    elif code in _HIGHLAND:
        hamlet = rng.choice(HAMLET_HIGHLAND)
    elif code in _SOUTH:
        hamlet = rng.choice(HAMLET_SOUTH)
    else:
        hamlet = rng.choice(HAMLET_NORTH)
    return Locality(code, district, unit, commune, hamlet)


def birth_place(rng: random.Random, loc: Locality, year: int) -> str:
    """Nơi sinh: a hospital or health station for recent births, the commune itself for old ones."""
    province = province_label(loc.province_code)
    if year < 1985 or rng.random() < 0.2:
        return loc.origin()
    if loc.urban or rng.random() < 0.5:
        return f"Bệnh viện Đa khoa {province}"
    return f"Trạm y tế {loc.origin()[0].lower()}{loc.origin()[1:]}"
