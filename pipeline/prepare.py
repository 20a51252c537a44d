"""Prepare: make a page image upright, straight, cropped and readable for Tesseract.

Every analysis runs on a small copy of the page (about 1,000 px) so that the
cost stays far below OCR's; the full-resolution image is touched only to apply
what was decided (one warp, one rotation, one resize at most).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import cv2
import numpy as np
import zxingcpp

from pipeline.geometry import true_runs

ANALYSIS_SIDE = 1000  # px: the long side of the copy every decision is made on
CARD_LONG_MM = 85.6
CARD_ASPECT = CARD_LONG_MM / 54.0  # ISO/IEC 7810 ID-1
A4_ASPECT = 297.0 / 210.0
CARD_WIDTH_PX = 1400  # a warped card at ~415 dpi: its 6-8 pt print gets Tesseract's preferred x-height
TARGET_CHAR_HEIGHT = 30  # px: median glyph height small print is enlarged to
# A dusty form is read at a smaller size: reducing it averages its grain away (on the 100-item set
# noisy scans went from 85.5 % to 90.5 % with every form at 26 px, but phone photos lost accuracy).
DUSTY_SHEET_CHAR_HEIGHT = 26
LARGE_PRINT_CHAR_HEIGHT = 26  # px: print this large (median glyph) is read better smaller: measured, see README
LARGE_PRINT_TARGET = 18
MAX_SKEW = 15.0
SKEW_TOLERANCE = 0.3  # degrees: less skew than this costs Tesseract nothing, so is left alone


@dataclass
class PreparedPage:
    """A page ready for OCR, and what was done to it (for provenance and review)."""

    image: np.ndarray  # grayscale uint8
    rotation: int = 0  # clockwise quarter turns applied, in degrees
    skew: float = 0.0  # clockwise degrees turned to remove skew
    cropped: bool = False  # a document quadrilateral was found and warped flat
    kind: str = "sheet"  # "card" or "sheet", from the final aspect ratio
    scale: float = 1.0  # resize applied after cropping
    flattened: bool = False  # uneven light was divided out, or dotted leaders erased
    quality: list[str] = field(default_factory=list)
    transform: np.ndarray | None = field(default=None, repr=False)  # 3 × 3: source page pixels → ``image`` pixels
    # the QR codes decoded on a card, each its box and payload: the boxes are not for Tesseract
    codes: list[tuple[tuple[int, int, int, int], str]] = field(default_factory=list)

    @property
    def ocr_image(self) -> np.ndarray:
        """The image Tesseract reads: ``image`` with its QR codes whitened (read as letters, a code's
        modules end up at the start of the values beside it; the code itself is decoded from ``image``)."""
        if not self.codes:
            return self.image
        blank = self.image.copy()
        for (x0, y0, x1, y1), _ in self.codes:
            blank[max(0, y0):y1, max(0, x0):x1] = 255
        return blank

    @property
    def unchanged(self) -> bool:
        """True when the page was good as it came: the original pixels are what OCR should read."""
        return not (self.rotation or abs(self.skew) >= SKEW_TOLERANCE or self.cropped or self.flattened or self.scale != 1.0)

    @property
    def region(self) -> np.ndarray | None:
        """Where this image lies on the source page: its corners (top-left, top-right, bottom-right,
        bottom-left of ``image``) in the source page's pixels, 4 × 2. None when the image is the page's
        own geometry (nothing cropped, turned or resized)."""
        if self.transform is None or (not self.cropped and not self.rotation and abs(self.skew) < SKEW_TOLERANCE
                                      and self.scale == 1.0):
            return None
        height, width = self.image.shape[:2]
        corners = np.array([[0, 0, 1], [width, 0, 1], [width, height, 1], [0, height, 1]], dtype=np.float64)
        mapped = corners @ np.linalg.inv(self.transform).T
        return mapped[:, :2] / mapped[:, 2:3]


def prepare_page(pixels: np.ndarray, dpi: int | None = None) -> PreparedPage:
    """The first document of a page image prepared for OCR (``prepare_regions`` gives every one)."""
    return prepare_regions(pixels, dpi)[0]


def prepare_regions(pixels: np.ndarray, dpi: int | None = None) -> list[PreparedPage]:
    """Crop, turn, straighten, even out and size every document on one page image.

    A page holding several card sides (side by side, stacked, turned, two citizens' cards, on a scanned
    or photographed sheet) gives one prepared image per side, in reading order, each turned upright on
    its own; any other page gives one image (the document's quadrilateral warped flat, or the page).

    Args:
        pixels: BGR or grayscale uint8 image as loaded.
        dpi: the page's resolution when known (scans, PDF pages): lets a card be recognised by its
            physical size where its outline does not show.
    Returns:
        The prepared grayscale images and the transformations applied, with each one's ``transform``
        from the page's pixels (so that a box on it can be found on the page).
    """
    seen = analyse_page(pixels, dpi)  # one analysis copy serves quality, crop, orientation and size
    small, small_gray, factor = seen.small, seen.small_gray, seen.factor
    quality = assess_quality(small_gray, colour=pixels.ndim == 3)
    quads = find_documents(small, factor, dpi, seen.quads)
    gray = to_gray(pixels)
    if not quads:
        return [_prepare(gray, small_gray, factor, np.eye(3), None, quality, seen.boxes)]
    prepared = []
    for quad in reading_order(quads):
        warped, matrix = warp_quad(gray, quad.corners, quad.kind, with_matrix=True)
        warped_small, warped_factor = shrink(warped)
        prepared.append(_prepare(warped, warped_small, warped_factor, matrix, quad.kind, list(quality)))
    return prepared


def prepare_quad(pixels: np.ndarray, corners: np.ndarray, kind: str = "card") -> PreparedPage:
    """One document of a page, given its quadrilateral (source pixels), prepared for OCR on its own."""
    warped, matrix = warp_quad(to_gray(pixels), corners.astype(np.float32), kind, with_matrix=True)
    small, factor = shrink(warped)
    return _prepare(warped, small, factor, matrix, kind, [])


def looks_like_card_sheet(boxes: list[tuple[int, int, int, int]], width: int, height: int, dpi: int) -> bool:
    """Whether a born-digital page's words (boxes in page pixels at ``dpi``) lie in two or more card-sized
    blocks, as the words of card sides laid on a sheet do (a cheap test before the page is rendered:
    ``card_sheet_regions``). Words leave a card's pictures out, so their blocks may be smaller and squarer."""
    factor = min(1.0, ANALYSIS_SIDE / max(width, height, 1))
    ink = np.zeros((max(1, int(height * factor)), max(1, int(width * factor))), np.uint8)
    for x0, y0, x1, y1 in boxes:
        ink[int(y0 * factor): max(int(y0 * factor) + 1, int(y1 * factor)),
            int(x0 * factor): max(int(x0 * factor) + 1, int(x1 * factor))] = 1
    return len(cards_by_print(None, dpi / 25.4 * factor, ink, skew=0.0, extent=(0.4, 0.4), aspect=(0.8, 2.6))) >= 2


def card_sheet_regions(pixels: np.ndarray, dpi: int | None) -> list[np.ndarray]:
    """The card sides on a page image (each a quadrilateral in its pixels), in reading order; empty
    unless there are at least two."""
    small, factor = shrink(pixels)
    quads = [quad for quad in find_documents(small, factor, dpi) if quad.kind == "card"]
    return [quad.corners for quad in reading_order(quads)] if len(quads) >= 2 else []


def _prepare(gray: np.ndarray, small_gray: np.ndarray, factor: float, transform: np.ndarray, kind: str | None,
             quality: list[str], boxes: np.ndarray | None = None) -> PreparedPage:
    """Turn, straighten, even out and size one document image (``gray``, warped when ``kind`` is given;
    ``boxes``: ``small_gray``'s glyph boxes when already found)."""
    cropped = kind is not None
    boxes = glyph_boxes(small_gray) if boxes is None else boxes
    if kind == "card":
        rotation, skew = card_orientation(boxes, small_gray.shape[:2])
    else:
        rotation, skew = orientation_from_glyphs(boxes, small_gray.shape[0])
    transform = _rotation_matrix(gray.shape[:2], rotation, skew) @ transform
    turned = rotate_page(gray, rotation, skew)
    flat = flatten_illumination(turned)
    char_height = glyph_height(boxes, rotation) / factor
    cleaned, dusty = erase_dotted_leaders(flat, char_height)
    kind = "card" if kind == "card" else page_kind(cleaned.shape[1], cleaned.shape[0])
    sized, scale = normalise_text_size(cleaned, char_height, text_size_target(char_height, dusty and kind == "sheet"))
    transform = np.diag([scale, scale, 1.0]) @ transform
    return PreparedPage(
        image=sized, rotation=rotation, skew=skew, cropped=cropped, scale=scale,
        flattened=cleaned is not turned, kind=kind, quality=quality, transform=transform,
        codes=qr_codes(sized) if kind == "card" else [],
    )


def qr_codes(gray: np.ndarray) -> list[tuple[tuple[int, int, int, int], str]]:
    """The decodable QR codes on a card image, found in a few ms: each one's box (a few pixels of margin around)
    and payload. Where none decodes on the whole image, the top corners (where cards print their code) are tried
    enlarged twice: a card read at its warped size gives a code's modules only ~4 px."""
    codes = _decode_codes(gray, (0, 0), 1)
    height, width = gray.shape[:2]
    corner_w, corner_h = int(width * 0.45), int(height * 0.6)
    for left in (width - corner_w, 0):
        if codes:
            break
        crop = cv2.resize(gray[:corner_h, left:left + corner_w], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        codes = _decode_codes(crop, (left, 0), 2)
    return codes


def _decode_codes(gray: np.ndarray, origin: tuple[int, int], scale: int) -> list[tuple[tuple[int, int, int, int], str]]:
    """zxing's QR codes on a view of an image (``origin``: its top-left there, ``scale``: its enlargement)."""
    try:
        found = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    except Exception:  # noqa: BLE001 - a decoder failure is just "none found"
        return []
    codes = []
    for code in found:
        corners = [code.position.top_left, code.position.top_right, code.position.bottom_right, code.position.bottom_left]
        xs, ys = [c.x / scale for c in corners], [c.y / scale for c in corners]
        margin = 0.06 * (max(xs) - min(xs))
        codes.append(((int(origin[0] + min(xs) - margin), int(origin[1] + min(ys) - margin),
                       int(origin[0] + max(xs) + margin), int(origin[1] + max(ys) + margin)), _utf8(code)))
    return codes


def _utf8(code: zxingcpp.Barcode) -> str:
    """A code's payload as UTF-8 (card QR codes carry no ECI, and a decoder may guess Latin-1)."""
    try:
        return bytes(code.bytes).decode("utf-8")
    except (UnicodeDecodeError, AttributeError):
        return code.text


def to_gray(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)


def shrink(image: np.ndarray, side: int = ANALYSIS_SIDE) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most ``side`` px, and the factor applied."""
    factor = min(1.0, side / max(image.shape[:2]))
    if factor == 1.0:
        return image, 1.0
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), factor


@dataclass(frozen=True)
class PageAnalysis:
    """A page image's analysis copy and what is found on it. Made once per page and shared, read-only: an
    upload's capture-quality check runs beside its reading, on the same decoded page."""

    small: np.ndarray  # the page, long side at most ANALYSIS_SIDE, area-averaged (colour when the page is)
    small_gray: np.ndarray
    factor: float  # small = page × factor
    quads: tuple[DocumentQuad, ...]  # find_document_quads
    boxes: np.ndarray  # glyph_boxes(small_gray)


Key = TypeVar("Key")
Value = TypeVar("Value")


class RecentResults(Generic[Key, Value]):
    """The last results computed, by key; a thread asking for one that another is computing waits for it
    instead of computing it again."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._done: OrderedDict[Key, Value] = OrderedDict()
        self._running: dict[Key, Future[Value]] = {}
        self._lock = threading.Lock()

    def get(self, key: Key, compute: Callable[[], Value]) -> Value:
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            running = self._running.get(key)
            if running is None:
                mine: Future[Value] = Future()
                self._running[key] = mine
        if running is not None:
            return running.result()
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._running[key]
            mine.set_exception(exc)
            raise
        with self._lock:
            del self._running[key]
            self._done[key] = value
            while len(self._done) > self._size:
                self._done.popitem(last=False)
        mine.set_result(value)
        return value


_ANALYSES: RecentResults[tuple, PageAnalysis] = RecentResults(size=8)  # a few uploads' pages: ~4 MB each


def analyse_page(pixels: np.ndarray, dpi: int | None = None) -> PageAnalysis:
    """``PageAnalysis`` of a page image, computed once however many ask (keyed by its pixels' digest: ~5 ms)."""
    pixels = np.ascontiguousarray(pixels)
    key = (pixels.shape, str(pixels.dtype), dpi, hashlib.sha256(pixels.data).digest())
    return _ANALYSES.get(key, lambda: _analyse(pixels, dpi))


def _analyse(pixels: np.ndarray, dpi: int | None) -> PageAnalysis:
    small, factor = shrink(pixels)
    if small is pixels:
        small = pixels.copy()  # a page at most the analysis size is its own copy: it must stay writeable
    small_gray = to_gray(small)
    seen = PageAnalysis(small=small, small_gray=small_gray, factor=factor,
                        quads=tuple(find_document_quads(small, factor, dpi)), boxes=glyph_boxes(small_gray))
    for shared in (seen.small, seen.small_gray, seen.boxes, *(quad.corners for quad in seen.quads)):
        shared.flags.writeable = False  # shared between threads: a change would be seen by the other reader
    return seen


def page_kind(width: int, height: int) -> str:
    """"card" for an ID-1 card's proportions, "sheet" for A4 and anything else."""
    return "card" if aspect_kind(width, height) == "card" else "sheet"


def aspect_kind(width: float, height: float) -> str:
    """The document an outline's proportions suggest: "card" (85.6 × 54), "a4", or "other".

    The nearer of the two wins: a photographed A4 sheet, foreshortened, can look
    as long as 1.5:1 and must not be squashed into a card.
    """
    aspect = max(width, height) / max(1.0, min(width, height))
    to_card, to_a4 = abs(aspect - CARD_ASPECT), abs(aspect - A4_ASPECT)
    if to_card < to_a4 and to_card < 0.25:
        return "card"
    if to_a4 <= to_card and to_a4 < 0.2:
        return "a4"
    return "other"


# --- quality hints ------------------------------------------------------------


def assess_quality(small_gray: np.ndarray, colour: bool) -> list[str]:
    """Reasons a clerk could act on ("retake: blurred"), from cheap measurements on the analysis copy."""
    hints = []
    if cv2.Laplacian(small_gray, cv2.CV_64F).var() < 40:
        hints.append("blurred: retake or rescan in focus")
    if small_gray.mean() < 60:
        hints.append("too dark: more light")
    saturated = (small_gray >= 250).mean()
    if colour and 0.02 < saturated < 0.5 and _has_glare_spot(small_gray):
        hints.append("glare on the document: tilt it away from the light")
    return hints


def _has_glare_spot(small: np.ndarray) -> bool:
    """A compact blown-out blob inside a darker, textured area (not a white paper margin)."""
    mask = (small >= 250).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    area = small.shape[0] * small.shape[1]
    for x, y, w, h, pixels in stats[1:]:
        if 0.002 * area < pixels < 0.08 * area and x > 0 and y > 0 and x + w < small.shape[1] and y + h < small.shape[0]:
            ring = small[max(0, y - 5): y + h + 5, max(0, x - 5): x + w + 5]
            if ring.mean() < 215:
                return True
    return False


# --- perspective ----------------------------------------------------------------


@dataclass
class DocumentQuad:
    corners: np.ndarray  # full-resolution, top-left first, clockwise
    kind: str  # "card", "a4" or "other", from proportions and print size


def find_document_quads(small: np.ndarray, factor: float, dpi: int | None = None) -> list[DocumentQuad]:
    """Documents lying on a distinct background, in full-resolution pixels.

    ``small`` is the analysis copy, ``factor`` its scale. Gives one sheet or card, or the card sides
    lying on one page (up to ``MAX_CARD_SIDES``: a card's two sides, two citizens' cards); nothing when
    the document fills the frame (a scan) or no quadrilateral stands out. With the page's resolution,
    card sides whose outline does not stand out (a photocopy) are found by their print and size.
    """
    gray = to_gray(small)
    found, pale_cards = _outlines(small, gray, factor)
    if dpi is None or any(quad.kind != "card" for quad in found):
        return found
    return _cards_on_scan(gray, factor, dpi / 25.4 * factor, found, pale_cards)


MAX_CARD_SIDES = 6  # card sides looked for on one page: two citizens' cards, both sides, and some slack


def _outlines(small: np.ndarray, gray: np.ndarray, factor: float) -> tuple[list[DocumentQuad], list[np.ndarray]]:
    """Quadrilateral outlines: documents standing out from their background (one sheet, or card sides),
    and card-shaped outlines that do not stand out in colour (in the analysis copy's pixels)."""
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    image_area = gray.shape[0] * gray.shape[1]
    found: list[DocumentQuad] = []
    pale_cards: list[np.ndarray] = []  # card outlines whose colour does not stand out from the paper
    lab = small[..., None] if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2LAB)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:4 + 2 * MAX_CARD_SIDES]:
        share = cv2.contourArea(contour) / image_area
        if not MIN_CARD_SHARE < share < 0.93:
            continue
        quad = _quadrilateral(contour)
        if quad is None or any(_overlaps(quad, other.corners * factor) for other in found):
            continue
        kind = document_kind(gray, quad)
        if not _stands_out(small, quad, lab):
            if kind == "card" and not any(_overlaps(quad, other) for other in pale_cards):
                pale_cards.append(quad)
            continue
        if share < 0.12 and kind != "card":
            continue
        found.append(DocumentQuad(order_corners(quad / factor), kind))
        if kind != "card" or len(found) == MAX_CARD_SIDES:
            break
    if len(found) > 1 and found[-1].kind != "card":
        found = found[:-1]  # card sides first, then something larger that is no card: the sides are the documents
    return found, pale_cards


def _cards_on_scan(gray: np.ndarray, factor: float, px_per_mm: float, found: list[DocumentQuad],
                   pale_cards: list[np.ndarray], scales: tuple[float, ...] | None = None) -> list[DocumentQuad]:
    """Card sides on a page of known resolution (``px_per_mm`` in the analysis copy ``gray``): the
    outlines found when they hold nearly all the page's print, else the sides found by their print
    (``cards_by_print``), else what the outlines and pale outlines of a card's size give."""
    ink = ink_mask(gray)
    total = int(np.count_nonzero(ink))
    outlined = [quad.corners * factor for quad in found]
    if outlined and total and _ink_inside(ink, outlined) >= CARD_PRINT_SHARE * total:
        return found
    # by print only where paper fills the frame (a scan, a flattened sheet), not on a photo's desk, and
    # where the page could hold two sides (a scan of one card is that card)
    room = max(gray.shape) >= 1.8 * CARD_LONG_MM * px_per_mm or min(gray.shape) >= 1.8 * CARD_SHORT_MM * px_per_mm
    by_print = cards_by_print(gray, px_per_mm, ink, scales) if room else []
    # on a photo's desk, print found beside an outlined card may be the desk's grain: taken there only where the
    # sides found by print are more than the outlined cards and include each (a side whose tint the scan lost
    # beside one it kept); an outline found is truer than a rectangle drawn round print
    if by_print and (not outlined or _paper_border(gray) or len(by_print) > len(outlined)
                     and all(any(_overlaps(side, quad) for side in by_print) for quad in outlined)):
        return [DocumentQuad(order_corners(quad / factor), "card") for quad in by_print]
    if len(found) >= 2:
        return found
    card_px = CARD_LONG_MM * px_per_mm  # a card's long side at this resolution
    pale_cards = [quad for quad in pale_cards if 0.8 < max(quad_size(order_corners(quad))) / card_px < 1.25]
    if not pale_cards:
        return found
    return _with_pale_cards(glyph_boxes(gray), factor, found, pale_cards)


def _paper_border(gray: np.ndarray) -> bool:
    """Paper runs along the frame's edges: the page is a scan of a sheet (or the sheet fills the photo)."""
    band = max(2, int(0.02 * min(gray.shape)))
    edges = np.concatenate([gray[:band].ravel(), gray[-band:].ravel(), gray[:, :band].ravel(), gray[:, -band:].ravel()])
    paper = float(np.percentile(gray, 95))
    return paper >= 150 and float(np.mean(edges >= paper - 40)) >= 0.6


def _ink_inside(ink: np.ndarray, quads: list[np.ndarray]) -> int:
    mask = np.zeros(ink.shape, np.uint8)
    for quad in quads:
        cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1)
    return int(np.count_nonzero(ink & mask))


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Print, pictures and rules of a small page copy as 0/1: darker than their surroundings, without
    specks, and without long strokes along the frame's edges (a scanner's lid, the paper's edge)."""
    binary = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    height, width = gray.shape
    x, y, w, h, area = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3], stats[:, 4]
    on_edge = (x <= 1) | (y <= 1) | (x + w >= width - 1) | (y + h >= height - 1)
    small = area <= SPECK_AREA
    band = max(3, int(EDGE_BAND * max(height, width)))  # along the frame: a scanner's lid, the paper's edge
    in_band = np.ones((height, width), bool)
    in_band[band:-band, band:-band] = False
    along_edge = np.bincount(labels[in_band], minlength=count) >= 0.8 * area  # not a card's outline run off the page
    drop = on_edge & along_edge & (np.maximum(w, h) > 0.25 * max(height, width))
    drop[0] = True
    keep = (~drop & ~small).astype(np.uint8)
    ink = keep[labels]
    # a speck-sized blob beside print is a diacritic or a full stop; alone, it is dust
    near_print = cv2.dilate(ink, np.ones((7, 7), np.uint8))
    specks = (~drop & small).astype(np.uint8)[labels]
    return ink | (specks & near_print)


