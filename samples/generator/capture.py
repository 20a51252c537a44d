"""How a rendered page reaches the pipeline: clean scan, noisy photocopy, phone photo."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageFilter


@dataclass
class Capture:
    image: Image.Image
    info: dict[str, Any] = field(default_factory=dict)   # recorded in the truth as "capture"


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(32))


def clean_scan(image: Image.Image, rng: random.Random, dpi: int) -> Capture:
    """Straight flatbed scan: grayscale or colour, faint sensor noise, nothing else."""
    gray = rng.random() < 0.6
    out = image.convert("L") if gray else image
    if rng.random() < 0.5:  # faint sensor noise (kept optional: noise makes PNGs incompressible)
        arr = np.asarray(out, np.float32) + _np_rng(rng).normal(0, 1.5, np.asarray(out).shape)
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), out.mode)
    return Capture(out, {"dpi": dpi, "grayscale": gray, "rotation": 0.0})


def noisy_scan(image: Image.Image, rng: random.Random, dpi: int) -> Capture:
    """Photocopy/fax look: hard contrast, blur, skew up to ±10° (sometimes 90/180° turned),
    speckles and toner dropouts."""
    nrng = _np_rng(rng)
    arr = np.asarray(image.convert("L"), np.float32) / 255
    # Photocopy contrast: push mid-greys towards black or white, lift the paper a little.
    gamma = rng.uniform(0.7, 1.5)
    arr = np.clip((arr ** gamma - 0.5) * rng.uniform(1.1, 1.6) + 0.5 + rng.uniform(-0.05, 0.08), 0, 1)
    out = Image.fromarray((arr * 255).astype(np.uint8), "L")
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.1) * dpi / 300))
    angle = rng.uniform(-10, 10) if rng.random() < 0.35 else rng.uniform(-2.5, 2.5)
    quarter = rng.choices([0, 90, 180, 270], weights=[7, 1, 1, 1])[0]
    out = out.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=rng.randint(235, 255))
    if quarter:
        out = out.rotate(quarter, expand=True)
    arr = np.asarray(out, np.float32)
    arr += nrng.normal(0, rng.uniform(1.5, 5), arr.shape)  # stronger grain makes JPEGs balloon
    speckle = nrng.random(arr.shape)
    density = rng.uniform(0.0005, 0.004)
    arr[speckle < density] = nrng.uniform(0, 90)
    arr[speckle > 1 - density / 2] = 255
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    # Positive angles turn the content counter-clockwise (PIL convention).
    return Capture(out, {"dpi": dpi, "grayscale": True, "rotation": round(angle + quarter, 2), "jpeg_quality_hint": "low"})


def _background(nrng: np.random.Generator, rng: random.Random, w: int, h: int) -> np.ndarray:
    """Wooden desk, plain table or fabric, as float RGB."""
    kind = rng.choice(["wood", "table", "fabric"])
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array([rng.randint(120, 170), rng.randint(75, 110), rng.randint(40, 70)], np.float32)
        grain = np.sin((y / h) * rng.uniform(40, 90) + 3 * np.sin(x / w * rng.uniform(2, 5))) * 0.5 + 0.5
        tex = base * (0.8 + 0.25 * grain)[..., None]
    elif kind == "table":
        tone = rng.randint(150, 230)
        tex = np.full((h, w, 3), tone, np.float32) * np.array([1.0, rng.uniform(0.95, 1.02), rng.uniform(0.85, 1.0)], np.float32)
    else:
        base = np.array([rng.randint(40, 120), rng.randint(40, 120), rng.randint(60, 150)], np.float32)
        weave = (np.sin(x * 0.9) * np.sin(y * 0.9)) * 0.5 + 0.5
        tex = base * (0.85 + 0.2 * weave)[..., None]
    noise = cv2.GaussianBlur(nrng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 3) * 10
    return tex + noise[..., None]


def _quad(rng: random.Random, cx: float, cy: float, w: float, h: float) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of a rotated rectangle, each nudged for perspective."""
    angle = np.radians(rng.uniform(-12, 12))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) @ rot.T
    jitter = np.array([[rng.uniform(-0.05, 0.05) * w, rng.uniform(-0.05, 0.05) * h] for _ in range(4)])
    return (corners + jitter + [cx, cy]).astype(np.float32)


