"""Scan quality flags in the index: one row per flag per page, derived from the record's ``pages[].quality``
(so they are rebuilt with the rest of a document's rows), findable by code and by batch."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema import Base


class PageFlagRow(Base):
    __tablename__ = "page_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), index=True)
    page: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40), index=True)
    message: Mapped[str] = mapped_column(Text)


def flag_rows(record: dict) -> list[PageFlagRow]:
    """The rows of one document record's page flags (none for a record without pages)."""
    return [
        PageFlagRow(doc_id=record["doc_id"], page=page["number"], code=flag["code"], message=flag.get("message", ""))
        for page in record.get("pages") or []
        for flag in page.get("quality") or []
    ]
