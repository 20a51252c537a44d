"""Render a `Page` display list to a PIL image at a given resolution."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from .fonts import PT_TO_MM, pil_font
from .layout import Line, Page, Picture, Rect, Text


def render_page(page: Page, dpi: float, boxes: dict[str, list[float]] | None = None) -> Image.Image:
    """The page at ``dpi``. ``boxes``, when given, receives each tagged field's printed extent in pixels
    ``[x0, y0, x1, y1]`` (the union of its runs' ink boxes, or its picture's box)."""
    scale = dpi / 25.4  # px per mm
    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    image = Image.new("RGB", size, page.background)
    draw = ImageDraw.Draw(image)
    for op in page.ops:
        if isinstance(op, Text):
            font = pil_font(op.font, round(op.size * PT_TO_MM * scale))
            draw.text((op.x * scale, op.y * scale), op.text, font=font, fill=op.color, anchor="ls")
            if boxes is not None and op.field:
                _grow(boxes, op.field, draw.textbbox((op.x * scale, op.y * scale), op.text, font=font, anchor="ls"))
        elif isinstance(op, Line):
            _draw_line(draw, op, scale)
        elif isinstance(op, Rect):
            box = [op.x0 * scale, op.y0 * scale, op.x1 * scale, op.y1 * scale]
            width = max(1, round(op.width * scale)) if op.outline else 0
            if op.radius:
                draw.rounded_rectangle(box, radius=op.radius * scale, outline=op.outline, fill=op.fill, width=width)
            else:
                draw.rectangle(box, outline=op.outline, fill=op.fill, width=width)
        elif isinstance(op, Picture):
            x0, y0 = round(op.x0 * scale), round(op.y0 * scale)
            w, h = round((op.x1 - op.x0) * scale), round((op.y1 - op.y0) * scale)
            if w < 1 or h < 1:
                continue
            art = op.make(w, h)
            if boxes is not None and op.field:
                _grow(boxes, op.field, (x0, y0, x0 + w, y0 + h))
            if art.mode == "RGBA":
                image.paste(art, (x0, y0), art)
            else:
                image.paste(art.convert("RGB"), (x0, y0))
    return image


def _grow(boxes: dict[str, list[float]], name: str, box: tuple[float, float, float, float]) -> None:
    old = boxes.get(name)
    boxes[name] = [float(v) for v in box] if old is None else [
        min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3])]


def _draw_line(draw: ImageDraw.ImageDraw, op: Line, scale: float) -> None:
    x0, y0, x1, y1 = op.x0 * scale, op.y0 * scale, op.x1 * scale, op.y1 * scale
    width = max(1, round(op.width * scale))
    if not op.dotted:
        draw.line([x0, y0, x1, y1], fill=op.color, width=width)
        return
    # A dotted leader: round dots two dot-widths apart.
    length = math.hypot(x1 - x0, y1 - y0)
    step = max(2.5 * width, 3)
    r = max(width / 2, 0.6)
    for i in range(int(length // step) + 1):
        t = i * step / length if length else 0
        cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=op.color)
