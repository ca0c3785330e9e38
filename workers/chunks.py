"""A long PDF/TIFF as page-range jobs, joined again into one document, one PDF, one record.

What a page-range job hands to the join, in the object store under ``scratch/<job key>/<first>-<last>/``:
``document.pdf`` (the range's searchable PDF/A pages), each page's files (the page as scanned, its hOCR, OCR image
and, for a smoothed page, its unsmoothed image, numbered as in the whole file) and, written last as the commit
marker, ``chunk.json`` (each page's facts, the loader's notes, or the range's bad-input error). A range whose
``chunk.json`` exists is not done again; the join deletes the whole prefix once the record is written.

The join rebuilds exactly what ``ocr_document`` returns for the whole file (pages in order, notes in the
loader's order), then runs the same document-wide steps as ``pipeline.process`` (extract, scan quality with
the document's type) and ``commit``, so the record is the same.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path

import pikepdf

from extract.stage import extract_document
from ingest.errors import BadInputError, SohoaError
from ingest.pages import LoadedDocument, Page
from ingest.source import Source
from ocr.quality import assess_document
from ocr.result import OcrPage, OcrResult
from ocr.stage import ocr_document
from ocr.tessdata import page_models
from storage.objects import ObjectNotFound, ObjectStore
from workers.pipeline import Processed, Task, load_task_pages

log = logging.getLogger(__name__)


class ChunkError(SohoaError):
    code = "chunk_failed"


def scratch_prefix(key: str) -> str:
    return f"scratch/{key}/"


def chunk_prefix(key: str, first: int, last: int) -> str:
    return f"{scratch_prefix(key)}{first:04d}-{last:04d}/"


def manifest_key(key: str, first: int, last: int) -> str:
    return chunk_prefix(key, first, last) + "chunk.json"


# -- a page-range job ----------------------------------------------------------------------------------------


def process_pages(task: Task, first: int, last: int) -> tuple[LoadedDocument | None, OcrResult | None, dict | None]:
    """load (only these pages) → prepare/recognize; returns the pages and their OCR, or a bad-input error.

    Pages are renumbered 1..k for the OCR run (OCRmyPDF numbers the pages of the PDF it is given) and
    given their own numbers back afterwards. System errors propagate: the job is retried.
    """
    work = Path(task.workdir)
    opts = task.options
    try:
        loaded = load_task_pages(task, (first, last))
        local = LoadedDocument(
            source=_range_source(task.source, first, last, work, loaded),
            pages=[replace(p, number=i) for i, p in enumerate(loaded.pages, 1)],
            warnings=loaded.warnings,
        )
        ocr = ocr_document(local, work / "ocr", language=opts.language, redo_ocr=opts.redo_ocr, timeout=opts.timeout,
                           tessdata=opts.tessdata, page_models=opts.page_models)
    except BadInputError as exc:
        return None, None, {**exc.as_record(), "bad_input": True}
    numbers = {i: p.number for i, p in enumerate(loaded.pages, 1)}
    return loaded, replace(ocr, pages=[replace(p, number=numbers[p.number]) for p in ocr.pages]), None


def _range_source(source: Source, first: int, last: int, work: Path, loaded: LoadedDocument) -> Source:
    """For a PDF whose own text is kept, OCRmyPDF reads the PDF itself: give it only this range's pages."""
    if not any(p.text_layer for p in loaded.pages) or source.media_type != "application/pdf":
        return source
    subset = work / "range.pdf"
    with pikepdf.open(source.path) as pdf, pikepdf.new() as out:
        out.pages.extend(pdf.pages[first - 1 : last])
        out.save(subset)
    return replace(source, path=str(subset))


def store_chunk(
    store: ObjectStore,
    key: str,
    first: int,
    last: int,
    loaded: LoadedDocument | None,
    ocr: OcrResult | None,
    error: dict | None,
) -> None:
    """Upload a range's results; ``chunk.json`` last, so its presence means the rest is there.

    Every file a page points to (its ``*_path`` fields: the page as scanned, the hOCR, the image Tesseract
    read) goes up beside it, so the join hands the document-wide steps (extraction, scan quality) the same
    files a local run has.
    """
    prefix = chunk_prefix(key, first, last)
    manifest: dict = {"first": first, "last": last, "error": error}
    if loaded is not None and ocr is not None:
        manifest.update(
            pages=[_put_files(store, f"{prefix}ocr-{p.number:04d}", p) for p in ocr.pages],
            loaded=[_put_files(store, f"{prefix}scan-{p.number:04d}", p) for p in loaded.pages],
            warnings=ocr.warnings,
            engine=ocr.engine,
            language=ocr.language,
        )
        store.put_file(prefix + "document.pdf", ocr.pdf_path, content_type="application/pdf")
    data = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    store.put_bytes(manifest_key(key, first, last), data, content_type="application/json")


