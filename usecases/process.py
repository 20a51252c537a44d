"""One input file through load → prepare → read → extract, as plain functions.

No Prefect and no server here: flows and the CLI call ``process_file``; each
stage's time is recorded so a supervisor can see where the time goes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator, Mapping

import numpy as np

from schemas.errors import HosoError
from pipeline.geometry import renumber_visual_lines
from pipeline.load import SourcePage, load_pages
from pipeline.prepare import PreparedPage, prepare_page
from pipeline.read import OcrEngine, OcrOutput, TesseractEngine, ocr_upright, parse_tsv
from pipeline.speculate import SPECULATIVE_PSM, SpeculativeOcr
from extractors import extract_documents
from schemas import Document, ExtractionResult, Page, ProcessingError

log = logging.getLogger(__name__)

CARD_PSM = 11  # sparse text: a card's label/value islands around a photo and a QR code
SHEET_PSM = 6  # one block: a form read row by row, across columns, with no text region dropped


class PageImages(Mapping[int, np.ndarray]):
    """Each page's normalised image: prepared OCR images as they are, text-layer pages rendered on first use.

    Born-digital pages need no pixels to be read, but a QR code on one does.
    """

    def __init__(self) -> None:
        self._ready: dict[int, np.ndarray] = {}
        self._renderable: dict[int, SourcePage] = {}

    def add(self, number: int, image: np.ndarray | None, source: SourcePage) -> None:
        if image is not None:
            self._ready[number] = image
        else:
            self._renderable[number] = source

    def __getitem__(self, number: int) -> np.ndarray:
        if number not in self._ready:
            self._ready[number] = self._renderable.pop(number).pixels
        return self._ready[number]

    def __iter__(self) -> Iterator[int]:
        return iter(sorted({*self._ready, *self._renderable}))

    def __len__(self) -> int:
        return len({*self._ready, *self._renderable})


@dataclass
class ProcessedFile:
    """The JSON result plus the page images it was read from (kept for QR decoding and drawing)."""

    result: ExtractionResult
    images: PageImages = field(default_factory=PageImages)
    searchable_pdfs: dict[int, bytes] = field(default_factory=dict)


@dataclass
class ReadPage:
    page: Page
    image: np.ndarray | None
    searchable_pdf: bytes | None = None


class StageClock:
    """Accumulates wall time per stage into a result's ``timings``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 4)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def process_file(path: Path, **options) -> ProcessedFile:
    """Read a file from disk and process it; unreadable files become an error result."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        if options.get("speculative"):
            options["speculative"].cancel()
        result = ExtractionResult(source=str(path), sha256="", errors=[ProcessingError(code="unreadable", message=exc.strerror or str(exc))])
        return ProcessedFile(result=result)
    return process_bytes(data, source=str(path), **options)


def process_bytes(
    data: bytes,
    *,
    source: str,
    engine: OcrEngine | None = None,
    workers: int | None = None,
    searchable_pdf: bool = False,
    extract: bool = True,
    speculative: SpeculativeOcr | None = None,
) -> ProcessedFile:
    """Turn one file's bytes into an ExtractionResult.

    Bad input never raises: its reason goes to ``result.errors`` and the caller
    moves on to the next file. ``speculative`` is a Tesseract run already started
    on these bytes; it is used if the page turns out to need no preparation.
    """
    result = ExtractionResult(source=source, sha256=hashlib.sha256(data).hexdigest())
    clock = StageClock(result.timings)
    started = time.perf_counter()
    processed = ProcessedFile(result=result)
    try:
        with clock.stage("load"):
            result.media_type, source_pages = load_pages(data)
    except HosoError as exc:
        if speculative:
            speculative.cancel()
        result.errors.append(ProcessingError(code=exc.code, message=exc.message))
        result.timings["total"] = round(time.perf_counter() - started, 4)
        return processed
    if speculative and (len(source_pages) != 1 or source_pages[0].reoriented or searchable_pdf):
        speculative.cancel()
        speculative = None

    engine = engine or TesseractEngine()
    read_pages = read_all_pages(source_pages, engine, workers or default_workers(), searchable_pdf, result, clock, speculative)
    for read, source_page in zip(read_pages, source_pages, strict=True):
        if read is None:
            continue
        result.pages.append(read.page)
        processed.images.add(read.page.number, read.image, source_page)
        if read.searchable_pdf:
            processed.searchable_pdfs[read.page.number] = read.searchable_pdf

    if extract and result.pages:
        with clock.stage("extract"):
            result.documents = extract_safely(result, processed.images)
    result.timings["total"] = round(time.perf_counter() - started, 4)
    return processed


def extract_safely(result: ExtractionResult, images: PageImages) -> list[Document]:
    """Classify and extract; a failure here keeps the pages read and says so, instead of losing the file."""
    try:
        return extract_documents(result.pages, images)
    except Exception as exc:  # an extractor bug must not cost the OCR already done
        log.exception("extraction failed for %s", result.sha256[:12])
        result.errors.append(ProcessingError(code="extraction_failed", message=f"extraction failed ({type(exc).__name__})"))
        document = Document(pages=[page.number for page in result.pages],
                            text="\n\n".join(page.text for page in result.pages))
        document.flag("extraction failed: a person must read this file")
        return [document]


def read_all_pages(
    source_pages: list[SourcePage],
    engine: OcrEngine,
    workers: int,
    searchable_pdf: bool,
    result: ExtractionResult,
    clock: StageClock,
    speculative: SpeculativeOcr | None = None,
) -> list[ReadPage | None]:
    """Prepare and OCR image pages in parallel threads (each OCR is its own process)."""

    def one(page: SourcePage) -> ReadPage | None:
        try:
            return read_page(page, engine, searchable_pdf, result.timings, speculative)
        except HosoError as exc:
            result.errors.append(ProcessingError(code=exc.code, message=exc.message, page=page.number))
            return None

    with clock.stage("pages"):
        if workers == 1 or len(source_pages) == 1:
            return [one(page) for page in source_pages]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, source_pages))


def read_page(
    page: SourcePage,
    engine: OcrEngine,
    searchable_pdf: bool,
    timings: dict[str, float],
    speculative: SpeculativeOcr | None = None,
) -> ReadPage:
    """One page's words: the text layer when it has one (no OCR), else prepared and OCR'd."""
    if page.has_text_layer:
        started = time.perf_counter()
        words = page.text_words or []
        _add_time(timings, "read_text_layer", started)
        return ReadPage(
            page=Page(number=page.number, width=page.width, height=page.height, dpi=page.dpi, source="text_layer", words=words),
            image=None,
        )
    started = time.perf_counter()
    prepared = prepare_page(page.pixels, page.dpi)
    _add_time(timings, "prepare", started)
    started = time.perf_counter()
    psm = CARD_PSM if prepared.kind == "card" else SHEET_PSM
    dpi = int(page.dpi * prepared.scale) if not prepared.cropped else 300
    first = take_speculative(speculative, prepared, psm)
    output, turned = ocr_upright(engine, prepared.image, psm=psm, dpi=dpi, searchable_pdf=searchable_pdf, first=first)
    _add_time(timings, "ocr", started)
    image = prepared.image if not turned else np.ascontiguousarray(prepared.image[::-1, ::-1])
    height, width = image.shape[:2]
    return ReadPage(
        page=Page(
            number=page.number, width=width, height=height, dpi=dpi, source="ocr",
            rotation=(prepared.rotation + (180 if turned else 0)) % 360, skew=prepared.skew,
            cropped=prepared.cropped, quality=prepared.quality, words=renumber_visual_lines(output.words),
        ),
        image=image,
        searchable_pdf=output.searchable_pdf,
    )


def take_speculative(speculative: SpeculativeOcr | None, prepared: PreparedPage, psm: int) -> OcrOutput | None:
    """The speculative reading if it read exactly what we would have: else cancel it."""
    if speculative is None:
        return None
    if prepared.unchanged and psm == SPECULATIVE_PSM:
        tsv = speculative.tsv()
        if tsv is not None:
            return OcrOutput(words=parse_tsv(tsv))
    speculative.cancel()
    return None


def _add_time(timings: dict[str, float], name: str, started: float) -> None:
    # page threads add to the same stage; summed time says where CPU goes, "pages" says wall time
    timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - started, 4)
