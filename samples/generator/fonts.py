"""Font families with full Vietnamese coverage, and text measurement in millimetres."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

_MEASURE_PX = 200  # measuring at a large size keeps rounding error well under 0.1 mm
PT_TO_MM = 25.4 / 72


@dataclass(frozen=True)
class FontFamily:
    name: str
    kind: str  # "sans" | "serif" | "mono"
    regular: str
    bold: str
    italic: str


_CANDIDATES: list[FontFamily] = [
    FontFamily("DejaVu Sans", "sans", "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSans-Oblique.ttf"),
    FontFamily("DejaVu Sans Condensed", "sans", "dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf", "dejavu/DejaVuSansCondensed-Oblique.ttf"),
    FontFamily("Liberation Sans", "sans", "liberation2/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Bold.ttf", "liberation2/LiberationSans-Italic.ttf"),
    FontFamily("Noto Sans", "sans", "noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf", "noto/NotoSans-Italic.ttf"),
    FontFamily("FreeSans", "sans", "freefont/FreeSans.ttf", "freefont/FreeSansBold.ttf", "freefont/FreeSansOblique.ttf"),
    FontFamily("DejaVu Serif", "serif", "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf", "dejavu/DejaVuSerif-Italic.ttf"),
    FontFamily("Liberation Serif", "serif", "liberation2/LiberationSerif-Regular.ttf", "liberation2/LiberationSerif-Bold.ttf", "liberation2/LiberationSerif-Italic.ttf"),
    FontFamily("Noto Serif", "serif", "noto/NotoSerif-Regular.ttf", "noto/NotoSerif-Bold.ttf", "noto/NotoSerif-Italic.ttf"),
    FontFamily("FreeSerif", "serif", "freefont/FreeSerif.ttf", "freefont/FreeSerifBold.ttf", "freefont/FreeSerifItalic.ttf"),
    FontFamily("DejaVu Sans Mono", "mono", "dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf", "dejavu/DejaVuSansMono-Oblique.ttf"),
    FontFamily("Liberation Mono", "mono", "liberation2/LiberationMono-Regular.ttf", "liberation2/LiberationMono-Bold.ttf", "liberation2/LiberationMono-Italic.ttf"),
]
FONT_ROOT = Path("/usr/share/fonts/truetype")


@lru_cache(maxsize=1)
def available_families() -> tuple[FontFamily, ...]:
    """Families whose three faces are installed (FreeFont is optional: fonts-freefont-ttf)."""
    found = []
    for fam in _CANDIDATES:
        faces = [FONT_ROOT / p for p in (fam.regular, fam.bold, fam.italic)]
        if all(f.exists() for f in faces):
            found.append(FontFamily(fam.name, fam.kind, *(str(f) for f in faces)))
    if not found:
        raise RuntimeError("no TrueType fonts with Vietnamese coverage found under /usr/share/fonts/truetype")
    return tuple(found)


def pick_family(rng: random.Random, kind: str) -> FontFamily:
    families = [f for f in available_families() if f.kind == kind] or list(available_families())
    return rng.choice(families)


@lru_cache(maxsize=256)
def pil_font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(size_px, 1))


def text_width_mm(text: str, path: str, size_pt: float) -> float:
    return pil_font(path, _MEASURE_PX).getlength(text) / _MEASURE_PX * size_pt * PT_TO_MM


def cap_height_mm(path: str, size_pt: float) -> float:
    """Height of a capital letter above the baseline (for vertical centring)."""
    top = pil_font(path, _MEASURE_PX).getbbox("H", anchor="ls")[1]
    return -top / _MEASURE_PX * size_pt * PT_TO_MM
