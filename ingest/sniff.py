"""What a file is, judged from its first bytes.

File names lie (scanner software, renamed downloads, a text file saved as ``.png``), so the media type is
sniffed from magic bytes. For files sohoa refuses, :func:`looks_like` names what the file seems to be, so
the clerk's error message can say "a ZIP archive" rather than "unsupported".
"""

from __future__ import annotations

PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
PDF = "application/pdf"
UNKNOWN = "application/octet-stream"

ACCEPTED = (PNG, JPEG, TIFF, PDF)

# How many leading bytes sniffing needs: PDF readers accept a header anywhere in the first 1024 bytes.
HEAD_SIZE = 4096
_PDF_HEADER_WINDOW = 1024


def media_type(head: bytes) -> str:
    """The media type of a file whose first bytes are ``head``; :data:`UNKNOWN` if not one we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return TIFF
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return PDF
    return UNKNOWN


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
    (b"\x97JB2\r\n\x1a\n", "a JBIG2 image"),
    (b"8BPS", "a Photoshop document"),
    (b"AT&TFORM", "a DjVu document"),
    (b"%!PS", "a PostScript file"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"\x7fELF", "a program file"),
    (b"MZ", "a Windows program file"),
)


def looks_like(head: bytes) -> str:
    """A short phrase for the clerk ("a ZIP archive", "a text file") describing a refused file."""
    if not head:
        return "an empty file"
    for magic, phrase in _SIGNATURES:
        if head.startswith(magic):
            return phrase
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":
        return "a BMP image"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return "a HEIC photo"
        if brand in (b"avif", b"avis"):
            return "an AVIF image"
        return "a video file"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        if b"[Content_Types].xml" in head or b"word/" in head or b"xl/" in head:
            return "a Microsoft Office document (.docx/.xlsx)"
        if b"mimetypeapplication/vnd.oasis" in head:
            return "an OpenDocument file"
        return "a ZIP archive"
    return _text_kind(head)


def _text_kind(head: bytes) -> str:
    text = _decode_text(head)
    if text is None:
        return "a file of unknown type"
    start = text.lstrip().lower()
    if start.startswith(("<!doctype html", "<html")):
        return "a web page (HTML)"
    if start.startswith("<?xml") or start.startswith("<svg"):
        return "an SVG drawing" if "<svg" in start else "an XML file"
    return "a text file"


def _decode_text(head: bytes) -> str | None:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            try:
                return head[len(bom) :].decode(encoding, errors="ignore")
            except LookupError:  # pragma: no cover - the codecs are built in
                return None
    if b"\x00" in head:
        return None
    # Invalid UTF-8 becomes U+FFFD, which counts as printable: legacy Vietnamese encodings (TCVN3, VNI)
    # are still text. Binary files give themselves away by control bytes.
    text = head.decode("utf-8", errors="replace")
    if not text:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t\f" for ch in text)
    return text if printable / len(text) >= 0.95 else None