def _put_files(store: ObjectStore, stem: str, page) -> dict:
    data, files = asdict(page), {}
    for name, path in list(data.items()):
        if name.endswith("_path") and path:
            files[name] = f"{stem}.{name}{Path(path).suffix}"
            store.put_file(files[name], path)
            data[name] = None
    return {"page": data, "files": files}


def _get_files(store: ObjectStore, entry: dict, work: Path) -> dict:
    data = dict(entry["page"])
    for name, object_key in entry["files"].items():
        local = work / "pages" / Path(object_key).name
        local.parent.mkdir(parents=True, exist_ok=True)
        store.download(object_key, local)
        data[name] = str(local)
    return data


# -- the join ------------------------------------------------------------------------------------------------


def join_chunks(
    store: ObjectStore, task: Task, key: str, ranges: list[tuple[int, int]], lost: dict[tuple[int, int], dict]
) -> Processed:
    """The whole document's OCR rebuilt from its ranges, then extracted, as ``process`` would return it.

    ``lost`` maps ranges whose job failed for good to their error: the document fails with the first one.
    """
    started = time.perf_counter()
    result = Processed(task)
    work = Path(task.workdir)
    work.mkdir(parents=True, exist_ok=True)
    manifests = []
    for first, last in ranges:
        try:
            manifests.append(json.loads(store.get_bytes(manifest_key(key, first, last))))
        except ObjectNotFound:
            error = lost.get((first, last)) or {"code": "chunk_lost", "message": f"pages {first}-{last} were lost"}
            manifests.append({"first": first, "last": last, "error": error})
    failed = next((m for m in manifests if m["error"]), None)
    if failed is not None:
        error = failed["error"]
        result.error = {"code": error["code"], "message": error["message"]}
        result.bad_input = bool(error.get("bad_input"))
        return result
    t = time.perf_counter()
    # The second look reads the ranges' OCR images with this machine's models.
    page, best = page_models(task.options.tessdata, manifests[0]["language"], task.options.page_models)
    result.ocr = replace(_merged_ocr(store, key, manifests, work), tessdata=page, best_tessdata=best)
    scans = [Page(**_get_files(store, entry, work)) for m in manifests for entry in m["loaded"]]
    result.steps["join"] = time.perf_counter() - t
    t = time.perf_counter()
    result.extraction = extract_document(result.ocr)
    result.steps["extract"] = time.perf_counter() - t
    t = time.perf_counter()
    result.quality = assess_document(scans, result.ocr.pages, result.extraction.doc_type, task.options.quality)
    result.steps["quality"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - started
    return result


def _merged_ocr(store: ObjectStore, key: str, manifests: list[dict], work: Path) -> OcrResult:
    pages: list[OcrPage] = []
    parts: list[Path] = []
    for m in manifests:
        part = work / f"part-{m['first']:04d}.pdf"
        store.download(chunk_prefix(key, m["first"], m["last"]) + "document.pdf", part)
        parts.append(part)
        pages.extend(OcrPage(**_get_files(store, entry, work)) for entry in m["pages"])
    pdf_path = work / "document.pdf"
    merge_pdfs(parts, pdf_path)
    first = manifests[0]
    return OcrResult(
        pdf_path=str(pdf_path),
        pages=pages,
        engine=first["engine"],
        language=first["language"],
        warnings=merge_notes([m["warnings"] for m in manifests]),
    )


def merge_pdfs(parts: list[Path], output: Path) -> None:
    """The ranges' PDF/A pages in order, in the first part's document (its PDF/A metadata and output intent)."""
    with pikepdf.open(parts[0]) as merged:
        for part in parts[1:]:
            with pikepdf.open(part) as src:
                merged.pages.extend(src.pages)
        merged.save(output)


def merge_notes(chunks: list[list[str]]) -> list[str]:
    """The loader's notes as one load of the whole file gives them.

    Every range repeats the file-wide notes (an owner password, the PDF's render plans, TIFF previews) and
    adds its own pages' notes, in page order: keeping the first of each equal note restores the whole
    file's order. The image decoder's warnings come last in a whole load.
    """
    notes = list(dict.fromkeys(n for chunk in chunks for n in chunk))
    decoder = [n for n in notes if n.startswith("image decoder:")]
    return [n for n in notes if not n.startswith("image decoder:")] + decoder


def clean_scratch(store: ObjectStore, key: str) -> None:
    for object_key in list(store.list(scratch_prefix(key))):
        store.delete(object_key)


def remove_workdir(task: Task) -> None:
    shutil.rmtree(task.workdir, ignore_errors=True)
