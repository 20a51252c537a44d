"""The branch-upload flow: one dossier of a few files from a counter, answered while the citizen waits.

Prefect's ephemeral API server costs seconds to start, so this flow is only ever run by a process
that stays up: the query service calls ``warm_up()`` at start-up and ``run_branch_upload`` per
upload (in-process), or ``flows/serve.py`` serves it as a deployment. Never start it cold per upload.

File bytes never become flow parameters (Prefect would store them, base64, in its run history):
``run_branch_upload`` hands them over through an in-process registry keyed by a random token; a
served deployment reads them from paths instead.
"""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import prefect.context
from prefect import flow, get_run_logger, tags, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, Settings as PrefectSettings

from flows.common import connections, retry_if_transient
from records.db import Database
from records.ingest import open_dossier
from records.storage.objects import ObjectStore
from schemas.errors import NotFound
from schemas.settings import Settings, load_settings
from usecases.intake import DossierOutcome, ingest_dossier, is_transient

if TYPE_CHECKING:  # a Protocol: at run time Prefect would try to build a parameter schema from it, and fail
    from pipeline.read import OcrEngine

BRANCH_RETRY_DELAYS_S = [0.5, 2]  # someone is waiting at the counter: retry soon, give up soon


class _Upload:
    def __init__(self, db: Database, store: ObjectStore, files: list[tuple[str, bytes]],
                 engine: OcrEngine | None) -> None:
        self.db, self.store, self.files, self.engine = db, store, files, engine


_uploads: dict[str, _Upload] = {}
_uploads_lock = threading.Lock()
_warm = threading.Event()


_quiet: list[tuple[PrefectSettings, PrefectSettings]] = []  # (settings, the same without heartbeat): the newest


def open_dossier_retrying(upload: str, procedure_code: str, branch: str | None, actor: str) -> int:
    """Open the dossier in the flow's own body, retried as a task would be (transient faults, soon): a task run of
    its own cost a few API calls and their events per upload for one INSERT."""
    for delay in [*BRANCH_RETRY_DELAYS_S, None]:
        try:
            return open_dossier(_upload(upload).db, procedure_code, branch, actor=actor)
        except Exception as error:
            if delay is None or not is_transient(error):
                raise
            get_run_logger().warning("opening the dossier failed (%s): retried in %s s", type(error).__name__, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


@task(name="ingest-dossier", task_run_name="ingest-dossier-{dossier_id}", retries=len(BRANCH_RETRY_DELAYS_S),
      retry_delay_seconds=BRANCH_RETRY_DELAYS_S, retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def ingest_dossier_task(upload: str, dossier_id: int, procedure_code: str, branch: str | None,
                        id_number: str | None, actor: str) -> DossierOutcome:
    # A retry continues the same dossier: every step of ingest_dossier is idempotent.
    held = _upload(upload)
    return ingest_dossier(held.db, held.store, held.files, procedure_code=procedure_code, branch=branch,
                          id_number=id_number, actor=actor, dossier_id=dossier_id, engine=held.engine)


@flow(name="hoso-branch-upload", persist_result=False, validate_parameters=False, log_prints=False)
def branch_upload_flow(
    upload: str | None = None,
    procedure_code: str = "",
    branch: str | None = None,
    id_number: str | None = None,
    actor: str = "hoso",
    paths: list[str] | None = None,
    settings: Settings | None = None,
) -> DossierOutcome | None:
    """One dossier: ``upload`` is an in-process token from ``run_branch_upload``; a served deployment
    passes ``paths`` (files the server can read) instead. No procedure: a warm-up run, nothing done."""
    if not procedure_code:
        return None
    if upload is None:
        upload = _hold_paths(paths or [], settings)
    try:
        dossier_id = open_dossier_retrying(upload, procedure_code, branch, actor)
        outcome = ingest_dossier_task(upload, dossier_id, procedure_code, branch, id_number, actor)
    finally:
        if paths is not None:
            _release(upload)
    get_run_logger().info("dossier %s: files %s, %d document(s)", outcome.dossier_id,
                          [f.status for f in outcome.files], len(outcome.documents))
    return outcome


def run_branch_upload(
    db: Database,
    store: ObjectStore,
    files: list[tuple[str, bytes]],
    *,
    procedure_code: str,
    branch: str | None,
    id_number: str | None = None,
    actor: str = "hoso",
    engine: OcrEngine | None = None,
) -> DossierOutcome:
    """Run the branch-upload flow in this process on files already in memory (call ``warm_up`` first)."""
    token = secrets.token_urlsafe(12)
    with _uploads_lock:
        _uploads[token] = _Upload(db, store, files, engine)
    try:
        # the flow run and its task runs tagged with the branch and the procedure, as supervisors filter them
        with _no_heartbeat(), tags(f"branch:{branch or 'none'}", f"procedure:{procedure_code}"):
            outcome = branch_upload_flow(upload=token, procedure_code=procedure_code, branch=branch,
                                         id_number=id_number, actor=actor)
    finally:
        _release(token)
    assert outcome is not None
    return outcome


def warm_up() -> float:
    """Start Prefect's API (ephemeral, or connect to PREFECT_API_URL) and run the flow once with nothing
    to do, so the first citizen does not wait for it (the pipeline is imported with this module).
    Returns the seconds spent."""
    started = time.perf_counter()
    if not _warm.is_set():
        with _no_heartbeat():
            branch_upload_flow()
        _warm.set()
    return round(time.perf_counter() - started, 3)


def _no_heartbeat() -> Any:
    """No flow-run heartbeat thread for these seconds-long runs: joining it at the end of a run
    costs up to 1 s (measured: 1.1 s → 0.6 s per run); the service reports a crashed upload itself.

    The settings without it are built once per settings they derive from (``temporary_settings`` rebuilt all of
    Prefect's settings from the environment and its files on every upload: about a third of the flow's CPU here)."""
    context = prefect.context.get_settings_context()
    known = _quiet[-1] if _quiet else None
    if known is None or known[0] is not context.settings:  # first run, or the settings were changed since
        known = (context.settings, context.settings.copy_with_update(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}))
        _quiet[:] = [known]
    return prefect.context.SettingsContext(profile=context.profile, settings=known[1])


def _upload(token: str) -> _Upload:
    with _uploads_lock:
        held = _uploads.get(token)
    if held is None:
        raise NotFound("unknown upload token (uploads are held only in the process that received them)")
    return held


def _release(token: str) -> None:
    with _uploads_lock:
        _uploads.pop(token, None)


def _hold_paths(paths: list[str], settings: Settings | None) -> str:
    db, store = connections(settings or load_settings())
    files = [(Path(path).name, Path(path).read_bytes()) for path in paths]
    token = secrets.token_urlsafe(12)
    with _uploads_lock:
        _uploads[token] = _Upload(db, store, files, None)
    return token


def outcome_counts(outcome: Any) -> dict[str, Any]:
    """What may be logged about an upload: ids and statuses, no names or numbers."""
    return {"dossier_id": outcome.dossier_id, "files": [f.status for f in outcome.files],
            "documents": len(outcome.documents)}
