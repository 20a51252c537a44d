"""Capture quality: is this photo or scan good enough to read, and if not, what should the citizen do?

Judged per page, on the pixels as loaded, before and independently of extraction (a blurred photo is
reported as blurred even when nothing can be read from it, and in ~30 ms, so a counter can ask for a
retake while the citizen is still there). Every decision is made on cheap measurements
(``measure_capture``) of the ~1,000 px analysis copy ``pipeline.prepare`` also uses, and of the document
region at a scale fixed by the document's own size (so that a blur means the same on a 12 MP photo as on
a 2 MP one: what matters is the blur against the print, not against the frame):

| verdict | measured | raised when |
|---|---|---|
| ``no_document`` | the document's outline, its paper (bright region) and its print (glyph-sized blobs) | no outline, no paper region and almost no print |
| ``too_small`` | the document's long side in pixels (outline, else the frame) | a card under 560 px (~170 dpi), a sheet under 1,000 px (~85 dpi) |
| ``cut_off`` | the outline's corners against the frame; the paper region's contact with the frame; print against a full-frame page's edges | a corner at or beyond the frame's edge; paper running out of one to three sides of the frame; print touching the edge of a page that fills the frame |
| ``too_dark`` | the paper's brightness (90th percentile of the document) | below 85 of 255 |
| ``too_bright`` | the print's darkness (3rd percentile) and the clipped share | print lighter than 150 of 255 on a page with much clipped white |
| ``glare`` | compact clipped (near-255, colourless) blobs on a document whose paper is not white itself | a blob of 0.15–35 % of the document |
| ``blurred`` | edge sharpness: the 99.5th percentile of the gradient over the print's contrast, at the document's own scale | below ``BLUR_SHARPNESS`` |
| ``photocopy`` (notice) | colour in the document against colour in the frame | a colour photo whose document has no colour at all (cards, seals and emblems are coloured) |

A grayscale file (or an image PDF rendered gray) cannot be told from a photocopy, so it never gets the
``photocopy`` notice; photos of screens are not detected (no reliable cue without real samples).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import cv2
import numpy as np

from pipeline.load import SourcePage, load_pages
from pipeline.prepare import DocumentQuad, analyse_page, aspect_kind, to_gray
from schemas.errors import HosoError
from schemas.quality import FileQuality, PageQuality, QualityVerdict, verdict

log = logging.getLogger(__name__)

# --- thresholds (measured on the samples and generated sets: tools/capture_quality.py) -----------------
MIN_SIDE_PX = 64  # an image narrower than this is too small whatever it shows
MIN_CARD_PX = 560  # a card's long side: 85.6 mm at ~170 dpi; the bundled 200-dpi photocopies have ~675 px
MIN_SHEET_PX = 1000  # an A4 sheet's long side at ~85 dpi: 12 pt print is then ~12 px tall
CARD_SCALE_PX = 1000  # the document's long side at which sharpness is measured: a card at ~300 dpi ...
SHEET_SCALE_PX = 1500  # ... a sheet at ~130 dpi: print of either about 20-30 px tall
BLUR_SHARPNESS = 0.18
DARK_PAPER = 85
BRIGHT_INK = 150
BRIGHT_CLIPPED = 0.25
BRIGHT_BLURRED_INK = 185  # ... and when the print is blurred, lighter still (blur alone fades thin print)
GLARE_LEVEL = 250
GLARE_MIN_SHARE, GLARE_MAX_SHARE = 0.0015, 0.35
GLARE_PAPER_MAX = 240  # the document's median brighter than this: white paper, a glare on it cannot be told
GLARE_SOLID = 0.97  # a glare's share of its filled outline: print showing through makes holes in it
CORNER_OUTSIDE = 0.01  # an outline's corner further outside the frame than this share of it is cut off (a card
# scanned edge to edge has its rounded corners a hair outside: the bundled scans have up to 0.006)
PAPER_MIN_SHARE = 0.08
PAPER_CONTRAST = 25  # paper is this much brighter than what surrounds it
EDGE_CONTACT = 0.04  # paper along this share of a side of the frame runs out of it
PRINT_EDGE_GLYPHS = 4  # glyphs touching the edge of a page that fills the frame
EDGE_STRIP = 0.012  # the strip along each side of the frame (share of its long side) ...
EDGE_INK_CONTRAST = 70  # ... where pixels this much darker than the paper are content ...
EDGE_INK_MIN, EDGE_INK_MAX = 0.04, 0.5  # ... filling this share of it (all of it: a shadow or background)
NO_PRINT_GLYPHS = 15
COLOUR_CHROMA = 14.0  # Lab chroma: a pixel with more is coloured (a seal, an emblem, a card's tint)
COLOURLESS_SHARE = 0.001  # a sheet with fewer coloured pixels than this has no colour at all (no seal) ...
TINT_CHROMA = 4.0  # ... in a capture made in colour: a camera's photo has some tint (a desk, the light) ...
COLOUR_FRAME_SHARE = 0.05  # ... in at least this share of its pixels; a grayscale scan or render has none


@dataclass
class CaptureMeasures:
    """What ``assess_page`` decides on (also logged by the measuring tool)."""

    width: int
    height: int
    outline: str | None = None  # the document outline's kind ("card", "a4", "other"), None when none found
    document_kind: str = "sheet"  # "card" or "sheet": which size rules apply
    document_px: float = 0.0  # the document's long side in pixels of the loaded image
    corner_margin: float = 1.0  # the outline's nearest corner to the frame's edge (share of the frame; < 0 outside)
    outline_sides: list[str] = field(default_factory=list)  # the frame's sides the outline reaches (within 1 %)
    paper_share: float = 0.0  # the largest bright region's share of the frame
    paper_distinct: bool = False  # ... brighter than the rest of the frame by a margin (not one half of a blank one)
    paper_sides: list[str] = field(default_factory=list)  # the frame's sides that region runs out of
    print_edges: list[str] = field(default_factory=list)  # sides print touches, on a page filling the frame
    glyphs: int = 0
    paper_level: float = 0.0
    ink_level: float = 0.0
    clipped_share: float = 0.0
    glare_share: float = 0.0
    sharpness: float = 1.0
    colour_frame: float = 0.0  # share of tinted pixels in the frame (0 for a grayscale capture)
    colour_document: float = 0.0  # ... in the document

    def to_json(self) -> dict[str, object]:
        return {key: (round(value, 4) if isinstance(value, float) else value) for key, value in asdict(self).items()}


def assess_page(pixels: np.ndarray, dpi: int | None = None) -> list[QualityVerdict]:
    """The verdicts on one page image (BGR or grayscale uint8), most important first. ``dpi``: the page's
    resolution as loaded (lets a pale card be found by its size, as ``prepare`` finds it)."""
    height, width = pixels.shape[:2]
    if min(height, width) < MIN_SIDE_PX:  # a thumbnail, or a sliver: nothing to measure, nothing to read
        return [verdict("too_small", f"{width}×{height} px")]
    return decide(measure_capture(pixels, dpi))


def decide(m: CaptureMeasures) -> list[QualityVerdict]:
    """Verdicts from measurements. Without a document nothing else is said; when it is too small its
    sharpness is not judged (too few pixels look blurred anyway)."""
    if m.outline is None and (m.paper_share < PAPER_MIN_SHARE or not m.paper_distinct) and m.glyphs < NO_PRINT_GLYPHS:
        return [verdict("no_document", f"no outline, bright region {m.paper_share:.2f} of the frame, "
                                       f"{m.glyphs} glyphs")]
    found: list[QualityVerdict] = []
    minimum = MIN_CARD_PX if m.document_kind == "card" else MIN_SHEET_PX
    small = m.document_px < minimum
    if small:
        found.append(verdict("too_small", f"{m.document_kind} long side {m.document_px:.0f} px < {minimum}"))
    if m.outline is not None and (m.corner_margin < -CORNER_OUTSIDE or (
            m.corner_margin < CORNER_OUTSIDE and 0 < len(m.outline_sides) <= 2)):
        found.append(verdict("cut_off", f"a corner {m.corner_margin:.3f} of the frame from its edge, at "
                                        f"{'/'.join(m.outline_sides) or 'every side'}"))
    elif m.paper_sides:
        found.append(verdict("cut_off", f"the document runs out of the frame at {'/'.join(m.paper_sides)}"))
    elif m.print_edges:
        found.append(verdict("cut_off", f"print touches the frame's edge at {'/'.join(m.print_edges)}"))
    if m.paper_level < DARK_PAPER:
        found.append(verdict("too_dark", f"paper level {m.paper_level:.0f} < {DARK_PAPER}"))
    elif m.ink_level > BRIGHT_INK and m.clipped_share > BRIGHT_CLIPPED and (
            m.sharpness >= BLUR_SHARPNESS or m.ink_level > BRIGHT_BLURRED_INK):  # blurred print is faded too
        found.append(verdict("too_bright", f"print level {m.ink_level:.0f} > {BRIGHT_INK}, clipped "
                                           f"{m.clipped_share:.2f}"))
    elif m.glare_share > 0:
        found.append(verdict("glare", f"a clipped blob of {m.glare_share:.3f} of the document"))
    if not small and m.paper_level >= DARK_PAPER and m.sharpness < BLUR_SHARPNESS:
        found.append(verdict("blurred", f"sharpness {m.sharpness:.3f} < {BLUR_SHARPNESS}"))
    if (m.document_kind == "sheet" and m.colour_frame >= COLOUR_FRAME_SHARE
            and m.colour_document < COLOURLESS_SHARE and m.paper_level >= DARK_PAPER and not small):
        found.append(verdict("photocopy", f"coloured pixels: {m.colour_document:.4f} of the document; tinted: "
                                          f"{m.colour_frame:.3f} of the frame"))
    return found


def measure_capture(pixels: np.ndarray, dpi: int | None = None) -> CaptureMeasures:
    """Every measurement ``decide`` needs, from one page image."""
    height, width = pixels.shape[:2]
    m = CaptureMeasures(width=width, height=height)
    gray = to_gray(pixels)
    seen = analyse_page(pixels, dpi)  # prepare's analysis copy: the reading beside this check shares it
    small, small_gray, factor, quads = seen.small, seen.small_gray, seen.factor, seen.quads
    region = np.zeros(small_gray.shape, np.uint8)  # the document in the analysis copy
    if quads:
        corners = [quad.corners for quad in quads]
        m.outline = quads[0].kind
        m.document_kind = "card" if quads[0].kind == "card" else "sheet"
        m.document_px = float(max(_long_side(c) for c in corners))
        m.corner_margin = min(_corner_margin(c, width, height) for c in corners)
        m.outline_sides = sorted({side for c in corners for side in _sides_reached(c, width, height)})
        for c in corners:
            cv2.fillConvexPoly(region, np.round(c * factor).astype(np.int32), 255)
    else:
        region[:] = 255
        m.document_kind = "card" if aspect_kind(width, height) == "card" else "sheet"
        m.document_px = float(max(width, height))
    boxes = seen.boxes
    m.glyphs = len(boxes)
    if not quads:
        m.paper_share, m.paper_sides, paper, m.paper_distinct = _paper_region(small_gray)
        if m.paper_sides:  # the document is the paper region, not the frame
            region = paper
            m.document_px = _long_side_of_mask(paper) / factor
        else:  # the frame is the document: its print must not run into the frame's edges
            m.print_edges = _print_at_edges(small_gray, boxes)
    histogram = cv2.calcHist([small_gray], [0], region if region.any() else None, [256], [0, 256]).ravel()
    m.paper_level, m.ink_level = _percentiles(histogram, (90, 0.5))
    m.clipped_share = float(histogram[GLARE_LEVEL:].sum() / max(1.0, histogram.sum()))
    m.glare_share = _glare(small, small_gray, region)
    m.sharpness = _sharpness(gray, quads, m)
    # colour inside the document, away from its outline (a slightly wide outline takes in some background)
    inset = max(3, int(0.03 * min(small_gray.shape)))
    m.colour_frame, m.colour_document = _colour(small, cv2.erode(region, np.ones((inset, inset), np.uint8)))
    return m


# --- measurements ---------------------------------------------------------------------------------------


def _percentiles(histogram: np.ndarray, percents: tuple[float, ...]) -> list[float]:
    """Percentiles of the values a histogram (counts per value 0, 1, 2 ...) counts: cheaper than sorting."""
    cumulative = np.cumsum(histogram)
    total = cumulative[-1] if len(cumulative) else 0
    if total <= 0:
        return [0.0 for _ in percents]
    return [float(np.searchsorted(cumulative, total * p / 100.0)) for p in percents]


def _long_side(corners: np.ndarray) -> float:
    edges = [float(np.linalg.norm(corners[i] - corners[(i + 1) % 4])) for i in range(4)]
    return max((edges[0] + edges[2]) / 2, (edges[1] + edges[3]) / 2)


def _corner_margin(corners: np.ndarray, width: int, height: int) -> float:
    """The nearest corner's distance to the frame's edge, as a share of the frame's long side (< 0 outside)."""
    x, y = corners[:, 0], corners[:, 1]
    nearest = min(float(x.min()), float(y.min()), width - 1 - float(x.max()), height - 1 - float(y.max()))
    return nearest / max(width, height)