SPECK_AREA = 4  # px of the ~1,000 px analysis copy
EDGE_BAND = 0.03  # of the frame's long side


CARD_SHORT_MM = 54.0
CARD_FIT = 1.12  # a side's print fits its card with this slack (a tilt, a resolution a little off)
MIN_CARD_GAP_MM = 1.5  # blank between two card sides on a sheet


def cards_by_print(gray: np.ndarray | None, px_per_mm: float, ink: np.ndarray | None = None,
                   scales: tuple[float, ...] | None = None, skew: float | None = None,
                   extent: tuple[float, float] | None = None, aspect: tuple[float, float] | None = None
                   ) -> list[np.ndarray]:
    """Card sides on a sheet found by their print alone, for photocopies that lost the cards' tint and outline.

    The print (``ink_mask``), straightened by the page's skew, is cut recursively along blank bands
    into the fewest blocks that each fit a card (85.6 × 54 mm at ``px_per_mm``, either way round), as
    sides laid side by side, stacked, turned or in a grid are. A card's own blank bands (the gap above a
    2024 card's MRZ) are not cut: the whole card fits. Copies are often enlarged, so the card's size is
    tried from life size up (``CARD_COPY_SCALES``); the first that explains the print as sides each as
    large and as long as a card's print is wins (larger ones would take two stacked sides for one). Each side becomes a card-sized
    rectangle around its print (beyond the page's edge where its print runs into it: a card a little off
    the sheet). Nothing is returned unless the sides hold nearly all the page's print: a form's text
    lines span the page and fit no card.
    Returns quadrilaterals in ``gray``'s pixels. ``skew``: the page's, when known (else measured on ``gray``);
    ``extent`` and ``aspect``: how large and how long a side's print is (``CARD_PRINT_EXTENT``, ``CARD_PRINT_ASPECT``).
    """
    if ink is None:
        assert gray is not None
        ink = ink_mask(gray)
    total = int(np.count_nonzero(ink))
    if total < 200 or CARD_SHORT_MM * px_per_mm < 40:
        return []
    if skew is None:
        assert gray is not None
        boxes = glyph_boxes(gray)
        skew = orientation_from_glyphs(boxes, gray.shape[0])[1] if len(boxes) >= 20 else 0.0
    straight, matrix = _straighten(ink, skew)
    inked = int(np.count_nonzero(straight))
    profiles = _Profiles(straight)
    best: tuple[list[Box], tuple[float, float]] | None = None
    for scale in scales or CARD_COPY_SCALES:
        card = (CARD_LONG_MM * px_per_mm * scale, CARD_SHORT_MM * px_per_mm * scale)
        if card[1] > min(straight.shape):
            break
        blocks = _card_blocks(profiles, card, px_per_mm) or []
        sides = [block for block in blocks if _fills_a_card(straight, block, card, extent, aspect)]
        if _cuts_a_text_line(straight, blocks, sides, px_per_mm):
            continue  # a form's lines cut at a word space into blocks: no card is that close to another's print
        if _stacked_too_close(sides, card):
            continue  # a form's text cut between two of its lines: two cards' print lies further apart
        if (sides and len(sides) <= MAX_CARD_SIDES
                and sum(int(np.count_nonzero(straight[y0:y1, x0:x1])) for x0, y0, x1, y1 in sides)
                >= CARD_PRINT_SHARE * inked):
            best = sides, card
            break
    if best is None:
        return []
    valid, _ = _straighten(np.ones_like(ink), skew)
    inverse = cv2.invertAffineTransform(matrix)
    sides, card = best
    return [cv2.transform(_card_rectangle(valid, side, card)[None], inverse)[0].astype(np.float32) for side in sides]


