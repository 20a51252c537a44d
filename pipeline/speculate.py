"""Speculative OCR: start Tesseract on an image file as it is, while we decide whether it needs preparing.

A clean, straight scan needs no preparation, and then Tesseract's reading of the
file itself is exactly what we would have computed: starting it at once hides
our start-up, decoding and page analysis behind OCR on an otherwise idle core.
When the page does need preparing, the speculative run is cancelled. Only light
imports here: this starts before the heavy ones.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

SPECULATIVE_PSM = 6  # the sheet layout usecases.process uses
SPECULATIVE_MEDIA = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # single-frame formats Tesseract reads itself


def can_speculate(data: bytes) -> bool:
    """A single-frame image, and a core to spare for it."""
    return data.startswith(SPECULATIVE_MEDIA) and (os.cpu_count() or 1) >= 2


class SpeculativeOcr:
    """One Tesseract process reading the original bytes with the default sheet layout."""

    def __init__(self, data: bytes, language: str = "vie") -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="hoso-spec-")
        source = Path(self._dir.name) / "input"
        source.write_bytes(data)
        self._base = Path(self._dir.name) / "out"
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        self._process = subprocess.Popen(
            ["tesseract", str(source), str(self._base), "-l", language, "--psm", str(SPECULATIVE_PSM),
             "-c", "tessedit_create_tsv=1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )

    def tsv(self, timeout_s: float = 180) -> str | None:
        """The TSV Tesseract wrote, or None if it failed or timed out."""
        try:
            code = self._process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.cancel()
            return None
        try:
            return (self._base.with_suffix(".tsv")).read_text(encoding="utf-8") if code == 0 else None
        finally:
            self._dir.cleanup()

    def cancel(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._dir.cleanup()
