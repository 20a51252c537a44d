"""``card_sheet``: ID cards laid on an A4 sheet and scanned, photocopied or photographed.

The arrangements a counter produces: a card's two sides side by side or stacked; one side turned a
quarter or half turn on the sheet; a greyscale photocopy whose card has lost its tint and its border;
a card a few millimetres off the edge of the sheet; two citizens' cards on one sheet (each citizen is a
document of the truth); and phone photos of such sheets. Each side is rendered on its own and placed
on the sheet with an exact transform, so the truth knows every side's quadrilateral (``card_sides``,
``document_quads``) and every printed value's box (``boxes``) in pixels of the file.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from . import capture
from .cards import CARD_H, CARD_W
from .forms import A4_H, A4_W
from .layout import Page, Picture, Rect
from .model import Document

ARRANGEMENTS = ("side_by_side", "stacked", "turned_90", "turned_180", "photocopy", "off_edge", "two_citizens",
                "phone_photo")
PHONE_FRAME = (3000, 4000)  # a 12 MP phone photo, portrait: the sheet fills most of it
PHONE_SHEET_DPI = 250


@dataclass
class Placement:
    document: int  # index of the card's document on the sheet
    side: str  # "front" or "back"
    page: Page  # the side's drawing
    turn: int = 0  # clockwise quarter turn on the sheet, degrees
    angle: float = 0.0  # small clockwise tilt, degrees (laid by hand on the copier glass)
    cx: float = 0.0  # centre on the sheet, mm
    cy: float = 0.0
    scale: float = 1.0  # the copy's enlargement

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the card on the sheet (its tilt aside), mm."""
        width, height = CARD_W * self.scale, CARD_H * self.scale
        return (width, height) if self.turn % 180 == 0 else (height, width)


@dataclass
class SheetShot:
    image: Image.Image
    dpi: int | None  # None for a phone photo
    kind: str  # "clean", "noisy" or "phone"
    info: dict[str, Any] = field(default_factory=dict)  # the truth's "capture"
    boxes: list[dict[str, list[float]]] = field(default_factory=list)  # per document: field → [x0, y0, x1, y1]
    sides: list[list[str]] = field(default_factory=list)  # per document: the sides on the sheet
    text_page: Page | None = None  # the sheet's print, for the truth's page text