def _fit(quad: np.ndarray, cell: tuple[float, float, float, float], margin: float = 0.04) -> np.ndarray:
    """Shrink and shift a quad so that all four corners lie inside the cell (with a margin):
    the truth promises the whole document is in the frame."""
    x0, y0, x1, y1 = cell
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    x0, y0, x1, y1 = x0 + mx, y0 + my, x1 - mx, y1 - my
    lo, hi = quad.min(axis=0), quad.max(axis=0)
    scale = min(1.0, (x1 - x0) / (hi[0] - lo[0]), (y1 - y0) / (hi[1] - lo[1]))
    center = (lo + hi) / 2
    quad = (quad - center) * scale + center
    lo, hi = quad.min(axis=0), quad.max(axis=0)
    shift = np.array([max(0.0, x0 - lo[0]) - max(0.0, hi[0] - x1), max(0.0, y0 - lo[1]) - max(0.0, hi[1] - y1)])
    return (quad + shift).astype(np.float32)


def phone_photo(items: list[Image.Image], rng: random.Random, card: bool, frame: tuple[int, int] | None = None) -> Capture:
    """One or two documents lying on a surface, photographed at an angle: perspective,
    uneven light with a soft shadow, slight blur and noise. ``frame``: the photo's size (default
    1600 × 1200 for cards, 1500 × 2000 for sheets)."""
    nrng = _np_rng(rng)
    landscape = card
    fw, fh = frame or ((1600, 1200) if landscape else (1500, 2000))
    frame = _background(nrng, rng, fw, fh)
    share = rng.uniform(0.3, 0.7) if card else rng.uniform(0.55, 0.8)   # area of the frame covered
    quads = []
    for i, item in enumerate(items):
        doc = np.asarray(item.convert("RGB"), np.float32)
        ih, iw = doc.shape[:2]
        area = share * fw * fh / len(items)
        w = float(np.sqrt(area * iw / ih))
        h = w * ih / iw
        horizontal = fw / len(items) > w * 1.05
        if len(items) == 1:
            cx, cy = fw / 2 + rng.uniform(-0.08, 0.08) * fw, fh / 2 + rng.uniform(-0.06, 0.06) * fh
        else:  # two card sides side by side or one above the other
            cx = fw * (i + 0.5) / len(items) if horizontal else fw / 2
            cy = fh / 2 if horizontal else fh * (i + 0.5) / len(items)
        if len(items) == 1:
            cell = (0.0, 0.0, float(fw), float(fh))
        elif horizontal:
            cell = (fw * i / len(items), 0.0, fw * (i + 1) / len(items), float(fh))
        else:
            cell = (0.0, fh * i / len(items), float(fw), fh * (i + 1) / len(items))
        quad = _fit(_quad(rng, cx, cy, w, h), cell)
        src = np.array([[0, 0], [iw, 0], [iw, ih], [0, ih]], np.float32)
        m = cv2.getPerspectiveTransform(src, quad)
        warped = cv2.warpPerspective(doc, m, (fw, fh), flags=cv2.INTER_AREA if w < iw else cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones((ih, iw), np.float32), m, (fw, fh), flags=cv2.INTER_LINEAR)
        shadow = cv2.GaussianBlur(np.roll(mask, (6, 8), (0, 1)), (0, 0), 8)
        frame *= (1 - 0.35 * shadow)[..., None]
        frame = frame * (1 - mask[..., None]) + warped * mask[..., None]
        quads.append([[round(float(px), 1), round(float(py), 1)] for px, py in quad])
    # Light falls off across the frame; a hand or phone casts a soft shadow.
    y, x = np.mgrid[0:fh, 0:fw].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(direction) * x / fw + np.sin(direction) * y / fh)
    light = 1.05 - rng.uniform(0.1, 0.3) * (ramp - ramp.min()) / (np.ptp(ramp) + 1e-6)
    if rng.random() < 0.6:
        sx, sy = rng.uniform(0, fw), rng.uniform(0, fh)
        blob = np.exp(-(((x - sx) / (fw * 0.3)) ** 2 + ((y - sy) / (fh * 0.25)) ** 2))
        light *= 1 - rng.uniform(0.15, 0.35) * blob
    frame *= light[..., None]
    frame *= np.array([rng.uniform(0.95, 1.05), 1.0, rng.uniform(0.9, 1.02)], np.float32)  # white balance
    frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.3))
    frame += nrng.normal(0, rng.uniform(2, 5), frame.shape)
    out = Image.fromarray(np.clip(frame, 0, 255).astype(np.uint8), "RGB")
    return Capture(out, {"frame": [fw, fh], "document_quads": quads})
