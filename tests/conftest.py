"""Shared fixtures: rendered pages are made once per session, OCR results reused across tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))  # the small renderers in tests/render.py


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
