"""Open the records database and bring its schema to the newest migration."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from schemas.errors import ConfigurationError, StorageError
from schemas.settings import load_settings, make_private_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(StorageError):
    """The database could not be reached or opened (a transient fault: callers may retry)."""

    code = "database_unavailable"


class Database:
    """An engine plus a session factory; every API function runs in its own transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def alembic_config() -> Config:
    config = Config()
    # "%" would be read as configparser interpolation
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (idempotent)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def create_database_engine(url: str) -> Engine:
    options: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            private_sqlite_file(Path(make_url(url).database or ""))
        options["connect_args"] = {"timeout": 30}
    else:
        options["pool_pre_ping"] = True
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite file ``path`` readable by this user only (0600), in a private folder when hoso makes it:
    it holds citizens' records. SQLite gives its ``-wal`` and ``-shm`` files the database file's mode. An existing
    file of this user's that others may read is tightened (with those two)."""
    if not path.name or path.name.startswith("file:"):  # a URI names the file in its own syntax: left to SQLite
        return
    make_private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # an empty file is an empty database
        return
    except FileExistsError:
        pass
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            status = file.stat()
            if stat.S_IMODE(status.st_mode) & 0o077 and hasattr(os, "getuid") and status.st_uid == os.getuid():
                file.chmod(stat.S_IMODE(status.st_mode) & 0o600)
        except OSError:  # not there, or not ours to change
            pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def open_database(url: str | None = None) -> Database:
    """Open (creating if needed) the database at ``url`` (default: the settings') at the newest schema.

    Raises ``ConfigurationError`` for a URL SQLAlchemy cannot use, ``DatabaseUnavailable`` when the
    database cannot be reached.
    """
    if url is None:
        url = load_settings().resolved_database_url
    try:
        engine = create_database_engine(url)
    except (ArgumentError, NoSuchModuleError) as error:  # its message may quote the URL, password and all
        raise ConfigurationError(f"the database URL cannot be used ({type(error).__name__})") from None
    except OSError as error:  # the SQLite file's folder
        raise DatabaseUnavailable(f"the database folder cannot be made: {error.strerror}: {error.filename}") from error
    try:
        migrate(engine)
    except OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
        raise DatabaseUnavailable(f"the database could not be opened: {reason}") from error
    return Database(engine)