def arrangement_for(index: int) -> str:
    """Every arrangement in turn, also when card_sheet items are every n-th item of a mixed plan."""
    n = len(ARRANGEMENTS)
    return ARRANGEMENTS[(index + index // n) % n]


def card_sheet(docs: list[Document], arrangement: str, rng: random.Random) -> SheetShot:
    """One A4 sheet with the cards of ``docs`` (one or two citizens) laid out as ``arrangement`` says,
    scanned, photocopied or photographed."""
    rows = _layout(docs, arrangement, rng)
    placements = [p for row in rows for p in row]
    if rng.random() < 0.3:  # counters often copy cards enlarged, as far as the sheet allows
        scale = min(rng.uniform(1.15, 1.5), _largest_scale(rows))
        for p in placements:
            p.scale = max(1.0, round(scale, 2))
    _place(rows, rng, off_edge=arrangement == "off_edge")
    grey = arrangement == "photocopy" or (arrangement != "side_by_side" and rng.random() < 0.25)
    for p in placements:
        p.angle = rng.uniform(-1.5, 1.5)
    if arrangement == "phone_photo":
        kind = "phone"
    elif arrangement == "photocopy":
        kind = "noisy" if rng.random() < 0.7 else "clean"
    else:
        kind = "noisy" if rng.random() < 0.35 else "clean"
    dpi = PHONE_SHEET_DPI if kind == "phone" else rng.choice([200, 250, 300]) if kind == "noisy" else 300
    sheet, sides = _render(placements, dpi, grey)
    if kind == "phone":
        image, matrix, info = _photograph(sheet, rng)
    else:
        image, matrix, info = _scan(sheet, rng, grey, kind == "noisy", dpi)
    height, width = image.height, image.width
    shot = SheetShot(image=image, dpi=None if kind == "phone" else dpi, kind=kind)
    shot.boxes = [{} for _ in docs]
    shot.sides = [[] for _ in docs]
    card_sides = []
    for placement, side in zip(placements, sides, strict=True):
        quad = _apply(matrix, side["corners"])
        for name, corners in side["boxes"].items():
            points = _apply(matrix, corners)
            xs, ys = [x for x, _ in points], [y for _, y in points]
            shot.boxes[placement.document][name] = [round(min(xs), 1), round(min(ys), 1),
                                                    round(max(xs), 1), round(max(ys), 1)]
        shot.sides[placement.document].append(placement.side)
        off_page = any(not (0 <= x <= width and 0 <= y <= height) for x, y in quad)
        card_sides.append({"document": placement.document, "side": placement.side, "quad": quad,
                           "turn": placement.turn, "off_page": off_page})
    shot.info = {"dpi": shot.dpi, "arrangement": arrangement, "grey_photocopy": grey, "scan": kind,
                 "enlarged": placements[0].scale, **info,
                 "document_quads": [side["quad"] for side in card_sides], "card_sides": card_sides}
    shot.text_page = _text_page(placements)
    return shot


# --- layout ------------------------------------------------------------------------------------


def _layout(docs: list[Document], arrangement: str, rng: random.Random) -> list[list[Placement]]:
    """Rows of placements, in reading order."""
    def side(doc: int, name: str, turn: int = 0) -> Placement:
        return Placement(doc, name, docs[doc].pages[0 if name == "front" else 1], turn)

    if len(docs) == 2:
        shape = rng.choice(["rows", "cols", "fronts"])
        if shape == "rows":  # each citizen's card on a row
            return [[side(0, "front"), side(0, "back")], [side(1, "front"), side(1, "back")]]
        if shape == "cols":  # fronts on top, backs below
            return [[side(0, "front"), side(1, "front")], [side(0, "back"), side(1, "back")]]
        return [[side(0, "front")], [side(1, "front")]] if rng.random() < 0.5 else [[side(0, "front"), side(1, "front")]]
    turns = {"front": 0, "back": 0}
    if arrangement == "turned_90":
        turns[rng.choice(["front", "back"])] = rng.choice([90, 270])
    elif arrangement == "turned_180":
        turns[rng.choice(["front", "back"])] = 180
    horizontal = {"side_by_side": True, "stacked": False}.get(arrangement, rng.random() < 0.5)
    front, back = side(0, "front", turns["front"]), side(0, "back", turns["back"])
    return [[front, back]] if horizontal else [[front], [back]]


def _largest_scale(rows: list[list[Placement]]) -> float:
    """The largest enlargement at which the rows still fit the sheet with margins and gaps."""
    width = max(sum(p.size[0] for p in row) + 12 * (len(row) - 1) for row in rows)
    height = sum(max(p.size[1] for p in row) for row in rows) + 20 * (len(rows) - 1)
    return min((A4_W - 14) / width, (A4_H - 30) / height)


def _place(rows: list[list[Placement]], rng: random.Random, off_edge: bool) -> None:
    """Centres on the sheet: rows with gaps of a few millimetres to a few centimetres, the block
    somewhere on the sheet; with ``off_edge``, pushed 2-5 mm over one edge of the sheet."""
    gap_x, gap_y = rng.uniform(3, 15), rng.uniform(4, 25)
    widths = [sum(p.size[0] for p in row) + gap_x * (len(row) - 1) for row in rows]
    heights = [max(p.size[1] for p in row) for row in rows]
    block_w, block_h = max(widths), sum(heights) + gap_y * (len(rows) - 1)
    margin = 6.0
    left = rng.uniform(margin, max(margin, A4_W - block_w - margin))
    top = rng.uniform(10.0, max(10.0, min(90.0, A4_H - block_h - 10.0)))
    if off_edge:
        edge = rng.choice(["left", "right", "top"] if block_h < A4_H / 2 else ["left", "right"])
        over = rng.uniform(2.0, 5.0)
        if edge == "left":
            left = -over
        elif edge == "right":
            left = A4_W - block_w + over
        else:
            top = -over
    y = top
    for row, width, height in zip(rows, widths, heights, strict=True):
        x = left + (block_w - width) * rng.random() * 0.3
        for p in row:
            w, h = p.size
            p.cx, p.cy = x + w / 2, y + height / 2 + rng.uniform(-1.5, 1.5)
            x += w + gap_x
        y += height + gap_y


def _text_page(placements: list[Placement]) -> Page:
    """The sheet's print in reading order (each side a block of its own, as it is read)."""
    page = Page(A4_W, A4_H)
    for p in placements:
        page.place(p.page, p.cx - CARD_W * p.scale / 2, p.cy - CARD_H * p.scale / 2)
    return page


# --- rendering ---------------------------------------------------------------------------------


def _untinted(page: Page) -> Page:
    """A card side as a photocopier renders it: no guilloche tint, no outline, white paper."""
    def background(op: object) -> bool:
        if isinstance(op, Picture | Rect):
            area = (op.x1 - op.x0) * (op.y1 - op.y0)
            return area >= 0.9 * page.width * page.height
        return False
    copy = Page(page.width, page.height, (255, 255, 255))
    copy.ops = [op for op in page.ops if not background(op)]
    return copy


def _placement(width: int, height: int, p: Placement, scale: float) -> np.ndarray:
    """3 × 3 matrix from a side's pixels to the sheet's: turned clockwise about its centre, then moved."""
    theta = math.radians(p.turn + p.angle)
    cos, sin = math.cos(theta), math.sin(theta)
    to_origin = np.array([[1, 0, -width / 2], [0, 1, -height / 2], [0, 0, 1]], np.float64)
    turn = np.array([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]], np.float64)  # clockwise with y pointing down
    to_centre = np.array([[1, 0, p.cx * scale], [0, 1, p.cy * scale], [0, 0, 1]], np.float64)
    return to_centre @ turn @ to_origin


def _render(placements: list[Placement], dpi: int, grey: bool) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The sheet (float RGB) and, per side, its corners and its values' boxes (as quads) on it."""
    from .raster import render_page

    scale = dpi / 25.4
    sheet_w, sheet_h = round(A4_W * scale), round(A4_H * scale)
    sheet = np.full((sheet_h, sheet_w, 3), 255.0, np.float32)
    sides = []
    for p in placements:
        boxes: dict[str, list[float]] = {}
        art = np.asarray(render_page(_untinted(p.page) if grey else p.page, dpi * p.scale, boxes).convert("RGB"),
                         np.float32)
        height, width = art.shape[:2]
        matrix = _placement(width, height, p, scale)
        corners = _apply(matrix, [[0, 0], [width, 0], [width, height], [0, height]])
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        x0, y0 = max(0, int(min(xs)) - 2), max(0, int(min(ys)) - 2)
        x1, y1 = min(sheet_w, int(max(xs)) + 3), min(sheet_h, int(max(ys)) + 3)
        if x1 > x0 and y1 > y0:
            local = (np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ matrix)[:2]
            warped = cv2.warpAffine(art, local, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
            mask = cv2.warpAffine(np.ones((height, width), np.float32), local, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR)
            region = sheet[y0:y1, x0:x1]
            sheet[y0:y1, x0:x1] = region * (1 - mask[..., None]) + warped * mask[..., None]
        sides.append({"corners": [[float(x), float(y)] for x, y in corners],
                      "boxes": {name: _apply(matrix, [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]])
                                for name, b in boxes.items()}})
    return sheet, sides


def _apply(matrix: np.ndarray, points: list[list[float]]) -> list[list[float]]:
    """Points through a 3 × 3 (affine or perspective) matrix, rounded to 0.1 px."""
    array = np.asarray(points, np.float64)
    moved = np.column_stack([array, np.ones(len(array))]) @ matrix.T
    moved = moved[:, :2] / moved[:, 2:3]
    return [[round(float(x), 1), round(float(y), 1)] for x, y in moved]


# --- capture -----------------------------------------------------------------------------------


def _photocopy_tone(gray: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """Hard photocopy contrast, a little blur, grain and specks (float 0-255 in, out)."""
    nrng = np.random.default_rng(rng.getrandbits(32))
    arr = gray / 255
    gamma = rng.uniform(0.7, 1.4)
    arr = np.clip((arr ** gamma - 0.5) * rng.uniform(1.1, 1.5) + 0.5 + rng.uniform(-0.04, 0.08), 0, 1) * 255
    arr = cv2.GaussianBlur(arr.astype(np.float32), (0, 0), rng.uniform(0.3, 1.0) * dpi / 300)
    arr += nrng.normal(0, rng.uniform(1.5, 4.5), arr.shape).astype(np.float32)
    speckle = nrng.random(arr.shape)
    density = rng.uniform(0.0005, 0.003)
    arr[speckle < density] = nrng.uniform(0, 90)
    return arr


def _scan(sheet: np.ndarray, rng: random.Random, grey: bool, noisy: bool, dpi: int
          ) -> tuple[Image.Image, np.ndarray, dict[str, Any]]:
    """A flatbed scan of the sheet: slightly askew (sometimes fed turned a quarter or half turn),
    clean (colour or grey) or a photocopy's hard grey tones. Returns the image and the 3 × 3 matrix
    from the sheet's pixels to the image's."""
    height, width = sheet.shape[:2]
    angle = rng.uniform(-3.0, 3.0) if rng.random() < 0.3 else rng.uniform(-1.0, 1.0)
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)  # OpenCV: positive is anticlockwise
    paper = float(rng.randint(238, 255))
    arr = sheet if not (grey or noisy) else cv2.cvtColor(sheet, cv2.COLOR_RGB2GRAY)
    arr = cv2.warpAffine(arr, rotation, (width, height), flags=cv2.INTER_LINEAR,
                         borderValue=(paper, paper, paper) if arr.ndim == 3 else paper)
    matrix = np.vstack([rotation, [0, 0, 1]])
    if noisy:
        arr = _photocopy_tone(arr, rng, dpi)
        if rng.random() < 0.3:
            _streak(arr, rng)
    elif rng.random() < 0.5:
        arr = arr + np.random.default_rng(rng.getrandbits(32)).normal(0, 1.5, arr.shape).astype(np.float32)
    quarter = rng.choices([0, 90, 180, 270], weights=[12, 1, 1, 1])[0]  # clockwise, as fed to the scanner
    if quarter:
        arr, turn = _quarter_turn(arr, quarter)
        matrix = turn @ matrix
    image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L" if arr.ndim == 2 else "RGB")
    return image, matrix, {"rotation": round(angle, 2), "quarter_turn": quarter}


def _streak(arr: np.ndarray, rng: random.Random) -> None:
    """A copier's streak: a thin dark line along or across the whole sheet, solid or broken (in place)."""
    height, width = arr.shape[:2]
    vertical = rng.random() < 0.5
    length = height if vertical else width
    at = rng.randint(0, (width if vertical else height) - 3)
    thickness = rng.randint(1, 3)
    keep = np.ones(length, bool)
    if rng.random() < 0.5:  # broken: dashes of a few millimetres
        nrng = np.random.default_rng(rng.getrandbits(32))
        keep = np.repeat(nrng.random(length // 20 + 1) < 0.5, 20)[:length]
    tone = rng.uniform(20, 110)
    if vertical:
        arr[keep, at:at + thickness] = tone
    else:
        arr[at:at + thickness, keep] = tone


def _quarter_turn(arr: np.ndarray, degrees: int) -> tuple[np.ndarray, np.ndarray]:
    """The array turned clockwise by ``degrees`` and the matrix mapping its old pixels to the new."""
    height, width = arr.shape[:2]
    if degrees == 90:
        return np.ascontiguousarray(np.rot90(arr, -1)), np.array([[0, -1, height], [1, 0, 0], [0, 0, 1]], np.float64)
    if degrees == 180:
        return np.ascontiguousarray(arr[::-1, ::-1]), np.array([[-1, 0, width], [0, -1, height], [0, 0, 1]], np.float64)
    return np.ascontiguousarray(np.rot90(arr, 1)), np.array([[0, 1, 0], [-1, 0, width], [0, 0, 1]], np.float64)


def _photograph(sheet: np.ndarray, rng: random.Random) -> tuple[Image.Image, np.ndarray, dict[str, Any]]:
    """The sheet on a desk, photographed with a phone at an angle."""
    height, width = sheet.shape[:2]
    image = Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8), "RGB")
    shot = capture.phone_photo([image], rng, card=False, frame=PHONE_FRAME)
    quad = np.asarray(shot.info["document_quads"][0], np.float32)
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, quad).astype(np.float64)
    return shot.image, matrix, {"frame": shot.info["frame"], "sheet_quad": shot.info["document_quads"][0]}
