"""Reading Tesseract's hOCR: words with boxes and confidences, lines, and the page text.

Coordinates are in the pixel frame of the image Tesseract read, which in sohoa is the upright page (the
cleaned OCR image has the upright page's geometry), so they are also the PDF page's image frame.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_WCONF = re.compile(r"x_wconf (\d+)")


@dataclass(frozen=True)
class Word:
    text: str
    bbox: tuple[int, int, int, int]
    confidence: float  # 0..1
    line: int  # index of the line on the page, in reading order
    read_as: str | None = None  # what Tesseract read, where the glyph check changed it (extract.number_check)
    glyphs_agree: bool = False  # a number the digit classifier read alike, glyph by glyph (extract.number_check)


@dataclass(frozen=True)
class HocrPage:
    width: int
    height: int
    words: list[Word]

    @property
    def lines(self) -> list[str]:
        out: dict[int, list[str]] = {}
        for word in self.words:
            out.setdefault(word.line, []).append(word.text)
        return [" ".join(ws) for _, ws in sorted(out.items())]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def mean_confidence(self) -> float | None:
        if not self.words:
            return None
        return round(sum(w.confidence for w in self.words) / len(self.words), 4)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_box = (0, 0, 0, 0)
        self.words: list[Word] = []
        self._line = -1
        self._word: tuple[tuple[int, int, int, int], float] | None = None
        self._depth_in_word = 0
        self._chars: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        cls = attr.get("class") or ""
        title = attr.get("title") or ""
        if self._word is not None:
            self._depth_in_word += 1
            return
        if cls == "ocr_page":
            m = _BBOX.search(title)
            if m:
                self.page_box = tuple(int(v) for v in m.groups())  # type: ignore[assignment]
        elif cls in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"):
            self._line += 1
        elif cls == "ocrx_word":
            m = _BBOX.search(title)
            c = _WCONF.search(title)
            box = tuple(int(v) for v in m.groups()) if m else (0, 0, 0, 0)
            self._word = (box, int(c.group(1)) / 100.0 if c else 0.0)  # type: ignore[assignment]
            self._depth_in_word = 0
            self._chars = []

    def handle_endtag(self, tag: str) -> None:
        if self._word is None:
            return
        if self._depth_in_word:
            self._depth_in_word -= 1
            return
        text = unicodedata.normalize("NFC", "".join(self._chars)).strip()
        if text:
            box, conf = self._word
            self.words.append(Word(text, box, conf, max(self._line, 0)))
        self._word = None

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            self._chars.append(data)


def parse_hocr(markup: str) -> HocrPage:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    x0, y0, x1, y1 = parser.page_box
    return HocrPage(width=x1 - x0, height=y1 - y0, words=parser.words)
