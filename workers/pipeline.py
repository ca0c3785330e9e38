"""The pipeline as named steps over plain data: the same functions run in a local process pool or an rq job.

``process`` runs the pure stages (ingest → ocr → extract) in a scratch folder and never touches the store;
``commit`` writes the results: objects first, index rows last, so a crash never leaves a row pointing at a
missing object.
"""

from __future__ import annotations

import json
import logging
import resource
import shutil
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from config.settings import Settings
from extract.blocking import RegistryLookup
from extract.confirm import confirm_persons
from extract.matching import match_persons
from extract.model import Extraction
from extract.stage import extract_document
from ingest.errors import BadInputError, SohoaError
from ingest.pages import LoadedDocument, load_pages
from ingest.source import Source
from ocr.pdfmeta import stamp
from ocr.quality import QualityFlag, QualityThresholds, assess_document
from ocr.result import OcrResult
from ocr.stage import ocr_document
from storage.index import Index
from storage.keys import hocr_key, metadata_key, pdf_key
from storage.objects import ObjectStore
from workers import corrections
from workers import record as records
from workers.reapply import Settlement, corrections_in_force, decisions_in_force, told_set_aside

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    batch: str
    language: str = "vie"
    tessdata: str | None = None  # SOHOA_TESSDATA_DIR (see ocr.tessdata)
    page_models: str = "fast"  # SOHOA_PAGE_MODELS
    dpi: float | None = None
    redo_ocr: bool = False
    repair_pdf: bool = False
    timeout: float = 180.0
    max_pixels: int = 200_000_000
    max_pages: int = 2000
    quality: QualityThresholds = field(default_factory=QualityThresholds)

    @classmethod
    def from_settings(cls, settings: Settings, batch: str = "", **overrides: object) -> Options:
        """The options a command runs with: the settings' limits, then what its flags say."""
        values: dict = {
            "batch": batch,
            "language": settings.ocr_lang,
            "tessdata": str(settings.tessdata_dir) if settings.tessdata_dir else None,
            "page_models": settings.page_models,
            "timeout": settings.tesseract_timeout,
            "max_pixels": settings.max_page_pixels,
            "max_pages": settings.max_pages,
            "quality": QualityThresholds.from_settings(settings),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass(frozen=True)
class Task:
    doc_id: str
    source: Source
    options: Options
    workdir: str


@dataclass
class Processed:
    task: Task
    ocr: OcrResult | None = None
    extraction: Extraction | None = None
    quality: dict[int, list[QualityFlag]] = field(default_factory=dict)  # scan quality flags per page number
    error: dict | None = None
    bad_input: bool = False
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0  # of the process that ran it, so a batch can report its largest worker

    @property
    def pages(self) -> int:
        return len(self.ocr.pages) if self.ocr else 0


def load_task_pages(task: Task, page_range: tuple[int, int] | None = None) -> LoadedDocument:
    """The task's pages (all, or ``page_range``) in its work folder, loaded with its options."""
    opts = task.options
    return load_pages(
        task.source,
        Path(task.workdir) / "pages",
        dpi=opts.dpi,
        redo_ocr=opts.redo_ocr,
        repair_pdf=opts.repair_pdf,
        max_pixels=opts.max_pixels,
        max_pages=opts.max_pages,
        page_range=page_range,
    )


def process(task: Task) -> Processed:
    """load → prepare/recognize → extract, timing each step; errors become data, never escape."""
    started = time.perf_counter()
    result = Processed(task)
    work = Path(task.workdir)
    opts = task.options
    try:
        t = time.perf_counter()
        loaded = load_task_pages(task)
        result.steps["load"] = time.perf_counter() - t
        t = time.perf_counter()
        result.ocr = ocr_document(
            loaded, work / "ocr", language=opts.language, redo_ocr=opts.redo_ocr, timeout=opts.timeout,
            tessdata=opts.tessdata, page_models=opts.page_models,
        )
        result.steps["ocr"] = time.perf_counter() - t
        t = time.perf_counter()
        result.extraction = extract_document(result.ocr)
        result.steps["extract"] = time.perf_counter() - t
        t = time.perf_counter()
        result.quality = assess_document(loaded.pages, result.ocr.pages, result.extraction.doc_type, opts.quality)
        result.steps["quality"] = time.perf_counter() - t
    except SohoaError as exc:
        result.error, result.bad_input = exc.as_record(), isinstance(exc, BadInputError)
        log.info("document %s failed: %s", task.doc_id, exc.code)
    except Exception as exc:  # a bug or an environment fault: record it, keep the batch going
        log.exception("document %s: unexpected error", task.doc_id)
        result.error = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
    result.seconds = time.perf_counter() - started
    result.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    return result


def match_step(
    extraction: Extraction,
    lookup: RegistryLookup | None,
    *,
    confirm: bool = True,
    corrected: Collection[tuple[int | None, str]] = (),
) -> Extraction:
    """Link every person to the registry (runs where the registry is: the parent process, or the rq job), then
    replace the values a confident link proves misread (``extract.confirm``), except those staff ``corrected``
    ((person index, field) pairs); ``confirm=False`` measures what OCR read alone."""
    if lookup is None or not extraction.persons:
        return extraction
    persons = match_persons(extraction.persons, lookup)
    if confirm:
        persons = confirm_persons(persons, lookup, corrected)
    return replace(extraction, persons=persons)


def commit(store: ObjectStore, index: Index, processed: Processed, lookup: RegistryLookup | None = None) -> dict:
    """Match, then objects (hOCR, PDF, metadata.json) first and index rows last; returns the record.

    Field corrections and review decisions already made for this document are applied again: a re-run never
    undoes what a person decided.
    """
    task = processed.task
    previous = index.get_record(task.doc_id)  # what staff work was last applied to (workers.reapply)
    settlement = Settlement(task.doc_id)
    if processed.error is not None or processed.ocr is None or processed.extraction is None:
        error = processed.error or {"code": "internal_error", "message": "no result"}
        record = records.failed_record(task.doc_id, task.options.batch, task.source, error)
        # Staff work set aside stays told; what is in force waits for the next reading.
        told = told_set_aside(previous)
        if told:
            record["warnings"] = told
    else:
        # Staff corrections first: a corrected name, birth date or ID is what matching must see.
        applied = corrections_in_force(index, task.doc_id, processed.extraction, previous, settlement=settlement)
        extraction = match_step(applied.extraction, lookup, corrected=applied.marks.keys())
        record = records.done_record(task.doc_id, task.options.batch, task.source, processed.ocr, extraction)
        record = records.with_quality(record, processed.quality)
        record = corrections.mark(record, applied)
        record = decisions_in_force(index, record, previous, lookup, settlement=settlement)
        stamp(processed.ocr.pdf_path, doc_id=task.doc_id, doc_type=record["doc_type"], source_sha256=task.source.sha256)
        for page in processed.ocr.pages:
            if page.hocr_path:
                store.put_file(hocr_key(task.doc_id, page.number), page.hocr_path, content_type="text/html")
        store.put_file(pdf_key(task.doc_id), processed.ocr.pdf_path, content_type="application/pdf")
    write_record(store, index, record, settlement)
    shutil.rmtree(task.workdir, ignore_errors=True)
    return record


def write_record(store: ObjectStore, index: Index, record: dict, settlement: Settlement | None = None) -> None:
    """The record in the object store, then in the index, with where its staff work now stands (``settlement``)
    in the same transaction."""
    data = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    store.put_bytes(metadata_key(record["doc_id"]), data, content_type="application/json")
    index.save_record(record, settlement.apply if settlement is not None else None)
