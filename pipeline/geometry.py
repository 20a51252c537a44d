"""Small geometric helpers over words and boxes (plain data, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cv2
import numpy as np

from schemas import BBox, Page, Word


def union_bbox(boxes: Iterable[BBox]) -> BBox | None:
    """The smallest box holding all the given boxes; None when there are none."""
    boxes = list(boxes)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


def visual_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Printed lines, top to bottom, each left to right.

    Tesseract splits a printed line where a wide gap separates a label from its
    value (dotted leaders, table columns, a bold value), and sometimes after a
    word's first letters; this joins such pieces again. A piece joins the line
    whose last words end to its left at the same height, judged locally, so
    lines that slope on a slightly skewed photo still come out whole.
    """
    pieces: dict[int, list[Word]] = {}
    for word in words:
        pieces.setdefault(word.line, []).append(word)
    return _joined(list(pieces.values()))


def _joined(pieces: list[list[Word]]) -> list[list[Word]]:
    """Pieces of lines (words at one height, side by side) joined into printed lines (see ``visual_lines``)."""
    lines: list[list[Word]] = []
    for piece in sorted((sorted(p, key=lambda w: w.bbox[0]) for p in pieces), key=lambda p: p[0].bbox[0]):
        line = _line_to_extend(lines, piece)
        if line is None:
            lines.append(list(piece))
        else:
            line.extend(piece)
    lines.sort(key=lambda line: _middle(line[:3])[0])
    return lines


def _middle(words: Sequence[Word]) -> tuple[float, float]:
    """Median vertical centre and median height of some words (a comma alone would mislead)."""
    centres = sorted((w.bbox[1] + w.bbox[3]) / 2 for w in words)
    heights = sorted(w.bbox[3] - w.bbox[1] for w in words)
    return centres[len(centres) // 2], max(1.0, float(heights[len(heights) // 2]))


def _line_to_extend(lines: list[list[Word]], piece: list[Word]) -> list[Word] | None:
    """The line whose last words end left of ``piece`` and sit at its height, if any."""
    centre, height = _middle(piece[:4])
    start = piece[0].bbox[0]
    best, best_distance = None, float("inf")
    for line in lines:
        if line[-1].bbox[2] > start + 0.3 * height:
            continue
        line_centre, line_height = _middle(line[-4:])
        distance = abs(line_centre - centre)
        if distance < 0.5 * max(height, line_height) and distance < best_distance:
            best, best_distance = line, distance
    return best


def _words_by_position(words: Sequence[Word]) -> list[list[Word]]:
    """Lines of words that carry no line structure (a PDF text layer): runs of neighbouring words at one
    height first, then joined into lines as OCR's pieces are (``visual_lines``). Two blocks side by side
    whose rows are offset by half a line (a spouse's column set lower) keep each row whole; grouping the
    page's words by height alone cut such a row between its label and its value."""
    runs: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.bbox[0]):
        run = _run_to_extend(runs, word)
        if run is None:
            runs.append([word])
        else:
            run.append(word)
    return _joined(runs)


RUN_GAP = 2.0  # word heights: a wider gap ends a run of words (a label's cell, a column)


def _run_to_extend(runs: list[list[Word]], word: Word) -> list[Word] | None:
    """The run whose last word ends just left of ``word`` at its height, if any (the nearest in height)."""
    x0, top, _, bottom = word.bbox
    height, centre = max(1, bottom - top), (top + bottom) / 2
    best, best_distance = None, float("inf")
    for run in runs:
        _, last_top, last_x1, last_bottom = run[-1].bbox
        distance = abs((last_top + last_bottom) / 2 - centre)  # first: most runs stand at other heights
        if distance >= best_distance:
            continue
        size = max(height, last_bottom - last_top)
        if distance < 0.5 * size and last_x1 <= x0 + 0.3 * size and x0 - last_x1 <= RUN_GAP * size:
            best, best_distance = run, distance
    return best


def renumber_visual_lines(words: Sequence[Word]) -> list[Word]:
    """OCR words in reading order with ``line`` set to their printed line's index (see visual_lines)."""
    return _renumber(visual_lines(words))


def _renumber(lines: list[list[Word]]) -> list[Word]:
    return [word.model_copy(update={"line": index}) for index, line in enumerate(lines) for word in line]


def renumber_lines(words: Sequence[Word]) -> list[Word]:
    """Text-layer words in reading order with ``line`` set to their printed line's index."""
    return _renumber(_words_by_position(words))


def split_at_gaps(line: Sequence[Word], factor: float = 2.0) -> list[list[Word]]:
    """A visual line cut where words stand apart: a header's left and right blocks, table cells."""
    segments: list[list[Word]] = []
    for word in sorted(line, key=lambda w: w.bbox[0]):
        if segments:
            previous = segments[-1][-1]
            height = max(1, previous.bbox[3] - previous.bbox[1], word.bbox[3] - word.bbox[1])
            if word.bbox[0] - previous.bbox[2] <= factor * height:
                segments[-1].append(word)
                continue
        segments.append([word])
    return segments


def to_source(page: Page, bbox: BBox) -> BBox:
    """A box on a page's normalised image as a box on the file page it came from (``page.region``:
    the image's corners there); the box that holds the mapped corners, in whole pixels."""
    if page.region is None:
        return bbox
    corners = np.array([[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, np.array(page.region, dtype=np.float32))
    x0, y0, x1, y1 = bbox
    points = cv2.perspectiveTransform(np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], dtype=np.float32), matrix)[0]
    return (int(np.floor(points[:, 0].min())), int(np.floor(points[:, 1].min())),
            int(np.ceil(points[:, 0].max())), int(np.ceil(points[:, 1].max())))


def true_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of the runs of True."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(changes[::2], changes[1::2], strict=True)]
