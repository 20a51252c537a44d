"""What the flows share: Prefect's local environment, per-process connections, retry rules, sources.

Tasks receive ``Settings`` (plain, picklable) rather than open connections, so the same task runs
in a thread of this process or in a Dask worker on another machine; each process opens the database
and the object store once and reuses them.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from records.db import Database
    from records.storage.config import Settings
    from records.storage.objects import ObjectStore

# What a batch picks up from a folder; everything else (ground-truth JSON, notes) is skipped.
DOCUMENT_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp"})
STORE_SCHEME = "store:"  # a source "store:incoming/2026-11-20/" is an object-store prefix
RETRY_DELAYS_S = [2, 10, 30]  # a restarting object store or a locked database gets time to recover

_connections: dict[str, tuple[Database, ObjectStore]] = {}
_connections_lock = threading.Lock()


def use_local_prefect(data_dir: Path | None = None) -> None:
    """Prefect's ephemeral mode for a local run, unless a server is configured (PREFECT_API_URL).

    Must run before ``import prefect``: its home (SQLite run history) goes under our data dir so a
    fresh checkout needs no setup, and nothing phones home.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The first start on an empty home migrates its SQLite (≈16 s, more on a busy machine): the
    # default 20 s timeout failed a fresh `hoso run` here.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if data_dir is not None and "PREFECT_API_URL" not in os.environ:
        home = Path(os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve())))
        home.mkdir(parents=True, exist_ok=True)  # Prefect creates only the last folder
        # The ephemeral server lives for one run: the loop services that watch deployments,
        # schedules, workers and automations have nothing to do and would take CPU from OCR.
        for service in EPHEMERAL_IDLE_SERVICES:
            os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")


EPHEMERAL_IDLE_SERVICES = ("SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
                           "REPOSSESSOR", "DB_VACUUM", "CLEANUP_RECONCILER", "TRIGGERS")


FINAL_TASK_STATES = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]
HISTORY_WAIT_S = 15.0


def uses_ephemeral_api() -> bool:
    from prefect.settings import get_current_settings

    return not get_current_settings().api.url


def wait_for_task_history(flow_run_id: Any, task_runs: int, timeout_s: float = HISTORY_WAIT_S) -> bool:
    """Wait until Prefect's API has recorded ``task_runs`` finished task runs of a flow run.

    The API records task states from an event queue. The ephemeral server is stopped when
    ``hoso run`` exits; stopped with events still queued, it loses them from the run's history
    and prints tracebacks on the operator's terminal. Returns whether the history is complete.
    """
    import time

    from prefect.client.orchestration import get_client

    query = {"flow_runs": {"id": {"any_": [str(flow_run_id)]}},
             "task_runs": {"state": {"type": {"any_": FINAL_TASK_STATES}}}}
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while True:
            recorded = client.request("POST", "/task_runs/count", json=query).json()
            if recorded >= task_runs or time.monotonic() > deadline:
                return recorded >= task_runs
            time.sleep(0.2)


def run_recorded(configured_flow: Any, task_runs_of: Callable[[Any], int], **parameters: Any) -> Any:
    """Run a flow and return its result; with the ephemeral API, only once its history is complete."""
    state = configured_flow(**parameters, return_state=True)
    result = state.result()
    if uses_ephemeral_api() and not wait_for_task_history(state.state_details.flow_run_id, task_runs_of(result)):
        logging.getLogger(__name__).warning("Prefect's run history may lack some task runs of this flow run")
    return result


def connections(settings: Settings) -> tuple[Database, ObjectStore]:
    """This process's database and object store for ``settings`` (opened once, then reused)."""
    from records.db import open_database
    from records.storage.objects import open_store

    key = settings.model_dump_json() + (settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else "")
    with _connections_lock:
        if key not in _connections:
            _connections[key] = (open_database(settings.resolved_database_url), open_store(settings))
        return _connections[key]


def close_connections() -> None:
    with _connections_lock:
        for db, _store in _connections.values():
            db.close()
        _connections.clear()


def retry_if_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry storage/database faults, never bad input."""
    from usecases.intake import is_transient

    error = state.data if isinstance(state.data, BaseException) else None
    if error is None:
        try:
            state.result(raise_on_failure=True)
        except BaseException as raised:  # the state's stored exception
            error = raised
    return error is not None and is_transient(error)


@dataclass(frozen=True)
class SourceFile:
    """One file of a batch: a path on disk, or a key in the object store."""

    location: str  # a path, or "store:<key>"
    name: str  # what reports show

    @property
    def in_store(self) -> bool:
        return self.location.startswith(STORE_SCHEME)

    def read(self, store: ObjectStore) -> bytes:
        if self.in_store:
            return store.get(self.location.removeprefix(STORE_SCHEME))
        return Path(self.location).read_bytes()


def list_sources(source: str, store: ObjectStore | None = None) -> Iterator[SourceFile]:
    """Document files under a folder (recursively, sorted) or under an object-store prefix."""
    if source.startswith(STORE_SCHEME):
        if store is None:
            raise ValueError("an object-store prefix needs a store")
        prefix = source.removeprefix(STORE_SCHEME)
        for key in store.list(prefix):
            if Path(key).suffix.lower() in DOCUMENT_SUFFIXES:
                yield SourceFile(STORE_SCHEME + key, key)
        return
    root = Path(source)
    if root.is_file():
        yield SourceFile(str(root), root.name)
        return
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {source}")
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES and not path.name.startswith("."):
            yield SourceFile(str(path), path.relative_to(root).as_posix())
