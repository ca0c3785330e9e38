"""The Debian fonts documents are typeset in, checked for Vietnamese glyphs before use."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache, lru_cache

from PIL import Image, ImageDraw, ImageFont

FONT_ROOTS = ("/usr/share/fonts", "/usr/share/texmf/fonts")
VIETNAMESE_PROBE = "ễịồữặđĐƯươẮẶỆỖẢẠăâêôơưÃÁÀẸỲỸỴ"
STYLES = ("regular", "bold", "italic", "bolditalic")

# family -> class, Debian package, file names per style (first match wins; missing styles fall back).
CATALOGUE: tuple[tuple[str, str, str, dict[str, tuple[str, ...]]], ...] = (
    ("Liberation Serif", "serif", "fonts-liberation2", {
        "regular": ("LiberationSerif-Regular.ttf",), "bold": ("LiberationSerif-Bold.ttf",),
        "italic": ("LiberationSerif-Italic.ttf",), "bolditalic": ("LiberationSerif-BoldItalic.ttf",)}),
    ("TeX Gyre Termes", "serif", "tex-gyre", {
        "regular": ("texgyretermes-regular.otf",), "bold": ("texgyretermes-bold.otf",),
        "italic": ("texgyretermes-italic.otf",), "bolditalic": ("texgyretermes-bolditalic.otf",)}),
    ("Noto Serif", "serif", "fonts-noto-core", {
        "regular": ("NotoSerif-Regular.ttf",), "bold": ("NotoSerif-Bold.ttf",),
        "italic": ("NotoSerif-Italic.ttf",), "bolditalic": ("NotoSerif-BoldItalic.ttf",)}),
    ("DejaVu Serif", "serif", "fonts-dejavu-core", {
        "regular": ("DejaVuSerif.ttf",), "bold": ("DejaVuSerif-Bold.ttf",),
        "italic": ("DejaVuSerif-Italic.ttf",), "bolditalic": ("DejaVuSerif-BoldItalic.ttf",)}),
    ("FreeSerif", "serif", "fonts-freefont-ttf", {
        "regular": ("FreeSerif.ttf",), "bold": ("FreeSerifBold.ttf",),
        "italic": ("FreeSerifItalic.ttf",), "bolditalic": ("FreeSerifBoldItalic.ttf",)}),
    ("Liberation Sans", "sans", "fonts-liberation2", {
        "regular": ("LiberationSans-Regular.ttf",), "bold": ("LiberationSans-Bold.ttf",),
        "italic": ("LiberationSans-Italic.ttf",), "bolditalic": ("LiberationSans-BoldItalic.ttf",)}),
    ("DejaVu Sans", "sans", "fonts-dejavu-core", {
        "regular": ("DejaVuSans.ttf",), "bold": ("DejaVuSans-Bold.ttf",),
        "italic": ("DejaVuSans-Oblique.ttf",), "bolditalic": ("DejaVuSans-BoldOblique.ttf",)}),
    ("Noto Sans", "sans", "fonts-noto-core", {
        "regular": ("NotoSans-Regular.ttf",), "bold": ("NotoSans-Bold.ttf",),
        "italic": ("NotoSans-Italic.ttf",), "bolditalic": ("NotoSans-BoldItalic.ttf",)}),
    ("FreeSans", "sans", "fonts-freefont-ttf", {
        "regular": ("FreeSans.ttf",), "bold": ("FreeSansBold.ttf",),
        "italic": ("FreeSansOblique.ttf",), "bolditalic": ("FreeSansBoldOblique.ttf",)}),
    ("FreeMono", "typewriter", "fonts-freefont-ttf", {
        "regular": ("FreeMono.ttf",), "bold": ("FreeMonoBold.ttf",),
        "italic": ("FreeMonoOblique.ttf",), "bolditalic": ("FreeMonoBoldOblique.ttf",)}),
    ("Liberation Mono", "typewriter", "fonts-liberation2", {
        "regular": ("LiberationMono-Regular.ttf",), "bold": ("LiberationMono-Bold.ttf",),
        "italic": ("LiberationMono-Italic.ttf",), "bolditalic": ("LiberationMono-BoldItalic.ttf",)}),
    ("TeX Gyre Cursor", "typewriter", "tex-gyre", {
        "regular": ("texgyrecursor-regular.otf",), "bold": ("texgyrecursor-bold.otf",),
        "italic": ("texgyrecursor-italic.otf",), "bolditalic": ("texgyrecursor-bolditalic.otf",)}),
    # Nimbus Mono PS (fonts-urw-base35) is listed so that it is picked up the day it gains Vietnamese;
    # today's builds lack ơ/ư and most tone-marked vowels, so the glyph check drops it.
    ("Nimbus Mono PS", "typewriter", "fonts-urw-base35", {
        "regular": ("NimbusMonoPS-Regular.otf",), "bold": ("NimbusMonoPS-Bold.otf",),
        "italic": ("NimbusMonoPS-Italic.otf",), "bolditalic": ("NimbusMonoPS-BoldItalic.otf",)}),
)
FONT_CLASSES = ("serif", "sans", "typewriter")


class FontError(RuntimeError):
    """No usable font of a class: the message names the Debian packages that provide one."""


@dataclass(frozen=True)
class FontFace:
    family: str
    font_class: str
    paths: tuple[tuple[str, str], ...]  # (style, path); a frozen mapping keeps the face hashable

    def path(self, style: str) -> str:
        if style == "ocr":  # machine-readable zones are set in a monospace face whatever the page uses
            mono = faces("typewriter")
            return next((f for f in mono if f.family == "Liberation Mono"), mono[0]).path("regular")
        table = dict(self.paths)
        if style in table:
            return table[style]
        fallback = {"bolditalic": "bold", "italic": "regular", "bold": "regular"}.get(style, "regular")
        return self.path(fallback) if fallback != style else table["regular"]

    def font(self, style: str, size: int) -> ImageFont.FreeTypeFont:
        return _load(self.path(style), size)


@lru_cache(maxsize=512)
def _load(path: str, size: int) -> ImageFont.FreeTypeFont:
    # Strings are NFC and the faces have precomposed Vietnamese glyphs, so basic layout renders them
    # exactly; it is faster than raqm and gives identical pixels whether or not libraqm is installed.
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@cache
def _font_files() -> dict[str, str]:
    found: dict[str, str] = {}
    for root in FONT_ROOTS:
        for dirpath, _dirs, files in sorted(os.walk(root)):
            for name in sorted(files):
                found.setdefault(name, os.path.join(dirpath, name))
    return found


def covers_vietnamese(path: str) -> bool:
    """Whether the font maps every probe character to a real glyph."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # fontTools is optional: compare rendered glyphs with the .notdef box instead
        return _covers_by_pixels(path)
    with TTFont(path, lazy=True, fontNumber=0) as tt:
        cmap = tt.getBestCmap() or {}
    return all(ord(c) in cmap for c in VIETNAMESE_PROBE)


