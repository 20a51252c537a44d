"""Flow fixtures: ONE Prefect test harness per session (≈10 s), settings for a fresh data dir per test."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
sys.path.insert(0, str(Path(__file__).parent.parent / "ingest"))  # rendered.py


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def settings(tmp_path: Path):
    from schemas.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'data' / 'hoso.db'}",
                    store="local")


@pytest.fixture(autouse=True)
def _fresh_connections() -> Iterator[None]:
    yield
    from flows.common import close_connections

    close_connections()


@pytest.fixture(scope="session")
def batch_files() -> dict[str, bytes]:
    import rendered

    return {"front.png": rendered.card_front(), "back.png": rendered.card_back(),
            "broken.pdf": rendered.corrupt_pdf(), "cut.jpg": rendered.truncated_jpeg()}


@pytest.fixture
def batch_folder(tmp_path: Path, batch_files: dict[str, bytes]) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, data in batch_files.items():
        (folder / name).write_bytes(data)
    (folder / "notes.json").write_text("{}")  # not a document file: skipped
    return folder
