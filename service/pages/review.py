"""The reviewer's page at ``/review``: the queue (filtered by branch, procedure, type; oldest first) and the
document view (the page images with every field's box beside the field list, values editable in place).

Keyboard first (``service/static/pages/review.js``; the keys are shown on the page): the first doubtful field
has the focus when a document opens; Tab or Enter moves to the next doubtful field, Shift with them back;
Ctrl+Enter confirms the document (with any corrections typed) and opens the next one in the queue. Without
JavaScript the forms still work. Every view, page image and decision is audited.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from records.procedures import load_catalogue
from records.review import next_in_queue
from schemas.errors import Conflict, InvalidValue, NotFound
from service.pages.auth import signed_in
from service.pages.web import (
    PageUser,
    audit_page,
    check_csrf,
    error_page,
    form_text,
    redirect,
    render,
    same_origin,
    services_of,
)
from usecases import review as uc

router = APIRouter(include_in_schema=False)
log = logging.getLogger("hoso.service")
SCOPE = "review"
NO_SCOPE = "xem xét hồ sơ"  # what a key without SCOPE may not do, on its 403 page
QUEUE_PATH = "/review"
DOCUMENT_PATH = "/review/documents/{document_id}"
PAGE_PATH = "/review/documents/{document_id}/pages/{page}"
REJECT_PATH = "/review/documents/{document_id}/reject"
FILTERS = ("branch", "procedure", "type")
QUEUE_PAGE = 50
SCREEN_WIDTH = 1200  # page images are sent at most this wide (the boxes stay in the full image's pixels)

STATUS_LABELS = {"needs_review": "Chờ xem xét", "extracted": "Đã trích xuất", "verified": "Đã xác nhận",
                 "superseded": "Đã có phiên bản mới", "rejected": "Đã từ chối"}
REASON_LABELS = {"low_confidence": "Độ tin cậy thấp", "not_found": "Không tìm thấy",
                 "disagreement": "Các nguồn không khớp", "failed_check": "Không qua kiểm tra"}
SOURCE_LABELS = {"ocr": "OCR", "text_layer": "lớp chữ PDF", "qr": "mã QR", "mrz": "vùng MRZ",
                 "population_registry": "CSDL dân cư", "review": "người xem xét"}
DONE_LABELS = {"confirmed": "đã xác nhận", "saved": "đã lưu sửa đổi", "rejected": "đã từ chối"}
KEYS = [("Tab / Enter", "trường cần xem tiếp theo"), ("Shift+Tab / Shift+Enter", "trường cần xem trước đó"),
        ("Alt+↓ / Alt+↑", "trường bất kỳ tiếp theo / trước đó"), ("Esc", "hoàn tác sửa đổi của trường"),
        ("Ctrl+Enter", "xác nhận và mở hồ sơ tiếp theo"), ("Alt+X", "từ chối hồ sơ")]
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ID = re.compile(r"^[0-9]{1,18}$")


def _filters(source: Any) -> dict[str, str]:
    return {name: value for name in FILTERS if (value := form_text(source.get(name)))}


def _document_id(raw: str) -> int:
    if not _ID.match(raw):
        raise NotFound("no such document")
    return int(raw)


# ---------------------------------------------------------------- the queue


@router.get(QUEUE_PATH)
def queue_page(request: Request) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    audit_page(request, user, QUEUE_PATH)
    services = services_of(request)
    filters = _filters(request.query_params)
    cursor = request.query_params.get("cursor") or None
    try:
        page = uc.queue(services.db, branch=filters.get("branch"), procedure=filters.get("procedure"),
                        document_type=filters.get("type"), limit=QUEUE_PAGE, cursor=cursor)
    except InvalidValue:
        return redirect(QUEUE_PATH)
    if page.items and not cursor:
        _prepare_next(services, None, filters)  # the oldest: the one opened from here
    options = uc.queue_filters(services.db)
    procedures = {p.code: p.name for p in load_catalogue().procedures}
    now = datetime.now().astimezone()
    items = [{"id": item.document_id, "title": uc.type_title(item.document_type), "type": item.document_type,
              "version": item.version, "branch": item.branch or "—",
              "procedure": procedures.get(item.procedure_code or "", item.procedure_code or "—"),
              "waiting": _waited(now - item.waiting_since), "since": item.waiting_since.astimezone().strftime(
                  "%d/%m/%Y %H:%M"), "doubtful": len(item.doubtful_fields),
              "url": _with_filters(DOCUMENT_PATH.format(document_id=item.document_id), filters)}
             for item in page.items]
    return render(request, "review_queue.html", {
        "items": items, "filters": filters, "options": options, "procedures": procedures,
        "type_titles": {t: uc.type_title(t) for t in options["document_types"]},
        "next_url": _with_filters(QUEUE_PATH, {**filters, "cursor": page.next}) if page.next else None,
        "done": _done(request)}, user=user)


def _waited(delta: Any) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} phút"
    if minutes < 48 * 60:
        return f"{minutes // 60} giờ"
    return f"{minutes // (24 * 60)} ngày"


def _with_filters(path: str, filters: Mapping[str, str | None]) -> str:
    query = {name: value for name, value in filters.items() if value}
    return f"{path}?{urlencode(query)}" if query else path


def _done(request: Request) -> str | None:
    done, did = request.query_params.get("done", ""), request.query_params.get("did", "")
    if _ID.match(done) and did in DONE_LABELS:
        return f"Hồ sơ #{done} {DONE_LABELS[did]}."
    return None


# ---------------------------------------------------------------- one document


@router.get(DOCUMENT_PATH)
def document_page(request: Request, document_id: str) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    record = audit_page(request, user, DOCUMENT_PATH)
    try:
        number = _document_id(document_id)
        record.document_id = number
        view = uc.open_document(services_of(request).db, services_of(request).store, number)
    except NotFound:
        return error_page(request, 404, "Không tìm thấy", "Không có hồ sơ này.", user)
    audit_page(request, user, DOCUMENT_PATH, document_id=number, id_number=view.subject_id_number)
    filters = _filters(request.query_params)
    _prepare_next(services_of(request), number, filters)
    return _document_view(request, user, view, filters, done=_done(request))


_preparer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-pages")


def _prepare_next(services: Any, current: int | None, filters: dict[str, str]) -> None:
    """While the reviewer reads this document (or the queue), make the next one's page images ready: a first view
    of a page otherwise waits for its screen copy, or for a text-layer page to be rendered."""

    def prepare() -> None:
        try:
            following = next_in_queue(services.db, after=current, branch=filters.get("branch"),
                                      procedure=filters.get("procedure"), document_type=filters.get("type"))
            if following is not None:
                uc.prepare_pages(services.db, services.store, following, max_width=SCREEN_WIDTH)
        except Exception:  # only a head start: the image request does the same work if this failed
            log.warning("could not prepare the next document's pages", exc_info=True)

    _preparer.submit(prepare)


def _document_view(request: Request, user: PageUser, view: uc.ReviewDocument, filters: dict[str, str], *,
                   submitted: dict[str, str] | None = None, error: str | None = None, status: int = 200,
                   done: str | None = None) -> Response:
    submitted = submitted or {}
    fields = []
    for item in view.fields:
        shown = display_value(item)
        fields.append({
            "name": item.name, "label": item.label, "section": item.section, "value": submitted.get(item.name, shown),
            "original": shown, "editable": item.editable and view.current, "doubtful": item.needs_review,
            "required": item.required, "confidence": None if item.confidence is None else round(item.confidence * 100),
            "page": item.page, "bbox": item.bbox, "source": SOURCE_LABELS.get(item.source or "", item.source),
            "note": item.note, "kind": item.kind, "table": isinstance(item.value, list) and item.value,
            "reasons": [{"label": REASON_LABELS.get(r.kind, r.kind), "detail": r.detail, "kind": r.kind}
                        for r in item.reasons],
            "reviewed": {"by": item.reviewed_by, "action": "sửa" if item.review_action == "corrected" else "xác nhận"}
            if item.reviewed_by else None,
            "placeholder": "DD/MM/YYYY" if item.kind == "date" else ("DD/MM/YYYY hoặc Không thời hạn"
                                                                       if item.kind == "expiry" else ""),
        })
    pages = [{"index": page.index, "url": PAGE_PATH.format(document_id=view.document_id, page=page.index),
              "width": page.width, "height": page.height,
              "boxes": [f for f in fields if f["page"] == page.index and f["bbox"]]} for page in view.pages]
    context = {
        "doc": view, "fields": fields, "pages": pages, "filters": filters, "error": error, "done": done,
        "status_label": STATUS_LABELS.get(view.status, view.status), "keys": KEYS,
        "doubtful": sum(1 for f in fields if f["doubtful"]),
        "own_reasons": list(view.reasons),
        "action": _with_filters(DOCUMENT_PATH.format(document_id=view.document_id), filters),
        "reject_action": _with_filters(REJECT_PATH.format(document_id=view.document_id), filters),
        "queue_url": _with_filters(QUEUE_PATH, filters),
        "waiting_since": view.waiting_since.astimezone().strftime("%d/%m/%Y %H:%M") if view.waiting_since else None,
    }
    return render(request, "review_document.html", context, status=status, user=user)


def display_value(item: uc.ReviewField) -> str:
    """A value as the reviewer reads and types it: dates DD/MM/YYYY, 'Không thời hạn' for no expiry."""
    if item.no_expiry:
        return uc.NO_EXPIRY_TEXT
    value = item.value
    if value is None:
        return ""
    if isinstance(value, list):
        return ""
    text = str(value)
    if item.kind in ("date", "expiry") and (match := _ISO_DATE.match(text)):
        return f"{match[3]}/{match[2]}/{match[1]}"
    return text


@router.get(PAGE_PATH)
def page_image(request: Request, document_id: str, page: str) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    record = audit_page(request, user, PAGE_PATH)
    try:
        number = _document_id(document_id)
        record.document_id = number
        index = _document_id(page)
        image = uc.page_image(services_of(request).db, services_of(request).store, number, index,
                              max_width=SCREEN_WIDTH)
    except NotFound:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    return Response(image, media_type="image/jpeg", headers={"Cache-Control": "private, no-store",
                                                             "X-Content-Type-Options": "nosniff"})


@dataclass
class _Post:
    """A reviewer's decision on a document: signed in, its CSRF token and origin checked, the document open
    and the audit row naming it."""

    user: PageUser
    form: FormData
    services: Any
    filters: dict[str, str]
    number: int
    view: Any


async def _checked_post(request: Request, path: str, document_id: str) -> _Post | Response:
    """The checked decision posted to ``path``, or the answer instead of it (sign-in, 403, 404)."""
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    form = await request.form()
    record = audit_page(request, user, path)
    if not (check_csrf(user, form.get("csrf")) and same_origin(request)):
        return error_page(request, 403, "Không hợp lệ", "Biểu mẫu đã hết hạn. Hãy mở lại hồ sơ.", user)
    services = services_of(request)
    try:
        number = _document_id(document_id)
        record.document_id = number
        view = uc.open_document(services.db, services.store, number)
    except NotFound:
        return error_page(request, 404, "Không tìm thấy", "Không có hồ sơ này.", user)
    audit_page(request, user, path, document_id=number, id_number=view.subject_id_number)
    return _Post(user, form, services, _filters(form), number, view)


@router.post(DOCUMENT_PATH)
async def decide(request: Request, document_id: str) -> Response:
    post = await _checked_post(request, DOCUMENT_PATH, document_id)
    if isinstance(post, Response):
        return post
    user, form, view, services, filters, number = post.user, post.form, post.view, post.services, post.filters, \
        post.number
    submitted = {item.name: form_text(form.get(f"f:{item.name}")) for item in view.fields
                 if item.editable and f"f:{item.name}" in form}
    corrections = {name: value for name, value in submitted.items()
                   if value != form_text(display_value(view.field(name)))}
    confirm = form.get("action") != "save"
    version = _version(form.get("version"))
    try:
        ref = uc.review(services.db, number, reviewer=user.name, corrections=corrections, confirm=confirm,
                        expected_version=version)
    except InvalidValue as error:
        return _document_view(request, user, view, filters, submitted=submitted, status=422,
                              error=f"Giá trị không hợp lệ, chưa lưu gì: {error.message}")
    except Conflict as error:
        return _document_view(request, user, view, filters, status=409,
                              error=f"Hồ sơ đã thay đổi trong lúc xem, chưa lưu gì: {error.message}")
    return _next(services, ref.id, number, filters, "confirmed" if confirm else "saved")


@router.post(REJECT_PATH)
async def reject(request: Request, document_id: str) -> Response:
    post = await _checked_post(request, REJECT_PATH, document_id)
    if isinstance(post, Response):
        return post
    try:
        ref = uc.reject(post.services.db, post.number, reviewer=post.user.name,
                        reason=form_text(post.form.get("reason")), expected_version=_version(post.form.get("version")))
    except NotFound:
        return error_page(request, 404, "Không tìm thấy", "Không có hồ sơ này.", post.user)
    except (InvalidValue, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 422
        return _document_view(request, post.user, post.view, post.filters, status=status,
                              error=f"Chưa từ chối được: {error.message}")
    return _next(post.services, ref.id, post.number, post.filters, "rejected")


def _version(raw: Any) -> int | None:
    return int(raw) if isinstance(raw, str) and _ID.match(raw) else None


def _next(services: Any, new_id: int, reviewed: int, filters: dict[str, str], did: str) -> Response:
    """After a decision: the next document waiting (with the same filters), or the queue."""
    following = next_in_queue(services.db, after=reviewed, branch=filters.get("branch"),
                              procedure=filters.get("procedure"), document_type=filters.get("type"))
    done = {"done": str(new_id), "did": did}
    if following is None:
        return redirect(_with_filters(QUEUE_PATH, {**filters, **done}))
    return redirect(_with_filters(DOCUMENT_PATH.format(document_id=following), {**filters, **done}))
