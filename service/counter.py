"""The counter's API (scope ``upload``): a branch uploads a dossier's files while the citizen waits, hears at once
what to retake, sees what was read and what is still missing, and the citizen agrees (or not) to the reuse of
records hoso already holds. ``service/app.py`` includes ``router`` once; the counter's page (``/counter``,
``service.pages.counter``) rides on it.

| endpoint | what |
|---|---|
| ``POST /v1/quality`` | each file's and page's capture-quality verdicts, in ~0.1 s a page; nothing is stored |
| ``POST /v1/dossiers`` | an upload: quality per file and page, the fields just read, each component held / received / missing |
| ``GET /v1/dossiers/{dossier_id}`` | the dossier's components now, with a preview of each held record it would reuse |
| ``POST /v1/dossiers/{dossier_id}/consent`` | the citizen confirms or refuses the reuse of one held record |
| ``GET /v1/dossiers/{dossier_id}/previews/{document_id}/pages/{page}`` | a thumbnail of a held record's source page |

Masking: the fields just read from the upload are the clerk's own (the papers are in their hands): they are
answered unmasked, and each such document is audited as read unmasked (``READ_ENDPOINT``). Held records shown
for reuse are masked unless the key has ``records:full`` (and audited as shown: ``PREVIEW_ENDPOINT``); their
thumbnails are small without it (the document's look, not its values).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from records.procedures import load_catalogue
from schemas.quality import FileQuality
from schemas.records import DocumentSummary, RecordValue
from schemas.settings import MIB, Settings
from service import audit
from service.access import authorise
from service.keys import Client
from service.masking import mask_fields, mask_id_number
from service.models import ModelResponse, Requirements, UploadOutcome
from service.params import ID_NUMBER_PATTERN, PURPOSE, TEXT_PATTERN, ascii_integer
from service.problems import problems
from service.queries import present_ref
from service.pages import counter as counter_page
from service.uploads import outcome_summary, read_files, read_upload
from usecases import counter as uc

SCOPE = "upload"
MAX_ID = 2**31 - 1  # dossiers' and documents' ids are 32-bit on PostgreSQL
READ_ENDPOINT = "/v1/dossiers (fields read, unmasked)"  # audit rows: a document read from the upload, shown unmasked
PREVIEW_ENDPOINT = "/v1/dossiers (reuse preview)"  # ... a held record shown for the citizen's consent
THUMBNAIL_FULL_PX, THUMBNAIL_MASKED_PX = 640, 240
ORIGINAL_TYPES = "application/pdf, image/jpeg, image/png, image/tiff, image/webp, image/gif, image/bmp"
MAX_QUALITY_CHECKS = 2  # quality checks at once in the API process (a few tens of ms of CPU each)

log = logging.getLogger("hoso.service.counter")
router = APIRouter(tags=["counter"])
bearer = HTTPBearer(auto_error=False, description="an API key with the `upload` scope")
_quality_limiter: anyio.CapacityLimiter | None = None


# ---------------------------------------------------------------- bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class QualityAnswer(_Body):
    """Each file's capture quality, in the order sent."""

    files: list[FileQuality]
    ok: bool = Field(description="no file needs a retake")


class ShownField(_Body):
    name: str
    label: str = Field(description="the label printed on the document (Vietnamese)")
    section: str | None = Field(description="the part of the document it is in (a person's part), if any")
    value: RecordValue
    confidence: float | None
    doubtful: bool = Field(description="a person must check it (it waits for a reviewer)")


class ShownDocument(_Body):
    """A document version with its fields in its type's order."""

    id: int
    document_type: str
    title: str = Field(description="the type's name, in Vietnamese")
    version: int
    status: str
    reasons: list[str] = Field(description="why it waits for a reviewer, if it does")
    fields: list[ShownField]
    masked: bool = Field(description="personal fields are masked (a held record, the key lacks `records:full`)")


class ConsentBody(_Body):
    decision: Literal["confirmed", "refused"]
    decided_by: str = Field(description="the key that recorded it")
    decided_at: datetime


