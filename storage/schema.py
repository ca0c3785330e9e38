"""The index's tables (SQLAlchemy 2.0). The object store holds the truth; these rows make it findable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Batch(Base):
    __tablename__ = "batches"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Document(Base):
    __tablename__ = "documents"

    doc_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch: Mapped[str] = mapped_column(ForeignKey("batches.name"), index=True)
    source_name: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), index=True)
    error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(40), nullable=True)
    doc_type: Mapped[str] = mapped_column(String(40), index=True, default="unknown")
    mean_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    pipeline_version: Mapped[str] = mapped_column(String(20))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # The whole contract record, so `docs show` and the API answer without touching the object store.
    record: Mapped[dict] = mapped_column(JSON)

    pages: Mapped[list[PageRow]] = relationship(cascade="all, delete-orphan", order_by="PageRow.number")
    persons: Mapped[list[PersonRow]] = relationship(cascade="all, delete-orphan", order_by="PersonRow.idx")
    fields: Mapped[list[FieldRow]] = relationship(cascade="all, delete-orphan")


class PageRow(Base):
    __tablename__ = "pages"

    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    dpi: Mapped[float] = mapped_column(Float)
    dpi_source: Mapped[str] = mapped_column(String(20))
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew_deg: Mapped[float] = mapped_column(Float, default=0.0)
    binarization: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text_layer: Mapped[bool] = mapped_column(default=False)
    mean_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    hocr_key: Mapped[str | None] = mapped_column(Text, nullable=True)


class PersonRow(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    match_status: Mapped[str] = mapped_column(String(20), default="unmatched", index=True)
    citizen_id: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)

    matches: Mapped[list[MatchRow]] = relationship(cascade="all, delete-orphan")


class MatchRow(Base):
    """A registry candidate considered for a person (the chosen one and the runners-up)."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    citizen_id: Mapped[str] = mapped_column(String(12), index=True)
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)


class FieldRow(Base):
    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), index=True)
    person_idx: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ReviewDecisionRow(Base):
    """The latest decision per (document, person); every decision is also kept in ``review_log``."""

    __tablename__ = "review_decisions"

    doc_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(10))  # accept | reject
    citizen_id: Mapped[str | None] = mapped_column(String(12), nullable=True)
    user: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reading: Mapped[str | None] = mapped_column(String(16), nullable=True)  # the persons it was decided on


class ReviewLogRow(Base):
    __tablename__ = "review_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(40), index=True)
    person_idx: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    citizen_id: Mapped[str | None] = mapped_column(String(12), nullable=True)
    user: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_fields_name_value", FieldRow.name, FieldRow.value)
