"""Load: any dossier file's bytes into source pages (pixels, or a PDF text layer).

The file type is decided from the bytes, never the name. Images get their EXIF
orientation applied; multi-page TIFFs and PDFs give one source page each. A PDF
page with a usable text layer keeps its words (no OCR later) and is rasterised
only if something asks for its pixels.
"""

from __future__ import annotations

import io
import threading
import unicodedata
import warnings
from dataclasses import dataclass, field
from collections.abc import Callable

import cv2
import numpy as np

from schemas.errors import CorruptInput, EmptyInput, EncryptedPdf, HosoError, TooLarge, UnsupportedType
from pipeline.geometry import renumber_lines
from schemas import Word

DEFAULT_DPI = 300
MAX_PIXELS = 120_000_000  # ~ a 50 MP phone photo twice over; beyond this is a decompression bomb
MAX_PAGES = 500
MIN_TEXT_LAYER_CHARS = 20  # fewer visible characters than this is a scan with a stray label, not a text layer
POINTS_PER_INCH = 72
EXIF_ORIENTATION = 0x0112

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
]


@dataclass
class SourcePage:
    """One page as loaded: pixels for images and scans, words for text-layer PDF pages."""

    number: int
    dpi: int
    text_words: list[Word] | None = None
    width: int = 0
    height: int = 0
    reoriented: bool = False  # EXIF orientation was applied: the pixels differ from the file's
    _pixels: np.ndarray | None = field(default=None, repr=False)
    _render: Callable[[], np.ndarray] | None = field(default=None, repr=False)

    @property
    def has_text_layer(self) -> bool:
        return self.text_words is not None

    @property
    def pixels(self) -> np.ndarray:
        """The page image (BGR or grayscale uint8), rendered on first use for text-layer pages."""
        if self._pixels is None:
            assert self._render is not None
            self._pixels = self._render()
        return self._pixels


def detect_media_type(data: bytes) -> str:
    """The media type of a file from its leading bytes.

    Raises EmptyInput for no bytes and UnsupportedType for anything that is not
    a PDF or an image format we read.
    """
    if not data.strip(b"\x00 \t\r\n"):
        raise EmptyInput("the file is empty")
    if b"%PDF-" in data[:1024]:
        return "application/pdf"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise UnsupportedType("not a PDF or an image (JPEG, PNG, TIFF, WebP, GIF, BMP)")


def load_pages(data: bytes, *, dpi: int = DEFAULT_DPI, max_pixels: int = MAX_PIXELS) -> tuple[str, list[SourcePage]]:
    """Decode a file into its pages.

    Returns the media type and the pages in order. Raises a HosoError subclass
    with a one-line reason for empty, corrupt, encrypted, oversized or
    unsupported input.
    """
    media_type = detect_media_type(data)
    if media_type == "application/pdf":
        pages = load_pdf(data, dpi=dpi, max_pixels=max_pixels)
    else:
        pages = load_image(data, max_pixels=max_pixels)
    if not pages:
        raise EmptyInput("the file holds no pages")
    return media_type, pages


# --- images -----------------------------------------------------------------


def load_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> list[SourcePage]:
    """All frames of an image file (multi-page TIFF included), EXIF orientation applied."""
    from PIL import Image, ImageOps, ImageSequence

    Image.MAX_IMAGE_PIXELS = None  # we check the size ourselves, before decoding, with our own limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            pages: list[SourcePage] = []
            for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if index > MAX_PAGES:
                    raise TooLarge(f"more than {MAX_PAGES} pages")
                _check_pixel_count(frame.width, frame.height, max_pixels)
                reoriented = index == 1 and frame.getexif().get(EXIF_ORIENTATION, 1) != 1
                upright = ImageOps.exif_transpose(frame) if reoriented else frame
                page = _image_page(index, upright, _image_dpi(frame))
                page.reoriented = reoriented
                pages.append(page)
            return pages
    except HosoError:
        raise
    except Exception as exc:  # Pillow raises many types for damaged files
        raise CorruptInput(f"the image cannot be decoded ({_short(exc)})") from exc


def _image_page(number: int, image, dpi: int) -> SourcePage:
    pixels = _to_array(image)
    return SourcePage(number=number, dpi=dpi, width=pixels.shape[1], height=pixels.shape[0], _pixels=pixels)


