"""The query service (FastAPI): records by citizen, requirements by procedure, uploads from branches.

``create_app(settings)`` builds it; ``hoso serve`` runs ``create_app_from_env`` under uvicorn.
Bodies are the models of ``schemas.records`` and ``service.models``; errors are problems
(``service.problems``); the audit rows are written by ``service.middleware.AuditTrail``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import anyio
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from sqlalchemy import create_engine, text

from records.db import Database, create_database_engine, open_database
from records.procedures import load_catalogue
from records.requirements import requirements as requirements_report
from records.storage.objects import open_store
from schemas.errors import NotFound, UnknownProcedure
from schemas.records import SchemaName, json_schema
from service import audit
from service.access import authorise
from service.config import ServiceSettings
from service.docs import add_docs
from service.keys import SCOPES, Client, KeyVerifier
from service.masking import __doc__ as MASKING_DOC
from service.masking import mask_id_number
from service.middleware import ANONYMOUS, AccessLog, AuditTrail, UploadSizeLimit
from service.models import (
    AuditPage, CitizenDocuments, DocumentVersion, DocumentVersions, Health, ModelResponse, Requirements,
)
from service.params import (
    ID_NUMBER_PATTERN, KEY_NAME_PATTERN, MAX_ID, PURPOSE, PURPOSE_HEADER, DocumentId, IdNumberPath,
    Instant, ascii_integer,
)
from service.problems import (
    PROBLEM_MEDIA_TYPE, add_problem_handlers, problem_media_type, problems,
)
from service.queries import (
    document_by_id, held_by_citizen, originals_of, present_document, versions_of,
)
from service.counter import router as counter_router
from service.review import router as review_router
from service.supervision import add_supervision
from service.uploads import make_runner

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from records.procedures import Procedure
    from records.storage.objects import ObjectStore
    from service.uploads import DossierRunner

log = logging.getLogger("hoso.service")
T = TypeVar("T")
CHUNK_BYTES = 64 * 1024
ORIGINAL_MEDIA_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp", "image/gif",
                        "image/bmp", "application/octet-stream")

DESCRIPTION = f"""
Other systems (the procedure-handling system, citizen apps, branch counters) read what hoso
digitised instead of asking citizens again.

**Authentication.** Every endpoint except `/v1/health` and `/v1/schema/...` needs
`Authorization: Bearer <token>`, a key made with `hoso keys create --name NAME --scope ...` (shown
once; only its sha256 is stored). No or a bad key: **401**. A key without the endpoint's scope:
**403**. Scopes:

{chr(10).join(f"- `{name}`: {text}" for name, text in SCOPES.items())}

**Purpose.** Every request that reads personal data (citizens, documents, originals, requirements,
uploads, the audit log) must state why in the `{PURPOSE_HEADER}` header (e.g. a case number;
non-ASCII text as percent-encoded UTF-8, `h%E1%BB%93%20s%C6%A1` for `hồ sơ`): **400** without it.

**Audit.** Each such request, and every refused or failed request to any endpoint (a request
without a valid key too, as client `{ANONYMOUS}`), appends a row to an append-only audit log before
it is answered: the client key's name, the endpoint (route template, never the raw path), the
subject's id number as a keyed hash (HMAC-SHA256) or the document id, the time, the stated purpose
and the status code. Administrators (`admin`) query it at `GET /v1/audit`. The service's own logs
carry no names and no id numbers.

**Masking.** Without `records:full`, personal fields are masked:
{MASKING_DOC}
**Identifiers.** Document ids are whole numbers in ASCII digits, 1 to 2^63-1. Id numbers are exactly
12 ASCII digits (CCCD) or 9 (CMND).

**Records** are described by JSON Schema too: `GET /v1/schema/document` (a held document version)
and `GET /v1/schema/document-summary` (a document as an upload returns it).

**Errors** are `{PROBLEM_MEDIA_TYPE}` (RFC 9457): `type` (`urn:hoso:problem:<code>`), `title`,
`status`, `detail` and a stable `code`; an invalid request (422, `invalid_request`) lists each bad
parameter in `errors` without repeating its value. Unexpected errors are 500 `internal_error`,
with no details.
"""


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
    """An authenticated, authorised request with its pending audit row (``AuditTrail`` writes it with
    the status the request is answered with)."""

    client: Client
    record: audit.AuditRecord
    services: Services

    @property
    def full(self) -> bool:
        return self.client.may("records:full")

    def about(self, id_number: str) -> None:
        self.record.subject_hash = audit.subject_hash(self.services.settings.audit_secret, id_number)

    def read(self, work: Callable[[Connection], T | None], missing: str = "not found") -> T:
        """Run ``work`` on a read connection; None is a 404. A Core connection, not an ORM session:
        the session's bookkeeping is a third of a lookup's CPU."""
        document_id = self.record.document_id
        if document_id is not None and document_id > audit.MAX_STORED_ID:  # valid, but nothing can have it
            raise NotFound(missing)
        with self.services.reads.engine.connect() as connection:
            result = work(connection)
        if result is None:
            raise NotFound(missing)
        return result


# ---------------------------------------------------------------- authentication and purpose

bearer = HTTPBearer(auto_error=False, description="an API key made with `hoso keys create`")


def services_of(request: Request) -> Services:
    return request.app.state.services


def authorised(scope: str, endpoint: str) -> Callable[..., Caller]:
    """Dependency: a valid key (401) with ``scope`` (403) and a stated purpose (400). It leaves the
    request's audit row in ``request.state.audit``: refusals of a known client are audited as his."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        client, record = authorise(request, credentials, scope, endpoint)
        return Caller(client, record, services_of(request))

    return dependency


