"""Draw what was read where: each extracted field's box and name on its page image."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from usecases.process import ProcessedFile

FIELD_COLOUR = (0, 140, 255)  # BGR orange: readable on white paper and on blue-green cards
REVIEW_COLOUR = (0, 0, 230)  # red for values a person must check
WORD_COLOUR = (200, 200, 200)


def draw_fields(processed: ProcessedFile, trusted: float = 0.9) -> list[np.ndarray]:
    """One annotated BGR image per page: word boxes faint, field boxes bold with their names."""
    drawn = []
    for page in processed.result.pages:
        canvas = processed.images[page.number]
        canvas = cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR) if canvas.ndim == 2 else canvas.copy()
        for word in page.words:
            cv2.rectangle(canvas, word.bbox[:2], word.bbox[2:], WORD_COLOUR, 1)
        scale = max(0.5, canvas.shape[1] / 2000)
        for document in processed.result.documents:
            for name, field in document.fields.items():
                if field.page != page.number or field.bbox is None:
                    continue
                colour = FIELD_COLOUR if field.confidence >= trusted else REVIEW_COLOUR
                x0, y0, x1, y1 = field.bbox
                cv2.rectangle(canvas, (x0, y0), (x1, y1), colour, max(2, int(2 * scale)))
                label = f"{name} {field.confidence:.2f}"
                cv2.putText(canvas, label, (x0, max(12, y0 - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, colour,
                            max(1, int(1.5 * scale)), cv2.LINE_AA)
        drawn.append(canvas)
    return drawn


def save_drawing(images: list[np.ndarray], out: Path) -> list[Path]:
    """Write one PNG, or ``name-1.png``, ``name-2.png``… for several pages."""
    if len(images) == 1:
        cv2.imwrite(str(out), images[0])
        return [out]
    paths = []
    for number, image in enumerate(images, start=1):
        path = out.with_name(f"{out.stem}-{number}{out.suffix or '.png'}")
        cv2.imwrite(str(path), image)
        paths.append(path)
    return paths
