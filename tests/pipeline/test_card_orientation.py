"""A card side's quarter turn comes from its aspect: its text lines run along its long side."""

from __future__ import annotations

import numpy as np

from pipeline.prepare import card_orientation, orientation_from_glyphs


def glyphs_in_rows(rows: int, per_row: int, pitch: float = 12.0, gap: float = 30.0, tilt: float = 0.0) -> np.ndarray:
    """Glyph boxes (x, y, w, h) on horizontal rows, each row rising by ``tilt`` px per px."""
    return np.array([[10 + pitch * i, 20 + gap * r + tilt * pitch * i, 8, 10]
                     for r in range(rows) for i in range(per_row)], float)


def test_a_landscape_side_is_never_turned_a_quarter_even_when_its_print_stacks_in_columns():
    # blurred print that stacks more sharply across than along (a photo, guilloche, columns of specks)
    heights = np.random.default_rng(7).uniform(10, 170, 60)
    columns = np.array([[10 + 45 * (i % 6), y, 8, 10] for i, y in enumerate(heights)], float)
    assert orientation_from_glyphs(columns, 190)[0] == 90  # the projections alone would turn it
    assert card_orientation(columns, (190, 300))[0] == 0


def test_a_portrait_side_is_turned_as_its_glyphs_say_and_a_landscape_ones_skew_still_measured():
    rows = glyphs_in_rows(5, 20)
    assert card_orientation(rows[:, [1, 0, 3, 2]], (300, 190))[0] == 90  # a card turned on the sheet
    assert card_orientation(rows, (300, 190))[0] == 0  # a page taken for a card: its lines are level
    rotation, skew = card_orientation(glyphs_in_rows(5, 20, tilt=np.tan(np.radians(2.0))), (190, 300))
    assert rotation == 0 and abs(abs(skew) - 2.0) < 0.6


def test_a_side_with_too_few_glyphs_is_left_as_it_is():
    few = glyphs_in_rows(1, 5)
    assert card_orientation(few, (190, 300)) == (0, 0.0)
    assert card_orientation(few, (300, 190)) == (0, 0.0)
