"""The counter's page at ``/counter`` (scope ``upload``; signed in as for the other pages): a clerk chooses the
procedure, takes photos or adds files, hears at once which capture to retake, uploads, and sees the fields read
and each component held / received / missing; the citizen sees a preview of each held record that would be
reused (its fields, a thumbnail of its source page, where and when it was digitised) and confirms or refuses it.

Without JavaScript the forms work (one selection of files per upload); with it (``static/pages/counter.js``)
photos taken one after another accumulate, and each file's quality verdict appears as soon as it is chosen
(``POST /counter/quality``, JSON). Everything personal shown is audited, as the API audits it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from records.procedures import load_catalogue
from schemas.errors import InvalidValue, NotFound
from schemas.quality import FileQuality
from service import audit
from service.masking import mask_fields, mask_id_number
from service.pages.auth import signed_in
from service.pages.web import (
    SECURITY_HEADERS,
    PageUser,
    audit_page,
    check_csrf,
    current_user,
    error_page,
    form_text,
    render,
    same_origin,
    services_of,
)
from records.dossiers import dossier_documents
from service.uploads import Upload, UploadRejected, check_fields, form_files, read_files
from usecases import counter as uc

router = APIRouter(include_in_schema=False)
SCOPE = "upload"
NO_SCOPE = "tiếp nhận hồ sơ"  # what a key without SCOPE may not do, on its 403 page
PAGE_PATH = "/counter"
QUALITY_PATH = "/counter/quality"
UPLOAD_PATH = "/counter/dossiers"
DOSSIER_PATH = "/counter/dossiers/{dossier_id}"
CONSENT_PATH = "/counter/dossiers/{dossier_id}/consent"
THUMBNAIL_PATH = "/counter/dossiers/{dossier_id}/previews/{document_id}/pages/{page}"
PAGE_PURPOSE = "counter page"  # the purpose audited for what the counter's page shows
READ_ENDPOINT = "/counter/dossiers (fields read, unmasked)"
PREVIEW_ENDPOINT = "/counter/dossiers (reuse preview)"
THUMBNAIL_FULL_PX, THUMBNAIL_MASKED_PX = 640, 240
# the page previews the photos being taken (blob: URLs, never sent anywhere else) before they are uploaded
CSP = SECURITY_HEADERS["Content-Security-Policy"].replace("img-src 'self'", "img-src 'self' blob:")
STATUS_LABELS = {"held": "Đã có, dùng lại", "received": "Đã nhận", "missing": "Còn thiếu"}
RECORD_STATUS = {"needs_review": "chờ cán bộ kiểm tra", "extracted": "đã đọc", "verified": "đã xác nhận",
                 "superseded": "đã có bản mới", "rejected": "đã từ chối"}
FILE_STATUS = {"processed": "đã đọc", "reused": "đã có từ trước (không đọc lại)", "quarantined": "không đọc được"}
_ID = re.compile(r"^[0-9]{1,10}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ID_NUMBER = re.compile(r"^([0-9]{12}|[0-9]{9})$")


def _page(request: Request, user: PageUser, context: dict[str, Any], status: int = 200) -> Response:
    procedures = [(p.code, p.name) for p in load_catalogue().procedures]
    values = {"procedure": "", "branch": "", "id_number": "", **context.pop("form", {})}
    page = {"error": None, "notice": None, "files": None, "read": None, "dossier": None, **context}
    response = render(request, "counter.html", {"procedures": procedures, "form": values, **page}, status=status,
                      user=user)
    response.headers["Content-Security-Policy"] = CSP
    return response


def _number(raw: str) -> int:
    if not _ID.match(raw):
        raise NotFound("no such dossier")
    return int(raw)


def _id_number(value: Any) -> str | None:
    text = form_text(value)
    return text if _ID_NUMBER.match(text) else None


def _refused(request: Request, user: PageUser) -> Response:
    return error_page(request, 403, "Không hợp lệ", "Biểu mẫu đã hết hạn. Hãy mở lại trang tiếp nhận.", user)


# ---------------------------------------------------------------- the page


@router.get(PAGE_PATH)
def counter_page(request: Request) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    return _page(request, user, {"form": {"procedure": request.query_params.get("procedure", "")}})


@router.post(QUALITY_PATH)
async def quality(request: Request) -> Response:
    """Each file's quality verdicts as JSON, for the page's script (nothing stored, nothing personal answered)."""
    user = current_user(request)
    if user is None or not user.may(SCOPE):
        return JSONResponse({"detail": "sign in with an upload key"}, status_code=401 if user is None else 403)
    if not (check_csrf(user, request.headers.get("x-csrf-token")) and same_origin(request)):
        return JSONResponse({"detail": "the form has expired"}, status_code=403)
    services = services_of(request)
    try:
        files = await read_files(request, services.settings)
    except UploadRejected as error:
        return JSONResponse({"detail": error.message, "code": error.code}, status_code=error.status)
    judged = await anyio.to_thread.run_sync(uc.check_files, files)
    return JSONResponse({"files": [f.model_dump(mode="json") for f in judged]},
                        headers={"Cache-Control": "no-store"})


@router.post(UPLOAD_PATH)
async def upload(request: Request) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    services = services_of(request)
    record = audit_page(request, user, UPLOAD_PATH)
    record.purpose = PAGE_PURPOSE
    try:
        form = await request.form(max_files=services.settings.max_files, max_fields=20, max_part_size=64 * 1024)
    except Exception:
        return _page(request, user, {"error": "Không đọc được biểu mẫu. Vui lòng chọn lại tệp."}, status=400)
    try:
        if not (check_csrf(user, form.get("csrf")) and same_origin(request)):
            return _refused(request, user)
        values = {"procedure": form_text(form.get("procedure_code")), "branch": form_text(form.get("branch")),
                  "id_number": form_text(form.get("id_number"))}
        try:
            procedure_code, branch, id_number = check_fields(values["procedure"], values["branch"],
                                                             values["id_number"] or None)
            files = await form_files(form, services.settings)
        except UploadRejected as error:
            return _page(request, user, {"form": values, "error": _upload_error(error)}, status=error.status)
    finally:
        await form.close()
    outcome = await services.runner.receive(Upload(procedure_code, branch, id_number, files),
                                            f"page:{user.name}", services.upload_limiter)
    if outcome.id_number:
        record.subject_hash = audit.subject_hash(services.settings.audit_secret, outcome.id_number)
    await _audit_shown(request, user, outcome.read, READ_ENDPOINT)
    await _audit_shown(request, user, [p.document for p in outcome.view.previews], PREVIEW_ENDPOINT)
    known = {n for n in [id_number, *(d.subject_id_number for d in outcome.read)] if n}
    return _page(request, user, {
        "form": values, "files": _files_view(outcome), "read": [_document(d, masked=False) for d in outcome.read],
        "dossier": _dossier(outcome.view, user, known, given=id_number)}, status=201)


def _upload_error(error: UploadRejected) -> str:
    texts = {"missing_field": "Hãy chọn thủ tục và nhập chi nhánh.", "no_files": "Hãy chụp ảnh hoặc chọn ít nhất một tệp.",
             "too_many_files": "Quá nhiều tệp trong một lần gửi.", "file_too_large": "Có tệp quá lớn.",
             "invalid_id_number": "Số định danh phải gồm 12 chữ số (hoặc 9 chữ số CMND).",
             "unknown_procedure": "Thủ tục không có trong danh mục."}
    return texts.get(error.code, "Có tệp không phải ảnh hoặc PDF đọc được.") + f" ({error.message})"


@router.get(DOSSIER_PATH)
async def dossier_page(request: Request, dossier_id: str) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    return await _dossier_response(request, user, dossier_id, None, DOSSIER_PATH)


@router.post(CONSENT_PATH)
async def consent(request: Request, dossier_id: str) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    form = await request.form()
    if not (check_csrf(user, form.get("csrf")) and same_origin(request)):
        return _refused(request, user)
    services = services_of(request)
    id_number = _id_number(form.get("id_number"))
    decision = form_text(form.get("decision"))
    document = form_text(form.get("document_id"))
    record = audit_page(request, user, CONSENT_PATH)
    record.purpose = PAGE_PURPOSE
    if decision not in ("confirmed", "refused") or not _ID.match(document):
        return error_page(request, 422, "Không hợp lệ", "Lựa chọn không hợp lệ.", user)
    record.document_id = int(document)
    try:
        number = _number(dossier_id)
        await anyio.to_thread.run_sync(
            lambda: uc.decide_reuse(services.db, services.store, number, int(document), decision,  # type: ignore[arg-type]
                                    actor=f"page:{user.name}", id_number=id_number))
    except (NotFound, InvalidValue):
        return error_page(request, 404, "Không tìm thấy", "Hồ sơ không dùng lại giấy tờ này.", user)
    return await _dossier_response(request, user, dossier_id, id_number, CONSENT_PATH, document_id=int(document),
                                   notice="Đã ghi nhận: công dân " + ("đồng ý dùng lại giấy tờ."
                                                                       if decision == "confirmed"
                                                                       else "không đồng ý dùng lại giấy tờ."))


async def _dossier_response(request: Request, user: PageUser, dossier_id: str, id_number: str | None,
                            endpoint: str, notice: str | None = None, document_id: int | None = None) -> Response:
    services = services_of(request)
    record = audit_page(request, user, endpoint, document_id=document_id)
    record.purpose = PAGE_PURPOSE
    try:
        number = _number(dossier_id)
        view = await anyio.to_thread.run_sync(uc.dossier_view, services.db, services.store, number, id_number)
        read = await anyio.to_thread.run_sync(_dossier_documents, services, number)
    except NotFound:
        return error_page(request, 404, "Không tìm thấy", "Không có hồ sơ này.", user)
    if view.id_number:
        record.subject_hash = audit.subject_hash(services.settings.audit_secret, view.id_number)
    await _audit_shown(request, user, [p.document for p in view.previews], PREVIEW_ENDPOINT)
    known = {id_number} if id_number else set()
    return _page(request, user, {"form": {"procedure": view.procedure_code, "branch": view.branch or ""},
                                 "read": [_document(d, masked=not user.may("records:full")) for d in read],
                                 "dossier": _dossier(view, user, known, given=id_number), "notice": notice})


def _dossier_documents(services: Any, dossier_id: int) -> list[uc.ShownDocument]:
    return [uc.show_document(services.db, services.store, ref.id) for ref in dossier_documents(services.db, dossier_id)
            if ref.status not in uc.CLOSED_STATUSES]


@router.get(THUMBNAIL_PATH)
async def thumbnail(request: Request, dossier_id: str, document_id: str, page: str) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    services = services_of(request)
    record = audit_page(request, user, THUMBNAIL_PATH)
    record.purpose = PAGE_PURPOSE
    id_number = _id_number(request.query_params.get("id_number"))
    width = THUMBNAIL_FULL_PX if user.may("records:full") else THUMBNAIL_MASKED_PX
    try:
        number, document, index = _number(dossier_id), _number(document_id), _number(page)
        record.document_id = document
        component = await anyio.to_thread.run_sync(uc.reuse_candidate, services.db, services.store, number,
                                                   document, id_number)
        image = await anyio.to_thread.run_sync(uc.page_thumbnail, services.db, services.store, document, index, width)
    except (NotFound, InvalidValue):
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    subject = component.preview.document.subject_id_number if component.preview else None
    if subject:
        record.subject_hash = audit.subject_hash(services.settings.audit_secret, subject)
    return Response(image, media_type="image/jpeg", headers={"Cache-Control": "private, no-store",
                                                             "X-Content-Type-Options": "nosniff"})


# ---------------------------------------------------------------- shaping for the template


def _files_view(outcome: uc.CounterOutcome) -> list[dict[str, Any]]:
    files = []
    for raw, quality in zip(outcome.outcome["files"], outcome.quality, strict=False):
        files.append({"name": raw["source_name"], "status": FILE_STATUS.get(raw["status"], raw["status"]),
                      "quarantined": raw["status"] == "quarantined", **_quality(quality)})
    return files


def _quality(quality: FileQuality) -> dict[str, Any]:
    verdicts = quality.verdicts + [v for page in quality.pages for v in page.verdicts]
    seen: dict[str, Any] = {}
    for item in verdicts:  # one sentence per code for the whole file (pages say the same)
        seen.setdefault(item.code, item)
    retakes = [v for v in seen.values() if v.severity == "retake"]
    notices = [v for v in seen.values() if v.severity == "notice"]
    pages = [p.page for p in quality.pages if any(v.severity == "retake" for v in p.verdicts)]
    return {"ok": not retakes, "retakes": retakes, "notices": notices,
            "pages": pages if len(quality.pages) > 1 else []}


def display(value: Any, name: str = "") -> str:
    if value is True and name == "expiry_date":
        return "Không thời hạn"
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return f"{len(value)} dòng"
    text = str(value)
    match = _ISO_DATE.match(text)
    return f"{match[3]}/{match[2]}/{match[1]}" if match else text


def _document(document: uc.ShownDocument, *, masked: bool) -> dict[str, Any]:
    values = {f.name: f.value for f in document.fields}
    if masked:
        values = mask_fields(values, document_type=document.document_type)
    hidden = {"mrz", "qr"}  # machine zones repeat the fields in clear
    return {"id": document.id, "title": document.title, "version": document.version,
            "status": RECORD_STATUS.get(document.status, document.status), "doubtful_status":
            document.status == "needs_review", "masked": masked,
            "fields": [{"label": f.label, "section": f.section, "value": display(values.get(f.name), f.name),
                        "doubtful": f.doubtful} for f in document.fields if f.name not in hidden]}


def _dossier(view: uc.DossierView, user: PageUser, known: set[str], *, given: str | None) -> dict[str, Any]:
    full = user.may("records:full")
    id_number = view.id_number
    shown = id_number if id_number is None or full or id_number in known else mask_id_number(id_number)
    components = []
    for component in view.components:
        item: dict[str, Any] = {"code": component.code, "name": component.name, "condition": component.condition,
                                "status": component.status, "label": STATUS_LABELS[component.status],
                                "registry": component.held_by == "population_registry",
                                "refused": component.refused, "document_id": component.document_id, "preview": None}
        if component.preview is not None:
            p = component.preview
            query = f"?id_number={given}" if given else ""
            item["preview"] = {
                **_document(p.document, masked=not full),
                "thumbnails": [THUMBNAIL_PATH.format(dossier_id=view.dossier_id, document_id=p.document.id, page=i)
                               + query for i in range(1, p.document.pages + 1)],
                "digitised_at": _when(p.digitised_at), "digitised_branch": p.digitised_branch,
                "consent": {"decision": p.consent.decision, "by": p.consent.decided_by,
                            "at": _when(p.consent.decided_at)} if p.consent else None}
        components.append(item)
    return {"id": view.dossier_id, "procedure": view.procedure_name, "branch": view.branch, "id_number": shown,
            "given": given or "", "registry": view.in_population_registry, "components": components,
            "missing": len(view.missing), "action": CONSENT_PATH.format(dossier_id=view.dossier_id)}


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone().strftime("%H:%M ngày %d/%m/%Y") if moment else None


async def _audit_shown(request: Request, user: PageUser, documents: list[uc.ShownDocument], endpoint: str) -> None:
    """One audit row per document shown (beyond the request's own row): whose, which, how."""
    services = services_of(request)
    for document in documents:
        record = audit.AuditRecord(client=user.name, method=request.method, endpoint=endpoint,
                                   purpose=PAGE_PURPOSE, document_id=document.id, status=200)
        if document.subject_id_number:
            record.subject_hash = audit.subject_hash(services.settings.audit_secret, document.subject_id_number)
        await services.audit_writer.write_async(record)

