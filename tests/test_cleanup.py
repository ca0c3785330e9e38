"""Behaviour of the OCR image preparation on pages rendered here: geometry, stamps, shapes, and CER."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from ocr.cleanup import clean_gray
from ocr.geometry import rotate_image
from ocr.prepare import prepare_page
from tests.synth import cer

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
DPI = 150
LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY KHAI SINH",
    "Họ, chữ đệm, tên: Nguyễn Thị Bích Ngọc",
    "Ngày, tháng, năm sinh: 12/03/1987",
    "Nơi sinh: xã Tân Phước, huyện Gò Công Đông",
    "Quê quán: thị trấn Phố Châu, huyện Hương Sơn",
    "Họ, chữ đệm, tên người mẹ: Trần Thị Thu Hương",
    "Họ, chữ đệm, tên người cha: Lê Hoàng Phúc",
    "Nơi cư trú: phường Thủy Xuân, thành phố Huế",
    "Nơi đăng ký khai sinh: Ủy ban nhân dân xã",
    "Số: 97/2005, Quyển số: 01, ngày đăng ký 14/03/1987",
    "Người đi khai sinh: Đặng Minh Khôi, quan hệ: cha đẻ",
    "Ghi chú: bản sao được cấp từ sổ gốc, có giá trị sử dụng.",
)


def _ink_page(dpi: int = DPI) -> Image.Image:
    """A4 page of black Vietnamese text, 12 pt, as a white RGB image."""
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, round(12 / 72 * dpi))
    y = round(0.9 * dpi)
    for line in LINES:
        draw.text((round(0.9 * dpi), y), line, fill=(25, 25, 25), font=font)
        y += round(12 / 72 * dpi * 1.9)
    return page


def _scan(page: Image.Image, *, turned_cw: int = 0, skew_ccw: float = 0.0, degrade: bool = True) -> NDArray[np.uint8]:
    """The page as a scanner returns it: tilted, turned, yellowed, unevenly lit and grainy; BGR."""
    if skew_ccw:
        page = page.rotate(skew_ccw, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    if turned_cw:
        page = page.rotate(-turned_cw, expand=True)
    rgb = np.asarray(page).astype(np.float32)
    if degrade:
        h, w = rgb.shape[:2]
        rgb *= np.array([0.98, 0.92, 0.76], np.float32)
        light = 1.0 - 0.4 * np.linspace(0, 1, w, dtype=np.float32)[None, :] * np.linspace(0.5, 1, h)[:, None]
        rgb *= light[..., None]
        rgb += np.random.default_rng(7).normal(0, 12, (h, w))[..., None]
    bgr = cv2.cvtColor(np.clip(rgb, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
    if degrade:
        ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 40])
        assert ok
        bgr = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    return bgr


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return _ink_page()


@pytest.mark.parametrize("turned_cw", [90, 180, 270])
def test_turned_page_is_detected_and_turned_back(page: Image.Image, turned_cw: int) -> None:
    prepared = prepare_page(_scan(page, turned_cw=turned_cw, skew_ccw=1.5), DPI)
    assert prepared.rotation == (360 - turned_cw) % 360
    assert prepared.orientation_confidence >= 0.5
    h, w = prepared.upright.shape[:2]
    assert h > w  # portrait again


def test_upright_page_keeps_rotation_zero(page: Image.Image) -> None:
    prepared = prepare_page(_scan(page), DPI)
    assert prepared.rotation == 0
    assert prepared.skew_deg == 0.0


@pytest.mark.parametrize("skew", [-7.0, 0.8, 9.5])
def test_skew_is_estimated_within_half_a_degree(page: Image.Image, skew: float) -> None:
    prepared = prepare_page(_scan(page, skew_ccw=skew), DPI)
    # The correction undoes the tilt: a page tilted counterclockwise is turned back clockwise.
    assert abs(prepared.skew_deg + skew) <= 0.5


def test_tiny_skew_is_not_applied(page: Image.Image) -> None:
    scan = _scan(page, skew_ccw=0.04)
    prepared = prepare_page(scan, DPI)
    assert prepared.skew_deg == 0.0
    assert prepared.upright.shape == scan.shape
    assert np.array_equal(prepared.upright, scan)


def test_binarization_follows_the_page(page: Image.Image) -> None:
    clean = prepare_page(_scan(page, degrade=False), DPI)
    assert clean.binarization == "gray"  # a clean, evenly lit scan is read as it is
    assert np.array_equal(clean.ocr_image, cv2.cvtColor(clean.upright, cv2.COLOR_BGR2GRAY))
    assert clean.unsmoothed is None  # nothing was smoothed: no other image to re-read values from
    grainy = prepare_page(_scan(page), DPI)
    assert grainy.binarization.startswith("flat-median")
    assert grainy.tesseract_thresholding == "otsu"
    # The page before the median and blur, for the second look: same frame, and less smoothed than what was read.
    assert grainy.unsmoothed is not None and grainy.unsmoothed.shape == grainy.ocr_image.shape
    assert _roughness(grainy.unsmoothed) > _roughness(grainy.ocr_image)


def _roughness(gray: np.ndarray) -> float:
    return float(np.abs(cv2.Laplacian(gray, cv2.CV_32F)).mean())


def test_blank_page_is_left_alone() -> None:
    blank = np.full((800, 600, 3), (200, 225, 240), np.uint8)
    prepared = prepare_page(blank, DPI)
    assert (prepared.rotation, prepared.skew_deg) == (0, 0.0)
    assert prepared.orientation_confidence == 0.0
    assert prepared.ocr_image.shape == blank.shape[:2]


@pytest.mark.parametrize("gray_input", [False, True])
def test_ocr_image_has_the_geometry_of_upright(page: Image.Image, gray_input: bool) -> None:
    scan = _scan(page, turned_cw=90, skew_ccw=-3.0)
    if gray_input:
        scan = cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY)
    prepared = prepare_page(scan, DPI)
    assert prepared.upright.ndim == scan.ndim
    assert prepared.ocr_image.shape == prepared.upright.shape[:2]
    assert prepared.ocr_image.dtype == np.uint8
    if prepared.tesseract_thresholding is None:
        assert set(np.unique(prepared.ocr_image)) <= {0, 255}


def test_rotation_keeps_every_corner_of_the_page() -> None:
    image = np.full((300, 200), 255, np.uint8)
    image[:10, :10] = image[:10, -10:] = image[-10:, :10] = image[-10:, -10:] = 0
    turned = rotate_image(image, 0, 8.0, (255,))
    assert turned.shape[0] > 300 and turned.shape[1] > 200
    _, _, stats, _ = cv2.connectedComponentsWithStats((turned < 128).astype(np.uint8))
    corners = [s for s in stats[1:] if s[cv2.CC_STAT_AREA] > 60]
    assert len(corners) == 4
    assert rotate_image(image, 270, 0.0, (255,)).shape == (200, 300)


def test_red_stamp_is_removed_but_the_text_under_it_stays() -> None:
    w, h = 900, 400
    font = ImageFont.truetype(FONT, 40)
    text_layer = Image.new("L", (w, h), 0)
    ImageDraw.Draw(text_layer).text((40, 170), "Chủ tịch Ủy ban nhân dân", fill=255, font=font)
    stamp_layer = Image.new("L", (w, h), 0)
    stamp_draw = ImageDraw.Draw(stamp_layer)
    stamp_draw.ellipse((250, 40, 570, 360), outline=255, width=12)
    stamp_draw.ellipse((310, 100, 510, 300), outline=255, width=6)
    stamp_draw.text((330, 180), "UBND XÃ", fill=255, font=ImageFont.truetype(FONT, 34))
    text = np.asarray(text_layer) > 127
    stamp = np.asarray(stamp_layer) > 127
    # Subtractive inks on yellowed paper: the stamp multiplies over the text where they cross.
    rgb = np.ones((h, w, 3), np.float32) * np.array([0.97, 0.92, 0.80], np.float32)
    rgb[stamp] *= np.array([0.82, 0.15, 0.18], np.float32)
    rgb[text] *= np.array([0.1, 0.1, 0.1], np.float32)
    bgr = cv2.cvtColor((rgb * 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
    gray = clean_gray(bgr, 300)
    stamp_only = stamp & ~cv2.dilate(text.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    crossing = stamp & text
    assert crossing.sum() > 200
    assert np.percentile(gray[stamp_only], 5) > 200  # the stamp is gone, even at its darkest
    assert np.median(gray[crossing]) < 80  # the text it covered is still black
    assert np.median(gray[text & ~stamp]) < 80


def _tesseract(image: NDArray[np.uint8], tmp: Path, thresholding: str | None) -> str:
    path = tmp / "page.png"
    cv2.imwrite(str(path), image)
    cmd = ["tesseract", str(path), "-", "-l", "vie", "--dpi", str(DPI)]
    if thresholding is not None:
        cmd += ["-c", f"thresholding_method={ {'otsu': 0, 'adaptive-otsu': 1, 'sauvola': 2}[thresholding]}"]
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=True, timeout=120).stdout


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_reads_the_cleaned_hard_page_far_better(page: Image.Image, tmp_path: Path) -> None:
    scan = _scan(page, turned_cw=180, skew_ccw=3.0)
    prepared = prepare_page(scan, DPI)
    reference = "\n".join(LINES)
    raw = cer(reference, _tesseract(scan, tmp_path, None))
    cleaned = cer(reference, _tesseract(prepared.ocr_image, tmp_path, prepared.tesseract_thresholding))
    assert cleaned < 0.1
    assert raw > 3 * cleaned + 0.3
