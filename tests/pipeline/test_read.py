"""Reading: OCR accuracy on clean Vietnamese, word boxes, and the upright check."""

from __future__ import annotations

import numpy as np
import pytest

import render
from tools.metrics import cer
from usecases.process import process_bytes
from pipeline.read import TesseractEngine, parse_tsv, reading_score

pytestmark = pytest.mark.integration  # reads pages with Tesseract



@pytest.fixture(scope="module")
def clean_page_result():
    page = render.render_page(render.PARAGRAPH, dpi=300)
    return process_bytes(render.encode(page, ".png"), source="clean.png").result


def test_clean_300_dpi_vietnamese_paragraph_has_cer_at_most_one_percent(clean_page_result):
    text = clean_page_result.pages[0].text
    assert cer("\n".join(render.PARAGRAPH), text) <= 0.01


def test_words_carry_boxes_inside_the_page_and_confidences(clean_page_result):
    page = clean_page_result.pages[0]
    assert page.source == "ocr" and page.rotation == 0
    assert len(page.words) > 100
    for word in page.words:
        x0, y0, x1, y1 = word.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert 0.0 <= word.confidence <= 1.0
    header = [w for w in page.words if w.line == 0]
    assert " ".join(w.text for w in header) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    # the header is printed one inch below the top edge, in the frame of the normalised page
    # (an A4 page 11.69 inches high; large print is read at a smaller scale)
    inch = page.height / 11.69
    assert all(abs(w.bbox[1] - inch) < 0.13 * inch for w in header)


def test_text_is_nfc(clean_page_result):
    import unicodedata

    text = clean_page_result.pages[0].text
    assert text == unicodedata.normalize("NFC", text)


def test_upside_down_reading_scores_low_and_upright_high():
    engine = TesseractEngine()
    page = render.render_page(render.PARAGRAPH[:4])
    upright = reading_score(engine.read(page).words)
    upside_down = reading_score(engine.read(np.ascontiguousarray(page[::-1, ::-1])).words)
    assert upright > 0.8
    assert upside_down < 0.4


def test_parse_tsv_numbers_lines_in_reading_order_and_skips_structure_rows():
    tsv = "\n".join([
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "4\t1\t1\t1\t1\t0\t10\t10\t100\t20\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t96.5\tHọ",
        "5\t1\t1\t1\t1\t2\t55\t10\t40\t20\t91\ttên",
        "5\t1\t2\t1\t1\t1\t10\t50\t80\t20\t88\tNGUYE\u0302\u0303N",
    ])
    words = parse_tsv(tsv)
    assert [(w.text, w.line, w.bbox) for w in words] == [
        ("Họ", 0, (10, 10, 50, 30)), ("tên", 0, (55, 10, 95, 30)), ("NGUYỄN", 1, (10, 50, 90, 70))]
    assert words[0].confidence == pytest.approx(0.965)


@pytest.fixture(scope="module")
def short_page() -> np.ndarray:
    return render.render_page(render.PARAGRAPH[:4])


def test_in_process_tesseract_reads_exactly_what_the_command_reads(short_page):
    """The in-process API is the same Debian Tesseract: same words, boxes and confidences as the CLI."""
    from pipeline.read import in_process_available
    from schemas.settings import load_settings

    if load_settings().ocr == "cli":
        pytest.skip("HOSO_OCR=cli: this run uses the command only")
    assert in_process_available(), "tesserocr should be installed by scripts/setup"
    engine = TesseractEngine()
    in_process = engine.read(short_page, psm=6).words
    command = engine._read_with_cli(short_page, psm=6, dpi=300, searchable_pdf=False).words
    assert len(in_process) > 20
    assert [(w.text, w.bbox, w.line, w.confidence) for w in in_process] == \
        [(w.text, w.bbox, w.line, w.confidence) for w in command]


def test_tesseract_handles_are_kept_and_lent_to_one_thread_at_a_time(short_page):
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.read import ApiPool

    pool = ApiPool()
    key = ("vie", ())
    first = pool.recognise(short_page, "vie", {}, psm=6, dpi=300, timeout_s=60)
    assert len(pool._idle[key]) == 1  # kept for the next page, not loaded again
    with ThreadPoolExecutor(max_workers=2) as threads:
        readings = list(threads.map(lambda _: pool.recognise(short_page, "vie", {}, psm=6, dpi=300, timeout_s=60), range(4)))
    assert all(reading == first for reading in readings)
    assert 1 <= len(pool._idle[key]) <= 2  # at most one handle per page read at once


def test_tesseract_past_its_time_limit_is_an_ocr_failure(short_page):
    from schemas.errors import OcrFailed

    with pytest.raises(OcrFailed, match="longer than"):
        TesseractEngine(timeout_s=0.001).read(np.vstack([short_page] * 4), psm=6)


def test_tesseract_eth_is_read_as_vietnamese_d():
    tsv = "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t90\tÐường\n5\t1\t1\t1\t1\t2\t55\t10\t40\t20\t90\tÐao"
    assert [w.text for w in parse_tsv(tsv)] == ["Đường", "Đao"]
