"""The review API (scope ``review``) and, riding on the same router, the reviewer's pages (``service.pages``):
``service/app.py`` includes ``router`` once.

| endpoint | what |
|---|---|
| ``GET /v1/review/queue?branch=&procedure=&document_type=&limit=&cursor=`` | versions waiting for a person, oldest first |
| ``GET /v1/review/{document_id}`` | one version for a reviewer: pages, every field with box, confidence and reasons |
| ``GET /v1/review/{document_id}/pages/{page}`` | the normalised page image the boxes are measured on (JPEG) |
| ``POST /v1/review/{document_id}`` | ``{"corrections": {name: value}, "confirm": true}`` or ``{"reject": "reason"}`` |

Reviewers see values unmasked. Like every personal-data read, each request states its purpose (``X-Purpose``)
and is audited (``service.middleware.AuditTrail`` writes the row this module's dependency leaves). Corrections
are validated like extracted values (422 ``invalid_value``, nothing stored); acting on a version that is no
longer the newest is 409 ``conflict``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from records.fieldstate import REASON_KINDS
from schemas.errors import NotFound
from schemas.records import RecordStatus, RecordValue
from service import audit
from service.access import authorise
from service.keys import Client
from service.models import DocumentVersion, ModelResponse
from service.params import MAX_ID, PURPOSE
from service.params import TEXT_PATTERN as TEXT
from service.pages import router as pages_router
from service.problems import problems
from service.queries import document_by_id, present_document
from usecases import review as uc

SCOPE = "review"
PREFIX = "/v1/review"

router = APIRouter(tags=["review"])
bearer = HTTPBearer(auto_error=False, description="an API key with the `review` scope")


# ---------------------------------------------------------------- bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class QueueEntry(_Body):
    """A version waiting for a person."""

    document_id: int = Field(description="the version's id (`GET /v1/review/{document_id}`)")
    document_type: str
    title: str = Field(description="the type's name, in Vietnamese")
    version: int
    branch: str | None = Field(description="the branch of the first dossier its files came with")
    procedure: str | None = Field(description="that dossier's procedure code")
    waiting_since: datetime
    reasons: list[str] = Field(description="why a person must look, as the checks state it")
    doubtful_fields: list[str] = Field(description="the fields that need a person")


class ReviewQueue(_Body):
    """Versions waiting for a person, oldest first."""

    items: list[QueueEntry]
    next: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class Reason(_Body):
    kind: Literal[REASON_KINDS] = Field(description="low_confidence, not_found, disagreement (two sources differ) "  # type: ignore[valid-type]
                                                    "or failed_check (the value's own structure)")
    detail: str = Field(description="the check's words (field names, never values)")


class ReviewPageBody(_Body):
    page: int = Field(description="its number in this view (fields' `page` refers to it)")
    image_url: str = Field(description="the normalised page image (JPEG): boxes are in its pixels")
    original_id: int
    sha256: str
    original_page: int = Field(description="the page of the original file")
    width: int | None = Field(description="the image's width in pixels, when known")
    height: int | None


class ReviewFieldBody(_Body):
    value: RecordValue
    confidence: float | None = Field(description="of the evidence shown (the reviewer's: 1.0)")
    page: int | None = Field(description="the view's page its box is on")
    bbox: tuple[int, int, int, int] | None = Field(description="[x0, y0, x1, y1] in that page image's pixels")
    source: str | None
    needs_review: bool
    reasons: list[Reason]
    label: str = Field(description="the label printed on the document")
    section: str | None = Field(description="the part of the document it is in (a person's part), if any")
    kind: str = Field(description="the value's kind: how a correction is read (date, id_number, address ...)")
    required: bool
    editable: bool = Field(description="a reviewer may correct it (machine zones and tables may not be)")
    no_expiry: bool = Field(description="expiry_date: the card says 'Không thời hạn'")
    note: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    review_action: Literal["confirmed", "corrected"] | None


class ReviewDocumentBody(_Body):
    """One version as a reviewer sees it (values unmasked)."""

    document_id: int
    document_type: str
    title: str
    variant: str | None
    version: int
    status: RecordStatus
    current: bool = Field(description="the newest version of the document, open to review (else 409 on POST)")
    waiting_since: datetime | None
    branch: str | None
    procedure: str | None
    reasons: list[str] = Field(description="the document's own reasons (no field carries them)")
    review_reasons: list[str]
    rejection_reason: str | None
    pages: list[ReviewPageBody]
    fields: dict[str, ReviewFieldBody]


class ReviewDecision(BaseModel):
    """Corrections and/or confirmation, or a rejection."""

    model_config = ConfigDict(extra="forbid")

    corrections: dict[str, str | None] = Field(default_factory=dict, description="field → the right value, as "
                                               "printed or in normal form (dates DD/MM/YYYY or ISO); NFC applied")
    confirm: bool = Field(False, description="confirm every other doubtful field and the document: verified")
    reject: str | None = Field(None, min_length=1, max_length=500,
                               description="reject the version with this reason (wrong type, unreadable, not "
                                           "this citizen); not with corrections or confirm")
    version: int | None = Field(None, ge=1, description="the version the reviewer saw (409 if it changed)")

    @model_validator(mode="after")
    def _one_decision(self) -> ReviewDecision:
        if self.reject is not None and (self.corrections or self.confirm):
            raise ValueError("reject goes alone, without corrections or confirm")
        if self.reject is None and not self.corrections and not self.confirm:
            raise ValueError("nothing to do: give corrections, confirm or reject")
        return self


# ---------------------------------------------------------------- access


@dataclass
class Reviewer:
    client: Client
    record: audit.AuditRecord
    services: Any

    @property
    def name(self) -> str:
        return self.client.name

    def about(self, document_id: int, id_number: str | None) -> None:
        self.record.document_id = document_id
        if id_number:
            self.record.subject_hash = audit.subject_hash(self.services.settings.audit_secret, id_number)


def reviewer(endpoint: str) -> Callable[..., Reviewer]:
    """Dependency: a valid key (401) with the ``review`` scope (403) and a stated purpose (400); it leaves the
    request's audit row for ``AuditTrail`` (as ``service.app.authorised`` does for the record endpoints)."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Reviewer:
        client, record = authorise(request, credentials, SCOPE, endpoint)
        return Reviewer(client, record, request.app.state.services)

    return dependency


