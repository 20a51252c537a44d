"""A second, independent reading of a doubtful value: its crop binarised on its own and read as one line.

The page is read as a block (Tesseract's page segmentation over the whole normalised page); a
value's crop, thresholded with Otsu on just its own pixels and read as a single line (``--psm
7``), fails differently. Where the second reading gives the same value through the same reader,
the field is marked corroborated, and the calibration table (``extractors.calibration``) says how
sure such values are; where it differs, one of the two readings is wrong: the field says so and is
never accepted without a look, whatever its own reading's confidence. Only single-line
values of kinds OCR confuses (names, dates, numbers) are read again, and only when doubtful: a sure
value costs nothing. The reading is kept on the page (``Page.readings``) like a QR payload, so a
re-extraction from stored words gives the same answer without the image.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import cv2
import numpy as np

from extractors.calibration import CORROBORATED, DIFFERS
from extractors.engine import page_reading
from extractors.kinds import READERS
from extractors.spec import TypeSpec
from pipeline.read import TesseractEngine
from schemas import BBox, Document, Page

KINDS = {"name", "date", "id_number", "code", "year", "sex", "ethnicity", "nationality"}
DOUBTFUL_FROM = 0.4  # below this a value is too unsure for agreement to mean much
SURE = 0.9
PAD = 0.3  # of the crop's height, on every side

_ENGINE = TesseractEngine()


def corroborate(document: Document, spec: TypeSpec, pages: list[Page], images: Mapping[int, np.ndarray]) -> None:
    """Read each doubtful single-line OCR value of the document a second time (in place)."""
    by_number = {page.number: page for page in pages}
    for name, field in document.fields.items():
        field_spec = spec.fields.get(name)
        if (field_spec is None or field_spec.kind not in KINDS or field.source != "ocr"
                or not isinstance(field.value, str) or field.bbox is None or field.page not in by_number
                or not DOUBTFUL_FROM <= field.confidence < SURE):
            continue
        page, bbox = by_number[field.page], field.bbox
        if len(lines_within(page, bbox)) != 1:
            continue  # a value that wrapped: one line's reading cannot confirm it
        text = page_reading(page, f"line:{','.join(map(str, bbox))}", images, partial(_read_line_of, page, bbox))
        if text is None:
            continue
        again = READERS[field_spec.kind](text).value
        if again == field.value:
            field.note = CORROBORATED
        else:
            field.note = "; ".join(filter(None, [field.note, DIFFERS]))


def _read_line_of(page: Page, bbox: BBox, image: np.ndarray) -> str:
    return read_line(image, bbox, page.dpi)


def lines_within(page: Page, bbox: BBox) -> set[int]:
    x0, y0, x1, y1 = bbox
    return {w.line for w in page.words
            if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1}


def read_line(image: np.ndarray, bbox: BBox, dpi: int) -> str:
    """The text of one value's crop, binarised on its own, read as a single line."""
    x0, y0, x1, y1 = bbox
    pad = int(PAD * max(1, y1 - y0))
    height, width = image.shape[:2]
    crop = image[max(0, y0 - pad):min(height, y1 + pad), max(0, x0 - pad):min(width, x1 + pad)]
    if crop.size == 0:
        return ""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    words = _ENGINE.read(np.ascontiguousarray(binary), psm=7, dpi=dpi).words
    return " ".join(word.text for word in words)
