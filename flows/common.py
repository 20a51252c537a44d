"""What the flows share: per-process connections, retry rules, sources. No Prefect import here.

Tasks receive ``Settings`` without secrets (plain, picklable) rather than open connections, so the
same task runs in a thread of this process or in a Dask worker on another machine; each process
opens the database and the object store once, with the secrets of its own environment, and reuses them.

This module is imported before Prefect is configured (the query service imports ``use_local_prefect``
from here, then the flows), so it must not import Prefect itself: ``flows.runs`` does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.environment import use_local_prefect  # re-exported: the query service takes it from here
from records.db import Database, open_database
from records.storage.objects import ObjectStore, open_store
from schemas.errors import InvalidValue, NotFound
from schemas.settings import Settings, load_settings
from usecases.intake import is_transient

__all__ = ["DOCUMENT_SUFFIXES", "RETRY_DELAYS_S", "STORE_SCHEME", "SourceFile", "check_source", "close_connections",
           "connections", "list_sources", "retry_if_transient", "use_local_prefect"]

# What a batch picks up from a folder; everything else (ground-truth JSON, notes) is skipped.
DOCUMENT_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp"})
STORE_SCHEME = "store:"  # a source "store:incoming/2026-11-20/" is an object-store prefix
RETRY_DELAYS_S: list[float] = [2, 10, 30]  # a restarting object store or a locked database gets time to recover

_connections: dict[tuple[str, str], tuple[Database, ObjectStore]] = {}
_connections_lock = threading.Lock()


def connections(settings: Settings) -> tuple[Database, ObjectStore]:
    """This process's database and object store for ``settings`` (opened once, then reused).

    Secrets the settings lack (they never travel as parameters) come from this process's environment.
    """
    settings = settings.with_secrets_from(load_settings())
    secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else ""
    key = (settings.model_dump_json() + settings.resolved_database_url, secret)
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


def check_source(source: str) -> None:
    """Raise ``NotFound`` for a folder (or file) that is not there: before a flow starts, not inside it."""
    if not source.startswith(STORE_SCHEME) and not Path(source).exists():
        raise NotFound(f"no such folder: {source}")


def list_sources(source: str, store: ObjectStore | None = None) -> Iterator[SourceFile]:
    """Document files under a folder (recursively, sorted) or under an object-store prefix."""
    if source.startswith(STORE_SCHEME):
        if store is None:
            raise InvalidValue("an object-store prefix needs a store")
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
        raise NotFound(f"no such folder: {source}")
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES and not path.name.startswith("."):
            yield SourceFile(str(path), path.relative_to(root).as_posix())