CARD_COPY_SCALES = (1.0, 1.12, 1.25, 1.4, 1.56)  # life size, and copies enlarged up to about 160 %
# Blocks side by side whose print is closer than this, on the same rows at both edges of the blank
# between them, are one text line cut at a word space (a form photographed whole), not two card
# sides: a card's print keeps a few millimetres from its edge, so two sides' print lies further apart.
WORD_SPACE_MM = 2.5
LINE_CROSSING_MM = 1.0  # rows inked at both edges: as tall as a line of print, not a stray speck


# Sides one above the other whose print is closer than this share of a card's height are a page's text cut
# between two lines (a form photographed with the frame cutting the paper), not two cards: each card's print
# keeps about 3 mm (5 % of its 54) from its edge, so two sides' print lies 10 % of a card apart or more.
STACKED_GAP_SHARE = 0.06


def _stacked_too_close(sides: list[Box], card: tuple[float, float]) -> bool:
    """Whether two sides lie one above the other, mostly over the same columns, nearer than two cards' print can."""
    return any(0 <= lower[1] - upper[3] < STACKED_GAP_SHARE * card[1]
               and min(upper[2], lower[2]) - max(upper[0], lower[0]) > 0.5 * min(upper[2] - upper[0], lower[2] - lower[0])
               for upper in sides for lower in sides if upper is not lower)


