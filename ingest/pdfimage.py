"""A PDF page that shows nothing but one scanned image: take the scan's pixels as stored.

Why not always render: pdftoppm at the scan's own resolution still resamples by a fraction of a pixel.
Measured on an img2pdf page at exactly 200 ppi: mean absolute difference 42/255 on random noise, 8/255 on a
noisy synthetic scan; extraction is exact. Fine strokes and diacritics are what OCR and the archive need.

Only the plainest pages qualify, and everything else is rendered (the safe default): one image XObject,
drawn upright and unrotated, covering the crop box; nothing else visible (invisible OCR text is fine); no
annotations; plain gray/RGB/palette pixels with no masks or Decode arrays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pikepdf
from PIL import Image

log = logging.getLogger(__name__)

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_INVISIBLE_TEXT = 3  # Tr 3: neither fill nor stroke, the way OCR layers are written
_TEXT_SHOW = frozenset({"Tj", "TJ", "'", '"'})
# Operators that change state or build paths without putting ink on the page.
# fmt: off
_HARMLESS = frozenset({
    "BT", "ET", "Tf", "Td", "TD", "Tm", "T*", "Tc", "Tw", "Tz", "TL", "Ts",  # text state and position
    "m", "l", "c", "v", "y", "h", "re", "n", "W", "W*",  # paths built, clipped, not painted
    "CS", "cs", "SC", "SCN", "sc", "scn", "G", "g", "RG", "rg", "K", "k",  # colours
    "w", "J", "j", "M", "d", "ri", "i",  # line style
    "BMC", "BDC", "EMC", "MP", "DP", "BX", "EX",  # marked content, compatibility
})
# fmt: on
_ANNOTS_THAT_DRAW_NOTHING = frozenset({"/Link", "/Popup"})
# ExtGState entries that change how the image looks (transparency, blending, transfer functions).
_VISIBLE_GSTATE = ("/SMask", "/ca", "/CA", "/BM", "/TR", "/TR2")
_COVER_TOLERANCE = 0.01
_PLAIN_SPACES = frozenset({"/DeviceGray", "/DeviceRGB"})
# pdftoppm (Splash) rotates /Rotate clockwise; PIL's named transposes are counter-clockwise.
_ROTATE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class Extracted:
    image: Image.Image
    ppi: float


def extract(page: pikepdf.Page, crop: tuple[float, float, float, float]) -> Extracted | None:
    """The page's scan as stored, upright as displayed, or None if the page must be rendered."""
    try:
        found = _single_image(page, crop)
        if found is None:
            return None
        xobj, width_pt, height_pt = found
        image = pikepdf.PdfImage(xobj).as_pil_image()
        image.load()
    except (pikepdf.PdfError, NotImplementedError, ValueError, TypeError, KeyError, OSError) as e:
        # Anything pikepdf or Pillow cannot decode exactly, poppler can still render.
        log.debug("page image not extractable (%s); rendering instead", type(e).__name__)
        return None
    x_ppi = image.width / (width_pt / 72.0)
    y_ppi = image.height / (height_pt / 72.0)
    if abs(x_ppi - y_ppi) > 0.01 * max(x_ppi, y_ppi):
        return None  # stretched on the page: only a render shows it as meant
    rotate = _rotation(page)
    if rotate in _ROTATE:
        image = image.transpose(_ROTATE[rotate])
    elif rotate != 0:
        return None
    return Extracted(image=image, ppi=_tidy((x_ppi + y_ppi) / 2))


def _tidy(ppi: float) -> float:
    # Page sizes are stored rounded to hundredths of a point: 299.97 ppi is a 300 dpi scan.
    nearest = round(ppi)
    return float(nearest) if abs(ppi - nearest) <= 0.005 * ppi else round(ppi, 2)


def _rotation(page: pikepdf.Page) -> int:
    try:
        return int(page.obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        return -1


def _single_image(
    page: pikepdf.Page, crop: tuple[float, float, float, float]
) -> tuple[pikepdf.Object, float, float] | None:
    annots = page.obj.get("/Annots")
    if annots is not None and any(a.get("/Subtype") not in _ANNOTS_THAT_DRAW_NOTHING for a in annots):
        return None
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    gstates = resources.get("/ExtGState") if resources is not None else None
    ctm, render_mode = _IDENTITY, 0
    stack: list[tuple[Matrix, int]] = []
    drawn: tuple[pikepdf.Object, Matrix] | None = None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append((ctm, render_mode))
        elif op == "Q":
            ctm, render_mode = stack.pop() if stack else (_IDENTITY, 0)
        elif op == "cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif op == "Tr":
            render_mode = int(operands[0])
        elif op in _TEXT_SHOW:
            if render_mode != _INVISIBLE_TEXT:
                return None
        elif op == "gs":
            state = gstates.get(operands[0]) if gstates is not None else None
            if state is None or any(_visible_gstate(state, key) for key in _VISIBLE_GSTATE):
                return None
        elif op == "Do":
            xobj = xobjects.get(operands[0]) if xobjects is not None else None
            if drawn is not None or xobj is None or xobj.get("/Subtype") != "/Image":
                return None
            drawn = (xobj, ctm)
        elif op not in _HARMLESS:
            return None  # paths painted, shadings, inline images, Type 3 glyphs: a render shows them
    if drawn is None or not _plain_pixels(drawn[0]):
        return None
    xobj, (a, b, c, d, e, f) = drawn
    if b or c or a <= 0 or d <= 0:
        return None  # rotated, flipped or skewed on the page
    x0, y0, x1, y1 = crop
    tolerance = _COVER_TOLERANCE * max(x1 - x0, y1 - y0)
    if max(abs(e - x0), abs(f - y0), abs(e + a - x1), abs(f + d - y1)) > tolerance:
        return None  # not exactly the page: margins or a partial image would change the page geometry
    return xobj, a, d


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _visible_gstate(state: pikepdf.Object, key: str) -> bool:
    if key not in state:
        return False
    value = state[key]
    if key in ("/ca", "/CA"):
        return float(value) != 1.0
    return value not in ("/None", "/Normal", "/Identity", "/Default")


def _plain_pixels(xobj: pikepdf.Object) -> bool:
    if xobj.get("/ImageMask") or "/SMask" in xobj or "/Mask" in xobj or "/Decode" in xobj:
        return False
    if int(xobj.get("/BitsPerComponent", 0)) not in (1, 8):
        return False
    return _plain_space(xobj.get("/ColorSpace"))


def _plain_space(space: pikepdf.Object | None) -> bool:
    if space is None:
        return False
    if isinstance(space, pikepdf.Name):
        return str(space) in _PLAIN_SPACES
    if isinstance(space, pikepdf.Array) and len(space) >= 2:
        family = str(space[0])
        if family == "/ICCBased":
            return int(space[1].get("/N", 0)) in (1, 3)
        if family == "/Indexed":
            return _plain_space(space[1])
    return False
