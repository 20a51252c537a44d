"""A marriage certificate's spouses' names against those printed again under their signatures."""

from __future__ import annotations

from extractors.marriage_certificate import CUT_NOTE, check_against_signature
from schemas import Field, Word


def line(x: int, top: int, text: str, gap: int = 12) -> list[Word]:
    words = []
    for token in text.split():
        words.append(Word(text=token, confidence=0.9, bbox=(x, top, x + 18 * len(token), top + 25), line=0))
        x += 18 * len(token) + gap
    return words


SIGNATURES = line(200, 1300, "Nguyễn Hồng Ngọc Thư") + line(640, 1300, "Đỗ Minh Đức")  # two names, a wide blank between


def name(value: str, confidence: float = 0.8) -> Field:
    return Field(value=value, confidence=confidence, page=1, bbox=(500, 400, 800, 425), source="ocr")


def test_a_name_the_signature_block_prints_alike_is_trusted_more():
    field = name("NGUYỄN HỒNG NGỌC THƯ")
    check_against_signature(field, [SIGNATURES])
    assert field.confidence > 0.8 and field.note is None


def test_a_name_the_signature_block_goes_on_with_is_doubted():
    field = name("ĐỖ MINH", 0.95)
    check_against_signature(field, [SIGNATURES])
    assert field.confidence <= 0.5 and field.note == CUT_NOTE


def test_other_marks_under_the_signature_are_no_agreement_and_a_line_above_the_name_is_not_its_signature():
    field = name("NGUYỄN HỒNG NGỌC THU")  # "Thư" below: one of the two readings lost a mark
    check_against_signature(field, [SIGNATURES])
    assert field.confidence == 0.8
    above = name("NGUYỄN HỒNG NGỌC THƯ")
    above.bbox = (500, 1400, 800, 1425)
    check_against_signature(above, [SIGNATURES])
    assert above.confidence == 0.8