def _cuts_a_text_line(ink: np.ndarray, blocks: list[Box], sides: list[Box], px_per_mm: float) -> bool:
    """Whether a side and another of ``blocks`` lie side by side with a text line running from one into the other.

    Two blocks neither of which is a side are left alone: the strokes a scanner leaves along the page's
    edge, broken into pieces a few pixels apart, are no text line and no card's."""
    return any(_line_runs_across(ink, left, right, px_per_mm)
               for left in blocks for right in blocks if left[2] <= right[0] and (left in sides or right in sides))


def _line_runs_across(ink: np.ndarray, left: Box, right: Box, px_per_mm: float) -> bool:
    """Whether print at ``left``'s right edge and at ``right``'s left edge shares rows across a gap
    narrower than a word space."""
    gap = right[0] - left[2]
    top, bottom = max(left[1], right[1]), min(left[3], right[3])
    if bottom <= top or gap > WORD_SPACE_MM * px_per_mm:
        return False
    edge = max(2, gap)
    left_edge = ink[top:bottom, max(left[0], left[2] - edge):left[2]].any(axis=1)
    right_edge = ink[top:bottom, right[0]:min(right[2], right[0] + edge)].any(axis=1)
    return int(np.count_nonzero(left_edge & right_edge)) >= LINE_CROSSING_MM * px_per_mm


def _straighten(mask: np.ndarray, skew: float) -> tuple[np.ndarray, np.ndarray]:
    """The mask turned clockwise by ``skew`` degrees on a canvas that holds all of it, and the 2 × 3 matrix."""
    height, width = mask.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -skew, 1.0)
    if abs(skew) < SKEW_TOLERANCE:
        return mask, np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float64)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos) + 1, int(height * cos + width * sin) + 1
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    return cv2.warpAffine(mask, matrix, (new_w, new_h), flags=cv2.INTER_NEAREST), matrix


Box = tuple[int, int, int, int]


def _card_blocks(profiles: _Profiles, card: tuple[float, float], px_per_mm: float) -> list[Box] | None:
    """The fewest blocks of print, cut along blank bands, that each fit a card (see ``cards_by_print``).

    A block too small to be a card side counts by the share of the print it holds: dust, a streak or
    a caption cut off a side cost next to nothing, a piece of a card nearly as much as a card.
    """
    min_gap = max(2, int(round(MIN_CARD_GAP_MM * px_per_mm)))
    long_side, short_side = card[0] * CARD_FIT, card[1] * CARD_FIT
    memo: dict[Box, list[Box] | None] = {}
    total = max(1, profiles.count(profiles.whole))
    budget = [MAX_SPLITS]  # boxes looked at: a page of scattered print is no sheet of cards

    def cost(blocks: list[Box]) -> float:
        return sum(1.0 if _card_sized(block, card) else min(1.0, PIECE_WEIGHT * profiles.count(block) / total)
                   for block in blocks)

    def fits(box: Box) -> bool:
        w, h = box[2] - box[0], box[3] - box[1]
        return (w <= long_side and h <= short_side) or (w <= short_side and h <= long_side)

    def split(box: Box, depth: int) -> list[Box] | None:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        box = profiles.tighten(box)
        if box[2] <= box[0] or box[3] <= box[1]:
            return []
        if box in memo:
            return memo[box]
        if fits(box):
            memo[box] = [box]
            return memo[box]
        best: list[Box] | None = None
        if depth < MAX_CARD_SIDES:
            for cut in profiles.blank_bands(box, min_gap):
                parts: list[Box] = []
                for part in cut:
                    blocks = split(part, depth + 1)
                    if blocks is None:
                        break
                    parts.extend(blocks)
                else:
                    if best is None or cost(parts) < cost(best):
                        best = parts
        memo[box] = best
        return best

    return split(profiles.whole, 0)


