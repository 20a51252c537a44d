"""Branch uploads: check a dossier's files BEFORE anything is stored, then run the ingest.

Checks (in this order, each a clear 4xx): field values (422: exactly as documented, nothing
trimmed but the branch's blanks), file count (413 above the limit, 422 for none), each file's size (413), then
each file fully decoded as the pipeline will decode it (``pipeline.load.check_decodable``, every page once, in a
worker thread): 415 empty or not a PDF or an image we read, 422 corrupt or password-protected, 413 a decompression
bomb or too many pixels or pages. A refusal cites the file by its position (#2), never its name. Only when every
file passes does ``ingest_dossier`` see them, so a refused upload leaves no original, no object and no dossier
behind. Quality checks (``read_files``: nothing stored) only check the type: they decode each file themselves and
report one that cannot be read as ``unreadable``.

Then the counter use case (``usecases.counter.receive``: capture quality, the ingest, the dossier's
components) runs, by default in a pool of upload worker processes, one per core (``PoolRunner``,
``HOSO_UPLOAD_PROCESSES``): uploads from several counters are read at once, first come first served.
Inside a process, ``HOSO_UPLOAD_RUNNER`` says how the ingest runs: ``direct`` calls
``usecases.intake.ingest_dossier``; ``flow`` runs the Prefect branch-upload flow (warmed up when the
process starts, so no upload pays Prefect's cold start). ``HOSO_UPLOAD_PROCESSES=0`` runs uploads in the
API process instead, ``HOSO_UPLOAD_CONCURRENCY`` at a time.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import re
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import numpy as np
from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from flows.environment import start_temporary_server, stop_temporary_server, use_local_prefect, wait_for_api_server
from pipeline.load import check_decodable, detect_media_type
from pipeline.read import TesseractEngine
from records.db import open_database
from records.procedures import load_catalogue
from records.storage.objects import open_store
from schemas.errors import BadInput, EmptyInput, HosoError, UnknownProcedure
from schemas.settings import Settings, load_settings
from service.audit import clean_text
from usecases.counter import receive

if TYPE_CHECKING:
    from records.db import Database
    from records.storage.objects import ObjectStore
    from usecases.counter import CounterOutcome, Ingest

log = logging.getLogger(__name__)
ID_NUMBER = re.compile(r"[0-9]{12}|[0-9]{9}")  # use with fullmatch: $ would also match before a final newline
MAX_NAME_CHARS = 255
DECODE_CHECKS = max(1, os.cpu_count() or 1)  # files decoded at once by the upload checks


class UploadRejected(HosoError):
    """A refused upload: HTTP status, a stable code and a reason a clerk can act on."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.http_status, self.code = status, code

    @property
    def status(self) -> int:
        return self.http_status


class UploadInterrupted(HosoError):
    """The process reading an upload stopped (a crash): nothing was answered; the branch sends it again."""

    code = "upload_interrupted"
    http_status = 503


@dataclass(frozen=True)
class Upload:
    """A checked upload, ready to ingest."""

    procedure_code: str
    branch: str
    id_number: str | None
    files: list[tuple[str, bytes]]


def check_fields(procedure_code: str | None, branch: str | None, id_number: str | None) -> tuple[str, str, str | None]:
    """The form's values as given: a procedure code of the catalogue, a branch with some text (control
    characters dropped), an id number of exactly 12 or 9 ASCII digits or none (absent or empty)."""
    if not procedure_code:
        raise UploadRejected(422, "missing_field", "procedure_code is required")
    branch = clean_text(branch or "").strip()
    if not branch:
        raise UploadRejected(422, "missing_field", "branch is required")
    catalogue = load_catalogue()
    try:
        catalogue.procedure(procedure_code)
    except (KeyError, UnknownProcedure):
        known = ", ".join(p.code for p in catalogue.procedures)
        raise UploadRejected(422, "unknown_procedure", f"procedure_code is not in the catalogue; known: {known}") \
            from None
    if id_number and not ID_NUMBER.fullmatch(id_number):
        raise UploadRejected(422, "invalid_id_number", "id_number must be 12 ASCII digits (or 9, a CMND number)")
    return procedure_code, branch[:MAX_NAME_CHARS], id_number or None


