"""Counter fixtures: a fresh SQLite database and local object store per test; born-digital card PDFs (read from their
text layer: no OCR) and a held CT07 of the same person."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "service"))  # counter_seed.py

from records.db import Database, open_database  # noqa: E402
from records.storage.objects import LocalObjectStore  # noqa: E402

HOLDER = {"id_number": "079077356974", "full_name": "NGUYỄN HỮU KHẢI"}
CARD_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "CĂN CƯỚC CÔNG DÂN",
    f"Số / No.: {HOLDER['id_number']}", f"Họ và tên / Full name: {HOLDER['full_name']}",
    "Ngày sinh / Date of birth: 24/08/1977", "Giới tính / Sex: Nam", "Quốc tịch / Nationality: Việt Nam",
    "Nơi thường trú / Place of residence: Số 5 phố Huế, phường Hai Bà Trưng, Hà Nội",
    "Có giá trị đến / Date of expiry: 24/08/2037", "Ngày, tháng, năm cấp / Date of issue: 10/03/2025",
]


def text_pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    import render

    pdfmetrics.registerFont(TTFont("DejaVuSerif", render.FONT_CANDIDATES[0]))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("DejaVuSerif", 12)
    for index, line in enumerate(lines):
        pdf.drawString(60, 780 - 20 * index, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{data_dir / 'hoso.db'}")
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def store(data_dir: Path) -> LocalObjectStore:
    return LocalObjectStore(data_dir / "objects")


@pytest.fixture(scope="session")
def card_pdf() -> bytes:
    return text_pdf(CARD_LINES)
