"""Load: any dossier file's bytes into source pages (pixels, or a PDF text layer).

The file type is decided from the bytes, never the name. Images are decoded faithfully whatever their
bit depth, palette or transparency (``pipeline.decode``), with their EXIF orientation applied; multi-page
TIFFs and PDFs give one source page each. A PDF page with a usable text layer keeps its words (no OCR
later) and is rasterised only if something asks for its pixels.

Every file is held to caps before it is decoded, each refusal a ``BadInput`` with a stable code and a
one-line reason (``schemas.errors``):

| cap | value | refusal |
|---|---|---|
| pages of a PDF | ``MAX_PDF_PAGES`` (200) | ``too_many_pages`` |
| frames of an image file (TIFF, GIF, WebP) | ``MAX_FRAMES`` (50) | ``too_many_pages`` |
| decoded pixels of one page or frame | ``MAX_PAGE_PIXELS`` (50 MP: 150 MB as colour) | ``too_large``, or ``decompression_bomb`` when a few bytes declare them; JPEG photos over it are decoded at 1/2, 1/4 or 1/8 instead; PDF pages are rendered below 300 dpi instead, down to 72 dpi, else ``page_too_large`` |
| decoded pixels of one file | ``MAX_FILE_PIXELS`` (2 GP: 230 A4 pages at 300 dpi) | ``too_large`` |
| inflated PDF streams, images in PDFs | see ``pipeline.pdfscan`` | ``decompression_bomb`` / ``too_large`` |

Decoded pages are kept in memory up to ``RETAIN_BYTES`` per file; pages beyond it are decoded again when
their pixels are asked for, so a long file costs one page's memory at a time, not all of them.

PDFs with JavaScript, Launch actions or embedded files are processed, not refused (hoso never runs or opens
them: PDFium is built without a JavaScript engine and attachments are never read), and flagged with a
``LoadWarning`` (``pdf_javascript``, ``pdf_launch_action``, ``pdf_embedded_files``) so that the result and
the people who open the stored original know. Refusing them would turn away genuine government forms,
which often carry form scripts or an XML attachment.

``check_decodable`` decodes a whole file (every page rendered once) and raises the reason it cannot be,
before anything is stored (``check_file`` does the same and returns the pages and warnings too);
``load_file`` returns the pages and the warnings; ``load_pages`` the media type and pages, as before.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import threading
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline import decode
from pipeline.geometry import renumber_lines
from pipeline.pdfscan import decipher_for, scan_pdf
from schemas import Word
from schemas.errors import (
    CorruptInput,
    EmptyInput,
    EncryptedPdf,
    PageTooLarge,
    TooLarge,
    TooManyPages,
    UnsupportedType,
)

DEFAULT_DPI = 300
MIN_RENDER_DPI = 72  # below this a PDF page renders smaller than its printed size: refused instead
MAX_PAGE_PIXELS = 50_000_000  # a 50 MP phone photo; an A2 page at 300 dpi is 35 MP
MAX_PIXELS = MAX_PAGE_PIXELS  # the name callers know
MAX_FILE_PIXELS = 2_000_000_000
MAX_PDF_PAGES = 200
MAX_PAGES = MAX_PDF_PAGES
MAX_FRAMES = 50
RETAIN_BYTES = 256 * 2**20
MIN_TEXT_LAYER_CHARS = 20  # fewer visible characters than this is a scan with a stray label, not a text layer
MAX_TEXT_LAYER_OBJECTS = 20_000  # pdfminer needs ~5 kB and 0.3 ms per page object: beyond this the page is OCR'd
POINTS_PER_INCH = 72
EXIF_ORIENTATION = decode.EXIF_ORIENTATION

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
]

# Things people send that are not a scan or a PDF, named so that the reason says what to send instead.
_NOT_DOCUMENTS: list[tuple[bytes, int, str]] = [
    (b"PK\x03\x04", 0, "a ZIP archive (or an Office document): send the documents in it as PDF or images"),
    (b"PK\x05\x06", 0, "an empty ZIP archive"),
    (b"\x1f\x8b", 0, "a gzip archive: send the documents in it as PDF or images"),
    (b"Rar!\x1a\x07", 0, "a RAR archive: send the documents in it as PDF or images"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive: send the documents in it as PDF or images"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Office document: save it as PDF"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", 0, "a JPEG 2000 image, which is not read: send it as JPEG, PNG or PDF"),
    (b"\xff\x4f\xff\x51", 0, "a JPEG 2000 image, which is not read: send it as JPEG, PNG or PDF"),
    (b"ftypheic", 4, "a HEIC photo, which is not read: send it as JPEG"),
    (b"ftypheix", 4, "a HEIC photo, which is not read: send it as JPEG"),
    (b"ftypmif1", 4, "a HEIF photo, which is not read: send it as JPEG"),
    (b"ftypavif", 4, "an AVIF image, which is not read: send it as JPEG or PNG"),
    (b"8BPS", 0, "a Photoshop document: save it as PDF, PNG or JPEG"),
]
_MARKUP = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?P<tag>!doctype\s+html|html|head|body|\?xml|svg|!--|[a-z]+)", re.I)
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


@dataclass(frozen=True)
class LoadWarning:
    """Something about a file that did not stop it from being read, but that a person should know."""

    code: str  # stable: pdf_javascript, pdf_launch_action, pdf_embedded_files, resolution_lowered, …
    message: str  # one line, no personal data
    page: int | None = None


@dataclass
class SourcePage:
    """One page as loaded: pixels for images and scans, words for text-layer PDF pages."""

    number: int
    dpi: int
    text_words: list[Word] | None = None
    width: int = 0
    height: int = 0
    reoriented: bool = False  # the pixels differ from what a plain reader of the file sees (EXIF orientation
    # applied, transparency composited, 16 bits scaled, a photo decoded reduced): the file itself is not OCR'd
    _pixels: np.ndarray | None = field(default=None, repr=False)
    _render: Callable[[], np.ndarray] | None = field(default=None, repr=False)
    _cache: weakref.ref | None = field(default=None, repr=False)
    _verified: bool = field(default=False, repr=False)  # decoded once already, without error

    @property
    def has_text_layer(self) -> bool:
        return self.text_words is not None

    @property
    def pixels(self) -> np.ndarray:
        """The page image (BGR or grayscale uint8): kept since loading, or decoded (rendered) on use.

        Pages decoded on use are not kept by the page (only while the caller holds them), so that a long
        file does not hold every page in memory at once.
        """
        if self._pixels is not None:
            return self._pixels
        cached = self._cache() if self._cache is not None else None
        if cached is not None:
            return cached
        assert self._render is not None
        pixels = self._render()
        self._cache = weakref.ref(pixels)
        self._verified = True
        return pixels


@dataclass
class LoadedFile:
    media_type: str
    pages: list[SourcePage]
    warnings: list[LoadWarning] = field(default_factory=list)


def detect_media_type(data: bytes, name: str | None = None) -> str:
    """The media type of a file from its leading bytes.

    Raises EmptyInput for no bytes and UnsupportedType for anything that is not a PDF or an image format
    we read, saying what the bytes are when we can tell (an archive, an HTML page, an SVG drawing, text).
    ``name`` is used only to say that the name's extension does not match the bytes.
    """
    if not data.strip(b"\x00 \t\r\n\x0c"):
        raise EmptyInput("the file is empty")
    head = data[:1024]
    markup = _MARKUP.match(head)
    if data.lstrip(b"\x00 \t\r\n\x0c").startswith(b"%PDF-"):
        return "application/pdf"
    if markup:
        raise UnsupportedType(f"not a PDF or an image: {_markup_kind(markup.group('tag'), data[:4096])}")
    for magic, offset, what in _NOT_DOCUMENTS:  # before the junk-before-%PDF- rule: a ZIP may hold a PDF
        if data[offset:offset + len(magic)] == magic:
            raise UnsupportedType(f"not a PDF or an image: {what}")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if b"%PDF-" in head and not _looks_like_text(data[:head.index(b"%PDF-")]):
        return "application/pdf"  # a few bytes of junk before the header, which PDF readers accept
    what = "a text file" if _looks_like_text(data[:4096]) else "unknown bytes"
    raise UnsupportedType(f"not a PDF or an image (JPEG, PNG, TIFF, WebP, GIF, BMP): {what}{_name_hint(name)}")


def _markup_kind(tag: bytes, head: bytes) -> str:
    tag = tag.lower()
    if tag == b"svg" or re.search(rb"<svg[\s>]", head, re.I):
        return "an SVG drawing, which is not read: send it as PDF or PNG"
    if tag.startswith((b"!doctype", b"html", b"head", b"body")) or re.search(rb"<html[\s>]", head, re.I):
        return "an HTML page, not a document"
    return "an XML or markup file, not a document"


def _looks_like_text(data: bytes) -> bool:
    if not data:
        return True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data[:-3].decode("utf-8")  # a character cut at the end of the sample
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(1, len(text))


def _name_hint(name: str | None) -> str:
    found = _EXTENSION.search(name or "")
    if not found:
        return ""
    return f"; the name ends in .{found.group(1).lower()}, but the bytes are not such a file"


def load_pages(data: bytes, *, dpi: int = DEFAULT_DPI, max_pixels: int = MAX_PAGE_PIXELS) -> tuple[str, list[SourcePage]]:
    """Decode a file into its pages: the media type and the pages in order.

    Raises a BadInput subclass with a one-line reason for empty, corrupt, encrypted, oversized or
    unsupported input. ``load_file`` also returns the warnings.
    """
    loaded = load_file(data, dpi=dpi, max_pixels=max_pixels)
    return loaded.media_type, loaded.pages


def load_file(data: bytes, *, name: str | None = None, dpi: int = DEFAULT_DPI,
              max_pixels: int = MAX_PAGE_PIXELS) -> LoadedFile:
    """Decode a file into its pages and the warnings about it (see the module docstring)."""
    media_type = detect_media_type(data, name)
    warnings: list[LoadWarning] = []
    if media_type == "application/pdf":
        pages = load_pdf(data, dpi=dpi, max_pixels=max_pixels, warnings=warnings)
    else:
        pages = load_image(data, max_pixels=max_pixels, warnings=warnings)
    if not pages:
        raise EmptyInput("the file holds no pages")
    return LoadedFile(media_type=media_type, pages=pages, warnings=warnings)


def check_decodable(data: bytes, name: str | None = None) -> str:
    """Fully decode a file, as the pipeline will, and return its media type; raise BadInput if it cannot be.

    For the upload check and the batch, before anything is stored. Every page is decoded (rendered) once
    and dropped, so the memory is that of ``load_file``. ``check_file`` also returns the warnings.
    """
    return check_file(data, name).media_type


def check_file(data: bytes, name: str | None = None) -> LoadedFile:
    """``check_decodable``, returning the loaded file (its warnings: JavaScript, embedded files, …) as well.

    The pages decoded beyond the retention budget are not kept: using them decodes them again.
    """
    loaded = load_file(data, name=name)
    for page in loaded.pages:
        if not page._verified:
            _ = page.pixels
        page._cache = None
    return loaded


# --- images -----------------------------------------------------------------


def load_image(data: bytes, *, max_pixels: int = MAX_PAGE_PIXELS,
               warnings: list[LoadWarning] | None = None) -> list[SourcePage]:
    """All frames of an image file (multi-page TIFF included), decoded faithfully and turned upright."""
    warnings = warnings if warnings is not None else []
    pages: list[SourcePage] = []
    with decode.pillow_errors(max_pixels), decode.open_image(data) as image:
        frames = decode.survey_frames(image, len(data), max_frames=MAX_FRAMES, max_pixels=max_pixels)
        total = sum(frame.pixels for frame in frames)
        if total > MAX_FILE_PIXELS:
            raise TooLarge(f"the image's {len(frames)} frames hold {total:,} pixels, over the "
                           f"{MAX_FILE_PIXELS:,} pixel limit per file")
        budget = RETAIN_BYTES
        for info in frames:
            decoded = decode.decode_frame(image, info)
            pixels = decoded.pixels
            number = info.index + 1
            if info.scale > 1:
                warnings.append(LoadWarning("resolution_lowered", f"the photo is over the {max_pixels:,} pixel "
                                            f"limit: it was read at 1/{info.scale} of its size", number))
            if decoded.transparency_ignored:
                warnings.append(LoadWarning("transparency_ignored", "the image is fully transparent: its "
                                            "colours were read as they are", number))
            page = SourcePage(number=number, dpi=_image_dpi(info), width=pixels.shape[1], height=pixels.shape[0],
                              reoriented=info.orientation != 1 or info.scale > 1 or decoded.altered,
                              _render=_image_renderer(data, info, max_pixels), _verified=True)
            if pixels.nbytes <= budget:
                page._pixels = pixels
                budget -= pixels.nbytes
            del decoded, pixels
            pages.append(page)
    return pages


def _image_renderer(data: bytes, info: decode.FrameInfo, max_pixels: int) -> Callable[[], np.ndarray]:
    def render() -> np.ndarray:
        with decode.pillow_errors(max_pixels), decode.open_image(data) as image:
            return decode.decode_frame(image, info).pixels

    return render


def _image_dpi(info: decode.FrameInfo) -> int:
    # cameras write 72 dpi whatever they saw; such values say nothing about the text size
    value = int(round(info.dpi)) if info.dpi and math.isfinite(info.dpi) else 0
    dpi = value if 100 <= value <= 1200 else DEFAULT_DPI
    return max(1, round(dpi / info.scale))


# --- PDF --------------------------------------------------------------------


# PDFium is not thread-safe: every call into it, from any thread, holds this lock, and no
# document outlives the locked block that opened it (its finaliser could otherwise run
# in another thread's pdfium call).
PDFIUM_LOCK = threading.RLock()


@dataclass
class _PdfFacts:
    sizes: list[tuple[float, float]]
    with_text: list[int]
    too_complex: list[int]
    javascript: int
    attachments: int


def load_pdf(data: bytes, *, dpi: int = DEFAULT_DPI, max_pixels: int = MAX_PAGE_PIXELS,
             warnings: list[LoadWarning] | None = None) -> list[SourcePage]:
    """Pages of a PDF: text-layer words where a page has them, else a rasterisation at ``dpi`` (lowered
    for outsized pages)."""
    warnings = warnings if warnings is not None else []
    _check_pdf_end(data)
    scan = scan_pdf(data, max_image_pixels_total=MAX_FILE_PIXELS)  # before PDFium or pdfminer inflate anything
    if not scan.encrypted:
        with PDFIUM_LOCK:
            scan.encrypted = _pdfium_says_encrypted(data)
    if scan.encrypted:  # the walk saw ciphertext: walk it again, decrypting each stream
        scan.merge(scan_pdf(data, max_image_pixels_total=MAX_FILE_PIXELS, decipher=decipher_for(data)))
    with PDFIUM_LOCK:
        facts = _pdf_facts(data, dpi, max_pixels)
    warnings.extend(_pdf_flags(scan.javascript or facts.javascript > 0, scan.launch,
                               max(scan.embedded_files, facts.attachments)))
    dpis = [_fit_dpi(width, height, dpi, max_pixels, number) for number, (width, height) in enumerate(facts.sizes, 1)]
    for index in facts.too_complex:
        warnings.append(LoadWarning("text_layer_skipped", f"the page's text layer has over {MAX_TEXT_LAYER_OBJECTS:,} "
                                    "objects: the page is read by OCR instead", index + 1))
    text_layers = _pdf_text_layers(data, {i: dpis[i] for i in facts.with_text}, warnings) if facts.with_text else {}
    pages = []
    budget = RETAIN_BYTES
    for index, ((width_pt, height_pt), page_dpi) in enumerate(zip(facts.sizes, dpis)):
        if page_dpi < dpi:
            warnings.append(LoadWarning("resolution_lowered", f"the page is {width_pt / POINTS_PER_INCH:.0f}x"
                                        f"{height_pt / POINTS_PER_INCH:.0f} inches: rendered at {page_dpi} dpi "
                                        f"to stay under the {max_pixels:,} pixel limit", index + 1))
        width, height = _rendered_size(width_pt, page_dpi), _rendered_size(height_pt, page_dpi)
        words = text_layers.get(index)
        page = SourcePage(number=index + 1, dpi=page_dpi, text_words=words, width=width, height=height)
        page._render = _pdf_renderer(data, index, page_dpi)
        if words is None and width * height * 3 <= budget:  # image-only pages are needed at once, for OCR
            page._pixels = page._render()
            page._verified = True
            budget -= page._pixels.nbytes
        pages.append(page)
    return pages


def _pdf_facts(data: bytes, dpi: int, max_pixels: int) -> _PdfFacts:
    """Everything PDFium tells before rendering: sizes, which pages have text, scripts, attachments."""
    document = _open_pdf(data)
    try:
        page_count = len(document)
        if page_count == 0:
            raise EmptyInput("the PDF has no pages")
        if page_count > MAX_PDF_PAGES:
            raise TooManyPages(f"the PDF has {page_count:,} pages, over the {MAX_PDF_PAGES} page limit; "
                               "split it into files of at most that many pages")
        sizes = [tuple(document.get_page_size(index)) for index in range(page_count)]
        total = 0
        for number, (width, height) in enumerate(sizes, 1):
            page_dpi = _fit_dpi(width, height, dpi, max_pixels, number)  # refuses before any page is parsed
            total += _rendered_size(width, page_dpi) * _rendered_size(height, page_dpi)
        if total > MAX_FILE_PIXELS:
            raise TooLarge(f"the PDF's {page_count} pages would render to {total:,} pixels, over the "
                           f"{MAX_FILE_PIXELS:,} pixel limit per file")
        with_text: list[int] = []
        too_complex: list[int] = []
        for index in range(page_count):
            page = document[index]
            try:
                textpage = page.get_textpage()
                chars = textpage.count_chars()  # in C; the slower pdfplumber reads only pages that have some
                textpage.close()
                if chars >= MIN_TEXT_LAYER_CHARS:
                    objects = sum(1 for _ in itertools.islice(page.get_objects(), MAX_TEXT_LAYER_OBJECTS + 1))
                    (too_complex if objects > MAX_TEXT_LAYER_OBJECTS else with_text).append(index)
            finally:
                page.close()
        javascript = max(0, pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw))
        attachments = max(0, pdfium_c.FPDFDoc_GetAttachmentCount(document.raw))
        return _PdfFacts(sizes=sizes, with_text=with_text, too_complex=too_complex, javascript=javascript,
                         attachments=attachments)
    finally:
        document.close()


def _pdfium_says_encrypted(data: bytes) -> bool:
    document = _open_pdf(data)  # opening reads the trailer and cross-references, no page
    try:
        return pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1
    finally:
        document.close()


def _pdf_flags(javascript: bool, launch: bool, embedded: int) -> list[LoadWarning]:
    flags = []
    if javascript:
        flags.append(LoadWarning("pdf_javascript", "the PDF holds JavaScript: hoso does not run it, but a PDF "
                                 "viewer opening the original may"))
    if launch:
        flags.append(LoadWarning("pdf_launch_action", "the PDF holds a Launch action (it can start a program): "
                                 "hoso does not run it, but a PDF viewer opening the original may"))
    if embedded:
        flags.append(LoadWarning("pdf_embedded_files", f"the PDF carries {embedded} embedded file(s): hoso neither "
                                 "opens nor reads them, so nothing in them is in the result"))
    return flags


def _check_pdf_end(data: bytes) -> None:
    """A PDF cut short (an interrupted upload or copy) would open with pages missing or half drawn."""
    tail = data.rstrip(b"\x00 \t\r\n\x0c")[-2048:]
    if b"%%EOF" not in tail and b"startxref" not in tail:
        raise CorruptInput("the PDF is truncated or damaged: it does not end with an end-of-file marker")


def _open_pdf(data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf("the PDF is password-protected") from exc
        if _pdfminer_page_count(data) == 0:  # PDFium refuses a document without pages, saying only "Success"
            raise EmptyInput("the PDF has no pages") from exc
        raise CorruptInput(f"the PDF cannot be opened ({decode.short(exc)})") from exc


def _pdfminer_page_count(data: bytes) -> int | None:
    """pdfminer's count of the pages (the file has passed the bounded scan), or None if it cannot tell."""
    # lazy: pdfminer (with the cryptography it imports) costs ~35 ms and ~20 MB; only some PDFs need it
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        return sum(1 for _ in itertools.islice(PDFPage.create_pages(document), MAX_PDF_PAGES + 1))
    except Exception:
        return None