def check_count(count: int, max_files: int) -> None:
    if count == 0:
        raise UploadRejected(422, "no_files", "send the dossier's files as multipart parts named 'files'")
    if count > max_files:
        raise UploadRejected(413, "too_many_files", f"at most {max_files} files per upload")


# Files are cited by position ("#2"), not by name: a branch's file name may hold a citizen's name.
def check_size(label: str, size: int | None, max_bytes: int) -> None:
    if size is not None and size > max_bytes:
        raise UploadRejected(413, "file_too_large",
                             f"file {label} is larger than {max_bytes // (1024 * 1024)} MiB")


def check_type(label: str, data: bytes, max_bytes: int) -> None:
    """The size and the type from the first bytes (415): for quality checks, which decode the file themselves."""
    check_size(label, len(data), max_bytes)
    try:
        detect_media_type(data)
    except HosoError as error:
        raise UploadRejected(415, error.code, f"file {label}: {error.message}") from None


def check_content(label: str, data: bytes, max_bytes: int) -> None:
    """The size, then the whole file decoded as the pipeline will (every page once): CPU work, off the event loop.
    The status is the loader's (415 type, 422 corrupt or encrypted, 413 too large or a bomb), but an empty file's
    stays 415, as documented before files were decoded. No name is given to the loader: its reason may not echo it."""
    check_size(label, len(data), max_bytes)
    try:
        check_decodable(data)
    except BadInput as error:
        status = 415 if isinstance(error, EmptyInput) else error.http_status
        raise UploadRejected(status, error.code, f"file {label}: {error.message}") from None


# ---------------------------------------------------------------- reading the form


async def read_files(request: Request, settings: Any) -> list[tuple[str, bytes]]:
    """A quality check's files: sizes and types checked, not decoded (the check decodes them itself)."""
    form = await _form(request, settings)
    try:
        return await form_files(form, settings, decode=False)
    finally:
        await form.close()


async def read_upload(request: Request, settings: Any) -> Upload:
    """Parse and check the multipart form; raises UploadRejected before anything is stored."""
    form = await _form(request, settings)
    try:
        procedure_code, branch, id_number = check_fields(
            _text(form.get("procedure_code")), _text(form.get("branch")), _text(form.get("id_number")))
        files = await form_files(form, settings)
    finally:
        await form.close()
    return Upload(procedure_code, branch, id_number, files)


async def _form(request: Request, settings: Any) -> Any:
    try:
        return await request.form(max_files=settings.max_files, max_fields=20, max_part_size=64 * 1024)
    except StarletteHTTPException as error:
        if "Too many files" in str(error.detail):
            raise UploadRejected(413, "too_many_files", f"at most {settings.max_files} files per upload") from None
        raise UploadRejected(400, "bad_form", str(error.detail)) from None


async def form_files(form: Any, settings: Any, *, decode: bool = True) -> list[tuple[str, bytes]]:
    """The form's files, each checked (``decode``: fully decoded, in a worker thread, ``DECODE_CHECKS`` at once)."""
    parts = [part for part in form.getlist("files") if not isinstance(part, str)]
    check_count(len(parts), settings.max_files)
    for index, part in enumerate(parts, start=1):  # sizes first: nothing big is read into memory
        check_size(f"#{index}", part.size, settings.max_file_bytes)
    files = []
    for index, part in enumerate(parts, start=1):
        data = await part.read()
        if decode:
            await anyio.to_thread.run_sync(check_content, f"#{index}", data, settings.max_file_bytes,
                                           limiter=decode_limiter())
        else:
            check_type(f"#{index}", data, settings.max_file_bytes)
        files.append((clean_text(part.filename or "") or f"file-{index}", data))
    return files


_decode_limiter: anyio.CapacityLimiter | None = None


