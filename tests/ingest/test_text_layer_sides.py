"""A card side on a born-digital sheet whose text layer cannot be used as given: turned over, or sideways."""

from __future__ import annotations

from schemas import Word
from usecases.process import _upside_down


def words_of(line: str) -> list[str]:
    return line.split()


def words(texts: list[str]) -> list[Word]:
    return [Word(text=text, confidence=1.0, bbox=(40 * i, 0, 40 * i + 30, 20), line=0) for i, text in enumerate(texts)]


def test_a_side_turned_over_gives_its_words_backwards_and_is_read_from_its_rendering():
    upright = words_of("Ngày, tháng, năm cấp / Date of issue: 01/08/2025 BỘ CÔNG AN Nơi đăng ký khai sinh")
    assert not _upside_down(words(upright))
    assert _upside_down(words([text[::-1] for text in reversed(upright)]))  # "yàgN": as a turned side's layer gives it