def _fit_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int, number: int = 1) -> int:
    """The render resolution, lowered for outsized pages so that no page exceeds the pixel limit;
    a page that would need less than MIN_RENDER_DPI is refused."""
    if not (width_pt > 0 and height_pt > 0 and math.isfinite(width_pt) and math.isfinite(height_pt)):
        raise CorruptInput(f"page {number} of the PDF has no size")
    pixels_at_dpi = (width_pt * dpi / POINTS_PER_INCH) * (height_pt * dpi / POINTS_PER_INCH)
    if pixels_at_dpi <= max_pixels:
        return dpi
    fitted = int(dpi * (max_pixels / pixels_at_dpi) ** 0.5)
    if fitted < MIN_RENDER_DPI:
        at_minimum = int(width_pt * MIN_RENDER_DPI / POINTS_PER_INCH) * int(height_pt * MIN_RENDER_DPI / POINTS_PER_INCH)
        raise PageTooLarge(f"page {number} of the PDF is {width_pt / POINTS_PER_INCH:.0f}x"
                           f"{height_pt / POINTS_PER_INCH:.0f} inches: even at {MIN_RENDER_DPI} dpi it would be "
                           f"{at_minimum:,} pixels, over the {max_pixels:,} pixel limit")
    return fitted


def _rendered_size(points: float, dpi: int) -> int:
    return math.ceil(points * dpi / POINTS_PER_INCH)  # as PDFium's renderer sizes its bitmap