def _covers_by_pixels(path: str) -> bool:
    font = ImageFont.truetype(path, 48, layout_engine=ImageFont.Layout.BASIC)

    def ink(ch: str) -> bytes:
        img = Image.new("L", (96, 96), 0)
        ImageDraw.Draw(img).text((16, 72), ch, font=font, fill=255, anchor="ls")
        return img.tobytes()

    notdef = ink("\U0010fffd")  # a private-use code point no text font maps
    return all((g := ink(c)) != notdef and any(g) for c in VIETNAMESE_PROBE)


@cache
def faces(font_class: str) -> tuple[FontFace, ...]:
    """Installed faces of a class that render Vietnamese, in catalogue order."""
    if font_class not in FONT_CLASSES:
        raise ValueError(f"unknown font class {font_class!r}")
    files = _font_files()
    result = []
    packages = []
    for family, cls, package, styles in CATALOGUE:
        if cls != font_class:
            continue
        packages.append(package)
        paths = []
        for style in STYLES:
            hit = next((files[n] for n in styles[style] if n in files), None)
            if hit:
                paths.append((style, hit))
        table = dict(paths)
        if "regular" in table and covers_vietnamese(table["regular"]):
            result.append(FontFace(family, cls, tuple(paths)))
    if not result:
        wanted = " or ".join(dict.fromkeys(p for p in packages if p != "fonts-urw-base35"))
        raise FontError(f"no {font_class} font with Vietnamese glyphs under {', '.join(FONT_ROOTS)}; "
                        f"install one of the Debian packages: {wanted}")
    return tuple(result)


def stamp_font(size: int) -> ImageFont.FreeTypeFont:
    """A bold sans for seal lettering, as seal engravers cut it."""
    face = faces("sans")[0]
    return face.font("bold", size)