def _to_array(image) -> np.ndarray:
    """Pillow image to a uint8 array: grayscale stays 2-D, colour becomes BGR (OpenCV's order)."""
    if image.mode in ("1", "L", "I;16", "I", "F"):
        gray = image.convert("L")
        return np.asarray(gray)
    rgb = image.convert("RGB")
    return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)  # ~6× faster than a reversed-axis copy


def _image_dpi(image) -> int:
    dpi = image.info.get("dpi")
    try:
        value = int(round(float(dpi[0])))
    except (TypeError, ValueError, IndexError):
        return DEFAULT_DPI
    # cameras write 72 dpi whatever they saw; such values say nothing about the text size
    return value if 100 <= value <= 1200 else DEFAULT_DPI


def _check_pixel_count(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise CorruptInput("the image has no pixels")
    if width * height > max_pixels:
        raise TooLarge(f"the image is {width}x{height} pixels, over the {max_pixels:,} pixel limit")


# --- PDF --------------------------------------------------------------------


# PDFium is not thread-safe: every call into it, from any thread, holds this lock, and no
# document outlives the locked block that opened it (its finaliser could otherwise run
# in another thread's pdfium call).
PDFIUM_LOCK = threading.RLock()


def load_pdf(data: bytes, *, dpi: int = DEFAULT_DPI, max_pixels: int = MAX_PIXELS) -> list[SourcePage]:
    """Pages of a PDF: text-layer words where a page has them, else a 300-dpi rasterisation."""
    with PDFIUM_LOCK:
        document = _open_pdf(data)
        try:
            page_count = len(document)
            if page_count > MAX_PAGES:
                raise TooLarge(f"the PDF has {page_count} pages, over the {MAX_PAGES} page limit")
            # pdfium counts characters in C; the slower pdfplumber reads only pages that have some
            with_text = [i for i in range(page_count) if document[i].get_textpage().count_chars() >= MIN_TEXT_LAYER_CHARS]
            sizes = [document[i].get_size() for i in range(page_count)]
        finally:
            document.close()
    text_layers = _pdf_text_layers(data, with_text, dpi) if with_text else {}
    pages = []
    for index, (width_pt, height_pt) in enumerate(sizes):
        page_dpi = _fit_dpi(width_pt, height_pt, dpi, max_pixels)
        width, height = round(width_pt * page_dpi / POINTS_PER_INCH), round(height_pt * page_dpi / POINTS_PER_INCH)
        words = text_layers.get(index)
        page = SourcePage(number=index + 1, dpi=page_dpi, text_words=words, width=width, height=height)
        page._render = _pdf_renderer(data, index, page_dpi)
        if words is None:
            page._pixels = page._render()  # image-only pages are needed at once, for OCR
        pages.append(page)
    return pages


def _open_pdf(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf("the PDF is password-protected") from exc
        raise CorruptInput(f"the PDF cannot be opened ({_short(exc)})") from exc


def _fit_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> int:
    """The render resolution, lowered for outsized pages so that no page exceeds the pixel limit."""
    pixels_at_dpi = (width_pt * dpi / POINTS_PER_INCH) * (height_pt * dpi / POINTS_PER_INCH)
    if pixels_at_dpi <= max_pixels:
        return dpi
    return max(36, int(dpi * (max_pixels / pixels_at_dpi) ** 0.5))


def _pdf_renderer(data: bytes, index: int, dpi: int) -> Callable[[], np.ndarray]:
    """Render one page on demand, opening the PDF again under the lock (opening is cheap)."""

    def render() -> np.ndarray:
        with PDFIUM_LOCK:
            document = _open_pdf(data)
            try:
                bitmap = document[index].render(scale=dpi / POINTS_PER_INCH, grayscale=False)
                pixels = _bitmap_to_bgr(bitmap.to_numpy(), bitmap.rev_byteorder)
                bitmap.close()
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


def _pdf_text_layers(data: bytes, indices: list[int], dpi: int) -> dict[int, list[Word] | None]:
    """The text-layer words of the given pages in pixel coordinates (None where too few are visible)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return {index: _page_words(pdf.pages[index], dpi) for index in indices}
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPdf("the PDF is password-protected") from exc
    except Exception as exc:
        raise CorruptInput(f"the PDF's text cannot be read ({_short(exc)})") from exc


def _page_words(page, dpi: int) -> list[Word] | None:
    visible_chars = sum(1 for char in page.chars if not char["text"].isspace())
    if visible_chars < MIN_TEXT_LAYER_CHARS:
        return None
    scale = dpi / POINTS_PER_INCH
    raw = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5, y_tolerance=3)
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


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