def _sides_reached(corners: np.ndarray, width: int, height: int) -> list[str]:
    """The frame's sides an outline's corners reach (within ``CORNER_OUTSIDE`` of them): one or two for a
    document cut by the frame, four for one that fills it edge to edge."""
    near = CORNER_OUTSIDE * max(width, height)
    x, y = corners[:, 0], corners[:, 1]
    reached = {"left": x.min() < near, "top": y.min() < near, "right": x.max() > width - 1 - near,
               "bottom": y.max() > height - 1 - near}
    return [side for side, hit in reached.items() if hit]


def _long_side_of_mask(mask: np.ndarray) -> float:
    points = cv2.findNonZero(mask)
    if points is None:
        return 0.0
    (_, _), (w, h), _ = cv2.minAreaRect(points)
    return float(max(w, h))


def _paper_region(gray: np.ndarray) -> tuple[float, list[str], np.ndarray, bool]:
    """The largest bright region (print closed over, Otsu against the rest): its share of the frame, the
    sides of the frame it runs out of (when it does not fill the frame), its mask, and whether it stands out
    (brighter than the rest of the frame by ``PAPER_CONTRAST``)."""
    reduced = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)  # ~250 px: regions only
    step = max(3, int(round(min(reduced.shape) / 60)) | 1)
    smooth = cv2.morphologyEx(reduced, cv2.MORPH_CLOSE, np.ones((step, step), np.uint8))
    smooth = cv2.medianBlur(smooth, step)
    smooth = cv2.resize(smooth, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    _, bright = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    empty = np.zeros(gray.shape, np.uint8)
    if count <= 1:
        return 0.0, [], empty, False
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    mask = (labels == largest).astype(np.uint8) * 255
    share = float(stats[largest, cv2.CC_STAT_AREA]) / gray.size
    contact = {"top": (mask[0] > 0).mean(), "bottom": (mask[-1] > 0).mean(),
               "left": (mask[:, 0] > 0).mean(), "right": (mask[:, -1] > 0).mean()}
    touched = [side for side, value in contact.items() if value >= EDGE_CONTACT]
    rest = smooth[mask == 0]
    distinct = rest.size == 0 or float(smooth[mask > 0].mean()) - float(rest.mean()) >= PAPER_CONTRAST
    if share < PAPER_MIN_SHARE or len(touched) > 2 or share > 0.9:
        # no paper; or a page that fills the frame; or bright surroundings (three sides and more): nothing
        # says a document runs out of the frame (a corner cut off touches two sides, an edge one)
        return share, [], mask, distinct
    if not distinct:  # the rest of the frame must look like a background (darker than the paper), not more paper
        return share, [], mask, distinct
    return share, touched, mask, distinct


def _print_at_edges(gray: np.ndarray, boxes: np.ndarray) -> list[str]:
    """Sides of a page filling the frame that its content runs into (a scan or close-up that missed part of the
    page): glyphs cut by the frame's edge, or print, a photo or an emblem filling part of a thin strip along it
    (a blank margin, or a scanner's shadow filling the whole strip, is no content)."""
    height, width = gray.shape[:2]
    margin = max(2, int(0.004 * max(height, width)))
    strip = max(3, int(EDGE_STRIP * max(height, width)))
    paper = float(np.percentile(gray, 90))
    touching: list[str] = []
    x, y, w, h = (boxes[:, i] for i in range(4)) if len(boxes) else (np.empty(0),) * 4
    sides = {"left": (gray[:, :strip], x <= margin), "top": (gray[:strip, :], y <= margin),
             "right": (gray[:, -strip:], x + w >= width - margin), "bottom": (gray[-strip:, :], y + h >= height - margin)}
    for side, (band, glyphs) in sides.items():
        ink = float((band < paper - EDGE_INK_CONTRAST).mean())
        if int(np.sum(glyphs)) >= PRINT_EDGE_GLYPHS or EDGE_INK_MIN <= ink <= EDGE_INK_MAX:
            touching.append(side)
    return touching


def _glare(small: np.ndarray, gray: np.ndarray, region: np.ndarray) -> float:
    """The largest glare on the document, as a share of it (0 when none): a compact, colourless blob of clipped
    pixels with no print showing through it (print under a light spot is washed out; bright paper with print on
    it is not glare), away from the document's outline, on a document whose paper is not white itself (on white
    paper a clipped spot cannot be told from the paper)."""
    inside = region > 0
    area = int(inside.sum())
    if area == 0:
        return 0.0
    paper = float(np.median(gray[inside]))
    if paper > GLARE_PAPER_MAX:
        return 0.0
    clipped = (gray >= GLARE_LEVEL) & inside
    if np.count_nonzero(clipped) < GLARE_MIN_SHARE * area:  # no blob could be large enough: skip labelling them
        return 0.0
    inset = max(3, int(0.05 * min(gray.shape)))
    core = cv2.erode(region, np.ones((inset, inset), np.uint8)) > 0  # not at the document's edges
    if small.ndim == 3:
        clipped &= _colour_spread(small) < 20
    count, labels, stats, _ = cv2.connectedComponentsWithStats(clipped.astype(np.uint8), connectivity=8)
    best = 0.0
    for label in range(1, count):
        x, y, w, h, pixels = stats[label]
        share = pixels / area
        if not (GLARE_MIN_SHARE <= share <= GLARE_MAX_SHARE and min(w, h) >= 6 and pixels >= 0.35 * w * h):
            continue
        blob = (labels[y:y + h, x:x + w] == label).astype(np.uint8)
        if not core[y:y + h, x:x + w][blob > 0].all():
            continue
        contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        filled = np.zeros_like(blob)
        cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
        if pixels >= GLARE_SOLID * int(filled.sum()):  # no print shows through it
            best = max(best, float(share))
    return best


def _colour_spread(image: np.ndarray) -> np.ndarray:
    """Each pixel's largest channel minus its smallest (0 for gray), as uint8. Per channel with OpenCV: numpy's
    max and min across a last axis of 3 took ~25 ms each on the analysis copy, a third of the whole check."""
    blue, green, red = cv2.split(image)
    return cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))