class PreviewBody(_Body):
    """A held record the dossier would reuse, as the citizen is shown it before agreeing."""

    document: ShownDocument
    digitised_at: datetime | None = Field(description="when its source file was received")
    digitised_branch: str | None = Field(description="where: the branch that received it")
    thumbnails: list[str] = Field(description="its source pages, small (JPEG)")
    consent: ConsentBody | None = Field(description="the citizen's decision for this dossier; null: not asked yet")


class ComponentBody(_Body):
    """One required component: ``held`` (population registry, or a held record reused), ``received`` (read from
    this dossier's files, or waiting for a reviewer) or ``missing`` (to be handed over)."""

    code: str
    name: str
    condition: str | None
    status: Literal["held", "received", "missing"]
    held_by: Literal["population_registry", "document"] | None
    document_id: int | None = Field(description="held: the record reused; received: the document read")
    document_type: str | None
    document_version: int | None
    role: str | None
    refused: bool = Field(description="the citizen refused the reuse of the record in `preview`: to be handed over")
    preview: PreviewBody | None


class DossierBody(_Body):
    """A dossier's components now."""

    dossier_id: int
    procedure_code: str
    procedure_name: str
    branch: str | None
    id_number: str | None = Field(description="the requester's (masked without `records:full` unless given or read "
                                              "by this request)")
    in_population_registry: bool
    checked_on: date
    components: list[ComponentBody]
    missing: list[str] = Field(description="codes of the components still to be handed over")
    masked: bool = Field(description="held records are masked (the key lacks `records:full`)")


class CounterUploadOutcome(UploadOutcome):
    """An upload at the counter: what happened to each file (and its capture quality), the fields just read
    (unmasked: the clerk holds the papers), and each component of the procedure held / received / missing."""

    quality: list[FileQuality] = Field(description="each file's capture-quality verdicts, in the order sent")
    read: list[ShownDocument] = Field(description="the documents read from these files, with their fields")
    procedure_code: str
    procedure_name: str
    components: list[ComponentBody]


class ConsentRequest(BaseModel):
    """The citizen's decision on reusing one held record for this dossier."""

    model_config = ConfigDict(extra="forbid")

    document_id: int = Field(ge=1, le=MAX_ID, description="the held record (a component's `preview`)")
    decision: Literal["confirmed", "refused"]
    id_number: str | None = Field(None, pattern=ID_NUMBER_PATTERN,
                                  description="the requester's id number, when no card of the dossier names them")


# ---------------------------------------------------------------- access


@dataclass
class Clerk:
    client: Client
    record: audit.AuditRecord
    services: Any

    @property
    def full(self) -> bool:
        return self.client.may("records:full")

    def about(self, id_number: str | None) -> None:
        if id_number:
            self.record.subject_hash = audit.subject_hash(self.services.settings.audit_secret, id_number)


def clerk(endpoint: str, *, purpose: bool = True) -> Callable[..., Clerk]:
    """Dependency: a valid key (401) with the ``upload`` scope (403) and, for personal data, a stated purpose
    (400); it leaves the request's audit row for ``AuditTrail`` (as ``service.app.authorised`` does)."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Clerk:
        client, record = authorise(request, credentials, SCOPE, endpoint, audited=purpose, purpose=purpose)
        return Clerk(client, record, request.app.state.services)

    return dependency


DossierId = Annotated[int, Path(ge=1, le=MAX_ID, description="a dossier's id"), BeforeValidator(ascii_integer)]
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="a held record's id (a component's `preview`)"),
                       BeforeValidator(ascii_integer)]
PageNumber = Annotated[int, Path(ge=1, le=1000, description="a page of the record (1-based)"),
                       BeforeValidator(ascii_integer)]
PERSONAL = problems(400, 401, 403, 422, 500, 503)


def _form_schema(max_files: int, max_file_bytes: int, *, upload: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "minItems": 1,
                  "maxItems": max_files,
                  "description": f"the files (PDF, JPEG, PNG, TIFF, WebP, GIF, BMP), at most {max_file_bytes // 1024} "
                                 "KiB each"}}
    required = ["files"]
    if upload:
        codes = [p.code for p in load_catalogue().procedures]
        properties |= {
            "branch": {"type": "string", "pattern": TEXT_PATTERN, "description": "the receiving branch"},
            "procedure_code": {"type": "string", "enum": codes, "description": "a procedure of the catalogue"},
            "id_number": {"type": "string", "pattern": r"^([0-9]{12}|[0-9]{9})?$",
                          "description": "the requester's id number, if known: 12 ASCII digits, or 9 (CMND)"}}
        required += ["branch", "procedure_code"]
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": required, "properties": properties},
        "encoding": {"files": {"contentType": ORIGINAL_TYPES}}}}}}


def _limits() -> tuple[int, int]:
    """The documented limits: the settings' defaults (``HOSO_MAX_UPLOAD_FILES``, ``HOSO_MAX_UPLOAD_FILE_MB``)."""
    fields = Settings.model_fields
    return int(fields["max_upload_files"].default), int(fields["max_upload_file_mb"].default * MIB)


