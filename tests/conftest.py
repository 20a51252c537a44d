"""Shared fixtures: rendered pages are made once per session, OCR results reused across tests.

Two tiers. The unit tier, ``pytest -m "not integration"``, reads no page with Tesseract, runs no Prefect flow and
starts no server; the integration tier, ``pytest -m integration``, does. Whole folders are integration
(``INTEGRATION_FOLDERS``: flows, the service and its browsers, the counter, the S3 store), so are PostgreSQL's
and S3's cases; other tests that read pages say so with ``pytestmark = pytest.mark.integration``. With
``HOSO_TEST_TIER=unit`` (``scripts/setup-and-test`` sets it for the unit tier) a unit test that reaches
Tesseract or Prefect fails, naming the rule: the tiers cannot drift.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))  # the small renderers in tests/render.py

INTEGRATION_FOLDERS = frozenset({"flows", "service", "counter", "storage"})
INTEGRATION_MARKERS = frozenset({"postgres", "s3"})
UNIT_TIER = os.environ.get("HOSO_TEST_TIER") == "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.path)).relative_to(TESTS).parts[0]
        if folder in INTEGRATION_FOLDERS or INTEGRATION_MARKERS & {mark.name for mark in item.iter_markers()}:
            item.add_marker(pytest.mark.integration)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The unit tier does not even import the integration folders (their conftests start Prefect)."""
    if UNIT_TIER and collection_path.is_dir() and collection_path.parent == TESTS:
        return collection_path.name in INTEGRATION_FOLDERS or None
    return None


def pytest_configure(config: pytest.Config) -> None:
    """In the unit tier Tesseract and Prefect are out of reach, for session fixtures too: a test that needs
    them fails, naming the rule (mark it integration)."""
    if not UNIT_TIER:
        return
    from pipeline import read

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the unit tier reads no page with Tesseract: mark this test integration")

    read.TesseractEngine.read = refuse  # type: ignore[method-assign]
    read.ApiPool.recognise = refuse  # type: ignore[method-assign]
    sys.modules["prefect"] = None  # type: ignore[assignment]  # import prefect → ImportError


class CountingEngine:
    """Wraps the real Tesseract engine and counts calls, to prove when OCR did not run."""

    def __init__(self) -> None:
        from pipeline.read import TesseractEngine

        self.inner = TesseractEngine()
        self.calls = 0

    def read(self, image, **options):
        self.calls += 1
        return self.inner.read(image, **options)


@pytest.fixture
def counting_engine() -> CountingEngine:
    return CountingEngine()
