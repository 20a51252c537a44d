"""One input file through load → prepare → read → extract, as plain functions.

No Prefect and no server here: flows and the CLI call ``process_file``; each
stage's time is recorded so a supervisor can see where the time goes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator, Mapping

import cv2
import numpy as np

from schemas.errors import HosoError
from pipeline.geometry import renumber_lines, renumber_visual_lines
from pipeline.load import SourcePage, load_file
from pipeline.prepare import (
    DocumentQuad,
    PreparedPage,
    card_sheet_regions,
    looks_like_card_sheet,
    prepare_quad,
    prepare_regions,
    reading_order,
)
from pipeline.read import OcrEngine, OcrOutput, TesseractEngine, ocr_upright, parse_tsv, reading_score
from pipeline.speculate import SPECULATIVE_PSM, SpeculativeOcr
from extractors import extract_documents
from extractors.registry import partner_zone, reading_zone, zone_suffices
from extractors.spec import ReadingZone
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


SideCodes = tuple[int, int, list[tuple[tuple[int, int, int, int], str]]]  # a card side's height, width and QR codes
PARTNER_WAIT_S = 5.0  # at most this long for the upload's other files to be prepared (a safety net: about 0.1 s)


class UploadCodes:
    """The QR codes decoded on the card sides of one upload's files, shared by the threads that read them side by
    side: a card side with no code of its own may need to OCR only part of itself when another file of the upload
    carries the card's code (a 2024 front and its back). Each file posts its sides' codes once they are prepared;
    a side waits only for files already being read (never for one still queued behind it)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._started: set[int] = set()
        self._posted: dict[int, list[SideCodes]] = {}

    def slot(self, index: int) -> UploadSlot:
        with self._changed:
            self._started.add(index)
        return UploadSlot(self, index)

    def post(self, index: int, sides: list[SideCodes]) -> None:
        with self._changed:
            self._posted.setdefault(index, sides)
            self._changed.notify_all()

    def others(self, index: int, wait_s: float = PARTNER_WAIT_S) -> list[SideCodes] | None:
        """The codes of the upload's other files, once every other file being read has posted; None when there is
        no other file, or one did not post in time (then nothing is assumed of it)."""
        with self._changed:
            ready = self._changed.wait_for(lambda: self._started - {index} <= set(self._posted), timeout=wait_s)
            if not ready or not self._started - {index}:
                return None
            return [side for other, sides in self._posted.items() if other != index for side in sides]


@dataclass(frozen=True)
class UploadSlot:
    """One file's place among an upload's files (``UploadCodes``)."""

    codes: UploadCodes
    index: int

    def post(self, sides: list[SideCodes]) -> None:
        self.codes.post(self.index, sides)

    def done(self) -> None:
        """Nothing (more) to post: a file that was not read, or read without card sides."""
        self.codes.post(self.index, [])

    def others(self) -> list[SideCodes] | None:
        return self.codes.others(self.index)


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
    upload: UploadSlot | None = None,
) -> ProcessedFile:
    """Turn one file's bytes into an ExtractionResult.

    Bad input never raises: its reason goes to ``result.errors`` and the caller
    moves on to the next file. ``speculative`` is a Tesseract run already started
    on these bytes; it is used if the page turns out to need no preparation. ``upload``: this file's place
    among the files of one upload, whose card sides' codes it shares (``UploadCodes``).
    """
    result = ExtractionResult(source=source, sha256=hashlib.sha256(data).hexdigest())
    clock = StageClock(result.timings)
    started = time.perf_counter()
    processed = ProcessedFile(result=result)
    try:
        with clock.stage("load"):
            loaded = load_file(data)
        result.media_type, source_pages = loaded.media_type, loaded.pages
        result.warnings = [ProcessingError(code=w.code, message=w.message, page=w.page) for w in loaded.warnings]
    except HosoError as exc:
        if speculative:
            speculative.cancel()
        result.errors.append(ProcessingError(code=exc.code, message=exc.message))
        result.timings["total"] = round(time.perf_counter() - started, 4)
        return processed
    if speculative and (len(source_pages) != 1 or source_pages[0].reoriented or searchable_pdf):
        speculative.cancel()
        speculative = None
    if upload is not None and (len(source_pages) != 1 or source_pages[0].has_text_layer):
        upload.done()  # only a file of one image page is a card side that shares or uses a code
        upload = None

    engine = engine or TesseractEngine()
    read_pages = read_all_pages(source_pages, engine, workers or default_workers(), searchable_pdf, result, clock,
                                speculative, upload)
    for read, source_page in number_pages(read_pages, source_pages):
        result.pages.append(read.page)
        processed.images.add(read.page.number, read.image, source_page)
        if read.searchable_pdf:
            processed.searchable_pdfs[read.page.number] = read.searchable_pdf

    if extract and result.pages:
        with clock.stage("extract"):
            result.documents = extract_safely(result, processed.images)
    result.timings["total"] = round(time.perf_counter() - started, 4)
    return processed