class _Profiles:
    """Ink counts of any box's rows and columns, from running sums (each box costs its height plus width);
    tightened boxes and their cuts are kept, as every card size tried meets the same boxes."""

    def __init__(self, ink: np.ndarray) -> None:
        height, width = ink.shape
        self.whole: Box = (0, 0, width, height)
        self.along_rows = np.zeros((height, width + 1), np.int32)
        np.cumsum(ink, axis=1, dtype=np.int32, out=self.along_rows[:, 1:])
        self.along_cols = np.zeros((height + 1, width), np.int32)
        np.cumsum(ink, axis=0, dtype=np.int32, out=self.along_cols[1:])
        self._tight: dict[Box, Box] = {}
        self._cuts: dict[tuple[Box, int], list[tuple[Box, Box]]] = {}

    def rows(self, box: Box) -> np.ndarray:
        x0, y0, x1, y1 = box
        return self.along_rows[y0:y1, x1] - self.along_rows[y0:y1, x0]

    def cols(self, box: Box) -> np.ndarray:
        x0, y0, x1, y1 = box
        return self.along_cols[y1, x0:x1] - self.along_cols[y0, x0:x1]

    def count(self, box: Box) -> int:
        return int(self.rows(box).sum())

    def tighten(self, box: Box) -> Box:
        """The box shrunk to the print inside it (rows and columns with more than a speck of ink)."""
        if box not in self._tight:
            self._tight[box] = self._tighten(box)
        return self._tight[box]

    def _tighten(self, box: Box) -> Box:
        x0, y0, x1, y1 = box
        rows = np.flatnonzero(self.rows(box) > _blank_level(x1 - x0))
        cols = np.flatnonzero(self.cols(box) > _blank_level(y1 - y0))
        if not len(rows) or not len(cols):
            return (x0, y0, x0, y0)
        return (x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1)

    def blank_bands(self, box: Box, min_gap: int) -> list[tuple[Box, Box]]:
        """Ways to cut the box in two along a blank band (the widest bands first, of both directions)."""
        if (box, min_gap) not in self._cuts:
            self._cuts[box, min_gap] = self._blank_bands(box, min_gap)
        return self._cuts[box, min_gap]

    def _blank_bands(self, box: Box, min_gap: int, most: int = 3) -> list[tuple[Box, Box]]:
        x0, y0, x1, y1 = box
        cuts: list[tuple[int, tuple[Box, Box]]] = []
        for horizontal, profile, span in ((True, self.rows(box), x1 - x0), (False, self.cols(box), y1 - y0)):
            runs = [run for run in true_runs(profile <= _blank_level(span)) if run[1] - run[0] >= min_gap]
            for start, end in sorted(runs, key=lambda run: run[0] - run[1])[:most]:
                middle = (start + end) // 2
                halves = (((x0, y0, x1, y0 + middle), (x0, y0 + middle, x1, y1)) if horizontal
                          else ((x0, y0, x0 + middle, y1), (x0 + middle, y0, x1, y1)))
                cuts.append((end - start, halves))
        return [halves for _, halves in sorted(cuts, key=lambda cut: -cut[0])]


MAX_SPLITS = 2000
PIECE_WEIGHT = 20.0  # a piece holding 5 % of the page's print costs as much as a card side; dust next to nothing


def _blank_level(span: int) -> float:
    """Most ink a row (column) of this length holds and still counts as blank: dust, a streak crossing it."""
    return 1 + 0.01 * span


def _card_sized(box: Box, card: tuple[float, float], extent: tuple[float, float] | None = None,
                aspect: tuple[float, float] | None = None) -> bool:
    """As large as a card side's print is (most of the card) and as long for its width: a stamp, a
    caption, a piece of a card, or two sides stacked into a squarish block are not."""
    w, h = box[2] - box[0], box[3] - box[1]
    long_side, short_side = max(w, h), min(w, h)
    (least_long, least_short), (low, high) = extent or CARD_PRINT_EXTENT, aspect or CARD_PRINT_ASPECT
    return (long_side >= least_long * card[0] and short_side >= least_short * card[1]
            and low <= long_side / max(1, short_side) <= high)


# a side's print spans 90-95 % of the card both ways; a few millimetres cut off by the sheet's edge, a
# tilt or a caption change its extent and proportions a little (a card's are 1.585)
CARD_PRINT_EXTENT = (0.75, 0.55)
CARD_PRINT_ASPECT = (1.38, 2.3)


def _fills_a_card(ink: np.ndarray, box: Box, card: tuple[float, float], extent: tuple[float, float] | None = None,
                  aspect: tuple[float, float] | None = None) -> bool:
    """A card side's print: card-sized and not a few scattered specks."""
    w, h = box[2] - box[0], box[3] - box[1]
    return bool(_card_sized(box, card, extent, aspect)
                and np.count_nonzero(ink[box[1]:box[3], box[0]:box[2]]) >= 0.02 * w * h)