def decode_limiter() -> anyio.CapacityLimiter:
    """Files decoded at once in the API process, across uploads (``DECODE_CHECKS``): one per core, so that a burst
    of uploads holds a few decoded pages in memory, not dozens. Made on first use (it needs the event loop)."""
    global _decode_limiter
    if _decode_limiter is None:
        _decode_limiter = anyio.CapacityLimiter(DECODE_CHECKS)
    return _decode_limiter


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# ---------------------------------------------------------------- running


class DossierRunner(Protocol):
    """Runs the counter use case (``usecases.counter.receive``) on checked uploads."""

    def warm_up(self) -> None: ...

    def close(self) -> None: ...

    async def receive(self, upload: Upload, actor: str, limiter: anyio.CapacityLimiter) -> CounterOutcome: ...


class _InProcess:
    """Uploads in a worker thread of the API process itself, ``limiter`` (``HOSO_UPLOAD_CONCURRENCY``) at once."""

    def __init__(self, db: Database, store: ObjectStore) -> None:
        self.db, self.store = db, store

    def ingest(self) -> Ingest | None:
        return None  # usecases.intake.ingest_dossier

    def run(self, upload: Upload, actor: str) -> CounterOutcome:
        return receive(self.db, self.store, upload.files, procedure_code=upload.procedure_code,
                       branch=upload.branch, id_number=upload.id_number, actor=actor, ingest=self.ingest())

    async def receive(self, upload: Upload, actor: str, limiter: anyio.CapacityLimiter) -> CounterOutcome:
        return await anyio.to_thread.run_sync(self.run, upload, actor, limiter=limiter)


class DirectRunner(_InProcess):
    """``ingest_dossier`` in a worker thread of the API process."""

    def warm_up(self) -> None:
        pass  # the use case and the pipeline are imported with this module: the first upload pays no imports

    def close(self) -> None:
        pass


class FlowRunner(_InProcess):
    """The Prefect branch-upload flow (``flows.branch_upload``) run in the API process."""

    def __init__(self, db: Database, store: ObjectStore, data_dir: Path) -> None:
        super().__init__(db, store)
        self.data_dir = data_dir

    def warm_up(self) -> None:
        use_local_prefect(self.data_dir)  # before prefect is imported: its home under our data dir
        from flows.branch_upload import warm_up  # imports Prefect (~2 s): only with the flow runner, after the above

        log.warning("branch-upload flow warmed up in %.1f s", warm_up())

    def ingest(self) -> Ingest | None:
        from flows.branch_upload import run_branch_upload  # Prefect: imported by warm_up, after use_local_prefect

        return run_branch_upload

    def close(self) -> None:
        """Stop the Prefect API server the warm-up started. Prefect stops it at exit, but uvicorn's
        worker processes end with os._exit (no atexit): without this each left an orphan server."""
        from prefect.server.api.server import SubprocessASGIServer  # Prefect: only the flow runner loads it

        for server in list(SubprocessASGIServer._instances.values()):
            server.stop()