# ---------------------------------------------------------------- endpoints

quality_path = "/v1/quality"


@router.post(quality_path, response_model=QualityAnswer, openapi_extra=_form_schema(*_limits(), upload=False),
             responses=problems(400, 401, 403, 413, 415, 422, 500),
             summary="Capture quality of photos or scans, at once, before uploading them (nothing is stored)")
async def check_quality(request: Request, caller: Clerk = Depends(clerk(quality_path, purpose=False))) -> ModelResponse:
    files = await read_files(request, caller.services.settings)
    judged = await anyio.to_thread.run_sync(uc.check_files, files, limiter=quality_limiter())
    return ModelResponse(QualityAnswer(files=judged, ok=all(f.ok for f in judged)))


dossiers_path = "/v1/dossiers"


@router.post(dossiers_path, status_code=201, response_model=CounterUploadOutcome,
             openapi_extra={**PURPOSE, **_form_schema(*_limits(), upload=True)},
             responses={**PERSONAL, **problems(415), **problems(413, 422, described={
                 413: "the body, a file or the number of files is over the limit, or a file decodes to too many "
                      "pixels or pages (`too_large`, `too_many_pages`, `page_too_large`, `decompression_bomb`)",
                 422: "missing or invalid form fields (`missing_field`, `no_files`, `unknown_procedure`, "
                      "`invalid_id_number`), or a file that cannot be decoded (`corrupt`, `encrypted_pdf`)"})},
             summary="A branch uploads one dossier's files: capture quality, the fields read, each component held, "
                     "received or missing")
async def upload_dossier(request: Request, caller: Clerk = Depends(clerk(dossiers_path))) -> ModelResponse:
    services = caller.services
    upload = await read_upload(request, services.settings)
    caller.about(upload.id_number)
    outcome = await services.runner.receive(upload, f"api:{caller.client.name}", services.upload_limiter)
    given = {upload.id_number} if upload.id_number else set()
    body = present_upload(outcome, full=caller.full, known=given | _read_numbers(outcome), given=upload.id_number)
    caller.about(outcome.id_number)
    await _audit_shown(caller, outcome.read, READ_ENDPOINT)
    await _audit_shown(caller, [p.document for p in outcome.view.previews], PREVIEW_ENDPOINT)
    log.info("upload by %s: %s", caller.client.name, outcome_summary(outcome))
    return ModelResponse(body, status_code=201)


dossier_path = "/v1/dossiers/{dossier_id}"


@router.get(dossier_path, response_model=DossierBody, openapi_extra=PURPOSE,
            responses={**PERSONAL, **problems(404, described={404: "no such dossier (`not_found`)"})},
            summary="A dossier's components now, with a preview of each held record it would reuse")