def _sharpness(gray: np.ndarray, quads: Sequence[DocumentQuad], m: CaptureMeasures) -> float:
    """Edge sharpness of the document at its own scale: the 99.5th percentile of the steepest step across one
    pixel over the print's contrast, in the direction where it is least (~0.3-0.6 for crisp print, under 0.15
    for print blurred over a few pixels)."""
    if quads:
        corners = np.vstack([quad.corners for quad in quads])
        x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, None)
        x1, y1 = np.ceil(corners.max(axis=0)).astype(int)
        gray = gray[y0:y1, x0:x1]
        # stay inside the document: its own outline is an edge against the background
        inset = max(2, int(0.04 * min(gray.shape[:2])))
        gray = gray[inset:-inset or None, inset:-inset or None]
    if gray.size < 100:
        return 1.0
    target = CARD_SCALE_PX if m.document_kind == "card" else SHEET_SCALE_PX
    factor = target / max(m.document_px, 1.0)
    while factor <= 0.5:  # halvings are cheap; area averaging the whole way down is not
        gray = cv2.pyrDown(gray)
        factor *= 2
    if factor < 1.0:
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    high, low = _percentiles(cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel(), (95, 2))
    contrast = high - low
    if contrast < 20:
        return 0.0  # no print to speak of: nothing sharp either
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)  # 8 x the step across one pixel
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    # the least sharp of eight directions: a motion blur smears across one direction only
    steepest = []
    for angle in np.arange(8) * np.pi / 8:
        along = cv2.addWeighted(gx, float(np.cos(angle)), gy, float(np.sin(angle)), 0.0)
        step = cv2.convertScaleAbs(along, alpha=0.25)  # 2 x the step across one pixel, saturating at 255
        steepest.append(_percentiles(cv2.calcHist([step], [0], None, [256], [0, 256]).ravel(), (99.5,))[0] / 2)
    return float(min(steepest)) / contrast


