"""Signing in to the pages with an API key, and out."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service import audit
from service.pages.web import (
    SIGN_IN_COOKIE,
    SIGN_IN_PATH,
    PageUser,
    check_csrf,
    current_user,
    end_session,
    error_page,
    form_text,
    local_path,
    redirect,
    render,
    same_origin,
    services_of,
    start_session,
    to_sign_in,
)

router = APIRouter(include_in_schema=False)
HOME = "/review"
SIGN_IN_MINUTES = 15


def signed_in(request: Request, scope: str, action: str) -> tuple[PageUser | None, Response | None]:
    """The signed-in user of a page, and the answer instead of the page when there is one: the sign-in form
    (no session), or a 403 page saying the key may not ``action`` (it lacks ``scope``)."""
    user = current_user(request)
    if user is None:
        return None, to_sign_in(request)
    if not user.may(scope):
        return user, error_page(request, 403, "Không có quyền",
                                f"Khóa truy cập này không có quyền {action} (scope “{scope}”).", user)
    return user, None


def _sign_in_form(request: Request, *, next_path: str, error: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "sign_in.html", {"next": next_path, "sign_in_token": token, "error": error},
                      status=status)
    response.set_cookie(SIGN_IN_COOKIE, token, max_age=SIGN_IN_MINUTES * 60, path=SIGN_IN_PATH, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.get(SIGN_IN_PATH)
def sign_in_page(request: Request, next: str | None = None) -> Response:
    return _sign_in_form(request, next_path=local_path(next, HOME))


@router.post(SIGN_IN_PATH)
async def sign_in(request: Request) -> Response:
    form = await request.form()
    next_path = local_path(form_text(form.get("next")), HOME)
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    given = form.get("sign_in_token")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected.encode(), given.encode()) \
            or not same_origin(request):
        return _sign_in_form(request, next_path=next_path, status=403,
                             error="Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng thử lại.")
    key = form.get("key")
    client = services_of(request).verifier.verify(key.strip()) if isinstance(key, str) and key.strip() else None
    if client is None:
        return _sign_in_form(request, next_path=next_path, status=401, error="Khóa truy cập không đúng.")
    request.state.client_name = client.name
    # a sign-in is on record like a read: who, when, from the pages
    request.state.audit = audit.AuditRecord(client=client.name, method="POST", endpoint=SIGN_IN_PATH,
                                            purpose="sign-in")
    response = redirect(next_path)
    start_session(request, response, client.name)
    response.delete_cookie(SIGN_IN_COOKIE, path=SIGN_IN_PATH, httponly=True, samesite="strict")
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    user = current_user(request)
    form = await request.form()
    if user is not None and not (check_csrf(user, form.get("csrf")) and same_origin(request)):
        return error_page(request, 403, "Không hợp lệ", "Yêu cầu đăng xuất không hợp lệ.", user)
    response = redirect(SIGN_IN_PATH)
    end_session(request, response)
    return response