def _ascii_integer(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,19}", value):
        raise ValueError("must be a whole number in ASCII digits")
    return value


DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="a document version's id"),
                       BeforeValidator(_ascii_integer)]
PageNumber = Annotated[int, Path(ge=1, le=10_000, description="a page of the view (1-based)"),
                       BeforeValidator(_ascii_integer)]
COMMON = problems(400, 401, 403, 422, 500, 503)
MISSING = problems(404, described={404: "no such document (`not_found`)"})


# ---------------------------------------------------------------- endpoints

queue_path = f"{PREFIX}/queue"


@router.get(queue_path, response_model=ReviewQueue, responses=COMMON, openapi_extra=PURPOSE,
            summary="Versions waiting for a person, oldest first (scope review)")
def review_queue(
    branch: Annotated[str | None, Query(max_length=200, pattern=TEXT, description="a branch")] = None,
    procedure: Annotated[str | None, Query(max_length=64, pattern=TEXT, description="a procedure code")] = None,
    document_type: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=200), BeforeValidator(_ascii_integer)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]+$",
                                        description="`next` of the previous page")] = None,
    caller: Reviewer = Depends(reviewer(queue_path)),
) -> ModelResponse:
    page = uc.queue(caller.services.db, branch=branch, procedure=procedure, document_type=document_type,
                    limit=limit, cursor=cursor)
    return ModelResponse(ReviewQueue(items=[_entry(item) for item in page.items], next=page.next))