def _colour(small: np.ndarray, region: np.ndarray) -> tuple[float, float]:
    """Shares of coloured pixels in the frame and in the document (0, 0 for a grayscale capture)."""
    if small.ndim == 2:
        return 0.0, 0.0
    lab = cv2.cvtColor(small[::2, ::2], cv2.COLOR_BGR2LAB).astype(np.float32)  # every other pixel: enough
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    coloured = chroma > COLOUR_CHROMA
    inside = region[::2, ::2] > 0
    frame = float((chroma > TINT_CHROMA).mean())
    document = float(coloured[inside].mean()) if inside.any() else 0.0
    return frame, document


# --- files ----------------------------------------------------------------------------------------------


def assess_source_page(page: SourcePage) -> PageQuality:
    if page.has_text_layer:
        return PageQuality(page=page.number, checked=False, width=0, height=0, verdicts=[])
    pixels = page.pixels
    return PageQuality(page=page.number, checked=True, width=pixels.shape[1], height=pixels.shape[0],
                       verdicts=assess_page(pixels, page.dpi))


def assess_file(data: bytes, source_name: str, index: int = 1) -> FileQuality:
    """Each page's verdicts (or ``unreadable`` with the loader's reason, for a file that cannot be read)."""
    try:
        _, pages = load_pages(data)
    except HosoError as error:
        bad = verdict("unreadable", error.code)
        return FileQuality(index=index, source_name=source_name, ok=False, verdicts=[bad], pages=[])
    judged = []
    for page in pages:
        try:
            judged.append(assess_source_page(page))
        except HosoError as error:
            judged.append(PageQuality(page=page.number, checked=True, width=0, height=0,
                                      verdicts=[verdict("unreadable", error.code)]))
        except Exception:  # a measurement that fails must not fail the upload it is part of
            log.exception("capture quality of page %d failed", page.number)
            judged.append(PageQuality(page=page.number, checked=False, width=0, height=0, verdicts=[]))
    ok = not any(v.severity == "retake" for p in judged for v in p.verdicts)
    return FileQuality(index=index, source_name=source_name, ok=ok, verdicts=[], pages=judged)
