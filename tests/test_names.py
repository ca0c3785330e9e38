"""Vietnamese name normalization, keys and similarity (extract.names)."""

from __future__ import annotations

import unicodedata

import pytest

from extract.names import (
    NO_DIACRITICS_SCORE,
    canonical_tones,
    fold,
    is_syllable,
    name_keys,
    name_similarity,
    normalize_name,
    variant_key,
    words_kept,
)


def test_normalize_name_is_nfc_upper_single_spaced():
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Văn\tAn ")
    assert normalize_name(decomposed) == "NGUYỄN VĂN AN"
    assert unicodedata.is_normalized("NFC", normalize_name(decomposed))
    assert normalize_name("....NGUYỄN VĂN AN....") == "NGUYỄN VĂN AN"
    assert normalize_name(None) == "" and normalize_name("  ") == ""


@pytest.mark.parametrize(
    ("old", "new"),
    [("HOÀ", "HÒA"), ("Hoà", "Hòa"), ("THUỶ", "THỦY"), ("THUÝ", "THÚY"), ("khoẻ", "khỏe"), ("HUỶ", "HỦY"),
     ("QÚY", "QUÝ"), ("Qủy", "Quỷ")],
)
def test_old_and_new_tone_placement_meet(old, new):
    assert canonical_tones(old) == canonical_tones(new) == new


@pytest.mark.parametrize(
    "word", ["NGUYỄN", "HOÀNG", "HUỲNH", "NGƯỜI", "HỮU", "GIÀ", "NGOÀI", "THUYẾT", "QUẾ", "MƯA", "CỦA", "ĐẶNG"]
)
def test_tone_already_in_place_is_left_alone(word):
    assert canonical_tones(word) == word


def test_keys_from_strict_to_loose():
    k = name_keys("Huỳnh Thị Hoà")
    assert k.exact == "HUỲNH THỊ HOÀ"
    assert k.toned == "HUỲNH THỊ HÒA"
    assert k.folded == "huynh thi hoa"
    assert k.variant == "hoang thi hoa"
    assert variant_key("HOÀNG THỊ HÒA") == k.variant
    assert variant_key("Võ Văn Đức") == variant_key("VŨ VĂN ĐỨC") == "vu van duc"


def test_family_variants_apply_to_the_family_name_only():
    # "Vũ" and "Hoàng" are also given names; only the first word is a family name.
    assert variant_key("NGUYỄN HOÀNG VÕ") == "nguyen hoang vo"
    assert variant_key("LÊ HUỲNH ĐỨC") == "le huynh duc"


def test_fold_maps_d_bar_and_keeps_length():
    assert fold("ĐẶNG Đức") == "dang duc"
    text = "NGUYỄN THỊ THỦY"
    assert len(fold(text)) == len(text)


def test_syllable_shape():
    for ok in ("nguyen", "nghieng", "khuyen", "quang", "giang", "duong", "ngoai", "thuy", "oanh", "an"):
        assert is_syllable(ok), ok
    for bad in ("hunc", "nguyfn", "mlnh", "xyz", "nguyenvan"):
        assert not is_syllable(bad), bad


def test_similarity_levels_are_ordered():
    exact, _ = name_similarity("NGUYỄN THỊ HÒA", "NGUYỄN THỊ HÒA")
    tones, _ = name_similarity("NGUYỄN THỊ HOÀ", "NGUYỄN THỊ HÒA")
    variant, _ = name_similarity("HUỲNH THỊ HÒA", "HOÀNG THỊ HÒA")
    one_mark, _ = name_similarity("NGUYÊN THỊ HÒA", "NGUYỄN THỊ HÒA")
    bare, _ = name_similarity("NGUYEN THI HOA", "NGUYỄN THỊ HÒA")
    assert exact == 1.0 > tones > variant > bare
    assert tones > one_mark > bare == NO_DIACRITICS_SCORE


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("NGUYỄN VĂN AN", "NGUYỄN VĂN AN", "exact name"),
        ("LÊ THỊ THUỶ", "LÊ THỊ THỦY", "same name up to tone placement"),
        ("NGUYEN VAN AN", "NGUYỄN VĂN AN", "same name without diacritics (weaker)"),
        ("HUỲNH VĂN AN", "HOÀNG VĂN AN", "family-name variant Hoàng/Huỳnh"),
        ("VÕ THỊ LAN", "VŨ THỊ LAN", "family-name variant Vũ/Võ"),
        ("NGUYỄNVĂN AN", "NGUYỄN VĂN AN", "same letters, word spacing differs"),
    ],
)
def test_reasons_say_what_agreed(a, b, reason):
    score, reasons = name_similarity(a, b)
    assert reason in reasons
    assert score >= 0.9


