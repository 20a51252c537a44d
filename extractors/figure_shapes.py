"""Figures whose shape is another figure's: a 4 read as 1, a 5 read as 3.

A thin-stroked 4 or 5 (a high-contrast serif's hairlines, light on a scan) is read as 1 or 3 by Tesseract in every
reading, the page's and the crop's alike, so agreement between readings cannot catch it: on the independent
renderer's sets most values accepted unseen but wrong were such figures. The figure's own shape tells them apart:
- a 1 has no horizontal stroke between its flag and its foot; a 4 has its crossbar there;
- a 3 is open on its left above its middle (its top arc ends in a short terminal) and closed on its right (the arc
  comes down to the middle); a 5 has its stem on the left, from the top bar down to the bowl, and is open on the
  right between them.
Each such figure in a value's words of figures is looked at in the page image (the word cut into equal slots:
figures are set on equal widths); one with the other figure's stroke doubts the value, which a person then reads.

The looks are kept in the page's readings, like a second reading, so a re-extraction from stored words judges alike
without the image.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import cv2
import numpy as np

from extractors.calibration import DIFFERS, disagreed
from extractors.engine import keep_reading, kept_reading, words_within
from pipeline.geometry import true_runs
from schemas import BBox, Document, Page, Word

SHAPE_NOTE = f"{DIFFERS}: a figure is drawn as another (a 4 read as 1, a 5 as 3?)"
BAND = (0.45, 0.78)  # of a figure's height: below a 1's flag, above its foot (from 0.81); a 4's crossbar: 0.59-0.78
# a horizontal run of ink this share of the figure's height is a crossbar: a 1's stem, bold or blurred, stays below 0.4;
# a 4's crossbar spans its width, 0.5-0.8 of its height (measured against the height, as a lone figure's slot is its ink)
BAR = 0.5
# a vertical run of ink this share of the figure's height, in its left third and upper half, is a 5's stem: a 3's
# terminal stays below 0.34 in common faces, bold, blurred or noisy; a 5's stem reaches 0.36-0.5 (upright faces)
STEM = 0.4
GAP_HEIGHT = 16  # px: below it a thin-stroked 3's arc breaks (FreeSerif, FreeMono at 11-15 px) and looks open
TOP = 0.6  # of the word's height: the figures fill their width above it, a comma or a full stop after them lies below
INK = 0.35  # darker than paper by this share of the word's contrast: ink (a hairline's gray counts)


def check_figure_shapes(document: Document, pages: list[Page], images: Mapping[int, np.ndarray]) -> None:
    """Doubt (in place) each OCR value whose words of figures hold a figure drawn as another."""
    by_number = {page.number: page for page in pages}
    for field in document.fields.values():
        if (field.source != "ocr" or not isinstance(field.value, str) or field.bbox is None
                or field.page not in by_number or disagreed(field)):
            continue
        page = by_number[field.page]
        if any(misshapen(page, word, images.get(page.number)) for word in figure_words(page, field.bbox)):
            field.note = "; ".join(filter(None, [field.note, SHAPE_NOTE]))


def figure_words(page: Page, bbox: BBox) -> list[Word]:
    """The words of figures alone (a form's dots or a comma beside them aside), one at least a figure looked at,
    whose middle lies in ``bbox``."""
    return [w for w in words_within(page, bbox) if (figures := _figures(w)).isdigit() and set(figures) & set(LOOKS)]


def _figures(word: Word) -> str:
    return word.text.strip(",.;:…")


def misshapen(page: Page, word: Word, image: np.ndarray | None) -> bool:
    """Whether a figure of ``word`` is drawn as another: looked at once, kept in the page's readings; False where
    it was never looked at and there is no image."""
    key = f"shapes:{','.join(map(str, word.bbox))}"
    kept = kept_reading(page, key)
    if kept is None and image is not None:
        figures = _figures(word)
        glyphs = figure_glyphs(image, word.bbox, len(figures))
        odd = [i for i, (figure, glyph) in enumerate(zip(figures, glyphs, strict=True))
               if glyph is not None and figure in LOOKS and LOOKS[figure](glyph)]
        keep_reading(page, key, ",".join(map(str, odd)), 1.0)
        kept = kept_reading(page, key)
    return kept is not None and kept[0] != ""


def figure_glyphs(image: np.ndarray, bbox: BBox, count: int) -> list[np.ndarray | None]:
    """The ink of each of ``count`` equal slots across the figures' ink in the word's box, cut to the figure's own
    rows (a comma's tail or a neighbour's descent lengthens the word's box); None for a slot without ink."""
    x0, y0, x1, y1 = (max(0, v) for v in bbox)
    crop = image[y0:y1, x0:x1]
    if crop.size == 0 or count < 1:
        return [None] * count
    # the word's crop made gray on its own: the page's other words need no conversion
    crop = (crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)).astype(np.float32)
    paper, darkest = np.percentile(crop, 90), np.percentile(crop, 2)
    if paper - darkest < 1:
        return [None] * count
    ink = (paper - crop) / (paper - darkest) > INK
    tall = np.flatnonzero(ink[:max(1, int(TOP * ink.shape[0]))].any(axis=0))
    if len(tall) == 0:
        return [None] * count
    left, slot = int(tall[0]), (int(tall[-1]) + 1 - int(tall[0])) / count
    glyphs: list[np.ndarray | None] = []
    for index in range(count):
        cells = ink[:, left + int(round(index * slot)):left + int(round((index + 1) * slot))]
        glyphs.append(_body(cells))
    return glyphs


SPECK = 0.08  # of a slot's ink: a group of rows holding less, apart from the rest, is a speck or a neighbour's mark


def _body(cells: np.ndarray) -> np.ndarray | None:
    """The slot's rows from the figure's top to its bottom: groups of rows apart from the rest (a blank row between)
    that hold little ink are left out at either end (a speck, a mark above); None for a slot without ink."""
    per_row = cells.sum(axis=1)
    groups: list[list[int]] = []  # [first, last + 1, ink] of each run of rows with ink
    for row in np.flatnonzero(per_row):
        if groups and row == groups[-1][1]:
            groups[-1][1] += 1
            groups[-1][2] += int(per_row[row])
        else:
            groups.append([int(row), int(row) + 1, int(per_row[row])])
    total = sum(group[2] for group in groups)
    while len(groups) > 1 and groups[0][2] < SPECK * total:
        groups.pop(0)
    while len(groups) > 1 and groups[-1][2] < SPECK * total:
        groups.pop()
    return cells[groups[0][0]:groups[-1][1]] if groups else None


def has_crossbar(glyph: np.ndarray) -> bool:
    """A 4's crossbar (the figure read as 1): a long horizontal run between a 1's flag and its foot."""
    height = glyph.shape[0]
    band = glyph[int(BAND[0] * height):int(BAND[1] * height)]
    return max((_longest_run(row) for row in band), default=0) >= BAR * height


def has_a_fives_stroke(glyph: np.ndarray) -> bool:
    """A 5's stem or its open right (the figure read as 3): a long vertical run in the upper half of the slot's left
    part (past a neighbour's edge); or, in a figure tall enough that a 3's thin arc does not break, a row of its right
    half with no ink between the top bar and the bowl (a 3's top arc comes down that side to its middle)."""
    height, width = glyph.shape
    upper_left = glyph[:int(0.55 * height), int(0.12 * width):max(int(0.12 * width) + 1, int(0.45 * width))]
    if max((_longest_run(column) for column in upper_left.T), default=0) >= STEM * height:
        return True
    below_the_bar = glyph[int(0.18 * height):int(0.38 * height) + 1, width // 2:]
    return height >= GAP_HEIGHT and bool((~below_the_bar.any(axis=1)).any())


LOOKS: dict[str, Callable[[np.ndarray], bool]] = {"1": has_crossbar, "3": has_a_fives_stroke}


def _longest_run(flags: np.ndarray) -> int:
    return max((end - start for start, end in true_runs(flags)), default=0)