def _card_rectangle(valid: np.ndarray, box: Box, card: tuple[float, float]) -> np.ndarray:
    """A card-sized rectangle (4 × 2, straightened pixels) around a block of print: centred on it, or
    reaching beyond the page's edge where the print runs into that edge."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    landscape = w >= h
    card_w, card_h = (card[0], card[1]) if landscape else (card[1], card[0])
    card_w, card_h = max(card_w * 1.03, w + 4), max(card_h * 1.03, h + 4)
    reach = 3
    height, width = valid.shape

    def cut(xa: int, ya: int, xb: int, yb: int) -> bool:  # the page ends right beside the block here
        xa, ya, xb, yb = max(0, xa), max(0, ya), min(width, xb), min(height, yb)
        return xb <= xa or yb <= ya or not valid[ya:yb, xa:xb].all()

    left, right = cut(x0 - reach, y0, x0, y1), cut(x1, y0, x1 + reach, y1)
    top, bottom = cut(x0, y0 - reach, x1, y0), cut(x0, y1, x1, y1 + reach)
    margin_x, margin_y = 0.04 * card_w, 0.04 * card_h  # from a card's edge to its print
    cx = ((x1 + margin_x - card_w / 2) if left and not right else (x0 - margin_x + card_w / 2) if right and not left
          else (x0 + x1) / 2)
    cy = ((y1 + margin_y - card_h / 2) if top and not bottom else (y0 - margin_y + card_h / 2) if bottom and not top
          else (y0 + y1) / 2)
    return np.array([[cx - card_w / 2, cy - card_h / 2], [cx + card_w / 2, cy - card_h / 2],
                       [cx + card_w / 2, cy + card_h / 2], [cx - card_w / 2, cy + card_h / 2]], dtype=np.float32)


def _with_pale_cards(boxes: np.ndarray, factor: float, found: list[DocumentQuad],
                     pale_cards: list[np.ndarray]) -> list[DocumentQuad]:
    """Add card outlines that do not stand out in colour (a photocopy whitens a card's tint) when
    they hold nearly all the page's print (``boxes``): cards scanned on an otherwise empty sheet. A
    bordered box on a form is the same shape with the same print, but the rest of the form is full of text."""
    quads = [quad.corners * factor for quad in found]
    quads += [quad for quad in pale_cards if not any(_overlaps(quad, other) for other in quads)][: MAX_CARD_SIDES - len(quads)]
    if len(quads) == len(found):
        return found
    if len(boxes) < 20:
        return found
    centres = boxes[:, :2] + boxes[:, 2:4] / 2
    inside = np.zeros(len(centres), bool)
    for quad in quads:
        polygon = quad.astype(np.float32)
        inside |= np.array([cv2.pointPolygonTest(polygon, (float(x), float(y)), False) >= 0 for x, y in centres])
    if inside.mean() < CARD_PRINT_SHARE:
        return found
    return [DocumentQuad(order_corners(quad / factor), "card") for quad in quads]


CARD_PRINT_SHARE = 0.85  # of the page's glyphs inside the card outlines, for pale cards to be taken


def document_kind(gray: np.ndarray, quad: np.ndarray) -> str:
    """What a quadrilateral holds: a card or an A4 sheet, told apart by the size of their print.

    Photographed at an angle, a card can look as square as A4 and a sheet as long
    as a card, so proportions alone mislead where the size of the print is clear.
    """
    width, height = quad_size(order_corners(quad))
    aspect = max(width, height) / max(1.0, min(width, height))
    if not 1.25 < aspect < 1.85:
        return "other"
    print_share = _print_share(gray, quad)
    if print_share is not None and print_share >= CARD_PRINT:
        return "card"
    if print_share is not None and print_share <= SHEET_PRINT:
        return "a4"
    return aspect_kind(width, height)


def _print_share(gray: np.ndarray, quad: np.ndarray) -> float | None:
    """The median letter height inside a quadrilateral over its short side (None: too few letters)."""
    width, height = quad_size(order_corners(quad))
    x, y, w, h = cv2.boundingRect(quad.astype(np.int32))
    glyphs = glyph_boxes(gray[max(0, y): y + h, max(0, x): x + w])
    return float(np.median(glyphs[:, 3])) / min(width, height) if len(glyphs) >= 20 else None


# median letter height over the short side: about 0.03-0.04 on a card, 0.01-0.02 on an A4 form;
# in between, the proportions decide
CARD_PRINT, SHEET_PRINT = 0.03, 0.015


MIN_CARD_SHARE = 0.03  # a card scanned on a whole A4 page covers about 7 % of it


def quad_size(corners: np.ndarray) -> tuple[float, float]:
    """Mean width and height of a quadrilateral given as top-left, top-right, bottom-right, bottom-left."""
    top_left, top_right, bottom_right, bottom_left = corners
    width = (np.linalg.norm(top_right - top_left) + np.linalg.norm(bottom_right - bottom_left)) / 2
    height = (np.linalg.norm(bottom_left - top_left) + np.linalg.norm(bottom_right - top_right)) / 2
    return float(width), float(height)


def _overlaps(quad: np.ndarray, other: np.ndarray) -> bool:
    centre = tuple(float(v) for v in quad.mean(axis=0))
    return cv2.pointPolygonTest(other.astype(np.float32), centre, False) >= 0


def find_documents(small: np.ndarray, factor: float, dpi: int | None = None,
                   found: tuple[DocumentQuad, ...] | None = None) -> list[DocumentQuad]:
    """Every document on a page image, in full-resolution pixels: ``find_document_quads`` (``found`` when
    already found), and the card sides lying on a sheet that was photographed on a desk (found on the sheet,
    flattened, at the resolution an A4 sheet gives). Empty when the page is the document."""
    quads = find_document_quads(small, factor, dpi) if found is None else list(found)
    if len(quads) == 1:
        share = _print_share(to_gray(small), quads[0].corners * factor) if quads[0].kind == "card" else None
        if quads[0].kind != "card" or (share is not None and share < SHEET_SHAPED_LIKE_A_CARD):
            # a sheet; a card-shaped outline whose print is too small for a card: a sheet the photo's frame cut off
            return _cards_on_sheet(small, factor, quads[0]) or quads
        if share is not None and share < SHEET_OR_CARD:
            # a sheet that perspective made card-shaped, or a card: a sheet holds two card sides or more
            cards = _cards_on_sheet(small, factor, quads[0])
            return cards if len(cards) >= 2 else quads
    if not quads and (cut := _paper_cut_by_frame(small, factor)) is not None:
        # a photo of a sheet on a desk whose edges the frame cuts: no outline closes around it
        cards = _cards_on_sheet(small, factor, cut[0], CUT_SHEET_SCALES, paper=cut[1])
        return cards if len(cards) >= 2 else []
    return quads


# the card sizes tried on a sheet the frame cuts, as multiples of a card on a whole A4 sheet as wide as the paper
# seen: a photo of a sheet's detail shows part of the sheet, its cards larger than that
CUT_SHEET_SCALES = (0.85, *CARD_COPY_SCALES, 1.8, 2.1, 2.4)
DESK_EDGE_PX = 9  # the paper's edge in a flattened sheet, shaded by the desk: whitened with the desk
PAPER_IN_FRAME = (0.3, 0.9)  # the share of a photo a sheet cut off by its frame covers, the desk the rest
PAPER_ON_FRAME = 0.5  # the most of the frame's edge such a sheet runs along: the desk shows on most of it


def _paper_cut_by_frame(small: np.ndarray, factor: float) -> tuple[DocumentQuad, np.ndarray] | None:
    """The sheet of a photo whose paper, brighter than the desk around it, runs off the frame: the rectangle
    around the paper seen (full-resolution pixels) and where the paper lies (a mask in ``small``'s pixels), or
    None where no such paper is seen."""
    blurred = cv2.GaussianBlur(to_gray(small), (9, 9), 0)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright)
    if count < 2:
        return None
    paper = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if not PAPER_IN_FRAME[0] < stats[paper, cv2.CC_STAT_AREA] / bright.size < PAPER_IN_FRAME[1]:
        return None
    is_paper = labels == paper
    on_frame = np.concatenate([is_paper[0], is_paper[-1], is_paper[:, 0], is_paper[:, -1]]).mean()
    if not 0 < on_frame < PAPER_ON_FRAME:
        return None  # a sheet inside the frame has an outline; a scan's paper runs all round the frame
    outline = max(cv2.findContours(is_paper.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0],
                  key=cv2.contourArea)
    corners = cv2.boxPoints(cv2.minAreaRect(outline))
    paper_seen = cv2.drawContours(np.zeros(is_paper.shape, np.uint8), [outline], -1, 255, cv2.FILLED)
    return DocumentQuad(order_corners(corners / factor), "other"), paper_seen


# print share (see _print_share) below which a card-shaped outline is taken for a sheet the photo cut off:
# photos of cards measure 0.023-0.037, of sheets 0.017 (on the generated sets)
SHEET_SHAPED_LIKE_A_CARD = 0.02
# up to this share, a card-shaped outline may be either: a sheet photographed at a slant measured 0.021
SHEET_OR_CARD = 0.025


A4_LONG_MM = 297.0


def _cards_on_sheet(small: np.ndarray, factor: float, sheet: DocumentQuad,
                    scales: tuple[float, ...] = (0.85, *CARD_COPY_SCALES), paper: np.ndarray | None = None
                    ) -> list[DocumentQuad]:
    """Card sides on a sheet photographed on a desk, in full-resolution pixels; empty when there are none
    (``scales``: the card sizes tried, as multiples of a card's on the sheet taken for a whole A4 sheet; ``paper``:
    where the paper lies in ``small``, when the sheet's rectangle also holds some desk)."""
    corners = (sheet.corners * factor).astype(np.float32)
    flat, matrix = warp_quad(small, corners, "a4" if sheet.kind == "a4" else "other", with_matrix=True)
    flat_gray = to_gray(flat)
    if paper is not None:  # the desk inside the rectangle: its edge would pass for print joining the sides
        flat_paper = cv2.warpPerspective(paper, matrix, (flat_gray.shape[1], flat_gray.shape[0]))
        desk = (cv2.erode(flat_paper, np.ones((DESK_EDGE_PX, DESK_EDGE_PX), np.uint8)) == 0).astype(np.uint8)
        # painted over with the paper's own shade, not white: a photo's paper darkens towards its edges, and a
        # white desk beside shaded paper would make the paper's edge look like print
        flat_gray = cv2.inpaint(flat_gray, desk, 3, cv2.INPAINT_TELEA)
    px_per_mm = max(flat.shape[:2]) / A4_LONG_MM  # as if the sheet were A4 and whole: cards are then tried
    found, pale = _outlines(flat, flat_gray, 1.0)  # a little smaller than life size too
    cards = _cards_on_scan(flat_gray, 1.0, px_per_mm, [quad for quad in found if quad.kind == "card"], pale,
                           scales=scales)
    if not cards or any(quad.kind != "card" for quad in cards):
        return []
    inverse = np.linalg.inv(matrix)
    back = []
    for quad in cards:
        points = cv2.perspectiveTransform(quad.corners[None].astype(np.float64), inverse)[0] / factor
        back.append(DocumentQuad(order_corners(points.astype(np.float32)), "card"))
    return back


def reading_order(quads: list[DocumentQuad]) -> list[DocumentQuad]:
    """Documents by rows, top to bottom, each row left to right (a row: centres within half a document's height)."""
    if len(quads) < 2:
        return list(quads)
    centres = [quad.corners.mean(axis=0) for quad in quads]
    half = 0.5 * float(np.median([min(quad_size(quad.corners)) for quad in quads]))
    order = sorted(range(len(quads)), key=lambda i: centres[i][1])
    rows: list[list[int]] = []
    for index in order:
        if rows and centres[index][1] - centres[rows[-1][0]][1] < half:
            rows[-1].append(index)
        else:
            rows.append([index])
    return [quads[i] for row in rows for i in sorted(row, key=lambda i: centres[i][0])]


def _quadrilateral(contour: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(contour, True)
    for tolerance in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(contour, tolerance * perimeter, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return approx.reshape(4, 2).astype(np.float32)
    # rounded card corners defeat approxPolyDP: accept a nearly rectangular blob
    rect = cv2.minAreaRect(contour)
    if cv2.contourArea(contour) > 0.9 * rect[1][0] * rect[1][1]:
        return cv2.boxPoints(rect).astype(np.float32)
    return None


def _stands_out(image: np.ndarray, quad: np.ndarray, lab: np.ndarray | None = None) -> bool:
    """True when the area just inside the quad differs in colour from just outside it.

    A ruled table or a photo printed on a scanned page is a quadrilateral too,
    but paper surrounds it on both sides; a card or a sheet on a desk does not.
    ``lab``: the image in Lab (uint8), when the caller has it already.
    """
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    band = max(4, int(0.02 * max(image.shape[:2])))
    kernel = np.ones((band, band), np.uint8)
    inner = cv2.subtract(mask, cv2.erode(mask, kernel))
    outer = cv2.subtract(cv2.dilate(mask, kernel), mask)
    if lab is None:
        lab = image[..., None] if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2LAB)
    inside = np.median(lab[inner > 0].astype(np.float32), axis=0)
    outside = np.median(lab[outer > 0].astype(np.float32), axis=0)
    return float(np.linalg.norm(inside - outside)) > 18.0


def order_corners(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]  # from -pi: top-left first for an upright quad
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0).astype(np.float32)


def warp_quad(gray: np.ndarray, quad: np.ndarray, kind: str, with_matrix: bool = False):
    """Warp the quadrilateral to a flat rectangle of the document's true aspect (card, A4, or as measured).

    With ``with_matrix``, returns ``(image, matrix)``: the 3 × 3 perspective from ``gray``'s pixels to the image's.
    """
    width, height = quad_size(quad)
    long_side, short_side = max(width, height), min(width, height)
    if kind == "card":
        long_side, short_side = CARD_WIDTH_PX, CARD_WIDTH_PX / CARD_ASPECT
    elif kind == "a4":
        short_side = long_side / A4_ASPECT
    out_w, out_h = (long_side, short_side) if width >= height else (short_side, long_side)
    out_w, out_h = int(round(out_w)), int(round(out_h))
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    border = 255 if gray.ndim == 2 else (255, 255, 255)
    warped = cv2.warpPerspective(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderValue=border)
    return (warped, matrix.astype(np.float64)) if with_matrix else warped


def _rotation_matrix(shape: tuple[int, int], rotation: int, skew: float) -> np.ndarray:
    """3 × 3 matrix of ``rotate_page`` on an image of ``shape`` (height, width): pixels before → after."""
    height, width = shape
    turn = {0: np.eye(3), 90: np.array([[0, -1, height], [1, 0, 0], [0, 0, 1]], dtype=np.float64),
            180: np.array([[-1, 0, width], [0, -1, height], [0, 0, 1]], dtype=np.float64),
            270: np.array([[0, 1, 0], [-1, 0, width], [0, 0, 1]], dtype=np.float64)}[rotation % 360]
    if abs(skew) < SKEW_TOLERANCE:
        return turn
    turned_h, turned_w = (height, width) if rotation % 180 == 0 else (width, height)
    tilt = np.vstack([cv2.getRotationMatrix2D((turned_w / 2, turned_h / 2), -skew, 1.0), [0, 0, 1]])
    return tilt @ turn


# --- orientation and skew ---------------------------------------------------------


def glyph_boxes(gray: np.ndarray) -> np.ndarray:
    """Character-sized ink blobs of a small page copy, as rows of (x, y, w, h)."""
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    boxes = stats[1:, :4]
    w, h = boxes[:, 2], boxes[:, 3]
    keep = (h >= 5) & (h <= 60) & (w >= 2) & (w <= 80) & (w * h >= 12)  # not specks, diacritics or rules
    return boxes[keep]


def estimate_orientation(gray: np.ndarray) -> tuple[int, float]:
    """Clockwise quarter turn (0 or 90) and clockwise skew correction (degrees) that level text lines."""
    small, _ = shrink(gray)
    return orientation_from_glyphs(glyph_boxes(small), small.shape[0])


def orientation_from_glyphs(boxes: np.ndarray, height: int) -> tuple[int, float]:
    """Turn and skew from glyph boxes (x, y, w, h) of an image ``height`` px tall.

    Projects glyph centres across candidate line directions; the direction in
    which text lines stack into the sharpest peaks wins. Deciding 0 versus 180
    needs reading, so ``pipeline.read`` does that.
    """
    if len(boxes) < 20:
        return 0, 0.0
    centres, bin_size = _glyph_centres(boxes)
    upright_angle, upright_score = _best_skew(centres, bin_size)
    turned = np.column_stack([height - centres[:, 1], centres[:, 0]])  # the points after 90° clockwise
    turned_angle, turned_score = _best_skew(turned, bin_size)
    # the correction turns against the measured tilt
    if turned_score > 1.15 * upright_score:
        return 90, -turned_angle
    return 0, -upright_angle


def card_orientation(boxes: np.ndarray, shape: tuple[int, int]) -> tuple[int, float]:
    """Turn and skew of a card side warped to a card's aspect. Its text lines run along its long side, so a
    landscape side is never turned a quarter (glyph projections of a small, blurred photo of a card, with its
    photo and guilloche, can favour the wrong direction); a portrait one (a card turned on the sheet, or a
    page taken for a card) is turned as its glyphs say. 0 versus 180 is read."""
    height, width = shape
    if width < height:
        return orientation_from_glyphs(boxes, height)
    if len(boxes) < 20:
        return 0, 0.0
    angle, _ = _best_skew(*_glyph_centres(boxes))  # lines along the long side: only their tilt is measured
    return 0, -angle


def _glyph_centres(boxes: np.ndarray) -> tuple[np.ndarray, float]:
    """Glyph centres, and the projection's bin size (a third of the median glyph height)."""
    return boxes[:, :2] + boxes[:, 2:4] / 2.0, max(1.0, float(np.median(boxes[:, 3])) / 3)


def glyph_height(boxes: np.ndarray, rotation: int) -> float:
    """Median glyph height in the analysis copy, measured across the lines once turned."""
    if len(boxes) < 20:
        return 0.0
    return float(np.median(boxes[:, 2] if rotation % 180 else boxes[:, 3]))


def _best_skew(centres: np.ndarray, bin_size: float) -> tuple[float, float]:
    """The tilt of text lines (degrees, clockwise positive) with the sharpest peaks, and that sharpness."""
    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.1, 1.0), key=lambda a: _line_sharpness(centres, a, bin_size))
    fine = max(np.arange(coarse - 1.0, coarse + 1.01, 0.1), key=lambda a: _line_sharpness(centres, a, bin_size))
    return round(float(fine), 1), _line_sharpness(centres, fine, bin_size)


def _line_sharpness(centres: np.ndarray, degrees: float, bin_size: float) -> float:
    """Energy of the histogram of glyph centres projected across lines tilted by ``degrees``."""
    theta = np.deg2rad(degrees)
    projected = centres[:, 1] * np.cos(theta) - centres[:, 0] * np.sin(theta)
    bins = ((projected - projected.min()) / bin_size).astype(np.int64)
    counts = np.bincount(bins)
    return float((counts.astype(np.float64) ** 2).sum())


def rotate_page(gray: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    """Turn clockwise by ``rotation`` (a quarter turn) and then by ``skew`` degrees."""
    turned = {0: gray, 90: cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE),
              180: cv2.rotate(gray, cv2.ROTATE_180), 270: cv2.rotate(gray, cv2.ROTATE_90_COUNTERCLOCKWISE)}[rotation % 360]
    if abs(skew) < SKEW_TOLERANCE:
        return turned
    height, width = turned.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -skew, 1.0)  # OpenCV: positive is counter-clockwise
    return cv2.warpAffine(turned, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# --- light and size -----------------------------------------------------------------


def flatten_illumination(gray: np.ndarray) -> np.ndarray:
    """Divide out uneven light (shadows, vignetting) when the paper's brightness varies."""
    small, _ = shrink(gray, 400)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), 8)
    low, high = np.percentile(background, [5, 95])
    if high - low < 35:
        return gray  # evenly lit: leave the pixels exactly as scanned
    full = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(full, 1), scale=255)


