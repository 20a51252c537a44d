"""Test doubles shared by several test folders (tests/ is on sys.path, see conftest.py)."""

import numpy as np

from pipeline.read import OcrOutput
from records.storage.objects import StoreError
from schemas import Word


class FlakyStore:
    """Wraps a store; artefact writes fail ``failures`` times, like an object store that is restarting."""

    def __init__(self, inner, failures: int) -> None:
        self.inner, self.failures = inner, failures

    def put(self, key, data, content_type="application/octet-stream"):
        if key.startswith("artefacts/") and self.failures > 0:
            self.failures -= 1
            raise StoreError("object store server error: HTTP 503")
        return self.inner.put(key, data, content_type)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class LinesEngine:
    """An OCR engine that reads each image it is shown as the next given lines (30 px apart, words 60 px wide),
    and records the shapes it was shown."""

    def __init__(self, *readings: list[str]) -> None:
        self.readings = list(readings)
        self.shapes: list[tuple[int, int]] = []

    def read(self, image: np.ndarray, *, psm: int = 3, dpi: int = 300, searchable_pdf: bool = False) -> OcrOutput:
        self.shapes.append(image.shape[:2])
        lines = self.readings.pop(0)
        return OcrOutput(words=[Word(text=text, confidence=0.9, bbox=(100 + 60 * i, 10 + 30 * n, 150 + 60 * i, 30 + 30 * n),
                                     line=n) for n, line in enumerate(lines) for i, text in enumerate(line.split())])
