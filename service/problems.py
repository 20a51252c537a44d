"""Errors of the query service as ``application/problem+json`` (RFC 9457), mapped in ONE place.

``problem_of(exc)`` turns any exception into a ``Problem``: a ``HosoError`` (``schemas.errors``, and the
service's own refusals below) by its ``http_status`` and ``code``; FastAPI's validation errors into a
422 ``invalid_request`` naming each bad parameter (never echoing its value: it may be an id number);
Starlette's HTTP exceptions (404 no such route, 405, 400 from the form parser ...) by their status;
anything else into a 500 ``internal_error`` without a traceback. ``add_problem_handlers`` registers it
for FastAPI; ``service.middleware.AuditTrail`` uses it for the unexpected ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from schemas.errors import HosoError

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:hoso:problem:"

# Codes of Starlette's own HTTP exceptions (routing, static files, the form parser).
_HTTP_CODES = {400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "request_too_large",
               415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests"}


class InvalidParam(BaseModel):
    """One reason a request was invalid."""

    location: str = Field(description="where: `path.document_id`, `query.limit`, `header.X-Purpose` ...")
    detail: str = Field(description="what is wrong with it (the value itself is not repeated)")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(description=f"`{PROBLEM_TYPE_PREFIX}<code>`: names the kind of problem")
    title: str = Field(description="the HTTP status's reason phrase")
    status: int = Field(ge=400, le=599, description="the HTTP status code")
    detail: str = Field(description="what went wrong, for a person; never holds personal data")
    code: str = Field(description="a stable machine-readable code, e.g. `unauthorised`, `unknown_procedure`")
    errors: list[InvalidParam] | None = Field(None, description="`invalid_request` only: each invalid parameter")


class ProblemResponse(Response):
    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        problem: Problem = content
        return problem.__pydantic_serializer__.to_json(problem, exclude_none=True)


# ---------------------------------------------------------------- the service's own refusals


class Unauthorised(HosoError):
    code = "unauthorised"
    http_status = 401
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(HosoError):
    code = "forbidden"
    http_status = 403


class PurposeRequired(HosoError):
    code = "purpose_required"
    http_status = 400


class AuditUnavailable(HosoError):
    """The audit row of a read could not be committed: the read is withheld."""

    code = "audit_unavailable"
    http_status = 503


# ---------------------------------------------------------------- the mapping


def problem(status: int, code: str, detail: str, errors: list[InvalidParam] | None = None) -> Problem:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return Problem(type=f"{PROBLEM_TYPE_PREFIX}{code}", title=title, status=status, detail=detail, code=code,
                   errors=errors)


def problem_of(exc: BaseException) -> tuple[Problem, Mapping[str, str] | None]:
    """The problem an exception answers with, and the headers to send with it."""
    if isinstance(exc, HosoError):
        status = exc.http_status if 400 <= exc.http_status <= 599 else 500
        return problem(status, exc.code, exc.message), getattr(exc, "headers", None)
    if isinstance(exc, RequestValidationError):
        errors = [InvalidParam(location=".".join(str(part) for part in error.get("loc", ())),
                               detail=_message(error)) for error in exc.errors()]
        detail = "; ".join(f"{error.location}: {error.detail}" for error in errors) or "the request is invalid"
        return problem(422, "invalid_request", detail, errors), None
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code if 400 <= exc.status_code <= 599 else 500
        code = _HTTP_CODES.get(status, f"http_{status}")
        return problem(status, code, str(exc.detail)), exc.headers
    return problem(500, "internal_error", "an unexpected error occurred; it has been logged"), None


def problem_response(exc: BaseException) -> ProblemResponse:
    found, headers = problem_of(exc)
    return ProblemResponse(found, status_code=found.status, headers=dict(headers) if headers else None)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path takes: Starlette's 405 names only the first route's, and a
    path may have several (``GET`` and ``POST /v1/review/{document_id}``)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _child = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def add_problem_handlers(app: FastAPI) -> None:
    """Every error FastAPI handles becomes a problem; the rest reach ``AuditTrail``'s 500."""

    async def handle(request: Request, exc: Exception) -> Response:
        response = problem_response(exc)
        if response.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response

    for kind in (HosoError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(kind, handle)


# ---------------------------------------------------------------- OpenAPI

DESCRIPTIONS = {
    400: f"no `X-Purpose` header (`{PurposeRequired.code}`), or an unreadable upload form (`bad_form`)",
    401: f"no or a bad API key (`{Unauthorised.code}`)",
    403: f"the key lacks the endpoint's scope (`{Forbidden.code}`)",
    404: "not found (`not_found`)",
    413: "the body, a file or the number of files is over the limit",
    415: "a file is not a PDF or an image hoso reads",
    422: "an invalid path, query or form value (`invalid_request`, each in `errors`)",
    500: "an unexpected error (`internal_error`): logged on the server, no details here",
    503: f"the audit log could not be written (`{AuditUnavailable.code}`): nothing was read",
}


def problems(*statuses: int, described: Mapping[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, each a ``Problem`` (see ``problem_media_type``)."""
    described = described or {}
    return {status: {"model": Problem, "description": described.get(status) or DESCRIPTIONS[status]}
            for status in statuses}


def problem_media_type(openapi: dict[str, Any]) -> dict[str, Any]:
    """FastAPI documents a response ``model`` as ``application/json``; problems are sent as
    ``application/problem+json``: say so."""
    reference = "#/components/schemas/Problem"
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                body = content.get("application/json")
                if status[:1] in "45" and body and body.get("schema", {}).get("$ref") == reference:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return openapi