class PoolRunner:
    """Uploads in a pool of worker processes (``HOSO_UPLOAD_PROCESSES``, by default one per core), first come,
    first served: several uploads are read at once on all cores, and none waits behind the API process's GIL.

    Each process opens the database and the object store once, and is warmed up when the service starts
    (imports, Tesseract's model, the branch-upload flow when ``HOSO_UPLOAD_RUNNER=flow``): no citizen waits for
    that. With the flow runner the processes share one Prefect API server (the one ``hoso serve`` started for
    its workers, or one started here). The processes ignore Ctrl-C: the service stops them when it stops, after
    the uploads under way.
    """

    def __init__(self, settings: Settings, kind: str, processes: int) -> None:
        self.settings, self.kind, self.processes = settings, kind, processes
        self.pool: ProcessPoolExecutor | None = None
        self.started_prefect = False

    def warm_up(self) -> None:
        if self.kind == "flow" and not os.environ.get("PREFECT_API_URL"):
            use_local_prefect(self.settings.data_dir)
            os.environ["PREFECT_API_URL"] = start_temporary_server()  # inherited by the processes spawned next
            self.started_prefect = True
            wait_for_api_server()
        started = time.perf_counter()
        self.pool = self._new_pool()
        # one warm-up per process, all at once: each blocks its process until that one is warm
        pids = list(self.pool.map(_warm_worker, [0.3] * self.processes))
        log.warning("%d upload worker process(es) warm in %.1f s (%s runner): %s", self.processes,
                    time.perf_counter() - started, self.kind, sorted(set(pids)))

    async def receive(self, upload: Upload, actor: str, limiter: anyio.CapacityLimiter) -> CounterOutcome:
        pool = self.pool
        if pool is None:
            raise RuntimeError("the upload workers are not started")
        try:
            return await asyncio.wrap_future(pool.submit(_receive_in_worker, upload, actor))
        except BrokenProcessPool:
            # A process died under an upload (a crash while reading): the pool is unusable from now on, so a new
            # one takes its place; this upload is not answered (the same file crashing three times is quarantined).
            log.error("an upload worker process stopped while reading: the upload workers are started again")
            if self.pool is pool:
                self.pool = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            raise UploadInterrupted("a reading process stopped while reading this upload: send it again") from None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(self.settings, self.kind))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.started_prefect:
            stop_temporary_server()


def make_runner(kind: str, db: Database, store: ObjectStore, data_dir: Path,
                settings: Settings | None = None) -> DossierRunner:
    """The runner ``HOSO_UPLOAD_PROCESSES`` and ``HOSO_UPLOAD_RUNNER`` ask for (``settings``: the service's; else
    this process's environment)."""
    settings = settings or load_settings()
    processes = settings.upload_processes if settings.upload_processes is not None else default_processes()
    if processes > 0:
        return PoolRunner(settings, kind, processes)
    return FlowRunner(db, store, data_dir) if kind == "flow" else DirectRunner(db, store)


def default_processes() -> int:
    return max(1, os.cpu_count() or 1)


def outcome_summary(outcome: CounterOutcome) -> dict[str, Any]:
    """What the service logs about an upload: counts, statuses and verdict codes, no names or numbers."""
    return {"dossier_id": outcome.dossier_id, "files": [f["status"] for f in outcome.outcome["files"]],
            "documents": len(outcome.outcome["documents"]),
            "quality": [sorted({v.code for p in q.pages for v in p.verdicts} | {v.code for v in q.verdicts})
                        for q in outcome.quality],
            "missing": outcome.view.missing, "seconds": outcome.timings.get("total")}


# ---------------------------------------------------------------- inside an upload worker process

_worker: dict[str, Any] = {}


def _start_worker(settings: Settings, kind: str) -> None:
    """A pool process's start: its own connections (and the flow, warmed up), Ctrl-C left to the service."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _worker["db"] = open_database(settings.resolved_database_url)
    _worker["store"] = open_store(settings)
    _worker["ingest"] = None
    if kind == "flow":
        use_local_prefect(settings.data_dir)
        from flows.branch_upload import run_branch_upload, warm_up  # imports Prefect: after use_local_prefect

        log.warning("branch-upload flow warmed up in %.1f s (process %d)", warm_up(), os.getpid())
        _worker["ingest"] = run_branch_upload


def _warm_worker(hold_s: float) -> int:
    """Load what the first upload would (the use case, Tesseract's model), then hold the process a moment so
    that each process of the pool takes one of these."""
    if not _worker.get("warm"):
        TesseractEngine().read(np.full((48, 240), 255, np.uint8), psm=7)
        gc.collect()
        gc.freeze()  # the imports' long-lived objects: full collections no longer rescan them
        _worker["warm"] = True
    time.sleep(hold_s)
    return os.getpid()


def _receive_in_worker(upload: Upload, actor: str) -> CounterOutcome:
    return receive(_worker["db"], _worker["store"], upload.files, procedure_code=upload.procedure_code,
                   branch=upload.branch, id_number=upload.id_number, actor=actor, ingest=_worker["ingest"])
