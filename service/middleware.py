"""ASGI middleware of the query service, outermost first: ``AccessLog``, ``AuditTrail``, ``UploadSizeLimit``.

Neither logs nor the audit log ever see a raw path (paths hold id numbers): requests are named by
their route template (``route_template``).
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

import anyio
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import audit
from service.problems import AuditUnavailable, ProblemResponse, problem, problem_response

log = logging.getLogger("hoso.service")
access_log = logging.getLogger("hoso.service.access")
NO_ROUTE = "(no route)"
ANONYMOUS = "(anonymous)"  # no valid key; key names start with a letter or digit, so none is called this


def route_template(scope: Scope) -> str:
    """The route template of a request (``/v1/citizens/{id_number}/documents``), also for requests refused
    before routing (413 by size); ``(no route)`` when none matches: the raw path is never used."""
    route = scope.get("route")
    if route is None:
        route = _matching_route(getattr(scope.get("app"), "routes", ()), scope)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else NO_ROUTE


def _matching_route(routes: Any, scope: Scope) -> Any:
    """The first route matching ``scope``, looking into included routers (FastAPI keeps a router included
    with ``include_router`` as one route of the app, whose own routes hold the paths)."""
    for candidate in routes:
        try:
            match, _child = candidate.matches(scope)
        except Exception:  # a route that cannot judge this scope does not match it
            continue
        if match is Match.NONE:
            continue
        inner = getattr(getattr(candidate, "original_router", None), "routes", None)
        if inner is None:
            return candidate
        found = _matching_route(inner, scope)
        if found is not None:
            return found
    return None


class Answer:
    """The status a request is answered with (500 until its answer starts): pass ``send`` on in its place."""

    def __init__(self, send: Send) -> None:
        self.status = 500
        self._send = send

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self._send(message)


class AccessLog:
    """One line per request: method, ROUTE TEMPLATE (the raw path holds id numbers), status, time,
    client key name. Replaces uvicorn's access log, which prints raw paths and query strings."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answer = Answer(send)
        try:
            await self.app(scope, receive, answer.send)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("state", {}).get("client_name") or "-"
                access_log.info("%s %s %d %.1fms client=%s", scope["method"], route_template(scope), answer.status,
                                (time.perf_counter() - started) * 1000, client)


class _Withheld(Exception):
    """The answer was replaced (its audit row could not be written): stop the endpoint's body."""


class AuditTrail:
    """Writes the audit row of each request, with the status it is answered with, BEFORE the answer
    starts: the personal-data reads and every refusal or failure (status >= 400) of any request, a
    request without a valid key included (client ``(anonymous)``).

    What a router's authorising dependency leaves in ``request.state``: ``audit``, the request's pending
    ``AuditRecord`` (client, endpoint template, purpose; the endpoint adds the subject or the document),
    written with whatever status the request is answered with; ``client_name``, the key's name or None
    once the key was judged (else a refusal's row judges it here).

    A read whose row cannot be committed is withheld (503 ``audit_unavailable``). An exception no
    handler took becomes a 500 problem: logged here by type and stack only (its message may hold
    values such as SQL parameters), never sent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})
        started = False

        async def audited_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and not started:
                started = True
                status = message["status"]
                if not await self._audit(scope, status) and status < 400:
                    await problem_response(AuditUnavailable(
                        "the audit log could not be written, so nothing is answered; try again"))(scope, receive, send)
                    raise _Withheld
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except _Withheld:
            return
        except Exception as error:
            _log_unexpected(error, scope)
            if started:  # a body was under way (a stream that failed): the connection just ends
                return
            try:
                await problem_response(error)(scope, receive, audited_send)
            except _Withheld:
                return

    async def _audit(self, scope: Scope, status: int) -> bool:
        """Write the request's audit row if it needs one; False if that failed."""
        state = scope["state"]
        record: audit.AuditRecord | None = state.get("audit")
        if record is None and status < 400:
            return True  # not a personal-data read, not a refusal: the docs, the schema, health
        services = getattr(getattr(scope.get("app"), "state", None), "services", None)
        if services is None:
            return False
        try:
            if record is None:
                record = await self._refusal_record(scope, services)
            record.status = status
            await services.audit_writer.write_async(record)
            return True
        except Exception:
            log.exception("could not write the audit row of a %s %s answered %d", scope["method"],
                          route_template(scope), status)
            return False

    @staticmethod
    async def _refusal_record(scope: Scope, services: Any) -> audit.AuditRecord:
        """A refusal the ``authorised`` dependency did not see (no key, no route, an invalid
        parameter of an open endpoint, a body too large): who sent it, if their key is good."""
        state = scope["state"]
        client = state.get("client_name")
        authorization = _header(scope, b"authorization")
        if "client_name" not in state and authorization:  # the dependency did not judge the key: judge it
            client = await anyio.to_thread.run_sync(_verify, services.verifier, authorization)
        purpose = audit.purpose_of(_header(scope, b"x-purpose"))
        return audit.AuditRecord(client=client or ANONYMOUS, method=scope["method"], endpoint=route_template(scope),
                                 purpose=purpose or None)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _verify(verifier: Any, authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    client = verifier.verify(token.strip())
    return client.name if client is not None else None


def _log_unexpected(error: BaseException, scope: Scope) -> None:
    stack = "".join(traceback.format_tb(error.__traceback__))
    log.error("unexpected %s answering %s %s (message withheld: it may hold personal data)\n%s",
              type(error).__name__, scope.get("method"), route_template(scope), stack)


class UploadSizeLimit:
    """Refuse a request body larger than ``max_bytes`` (413) before it is parsed: by Content-Length
    up front, and by counting the bytes of a chunked body as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = problem(413, "request_too_large", f"the request body is larger than {self.max_bytes} bytes")
        await ProblemResponse(found, status_code=413, headers={"Connection": "close"})(scope, receive, send)


class _BodyTooLarge(Exception):
    pass
