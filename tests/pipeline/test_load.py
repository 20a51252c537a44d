"""Loading: the type from the bytes, PDFs with and without a text layer, and every kind of bad input."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import render
from schemas.errors import CorruptInput, EmptyInput, EncryptedPdf, TooLarge, UnsupportedType
from pipeline.load import detect_media_type, load_pages
from usecases.process import process_bytes

VIETNAMESE_LINE = "Họ, chữ đệm, tên: NGUYỄN THỊ HỒNG NHUNG — Nơi sinh: Bệnh viện Phụ sản Hà Nội"


def text_pdf(lines: list[str], password: str | None = None) -> bytes:
    """A born-digital A4 PDF with a real, embedded Vietnamese font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSerif", render.FONT_CANDIDATES[0]))
    out = io.BytesIO()
    encrypt = None
    if password:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(password, canPrint=0)
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    pdf.setFont("DejaVuSerif", 12)
    y = 780
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 20
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def image_pdf(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PDF", resolution=300)
    return out.getvalue()


def test_media_type_comes_from_the_bytes_not_the_name():
    png = render.encode(np.full((20, 20), 255, np.uint8), ".png")
    assert detect_media_type(png) == "image/png"
    assert detect_media_type(text_pdf(["x" * 30])) == "application/pdf"
    assert detect_media_type(render.to_pil_bytes(np.zeros((8, 8), np.uint8), "TIFF")) == "image/tiff"


def test_text_layer_pdf_is_read_without_tesseract(counting_engine):
    lines = [VIETNAMESE_LINE, "Ngày, tháng, năm sinh: 15/03/1990 — Giới tính: Nữ — Dân tộc: Kinh"]
    processed = process_bytes(text_pdf(lines), source="digital.pdf", engine=counting_engine)
    result = processed.result
    assert counting_engine.calls == 0
    assert not result.errors
    assert [p.source for p in result.pages] == ["text_layer"]
    assert result.pages[0].text.splitlines() == lines
    first = result.pages[0].words[0]
    # boxes are in pixels at 300 dpi: the line starts at x = 60 pt = 250 px
    assert first.text == "Họ," and abs(first.bbox[0] - 250) <= 2 and first.confidence == 1.0


def filled_in_form_pdf(leader: str, count: int) -> bytes:
    """A form filled in over its dotted lines: each line's leader drawn first, its text drawn over it after."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSerif", render.FONT_CANDIDATES[0]))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("DejaVuSerif", 12)
    pdf.drawString(60, 780, "Ngày, tháng, năm sinh: 13/05/2021")
    pdf.drawString(60, 760, leader * count)
    pdf.drawString(80, 760, "ghi bằng chữ: Ngày mười ba, TP.HCM")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize(("leader", "count"), [(".", 120), ("…", 40)])
def test_leader_dots_under_filled_in_text_do_not_split_its_words(counting_engine, leader: str, count: int) -> None:
    page = process_bytes(filled_in_form_pdf(leader, count), source="form.pdf", engine=counting_engine).result.pages[0]
    second_line = [w.text for w in page.words if w.line == page.words[-1].line]
    ghi = next(index for index, text in enumerate(second_line) if text.endswith("ghi"))
    assert second_line[ghi + 1: ghi + 6] == ["bằng", "chữ:", "Ngày", "mười", "ba,"]
    # the leader's dots before and after the text stay as printed, the abbreviation's own dot too
    assert second_line[0].startswith("...") and second_line[-1].startswith("TP.HCM....")


@pytest.mark.integration
def test_image_only_pdf_page_is_rasterised_and_ocred(counting_engine):
    page = render.render_page(render.PARAGRAPH[:3])
    result = process_bytes(image_pdf(page), source="scan.pdf", engine=counting_engine).result
    assert counting_engine.calls == 1
    assert result.pages[0].source == "ocr"
    assert "Hạnh phúc" in result.pages[0].text


def test_multipage_tiff_gives_one_page_per_frame():
    frames = [Image.fromarray(np.full((60, 80), value, np.uint8)) for value in (255, 200, 150)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    media_type, pages = load_pages(out.getvalue())
    assert media_type == "image/tiff"
    assert [p.number for p in pages] == [1, 2, 3]
    assert [int(p.pixels.mean()) for p in pages] == [255, 200, 150]


def test_exif_orientation_is_applied():
    image = Image.fromarray(np.zeros((40, 100), np.uint8))  # landscape pixels
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    _, pages = load_pages(out.getvalue())
    assert pages[0].pixels.shape == (100, 40)
    assert pages[0].reoriented


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", EmptyInput, "empty"),
        (b"\x00\x00  \n", EmptyInput, "empty"),
        (b"Hello, this is a plain text file, not a scan.", UnsupportedType, "not a PDF or an image"),
        (b"PK\x03\x04 a zip archive", UnsupportedType, "not a PDF or an image"),
        (render.encode(render.render_page(render.PARAGRAPH[:2]), ".png")[:5000], CorruptInput, "cannot be decoded"),
        (render.encode(render.render_page(render.PARAGRAPH[:2]), ".jpg")[:3000], CorruptInput, "cannot be decoded"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF", CorruptInput, "PDF"),
    ],
    ids=["empty", "blank-bytes", "text-file", "zip", "truncated-png", "truncated-jpeg", "corrupt-pdf"],
)
def test_bad_input_gets_a_clear_error(data, error, words):
    with pytest.raises(error) as raised:
        load_pages(data)
    assert words in raised.value.message
    assert "\n" not in raised.value.message


def test_password_protected_pdf_is_refused_clearly():
    with pytest.raises(EncryptedPdf) as raised:
        load_pages(text_pdf([VIETNAMESE_LINE], password="mật-khẩu"))
    assert raised.value.message == "the PDF is password-protected"


def test_decompression_bomb_is_refused_before_decoding():
    bomb = Image.new("1", (20_000, 20_000), 1)  # 400 MP that compresses to a few kB
    out = io.BytesIO()
    bomb.save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(TooLarge) as raised:
        load_pages(out.getvalue())
    assert "pixel limit" in raised.value.message


def test_bad_input_result_carries_the_reason_and_no_pages():
    result = process_bytes(b"GIF89a\x00garbage", source="broken.gif").result
    assert result.errors[0].code == "corrupt"
    assert result.pages == [] and result.documents == []
    assert len(result.sha256) == 64


def test_pdfs_load_side_by_side_in_threads():
    """PDFium is not thread-safe; batches read files in parallel threads, so loading must serialise it."""
    from concurrent.futures import ThreadPoolExecutor

    scan = image_pdf(render.render_page(render.PARAGRAPH[:2], dpi=100))
    digital = text_pdf([VIETNAMESE_LINE])

    def load_both(_: int) -> tuple[int, int]:
        _, scan_pages = load_pages(scan)
        _, digital_pages = load_pages(digital)
        return scan_pages[0].pixels.shape[0], digital_pages[0].pixels.shape[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        shapes = set(pool.map(load_both, range(24)))
    assert len(shapes) == 1
