"""Raster art for documents: guilloche backgrounds, stamps, signatures, QR, photo, chip.

Each function returns a `PictureMaker` (width_px, height_px → RGBA image) that
carries its own seed, so the art is identical at any resolution request.
"""

from __future__ import annotations

import math
import random

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter

from .fonts import pil_font
from .layout import Color, PictureMaker

STAMP_RED: Color = (205, 35, 45)


def guilloche(seed: int, base: Color, ink: Color, accent: Color) -> PictureMaker:
    """Security-print look: two families of fine wavy lines and a rosette over a soft gradient."""
    def make(w: int, h: int) -> Image.Image:
        rng = np.random.default_rng(seed)
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        u, v = x / w, y / h
        a, b, c = rng.uniform(0.02, 0.05, 3)
        waves1 = v * 55 + a * 40 * np.sin(2 * np.pi * (1.5 * u + c * 10 * np.sin(2 * np.pi * 0.8 * v)))
        waves2 = u * 70 + b * 45 * np.sin(2 * np.pi * (2.0 * v + 0.3 * np.sin(2 * np.pi * u)))
        cx, cy = rng.uniform(0.35, 0.65), rng.uniform(0.35, 0.65)
        r = np.hypot((u - cx) * w / h, v - cy)
        theta = np.arctan2(v - cy, (u - cx) * w / h)
        rosette = r * 60 + 1.2 * np.sin(12 * theta + r * 8)

        def ridge(field: np.ndarray, sharp: float) -> np.ndarray:
            d = np.abs(field - np.round(field))
            return np.exp(-(d / sharp) ** 2)

        lines = np.clip(0.55 * ridge(waves1, 0.09) + 0.45 * ridge(waves2, 0.08), 0, 1)
        rose = ridge(rosette, 0.07) * np.exp(-(r / 0.45) ** 2)
        tone = (0.85 + 0.15 * u)[..., None]
        img = np.array(base, np.float32) * tone
        img = img * (1 - lines[..., None] * 0.5) + np.array(ink, np.float32) * lines[..., None] * 0.5
        img = img * (1 - rose[..., None] * 0.45) + np.array(accent, np.float32) * rose[..., None] * 0.45
        return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB").convert("RGBA")
    return make


