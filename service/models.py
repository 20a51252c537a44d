"""The bodies of the query service that only it sends: envelopes around the contract's records
(``schemas.records``), requirements, upload outcomes, the audit log, health. Every endpoint's body is
made from one of these (or a ``schemas.records`` model), so ``/openapi.json`` describes what is sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import orjson
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from records.requirements import ComponentStatus
from schemas.models import ProcessingError
from schemas.records import DocumentSummary, HeldDocument, Sha256


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


def _masked() -> Any:
    return Field(description="true when personal fields are masked (the key lacks `records:full`)")


class CitizenDocuments(_Body):
    """The documents held about a citizen (any role), latest versions, newest first."""

    documents: list[HeldDocument]
    masked: bool = _masked()


class DocumentVersion(HeldDocument):
    """One document version."""

    masked: bool = _masked()


class DocumentVersions(_Body):
    """Every version of a document, oldest first."""

    versions: list[HeldDocument]
    masked: bool = _masked()


class Requirements(_Body):
    """Which components of a procedure are held for a citizen, and which must be submitted."""

    procedure_code: str
    procedure_name: str
    id_number: str = Field(description="the requester's id number (masked to its last 3 digits without "
                                       "`records:full`)")
    in_population_registry: bool
    checked_on: date
    components: list[ComponentStatus]
    to_submit: list[str] = Field(description="codes of the components still to be submitted")


class UploadedFile(_Body):
    """What happened to one uploaded file."""

    source_name: str
    sha256: Sha256
    original_id: int | None
    status: Literal["processed", "reused", "quarantined"]
    reason: str | None = Field(description="why it was quarantined")
    pages: int
    needs_review: bool
    documents: list[int] = Field(description="ids of the document versions it produced or reused")
    timings: dict[str, float] = Field(description="seconds per stage")
    errors: list[ProcessingError]
    warnings: list[ProcessingError] = Field(
        default_factory=list, description="read, but a person should know (a PDF with JavaScript or embedded files, "
        "a photo read at a lower resolution)")


class UploadOutcome(_Body):
    """One uploaded dossier: each file's outcome, the documents now held, what is still missing."""

    dossier_id: int
    id_number: str | None = Field(description="the requester's id number, given or read from the files "
                                              "(masked without `records:full`)")
    files: list[UploadedFile]
    documents: list[DocumentSummary]
    requirements: Requirements | None = Field(description="null when the requester is not known")
    missing: list[str] | None = Field(description="codes of the components still to be submitted")
    masked: bool = _masked()
    timings: dict[str, float]


class AuditEntry(_Body):
    """One request of a client: who, what, when, why, outcome. The subject is a keyed hash."""

    id: int
    occurred_at: datetime
    client: str = Field(description="the key's name; `(anonymous)` for a request without a valid key")
    method: str
    endpoint: str = Field(description="the route template; `(no route)` for a path that names none")
    subject_hash: str | None = Field(description="HMAC-SHA256 of the subject's id number")
    document_id: int | None
    purpose: str | None
    status: int


class AuditPage(_Body):
    """Audit rows, newest first."""

    entries: list[AuditEntry]
    next_before_id: int | None = Field(description="pass as `before_id` for the next page; null on the last")


class Health(_Body):
    status: Literal["ok", "degraded"]
    database: bool
    store: bool


class ModelResponse(JSONResponse):
    """A body made from a pydantic model, serialised by pydantic-core (no second validation); a plain
    dict by orjson. A JSONResponse, so FastAPI documents the route's ``response_model``."""

    def render(self, content: Any) -> bytes:
        if isinstance(content, BaseModel):
            return content.__pydantic_serializer__.to_json(content)
        return orjson.dumps(content)