def _pdf_renderer(data: bytes, index: int, dpi: int) -> Callable[[], np.ndarray]:
    """Render one page on demand, opening the PDF again under the lock (opening is cheap)."""

    def render() -> np.ndarray:
        with PDFIUM_LOCK:
            document = _open_pdf(data)
            try:
                page = document[index]
                bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=False, may_draw_forms=False)
                pixels = _bitmap_to_bgr(bitmap.to_numpy(), bitmap.rev_byteorder)
                bitmap.close()
                page.close()
            finally:
                document.close()
        return pixels

    return render


def _bitmap_to_bgr(pixels: np.ndarray, rgb_order: bool) -> np.ndarray:
    """A PDFium bitmap's pixels as an OpenCV BGR array of our own (the bitmap's buffer is freed with it)."""
    if pixels.ndim == 2:
        return pixels.copy()
    if pixels.shape[2] == 4:
        return cv2.cvtColor(pixels, cv2.COLOR_RGBA2BGR if rgb_order else cv2.COLOR_BGRA2BGR)
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR) if rgb_order else pixels.copy()


def _pdf_text_layers(data: bytes, dpis: dict[int, int], warnings: list[LoadWarning]) -> dict[int, list[Word] | None]:
    """The text-layer words of the given pages in pixel coordinates at each page's dpi (None where too few
    are visible). A text layer pdfminer cannot read is not a reason to lose the page: PDFium renders it
    and it is OCR'd instead, with a warning."""
    # lazy: pdfplumber with pdfminer costs ~50 ms and ~23 MB; only PDFs with a text layer need them
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPdf("the PDF is password-protected") from exc
    except Exception as exc:
        warnings.append(LoadWarning("text_layer_unreadable", f"the PDF's text layer cannot be read "
                                    f"({decode.short(exc)}): its pages are read by OCR instead"))
        return {}
    layers: dict[int, list[Word] | None] = {}
    with pdf:
        for index, dpi in dpis.items():
            try:
                layers[index] = _page_words(pdf.pages[index], dpi)
            except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
                raise EncryptedPdf("the PDF is password-protected") from exc
            except Exception as exc:
                warnings.append(LoadWarning("text_layer_unreadable", f"the page's text layer cannot be read "
                                            f"({decode.short(exc)}): the page is read by OCR instead", index + 1))
    return layers


