"""Tables of the staff page: login sessions, and the ledger of files uploaded through the page until the
pipeline has recorded them (so a batch's page counts what is still on its way)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema import Base


class WebSessionRow(Base):
    """A logged-in browser. Only a SHA-256 of the cookie's token is kept: a copy of the database opens no
    session. The CSRF token is per session (synchronizer token) and travels in forms and a header."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class UploadRow(Base):
    """A file received through the page (or a failed document sent to be tried again): ``waiting`` for the
    processor, ``processing``, then ``recorded`` once the pipeline wrote its record."""

    __tablename__ = "web_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(40), index=True)
    batch: Mapped[str] = mapped_column(String(200), index=True)
    source_name: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)  # counted on arrival; None: unknown
    spool_path: Mapped[str] = mapped_column(Text)  # the received file, on the server that received it
    state: Mapped[str] = mapped_column(String(20), index=True)  # waiting | processing | recorded
    user_name: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