async def dossier(dossier_id: DossierId,
                  id_number: Annotated[str | None, Query(pattern=ID_NUMBER_PATTERN, description=(
                      "the requester's id number, when no card of the dossier names them"))] = None,
                  caller: Clerk = Depends(clerk(dossier_path))) -> ModelResponse:
    services = caller.services
    view = await anyio.to_thread.run_sync(uc.dossier_view, services.db, services.store, dossier_id, id_number)
    caller.about(view.id_number)
    await _audit_shown(caller, [p.document for p in view.previews], PREVIEW_ENDPOINT)
    return ModelResponse(present_view(view, full=caller.full, known={id_number} if id_number else set(),
                                      given=id_number))


consent_path = "/v1/dossiers/{dossier_id}/consent"


@router.post(consent_path, response_model=DossierBody, openapi_extra=PURPOSE,
             responses={**PERSONAL, **problems(404, described={
                 404: "no such dossier, or it reuses no such record (`not_found`)"})},
             summary="The citizen confirms or refuses the reuse of a held record for this dossier (kept with the "
                     "dossier, audited); a refused record is not reused for it")
async def consent(dossier_id: DossierId, decision: ConsentRequest,
                  caller: Clerk = Depends(clerk(consent_path))) -> ModelResponse:
    services = caller.services
    caller.record.document_id = decision.document_id
    view = await anyio.to_thread.run_sync(
        lambda: uc.decide_reuse(services.db, services.store, dossier_id, decision.document_id, decision.decision,
                                actor=f"api:{caller.client.name}", id_number=decision.id_number))
    caller.about(view.id_number)
    known = {decision.id_number} if decision.id_number else set()
    return ModelResponse(present_view(view, full=caller.full, known=known, given=decision.id_number))


thumbnail_path = "/v1/dossiers/{dossier_id}/previews/{document_id}/pages/{page}"


