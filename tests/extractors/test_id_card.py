"""ID-card cross-checks: the MRZ name line against the name the QR code holds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "readers"))

from test_mrz import make_mrz  # noqa: E402

from extractors.id_card import apply_mrz, mrz_name_line  # noqa: E402
from extractors.readers.mrz import parse_td1  # noqa: E402
from schemas import Document, Field, Page  # noqa: E402


def card_with_qr_name(name: str) -> Document:
    document = Document(document_type="id_card", pages=[1])
    document.fields["full_name"] = Field(value=name, confidence=0.99, source="qr", page=1)
    return document


def test_the_name_line_is_spelled_as_a_vietnamese_name_without_marks():
    assert mrz_name_line("ĐỖ THỊ HỒNG NHUNG") == "DO<<THI<HONG<NHUNG".ljust(30, "<")
    assert mrz_name_line("NGUYỄN") is None and mrz_name_line("NGUYỄN " + "VĂN " * 8 + "AN") is None


@pytest.mark.parametrize(("read_line", "rebuilt"), [
    ("VNTHANHCNGA", True),  # the same name, misread: the QR's spelling of it is the printed line
    ("TRAN<<BICH<NGOC", False),  # another name: both are left to a person
])
def test_a_misread_name_line_takes_the_qr_name_and_another_name_is_distrusted(read_line, rebuilt):
    lines = make_mrz("079192381719", "920113", "F", "320113", "VO<<THANH<NGA")
    reading = parse_td1("\n".join([lines[0], lines[1], read_line.ljust(30, "<")]))
    document = card_with_qr_name("VÕ THANH NGA")
    apply_mrz(document, (reading, Page(number=1, width=100, height=60, dpi=300, source="ocr")), has_qr=True)
    mrz = document.fields["mrz"]
    assert (mrz.value.splitlines()[2] == "VO<<THANH<NGA".ljust(30, "<")) is rebuilt
    assert (mrz.confidence >= 0.9) is rebuilt
