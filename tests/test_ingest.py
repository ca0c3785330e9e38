"""The ingest stage: real files made here, good and bad, and what load_pages makes of them."""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path

import img2pdf
import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw, TiffImagePlugin

from ingest import dpi as dpi_rules
from ingest import sniff
from ingest._exec import pdfimages, run
from ingest.errors import (
    BadInputError,
    CorruptImageError,
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    NoPagesError,
    PdfDamagedXrefError,
    SohoaError,
    ToolError,
    ToolMissingError,
    ToolTimeoutError,
    TooManyPagesError,
    TruncatedImageError,
    UnsupportedFormatError,
)
from ingest.pages import LoadedDocument, Page, load_pages
from ingest.source import Source, describe, discover
from tests.badfiles import png_chunk

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
A4_300 = (2480, 3508)
A4_200 = (1654, 2339)


# --- helpers -----------------------------------------------------------------------------------------------


def page_image(size: tuple[int, int], mode: str = "L", *, noise: bool = False, seed: int = 0) -> Image.Image:
    """A page-like image: paper, a few dark bars standing in for text lines, optional scanner noise."""
    w, h = size
    im = Image.new("L", size, 236)
    draw = ImageDraw.Draw(im)
    for y in range(h // 10, h - h // 10, max(h // 25, 4)):
        draw.rectangle((w // 10, y, w - w // 8, y + max(h // 120, 1)), fill=30)
    if noise:
        rng = np.random.default_rng(seed)
        a = np.asarray(im, dtype=np.int16) + rng.integers(-20, 21, size=(h, w), dtype=np.int16)
        im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if mode == "RGB":
        im = Image.merge("RGB", (im, im, im.point(lambda v: int(v * 0.8))))
    elif mode != "L":
        im = im.convert(mode)
    return im


def load(path: Path, tmp_path: Path, **kwargs) -> LoadedDocument:
    return load_pages(describe(path), tmp_path / f"work-{path.name}", **kwargs)


def refused(path: Path, tmp_path: Path, **kwargs) -> BadInputError:
    with pytest.raises(BadInputError) as info:
        load(path, tmp_path, **kwargs)
    return info.value


def idat_span(data: bytes) -> tuple[int, int]:
    """Byte range covered by the PNG's IDAT chunks."""
    pos, first, last = 8, None, None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            first = pos if first is None else first
            last = pos + 12 + length
        pos += 12 + length
    assert first is not None and last is not None
    return first, last


def image_pdf(tmp_path: Path, name: str, images: list[tuple[Image.Image, int, str]]) -> Path:
    """An image-only PDF, one page per (image, dpi, format), made by img2pdf without re-encoding."""
    blobs = []
    for im, res, fmt in images:
        buf = io.BytesIO()
        im.save(buf, format=fmt, dpi=(res, res))
        blobs.append(buf.getvalue())
    path = tmp_path / name
    path.write_bytes(img2pdf.convert(blobs))
    return path


@pytest.fixture
def two_page_pdf(tmp_path: Path) -> Path:
    return image_pdf(
        tmp_path,
        "two.pdf",
        [(page_image(A4_200), 200, "PNG"), (page_image((1240, 1754), "RGB", seed=1), 150, "JPEG")],
    )


# --- discover / describe -----------------------------------------------------------------------------------


def test_discover_walks_folders_in_order_and_skips_hidden(tmp_path: Path) -> None:
    root = tmp_path / "scans"
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".done").mkdir()
    for rel in ["z.png", "a/2.jpg", "a/10.jpg", "b/deep/x.pdf", "b/empty.tif"]:
        (root / rel).write_bytes(b"" if "empty" in rel else b"x")
    for rel in [".DS_Store", "a/.hidden.png", ".done/old.png", "Thumbs.db", "b/desktop.ini"]:
        (root / rel).write_bytes(b"x")
    extra = tmp_path / "loose.jpg"
    extra.write_bytes(b"x")

    found = discover([root, extra, root / "z.png"])  # z.png a second time: listed once

    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == [
        "scans/z.png",
        "scans/a/10.jpg",
        "scans/a/2.jpg",
        "scans/b/empty.tif",  # zero-byte files are returned: they become failed records
        "scans/b/deep/x.pdf",
        "loose.jpg",
    ]


def test_discover_takes_an_explicit_hidden_file_and_rejects_missing_paths(tmp_path: Path) -> None:
    hidden = tmp_path / ".scan.png"
    hidden.write_bytes(b"x")
    assert discover([str(hidden)]) == [hidden]
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "nope"])