def test_given_name_weighs_more_than_family_name():
    family_typo, _ = name_similarity("NGUYFN VĂN HÙNG", "NGUYỄN VĂN HÙNG")
    given_other, _ = name_similarity("NGUYỄN VĂN DŨNG", "NGUYỄN VĂN HÙNG")
    assert family_typo >= 0.9 > given_other


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NGUYỄN VĂN ANH", "NGUYỄN VĂN AN"),  # one letter, but a real different given name
        ("VÕ THỊ PHƯƠNG", "VÕ THỊ HƯƠNG"),
        ("PHẠM THỊ LOAN", "PHẠM THỊ LAN"),
        ("NGUYỄN ĐỨC DŨNG", "NGUYỄN ĐÌNH DŨNG"),  # another middle name
        ("NGUYỄN THỊ HÀ", "NGUYỄN THỊ THU HÀ"),  # a middle name more or less
    ],
)
def test_different_real_names_stay_below_the_linking_bar(a, b):
    score, _ = name_similarity(a, b)
    assert score < 0.9


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("NGUYỄN VĂN HÙNC", "NGUYỄN VĂN HÙNG"),  # "HÙNC" is no Vietnamese syllable: a misreading
        ("VÕ MlNH TUẤN", "VÕ MINH TUẤN"),
        ("NGUYẾN VĂN HÙNG", "NGUYỄN VĂN HÙNG"),
        ("TRẦN THI HOA", "TRẦN THỊ HOA"),
    ],
)
def test_ocr_noise_keeps_the_name_close(noisy, clean):
    score, _ = name_similarity(noisy, clean)
    assert score >= 0.9


def test_unrelated_and_missing_names():
    assert name_similarity("NGUYỄN VĂN AN", "TRẦN THỊ HỒNG")[0] < 0.6
    assert name_similarity("", "TRẦN THỊ HỒNG") == (0.0, ["name missing"])


def test_similarity_is_symmetric_enough():
    pairs = [("NGUYỄN VĂN HÙNC", "NGUYỄN VĂN HÙNG"), ("HUỲNH THỊ HOÀ", "HOÀNG THỊ HÒA"), ("LÊ AN", "LÊ ANH")]
    for a, b in pairs:
        assert name_similarity(a, b)[0] == pytest.approx(name_similarity(b, a)[0], abs=0.02)


@pytest.mark.parametrize(
    ("read", "registered", "kept"),
    [
        ("CHU LAN", "LÊ THU LAN", True),  # the family name lost, a letter of the middle name misread
        ("THU LAN", "LÊ THU LAN", True),
        ("LAN ANH", "NGỌC ANH", False),  # another word: a twin's name
        ("LÊ LAN ANH", "LÊ NGỌC ANH", False),
        ("NGUYỄN VĂN AN", "TRẦN VĂN AN", False),
        ("VŨ HỮU HỒNG", "VŨ HỮU HÙNG", True),  # one letter of one word
        ("CHU LAM", "LÊ THU LAN", False),  # two words a letter off
        ("THU LÊ LAN", "LÊ THU LAN", False),  # out of order
    ],
)
def test_words_kept_allows_lost_words_and_one_letter_per_word(read, registered, kept):
    assert words_kept(read, registered) is kept


def test_a_syllable_no_name_has_a_letter_off_a_name_is_a_likely_misreading():
    # "NUỆ" is a Vietnamese word but nobody's name: HUỆ misread, close enough to link with something besides.
    assert 0.8 <= name_similarity("LÊ NGỌC NUỆ", "LÊ NGỌC HUỆ")[0] < 0.9
    # Two names a letter apart stay two names.
    assert name_similarity("TRẦN THỊ LAM", "TRẦN THỊ LAN")[0] < 0.7
