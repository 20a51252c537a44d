"""Read: words, boxes and confidences of a prepared page, by Tesseract or from a PDF text layer.

Tesseract runs single-threaded per page (OMP_THREAD_LIMIT=1), in threads that
release the GIL (or in child processes), so a batch's pages run in parallel on
all cores without oversubscription.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import subprocess
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from collections.abc import Mapping

import cv2
import numpy as np
from pytesseract import pytesseract  # the module: run_tesseract is not re-exported

from schemas.errors import OcrFailed
from pipeline.text import SYLLABLE, fold
from schemas import Word
from schemas.settings import load_settings

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before Tesseract first runs (here or in a child): one thread each

LANGUAGE = "vie"
PAGE_TIMEOUT_S = 180
GOOD_READING = 0.5  # reading score above which a page is taken as upright

_WORD_EDGES = re.compile(r"^\W+|\W+$")
_ETH_AS_D = str.maketrans("Ðð", "Đđ")  # Tesseract's Icelandic eth for Vietnamese đ: they look alike, Vietnamese has no eth


@dataclass
class OcrOutput:
    words: list[Word]
    searchable_pdf: bytes | None = None


class OcrEngine(Protocol):
    """What the pipeline needs of an OCR engine: words with boxes and confidences."""

    def read(self, image: np.ndarray, *, psm: int = 3, dpi: int = 300, searchable_pdf: bool = False) -> OcrOutput: ...


class TesseractEngine:
    """Tesseract: in this process through its C API (tesserocr) when installed, else one CLI process per call.

    In process, a page costs no process start, model load (~80 ms) or image file;
    models are loaded once per concurrent reader and reused. Searchable PDFs are
    rendered by the CLI. ``HOSO_OCR=cli`` forces the CLI everywhere (e.g. to keep a
    Tesseract crash in a child process).
    """

    def __init__(self, language: str = LANGUAGE, timeout_s: float = PAGE_TIMEOUT_S,
                 variables: Mapping[str, str] | None = None) -> None:
        self.language = language
        self.timeout_s = timeout_s
        self.variables = dict(variables or {})  # e.g. a character whitelist for machine-readable zones

    def read(self, image: np.ndarray, *, psm: int = 3, dpi: int = 300, searchable_pdf: bool = False) -> OcrOutput:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        if searchable_pdf or not in_process_available():
            return self._read_with_cli(gray, psm=psm, dpi=dpi, searchable_pdf=searchable_pdf)
        return OcrOutput(words=parse_tsv(_API_POOL.recognise(gray, self.language, self.variables, psm=psm, dpi=dpi,
                                                              timeout_s=self.timeout_s)))

    def _read_with_cli(self, gray: np.ndarray, *, psm: int, dpi: int, searchable_pdf: bool) -> OcrOutput:
        with tempfile.TemporaryDirectory(prefix="hoso-ocr-") as tmp:
            # PGM: written and parsed with no compression cost, unlike pytesseract's default PNG
            source = str(Path(tmp) / "page.pgm")
            cv2.imwrite(source, gray)
            base = str(Path(tmp) / "out")
            config = f"--psm {psm} --dpi {dpi} -c tessedit_create_tsv=1"
            config += "".join(f" -c {name}={value}" for name, value in self.variables.items())
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


@functools.cache
def in_process_available() -> bool:
    if load_settings().ocr == "cli":
        return False
    try:
        # lazy: tesserocr (libtesseract and leptonica, ~25 ms and ~15 MB) is compiled by scripts/setup and may
        # be absent, when the command is used instead; nor is it needed with HOSO_OCR=cli
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata_dir() is not None


@functools.cache
def tessdata_dir() -> str | None:
    """Where the installed ``vie`` model lives: TESSDATA_PREFIX, else where the tesseract command looks."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    try:
        listing = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'"([^"]+)"', listing)  # List of available languages in "/usr/share/.../tessdata/" (3):
    return found.group(1) if found and LANGUAGE in listing.split() else None


class ApiPool:
    """Initialised Tesseract API handles, lent to one thread at a time and kept for the next page.

    A handle holds its model (tens of MB); at most as many exist per language as pages were read at once.
    """

    def __init__(self) -> None:
        self._idle: dict[tuple[str, tuple[tuple[str, str], ...]], list] = {}
        self._lock = threading.Lock()

    def recognise(self, gray: np.ndarray, language: str, variables: Mapping[str, str], *, psm: int, dpi: int,
                  timeout_s: float) -> str:
        """Tesseract's TSV of a grayscale image (no header row)."""
        key = (language, tuple(sorted(variables.items())))
        api = self._borrow(key)
        try:
            gray = np.ascontiguousarray(gray)
            height, width = gray.shape
            api.SetPageSegMode(psm)
            api.SetImageBytes(gray.tobytes(), width, height, 1, width)
            api.SetSourceResolution(dpi)
            if not api.Recognize(timeout=max(1, int(timeout_s * 1000))):
                raise OcrFailed(f"Tesseract took longer than {timeout_s} s")
            return api.GetTSVText(0)
        finally:
            api.Clear()
            with self._lock:
                self._idle[key].append(api)

    def _borrow(self, key: tuple[str, tuple[tuple[str, str], ...]]):
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if idle:
                return idle.pop()
        import tesserocr  # lazy: see in_process_available()

        silence_leptonica()
        language, variables = key
        try:
            return tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=language, variables=dict(variables))
        except RuntimeError as exc:
            raise OcrFailed(f"Tesseract cannot load its {language} model ({exc})") from exc


_API_POOL = ApiPool()
LEPTONICA_SEVERITY_NONE = 6


@functools.cache
def silence_leptonica() -> None:
    """Tesseract's image library prints harmless "Error in boxClipToRectangle" lines to stderr.

    The CLI's stderr was ours to drop; in process they would land on the operator's
    terminal. Best effort: the library loaded with tesserocr is looked up by path.
    """
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return
    for path in {line.split()[-1] for line in maps if "/liblept" in line}:
        try:
            ctypes.CDLL(path).setMsgSeverity(LEPTONICA_SEVERITY_NONE)
        except (OSError, AttributeError):
            continue


def parse_tsv(tsv: str) -> list[Word]:
    """Tesseract TSV rows of level 5 (words) into Words, lines numbered in reading order."""
    words: list[Word] = []
    line_ids: dict[tuple[str, str, str], int] = {}
    for row in tsv.splitlines():  # the CLI's header row is not a level-5 row
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = unicodedata.normalize("NFC", cells[11]).strip().translate(_ETH_AS_D)
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
