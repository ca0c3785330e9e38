"""Page dimensions as claimed by an image's header, read without decoding a single pixel.

Why not just Pillow: its size guard (``Image.MAX_IMAGE_PIXELS``) is a process-wide setting that OCRmyPDF
rewrites in the same worker, so sohoa checks its own limit first, in microseconds, with an exact message.
The TIFF walk also catches what Pillow reports badly or not at all: a multi-page TIFF cut short loses
its last pages' directories or strips.

Each probe raises TruncatedImageError/CorruptImageError when the header proves the file bad, and returns
None when it cannot tell (exotic but maybe valid layouts); Pillow then has the last word.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from ingest import sniff
from ingest.errors import CorruptImageError, TruncatedImageError


@dataclass(frozen=True)
class FrameHeader:
    width: int
    height: int
    reduced: bool = False  # a TIFF thumbnail/preview (NewSubfileType bit 0), not a page


def probe(path: str, media_type: str, *, max_frames: int) -> list[FrameHeader] | None:
    """The frames an image file claims; a TIFF walk stops after ``max_frames + 1`` pages (huge chains stay cheap)."""
    with open(path, "rb") as f:
        if media_type == sniff.PNG:
            return _png(f)
        if media_type == sniff.JPEG:
            return _jpeg(f)
        if media_type == sniff.TIFF:
            return _tiff(f, max_frames=max_frames)
    return None


def _read(f: BinaryIO, n: int, what: str) -> bytes:
    data = f.read(n)
    if len(data) < n:
        raise TruncatedImageError(f"The file ends inside its {what}; it was probably not copied completely.")
    return data


# --- PNG ---------------------------------------------------------------------------------------------------


def _png(f: BinaryIO) -> list[FrameHeader]:
    head = _read(f, 33, "PNG header")
    length, ctype = struct.unpack(">I4s", head[8:16])
    if ctype != b"IHDR" or length != 13:
        raise CorruptImageError("The PNG file is damaged: its header chunk is missing.")
    (crc,) = struct.unpack(">I", head[29:33])
    if zlib.crc32(head[12:29]) != crc:
        raise CorruptImageError("The PNG file is damaged: its header checksum is wrong.")
    width, height = struct.unpack(">II", head[16:24])
    if width == 0 or height == 0:
        raise CorruptImageError(f"The PNG header claims an empty image ({width} × {height} pixels).")
    return [FrameHeader(width, height)]


# --- JPEG --------------------------------------------------------------------------------------------------

# Start-of-frame markers carry the dimensions; C4 (DHT), C8 (reserved) and CC (DAC) share the range.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


def _jpeg(f: BinaryIO) -> list[FrameHeader] | None:
    _read(f, 2, "JPEG header")
    for _ in range(10_000):  # real files reach SOF within a dozen segments
        byte = _read(f, 1, "JPEG header")
        if byte != b"\xff":
            return None  # junk between segments: leave it to the decoder, which may cope
        marker = _read(f, 1, "JPEG header")[0]
        while marker == 0xFF:  # fill bytes
            marker = _read(f, 1, "JPEG header")[0]
        if marker in _STANDALONE:
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            raise CorruptImageError("The JPEG file is damaged: it has no image frame header.")
        (length,) = struct.unpack(">H", _read(f, 2, "JPEG header"))
        if length < 2:
            return None
        if marker in _SOF:
            _precision, height, width = struct.unpack(">BHH", _read(f, 5, "JPEG header"))
            if width == 0:
                raise CorruptImageError("The JPEG header claims an image of width 0.")
            # Height 0 means "defined later" (DNL marker): legal, let the decoder find it.
            return [FrameHeader(width, height)] if height else None
        f.seek(length - 2, 1)
    return None


# --- TIFF --------------------------------------------------------------------------------------------------

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_WIDTH, _LENGTH, _SUBFILE = 256, 257, 254
_STRIP_OFFSETS, _STRIP_COUNTS, _TILE_OFFSETS, _TILE_COUNTS = 273, 279, 324, 325
_MAX_ENTRIES = 4096
_MAX_ARRAY = 10_000_000


def _tiff(f: BinaryIO, *, max_frames: int) -> list[FrameHeader] | None:
    f.seek(0, 2)
    size = f.tell()
    f.seek(0)
    head = _read(f, 8, "TIFF header")
    order = "<" if head[:2] == b"II" else ">"
    if struct.unpack(order + "H", head[2:4])[0] != 42:
        return None  # BigTIFF: leave it to the decoder
    (offset,) = struct.unpack(order + "I", head[4:8])
    frames: list[FrameHeader] = []
    seen: set[int] = set()
    pages = 0
    while offset and pages <= max_frames:
        number = len(frames) + 1
        if offset in seen:
            raise CorruptImageError("The TIFF file is damaged: its page directories form a loop.")
        seen.add(offset)
        if offset + 2 > size:
            raise _tiff_truncated(number)
        f.seek(offset)
        (count,) = struct.unpack(order + "H", f.read(2))
        if count == 0 or count > _MAX_ENTRIES:
            raise CorruptImageError(f"The TIFF file is damaged: page {number}'s directory is unreadable.")
        if offset + 2 + 12 * count + 4 > size:
            raise _tiff_truncated(number)
        entries = f.read(12 * count)
        (next_offset,) = struct.unpack(order + "I", f.read(4))
        tags = {}
        for i in range(count):
            tag, typ, n, raw = struct.unpack(order + "HHI4s", entries[12 * i : 12 * i + 12])
            tags[tag] = (typ, n, raw)
        width = _scalar(tags.get(_WIDTH), order)
        height = _scalar(tags.get(_LENGTH), order)
        if not width or not height:
            raise CorruptImageError(f"The TIFF file is damaged: page {number} has no dimensions.")
        subfile = _scalar(tags.get(_SUBFILE), order) or 0
        end = _data_end(f, tags, order, size)
        if end is not None and end > size:
            raise TruncatedImageError(
                f"The TIFF file is cut short: page {number}'s image data runs {end - size} bytes past the end "
                "of the file. Copy or scan the document again."
            )
        frames.append(FrameHeader(width, height, reduced=bool(subfile & 1)))
        pages += not frames[-1].reduced
        offset = next_offset
    return frames


def _tiff_truncated(number: int) -> TruncatedImageError:
    return TruncatedImageError(
        f"The TIFF file is cut short: page {number}'s directory lies beyond the end of the file, so pages are "
        "missing. Copy or scan the document again."
    )


def _scalar(entry: tuple[int, int, bytes] | None, order: str) -> int | None:
    if entry is None:
        return None
    typ, n, raw = entry
    if n < 1:
        return None
    if typ == 3:
        return int(struct.unpack(order + "H", raw[:2])[0])
    if typ == 4:
        return int(struct.unpack(order + "I", raw)[0])
    return None


def _array(f: BinaryIO, entry: tuple[int, int, bytes], order: str, size: int) -> list[int] | None:
    typ, n, raw = entry
    if typ not in (3, 4) or n > _MAX_ARRAY:
        return None
    code = "H" if typ == 3 else "I"
    nbytes = _TYPE_SIZE[typ] * n
    if nbytes <= 4:
        data = raw[:nbytes]
    else:
        (pointer,) = struct.unpack(order + "I", raw)
        if pointer + nbytes > size:
            raise TruncatedImageError("The TIFF file is cut short: a page's strip table is missing.")
        f.seek(pointer)
        data = f.read(nbytes)
    return list(struct.unpack(f"{order}{n}{code}", data))


def _data_end(f: BinaryIO, tags: dict[int, tuple[int, int, bytes]], order: str, size: int) -> int | None:
    """Where the page's last strip or tile ends, when the directory says so."""
    for offsets_tag, counts_tag in ((_STRIP_OFFSETS, _STRIP_COUNTS), (_TILE_OFFSETS, _TILE_COUNTS)):
        if offsets_tag in tags and counts_tag in tags:
            offsets = _array(f, tags[offsets_tag], order, size)
            counts = _array(f, tags[counts_tag], order, size)
            if offsets and counts and len(offsets) == len(counts):
                return max(o + c for o, c in zip(offsets, counts, strict=True))
    return None