@router.api_route(queue_path, methods=["POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def queue_methods() -> None:
    """The queue is read only: 405, not a POST to a document called "queue"."""
    raise StarletteHTTPException(405, headers={"Allow": "GET"})


document_path = f"{PREFIX}/{{document_id}}"


@router.get(document_path, response_model=ReviewDocumentBody, responses={**COMMON, **MISSING},
            openapi_extra=PURPOSE, summary="One version for a reviewer: pages, fields, boxes, reasons")
def review_document(document_id: DocumentId, caller: Reviewer = Depends(reviewer(document_path))) -> ModelResponse:
    caller.record.document_id = document_id
    view = uc.open_document(caller.services.db, caller.services.store, document_id)
    caller.about(document_id, view.subject_id_number)
    return ModelResponse(document_body(view, lambda page: f"{PREFIX}/{view.document_id}/pages/{page}"))


page_path = f"{PREFIX}/{{document_id}}/pages/{{page}}"


@router.get(page_path, response_class=Response, openapi_extra=PURPOSE,
            responses={200: {"description": "the normalised page image (JPEG)",
                             "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
                       **COMMON, **problems(404, described={404: "no such document or page"})},
            summary="A page image of a version, the one its boxes are measured on")
def review_page(document_id: DocumentId, page: PageNumber,
                caller: Reviewer = Depends(reviewer(page_path))) -> Response:
    caller.record.document_id = document_id
    image = uc.page_image(caller.services.db, caller.services.store, document_id, page)
    return Response(image, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.post(document_path, status_code=201, response_model=DocumentVersion, openapi_extra=PURPOSE,
             responses={**COMMON, **MISSING, **problems(409, 422, described={
                 409: "the version changed since the reviewer opened it, or it is no longer open (`conflict`)",
                 422: "an impossible correction (`invalid_value`: which field and why, never the value) or an "
                      "invalid body (`invalid_request`)"})},
             summary="Correct and/or confirm a version, or reject it: 201 with the new version (Location: it)")
def decide(document_id: DocumentId, decision: ReviewDecision,
           caller: Reviewer = Depends(reviewer(document_path))) -> ModelResponse:
    caller.record.document_id = document_id
    db = caller.services.db
    if decision.reject is not None:
        ref = uc.reject(db, document_id, reviewer=caller.name, reason=decision.reject,
                        expected_version=decision.version)
    else:
        ref = uc.review(db, document_id, reviewer=caller.name, corrections=decision.corrections,
                        confirm=decision.confirm, expected_version=decision.version)
    return ModelResponse(new_version(caller, ref.id), status_code=201,
                         headers={"Location": f"/v1/documents/{ref.id}"})


def new_version(caller: Reviewer, document_id: int) -> DocumentVersion:
    """A version as ``GET /v1/documents/{id}`` gives it (unmasked: reviewers see values)."""
    with caller.services.db.engine.connect() as connection:
        found = document_by_id(connection, document_id, on=date.today())
    if found is None:
        raise NotFound(f"no document with id {document_id}")
    caller.about(caller.record.document_id or document_id, found.get("_subject_id_number"))
    return DocumentVersion.model_validate({**present_document(found, full=True), "masked": False})


# ---------------------------------------------------------------- shaping


def _entry(item: Any) -> QueueEntry:
    return QueueEntry(document_id=item.document_id, document_type=item.document_type,
                      title=uc.type_title(item.document_type),
                      version=item.version, branch=item.branch, procedure=item.procedure_code,
                      waiting_since=item.waiting_since, reasons=list(item.reasons),
                      doubtful_fields=list(item.doubtful_fields))


def document_body(view: uc.ReviewDocument, image_url: Callable[[int], str]) -> ReviewDocumentBody:
    return ReviewDocumentBody(
        document_id=view.document_id, document_type=view.document_type, title=view.title, variant=view.variant,
        version=view.version, status=view.status, current=view.current, waiting_since=view.waiting_since,  # type: ignore[arg-type]
        branch=view.branch, procedure=view.procedure_code, reasons=list(view.reasons),
        review_reasons=list(view.review_reasons), rejection_reason=view.rejection_reason,
        pages=[ReviewPageBody(page=p.index, image_url=image_url(p.index), original_id=p.original_id,
                              sha256=p.sha256, original_page=p.page, width=p.width, height=p.height)
               for p in view.pages],
        fields={f.name: ReviewFieldBody(
            value=f.value, confidence=f.confidence, page=f.page, bbox=f.bbox, source=f.source,
            needs_review=f.needs_review, reasons=[Reason(kind=r.kind, detail=r.detail) for r in f.reasons],  # type: ignore[arg-type]
            label=f.label, section=f.section, kind=f.kind, required=f.required, editable=f.editable,
            no_expiry=f.no_expiry, note=f.note, reviewed_by=f.reviewed_by, reviewed_at=f.reviewed_at,
            review_action=f.review_action) for f in view.fields})  # type: ignore[arg-type]


# the reviewer's pages (sign-in, the queue, the document view) ride on this router: one include in app.py
router.include_router(pages_router)
