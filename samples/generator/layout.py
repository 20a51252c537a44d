"""Resolution-independent page description (a display list in millimetres).

Documents are laid out once as a `Page` of drawing operations; `raster.py`
turns a page into pixels at any dpi and `pdf.py` into a born-digital PDF page
with a real text layer. The printed text (for the ground truth) is read back
from the same operations, so truth and rendering cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable

from PIL import Image

from .fonts import text_width_mm

Color = tuple[int, int, int]
BLACK: Color = (0, 0, 0)


@dataclass
class Text:
    x: float          # left edge, mm
    y: float          # baseline, mm
    text: str
    font: str         # TTF path
    size: float       # points
    color: Color = BLACK
    width: float = 0.0
    block: int = 0    # reading-order block: blocks are read in order of first appearance
    field: str | None = None  # the truth field whose value this run prints (its box goes in the truth)


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.2
    color: Color = BLACK
    dotted: bool = False


@dataclass
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float
    outline: Color | None = BLACK
    fill: Color | None = None
    width: float = 0.2
    radius: float = 0.0


# make(width_px, height_px) -> RGBA image; deterministic (it carries its own seed).
PictureMaker = Callable[[int, int], Image.Image]


@dataclass
class Picture:
    x0: float
    y0: float
    x1: float
    y1: float
    make: PictureMaker
    in_pdf_as_jpeg: bool = False   # opaque photographic art is smaller as JPEG in PDFs
    field: str | None = None       # the truth field this picture encodes (a QR code)


Op = Text | Line | Rect | Picture


@dataclass
class Page:
    width: float
    height: float
    background: Color = (255, 255, 255)
    ops: list[Op] = field(default_factory=list)

    def text(self, x: float, y: float, text: str, font: str, size: float, color: Color = BLACK,
             align: str = "left", block: int = 0, field: str | None = None) -> float:
        """Draw text with its baseline at y; returns the right edge (mm). ``field``: the truth field it prints."""
        width = text_width_mm(text, font, size)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        if text:
            self.ops.append(Text(x, y, text, font, size, color, width, block, field))
        return x + width

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.2,
             color: Color = BLACK, dotted: bool = False) -> None:
        self.ops.append(Line(x0, y0, x1, y1, width, color, dotted))

    def rect(self, x0: float, y0: float, x1: float, y1: float, outline: Color | None = BLACK,
             fill: Color | None = None, width: float = 0.2, radius: float = 0.0) -> None:
        self.ops.append(Rect(x0, y0, x1, y1, outline, fill, width, radius))

    def picture(self, x0: float, y0: float, x1: float, y1: float, make: PictureMaker, jpeg: bool = False,
                field: str | None = None) -> None:
        self.ops.append(Picture(x0, y0, x1, y1, make, jpeg, field))

    def place(self, other: Page, dx: float, dy: float) -> None:
        """Copy another page's drawing (e.g. a card side) onto this page at an offset."""
        self.rect(dx, dy, dx + other.width, dy + other.height, outline=None, fill=other.background)
        # The placed page's reading blocks stay separate from (and after) ours.
        base = 1 + max((op.block for op in self.ops if isinstance(op, Text)), default=-1)
        for op in other.ops:
            if isinstance(op, Text):
                self.ops.append(Text(op.x + dx, op.y + dy, op.text, op.font, op.size, op.color, op.width, op.block + base,
                                     op.field))
            elif isinstance(op, Line):
                self.ops.append(Line(op.x0 + dx, op.y0 + dy, op.x1 + dx, op.y1 + dy, op.width, op.color, op.dotted))
            elif isinstance(op, Rect):
                self.ops.append(Rect(op.x0 + dx, op.y0 + dy, op.x1 + dx, op.y1 + dy, op.outline, op.fill, op.width, op.radius))
            else:
                self.ops.append(Picture(op.x0 + dx, op.y0 + dy, op.x1 + dx, op.y1 + dy, op.make, op.in_pdf_as_jpeg,
                                        op.field))

    def text_lines(self, tolerance: float = 1.0) -> list[str]:
        """Printed lines in reading order: runs sharing a baseline, left to right.

        Runs that touch (a value right after its dotted leader) join without a space.
        """
        texts = [op for op in self.ops if isinstance(op, Text)]
        block_order = {b: i for i, b in enumerate(dict.fromkeys(t.block for t in texts))}
        runs = sorted(texts, key=lambda t: (block_order[t.block], t.y, t.x))
        rows: list[list[Text]] = []
        for run in runs:
            if rows and run.block == rows[-1][0].block and abs(run.y - rows[-1][0].y) <= tolerance:
                rows[-1].append(run)
            else:
                rows.append([run])
        lines = []
        for row in rows:
            row.sort(key=lambda t: t.x)
            parts = [row[0].text]
            for prev, cur in zip(row, row[1:]):
                gap = cur.x - (prev.x + prev.width)
                parts.append(("" if gap < 0.5 else " ") + cur.text)
            line = " ".join("".join(parts).split())
            if line:
                lines.append(line)
        return lines


def wrap_words(text: str, font: str, size: float, first_width: float, width: float) -> list[str]:
    """Greedy word wrap; the first line may be shorter (it follows a label)."""
    lines: list[str] = []
    current = ""
    limit = first_width
    words = text.split()
    if words and text_width_mm(words[0], font, size) > first_width:
        lines.append("")  # nothing fits after the label: the value starts on the next line
        limit = width
    for word in words:
        trial = f"{current} {word}" if current else word
        if current and text_width_mm(trial, font, size) > limit:
            lines.append(current)
            current, limit = word, width
        else:
            current = trial
    if current or not lines:
        lines.append(current)
    return lines
