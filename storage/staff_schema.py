"""Tables of what records staff do and who they are: field corrections (kept apart from the pipeline's
results, with an append-only log) and staff accounts with their login throttle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema import Base

DOCUMENT_LEVEL = -1  # person_idx of a correction to a document field (a primary key column cannot be NULL)


class FieldCorrectionRow(Base):
    """The value a person set for one field (the latest one); every correction is also in the log."""

    __tablename__ = "field_corrections"

    doc_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_idx: Mapped[int] = mapped_column(Integer, primary_key=True)  # DOCUMENT_LEVEL for document fields
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(100))
    corrected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reading: Mapped[str | None] = mapped_column(String(16), nullable=True)  # the persons it was made on


class FieldCorrectionLogRow(Base):
    """Append-only: who changed which field from what to what, and when. Never updated or deleted."""

    __tablename__ = "field_correction_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(40), index=True)
    person_idx: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)  # what the record showed before
    new_value: Mapped[str] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(100), index=True)
    corrected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class StaffUserRow(Base):
    __tablename__ = "staff_users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))  # staff | admin
    password_hash: Mapped[str] = mapped_column(Text)  # Argon2id, PHC string
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginThrottleRow(Base):
    """Failed logins per name, for known and unknown names alike (so a lockout reveals nothing)."""

    __tablename__ = "login_throttle"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
