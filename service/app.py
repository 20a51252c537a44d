"""The query service (FastAPI): records by citizen, requirements by procedure, uploads from branches.

``create_app(settings)`` builds it; ``hoso serve`` runs ``create_app_from_env`` under uvicorn.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import orjson
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import audit
from service.config import ServiceSettings
from service.keys import SCOPES, Client, KeyVerifier
from service.masking import __doc__ as MASKING_DOC
from service.queries import (
    document_by_id, held_by_citizen, originals_of, present_document, present_ref, versions_of,
)
from service.uploads import (
    ID_NUMBER, Upload, UploadRejected, check_content, check_count, check_fields, check_size, make_runner,
    outcome_summary,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from records.db import Database
    from records.storage.objects import ObjectStore
    from service.uploads import DossierRunner

log = logging.getLogger("hoso.service")
access_log = logging.getLogger("hoso.service.access")
T = TypeVar("T")
PURPOSE_HEADER = "X-Purpose"
CHUNK_BYTES = 64 * 1024

DESCRIPTION = f"""
Other systems (the procedure-handling system, citizen apps, branch counters) read what hoso
digitised instead of asking citizens again.

**Authentication.** Every endpoint except `/v1/health` needs `Authorization: Bearer <token>`, a key
made with `hoso keys create --name NAME --scope ...` (shown once; only its sha256 is stored).
No or a bad key: **401**. A key without the endpoint's scope: **403**. Scopes:

{chr(10).join(f"- `{name}`: {text}" for name, text in SCOPES.items())}

**Purpose.** Every request that reads personal data (citizens, documents, originals, requirements,
uploads, the audit log) must state why in the `{PURPOSE_HEADER}` header (e.g. a case number;
non-ASCII text as percent-encoded UTF-8, `h%E1%BB%93%20s%C6%A1` for `hồ sơ`): **400** without it.

**Audit.** Each such request appends a row to an append-only audit log: the client key's name,
the endpoint (route template), the subject's id number as a keyed hash (HMAC-SHA256) or the
document id, the time, the stated purpose and the status code. Administrators (`admin`) query it
at `GET /v1/audit`. The service's own logs carry no names and no id numbers.

**Masking.** Without `records:full`, personal fields are masked:
{MASKING_DOC}
**Errors** are JSON: `{{"error": "<code>", "message": "<reason>"}}`.
"""


class JSON(Response):
    """orjson: the lookup path serialises a few KB per request; the stdlib encoder is 3-5x slower."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ApiError(StarletteHTTPException):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail=message, headers=headers)
        self.code = code


@dataclass
class Services:
    settings: ServiceSettings
    db: Database  # writes: uploads, audit rows, requirements
    reads: Database  # the lookup path (see reader_database)
    store: ObjectStore
    verifier: KeyVerifier
    runner: DossierRunner
    audit_writer: audit.AuditWriter
    upload_limiter: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(1))


@dataclass
class Caller:
    """An authenticated, authorised request with its pending audit row."""

    client: Client
    record: audit.AuditRecord
    services: Services

    @property
    def full(self) -> bool:
        return self.client.may("records:full")

    def about(self, id_number: str) -> None:
        self.record.subject_hash = audit.subject_hash(self.services.settings.audit_secret, id_number)

    def read(self, work: Callable[[Connection], T | None], missing: str = "not found") -> T:
        """Run ``work`` on a read connection, then audit it (committed before we answer); None is a 404.
        A Core connection, not an ORM session: the session's bookkeeping is a third of a lookup's CPU."""
        try:
            with self.services.reads.engine.connect() as connection:
                result = work(connection)
        except Exception:
            self.fail()
            raise
        self.finish(200 if result is not None else 404)
        if result is None:
            raise ApiError(404, "not_found", missing)
        return result

    def finish(self, status: int) -> None:
        """Append the audit row with the request's outcome; returns once it is committed."""
        self.record.status = status
        self.services.audit_writer.write(self.record)

    def fail(self) -> None:
        """Audit a request that is failing with a server error (best effort: it is already failing)."""
        try:
            self.finish(500)
        except Exception:  # the original error matters more; the database is probably down
            log.exception("could not write the audit row of a failed request")


# ---------------------------------------------------------------- authentication and purpose

bearer = HTTPBearer(auto_error=False, description="an API key made with `hoso keys create`")


def services_of(request: Request) -> Services:
    return request.app.state.services


