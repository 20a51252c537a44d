"""A marriage certificate's spouses' names against those printed again under their signatures."""

from __future__ import annotations

from extractors.calibration import CORROBORATED
from extractors.marriage_certificate import CUT_NOTE, check_against_signature
from extractors.spec import spec_for
from extractors.validate import check_names_printed_twice
from schemas import Document, Field, Word


def line(x: int, top: int, text: str, gap: int = 12) -> list[Word]:
    words = []
    for token in text.split():
        words.append(Word(text=token, confidence=0.9, bbox=(x, top, x + 18 * len(token), top + 25), line=0))
        x += 18 * len(token) + gap
    return words


SIGNATURES = line(200, 1300, "Nguyễn Hồng Ngọc Thư") + line(640, 1300, "Đỗ Minh Đức")  # two names, a wide blank between


def name(value: str, confidence: float = 0.8) -> Field:
    return Field(value=value, confidence=confidence, page=1, bbox=(500, 400, 800, 425), source="ocr")


def printed_twice(field: Field, lines: list[list[Word]]) -> Field:
    document = Document(document_type="marriage_certificate", fields={"wife_full_name": field})
    check_names_printed_twice(document, spec_for("marriage_certificate"), {1: lines})
    return field


def test_a_name_the_signature_block_prints_alike_is_trusted_more():
    field = name("NGUYỄN HỒNG NGỌC THƯ")
    check_against_signature(field, [SIGNATURES])
    assert field.confidence == 0.8 and field.note is None  # no doubt: agreement is counted once, below
    printed_twice(field, [SIGNATURES])
    assert field.confidence > 0.8 and field.note == CORROBORATED


def test_a_name_the_signature_block_goes_on_with_is_doubted():
    field = name("ĐỖ MINH", 0.95)
    check_against_signature(field, [SIGNATURES])
    assert field.confidence <= 0.5 and field.note == CUT_NOTE


def test_other_marks_under_the_signature_are_no_agreement_and_the_values_own_line_is_no_second_printing():
    field = printed_twice(name("NGUYỄN HỒNG NGỌC THƯ"), [line(500, 400, "NGUYỄN HỒNG NGỌC THƯ")])
    assert field.confidence == 0.8 and field.note is None
    field = printed_twice(name("NGUYỄN HỒNG NGỌC THU"), [SIGNATURES])  # "Thư" below: one reading lost a mark
    assert field.confidence == 0.8 and field.note is None


def test_a_name_printed_alike_above_it_counts_but_not_over_a_doubt_of_its_own():
    above = name("NGUYỄN HỒNG NGỌC THƯ")
    above.bbox = (500, 1400, 800, 1425)
    assert printed_twice(above, [SIGNATURES]).note == CORROBORATED
    cut = name("ĐỖ MINH", 0.95)
    check_against_signature(cut, [SIGNATURES])
    assert printed_twice(cut, [SIGNATURES]).note == CUT_NOTE and cut.confidence <= 0.5


def test_a_name_found_inside_a_longer_name_printed_elsewhere_was_cut_short_and_is_no_second_printing():
    field = printed_twice(name("VIỆT HÙNG"), [line(200, 1300, "LÊ VIỆT HÙNG")])
    assert field.confidence == 0.8 and field.note is None
    # a wide blank apart, another spouse's name on the same signature line does not make it longer
    field = printed_twice(name("ĐỖ MINH ĐỨC"), [SIGNATURES])
    assert field.note == CORROBORATED
