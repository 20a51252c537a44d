"""What the flows share: per-process connections, retry rules, sources. No Prefect import here.

Tasks receive ``Settings`` without secrets (plain, picklable) rather than open connections, so the
same task runs in a thread of this process or in a Dask worker on another machine; each process
opens the database and the object store once, with the secrets of its own environment, and reuses them.

This module is imported before Prefect is configured (the query service imports ``use_local_prefect``
from here, then the flows), so it must not import Prefect itself: ``flows.runs`` does.
"""

from __future__ import annotations

import os
import stat
import threading
import unicodedata
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
           "connections", "list_sources", "printable", "read_regular_file", "retry_if_transient",
           "use_local_prefect"]

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
    """One file found for a batch: a path on disk, or a key in the object store. ``not_read`` is set for a file
    found but not read: ``("refused", reason)`` (a link, not a regular file) or ``("skipped", reason)`` (not a
    document file)."""

    location: str  # a path, or "store:<key>"
    name: str  # what reports show (``printable``)
    not_read: tuple[str, str] | None = None

    @property
    def in_store(self) -> bool:
        return self.location.startswith(STORE_SCHEME)

    def read(self, store: ObjectStore) -> bytes:
        if self.in_store:
            return store.get(self.location.removeprefix(STORE_SCHEME))
        return read_regular_file(Path(self.location))


def read_regular_file(path: Path) -> bytes:
    """A regular file's bytes; a path that became a link or a special file since it was listed is refused
    (never followed, never blocked on: a FIFO would wait forever)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidValue("not a regular file")
        return file.read()


def printable(name: str) -> str:
    """A file name as reports and terminals may show it: NFC, control and format characters escaped (a newline
    in a name cannot forge a report line), bytes that are not UTF-8 as ``\\xNN``."""
    text = unicodedata.normalize("NFC", name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
    return "".join(char if unicodedata.category(char) not in _HIDDEN_CATEGORIES
                   else char.encode("unicode_escape").decode("ascii") for char in text)


_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def check_source(source: str) -> None:
    """Raise ``NotFound`` for a folder (or file) that is not there: before a flow starts, not inside it."""
    if not source.startswith(STORE_SCHEME) and not Path(source).exists():
        raise NotFound(f"no such folder: {printable(source)}")


def list_sources(source: str, store: ObjectStore | None = None) -> Iterator[SourceFile]:
    """Every file under a folder (recursively, sorted, links never followed) or under an object-store prefix;
    the ones that are not read say why."""
    if source.startswith(STORE_SCHEME):
        if store is None:
            raise InvalidValue("an object-store prefix needs a store")
        prefix = source.removeprefix(STORE_SCHEME)
        for key in store.list(prefix):
            yield _judged(SourceFile(STORE_SCHEME + key, printable(key)), key)
        return
    root = Path(source)
    if root.is_file():
        yield _judged(SourceFile(str(root), printable(root.name)), root.name)
        return
    if not root.is_dir():
        raise NotFound(f"no such folder: {printable(source)}")
    yield from _walk(root, root)


def _walk(root: Path, folder: Path) -> Iterator[SourceFile]:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        yield SourceFile(str(folder), printable(folder.relative_to(root).as_posix()),
                         ("refused", f"the folder cannot be listed: {error.strerror}"))
        return
    for entry in entries:
        path = Path(entry.path)
        shown = printable(path.relative_to(root).as_posix())
        if entry.is_symlink():
            yield SourceFile(str(path), shown, ("refused", "a symbolic link: links are not followed"))
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(root, path)
        elif not entry.is_file(follow_symlinks=False):
            yield SourceFile(str(path), shown, ("refused", "not a regular file (a device, pipe or socket)"))
        else:
            yield _judged(SourceFile(str(path), shown), entry.name)


def _judged(found: SourceFile, name: str) -> SourceFile:
    """A regular file: read, or skipped when its name says it is not a document file."""
    suffix = Path(name).suffix.lower()
    if name.startswith("."):
        return SourceFile(found.location, found.name, ("skipped", "a hidden file"))
    if suffix not in DOCUMENT_SUFFIXES:
        kinds = ", ".join(sorted(DOCUMENT_SUFFIXES))
        return SourceFile(found.location, found.name,
                          ("skipped", f"not a document file ({printable(suffix) or 'no extension'}): hoso reads {kinds}"))
    return found