def number_pages(read_pages: list[list[ReadPage] | None], source_pages: list[SourcePage]
                 ) -> list[tuple[ReadPage, SourcePage]]:
    """The pages read, numbered in order: a file page that held several documents (card sides on one
    sheet) gives several pages, and the pages after it move up. Then every page says which file page it
    came from (``source_page``); a file where no page was split keeps its own page numbers and says nothing."""
    split = any(reads is not None and len(reads) > 1 for reads in read_pages)
    numbered: list[tuple[ReadPage, SourcePage]] = []
    offset = 0
    for reads, source_page in zip(read_pages, source_pages, strict=True):
        for index, read in enumerate(reads or []):
            read.page.number = source_page.number + offset + index
            read.page.source_page = source_page.number if split else None
            numbered.append((read, source_page))
        offset += max(0, len(reads or []) - 1)
    return numbered


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
    upload: UploadSlot | None = None,
) -> list[list[ReadPage] | None]:
    """Prepare and OCR image pages in parallel threads; the documents of a single page (card sides on
    one sheet) are read in parallel instead."""
    crop_workers = workers if len(source_pages) == 1 else 1

    def one(page: SourcePage) -> list[ReadPage] | None:
        try:
            return read_page(page, engine, searchable_pdf, result.timings, speculative, crop_workers, upload)
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
    workers: int = 1,
    upload: UploadSlot | None = None,
) -> list[ReadPage]:
    """One file page's words: the text layer when it has one (no OCR), else each document on it
    (one, or each card side on a sheet) prepared and OCR'd on its own, in reading order."""
    if page.has_text_layer:
        started = time.perf_counter()
        words = page.text_words or []
        sides = read_card_sheet_text_layer(page, words, engine, searchable_pdf, timings) if looks_like_card_sheet(
            [word.bbox for word in words], page.width, page.height, page.dpi) else None
        _add_time(timings, "read_text_layer", started)
        if sides:
            return sides
        return [ReadPage(
            page=Page(number=page.number, width=page.width, height=page.height, dpi=page.dpi, source="text_layer", words=words),
            image=None,
        )]
    started = time.perf_counter()
    regions = prepare_regions(page.pixels, page.dpi)
    _add_time(timings, "prepare", started)
    if upload is not None:
        upload.post([(*prepared.image.shape[:2], prepared.codes) for prepared in regions if prepared.kind == "card"])
        upload = upload if len(regions) == 1 else None
    if len(regions) > 1 and speculative is not None:
        speculative.cancel()
        speculative = None
    if len(regions) == 1 or workers <= 1:
        return upright_order([read_prepared(page, prepared, engine, searchable_pdf, timings, speculative, upload)
                              for prepared in regions])
    with ThreadPoolExecutor(max_workers=min(workers, len(regions))) as pool:
        return upright_order(list(pool.map(lambda prepared: read_prepared(page, prepared, engine, searchable_pdf, timings),
                                           regions)))


def upright_order(reads: list[ReadPage]) -> list[ReadPage]:
    """The documents of one sheet in the reading order of the sheet set upright: when most of them had to
    be turned the same way, the sheet itself lay turned (fed upside down into the scanner)."""
    rotations = [read.page.rotation for read in reads]
    turn = max(set(rotations), key=rotations.count) if rotations else 0
    if turn == 0 or len(reads) < 2 or any(read.page.region is None for read in reads):
        return reads
    upright = {90: ((0, -1), (1, 0)), 180: ((-1, 0), (0, -1)), 270: ((0, 1), (-1, 0))}[turn]  # the sheet turned back
    quads = [DocumentQuad(np.array(read.page.region, dtype=np.float32) @ np.array(upright, dtype=np.float32).T, "card")
             for read in reads]
    order = reading_order(quads)
    return [reads[next(i for i, quad in enumerate(quads) if quad is placed)] for placed in order]


def read_card_sheet_text_layer(page: SourcePage, words: list, engine: OcrEngine, searchable_pdf: bool,
                               timings: dict[str, float]) -> list[ReadPage] | None:
    """A born-digital page holding card sides: each side a page of its own, with the words inside it and
    its part of the rendered page as its image; a side whose words run sideways (a card turned on the
    sheet: a text layer gives its words letter salad) is OCR'd from the rendering instead. None when the
    rendered page shows fewer than two sides."""
    pixels = page.pixels
    regions = card_sheet_regions(pixels, page.dpi)
    if len(regions) < 2:
        return None
    height, width = pixels.shape[:2]
    reads = []
    for quad in regions:
        polygon = quad.astype(np.float32)
        inside = [w for w in words if cv2.pointPolygonTest(
            polygon, ((w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2), False) >= 0]
        if not inside or _sideways(inside) or _upside_down(inside):
            reads.append(read_prepared(page, prepare_quad(pixels, quad), engine, searchable_pdf, timings))
            continue
        x0, y0 = max(0, int(quad[:, 0].min())), max(0, int(quad[:, 1].min()))
        x1, y1 = min(width, int(np.ceil(quad[:, 0].max()))), min(height, int(np.ceil(quad[:, 1].max())))
        shifted = [w.model_copy(update={"bbox": (w.bbox[0] - x0, w.bbox[1] - y0, w.bbox[2] - x0, w.bbox[3] - y0)})
                   for w in inside]
        reads.append(ReadPage(
            page=Page(number=page.number, width=x1 - x0, height=y1 - y0, dpi=page.dpi, source="text_layer",
                      cropped=True, region=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], words=renumber_lines(shifted)),
            image=np.ascontiguousarray(pixels[y0:y1, x0:x1]),
        ))
    return reads


