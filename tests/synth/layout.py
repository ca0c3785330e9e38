"""A small flow layout for printed forms: lines of styled text, tab stops, leaders, columns and graphics.

Lines are recorded in the order they are laid out, which the forms keep equal to reading order; that list
becomes the page's truth text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from .fonts import FontFace

DPI = 300
A4 = (2480, 3508)  # A4 portrait at 300 dpi
PX_PER_PT = DPI / 72
PX_PER_MM = DPI / 25.4

Segment = tuple[str, str]  # (text, style)


@dataclass
class Run:
    x: float
    text: str
    style: str
    size: int  # px


@dataclass
class TextLine:
    baseline: int
    runs: list[Run]

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.runs if r.text)


@dataclass
class Graphic:
    kind: str  # rule | box | fill | card | photo | qr | guilloche
    box: tuple[int, int, int, int]
    params: dict[str, float] = field(default_factory=dict)


@dataclass
class PageLayout:
    width: int
    height: int
    face: FontFace
    size_pt: float
    lines: list[TextLine]
    graphics: list[Graphic]
    sign_spots: list[tuple[int, int, int]]  # (x, y) centre of a signature blank and the seal diameter there
    overflow: bool

    @property
    def text_lines(self) -> list[str]:
        return [t for t in (ln.text for ln in self.lines) if t]


class Builder:
    """Lays out one page top to bottom inside a frame (x0..x1) that columns can narrow."""

    def __init__(self, face: FontFace, size_pt: float, *, margins_mm: tuple[float, float, float, float] =
                 (20, 15, 20, 30), spacing: float = 1.45, size: tuple[int, int] = A4) -> None:
        top, right, bottom, left = (round(m * PX_PER_MM) for m in margins_mm)
        self.face = face
        self.size_pt = size_pt
        self.px = round(size_pt * PX_PER_PT)
        self.spacing = spacing
        self.width, self.height = size
        self.left, self.right = left, self.width - right
        self.top, self.bottom = top, self.height - bottom
        self.x0, self.x1 = self.left, self.right
        self.y = float(top)
        self.lines: list[TextLine] = []
        self.graphics: list[Graphic] = []
        self.sign_spots: list[tuple[int, int, int]] = []
        self.max_y = float(top)
        self.last = (top, self.px)  # baseline and size of the latest line, for rules under it

    # measuring ---------------------------------------------------------------------------------------
    def pt(self, points: float) -> int:
        return round(points * PX_PER_PT)

    def measure(self, text: str, style: str = "regular", size: int | None = None) -> float:
        return self.face.font(style, size or self.px).getlength(text)

    def _advance(self, size: int, spacing: float | None = None) -> int:
        # Room above the baseline for stacked marks on capitals (Ễ, Ỗ) before the line's own height.
        baseline = round(self.y + size * 1.02)
        self.last = (baseline, size)
        self.y += size * (spacing or self.spacing)
        self.max_y = max(self.max_y, self.y)
        return baseline

    @property
    def overflow(self) -> bool:
        return self.max_y > self.bottom

    # text --------------------------------------------------------------------------------------------
    def text(self, content: str | Sequence[Segment], *, style: str = "regular", size: int | None = None,
             align: str = "left", indent: float = 0, hanging: float = 0, justify: bool = False,
             leader: bool = False, x0: float | None = None, x1: float | None = None,
             spacing: float | None = None) -> list[TextLine]:
        """Wraps segments into lines; `leader` fills the rest of the last line with a dotted rule."""
        size = size or self.px
        segs: list[Segment] = [(content, style)] if isinstance(content, str) else list(content)
        words = [(w, st) for text, st in segs for w in text.split()]
        left = self.x0 if x0 is None else x0
        right = self.x1 if x1 is None else x1
        space = self.measure(" ", "regular", size)
        out: list[TextLine] = []
        first = True
        while words or first:
            start = left + (indent if first else hanging)
            avail = right - start
            take: list[tuple[str, str]] = []
            width = 0.0
            while words:
                w, st = words[0]
                ww = self.measure(w, st, size)
                extra = ww + (space if take else 0)
                if take and width + extra > avail:
                    break
                take.append(words.pop(0))
                width += extra
            last = not words
            out.append(self._place(take, start, right, width, space, size, align,
                                   justify and not last, leader and last, spacing))
            first = False
        return out

    def _place(self, words: list[Segment], start: float, right: float, width: float, space: float, size: int,
               align: str, justify: bool, leader: bool, spacing: float | None) -> TextLine:
        baseline = self._advance(size, spacing)
        if align == "center":
            x = start + (right - start - width) / 2
        elif align == "right":
            x = right - width
        else:
            x = start
        gap = space
        if justify and len(words) > 1:
            gap = space + (right - start - width) / (len(words) - 1)
        runs: list[Run] = []
        for w, st in words:
            # Words of one style share a run (one draw call) unless justification spaces them apart.
            if runs and runs[-1].style == st and not justify:
                runs[-1].text += " " + w
            else:
                runs.append(Run(x, w, st, size))
            x += self.measure(w, st, size) + gap
        x_end = x - gap
        if leader:
            # Printed forms carry rows of full stops for the clerk to type on; they are text, so they
            # are part of the line (and of the truth) and OCR has to cope with them.
            dot = self.measure(".", "regular", size)
            n = int((right - x_end - space) / dot) if dot else 0
            if n >= 4:
                runs.append(Run(x_end + space, "." * n, "regular", size))
        line = TextLine(baseline, runs)
        self.lines.append(line)
        return line

    def field(self, label: str, value: str, *, vstyle: str = "bold", lstyle: str = "regular",
              leader: bool = False, **kw: object) -> list[TextLine]:
        """"Label: value" with wrapped continuation lines, as forms are filled in."""
        return self.text([(label, lstyle), (value, vstyle)], leader=leader, **kw)  # type: ignore[arg-type]

    def row(self, cells: Sequence[Sequence[Segment]], stops: Sequence[float] | None = None,
            size: int | None = None) -> list[TextLine]:
        """Several fields on one line at tab stops (fractions of the frame); too wide cells get own lines."""
        size = size or self.px
        n = len(cells)
        stops = list(stops) if stops else [i / n for i in range(n)]
        span = self.x1 - self.x0
        xs = [self.x0 + s * span for s in stops] + [self.x1]
        space = self.measure(" ", "regular", size)
        widths = [sum(self.measure(t, st, size) for t, st in c) + space * (sum(len(t.split()) for t, _ in c) - 1)
                  for c in cells]
        if any(w > xs[i + 1] - xs[i] - space * 2 for i, w in enumerate(widths)):
            out: list[TextLine] = []
            for c in cells:
                out += self.text(c, size=size)
            return out
        baseline = self._advance(size)
        runs: list[Run] = []
        for i, c in enumerate(cells):
            x = xs[i]
            for t, st in c:
                runs.append(Run(x, t, st, size))
                x += self.measure(t, st, size) + space
        line = TextLine(baseline, runs)
        self.lines.append(line)
        return [line]

    def blank_field(self, label: str, **kw: object) -> list[TextLine]:
        """A printed label left empty: the dots stay on the page."""
        return self.text(label, leader=True, **kw)  # type: ignore[arg-type]

    def fit(self, text: str, style: str, width: float, size: int | None = None) -> int:
        """The largest size up to `size` at which `text` fits in `width`."""
        size = size or self.px
        while size > 8 and self.measure(text, style, size) > width:
            size -= 1
        return size

    # geometry ----------------------------------------------------------------------------------------
    def space(self, lines: float = 0.5) -> None:
        self.y += self.px * lines
        self.max_y = max(self.max_y, self.y)

    def rule(self, width: float, *, center: float | None = None, thickness: int = 3, drop: float = 0.32) -> None:
        """A rule under the latest line, as under "Độc lập - Tự do - Hạnh phúc"."""
        c = (self.x0 + self.x1) / 2 if center is None else center
        baseline, size = self.last
        y = round(baseline + size * drop)
        self.graphics.append(Graphic("rule", (round(c - width / 2), y, round(c + width / 2), y + thickness)))
        self.y = max(self.y, y + size * 0.3)

    def graphic(self, kind: str, box: tuple[float, float, float, float], **params: float) -> None:
        x0, y0, x1, y1 = box
        self.graphics.append(Graphic(kind, (round(x0), round(y0), round(x1), round(y1)), dict(params)))

    def sign_here(self, height_mm: float = 24, center: float | None = None, seal_mm: float = 36) -> None:
        """Leaves the blank where the signer signs and the seal goes."""
        c = (self.x0 + self.x1) / 2 if center is None else center
        h = height_mm * PX_PER_MM
        self.sign_spots.append((round(c), round(self.y + h / 2), round(seal_mm * PX_PER_MM)))
        self.y += h
        self.max_y = max(self.max_y, self.y)

    @contextmanager
    def frame(self, x0: float, x1: float, *, y: float | None = None) -> Iterator[None]:
        """Narrows the frame (a column); restores it afterwards, leaving y where the column ended."""
        saved = self.x0, self.x1
        if y is not None:
            self.y = y
        self.x0, self.x1 = x0, x1
        try:
            yield
        finally:
            self.x0, self.x1 = saved

    def split(self, fraction: float = 0.5, gutter_mm: float = 6) -> tuple[tuple[float, float], tuple[float, float]]:
        g = gutter_mm * PX_PER_MM / 2
        mid = self.left + (self.right - self.left) * fraction
        return (self.left, mid - g), (mid + g, self.right)

    def build(self) -> PageLayout:
        return PageLayout(self.width, self.height, self.face, self.size_pt, self.lines, self.graphics,
                          self.sign_spots, self.overflow)