def authorised(scope: str, endpoint: str) -> Callable[..., Caller]:
    """Dependency: a valid key (401) with ``scope`` (403) and a stated purpose (400); refusals of a
    known client are audited too."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        services = services_of(request)
        client = services.verifier.verify(credentials.credentials) if credentials else None
        if client is None:
            raise ApiError(401, "unauthorised", "a valid API key is required (Authorization: Bearer <token>)",
                           headers={"WWW-Authenticate": "Bearer"})
        request.state.client_name = client.name
        purpose = _purpose(request.headers.get(PURPOSE_HEADER))
        record = audit.AuditRecord(client=client.name, method=request.method, endpoint=endpoint,
                                   purpose=purpose or None)
        caller = Caller(client, record, services)
        if not client.may(scope):
            caller.finish(403)
            raise ApiError(403, "forbidden", f"this key lacks the scope {scope!r}")
        if not purpose:
            caller.finish(400)
            raise ApiError(400, "purpose_required", f"state the purpose of this read in the {PURPOSE_HEADER} header")
        return caller

    return dependency


def _purpose(header: str | None) -> str:
    """The stated purpose: HTTP headers are ASCII, so non-ASCII text comes percent-encoded UTF-8."""
    from urllib.parse import unquote

    from schemas import nfc

    return nfc(unquote(header or "", errors="replace"))


def valid_id_number(caller: Caller, id_number: str) -> str:
    if not ID_NUMBER.match(id_number):
        caller.finish(422)
        raise ApiError(422, "invalid_id_number", "id_number must be 12 digits (or a 9-digit CMND number)")
    caller.about(id_number)
    return id_number


# ---------------------------------------------------------------- middleware


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
            await self._refuse(send)
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
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = orjson.dumps({"error": "request_too_large",
                             "message": f"the request body is larger than {self.max_bytes} bytes"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


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
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                route = scope.get("route")
                client = scope.get("state", {}).get("client_name", "-")
                access_log.info("%s %s %d %.1fms client=%s", scope["method"], getattr(route, "path", "-"),
                                status, (time.perf_counter() - started) * 1000, client)


# ---------------------------------------------------------------- the application


def reader_database(url: str) -> Database:
    """A second engine for the lookup path. On PostgreSQL: autocommit (no BEGIN/COMMIT round trips
    around two SELECTs; rows read are never updated in place, only added) and no pre-ping (one more
    round trip per request; a connection broken by a database restart fails one request, is
    discarded by the pool, and the next request reconnects)."""
    from records.db import Database, create_database_engine

    if url.startswith("sqlite"):
        return Database(create_database_engine(url))
    from sqlalchemy import create_engine

    engine = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=False,
                           isolation_level="AUTOCOMMIT")
    return Database(engine)


def create_app_from_env() -> FastAPI:
    return create_app(ServiceSettings.from_env())


def create_app(settings: ServiceSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        from records.db import open_database
        from records.storage.objects import open_store

        db = open_database(settings.storage.resolved_database_url)
        reads = reader_database(settings.storage.resolved_database_url)
        store = open_store(settings.storage)
        runner = make_runner(settings.upload_runner, db, store, settings.storage.data_dir)
        await anyio.to_thread.run_sync(runner.warm_up)
        # The warm-up imported Prefect and the pipeline: hundreds of thousands of long-lived objects.
        # Frozen, the collector stops rescanning them, and its full passes no longer stall every
        # request in the worker for tens of milliseconds (the p99 of lookups).
        gc.collect()
        gc.freeze()
        writer = audit.AuditWriter(db)
        app.state.services = Services(settings, db, reads, store, KeyVerifier(reads, settings.key_cache_seconds),
                                      runner, writer, anyio.CapacityLimiter(settings.upload_concurrency))
        try:
            yield
        finally:
            writer.close()
            await anyio.to_thread.run_sync(runner.close)
            reads.close()
            db.close()

    app = FastAPI(title="hoso query service", version="1", description=DESCRIPTION, lifespan=lifespan,
                  default_response_class=JSON)
    app.add_middleware(UploadSizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(AccessLog)
    _add_error_handlers(app)
    _add_routes(app)
    return app


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSON:
    return JSON({"error": code, "message": message}, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSON:
        code = getattr(exc, "code", None) or {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return _error(exc.status_code, code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSON:
        # the input itself is not echoed back: it may be an id number
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _error(422, "invalid_request", problems)

    @app.exception_handler(UploadRejected)
    async def upload_rejected(_request: Request, exc: UploadRejected) -> JSON:
        return _error(exc.status, exc.code, exc.message)


def _add_routes(app: FastAPI) -> None:  # noqa: C901 - the routes read best together
    personal = {400: {"description": f"no {PURPOSE_HEADER} header"}, 401: {"description": "no or bad key"},
                403: {"description": "the key lacks the scope"}}

    @app.get("/v1/health", tags=["service"], summary="Are the database and the object store reachable? (no auth)")
    def health(request: Request) -> JSON:
        services = services_of(request)
        checks = {"database": _database_ok(services.db), "store": _store_ok(services.store)}
        healthy = all(checks.values())
        return JSON({"status": "ok" if healthy else "degraded", **checks}, status_code=200 if healthy else 503)

    citizen_path = "/v1/citizens/{id_number}/documents"

    @app.get(citizen_path, tags=["records"], responses=personal,
             summary="A citizen's held documents: latest versions, fields with confidence and provenance")
    def citizen_documents(
        id_number: str,
        include_unusable: bool = Query(False, description="also latest versions that are expired, "
                                       "superseded or need review (each says `usable`)"),
        caller: Caller = Depends(authorised("records:read", citizen_path)),
    ) -> JSON:
        valid_id_number(caller, id_number)
        documents = caller.read(lambda session: held_by_citizen(session, id_number, on=date.today(),
                                                                include_unusable=include_unusable))
        return JSON({"documents": [present_document(d, full=caller.full) for d in documents],
                     "masked": not caller.full})

    document_path = "/v1/documents/{document_id}"

    @app.get(document_path, tags=["records"], responses=personal, summary="One document version")
    def document(document_id: int, caller: Caller = Depends(authorised("records:read", document_path))) -> JSON:
        caller.record.document_id = document_id
        found = caller.read(lambda session: document_by_id(session, document_id, on=date.today()),
                            f"no document with id {document_id}")
        return JSON({**present_document(found, full=caller.full), "masked": not caller.full})

    versions_path = "/v1/documents/{document_id}/versions"

    @app.get(versions_path, tags=["records"], responses=personal, summary="Every version of a document, oldest first")
    def versions(document_id: int, caller: Caller = Depends(authorised("records:read", versions_path))) -> JSON:
        caller.record.document_id = document_id
        found = caller.read(lambda session: versions_of(session, document_id, on=date.today()),
                            f"no document with id {document_id}")
        return JSON({"versions": [present_document(d, full=caller.full) for d in found], "masked": not caller.full})

    original_path = "/v1/documents/{document_id}/original"

    @app.get(original_path, tags=["records"], responses=personal, response_class=StreamingResponse,
             summary="Stream the stored original file a document was read from (newest, or ?sha256=)")
    def original(document_id: int, sha256: str | None = Query(None, pattern="^[0-9a-f]{64}$"),
                 caller: Caller = Depends(authorised("originals:read", original_path))) -> StreamingResponse:
        caller.record.document_id = document_id

        def pick(session: Connection) -> dict[str, Any] | None:
            files = originals_of(session, document_id)
            return next((f for f in files if sha256 in (None, f["sha256"])), None)

        chosen = caller.read(pick, "no stored original for this document")
        stream = caller.services.store.open(chosen["object_key"])
        media_type = chosen["media_type"] or "application/octet-stream"
        return StreamingResponse(_chunks(stream), media_type=media_type, headers={
            "Content-Length": str(chosen["size"]), "ETag": f'"{chosen["sha256"]}"',
            "Content-Disposition": f'attachment; filename="{chosen["sha256"]}"'})

    requirements_path = "/v1/procedures/{code}/requirements"

    @app.get(requirements_path, tags=["procedures"], responses={**personal, 404: {"description": "unknown procedure"}},
             summary="Which components of a procedure are already held for a citizen, which must be submitted")
    def requirements(code: str, id_number: str = Query(..., description="the requester's id number"),
                     caller: Caller = Depends(authorised("records:read", requirements_path))) -> JSON:
        from records.procedures import requirements as requirements_report

        valid_id_number(caller, id_number)
        try:
            report = requirements_report(caller.services.db, code, id_number)
        except KeyError:
            caller.finish(404)
            raise ApiError(404, "unknown_procedure", "no procedure with this code in the catalogue") from None
        except Exception:
            caller.fail()
            raise
        caller.finish(200)
        return JSON(_present_requirements(report.model_dump(mode="json"), full=caller.full))

    dossiers_path = "/v1/dossiers"
    upload_form = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["files", "branch", "procedure_code"],
        "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                      "description": "the dossier's files (PDF, JPEG, PNG, TIFF, WebP, GIF, BMP)"},
            "branch": {"type": "string", "description": "the receiving branch"},
            "procedure_code": {"type": "string", "description": "a procedure of the catalogue"},
            "id_number": {"type": "string", "description": "the requester's id number, if known"}}}}}}}

    @app.post(dossiers_path, tags=["dossiers"], status_code=201, openapi_extra=upload_form,
              responses={**personal, 413: {"description": "too large or too many files"},
                         415: {"description": "a file is not a PDF or an image"},
                         422: {"description": "missing or invalid form fields"}},
              summary="A branch uploads one dossier's files; returns the extracted documents and what is missing")
    async def upload_dossier(request: Request, caller: Caller = Depends(authorised("upload", dossiers_path))) -> JSON:
        try:
            upload = await _read_upload(request, caller.services.settings)
        except UploadRejected as rejected:
            await anyio.to_thread.run_sync(caller.finish, rejected.status)
            raise
        if upload.id_number:
            caller.about(upload.id_number)
        services = caller.services
        try:
            outcome = await anyio.to_thread.run_sync(services.runner.run, upload, f"api:{caller.client.name}",
                                                     limiter=services.upload_limiter)
        except Exception:
            await anyio.to_thread.run_sync(caller.fail)
            raise
        if outcome.id_number and not upload.id_number:
            caller.about(outcome.id_number)
        await anyio.to_thread.run_sync(caller.finish, 201)
        log.info("upload by %s: %s", caller.client.name, outcome_summary(outcome))
        return JSON(_present_outcome(outcome.to_json(), full=caller.full), status_code=201)

    audit_path = "/v1/audit"

    @app.get(audit_path, tags=["audit"], responses=personal, summary="Query the audit log (scope admin), newest first")
    def audit_log(
        client: str | None = Query(None, description="a client key's name"),
        id_number: str | None = Query(None, description="the subject's id number (matched through its hash, and "
                                      "through the documents the person is in)"),
        since: datetime | None = Query(None, description="ISO 8601, inclusive"),
        until: datetime | None = Query(None, description="ISO 8601, exclusive"),
        before_id: int | None = Query(None, description="page on: the smallest id of the previous page"),
        limit: int = Query(100, ge=1, le=1000),
        caller: Caller = Depends(authorised("admin", audit_path)),
    ) -> JSON:
        subject = None
        if id_number is not None:
            valid_id_number(caller, id_number)
            subject = caller.record.subject_hash
        rows = audit.query(caller.services.db, client=client, subject=subject, id_number=id_number,
                           since=_aware(since), until=_aware(until), before_id=before_id, limit=limit)
        caller.finish(200)
        return JSON({"entries": rows, "next_before_id": rows[-1]["id"] if len(rows) == limit else None})


# ---------------------------------------------------------------- helpers


async def _read_upload(request: Request, settings: ServiceSettings) -> Upload:
    """Parse and check the multipart form; raises UploadRejected before anything is stored."""
    try:
        form = await request.form(max_files=settings.max_files, max_fields=20, max_part_size=64 * 1024)
    except StarletteHTTPException as error:
        if "Too many files" in str(error.detail):
            raise UploadRejected(413, "too_many_files", f"at most {settings.max_files} files per upload") from None
        raise UploadRejected(400, "bad_form", str(error.detail)) from None
    try:
        procedure_code, branch, id_number = check_fields(
            _text(form.get("procedure_code")), _text(form.get("branch")), _text(form.get("id_number")))
        parts = [part for part in form.getlist("files") if not isinstance(part, str)]
        check_count(len(parts), settings.max_files)
        for index, part in enumerate(parts, start=1):  # sizes first: nothing big is read into memory
            check_size(f"#{index}", part.size, settings.max_file_bytes)
        files = []
        for index, part in enumerate(parts, start=1):
            data = await part.read()
            check_content(f"#{index}", data, settings.max_file_bytes)
            files.append((part.filename or f"file-{index}", data))
    finally:
        await form.close()
    return Upload(procedure_code, branch, id_number, files)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _present_requirements(report: dict[str, Any], *, full: bool) -> dict[str, Any]:
    from service.masking import mask_id_number

    if not full:
        report = {**report, "id_number": mask_id_number(report["id_number"])}
    report["to_submit"] = [c["code"] for c in report["components"] if c["status"] == "submit"]
    return report


def _present_outcome(outcome: dict[str, Any], *, full: bool) -> dict[str, Any]:
    from service.masking import mask_id_number

    requirements = outcome.get("requirements")
    files = [{**f, "documents": [ref["id"] for ref in f["documents"]]} for f in outcome["files"]]
    id_number = outcome.get("id_number")
    return {
        "dossier_id": outcome["dossier_id"],
        "id_number": id_number if full or id_number is None else mask_id_number(id_number),
        "files": files,
        "documents": [present_ref(ref, full=full) for ref in outcome["documents"]],
        "requirements": _present_requirements(requirements, full=full) if requirements else None,
        "missing": [c["code"] for c in requirements["components"] if c["status"] == "submit"] if requirements else None,
        "masked": not full,
        "timings": outcome.get("timings", {}),
    }


def _chunks(stream: Any) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _database_ok(db: Database) -> bool:
    from sqlalchemy import text

    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("health: database unreachable", exc_info=True)
        return False


def _store_ok(store: ObjectStore) -> bool:
    try:
        store.exists("health/probe")  # a HEAD on S3, a stat locally: reachable either way
        return True
    except Exception:
        log.warning("health: object store unreachable", exc_info=True)
        return False