def _upside_down(words: list) -> bool:
    """The words' letters run backwards ("yàgN" for Ngày): a card side turned over on the sheet, whose text layer
    gives each word reversed; read far better turned back than as given."""
    turned = [word.model_copy(update={"text": word.text[::-1]}) for word in words]
    return reading_score(turned) > reading_score(words) + UPSIDE_DOWN_MARGIN


UPSIDE_DOWN_MARGIN = 0.2  # of the share of words shaped like syllables


def _sideways(words: list) -> bool:
    """Most words of several letters stand taller than wide: print running up or down the page."""
    long_words = [w for w in words if len(w.text) >= 3]
    tall = sum(w.bbox[3] - w.bbox[1] > 1.3 * (w.bbox[2] - w.bbox[0]) for w in long_words)
    return bool(long_words) and tall >= 0.3 * len(long_words)


def read_prepared(
    page: SourcePage,
    prepared: PreparedPage,
    engine: OcrEngine,
    searchable_pdf: bool,
    timings: dict[str, float],
    speculative: SpeculativeOcr | None = None,
    upload: UploadSlot | None = None,
) -> ReadPage:
    """OCR one prepared image of a file page (read turned over too when it reads upside down)."""
    started = time.perf_counter()
    psm = CARD_PSM if prepared.kind == "card" else SHEET_PSM
    dpi = int(page.dpi * prepared.scale) if not prepared.cropped else 300
    first = take_speculative(speculative, prepared, psm)
    image = prepared.image if searchable_pdf else prepared.ocr_image  # a searchable PDF shows what it reads
    zone = coded_zone(prepared, upload) if first is None and not searchable_pdf else None
    zoned = read_zone(engine, image, zone, psm=psm, dpi=dpi) if zone is not None else None
    if zoned is not None:
        output, turned = zoned, False  # the code's place on the side showed it upright
    else:
        output, turned = ocr_upright(engine, image, psm=psm, dpi=dpi, searchable_pdf=searchable_pdf, first=first)
    _add_time(timings, "ocr", started)
    image = prepared.image if not turned else np.ascontiguousarray(prepared.image[::-1, ::-1])
    height, width = image.shape[:2]
    region = prepared.region
    if region is None and turned:
        region = np.array([[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]], dtype=np.float64)
    if region is not None and turned:
        region = np.roll(region, 2, axis=0)  # the image's top-left corner is now its bottom-right one
    return ReadPage(
        page=Page(
            number=page.number, width=width, height=height, dpi=dpi, source="ocr",
            rotation=(prepared.rotation + (180 if turned else 0)) % 360, skew=prepared.skew,
            cropped=prepared.cropped, quality=prepared.quality, words=renumber_visual_lines(output.words),
            region=[(round(float(x), 1), round(float(y), 1)) for x, y in region] if region is not None else None,
            readings={OCR_ROWS: f"{zone.top},{zone.bottom}", **dict(zone.readings)}
            if zoned is not None and zone is not None else {},
        ),
        image=image,
        searchable_pdf=output.searchable_pdf,
    )


OCR_ROWS = "ocr_rows"  # a page read in part: the rows OCR read ("top,bottom" px), the rest given by a code on it


def coded_zone(prepared: PreparedPage, upload: UploadSlot | None = None) -> ReadingZone | None:
    """The part of a card side OCR needs, when a code decoded on it gives the rest (``extractors.reading_zone``), or
    a code on another file of the upload does (``extractors.partner_zone``: the card's other side)."""
    if prepared.kind != "card":
        return None
    height, width = prepared.image.shape[:2]
    if prepared.codes:
        return reading_zone(height, width, prepared.codes)
    others = upload.others() if upload is not None else None
    return partner_zone(prepared.image, others) if others else None


def read_zone(engine: OcrEngine, image: np.ndarray, zone: ReadingZone, *, psm: int, dpi: int) -> OcrOutput | None:
    """OCR of the zone's rows only, its words placed on the whole image; None when the reading is not enough
    (``extractors.zone_suffices``: the side is then read whole, as if it had no code)."""
    output = engine.read(np.ascontiguousarray(image[zone.top:zone.bottom]), psm=psm, dpi=dpi)
    words = [word.model_copy(update={"bbox": (word.bbox[0], word.bbox[1] + zone.top, word.bbox[2],
                                              word.bbox[3] + zone.top)}) for word in output.words]
    height, width = image.shape[:2]
    page = Page(number=1, width=width, height=height, dpi=dpi, source="ocr", words=renumber_visual_lines(words))
    return OcrOutput(words=words) if zone_suffices(zone, page) else None


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
