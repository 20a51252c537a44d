"""Small geometric helpers over words and boxes (plain data, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence

from schemas import BBox, Word


def union_bbox(boxes: Sequence[BBox]) -> BBox:
    """The smallest box holding all the given boxes."""
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


def visual_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into printed lines by vertical overlap, top to bottom, each left to right.

    Unlike an OCR engine's block/line ids, a visual line keeps a label and its value
    on one line even when a wide gap (dotted leaders, table columns) separates them.
    """
    lines: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        centre = (word.bbox[1] + word.bbox[3]) / 2
        height = max(1, word.bbox[3] - word.bbox[1])
        if lines:
            top, bottom = spans[-1]
            if top <= centre <= bottom and height < 2.5 * (bottom - top):
                lines[-1].append(word)  # the line keeps its first word's span, so it cannot drift
                continue
        lines.append([word])
        spans.append((word.bbox[1], word.bbox[3]))
    return [sorted(line, key=lambda w: w.bbox[0]) for line in lines]


def renumber_lines(words: Sequence[Word]) -> list[Word]:
    """Words in visual-line reading order with ``line`` set to their visual line index."""
    return [
        word.model_copy(update={"line": index})
        for index, line in enumerate(visual_lines(words))
        for word in line
    ]


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
