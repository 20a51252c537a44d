"""Read: words, boxes and confidences of a prepared page, by Tesseract or from a PDF text layer.

Tesseract runs as one single-threaded process per page (OMP_THREAD_LIMIT=1), so
a document's pages run in parallel on all cores without oversubscription.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from pipeline.errors import OcrFailed
from extractors.readers.text import SYLLABLE, fold
from schemas import Word

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before any Tesseract process starts: one thread each

LANGUAGE = "vie"
PAGE_TIMEOUT_S = 180
GOOD_READING = 0.5  # reading score above which a page is taken as upright

_WORD_EDGES = re.compile(r"^\W+|\W+$")


@dataclass
class OcrOutput:
    words: list[Word]
    searchable_pdf: bytes | None = None


class OcrEngine(Protocol):
    """What the pipeline needs of an OCR engine: words with boxes and confidences."""

    def read(self, image: np.ndarray, *, psm: int = 3, dpi: int = 300, searchable_pdf: bool = False) -> OcrOutput: ...


class TesseractEngine:
    """Tesseract through pytesseract, one process per call."""

    def __init__(self, language: str = LANGUAGE, timeout_s: int = PAGE_TIMEOUT_S, extra_config: str = "") -> None:
        self.language = language
        self.timeout_s = timeout_s
        self.extra_config = extra_config  # e.g. a character whitelist for machine-readable zones

    def read(self, image: np.ndarray, *, psm: int = 3, dpi: int = 300, searchable_pdf: bool = False) -> OcrOutput:
        from pytesseract import pytesseract  # the module: run_tesseract is not re-exported

        with tempfile.TemporaryDirectory(prefix="hoso-ocr-") as tmp:
            # PGM: written and parsed with no compression cost, unlike pytesseract's default PNG
            source = str(Path(tmp) / "page.pgm")
            cv2.imwrite(source, image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
            base = str(Path(tmp) / "out")
            config = f"--psm {psm} --dpi {dpi} -c tessedit_create_tsv=1 {self.extra_config}".strip()
            if searchable_pdf:
                config += " -c tessedit_create_pdf=1"
            try:
                pytesseract.run_tesseract(source, base, "tsv", self.language, config=config, timeout=self.timeout_s)
            except RuntimeError as exc:  # pytesseract's timeout
                raise OcrFailed(f"Tesseract took longer than {self.timeout_s} s") from exc
            except pytesseract.TesseractError as exc:
                raise OcrFailed(f"Tesseract failed: {str(exc)[:160]}") from exc
            words = parse_tsv(Path(base + ".tsv").read_text(encoding="utf-8"))
            pdf = Path(base + ".pdf").read_bytes() if searchable_pdf else None
        return OcrOutput(words=words, searchable_pdf=pdf)


def parse_tsv(tsv: str) -> list[Word]:
    """Tesseract TSV rows of level 5 (words) into Words, lines numbered in reading order."""
    words: list[Word] = []
    line_ids: dict[tuple[str, str, str], int] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = unicodedata.normalize("NFC", cells[11]).strip()
        if not text:
            continue
        left, top, width, height = (int(v) for v in cells[6:10])
        line = line_ids.setdefault((cells[2], cells[3], cells[4]), len(line_ids))
        confidence = min(1.0, max(0.0, float(cells[10]) / 100.0))
        words.append(Word(text=text, confidence=confidence, bbox=(left, top, left + width, top + height), line=line))
    return words


def reading_score(words: list[Word]) -> float:
    """How much a reading looks like upright Vietnamese, 0..1.

    The share of alphabetic words shaped like Vietnamese syllables (upside-down
    print read as if upright is letter salad that rarely is), times their
    mean confidence: upside-down print fails one or the other, seldom neither.
    """
    alphabetic = [(w, word.confidence) for word in words
                  if len(w := _WORD_EDGES.sub("", fold(word.text))) >= 2 and w.isalpha()]
    if not alphabetic:
        return 0.0
    syllables = sum(1 for w, _ in alphabetic if SYLLABLE.match(w)) / len(alphabetic)
    return syllables * sum(c for _, c in alphabetic) / len(alphabetic)


def ocr_upright(
    engine: OcrEngine, image: np.ndarray, *, psm: int, dpi: int, searchable_pdf: bool = False, first: OcrOutput | None = None
) -> tuple[OcrOutput, bool]:
    """OCR a page that is upright or upside down; returns the reading and whether it was turned 180°.

    The first reading is kept when it looks like Vietnamese; otherwise the page
    is read turned over too and the better reading wins, judged by the shape of
    the words rather than Tesseract's confidence, which can be high on
    upside-down print. ``first`` is a reading already made (speculatively) of ``image``.
    """
    first = first or engine.read(image, psm=psm, dpi=dpi, searchable_pdf=searchable_pdf)
    first_score = reading_score(first.words)
    if first_score >= GOOD_READING:
        return first, False
    second = engine.read(cv2.rotate(image, cv2.ROTATE_180), psm=psm, dpi=dpi, searchable_pdf=searchable_pdf)
    if reading_score(second.words) > first_score + 0.1:
        return second, True
    return first, False