def _page_words(page, dpi: int) -> list[Word] | None:
    visible_chars = sum(1 for char in page.chars if not char["text"].isspace())
    if visible_chars < MIN_TEXT_LAYER_CHARS:
        return None
    scale = dpi / POINTS_PER_INCH
    buried = buried_leader_dots(page.chars)
    if buried:
        page = page.filter(lambda obj: id(obj) not in buried)
    raw = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=WORD_X_TOLERANCE, y_tolerance=3)
    words = [
        Word(
            text=unicodedata.normalize("NFC", item["text"]).replace("…", "..."),  # "1988………": leaders as dots
            confidence=1.0,
            bbox=(
                int(item["x0"] * scale), int(item["top"] * scale),
                int(round(item["x1"] * scale)), int(round(item["bottom"] * scale)),
            ),
            line=0,
        )
        for item in raw
    ]
    return renumber_lines(words)


WORD_X_TOLERANCE = 1.5  # points: characters closer than this are one word
LEADER_DOTS = 4  # dots drawn one after another on a line that make a leader (an ellipsis has three)
DOTS = {".": 1, "…": 3}


def buried_leader_dots(chars: list[dict[str, Any]]) -> set[int]:
    """The ``id``s of leader dots drawn under text (a form filled in over its dotted lines): read in with the
    text, they split its words ("g...h...i b...ằ...ng c...h...ữ"). A leader is a run of dots in drawing order on
    one line; its dots overlapping the line's other characters are buried, the rest stay (as printed)."""
    runs: list[list[dict[str, Any]]] = []
    run: list[dict[str, Any]] = []
    for char in [*chars, {"text": ""}]:  # the sentinel closes the last run
        if char["text"] in DOTS and (not run or abs(char["top"] - run[-1]["top"]) < 1):
            run.append(char)
            continue
        if sum(DOTS[dot["text"]] for dot in run) >= LEADER_DOTS:
            runs.append(run)
        run = [char] if char["text"] in DOTS else []
    leaders = {id(dot) for leader in runs for dot in leader}
    text = [char for char in chars if id(char) not in leaders]  # its spaces too: a dot between words splits none
    buried: set[int] = set()
    for leader in runs:
        top, bottom = min(dot["top"] for dot in leader), max(dot["bottom"] for dot in leader)
        spans = _merged_spans(sorted((char["x0"], char["x1"]) for char in text
                                     if char["top"] < bottom and char["bottom"] > top))
        buried |= {id(dot) for dot in leader
                   if any(min(x1, dot["x1"]) - max(x0, dot["x0"]) > WORD_X_TOLERANCE for x0, x1 in spans)}
    return buried


def _merged_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted character spans joined where they are one word's (closer than ``WORD_X_TOLERANCE``)."""
    merged: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if merged and x0 - merged[-1][1] <= WORD_X_TOLERANCE:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _short(exc: BaseException) -> str:
    return decode.short(exc)
