"""Re-running documents from a stage: ``ocr`` starts again from the stored original; ``extract`` and
``match`` reuse the stored OCR (hOCR objects), so no page is OCR'd again."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from extract.stage import extract_document
from ingest.source import describe
from ocr.pdfmeta import stamp
from ocr.result import OcrPage, OcrResult
from storage.index import page_values
from storage.keys import original_key
from storage.objects import ObjectStore
from workers import corrections
from workers import record as records
from workers.batch import Reporter, Summary, run_tasks, settle
from workers.context import Context
from workers.pipeline import Options, Task, match_step, write_record
from workers.reapply import Settlement, corrections_in_force, decisions_in_force

log = logging.getLogger(__name__)

STAGES = ("ocr", "extract", "match")


def reprocess(
    doc_ids: list[str],
    stage: str,
    ctx: Context,
    *,
    base_options: Options,
    jobs: int = 1,
    reporter: Reporter | None = None,
) -> Summary:
    store, index, work_root = ctx.store, ctx.index, ctx.settings.work_dir
    reporter = reporter or Reporter()
    summary = Summary()
    targets = [r for r in index.records(doc_ids) if r["status"] != "duplicate"]
    reporter.start(len(targets))
    if stage == "ocr":
        tasks = [_ocr_task(store, record, base_options, work_root) for record in targets]
        for processed in run_tasks(tasks, jobs):
            settle(ctx, processed, summary, reporter)
    else:
        for record in targets:
            if record["status"] == "failed" or not record.get("pages"):
                summary.count(record)  # nothing stored to re-extract from: needs --from ocr
                reporter.advance(record, 0)
                continue
            updated = _re_extract(ctx, record, work_root / record["doc_id"], stage)
            summary.count(updated)
            reporter.advance(updated, 0)
    return summary.close(reporter)


def _ocr_task(store: ObjectStore, record: dict, base: Options, work_root: Path) -> Task:
    work = work_root / record["doc_id"]
    original = work / "original" / record["source"]["name"]
    original.parent.mkdir(parents=True, exist_ok=True)
    store.download(original_key(record["source"]["sha256"]), original)
    options = Options(**{**base.__dict__, "batch": record["batch"]})
    return Task(record["doc_id"], describe(original), options, str(work))


def stored_ocr(store: ObjectStore, record: dict, work: Path) -> OcrResult:
    """The OCR result of a processed document, rebuilt from its record and hOCR objects."""
    work.mkdir(parents=True, exist_ok=True)
    pages = []
    for page in record["pages"]:
        local = None
        if page.get("hocr"):
            local = work / f"page-{page['number']:04d}.hocr"
            store.download(page["hocr"], local)
        pages.append(OcrPage(**page_values(page), text=page.get("text") or "", hocr_path=str(local) if local else None))
    ocr = record.get("ocr") or {}
    return OcrResult(pdf_path="", pages=pages, engine=ocr.get("engine", ""), language=ocr.get("language", ""))


def _re_extract(ctx: Context, record: dict, work: Path, stage: str) -> dict:
    """``extract``: document type, fields and persons again from the stored hOCR; ``match``: links only."""
    store, index = ctx.store, ctx.index
    record = index.get_record(record["doc_id"]) or record  # as it is now: staff may have decided since the run began
    settlement = Settlement(record["doc_id"])
    try:
        if stage == "extract":
            extraction = extract_document(stored_ocr(store, record, work))
        else:
            extraction = records.extraction_from_record(corrections.ocr_view(record))
        applied = corrections_in_force(index, record["doc_id"], extraction, record, settlement=settlement)
        extraction = match_step(applied.extraction, ctx.registry, corrected=applied.marks.keys())
        updated = corrections.mark(records.with_extraction(record, extraction), applied)
        updated = decisions_in_force(index, updated, record, ctx.registry, settlement=settlement)
        if updated["doc_type"] != record["doc_type"] and record["objects"].get("pdf"):
            pdf = work / "document.pdf"
            store.download(record["objects"]["pdf"], pdf)
            stamp(pdf, doc_id=record["doc_id"], doc_type=updated["doc_type"], source_sha256=record["source"]["sha256"])
            store.put_file(record["objects"]["pdf"], pdf, content_type="application/pdf")
        write_record(store, index, updated, settlement)
        return updated
    finally:
        shutil.rmtree(work, ignore_errors=True)
