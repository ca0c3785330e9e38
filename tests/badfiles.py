"""Bad inputs as archives deliver them, made on the spot: each must become a failed record, never a crash."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image


def png_chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims a huge page (a decompression bomb's first step)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + png_chunk(b"IEND", b"")
    )


def image_pdf(path: Path, pages: int = 2) -> Path:
    blobs = []
    for i in range(pages):
        buf = io.BytesIO()
        Image.new("L", (1240, 1754), 230 - 10 * i).save(buf, format="PNG", dpi=(150, 150))
        blobs.append(buf.getvalue())
    path.write_bytes(img2pdf.convert(blobs))
    return path


def encrypted_pdf(path: Path) -> Path:
    src = image_pdf(path.with_suffix(".plain.tmp"))
    with pikepdf.open(src) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret"))
    src.unlink()
    return path


def broken_xref_pdf(path: Path) -> Path:
    """One xref entry pointing at a wrong offset, as a faulty editor leaves it."""
    src = image_pdf(path.with_suffix(".plain.tmp"))
    data = src.read_bytes()
    src.unlink()
    table = data.rindex(b"\nxref\n")
    entry = data.index(b" n", table) - 16
    path.write_bytes(data[:entry] + b"0000000001" + data[entry + 10 :])
    return path


def write_all(folder: Path, good_png: Path) -> dict[str, str]:
    """Every bad-input case of issue 2 in ``folder``; returns file name -> the error code it must get."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.png").write_bytes(b"")
    data = good_png.read_bytes()
    (folder / "truncated.png").write_bytes(data[: len(data) // 2])
    (folder / "notes.png").write_text("Danh sách hồ sơ cần scan lại\n", encoding="utf-8")
    (folder / "bomb.png").write_bytes(png_claiming(50_000, 50_000))
    encrypted_pdf(folder / "locked.pdf")
    broken_xref_pdf(folder / "broken-xref.pdf")
    with zipfile.ZipFile(folder / "scans.zip", "w") as zf:
        zf.writestr("a.txt", "x")
    return {
        "empty.png": "empty_file",
        "truncated.png": "truncated_image",
        "notes.png": "unsupported_format",
        "bomb.png": "image_too_large",
        "locked.pdf": "encrypted_pdf",
        "broken-xref.pdf": "pdf_damaged_xref",
        "scans.zip": "unsupported_format",
    }
