"""Tables of who may read, who read, and what was reused: API keys, the audit log, dossiers and their reuses.

On the shared declarative ``Base``; migration 0003 creates them. The audit log is append-only, enforced by the
database itself (triggers in that migration), not only by the code that writes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema import Base


class ApiKeyRow(Base):
    """An API key: its public id (the lookup key), a SHA-256 of the secret, never the secret itself."""

    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated
    secret_sha256: Mapped[str] = mapped_column(String(64))
    rate_limit: Mapped[float | None] = mapped_column(Float, nullable=True)  # requests/s; NULL = the setting
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditRow(Base):
    """One read (or reuse) of a citizen's data: who, for whom at the desk, what, about whom, why, outcome."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # api | cli | web
    actor: Mapped[str] = mapped_column(String(120))  # API key name, or OS/staff user name
    user_id: Mapped[str | None] = mapped_column(String(100), nullable=True)  # X-User-Id: the official at the desk
    action: Mapped[str] = mapped_column(String(40))
    doc_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    citizen_id: Mapped[str | None] = mapped_column(String(12), nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(200), nullable=True)
    outcome: Mapped[str] = mapped_column(String(40))


class DossierRow(Base):
    """A dossier an intake system received (Circular 01/2018 code ``AGENCY-YYMMDD-NNNN``)."""

    __tablename__ = "dossiers"

    dossier_code: Mapped[str] = mapped_column(String(60), primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(60), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The day in Vietnam (UTC+7) it was received, whatever offset intake sent: reports count by it.
    received_on: Mapped[str] = mapped_column(String(10), index=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str] = mapped_column(String(120))


class DossierCitizenRow(Base):
    __tablename__ = "dossier_citizens"

    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.dossier_code", ondelete="CASCADE"), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(String(12), primary_key=True)


class ReuseRow(Base):
    """A document reused in a dossier for a citizen (the Decision 766 reuse flag), recorded once."""

    __tablename__ = "dossier_reuses"
    __table_args__ = (UniqueConstraint("dossier_code", "doc_id", "citizen_id", name="uq_reuse_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.dossier_code", ondelete="CASCADE"))
    doc_id: Mapped[str] = mapped_column(String(40), index=True)
    citizen_id: Mapped[str] = mapped_column(String(12))
    doc_type: Mapped[str] = mapped_column(String(40))  # as it was when reused, for the report's top types
    reused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reused_by: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[str | None] = mapped_column(String(100), nullable=True)


Index("ix_audit_citizen_at", AuditRow.citizen_id, AuditRow.at)

# The audit log's append-only triggers (SQLite and PostgreSQL) are created by migration 0003.
