"""Document type, document fields and persons from a document's OCR words, driven by ``config/templates``.

    extract_fields(pages)           pages of hOCR words → Extraction(doc_type, fields, persons)
    extraction_from_ocr(ocr)        the same from the OCR stage's result (reads each page's hOCR file)

Every value is in the contract's form with a confidence (the OCR confidence of its words, lowered by what
validation found), the 1-based page and the union of its words' boxes in the hOCR (page image) frame.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from config.templates import Template, load_templates
from extract import sources
from extract.card_birth import birth_in_id_year
from extract.card_look import card_from_blocks, front_values
from extract.doctype import UNKNOWN, classify_detail
from extract.family_names import share_family_names
from extract.layout import PageText, PageWords, page_from_text, page_text
from extract.lifespan import check_lifespans
from extract.model import Extraction, FieldValue, Person
from extract.mrz import Mrz, find_mrz, repaired_by_ids
from extract.persons import PersonBuilder
from extract.reader import walk
from extract.second_look import SecondLook
from extract.settle import settle_date
from extract.values import Candidate
from ocr.hocr import parse_hocr
from ocr.result import OcrResult

log = logging.getLogger(__name__)

__all__ = ["PageWords", "extract_fields", "extraction_from_ocr"]


def extract_fields(pages: list[PageWords], templates: Sequence[Template] | None = None, *,
                   today: date | None = None, look: SecondLook | None = None) -> Extraction:
    """``look`` reads the lines the page reading lost and re-reads weak person values from the OCR images (see
    extract.second_look)."""
    templates = list(templates) if templates is not None else load_templates()
    if look is not None:
        pages = look.unread(look.numbers(pages))
    texts = [page_text(p) for p in sorted(pages, key=lambda p: p.number)]
    found = classify_detail(texts, templates)
    if found.doc_type == UNKNOWN and look is not None:
        found = card_from_blocks(look, texts, templates) or found
    log.debug("doc type %s (%.2f)", found.doc_type, found.confidence)
    if found.doc_type == UNKNOWN:
        return Extraction(doc_type_confidence=found.confidence)
    template = next(t for t in templates if t.doc_type == found.doc_type)
    extraction = read_document(texts, template, title=found.title, today=today or date.today(), look=look)
    return replace(extraction, doc_type_confidence=found.confidence)


def read_document(texts: list[PageText], template: Template, *, title: Sequence = (),
                  today: date, look: SecondLook | None = None) -> Extraction:
    builder = PersonBuilder(template)
    for item in walk(texts, template, title):
        builder.feed(item)
    mrz = find_mrz(texts) if template.mrz else None
    if template.mrz and look is not None:
        mrz = look.mrz(texts, mrz)
    if mrz is not None and mrz.names and template.mrz:
        builder.printed_name(template.mrz, texts, mrz.names)
    if template.mrz and look is not None:
        front = front_values(look, texts, template, title, builder.values_of(template.mrz), mrz, today)
        builder.add_read(template.mrz, front.values, front.spots)
    if template.mrz and mrz is not None:
        mrz = repaired_by_ids(mrz, [c.value for c in builder.values_of(template.mrz).get("citizen_id", [])])
    if template.mrz:
        _birth_by_id_year(builder, template.mrz, texts, mrz)
    persons = builder.persons(mrz, today, look)
    fields = _document_fields(builder.doc, template, texts, title, persons, today)
    persons = share_family_names(check_lifespans(persons, template, fields), template)
    return Extraction(template.doc_type, fields, persons)


def _birth_by_id_year(builder: PersonBuilder, role: str, texts: list[PageText], mrz: Mrz | None) -> None:
    """A card holder with no birth date read under its label nor in the zone gets the date the card prints in the
    ID's birth year (``extract.card_birth``)."""
    held = builder.values_of(role)
    # A zone's date read back is no proof: the card's printed date is a reading of its own (extract.settle).
    if held.get("date_of_birth") or (mrz is not None and mrz.birth and not mrz.birth_reasons):
        return
    ids = [c.value for c in held.get("citizen_id", [])] + ([mrz.citizen_id] if mrz and mrz.citizen_id else [])
    found = birth_in_id_year(texts, ids)
    if found is not None:
        builder.add_read(role, [found])


def _document_fields(labelled: dict[str, list[Candidate]], template: Template, texts: list[PageText],
                     title: Sequence, persons: list[Person], today: date) -> dict[str, FieldValue]:
    readings: dict[str, list[Candidate]] = {k: list(v) for k, v in labelled.items()}
    for spec in template.sources:
        if spec.source == "place_date":
            cand = sources.place_date(spec, texts)
        elif spec.source == "header_organ":
            cand = sources.header_organ(spec, texts, title)
        elif spec.source == "signature_organ":
            cand = sources.signature_organ(spec, texts)
        elif spec.source == "phrase":
            cand = sources.phrase(spec, texts)
        else:
            cand = sources.copied(spec, persons)
        if cand is not None:
            readings.setdefault(spec.field, []).append(cand)
    out: dict[str, FieldValue] = {}
    for name, cands in readings.items():
        if name.endswith("_date"):
            value = settle_date(cands, today)
        else:
            first = cands[0]
            value = FieldValue(first.value, round(first.confidence, 4), first.page, first.bbox)
        if value is not None:
            out[name] = value
    return out


def extraction_from_ocr(ocr: OcrResult, templates: Sequence[Template] | None = None, *,
                        second_look: bool = True) -> Extraction:
    """Reads each page's hOCR; a page of a PDF's own text layer (no hOCR) gives words without boxes.

    Where the OCR images are still there (inside the pipeline's process step), weak person values get a
    second look from them unless ``second_look`` is False.
    """
    pages: list[PageWords] = []
    for p in ocr.pages:
        if p.hocr_path and Path(p.hocr_path).is_file():
            hocr = parse_hocr(Path(p.hocr_path).read_text(encoding="utf-8"))
            pages.append(PageWords(p.number, hocr.width or p.width, hocr.height or p.height, hocr.words))
        elif p.text:
            pages.append(page_from_text(p.number, p.text))
    images = {p.number: (p.ocr_image_path, p.dpi) for p in ocr.pages if p.ocr_image_path}
    unsmoothed = {p.number: p.unsmoothed_image_path for p in ocr.pages}
    look = None
    if second_look and images:
        look = SecondLook(images, ocr.language, ocr.tessdata, ocr.best_tessdata, unsmoothed)
    return extract_fields(pages, templates, look=look)
