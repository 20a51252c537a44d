"""The records hoso serves to other systems: part of the JSON contract.

- ``HeldDocument``: one version of a held document, each field with its value, the confidence of
  its best evidence and every piece of evidence (the query service's ``/v1/citizens/{id}/documents``,
  ``/v1/documents/{id}`` and ``/v1/documents/{id}/versions``).
- ``DocumentSummary``: the short form an upload returns (plain values, the originals' sha256).

Masked bodies (clients without ``records:full``) have the same shape: a masked value is still a
string (``N. V. ***``, ``*********345``, ``1990``) or null, and evidence loses its ``ward``.

``json_schema(name)`` gives the JSON Schema (draft 2020-12) of one of them; the query service
publishes the same at ``GET /v1/schema/{name}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.models import BBox, DocumentType, FieldSource

RecordStatus = Literal["extracted", "needs_review", "verified", "superseded", "rejected"]
RecordOutcome = Literal["created", "new_version", "provenance_added", "unchanged"]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of an original file, hex")]
HouseholdRow = dict[str, str | None]
RecordValue = Annotated[
    str | bool | list[HouseholdRow] | None,
    Field(description="in the spec's normal form: text NFC, dates ISO 8601, id numbers 12 ASCII digits; "
                      "`household_members` a list of rows; `no_expiry` true when the card says 'Không thời hạn'"),
]


class _Record(BaseModel):
    # Every field is always present in a body (null when unknown): say so in the schema.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Evidence(_Record):
    """Where one value was read: the original file, the page and box, how, and how sure."""

    original_id: int = Field(description="the stored original (GET /v1/documents/{id}/original?sha256=)")
    sha256: Sha256
    page: int | None = Field(None, ge=1, description="1-based page of the original")
    bbox: BBox | None = Field(None, description="[x0, y0, x1, y1] in pixels of the normalised page image")
    source: FieldSource
    confidence: float = Field(ge=0.0, le=1.0)
    province: str | None = Field(None, description="addresses: the resolved province")
    ward: str | None = Field(None, description="addresses: the resolved ward or commune (null when masked)")
    no_expiry: bool | None = Field(None, description="expiry_date: the card says 'Không thời hạn'")
    note: str | None = Field(None, description="why the confidence is what it is")
    reviewer: str | None = Field(None, description="the reviewer who corrected (`source: review`) or confirmed "
                                                   "this value")
    reviewed_at: datetime | None = Field(None, description="when the reviewer did")
    replaced: RecordValue = Field(None, description="`source: review`: the value the correction replaced "
                                                    "(null when masked)")


class HeldField(_Record):
    """One field of a held document: its value and the evidence for it."""

    value: RecordValue
    confidence: float | None = Field(ge=0.0, le=1.0, description="of the best evidence; null without evidence")
    source: FieldSource | None = Field(description="how the best evidence was read")
    provenance: list[Evidence]


class HeldDocument(_Record):
    """One version of a document hoso holds. Versions of one document share its type and number."""

    id: int = Field(ge=1, description="this version's id")
    document_type: DocumentType
    variant: str | None = Field(description="the layout or edition, when it matters (e.g. chip_2021)")
    number: str | None = Field(description="what identifies the document across scans (its type's number "
                                           "fields joined by '|'); null for unnumbered documents")
    version: int = Field(ge=1)
    status: RecordStatus
    supersedes_id: int | None = Field(description="the version this one replaced")
    valid_from: date | None
    valid_until: date | None
    no_expiry: bool
    review_reasons: list[str]
    created_at: datetime
    fields: dict[str, HeldField]
    roles: list[str] | None = Field(None, description="the person's roles in it (subject, wife, husband, mother, "
                                                      "father, household_head ...); null in version listings")
    usable: bool = Field(description="may stand in for a document the citizen would otherwise hand over today: "
                                     "not superseded, not awaiting review, not expired")


class DocumentSummary(_Record):
    """A document version as an upload returns it: plain values, the originals it was read from."""

    id: int = Field(ge=1)
    document_type: DocumentType
    variant: str | None
    number: str | None
    version: int = Field(ge=1)
    status: RecordStatus
    supersedes_id: int | None
    fields: dict[str, RecordValue]
    valid_from: date | None
    valid_until: date | None
    no_expiry: bool
    review_reasons: list[str]
    roles: list[str]
    outcome: RecordOutcome | None = Field(description="what this upload did to it")
    sources: list[Sha256]


SCHEMAS: dict[str, type[BaseModel]] = {"document": HeldDocument, "document-summary": DocumentSummary}
SchemaName = Literal["document", "document-summary"]
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(name: str = "document") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record as served: ``document`` (``HeldDocument``) or
    ``document-summary`` (``DocumentSummary``). Raises KeyError for another name."""
    schema = SCHEMAS[name].model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": f"urn:hoso:schema:{name}", **schema}
