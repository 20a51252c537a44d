"""What every page of the service shares (the reviewer's now; the counter's and the supervisor's later):

- templates (Jinja2, ``service/templates``, autoescaped; ``base.html`` and one stylesheet,
  ``service/static/pages/hoso.css``), rendered with strict security headers (a Content-Security-Policy that
  allows only this origin's scripts, styles and images: no CDN, no inline script);
- sign-in with an API key → a server-side session (``web_sessions``: only the sha256 of the cookie's token is
  kept; revoking the key ends its sessions) → an httpOnly, SameSite=Strict cookie;
- a CSRF token per session, required on every form and POST (``check_csrf``); the sign-in form itself is
  protected by a short-lived token in a cookie of its own (double submit);
- the audit row of a page that shows personal data (``audit_page``), written by ``AuditTrail`` like the API's.

Pages answer in Vietnamese; code, logs and audit endpoints stay English.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select

from records.models import ApiKey, WebSession, utcnow
from service import audit

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_URL = "/static"  # service/static, mounted by service.docs
STYLESHEET = f"{STATIC_URL}/pages/hoso.css"
SESSION_COOKIE = "hoso_session"
SIGN_IN_COOKIE = "hoso_sign_in"
SESSION_HOURS = 8  # a working day; then sign in again
SIGN_IN_PATH = "/sign-in"
PAGE_PURPOSE = "review page"  # the purpose audited for reads made through the pages
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class PageUser:
    """A signed-in person: the name and scopes of the key they signed in with, and their session's CSRF token."""

    name: str
    scopes: frozenset[str]
    csrf: str
    session_id: int

    def may(self, scope: str) -> bool:
        return scope in self.scopes


def services_of(request: Request) -> Any:
    return request.app.state.services


# ---------------------------------------------------------------- rendering


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
           user: PageUser | None = None) -> HTMLResponse:
    body = environment.get_template(template).render(
        stylesheet=STYLESHEET, static=STATIC_URL, user=user, csrf=user.csrf if user else None,
        path=request.url.path, **(context or {}))
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def error_page(request: Request, status: int, title: str, message: str, user: PageUser | None = None) -> HTMLResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status, user=user)


def redirect(location: str, response_headers: dict[str, str] | None = None) -> RedirectResponse:
    response = RedirectResponse(location, status_code=303)
    for key, value in SECURITY_HEADERS.items():
        response.headers[key] = value
    for key, value in (response_headers or {}).items():
        response.headers[key] = value
    return response


def to_sign_in(request: Request) -> RedirectResponse:
    """Send someone without a session to the sign-in page, coming back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"{SIGN_IN_PATH}?next={quote(here, safe='')}")


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site (never another origin: no open redirect), else ``default``."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not any(ord(ch) < 32 for ch in target):
        return target
    return default


def form_text(value: Any) -> str:
    """A form value as NFC text, blanks collapsed (what a person typed in any input method)."""
    if not isinstance(value, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


# ---------------------------------------------------------------- sessions


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(request: Request, response: Response, key_name: str) -> None:
    """A new session for the key ``key_name``; its token goes into an httpOnly, SameSite=Strict cookie."""
    services = services_of(request)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with services.db.transaction() as session:
        key_id = session.scalar(select(ApiKey.id).where(ApiKey.name == key_name))
        session.add(WebSession(token_sha256=_digest(token), key_id=key_id, csrf_token=secrets.token_urlsafe(32),
                               created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS)))
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def current_user(request: Request) -> PageUser | None:
    """The signed-in person, or None (no cookie, an unknown, ended or expired session, a revoked key)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    services = services_of(request)
    with services.db.transaction() as session:
        row = session.execute(
            select(WebSession.id, WebSession.csrf_token, WebSession.expires_at, WebSession.ended_at,
                   ApiKey.name, ApiKey.scopes, ApiKey.revoked_at)
            .join(ApiKey, ApiKey.id == WebSession.key_id).where(WebSession.token_sha256 == _digest(token))
        ).one_or_none()
    if row is None or row.ended_at is not None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = PageUser(row.name, frozenset(row.scopes), row.csrf_token, row.id)
    request.state.client_name = user.name  # refusals of this request are audited as this key's
    return user


def end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with services_of(request).db.transaction() as session:
            row = session.scalars(select(WebSession).where(WebSession.token_sha256 == _digest(token))).one_or_none()
            if row is not None and row.ended_at is None:
                row.ended_at = utcnow()
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def check_csrf(user: PageUser, token: Any) -> bool:
    return isinstance(token, str) and hmac.compare_digest(token.encode(), user.csrf.encode())


def same_origin(request: Request) -> bool:
    """A POST's Origin (browsers send it on POST), when present, is this site (defence in depth beside the token)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


# ---------------------------------------------------------------- audit


def audit_page(request: Request, user: PageUser, endpoint: str, *, document_id: int | None = None,
               id_number: str | None = None, purpose: str = PAGE_PURPOSE) -> audit.AuditRecord:
    """The audit row of a page request (written with its status by ``AuditTrail``, before the answer); each
    page states its own ``purpose`` (the reviewer's by default)."""
    services = services_of(request)
    record = audit.AuditRecord(client=user.name, method=request.method, endpoint=endpoint, purpose=purpose,
                               document_id=document_id)
    if id_number:
        record.subject_hash = audit.subject_hash(services.settings.audit_secret, id_number)
    request.state.audit = record
    return record