@router.get(thumbnail_path, response_class=Response, openapi_extra=PURPOSE,
            responses={200: {"description": "a small JPEG of the page (wider with `records:full`)",
                             "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
                       **PERSONAL, **problems(404, described={404: "no such dossier, record or page"})},
            summary="A thumbnail of a source page of a held record the dossier would reuse")
async def thumbnail(dossier_id: DossierId, document_id: DocumentId, page: PageNumber,
                    id_number: Annotated[str | None, Query(pattern=ID_NUMBER_PATTERN)] = None,
                    caller: Clerk = Depends(clerk(thumbnail_path))) -> Response:
    services = caller.services
    caller.record.document_id = document_id
    width = THUMBNAIL_FULL_PX if caller.full else THUMBNAIL_MASKED_PX
    image, subject = await anyio.to_thread.run_sync(
        preview_page, services.db, services.store, dossier_id, document_id, page, width, id_number)
    caller.about(subject)
    return Response(image, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


def preview_page(db: Any, store: Any, dossier_id: int, document_id: int, page: int, width: int,
                 id_number: str | None = None) -> tuple[bytes, str | None]:
    """A thumbnail of a page of a record the dossier would reuse (``NotFound`` for any other record)."""
    component = uc.reuse_candidate(db, store, dossier_id, document_id, id_number)
    assert component.preview is not None
    return uc.page_thumbnail(db, store, document_id, page, width), component.preview.document.subject_id_number


def quality_limiter() -> anyio.CapacityLimiter:
    global _quality_limiter
    if _quality_limiter is None:
        _quality_limiter = anyio.CapacityLimiter(MAX_QUALITY_CHECKS)
    return _quality_limiter


# ---------------------------------------------------------------- shaping


def _read_numbers(outcome: uc.CounterOutcome) -> set[str]:
    """Id numbers read from this upload's own papers (the clerk holds them): not masked back to the clerk."""
    return {d.subject_id_number for d in outcome.read if d.subject_id_number}


def present_upload(outcome: uc.CounterOutcome, *, full: bool, known: set[str],
                   given: str | None = None) -> CounterUploadOutcome:
    raw = outcome.outcome
    read_ids = {document.id for document in outcome.read}
    id_number = outcome.id_number
    shown_number = id_number if full or id_number is None or id_number in known else mask_id_number(id_number)
    requirements = None
    if raw.get("requirements"):
        report = raw["requirements"]
        requirements = Requirements.model_validate({
            **report, "id_number": shown_number if report["id_number"] == id_number else mask_id_number(report["id_number"]),
            "to_submit": [c["code"] for c in report["components"] if c["status"] == "missing"]})
    view = present_view(outcome.view, full=full, known=known, given=given)
    return CounterUploadOutcome(
        dossier_id=outcome.dossier_id, id_number=shown_number,
        files=[{**f, "documents": [ref["id"] for ref in f["documents"]]} for f in raw["files"]],
        documents=[DocumentSummary.model_validate(present_ref(ref, full=full or ref["id"] in read_ids))
                   for ref in raw["documents"]],
        requirements=requirements, missing=outcome.view.missing, masked=not full,
        timings={**raw.get("timings", {}), **{f"counter_{k}": v for k, v in outcome.timings.items()}},
        quality=outcome.quality, read=[shown(d, masked=False) for d in outcome.read],
        procedure_code=view.procedure_code, procedure_name=view.procedure_name, components=view.components)


def present_view(view: uc.DossierView, *, full: bool, known: set[str], given: str | None = None) -> DossierBody:
    """The dossier as a client may see it; ``given``: the requester's id number the client gave (the thumbnails'
    links carry it, for a dossier whose files name nobody)."""
    id_number = view.id_number
    return DossierBody(
        dossier_id=view.dossier_id, procedure_code=view.procedure_code, procedure_name=view.procedure_name,
        branch=view.branch,
        id_number=id_number if full or id_number is None or id_number in known else mask_id_number(id_number),
        in_population_registry=view.in_population_registry, checked_on=view.checked_on,
        components=[_component(view, c, full=full, given=given) for c in view.components], missing=view.missing,
        masked=not full)


def _component(view: uc.DossierView, component: uc.ComponentView, *, full: bool, given: str | None) -> ComponentBody:
    preview = None
    if component.preview is not None:
        p = component.preview
        document = p.document
        query = f"?id_number={given}" if given else ""
        pages = [thumbnail_path.format(dossier_id=view.dossier_id, document_id=document.id, page=page) + query
                 for page in range(1, document.pages + 1)]
        preview = PreviewBody(
            document=shown(document, masked=not full), digitised_at=p.digitised_at, digitised_branch=p.digitised_branch,
            thumbnails=pages, consent=ConsentBody(decision=p.consent.decision, decided_by=p.consent.decided_by,
                                                  decided_at=p.consent.decided_at) if p.consent else None)
    return ComponentBody(code=component.code, name=component.name, condition=component.condition,
                         status=component.status, held_by=component.held_by, document_id=component.document_id,
                         document_type=component.document_type, document_version=component.document_version,
                         role=component.role, refused=component.refused, preview=preview)


def shown(document: uc.ShownDocument, *, masked: bool) -> ShownDocument:
    values = {f.name: f.value for f in document.fields}
    if masked:
        values = mask_fields(values, document_type=document.document_type)
    return ShownDocument(
        id=document.id, document_type=document.document_type, title=document.title, version=document.version,
        status=document.status, reasons=list(document.reasons), masked=masked,
        fields=[ShownField(name=f.name, label=f.label, section=f.section, value=values.get(f.name),
                           confidence=f.confidence, doubtful=f.doubtful) for f in document.fields])


async def _audit_shown(caller: Clerk, documents: list[uc.ShownDocument], endpoint: str) -> None:
    """One audit row per document shown beyond the request's own row: whose, which, how (the endpoint says)."""
    for document in documents:
        record = audit.AuditRecord(client=caller.client.name, method=caller.record.method, endpoint=endpoint,
                                   purpose=caller.record.purpose, document_id=document.id, status=200)
        if document.subject_id_number:
            record.subject_hash = audit.subject_hash(caller.services.settings.audit_secret, document.subject_id_number)
        await caller.services.audit_writer.write_async(record)




# the counter's page (/counter) rides on this router: one include in app.py
router.include_router(counter_page.router)