def erase_dotted_leaders(gray: np.ndarray, char_height: float = 0.0) -> tuple[np.ndarray, bool]:
    """White out scanner specks and the dotted leader lines of printed forms.

    Tesseract reads long rows of dots ("Họ và tên: ....NGUYỄN VĂN AN......") and
    dense specks as letter salad and loses the words next to them. A leader is a
    run of at least MIN_LEADER_DOTS dot-sized blobs on one baseline at an even
    pitch; isolated dots (diacritics, full stops) stay. Specks are removed with
    a small median filter only when there are many of them. Both are found on a
    half-size copy of large pages, for speed. ``char_height`` (px, 0 if unknown) is the
    median letter height measured on the analysis copy, where dust has been averaged away:
    it is used when the specks here are so many that they pass for the letters.
    Returns the cleaned page and whether it is dusty (specks outnumber the letters).
    """
    step = 2 if max(gray.shape) > 2000 else 1
    view = cv2.resize(gray, None, fx=1 / step, fy=1 / step, interpolation=cv2.INTER_AREA) if step > 1 else gray
    _, binary = cv2.threshold(view, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    boxes = stats[1:, :4]
    heights = boxes[:, 3]
    glyphs = heights[(heights >= 4) & (heights <= 120)]
    if len(glyphs) < 20:
        return gray, False
    measured = float(np.median(glyphs))
    specks_pass_for_letters = 0 < measured < 0.6 * char_height / step
    char_height = char_height / step if specks_pass_for_letters else measured
    cleaned = gray
    is_speck = (boxes[:, 2] <= 2) & (boxes[:, 3] <= 2)
    many_specks = np.count_nonzero(is_speck) > SPECKS_PER_GLYPH * len(glyphs)
    if many_specks:
        cleaned = _erase_isolated_specks(gray, labels, boxes, is_speck, char_height, step)
    dot_size = max(1.5, 0.4 * char_height)
    dots = boxes[(boxes[:, 2] <= dot_size) & (boxes[:, 3] <= dot_size) & (boxes[:, 2] * boxes[:, 3] >= 2)]
    glyph_boxes_ = boxes[boxes[:, 3] >= 0.5 * char_height]
    runs = [_spare_attached_punctuation(run, glyph_boxes_, char_height) for run in _leader_runs(dots, char_height)]
    if runs:
        cleaned = cleaned.copy() if cleaned is gray else cleaned
        for x, y, w, h in (box * step for run in runs for box in run):
            cleaned[max(0, y - step): y + h + step, max(0, x - step): x + w + step] = 255
    return erase_ruled_lines(cleaned, binary, step), bool(specks_pass_for_letters or many_specks)


RULE_LENGTH_MM = 12  # longer straight strokes than this are table rules and underlines, not letters


def erase_ruled_lines(gray: np.ndarray, binary: np.ndarray, step: int) -> np.ndarray:
    """White out long horizontal and vertical rules (table grids, underlines).

    With the grid of a table in the way, Tesseract's page layout drops whole
    rows of a CT07's members table; without it the rows read as lines of text.
    ``binary`` is the inverted ink mask of a copy ``step`` times smaller.
    """
    length = max(15, int(RULE_LENGTH_MM / 25.4 * 300 / step))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    rules = cv2.bitwise_or(horizontal, vertical)
    if not rules.any():
        return gray
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    if step > 1:
        rules = cv2.resize(rules, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    cleaned = gray.copy()
    cleaned[rules > 0] = 255
    return cleaned


SPECKS_PER_GLYPH = 0.5  # more specks than this is scanner dust worth filtering out


def _erase_isolated_specks(gray: np.ndarray, labels: np.ndarray, boxes: np.ndarray, is_speck: np.ndarray,
                           char_height: float, step: int) -> np.ndarray:
    """White out dust far from any letter; specks next to letters may be their diacritics, so they stay."""
    is_glyph = boxes[:, 3] >= 0.5 * char_height
    lookup = np.zeros(len(boxes) + 1, np.uint8)  # component label -> what it is (labels count from 1)
    lookup[1:][is_glyph] = 1
    lookup[1:][is_speck] = 2
    kinds = lookup[labels]
    reach = max(3, int(0.8 * char_height))
    near_letters = cv2.dilate((kinds == 1).astype(np.uint8), np.ones((reach, reach), np.uint8))
    dust = ((kinds == 2) & (near_letters == 0)).astype(np.uint8)
    if step > 1:
        dust = cv2.resize(dust, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
        dust = cv2.dilate(dust, np.ones((step + 1, step + 1), np.uint8))
    cleaned = gray.copy()
    cleaned[dust > 0] = 255
    return cleaned


MIN_LEADER_DOTS = 5  # fewer could be the marks over a word ("Giới tính": dot, acute, acute)


def _spare_attached_punctuation(run: np.ndarray, glyphs: np.ndarray, char_height: float) -> np.ndarray:
    """Leave out a run's first blob when it touches the word before it: that is the word's comma or full stop."""
    x, y, _, h = run[0]
    ends = glyphs[:, 0] + glyphs[:, 2]
    same_line = (glyphs[:, 1] <= y + h) & (glyphs[:, 1] + glyphs[:, 3] >= y - 0.5 * char_height)
    attached = np.any(same_line & (ends <= x) & (ends >= x - 0.35 * char_height))
    return run[1:] if attached else run


def _leader_runs(dots: np.ndarray, char_height: float) -> list[np.ndarray]:
    """Groups of dots lying in a row, each within one character height of the previous one.

    Dots are taken left to right and each joins the open run whose last dot it
    follows closely on the same baseline, so rows that slope slightly stay whole.
    """
    if len(dots) < MIN_LEADER_DOTS:
        return []
    # plain lists: this loop visits every dot against every open run, and numpy scalars are slow one by one
    lefts, rights = dots[:, 0].tolist(), (dots[:, 0] + dots[:, 2]).tolist()
    centre_y = (dots[:, 1] + dots[:, 3] / 2).tolist()
    open_runs: list[list[int]] = []
    finished: list[list[int]] = []
    for index in np.argsort(dots[:, 0], kind="stable").tolist():
        x = lefts[index]
        still_open = []
        joined = False
        for run in open_runs:
            last = run[-1]
            gap = x - rights[last]
            if gap > char_height:
                finished.append(run)  # nothing further right can join it any more
                continue
            if not joined and gap >= 0 and abs(centre_y[index] - centre_y[last]) <= 0.3 * char_height:
                run.append(index)
                joined = True
            still_open.append(run)
        if not joined:
            still_open.append([index])
        open_runs = still_open
    return [dots[run] for run in finished + open_runs if len(run) >= MIN_LEADER_DOTS and _evenly_spaced(dots[run])]


def _evenly_spaced(run: np.ndarray) -> bool:
    """Leaders are printed at an even pitch; diacritics that happen to line up are not."""
    pitches = np.diff(run[:, 0])
    return float(pitches.std()) <= 0.35 * max(1.0, float(np.median(pitches)))


MAX_OCR_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 MP; Tesseract needs several bytes per pixel


def text_size_target(char_height: float, dusty_sheet: bool) -> float:
    """The median glyph height a page is read at.

    Small print (phone photos, cards) is enlarged for accuracy; large print is brought
    down to ``LARGE_PRINT_TARGET``, which Tesseract reads better (thin strokes of display
    faces, slashes) and faster.
    """
    if char_height > LARGE_PRINT_CHAR_HEIGHT:
        return LARGE_PRINT_TARGET
    return DUSTY_SHEET_CHAR_HEIGHT if dusty_sheet else TARGET_CHAR_HEIGHT


def normalise_text_size(gray: np.ndarray, char_height: float, target: float) -> tuple[np.ndarray, float]:
    """Resize so the median glyph (``char_height`` px, 0 if unknown) is about ``target`` px.

    Pages already near the target are left untouched.
    """
    if char_height <= 0:
        return gray, 1.0
    scale = float(np.clip(target / char_height, 0.5, 3.0))
    scale = min(scale, (MAX_OCR_PIXELS / gray.size) ** 0.5)  # a misjudged glyph size must not blow up memory
    if 0.7 <= scale <= 1.3:
        return gray, 1.0
    interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interpolation), round(scale, 3)