def qr_code(payload: str) -> PictureMaker:
    """A real QR code (byte mode, UTF-8) on white with a two-module quiet zone."""
    qr = segno.make(payload, error="m", micro=False, encoding="utf-8")
    modules = np.array([[0 if bit else 255 for bit in row] for row in qr.matrix], np.uint8)
    modules = np.pad(modules, 2, constant_values=255)

    def make(w: int, h: int) -> Image.Image:
        side = min(w, h)
        img = Image.fromarray(modules, "L").resize((side, side), Image.NEAREST)
        out = Image.new("RGBA", (w, h), (255, 255, 255, 255))
        out.paste(img.convert("RGBA"), ((w - side) // 2, (h - side) // 2))
        return out
    return make


def photo_placeholder(seed: int) -> PictureMaker:
    """Grey portrait placeholder: light background, head and shoulders silhouette."""
    def make(w: int, h: int) -> Image.Image:
        rng = random.Random(seed)
        bg = rng.randint(200, 235)
        img = Image.new("RGB", (w, h), (bg, bg, min(255, bg + rng.randint(0, 15))))
        draw = ImageDraw.Draw(img)
        tone = rng.randint(90, 140)
        cx = w * rng.uniform(0.45, 0.55)
        draw.ellipse([cx - w * 0.45, h * 0.68, cx + w * 0.45, h * 1.3], fill=(tone, tone, tone))
        draw.ellipse([cx - w * 0.22, h * 0.2, cx + w * 0.22, h * 0.66], fill=(tone + 20, tone + 20, tone + 20))
        return img.filter(ImageFilter.GaussianBlur(max(1, w / 120))).convert("RGBA")
    return make


def emblem() -> PictureMaker:
    """Simplified national emblem: red disc, yellow star, yellow rim."""
    def make(w: int, h: int) -> Image.Image:
        s = min(w, h)
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        ox, oy = (w - s) / 2, (h - s) / 2
        draw.ellipse([ox, oy, ox + s, oy + s], fill=(230, 180, 40, 255))
        pad = s * 0.1
        draw.ellipse([ox + pad, oy + pad, ox + s - pad, oy + s - pad], fill=(210, 30, 35, 255))
        cx, cy, r = ox + s / 2, oy + s * 0.45, s * 0.26
        points = []
        for i in range(10):
            rr = r if i % 2 == 0 else r * 0.4
            ang = -math.pi / 2 + i * math.pi / 5
            points.append((cx + rr * math.cos(ang), cy + rr * math.sin(ang)))
        draw.polygon(points, fill=(250, 215, 40, 255))
        return img
    return make


def chip() -> PictureMaker:
    def make(w: int, h: int) -> Image.Image:
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        draw.rounded_rectangle([0, 0, w - 1, h - 1], radius=min(w, h) * 0.18, fill=(214, 180, 95, 255), outline=(150, 120, 60, 255), width=max(1, w // 40))
        for f in (0.33, 0.66):
            draw.line([0, h * f, w, h * f], fill=(150, 120, 60, 255), width=max(1, w // 50))
        draw.line([w * 0.5, 0, w * 0.5, h], fill=(150, 120, 60, 255), width=max(1, w // 50))
        draw.rounded_rectangle([w * 0.3, h * 0.25, w * 0.7, h * 0.75], radius=min(w, h) * 0.1, fill=(225, 195, 110, 255), outline=(150, 120, 60, 255), width=max(1, w // 50))
        return img
    return make


def fingerprint(seed: int) -> PictureMaker:
    """Ridge-like concentric ellipses, distorted: reads as a fingerprint at card scale."""
    def make(w: int, h: int) -> Image.Image:
        rng = np.random.default_rng(seed)
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        u, v = (x / w - 0.5) * 1.0, (y / h - 0.45) * 1.4
        r = np.hypot(u, v) + 0.04 * np.sin(6 * np.arctan2(v, u) + rng.uniform(0, 6))
        ridges = 0.5 + 0.5 * np.cos(r * rng.uniform(70, 90))
        inside = np.clip(1.6 - np.hypot(u / 0.42, v / 0.62) * 1.6, 0, 1)
        alpha = (ridges * inside * 170).astype(np.uint8)
        img = np.zeros((h, w, 4), np.uint8)
        img[..., :3] = 60
        img[..., 3] = alpha
        return Image.fromarray(img, "RGBA")
    return make


def signature(seed: int, color: Color = (20, 30, 110)) -> PictureMaker:
    """A handwritten-looking scribble: a smoothed random walk plus a flourish."""
    def make(w: int, h: int) -> Image.Image:
        rng = random.Random(seed)
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        points = []
        x = w * 0.08
        while x < w * 0.8:
            points.append((x, h * rng.uniform(0.2, 0.75)))
            x += w * rng.uniform(0.04, 0.12)
        for _ in range(3):  # Chaikin smoothing turns the zigzag into pen strokes
            smooth = [points[0]]
            for (x0, y0), (x1, y1) in zip(points, points[1:]):
                smooth += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1), (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
            points = smooth
        width = max(1, round(h / 28))
        ink = (*color, 235)
        draw.line(points, fill=ink, width=width, joint="curve")
        y_flourish = h * rng.uniform(0.65, 0.85)
        draw.line([(w * 0.15, y_flourish + h * 0.08), (w * 0.55, y_flourish), (w * 0.92, y_flourish - h * 0.1)], fill=ink, width=width)
        return img
    return make


def round_stamp(seed: int, ring_text: str, center_text: str = "", color: Color = STAMP_RED) -> PictureMaker:
    """Red round seal: double rim, text around the ring, star in the centre; semi-transparent
    with uneven ink so the signature below shows through."""
    def make(w: int, h: int) -> Image.Image:
        rng = random.Random(seed)
        s = min(w, h)
        big = s * 2  # draw at double size, then downsample for smooth glyph edges
        layer = Image.new("L", (big, big), 0)
        draw = ImageDraw.Draw(layer)
        c = big / 2
        rim = big * 0.02
        draw.ellipse([rim, rim, big - rim, big - rim], outline=255, width=round(big * 0.025))
        inner = big * 0.34
        draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=round(big * 0.01))
        text = ring_text.upper()
        span = math.radians(min(310, 11 * len(text) + 20))
        # Glyph size follows the arc length per character, as engravers space the ring evenly.
        per_char = span * big * 0.405 / max(len(text), 1)
        font = pil_font("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", round(min(big * 0.085, per_char * 1.05)))
        radius = big * 0.405
        for i, ch in enumerate(text):
            ang = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(text)
            glyph = Image.new("L", (round(big * 0.12), round(big * 0.12)), 0)
            ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=font, fill=255, anchor="mm")
            glyph = glyph.rotate(-math.degrees(ang) - 90, resample=Image.BICUBIC)
            gx, gy = c + radius * math.cos(ang), c + radius * math.sin(ang)
            layer.paste(255, (round(gx - glyph.width / 2), round(gy - glyph.height / 2)), glyph)
        star_r = big * 0.1
        star = []
        for i in range(10):
            rr = star_r if i % 2 == 0 else star_r * 0.4
            a = -math.pi / 2 + i * math.pi / 5
            star.append((c + rr * math.cos(a), c - big * 0.05 + rr * math.sin(a)))
        draw.polygon(star, fill=255)
        if center_text:
            small = pil_font("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", round(big * 0.05))
            draw.text((c, c + big * 0.14), center_text.upper(), font=small, fill=255, anchor="mm")
        layer = layer.rotate(rng.uniform(-35, 35), resample=Image.BICUBIC).resize((s, s), Image.LANCZOS)
        # Uneven ink: low-frequency noise scales the opacity between ~45% and 85%.
        noise = np.random.default_rng(seed).random((8, 8)).astype(np.float32)
        ink = np.array(Image.fromarray((noise * 255).astype(np.uint8)).resize((s, s), Image.BICUBIC), np.float32) / 255
        alpha = np.array(layer, np.float32) * (0.45 + 0.4 * ink)
        rgba = np.zeros((s, s, 4), np.uint8)
        rgba[..., :3] = color
        rgba[..., 3] = np.clip(alpha, 0, 255).astype(np.uint8)
        out = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        out.paste(Image.fromarray(rgba, "RGBA"), ((w - s) // 2, (h - s) // 2))
        return out
    return make
