"""PDF output: born-digital pages with an embedded TTF text layer, and image-only pages."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .layout import Line, Page, Picture, Rect, Text

MM = 72 / 25.4           # PDF points per mm
PICTURE_DPI = 300        # resolution of raster art (stamps, QR, photos) in digital PDFs


@dataclass
class ImagePage:
    """A scanned page: an encoded image placed full-page at its scan resolution."""
    data: bytes          # JPEG or PNG bytes
    width_px: int
    height_px: int
    dpi: float


def _font_name(path: str) -> str:
    """Register each TTF once; reportlab embeds a subset with a ToUnicode map."""
    name = "F_" + Path(path).stem.replace("-", "_")
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name


def _draw_vector_page(canvas: Canvas, page: Page) -> None:
    height = page.height * MM

    def y(mm: float) -> float:
        return height - mm * MM

    canvas.setFillColorRGB(*(c / 255 for c in page.background))
    canvas.rect(0, 0, page.width * MM, height, stroke=0, fill=1)
    for op in page.ops:
        if isinstance(op, Text):
            canvas.setFillColorRGB(*(c / 255 for c in op.color))
            canvas.setFont(_font_name(op.font), op.size)
            canvas.drawString(op.x * MM, y(op.y), op.text)
        elif isinstance(op, Line):
            canvas.setStrokeColorRGB(*(c / 255 for c in op.color))
            canvas.setLineWidth(op.width * MM)
            if op.dotted:
                canvas.setLineCap(1)
                canvas.setDash([0.01, op.width * MM * 2.5])
            canvas.line(op.x0 * MM, y(op.y0), op.x1 * MM, y(op.y1))
            canvas.setDash([])
            canvas.setLineCap(0)
        elif isinstance(op, Rect):
            if op.fill:
                canvas.setFillColorRGB(*(c / 255 for c in op.fill))
            if op.outline:
                canvas.setStrokeColorRGB(*(c / 255 for c in op.outline))
                canvas.setLineWidth(op.width * MM)
            args = (op.x0 * MM, y(op.y1), (op.x1 - op.x0) * MM, (op.y1 - op.y0) * MM)
            stroke, fill = int(op.outline is not None), int(op.fill is not None)
            if op.radius:
                canvas.roundRect(*args, op.radius * MM, stroke=stroke, fill=fill)
            else:
                canvas.rect(*args, stroke=stroke, fill=fill)
        elif isinstance(op, Picture):
            w_px = max(1, round((op.x1 - op.x0) / 25.4 * PICTURE_DPI))
            h_px = max(1, round((op.y1 - op.y0) / 25.4 * PICTURE_DPI))
            art = op.make(w_px, h_px)
            if op.in_pdf_as_jpeg:
                buf = io.BytesIO()
                art.convert("RGB").save(buf, "JPEG", quality=85)
                reader = ImageReader(io.BytesIO(buf.getvalue()))
                mask = None
            else:
                reader, mask = ImageReader(art), "auto"
            canvas.drawImage(reader, op.x0 * MM, y(op.y1), (op.x1 - op.x0) * MM, (op.y1 - op.y0) * MM, mask=mask)


def _draw_image_page(canvas: Canvas, page: ImagePage) -> None:
    w, h = page.width_px / page.dpi * 72, page.height_px / page.dpi * 72
    canvas.setPageSize((w, h))
    canvas.drawImage(ImageReader(io.BytesIO(page.data)), 0, 0, w, h)


def write_pdf(path: Path, pages: list[Page | ImagePage], title: str = "") -> None:
    """Write vector and scanned pages, in order, into one PDF (deterministic bytes)."""
    canvas = Canvas(str(path), invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("hoso samples generator")
    for page in pages:
        if isinstance(page, ImagePage):
            _draw_image_page(canvas, page)
        else:
            canvas.setPageSize((page.width * MM, page.height * MM))
            _draw_vector_page(canvas, page)
        canvas.showPage()
    canvas.save()


def encode_image(image: Image.Image, fmt: str, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, "JPEG", quality=quality, optimize=True)
    else:
        image.save(buf, "PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def image_page(image: Image.Image, dpi: float, quality: int = 80) -> ImagePage:
    return ImagePage(encode_image(image, "JPEG", quality), image.width, image.height, dpi)
