"""Prepare: make a page image upright, straight, cropped and readable for Tesseract.

Every analysis runs on a small copy of the page (about 1,000 px) so that the
cost stays far below OCR's; the full-resolution image is touched only to apply
what was decided (one warp, one rotation, one resize at most).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

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

    @property
    def unchanged(self) -> bool:
        """True when the page was good as it came: the original pixels are what OCR should read."""
        return not (self.rotation or abs(self.skew) >= SKEW_TOLERANCE or self.cropped or self.flattened or self.scale != 1.0)


def prepare_page(pixels: np.ndarray, dpi: int | None = None) -> PreparedPage:
    """Crop, turn, straighten, even out and size one page image.

    Args:
        pixels: BGR or grayscale uint8 image as loaded.
        dpi: the page's resolution when known (scans, PDF pages): lets a card be recognised by its
            physical size where its outline does not show.
    Returns:
        The prepared grayscale page and the transformations applied.
    """
    small, factor = shrink(pixels)  # one analysis copy serves quality, crop, orientation and size
    small_gray = to_gray(small)
    quality = assess_quality(small_gray, colour=pixels.ndim == 3)
    quads = find_document_quads(small, factor, dpi)
    gray = to_gray(pixels)
    if quads:
        gray = warp_documents(gray, quads)
        small_gray, factor = shrink(gray)
    boxes = glyph_boxes(small_gray)
    rotation, skew = orientation_from_glyphs(boxes, small_gray.shape[0])
    gray = rotate_page(gray, rotation, skew)
    flat = flatten_illumination(gray)
    char_height = glyph_height(boxes, rotation) / factor
    cleaned, dusty = erase_dotted_leaders(flat, char_height)
    kind = "card" if len(quads) == 2 else page_kind(cleaned.shape[1], cleaned.shape[0])
    sized, scale = normalise_text_size(cleaned, char_height, text_size_target(char_height, dusty and kind == "sheet"))
    return PreparedPage(
        image=sized, rotation=rotation, skew=skew, cropped=bool(quads), scale=scale,
        flattened=cleaned is not gray, kind=kind, quality=quality,
    )


def to_gray(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)


def shrink(image: np.ndarray, side: int = ANALYSIS_SIDE) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most ``side`` px, and the factor applied."""
    factor = min(1.0, side / max(image.shape[:2]))
    if factor == 1.0:
        return image, 1.0
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), factor


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

    ``small`` is the analysis copy, ``factor`` its scale. Gives one sheet or card,
    or the two sides of a card scanned side by side on one page; nothing when the
    document fills the frame (a scan) or no quadrilateral stands out.
    """
    gray = to_gray(small)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    image_area = gray.shape[0] * gray.shape[1]
    found: list[DocumentQuad] = []
    pale_cards: list[np.ndarray] = []  # card outlines whose colour does not stand out from the paper
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:8]:
        share = cv2.contourArea(contour) / image_area
        if not MIN_CARD_SHARE < share < 0.93:
            continue
        quad = _quadrilateral(contour)
        if quad is None or any(_overlaps(quad, other.corners * factor) for other in found):
            continue
        kind = document_kind(gray, quad)
        if not _stands_out(small, quad):
            if kind == "card" and not any(_overlaps(quad, other) for other in pale_cards):
                pale_cards.append(quad)
            continue
        if share < 0.12 and kind != "card":
            continue
        found.append(DocumentQuad(order_corners(quad / factor), kind))
        if kind != "card" or len(found) == 2:
            break
    if len(found) == 2 and found[1].kind != "card":
        found = found[:1]
    if dpi is None or len(found) == 2 or any(quad.kind != "card" for quad in found):
        return found
    boxes = None  # the page's glyphs, measured once and only when a pale card is in question
    if not found and not pale_cards:  # no outline at all: look for cards by their print
        boxes = glyph_boxes(gray)
        pale_cards = _card_print_clusters(gray, boxes)
    card_px = CARD_LONG_MM / 25.4 * dpi * factor  # a card's long side at this resolution
    pale_cards = [quad for quad in pale_cards if 0.8 < max(quad_size(order_corners(quad))) / card_px < 1.25]
    if not pale_cards:
        return found
    return _with_pale_cards(glyph_boxes(gray) if boxes is None else boxes, factor, found, pale_cards)


def _card_print_clusters(gray: np.ndarray, boxes: np.ndarray) -> list[np.ndarray]:
    """Card-shaped clusters of print (``boxes``, the page's glyphs), for cards whose outline a photocopy
    has faded: the glyphs merged into blocks, each block's rotated rectangle widened to a card's proportions."""
    mask = np.zeros(gray.shape, np.uint8)
    for x, y, w, h in boxes:
        mask[y: y + h, x: x + w] = 255
    reach = max(9, int(0.045 * max(gray.shape)))  # bridges a card's inner gaps, not the gap between two cards
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((reach, reach), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    image_area = gray.shape[0] * gray.shape[1]
    cards = []
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:4]:
        (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
        long_side, short_side = max(w, h), min(w, h)
        if not 1.2 < long_side / max(1.0, short_side) < 2.0 or not MIN_CARD_SHARE < w * h / image_area < 0.35:
            continue
        long_side = max(long_side, short_side * CARD_ASPECT) * 1.06  # the card's margins around its print
        size = (long_side, long_side / CARD_ASPECT) if w >= h else (long_side / CARD_ASPECT, long_side)
        quad = cv2.boxPoints(((cx, cy), size, angle)).astype(np.float32)
        if document_kind(gray, quad) == "card":
            cards.append(quad)
    return cards


def _with_pale_cards(boxes: np.ndarray, factor: float, found: list[DocumentQuad],
                     pale_cards: list[np.ndarray]) -> list[DocumentQuad]:
    """Add card outlines that do not stand out in colour (a photocopy whitens a card's tint) when
    they hold nearly all the page's print (``boxes``): cards scanned on an otherwise empty sheet. A
    bordered box on a form is the same shape with the same print, but the rest of the form is full of text."""
    quads = [quad.corners * factor for quad in found]
    quads += [quad for quad in pale_cards if not any(_overlaps(quad, other) for other in quads)][: 2 - len(quads)]
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
    x, y, w, h = cv2.boundingRect(quad.astype(np.int32))
    glyphs = glyph_boxes(gray[max(0, y): y + h, max(0, x): x + w])
    print_share = float(np.median(glyphs[:, 3])) / min(width, height) if len(glyphs) >= 20 else None
    if print_share is not None and print_share >= CARD_PRINT:
        return "card"
    if print_share is not None and print_share <= SHEET_PRINT:
        return "a4"
    return aspect_kind(width, height)


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


def warp_documents(gray: np.ndarray, quads: list[DocumentQuad]) -> np.ndarray:
    """One flat image: the single document, or a card's two sides stacked in reading order."""
    if len(quads) == 1:
        return warp_quad(gray, quads[0].corners, quads[0].kind)
    ordered = sorted(quads, key=lambda q: (q.corners[:, 1].mean(), q.corners[:, 0].mean()))
    sides = [warp_quad(gray, quad.corners, quad.kind) for quad in ordered]
    width = max(side.shape[1] for side in sides)
    gap = np.full((CARD_GAP_PX, width), 255, np.uint8)
    padded = [cv2.copyMakeBorder(side, 0, 0, 0, width - side.shape[1], cv2.BORDER_CONSTANT, value=255) for side in sides]
    return np.vstack([padded[0], gap, padded[1]])


CARD_GAP_PX = 60


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


def _stands_out(image: np.ndarray, quad: np.ndarray) -> bool:
    """True when the area just inside the quad differs in colour from just outside it.

    A ruled table or a photo printed on a scanned page is a quadrilateral too,
    but paper surrounds it on both sides; a card or a sheet on a desk does not.
    """
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    band = max(4, int(0.02 * max(image.shape[:2])))
    kernel = np.ones((band, band), np.uint8)
    inner = cv2.subtract(mask, cv2.erode(mask, kernel))
    outer = cv2.subtract(cv2.dilate(mask, kernel), mask)
    if image.ndim == 2:
        lab = image.astype(np.float32)[..., None]
    else:
        lab = cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)
    inside = np.median(lab[inner > 0], axis=0)
    outside = np.median(lab[outer > 0], axis=0)
    return float(np.linalg.norm(inside - outside)) > 18.0


def order_corners(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]  # from -pi: top-left first for an upright quad
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0).astype(np.float32)


def warp_quad(gray: np.ndarray, quad: np.ndarray, kind: str) -> np.ndarray:
    """Warp the quadrilateral to a flat rectangle of the document's true aspect (card, A4, or as measured)."""
    width, height = quad_size(quad)
    long_side, short_side = max(width, height), min(width, height)
    if kind == "card":
        long_side, short_side = CARD_WIDTH_PX, CARD_WIDTH_PX / CARD_ASPECT
    elif kind == "a4":
        short_side = long_side / A4_ASPECT
    out_w, out_h = (long_side, short_side) if width >= height else (short_side, long_side)
    out_w, out_h = int(round(out_w)), int(round(out_h))
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderValue=255)


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
    centres = boxes[:, :2] + boxes[:, 2:4] / 2.0
    bin_size = max(1.0, float(np.median(boxes[:, 3])) / 3)
    upright_angle, upright_score = _best_skew(centres, bin_size)
    turned = np.column_stack([height - centres[:, 1], centres[:, 0]])  # the points after 90° clockwise
    turned_angle, turned_score = _best_skew(turned, bin_size)
    # the correction turns against the measured tilt
    if turned_score > 1.15 * upright_score:
        return 90, -turned_angle
    return 0, -upright_angle


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
