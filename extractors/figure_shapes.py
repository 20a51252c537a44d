"""A figure read as 1 that is drawn as a 4.

A thin-stroked 4 (a high-contrast serif's hairline diagonal and crossbar, light on a scan) is read as 1 by Tesseract
in every reading, the page's and the crop's alike, so agreement between readings cannot catch it: on the independent
renderer's sets most values accepted unseen but wrong were such a 1. The figure's own shape tells them apart: a 1 has
no horizontal stroke between its flag and its foot, a 4 has its crossbar there. Each 1 in a value's words of figures
is looked at in the page image (the word cut into equal slots: figures are set on equal widths); one crossed by a
stroke nearly as wide as its slot doubts the value, which a person then reads.

The looks are kept in the page's readings, like a second reading, so a re-extraction from stored words judges alike
without the image.
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from extractors.calibration import DIFFERS
from extractors.engine import keep_reading, kept_reading
from schemas import BBox, Document, Page, Word

ONE_WITH_A_BAR = f"{DIFFERS}: a figure read as 1 is drawn with a crossbar (a 4?)"
BAND = (0.45, 0.78)  # of a figure's height: below a 1's flag, above its foot (from 0.81); a 4's crossbar: 0.59-0.78
# a horizontal run of ink this share of the figure's height is a crossbar: a 1's stem, bold or blurred, stays below 0.4;
# a 4's crossbar spans its width, 0.5-0.8 of its height (measured against the height, as a lone figure's slot is its ink)
BAR = 0.5
TOP = 0.6  # of the word's height: the figures fill their width above it, a comma or a full stop after them lies below
INK = 0.35  # darker than paper by this share of the word's contrast: ink (a hairline's gray counts)


def check_ones(document: Document, pages: list[Page], images: Mapping[int, np.ndarray]) -> None:
    """Doubt (in place) each OCR value whose words of figures hold a 1 drawn with a crossbar."""
    by_number = {page.number: page for page in pages}
    for field in document.fields.values():
        if (field.source != "ocr" or not isinstance(field.value, str) or field.bbox is None
                or field.page not in by_number or DIFFERS in (field.note or "")):
            continue
        page = by_number[field.page]
        if any(barred_ones(page, word, images.get(page.number)) for word in figure_words(page, field.bbox)):
            field.note = "; ".join(filter(None, [field.note, ONE_WITH_A_BAR]))


def figure_words(page: Page, bbox: BBox) -> list[Word]:
    """The words of figures alone (a comma or a full stop after them aside), one at least a 1, whose middle lies in
    ``bbox``."""
    x0, y0, x1, y1 = bbox
    return [w for w in page.words if _figures(w).isdigit() and "1" in _figures(w)
            and x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1]


def _figures(word: Word) -> str:
    return word.text.strip(",.;:…")


def barred_ones(page: Page, word: Word, image: np.ndarray | None) -> bool:
    """Whether a 1 of ``word`` is drawn with a crossbar: looked at once, kept in the page's readings; False where
    it was never looked at and there is no image."""
    key = f"ones:{','.join(map(str, word.bbox))}"
    kept = kept_reading(page, key)
    if kept is None and image is not None:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        figures = _figures(word)
        barred = [i for i in crossed_slots(gray, word.bbox, len(figures)) if figures[i] == "1"]
        keep_reading(page, key, ",".join(map(str, barred)), 1.0)
        kept = kept_reading(page, key)
    return kept is not None and kept[0] != ""


def crossed_slots(gray: np.ndarray, bbox: BBox, count: int) -> list[int]:
    """The slots (``count`` equal ones across the figures' ink in the word's box) crossed by a horizontal run of ink
    at least BAR of the figure's height in the BAND of that height."""
    x0, y0, x1, y1 = (max(0, v) for v in bbox)
    crop = gray[y0:y1, x0:x1].astype(np.float32)
    if crop.size == 0 or count < 1:
        return []
    paper, darkest = np.percentile(crop, 90), np.percentile(crop, 2)
    if paper - darkest < 1:
        return []
    ink = (paper - crop) / (paper - darkest) > INK
    tall = np.flatnonzero(ink[:max(1, int(TOP * ink.shape[0]))].any(axis=0))
    if len(tall) == 0:
        return []
    left, slot = int(tall[0]), (int(tall[-1]) + 1 - int(tall[0])) / count
    crossed = []
    for index in range(count):
        cells = ink[:, left + int(round(index * slot)):left + int(round((index + 1) * slot))]
        rows = np.flatnonzero(cells.any(axis=1))
        if len(rows) == 0:
            continue
        # the band of the figure's own height: a comma's tail or a neighbour's descent lengthens the word's box
        top, height = int(rows[0]), int(rows[-1]) + 1 - int(rows[0])
        band = cells[top + int(BAND[0] * height):top + int(BAND[1] * height)]
        if max((_longest_run(row) for row in band), default=0) >= BAR * height:
            crossed.append(index)
    return crossed


def _longest_run(row: np.ndarray) -> int:
    """The longest stretch of consecutive True in ``row``."""
    padded = np.concatenate(([False], row, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[::2]).max()) if len(edges) else 0