def test_describe_hashes_the_bytes_and_sniffs_instead_of_trusting_the_name(tmp_path: Path) -> None:
    path = tmp_path / "really-a-jpeg.png"
    page_image((300, 400)).save(path, format="JPEG")
    data = path.read_bytes()

    src = describe(path)

    assert src.sha256 == hashlib.sha256(data).hexdigest()
    assert src.size == len(data)
    assert src.media_type == "image/jpeg"
    assert src.name == "really-a-jpeg.png"
    assert Path(src.path).is_absolute()
    # A mismatched extension alone is not an error.
    assert len(load(path, tmp_path).pages) == 1


def test_describe_works_for_every_file_even_empty_or_garbage(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.tif"
    garbage.write_bytes(bytes(range(256)) * 10)
    assert describe(empty).sha256 == hashlib.sha256(b"").hexdigest()
    assert describe(empty).size == 0
    assert describe(garbage).media_type == "application/octet-stream"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "a WebP image"),
        (b"BM\x00\x01\x00\x00\x00\x00\x00\x00", "a BMP image"),
        ("Giấy khai sinh\nHọ và tên\n".encode(), "a text file"),
        (b"<!DOCTYPE html><html>", "a web page (HTML)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
        (bytes(range(256)), "a file of unknown type"),
    ],
)
def test_looks_like_names_what_a_refused_file_is(head: bytes, expected: str) -> None:
    assert sniff.media_type(head) == sniff.UNKNOWN
    assert sniff.looks_like(head) == expected


# --- bad input: each is a specific code, refused fast ------------------------------------------------------


def test_zero_byte_file_is_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"")
    err = refused(path, tmp_path)
    assert isinstance(err, EmptyFileError)
    assert err.code == "empty_file"


