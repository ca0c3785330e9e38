"""The OCR stage: pages in, searchable PDF/A + per-page words out (one Tesseract recognition per page).

Steps per document:
1. ``prepare``: each page is cleaned (OpenCV) and its orientation and skew found on the cleaned image;
   the original scan is turned upright (that is what the PDF shows) and the cleaned image keeps its frame;
2. ``assemble``: the upright scans become an image-only PDF (img2pdf, no re-encoding beyond step 1);
3. ``recognize``: OCRmyPDF builds PDF/A-2b with the text layer, Tesseract reading the cleaned images, and
   hands back each page's hOCR;
4. ``collect``: hOCR → words, text and confidence per page.
A PDF that already carries text on some page (and no ``redo_ocr``) goes to OCRmyPDF as it is, in skip mode:
its text pages keep their text and are not OCR'd again.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import cv2
import img2pdf
import numpy as np

from ingest.errors import OcrError
from ingest.pages import LoadedDocument, Page
from ocr.hocr import parse_hocr
from ocr.ocrmypdf_plugin import page_file
from ocr.prepare import PreparedPage, prepare_page
from ocr.result import OcrPage, OcrResult
from ocr.searchable import run_ocrmypdf, strip_actions
from ocr.tessdata import page_models as select_models

log = logging.getLogger(__name__)

JPEG_QUALITY = 88
UNSMOOTHED = "unsmoothed.png"  # beside each OCR image ``page-NNNN.png``: ``PreparedPage.unsmoothed``


@lru_cache(maxsize=1)
def engine_version() -> str:
    from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

    return f"tesseract {TesseractOcrEngine.version()}"


def ocr_document(
    loaded: LoadedDocument,
    workdir: str | Path,
    *,
    language: str = "vie",
    redo_ocr: bool = False,
    timeout: float = 180.0,
    cleanup: bool = True,
    tessdata: str | None = None,
    page_models: str = "fast",
) -> OcrResult:
    """``cleanup=False`` gives Tesseract the scan as it is (for measuring what the cleanup is worth);
    ``tessdata`` and ``page_models`` are the settings ``SOHOA_TESSDATA_DIR`` and ``SOHOA_PAGE_MODELS``
    (``ocr.tessdata.page_models``)."""
    models, best = select_models(tessdata, language, page_models)
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    languages = [lang for lang in language.split("+") if lang]
    hocr_dir = work / "hocr"
    output_pdf = work / "document.pdf"
    has_text = any(p.text_layer for p in loaded.pages)

    if has_text and not redo_ocr:
        clean_input = strip_actions(loaded.source.path, work / "input.pdf")
        run_ocrmypdf(
            clean_input,
            output_pdf,
            languages=languages,
            hocr_out=hocr_dir,
            ocr_images=None,
            skip_text=True,
            timeout=timeout,
            tessdata=models,
        )
        geometry = {p.number: (p.width, p.height, 0, 0.0, None) for p in loaded.pages}
    else:
        ocr_dir = work / "ocr-images"
        ocr_dir.mkdir(exist_ok=True)
        page_images: list[bytes] = []
        geometry = {}
        thresholds: list[str] = []
        for page in loaded.pages:
            prepared = _prepare(page) if cleanup else _as_is(page)
            page_images.append(_encode_upright(prepared.upright))
            cv2.imwrite(str(page_file(ocr_dir, page.number, "png")), prepared.ocr_image)
            plain = page_file(ocr_dir, page.number, UNSMOOTHED)
            if prepared.unsmoothed is not None:
                cv2.imwrite(str(plain), prepared.unsmoothed)
            else:
                plain.unlink(missing_ok=True)  # a work folder used again: an older run's would be taken for it
            h, w = prepared.upright.shape[:2]
            geometry[page.number] = (w, h, prepared.rotation, prepared.skew_deg, prepared.binarization)
            if prepared.tesseract_thresholding:
                thresholds.append(prepared.tesseract_thresholding)
        input_pdf = work / "pages.pdf"
        dpis = [(p.dpi, p.dpi) for p in loaded.pages]
        _assemble(page_images, dpis, input_pdf)
        del page_images
        run_ocrmypdf(
            input_pdf,
            output_pdf,
            languages=languages,
            hocr_out=hocr_dir,
            ocr_images=ocr_dir,
            thresholding=max(set(thresholds), key=thresholds.count) if thresholds else None,
            timeout=timeout,
            tessdata=models,
        )

    images = work / "ocr-images"
    pages = [_collect(page, geometry[page.number], hocr_dir, images) for page in loaded.pages]
    return OcrResult(
        pdf_path=str(output_pdf),
        pages=pages,
        engine=engine_version(),
        language=language,
        warnings=list(loaded.warnings),
        tessdata=models,
        best_tessdata=best,
    )


def _prepare(page: Page) -> PreparedPage:
    return prepare_page(_read(page), page.dpi)


def _read(page: Page) -> np.ndarray:
    image = cv2.imread(page.image_path, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise OcrError(f"page {page.number}: the page image could not be read back", code="page_image_unreadable")
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _as_is(page: Page) -> PreparedPage:
    image = _read(page)
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return PreparedPage(
        upright=image,
        ocr_image=gray,
        rotation=0,
        skew_deg=0.0,
        orientation_confidence=0.0,
        binarization="none",
        tesseract_thresholding=None,
    )


def _encode_upright(image: np.ndarray) -> bytes:
    """JPEG for photographic scans, PNG for bilevel ones (JPEG would smear their edges and grow them)."""
    is_bilevel = image.ndim == 2 and np.count_nonzero((image > 0) & (image < 255)) == 0
    if is_bilevel:
        ok, buf = cv2.imencode(".png", image)
    else:
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise OcrError("the upright page image could not be encoded", code="page_encode_failed")
    return buf.tobytes()


def _assemble(images: list[bytes], dpis: list[tuple[float, float]], output: Path) -> None:
    # img2pdf embeds JPEG/PNG data as it is; one layout per page because DPI can differ between pages.
    import pikepdf

    parts = []
    for data, dpi in zip(images, dpis, strict=True):
        layout = img2pdf.get_fixed_dpi_layout_fun(dpi)
        parts.append(img2pdf.convert(data, layout_fun=layout))
    if len(parts) == 1:
        output.write_bytes(parts[0])
        return
    import io

    with pikepdf.new() as merged:
        for part in parts:
            with pikepdf.open(io.BytesIO(part)) as src:
                merged.pages.extend(src.pages)
        merged.save(output)


def _collect(page: Page, geometry: tuple, hocr_dir: Path, images: Path) -> OcrPage:
    width, height, rotation, skew, binarization = geometry
    hocr_path = page_file(hocr_dir, page.number, "hocr")
    if hocr_path.exists():
        parsed = parse_hocr(hocr_path.read_text(encoding="utf-8"))
        text, conf, words, kept = parsed.text, parsed.mean_confidence, len(parsed.words), str(hocr_path)
    elif page.text_layer:
        text, conf, words, kept = page.text or "", None, len((page.text or "").split()), None
    else:
        # Tesseract timed out or found nothing: OCRmyPDF leaves the page without text rather than failing.
        text, conf, words, kept = "", None, 0, None
    return OcrPage(
        number=page.number,
        width=width,
        height=height,
        dpi=page.dpi,
        dpi_source=page.dpi_source,
        rotation=rotation,
        skew_deg=skew,
        binarization=binarization,
        text_layer=page.text_layer and not kept,
        text=text,
        mean_confidence=conf,
        word_count=words,
        hocr_path=kept,
        ocr_image_path=str(image) if kept and (image := page_file(images, page.number, "png")).is_file() else None,
        unsmoothed_image_path=str(plain) if kept and (plain := page_file(images, page.number, UNSMOOTHED)).is_file()
        else None,
    )
