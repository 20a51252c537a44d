"""Printed lines from words that carry no line structure (a PDF's text layer)."""

from __future__ import annotations

from pipeline.geometry import renumber_lines
from schemas import Word


def word(text: str, x0: int, top: int, x1: int, bottom: int) -> Word:
    return Word(text=text, confidence=1.0, bbox=(x0, top, x1, bottom), line=0)


def lines_of(words: list[Word]) -> list[str]:
    by_line: dict[int, list[Word]] = {}
    for item in renumber_lines(words):
        by_line.setdefault(item.line, []).append(item)
    return [" ".join(w.text for w in sorted(line, key=lambda w: w.bbox[0])) for _, line in sorted(by_line.items())]


def test_a_block_set_half_a_line_lower_beside_another_keeps_each_row_whole():
    # as a generated marriage certificate's text layer places them: the wife's row, and beside it the husband's
    # row 22 px lower, whose value (a larger font) stands 3 px above its label
    words = [
        word("Dân", 216, 953, 306, 1003), word("tộc:", 318, 953, 400, 1003), word("Tày", 414, 950, 496, 999),
        word("Ngày,", 1285, 975, 1414, 1025), word("sinh:", 1426, 975, 1540, 1025),
        word("04/11/1979", 1813, 972, 2057, 1021),
    ]
    assert lines_of(words) == ["Dân tộc: Tày Ngày, sinh: 04/11/1979"]


def test_rows_a_line_apart_stay_apart_and_a_wide_gap_does_not_join_what_stands_at_another_height():
    words = [
        word("Họ", 100, 100, 150, 150), word("tên:", 160, 100, 240, 150), word("AN", 260, 100, 320, 150),
        word("Ngày", 100, 172, 190, 222), word("sinh:", 200, 172, 290, 222),
        word("Nam", 1500, 140, 1580, 190),  # at neither row's height: its own line
    ]
    assert lines_of(words) == ["Họ tên: AN", "Nam", "Ngày sinh:"]