# ---------------------------------------------------------------- the application


def reader_database(url: str) -> Database:
    """A second engine for the lookup path. On PostgreSQL: autocommit (no BEGIN/COMMIT round trips
    around two SELECTs; rows read are never updated in place, only added) and no pre-ping (one more
    round trip per request; a connection broken by a database restart fails one request, is
    discarded by the pool, and the next request reconnects)."""
    if url.startswith("sqlite"):
        return Database(create_database_engine(url))
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=False,
                           isolation_level="AUTOCOMMIT")
    return Database(engine)


def create_app_from_env() -> FastAPI:
    return create_app(ServiceSettings.from_env())


def create_app(settings: ServiceSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        db = open_database(settings.storage.resolved_database_url)
        reads = reader_database(settings.storage.resolved_database_url)
        store = open_store(settings.storage)
        runner = make_runner(settings.upload_runner, db, store, settings.storage.data_dir, settings.storage)
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
                  default_response_class=ModelResponse, docs_url=None, redoc_url=None)
    # outermost last: AccessLog sees the final status, AuditTrail audits the 413 of UploadSizeLimit
    app.add_middleware(UploadSizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(AuditTrail)
    app.add_middleware(AccessLog)
    add_problem_handlers(app)
    add_docs(app)
    _add_routes(app, settings)
    app.include_router(review_router)  # the review API and the reviewer's pages (service/review.py)
    app.include_router(counter_router)  # uploads at the counter: quality, components, consent (service/counter.py)
    add_supervision(app)  # the supervision API, /metrics and the supervisor's page (service/supervision.py)
    _document_problems(app)
    return app


def _document_problems(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_media_type(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_routes(app: FastAPI, settings: ServiceSettings) -> None:  # noqa: C901 - the routes read best together
    codes = [p.code for p in load_catalogue().procedures]
    personal = problems(400, 401, 403, 422, 500, 503)
    missing = problems(404, described={404: "no such document (`not_found`)"})

    @app.get("/v1/health", tags=["service"], response_model=Health,
             responses={503: {"model": Health, "description": "the database or the object store is unreachable"},
                        **problems(500)},
             summary="Are the database and the object store reachable? (no auth)")
    def health(request: Request) -> ModelResponse:
        services = services_of(request)
        checks = {"database": _database_ok(services.db), "store": _store_ok(services.store)}
        healthy = all(checks.values())
        return ModelResponse(Health(status="ok" if healthy else "degraded", **checks),
                             status_code=200 if healthy else 503)

    @app.get("/v1/schema/{name}", tags=["service"], response_model=dict[str, Any], responses=problems(422, 500),
             summary="The JSON Schema (draft 2020-12) of a record as served (no auth)")
    def record_schema(name: Annotated[SchemaName, Path(
            description="`document`: a held document version (`/v1/citizens/...`, `/v1/documents/...`); "
                        "`document-summary`: a document as an upload returns it")]) -> ModelResponse:
        return ModelResponse(json_schema(name))

    citizen_path = "/v1/citizens/{id_number}/documents"

    @app.get(citizen_path, tags=["records"], response_model=CitizenDocuments, responses=personal,
             openapi_extra=PURPOSE,
             summary="A citizen's held documents: latest versions, fields with confidence and provenance")
    def citizen_documents(
        id_number: IdNumberPath,
        include_unusable: bool = Query(False, description="also latest versions that are expired, "
                                       "superseded or need review (each says `usable`)"),
        caller: Caller = Depends(authorised("records:read", citizen_path)),
    ) -> ModelResponse:
        caller.about(id_number)
        documents = caller.read(lambda session: held_by_citizen(session, id_number, on=date.today(),
                                                                include_unusable=include_unusable))
        return ModelResponse(CitizenDocuments.model_validate(
            {"documents": [present_document(d, full=caller.full) for d in documents], "masked": not caller.full}))

    document_path = "/v1/documents/{document_id}"

    @app.get(document_path, tags=["records"], response_model=DocumentVersion, responses={**personal, **missing},
             openapi_extra=PURPOSE, summary="One document version")
    def document(document_id: DocumentId,
                 caller: Caller = Depends(authorised("records:read", document_path))) -> ModelResponse:
        caller.record.document_id = document_id
        found = caller.read(lambda session: document_by_id(session, document_id, on=date.today()),
                            f"no document with id {document_id}")
        return ModelResponse(DocumentVersion.model_validate(
            {**present_document(found, full=caller.full), "masked": not caller.full}))

    versions_path = "/v1/documents/{document_id}/versions"

    @app.get(versions_path, tags=["records"], response_model=DocumentVersions, responses={**personal, **missing},
             openapi_extra=PURPOSE, summary="Every version of a document, oldest first")
    def versions(document_id: DocumentId,
                 caller: Caller = Depends(authorised("records:read", versions_path))) -> ModelResponse:
        caller.record.document_id = document_id
        found = caller.read(lambda session: versions_of(session, document_id, on=date.today()),
                            f"no document with id {document_id}")
        return ModelResponse(DocumentVersions.model_validate(
            {"versions": [present_document(d, full=caller.full) for d in found], "masked": not caller.full}))

    original_path = "/v1/documents/{document_id}/original"
    binary = {"schema": {"type": "string", "format": "binary"}}

    @app.get(original_path, tags=["records"], response_class=StreamingResponse, openapi_extra=PURPOSE,
             responses={200: {"description": "the file's bytes, as received (its media type; ETag: its sha256)",
                              "content": {media_type: binary for media_type in ORIGINAL_MEDIA_TYPES}},
                        **personal, **problems(404, described={404: "no such document, or no stored original "
                                                                    "of it (with that sha256)"})},
             summary="Stream the stored original file a document was read from (newest, or ?sha256=)")
    def original(document_id: DocumentId,
                 sha256: str | None = Query(None, pattern="^[0-9a-f]{64}$",
                                            description="which original, when several were read"),
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

    @app.get(requirements_path, tags=["procedures"], response_model=Requirements, openapi_extra=PURPOSE,
             responses={**personal, **problems(404, described={404: "no procedure with this code in the "
                                                                    "catalogue (`unknown_procedure`)"})},
             summary="Which components of a procedure are already held for a citizen, which must be submitted")
    def requirements(code: str = Path(description="a procedure of the catalogue (404 for another)",
                                      json_schema_extra={"enum": codes}),  # a default: it names a local
                     id_number: str = Query(pattern=ID_NUMBER_PATTERN,
                                            description="the requester's id number: 12 ASCII digits, or 9 (CMND)"),
                     caller: Caller = Depends(authorised("records:read", requirements_path))) -> ModelResponse:
        caller.about(id_number)
        procedure(code)
        report = requirements_report(caller.services.db, code, id_number)
        return ModelResponse(_present_requirements(report.model_dump(), full=caller.full))

    audit_path = "/v1/audit"

    @app.get(audit_path, tags=["audit"], response_model=AuditPage, responses=personal, openapi_extra=PURPOSE,
             summary="Query the audit log (scope admin), newest first")
    def audit_log(
        client: Annotated[str | None, Query(pattern=KEY_NAME_PATTERN,
                                            description=f"a client key's name, or `{ANONYMOUS}`")] = None,
        id_number: Annotated[str | None, Query(
            pattern=ID_NUMBER_PATTERN, description="the subject's id number (matched through its hash, and "
                                                   "through the documents the person is in)")] = None,
        since: Annotated[Instant, Query(description="RFC 3339 (with offset), inclusive")] = None,
        until: Annotated[Instant, Query(description="RFC 3339 (with offset), exclusive")] = None,
        before_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="page on: the smallest id of the "
                                                                            "previous page"),
                             BeforeValidator(ascii_integer)] = None,
        limit: Annotated[int, Query(ge=1, le=1000), BeforeValidator(ascii_integer)] = 100,
        caller: Caller = Depends(authorised("admin", audit_path)),
    ) -> ModelResponse:
        subject = None
        if id_number is not None:
            caller.about(id_number)
            subject = caller.record.subject_hash
        rows = audit.query(caller.services.db, client=client, subject=subject, id_number=id_number,
                           since=since, until=until, before_id=before_id, limit=limit)
        return ModelResponse(AuditPage.model_validate(
            {"entries": rows, "next_before_id": rows[-1]["id"] if len(rows) == limit else None}))


def procedure(code: str) -> Procedure:
    """The catalogue's procedure ``code``; ``UnknownProcedure`` (404) when there is none."""
    catalogue = load_catalogue()
    try:
        return catalogue.procedure(code)
    except (UnknownProcedure, KeyError):  # KeyError: the catalogue's lookup before the error tree
        known = ", ".join(p.code for p in catalogue.procedures)
        raise UnknownProcedure(f"no procedure with this code in the catalogue; known: {known}") from None


# ---------------------------------------------------------------- helpers


def _present_requirements(report: dict[str, Any], *, full: bool) -> Requirements:
    id_number = report["id_number"] if full else mask_id_number(report["id_number"])
    to_submit = [c["code"] for c in report["components"] if c["status"] == "missing"]
    return Requirements.model_validate({**report, "id_number": id_number, "to_submit": to_submit})


def _chunks(stream: Any) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk


def _database_ok(db: Database) -> bool:
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