def test_png_truncated_in_the_middle_of_idat(tmp_path: Path) -> None:
    full = tmp_path / "full.png"
    page_image((800, 1000), noise=True).save(full)
    data = full.read_bytes()
    start, end = idat_span(data)
    path = tmp_path / "cut.png"
    path.write_bytes(data[: (start + end) // 2])

    err = refused(path, tmp_path)

    assert isinstance(err, TruncatedImageError)
    assert err.code == "truncated_image"


def test_jpeg_cut_in_half_is_refused_although_pillow_could_show_the_top(tmp_path: Path) -> None:
    # Decision: a partially decodable JPEG is refused, because part of the record would be missing.
    full = tmp_path / "full.jpg"
    page_image((800, 1000), noise=True).save(full, quality=90, dpi=(200, 200))
    data = full.read_bytes()
    path = tmp_path / "half.jpg"
    path.write_bytes(data[: len(data) // 2])

    err = refused(path, tmp_path)

    assert err.code == "truncated_image"
    assert "missing" in err.message


def test_multipage_tiff_cut_short_is_truncated_not_silently_fewer_pages(tmp_path: Path) -> None:
    path = tmp_path / "three.tif"
    write_tiff(path, [(page_image((400, 560), noise=True, seed=i), "tiff_lzw") for i in range(3)], dpi=150)
    data = path.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) - 30_000])  # into the last page's data

    err = refused(cut, tmp_path)

    assert err.code == "truncated_image"


def test_text_file_named_png_is_unsupported_and_says_it_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_text("Danh sách hồ sơ\nNGUYỄN VĂN AN\n", encoding="utf-8")

    err = refused(path, tmp_path)

    assert isinstance(err, UnsupportedFormatError)
    assert err.code == "unsupported_format"
    assert "text file" in err.message
    assert "not an image" in err.message
    assert ".png" in err.message


@pytest.mark.parametrize("kind", ["gif", "zip"])
def test_gif_and_zip_are_unsupported_and_named(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"scan.{kind}"
    if kind == "gif":
        page_image((200, 300)).save(path, format="GIF")
        expected = "GIF image"
    else:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("a.txt", "hello")
        expected = "ZIP archive"

    err = refused(path, tmp_path)

    assert err.code == "unsupported_format"
    assert expected in err.message


def test_png_header_claiming_50000_squared_is_refused_in_milliseconds(tmp_path: Path) -> None:
    ihdr = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + png_chunk(b"IEND", b"")
    )
    path = tmp_path / "bomb.png"
    path.write_bytes(data)
    assert path.stat().st_size < 200

    started = time.perf_counter()
    err = refused(path, tmp_path)
    elapsed = time.perf_counter() - started

    assert isinstance(err, ImageTooLargeError)
    assert err.code == "image_too_large"
    assert "50000 × 50000" in err.message
    assert elapsed < 2  # decoding 2.5 Gpixels would take far longer (and 2.5 GB): refused from the header


def test_pillow_bomb_guard_is_a_backstop_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # OCRmyPDF rewrites Pillow's process-wide limit; if it is ever lower than ours, the file is still refused.
    path = tmp_path / "page.png"
    page_image((400, 500)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    err = refused(path, tmp_path)
    assert err.code == "image_too_large"


def test_max_pixels_applies_to_images_and_pdf_pages(tmp_path: Path, two_page_pdf: Path) -> None:
    path = tmp_path / "page.png"
    page_image((400, 500)).save(path)
    assert refused(path, tmp_path, max_pixels=100_000).code == "image_too_large"
    assert refused(two_page_pdf, tmp_path, max_pixels=1_000_000).code == "image_too_large"
    assert not any((tmp_path / "work-two.pdf").glob("page-*"))  # refused before rendering anything
    # A huge image drawn small: the page is tiny, but poppler would decode every pixel of the image.
    dense = image_pdf(tmp_path, "dense.pdf", [(page_image((2000, 2000)), 1000, "PNG")])
    err = refused(dense, tmp_path, max_pixels=3_000_000)
    assert err.code == "image_too_large"
    assert "2000 × 2000" in err.message


def test_png_with_bad_header_checksum_or_garbled_data_is_corrupt(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    page_image((600, 800), noise=True).save(good)
    data = bytearray(good.read_bytes())

    bad_crc = tmp_path / "crc.png"
    bad_crc.write_bytes(bytes(data[:29]) + b"\x00\x00\x00\x00" + bytes(data[33:]))
    err = refused(bad_crc, tmp_path)
    assert isinstance(err, CorruptImageError)
    assert "checksum" in err.message

    start, end = idat_span(bytes(data))
    mid = (start + end) // 2
    data[mid : mid + 64] = b"\x00" * 64
    garbled = tmp_path / "garbled.png"
    garbled.write_bytes(bytes(data))
    assert refused(garbled, tmp_path).code == "corrupt_image"


def test_user_password_pdf_is_encrypted_pdf(tmp_path: Path, two_page_pdf: Path) -> None:
    path = tmp_path / "locked.pdf"
    with pikepdf.open(two_page_pdf) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret"))

    err = refused(path, tmp_path)

    assert isinstance(err, EncryptedPdfError)
    assert err.code == "encrypted_pdf"
    assert "password" in err.message


def test_owner_password_only_pdf_is_accepted(tmp_path: Path, two_page_pdf: Path) -> None:
    path = tmp_path / "restricted.pdf"
    with pikepdf.open(two_page_pdf) as pdf:
        pdf.save(
            path,
            encryption=pikepdf.Encryption(owner="owner-secret", user="", allow=pikepdf.Permissions(extract=False)),
        )

    doc = load(path, tmp_path)

    assert len(doc.pages) == 2
    assert any("owner password" in w for w in doc.warnings)


def broken_xref(src: Path, dst: Path) -> Path:
    """Point one xref entry at a wrong offset, as a faulty editor would."""
    data = src.read_bytes()
    table = data.rindex(b"\nxref\n")
    entry = data.index(b" n", table) - 16  # first in-use entry: "0000000015 00000 n"
    dst.write_bytes(data[:entry] + b"0000000001" + data[entry + 10 :])
    with pikepdf.open(dst) as pdf:
        assert any("reconstruct" in w for w in pdf.get_warnings())
    return dst


def test_pdf_with_broken_xref_is_refused_unless_repair_is_asked(tmp_path: Path, two_page_pdf: Path) -> None:
    path = broken_xref(two_page_pdf, tmp_path / "broken.pdf")

    err = refused(path, tmp_path)
    assert isinstance(err, PdfDamagedXrefError)
    assert err.code == "pdf_damaged_xref"
    assert "--repair-pdf" in err.message

    doc = load_pages(describe(path), tmp_path / "repaired", repair_pdf=True)
    assert len(doc.pages) == 2
    assert any("rebuilt" in w for w in doc.warnings)
    assert sorted(p.name for p in (tmp_path / "repaired").iterdir()) == ["page-0001.png", "page-0002.png"]


def test_truncated_or_fake_pdf_is_corrupt(tmp_path: Path, two_page_pdf: Path) -> None:
    data = two_page_pdf.read_bytes()
    half = tmp_path / "half.pdf"
    half.write_bytes(data[: len(data) // 2])
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7\nthis is not really a pdf\n")

    assert refused(half, tmp_path).code in ("corrupt_pdf", "pdf_damaged_xref")
    err = refused(fake, tmp_path)
    assert isinstance(err, CorruptPdfError | PdfDamagedXrefError)
    assert err.code == "corrupt_pdf" or err.code == "pdf_damaged_xref"


def test_pdf_without_pages_is_no_pages(tmp_path: Path) -> None:
    path = tmp_path / "none.pdf"
    with pikepdf.new() as pdf:
        pdf.save(path)
    err = refused(path, tmp_path)
    assert isinstance(err, NoPagesError)
    assert err.code == "no_pages"


def test_page_limit_for_tiff_and_pdf(tmp_path: Path, two_page_pdf: Path) -> None:
    tif = tmp_path / "three.tif"
    write_tiff(tif, [(page_image((100, 140)), "tiff_lzw")] * 3, dpi=100)
    err = refused(tif, tmp_path, max_pages=2)
    assert isinstance(err, TooManyPagesError)
    assert err.code == "too_many_pages"
    assert refused(two_page_pdf, tmp_path, max_pages=1).code == "too_many_pages"


def test_errors_survive_pickling_for_the_process_pool() -> None:
    for err in (
        TruncatedImageError("cut"),
        PdfDamagedXrefError("xref"),
        ToolError("boom", tool="pdftoppm", returncode=99, stderr="Syntax Error"),
        SohoaError("custom", code="special"),
    ):
        back = pickle.loads(pickle.dumps(err))
        assert (type(back), back.code, back.message) == (type(err), err.code, err.message)
    assert pickle.loads(pickle.dumps(ToolError("x", tool="pdftoppm", stderr="e"))).stderr == "e"


def test_external_tools_fail_loudly_and_typed(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as info:
        run("pdftoppm", [str(tmp_path / "missing.pdf"), str(tmp_path / "out")], timeout=30)
    assert info.value.returncode != 0 and info.value.stderr  # poppler's own words kept
    assert not isinstance(info.value, BadInputError)  # a tool failure is not the input's fault by itself
    with pytest.raises(ToolMissingError):
        run("sohoa-no-such-tool", [], timeout=5)
    with pytest.raises(ToolTimeoutError):
        run("sleep", ["5"], timeout=0.2)


# --- good input: images ------------------------------------------------------------------------------------


def test_png_with_dpi(tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    page_image(A4_300).save(path, dpi=(300, 300))

    doc = load(path, tmp_path)

    (page,) = doc.pages
    assert (page.number, page.width, page.height) == (1, *A4_300)
    assert page.dpi == pytest.approx(300, abs=0.01)
    assert page.dpi_source == "file"
    assert (page.text_layer, page.text) == (False, None)
    with Image.open(page.image_path) as out:
        assert out.format == "PNG"
        assert out.mode == "L"
        assert out.info["dpi"][0] == pytest.approx(300, abs=0.01)
        assert np.array_equal(np.asarray(out), np.asarray(Image.open(path)))  # lossless


def test_jpeg_with_dpi_and_exif_orientation(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to read
    page_image((1200, 800), "RGB").save(path, dpi=(200, 200), exif=exif, quality=92)

    (page,) = load(path, tmp_path).pages

    assert (page.width, page.height) == (800, 1200)
    assert page.dpi == 200 and page.dpi_source == "file"
    with Image.open(page.image_path) as out:
        assert out.mode == "RGB"
        assert out.size == (800, 1200)


def test_jpeg_without_dpi_falls_back_on_paper_size(tmp_path: Path) -> None:
    a4 = tmp_path / "a4.jpg"
    page_image(A4_300).save(a4, quality=85)  # no density in JFIF
    card = tmp_path / "card.jpg"
    page_image((1011, 638)).save(card, quality=85)  # an ID card crop: not a page
    phone = tmp_path / "phone.jpg"
    page_image(A4_200).save(phone, quality=85, dpi=(72, 72))  # 72 dpi would make it 82 cm long

    (a4_page,) = load(a4, tmp_path).pages
    (card_page,) = load(card, tmp_path).pages
    phone_doc = load(phone, tmp_path)

    assert (a4_page.dpi, a4_page.dpi_source) == (300, "fallback")
    assert (card_page.dpi, card_page.dpi_source) == (200, "fallback")
    assert (phone_doc.pages[0].dpi, phone_doc.pages[0].dpi_source) == (200, "fallback")
    assert any("software default" in w for w in phone_doc.warnings)


def test_plausible_72_dpi_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "small.png"
    page_image((595, 842)).save(path, dpi=(72, 72))  # exactly A4 at 72 dpi: low, but consistent
    (page,) = load(path, tmp_path).pages
    assert (page.dpi, page.dpi_source) == (72, "file")


def test_dpi_override_wins(tmp_path: Path, two_page_pdf: Path) -> None:
    path = tmp_path / "page.png"
    page_image((1000, 1400)).save(path, dpi=(300, 300))

    (page,) = load(path, tmp_path, dpi=150).pages
    assert (page.dpi, page.dpi_source, page.width) == (150, "override", 1000)

    pdf_pages = load(two_page_pdf, tmp_path, dpi=100).pages
    assert [p.dpi_source for p in pdf_pages] == ["override", "override"]
    assert pdf_pages[0].width == pytest.approx(A4_200[0] / 2, abs=2)  # rendered at 100 instead of 200

    with pytest.raises(ValueError):
        load(path, tmp_path, dpi=0)


def write_tiff(path: Path, frames: list[tuple[Image.Image, str]], *, dpi: float) -> None:
    """A multi-page TIFF with a compression chosen per page (Pillow's save_all uses one for all)."""
    with TiffImagePlugin.AppendingTiffWriter(str(path), new=True) as tf:
        for im, compression in frames:
            im.save(tf, format="TIFF", compression=compression, dpi=(dpi, dpi))
            tf.newFrame()


def test_multipage_tiff_g4_and_lzw(tmp_path: Path) -> None:
    path = tmp_path / "record.tif"
    frames = [
        (page_image((850, 1100), "1"), "group4"),
        (page_image((850, 1100), "L", seed=1), "tiff_lzw"),
        (page_image((850, 1100), "RGB", seed=2), "tiff_lzw"),
    ]
    write_tiff(path, frames, dpi=100)

    doc = load(path, tmp_path)

    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert all((p.width, p.height, p.dpi, p.dpi_source) == (850, 1100, 100, "file") for p in doc.pages)
    modes = [Image.open(p.image_path).mode for p in doc.pages]
    assert modes == ["L", "L", "RGB"]  # bilevel expanded to L
    bilevel = np.asarray(Image.open(doc.pages[0].image_path))
    assert set(np.unique(bilevel)) <= {0, 255}


def test_tiff_preview_directory_is_not_a_page(tmp_path: Path) -> None:
    path = tmp_path / "with-preview.tif"
    with TiffImagePlugin.AppendingTiffWriter(str(path), new=True) as tf:
        page_image((850, 1100)).save(tf, format="TIFF", compression="tiff_lzw", dpi=(100, 100))
        tf.newFrame()
        preview = page_image((85, 110))
        preview.save(tf, format="TIFF", compression="tiff_lzw", tiffinfo={254: 1})  # NewSubfileType: reduced
        tf.newFrame()

    doc = load(path, tmp_path)

    assert [(p.width, p.height) for p in doc.pages] == [(850, 1100)]
    assert any("preview" in w for w in doc.warnings)


def test_tiff_with_dpi_and_non_square_pixels(tmp_path: Path) -> None:
    path = tmp_path / "fax.tif"
    page_image((1728, 1100), "1").save(path, compression="group4", dpi=(204, 98))

    doc = load(path, tmp_path)

    (page,) = doc.pages
    assert page.dpi == 204
    assert (page.width, page.height) == (1728, round(1100 * 204 / 98))
    assert any("non-square" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("mode", "expected_mode"),
    [("I;16", "L"), ("RGBA", "RGB"), ("LA", "L"), ("P", "RGB"), ("CMYK", "RGB")],
)
def test_colour_modes_become_8_bit_rgb_or_l(tmp_path: Path, mode: str, expected_mode: str) -> None:
    base = page_image((300, 400), "RGB")
    if mode == "I;16":
        im = Image.fromarray((np.asarray(base.convert("L"), dtype=np.uint16) * 257).astype(np.uint16))
        ext = "png"
    elif mode in ("RGBA", "LA"):
        im = base.convert(mode)
        im.putalpha(Image.new("L", im.size, 0))  # fully transparent: must come out white, not black
        ext = "png"
    elif mode == "P":
        im = base.convert("P", palette=Image.Palette.ADAPTIVE)
        ext = "png"
    else:
        im = base.convert("CMYK")
        ext = "jpg"
    path = tmp_path / f"page.{ext}"
    im.save(path, dpi=(150, 150))

    (page,) = load(path, tmp_path).pages

    out = Image.open(page.image_path)
    assert out.mode == expected_mode
    a = np.asarray(out)
    if mode in ("RGBA", "LA"):
        assert a.min() == 255
    elif mode == "I;16":
        expected = int(np.asarray(base.convert("L")).max())
        assert abs(int(a.max()) - expected) <= 1  # scaled down from 16 bits, not clipped at 255
    else:
        assert a.min() < 100  # the dark bars survived


# --- good input: PDFs --------------------------------------------------------------------------------------


def test_image_only_pdf_two_pages_keeps_the_scans_pixels(tmp_path: Path) -> None:
    gray = page_image(A4_200, noise=True)
    colour = page_image((1240, 1754), "RGB", seed=1)
    path = image_pdf(tmp_path, "scan.pdf", [(gray, 200, "PNG"), (colour, 150, "JPEG")])

    doc = load(path, tmp_path)

    assert [p.number for p in doc.pages] == [1, 2]
    first, second = doc.pages
    assert (first.dpi, first.dpi_source, first.text_layer, first.text) == (200, "pdf", False, None)
    assert (second.dpi, second.dpi_source) == (150, "pdf")
    assert (first.width, first.height) == A4_200
    assert (second.width, second.height) == (1240, 1754)
    out1, out2 = Image.open(first.image_path), Image.open(second.image_path)
    assert (out1.mode, out2.mode) == ("L", "RGB")
    assert out1.info["dpi"][0] == pytest.approx(200, abs=0.01)
    # The scan's own pixels, not a re-rendering (which blurs them by a sub-pixel shift).
    assert np.array_equal(np.asarray(out1), np.asarray(gray))
    jpeg = io.BytesIO()
    colour.save(jpeg, format="JPEG", dpi=(150, 150))
    assert np.array_equal(np.asarray(out2), np.asarray(Image.open(jpeg)))
    assert sorted(p.name for p in (tmp_path / "work-scan.pdf").iterdir()) == ["page-0001.png", "page-0002.png"]


def test_g4_pdf_page_is_extracted_exactly(tmp_path: Path) -> None:
    bilevel = page_image((1700, 2200), "1")
    path = image_pdf(tmp_path, "g4.pdf", [(bilevel, 200, "TIFF")])
    # img2pdf embeds the TIFF's G4 data as CCITTFaxDecode (no re-encoding).
    with pikepdf.open(path) as pdf:
        assert pikepdf.PdfImage(pdf.pages[0].Resources.XObject.Im0).filters == ["/CCITTFaxDecode"]

    (page,) = load(path, tmp_path).pages

    out = np.asarray(Image.open(page.image_path))
    assert np.array_equal(out, np.asarray(bilevel.convert("L")))


def test_pages_with_more_than_one_scan_are_rendered(tmp_path: Path) -> None:
    """Visible text over the image, or a page rotated by /Rotate: the render is what a viewer shows."""
    scan = page_image((1240, 1754), seed=3)
    path = image_pdf(tmp_path, "base.pdf", [(scan, 150, "PNG"), (scan, 150, "PNG")])
    stamped = tmp_path / "stamped.pdf"
    with pikepdf.open(path) as pdf:
        pdf.pages[0].contents_add(b"BT /F1 48 Tf 100 100 Td (BAN SAO) Tj ET", prepend=False)
        pdf.pages[0].Resources.Font = pikepdf.Dictionary(
            F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        )
        pdf.pages[1].Rotate = 90
        pdf.save(stamped)

    doc = load(stamped, tmp_path)

    first, second = doc.pages
    assert first.text_layer and first.text == "BAN SAO"
    # The visible stamp is in the page image: it differs from the bare scan near the stamp.
    out = np.asarray(Image.open(first.image_path).convert("L"), dtype=int)
    assert out.shape == (1754, 1240)
    assert np.abs(out - np.asarray(scan, dtype=int)).max() > 100
    # /Rotate 90: shown turned clockwise, exactly as the renderer would.
    rotated = np.asarray(Image.open(second.image_path))
    assert (second.width, second.height) == (1754, 1240)
    assert np.array_equal(rotated, np.asarray(scan.transpose(Image.Transpose.ROTATE_270)))


def test_ocr_layer_pdf_keeps_scan_pixels_and_reports_text(tmp_path: Path) -> None:
    """A PDF that was OCR'd before: the scan plus invisible (Tr 3) text. Text reported, pixels exact."""
    scan = page_image((1240, 1754), noise=True, seed=4)
    path = image_pdf(tmp_path, "base.pdf", [(scan, 150, "PNG")])
    ocrd = tmp_path / "ocrd.pdf"
    with pikepdf.open(path) as pdf:
        words = b"NGUYEN VAN AN sinh ngay 01 thang 02 nam 1990"
        pdf.pages[0].contents_add(b"BT 3 Tr /F1 12 Tf 72 700 Td (" + words + b") Tj ET", prepend=False)
        pdf.pages[0].Resources.Font = pikepdf.Dictionary(
            F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        )
        pdf.save(ocrd)

    doc = load(ocrd, tmp_path)

    (page,) = doc.pages
    assert page.text_layer and page.text == words.decode()
    assert not doc.warnings
    assert np.array_equal(np.asarray(Image.open(page.image_path)), np.asarray(scan))


def test_pdf_scan_resolution_is_clamped(tmp_path: Path) -> None:
    path = image_pdf(tmp_path, "fine.pdf", [(page_image((1200, 1800)), 600, "PNG")])
    doc = load(path, tmp_path)
    (page,) = doc.pages
    assert (page.dpi, page.dpi_source) == (400, "pdf")
    assert (page.width, page.height) == pytest.approx((800, 1200), abs=1)
    assert any("600 ppi" in w for w in doc.warnings)


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font for Vietnamese text")
def test_pdf_with_text_layer_reports_it_in_nfc(tmp_path: Path) -> None:
    from fpdf import FPDF

    lines = ["GIẤY KHAI SINH", "Họ và tên: NGUYỄN VĂN AN", "Ngày sinh: 01/02/1990"]
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=14)
    pdf.add_page()
    for line in lines:
        pdf.cell(text=unicodedata.normalize("NFD", line), new_x="LMARGIN", new_y="NEXT")  # decomposed on purpose
    pdf.add_page()  # a blank page: no text layer
    path = tmp_path / "born-digital.pdf"
    pdf.output(str(path))

    doc = load(path, tmp_path)

    first, second = doc.pages
    assert first.text_layer is True
    assert first.text is not None
    assert first.text.split("\n") == lines  # NFC, in reading order
    assert unicodedata.is_normalized("NFC", first.text)
    assert (second.text_layer, second.text) == (False, None)
    # Still rendered: no image on the page, so the default resolution.
    assert (first.dpi, first.dpi_source) == (300, "fallback")
    assert (first.width, first.height) == pytest.approx(A4_300, abs=2)


def test_results_are_plain_picklable_data(tmp_path: Path, two_page_pdf: Path) -> None:
    doc = load(two_page_pdf, tmp_path)
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc
    assert isinstance(back.source, Source) and all(isinstance(p, Page) for p in back.pages)


# --- small pure parts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (A4_300, 300),
        (A4_200, 200),
        ((3508, 2480), 300),  # landscape
        ((2400, 3400), 300),  # cropped A4 snaps to the scanner's step
        ((2550, 3300), 300),  # US Letter
        ((1011, 638), 200),  # ID card: not a page
        ((5000, 900), 200),  # a strip: no paper fits
    ],
)
def test_paper_size_guess(size: tuple[int, int], expected: float) -> None:
    assert dpi_rules.guess_from_size(*size)[0] == expected


def test_pdfimages_list_parsing_reads_ppi_from_the_right() -> None:
    out = (
        "page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio\n"
        "--------------------------------------------------------------------------------------------\n"
        "   1     0 image    1654  2339  gray    1   8  image  no        10  0   200   200 8708B 0.2%\n"
        "   2     1 stencil   100   100  -       1   1  image  no   [inline]     72    72   12B 1.0%\n"
    )
    images = pdfimages.parse_list(out)
    assert [(i.page, i.kind, i.width, i.x_ppi) for i in images] == [(1, "image", 1654, 200), (2, "stencil", 100, 72)]
