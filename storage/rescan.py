"""The "to rescan" list of a batch, shared by ``sohoa rescan`` and the staff page: every page with a scan
quality flag, and every file refused as bad input, each with its reasons; and its CSV for the scanner
operator (UTF-8 with a BOM so that Excel shows Vietnamese right)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import func, select

from config.quality_messages import quality_message
from ingest.errors import BadInputError
from storage.index import Index
from storage.quality_schema import PageFlagRow
from storage.schema import Document


def bad_input_codes() -> frozenset[str]:
    """Error codes that mean the file itself is unusable: scanning it again is the fix."""
    found, todo = set(), [BadInputError]
    while todo:
        cls = todo.pop()
        found.add(cls.code)
        todo.extend(cls.__subclasses__())
    return frozenset(found)


@dataclass(frozen=True)
class RescanItem:
    doc_id: str
    batch: str
    file_name: str
    page: int | None  # None: the whole file was refused
    flags: tuple[dict, ...]  # {"code", "message", "params"} as in the record's pages[].quality, or the error

    @property
    def codes(self) -> list[str]:
        return [f["code"] for f in self.flags]

    def messages(self, lang: str = "en") -> list[str]:
        return [quality_message(f["code"], f["params"], lang) if "params" in f else f["message"] for f in self.flags]

    def as_json(self, lang: str = "en") -> dict:
        return {
            "doc_id": self.doc_id,
            "batch": self.batch,
            "file": self.file_name,
            "page": self.page,
            "flags": self.codes,
            "messages": self.messages(lang),
        }


def to_rescan(index: Index, batch: str, *, codes: Iterable[str] | None = None) -> list[RescanItem]:
    """Pages of ``batch`` with quality flags (only ``codes`` if given) and files refused as bad input,
    in file name and page order."""
    wanted = set(codes) if codes else None
    flagged = (
        select(PageFlagRow.doc_id)
        .join(Document, Document.doc_id == PageFlagRow.doc_id)
        .where(Document.batch == batch)
    )
    if wanted:
        flagged = flagged.where(PageFlagRow.code.in_(wanted))
    refused = select(Document.doc_id).where(
        Document.batch == batch, Document.status == "failed", Document.error_code.in_(bad_input_codes())
    )
    with index.session() as s:
        doc_ids = set(s.scalars(flagged)) | (set(s.scalars(refused)) if wanted is None else set())
    items = []
    for record in index.records(sorted(doc_ids)):
        name = record["source"]["name"]
        if record["status"] == "failed":
            error = record["error"] or {}
            items.append(RescanItem(record["doc_id"], batch, name, None, (dict(error),)))
            continue
        for page in record.get("pages") or []:
            flags = tuple(f for f in page.get("quality") or [] if wanted is None or f["code"] in wanted)
            if flags:
                items.append(RescanItem(record["doc_id"], batch, name, page["number"], flags))
    return sorted(items, key=lambda i: (i.file_name, i.page or 0, i.doc_id))


def flag_counts(index: Index, batch: str | None = None) -> dict[str, int]:
    """Pages per flag code (a page with two flags counts under each)."""
    query = select(PageFlagRow.code, func.count()).group_by(PageFlagRow.code)
    if batch:
        query = query.join(Document, Document.doc_id == PageFlagRow.doc_id).where(Document.batch == batch)
    with index.session() as s:
        return {code: count for code, count in s.execute(query)}


def pages_with_flag(index: Index, code: str, *, batch: str | None = None) -> list[tuple[str, int]]:
    """(doc_id, page number) of every page carrying ``code``."""
    query = select(PageFlagRow.doc_id, PageFlagRow.page).where(PageFlagRow.code == code)
    if batch:
        query = query.join(Document, Document.doc_id == PageFlagRow.doc_id).where(Document.batch == batch)
    with index.session() as s:
        return sorted((doc_id, page) for doc_id, page in s.execute(query))


_HEADERS = {
    "vi": ("Tên tệp", "Trang", "Mã lỗi", "Lý do", "Mã tài liệu"),
    "en": ("File", "Page", "Flags", "Reasons", "Document ID"),
}


def write_csv(items: Iterable[RescanItem], out: TextIO, *, lang: str = "vi", delimiter: str = ",") -> int:
    """One row per page (file name, page, flag codes, reasons, doc_id); returns the number of rows.

    ``out`` should be opened with ``encoding="utf-8-sig", newline=""``: the BOM is what makes Excel read
    UTF-8. ``delimiter=";"`` suits Excel under regional settings whose list separator is a semicolon.
    """
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(_HEADERS.get(lang, _HEADERS["en"]))
    rows = 0
    for item in items:
        page = "" if item.page is None else str(item.page)
        writer.writerow([item.file_name, page, ", ".join(item.codes), "; ".join(item.messages(lang)), item.doc_id])
        rows += 1
    return rows
