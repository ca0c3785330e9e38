"""Request bodies and the documented shapes of answers (the OpenAPI schema clients and Schemathesis read).

Handlers build answers as plain dicts (no second validation pass on the hot path); these models say what
they contain, and the Schemathesis test holds the two together.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from storage.dossiers import DOSSIER_CODE_PATTERN

CITIZEN_ID = r"^[0-9]{12}$"
DOC_ID = r"^[a-z0-9]{1,40}$"
PROCEDURE_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$"
DocType = Literal[
    "birth_certificate",
    "marriage_certificate",
    "death_certificate",
    "household_registration",
    "land_use_certificate",
    "id_card",
    "decision",
    "unknown",
]
Role = Literal["subject", "father", "mother", "wife", "husband", "deceased", "head", "member", "holder", "land_user"]
Status = Literal["done", "review", "failed", "duplicate"]


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Problem(Open):
    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[dict] | None = None


class Links(BaseModel):
    self: str
    pdf: str


class DocumentItem(Open):
    """A trimmed document record; ``fields=`` adds record parts."""

    doc_id: str
    doc_type: str
    status: str
    key_fields: dict[str, str]
    issuing_authority: str | None
    date: str | None
    pages: int
    links: Links


class CitizenDocumentItem(DocumentItem):
    role: str | None
    roles: list[str]
    link: Literal["confirmed", "review_candidate"]
    reuse_count: int


class CitizenDocuments(BaseModel):
    citizen_id: str
    documents: list[CitizenDocumentItem]


class Match(Open):
    status: str
    citizen_id: str | None = None
    score: float | None = None


class Person(Open):
    role: str
    fields: dict[str, dict]
    match: Match


class DocumentRecord(Open):
    """The contract's document record (schema ``sohoa.document/1``)."""

    schema_: str = Field(alias="schema")
    doc_id: str
    batch: str
    source: dict
    status: str
    error: dict | None
    doc_type: str
    fields: dict[str, dict]
    persons: list[Person]
    text: str
    ocr: dict | None
    objects: dict
    pipeline_version: str
    processed_at: str


class SearchItem(DocumentItem):
    snippet: str
    score: float


class SearchResults(BaseModel):
    results: list[SearchItem]
    next_cursor: str | None


def _rfc3339(value: object) -> object:
    # The schema promises a date-time string; pydantic alone would also take a number or a bare date.
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}.*", value):
        raise ValueError("must be a date and time, e.g. 2026-11-25T09:30:00+07:00")
    return value


class DossierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossier_code: str = Field(max_length=60, pattern=DOSSIER_CODE_PATTERN, examples=["000.00.15.H29-261125-0001"])
    procedure_code: str = Field(pattern=PROCEDURE_CODE, examples=["1.001193"])
    received_at: Annotated[datetime, BeforeValidator(_rfc3339)] = Field(
        description="When intake received the dossier (years 2000-2099); without an offset: Vietnam time",
        json_schema_extra={"pattern": "^20[0-9]{2}-"},
    )
    citizen_ids: list[Annotated[str, Field(pattern=CITIZEN_ID)]] = Field(min_length=1, max_length=50)

    @field_validator("received_at")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        if not 2000 <= value.year <= 2099:  # the dossier code's YYMMDD covers these years
            raise ValueError("received_at must be in the years 2000-2099")
        return value


class CitizenAnswer(BaseModel):
    citizen_id: str
    documents: list[CitizenDocumentItem]


class DossierOut(BaseModel):
    dossier_code: str
    procedure_code: str
    received_at: str
    created: bool
    citizens: list[CitizenAnswer]


class ReuseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(pattern=DOC_ID)
    citizen_id: str = Field(pattern=CITIZEN_ID)


class ReuseOut(BaseModel):
    dossier_code: str
    doc_id: str
    citizen_id: str
    doc_type: str
    reused_at: str
    created: bool


class TypeCount(BaseModel):
    doc_type: str
    documents_reused: int


class ReuseGroup(BaseModel):
    key: str
    dossiers_received: int
    dossiers_reusing: int
    reuse_rate: float
    documents_reused: int


class ReuseReport(BaseModel):
    from_: date = Field(alias="from")
    to: date
    dossiers_received: int
    dossiers_reusing: int
    reuse_rate: float = Field(ge=0, le=1)
    documents_reused: int
    top_document_types: list[TypeCount]
    group_by: Literal["month", "procedure"] | None
    groups: list[ReuseGroup]


class AuditEntryOut(BaseModel):
    id: int
    at: str
    channel: str
    actor: str
    user_id: str | None
    action: str
    doc_id: str | None
    citizen_id: str | None
    purpose: str | None
    outcome: str


class AccessLog(BaseModel):
    citizen_id: str
    entries: list[AuditEntryOut]
    next_cursor: str | None


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    index: str
    object_store: str
