"""Stamping the searchable PDF's XMP with sohoa's identifiers, keeping it PDF/A.

Only standard properties (Dublin Core, xmpMM): a custom namespace breaks PDF/A validation even with an
extension schema (../shared/ocrmypdf-notes.md).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pikepdf

_NAMESPACE = uuid.UUID("5d1c0b0e-35f3-4f51-8a4b-0b6f3f1e5a11")


def stamp(pdf_path: str | Path, *, doc_id: str, doc_type: str, source_sha256: str, title: str | None = None) -> None:
    """Write doc_id, doc_type and the source SHA-256 into the XMP packet, in place."""
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:identifier"] = doc_id
            meta["dc:type"] = [doc_type]
            meta["dc:source"] = f"sha256:{source_sha256}"
            meta["dc:format"] = "application/pdf"
            meta["xmpMM:DocumentID"] = f"uuid:{uuid.uuid5(_NAMESPACE, doc_id)}"
            if title:
                meta["dc:title"] = title
        pdf.save(pdf_path)


def read_stamp(pdf_path: str | Path) -> dict[str, str]:
    with pikepdf.open(pdf_path) as pdf:
        meta = pdf.open_metadata()
        types = meta.get("dc:type") or []
        return {
            "doc_id": str(meta.get("dc:identifier", "")),
            "doc_type": next(iter(types), "") if not isinstance(types, str) else types,
            "source": str(meta.get("dc:source", "")),
            "document_id": str(meta.get("xmpMM:DocumentID", "")),
        }
