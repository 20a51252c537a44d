"""Ingest fixtures: a fresh SQLite database and local object store per test, rendered card sides once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # rendered.py

from records.db import Database, open_database  # noqa: E402
from records.storage.objects import LocalObjectStore  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'hoso.db'}")
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")


@pytest.fixture(scope="session")
def cards() -> dict[str, bytes]:
    import rendered

    return {"front": rendered.card_front(), "back": rendered.card_back(),
            "other_front": rendered.card_front(rendered.OTHER_PERSON)}
