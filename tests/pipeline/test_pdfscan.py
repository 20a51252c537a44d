"""The bounded PDF scan: what it counts, what it refuses, what it flags, with little memory."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image

from badinput import corpus
from pipeline import pdfscan
from pipeline.pdfscan import decipher_for, scan_pdf
from schemas.errors import DecompressionBomb, TooLarge

LIMIT = 10**10


def tiff_strip(compression: str) -> bytes:
    """The single strip of a TIFF compressed by libtiff (its LZW and PackBits are PDF's LZW and RunLength)."""
    image = Image.frombytes("L", (300, 200), bytes((x * 7 + y // 3) % 256 for y in range(200) for x in range(300)))
    out = io.BytesIO()
    image.save(out, format="TIFF", compression=compression, rowsperstrip=200)
    saved = Image.open(io.BytesIO(out.getvalue()))
    offset, count = saved.tag_v2[273][0], saved.tag_v2[279][0]
    return out.getvalue()[offset:offset + count]


def test_lzw_is_counted_exactly_without_decoding():
    from pdfminer.lzw import lzwdecode

    strip = tiff_strip("tiff_lzw")
    assert pdfscan._lzw_size(strip, LIMIT) == len(lzwdecode(strip)) == 300 * 200
    assert pdfscan._lzw_size(strip, 1000) is None


def test_run_length_is_counted_exactly():
    strip = tiff_strip("packbits")
    assert pdfscan._run_length_size(strip, LIMIT) == 300 * 200
    assert pdfscan._run_length_size(b"\x81\x00" * 10 + b"\x80" + b"\x81\x00", LIMIT) == 1280  # EOD stops it
    assert pdfscan._run_length_size(b"\x81\x00" * 1000, 5000) is None


def test_inflating_counts_in_bounded_chunks_and_stops_at_the_limit():
    data = corpus.zlib_repeated(b"head", b" " * 100_000, 300)  # 30 MB of blanks
    assert pdfscan._inflated_size(data, LIMIT) == 4 + 30_000_000
    assert pdfscan._inflated_size(data, 30_000_004) == 30_000_004
    assert pdfscan._inflated_size(data, 30_000_003) is None
    assert pdfscan._inflated_size(b"not zlib at all", LIMIT) == 0


def test_names_are_found_plainly_or_escaped_and_not_inside_longer_names():
    found = pdfscan.PdfScan()
    pdfscan._note_names(found, b"<< /S /J#61vaScript /JSON 1 /Launcher 2 >>")
    assert found.javascript and not found.launch
    other = pdfscan.PdfScan()
    pdfscan._note_names(other, b"<< /JSON 1 /Launcher 2 /EncryptMetadata false >>")
    assert not (other.javascript or other.launch or other.encrypted)


def test_a_name_split_between_two_inflated_chunks_is_found():
    head = b"1 0 " + b" " * (pdfscan.OUTPUT_CHUNK - 6)  # /JavaScript starts 2 bytes before the 1 MiB boundary
    packed = zlib.compress(head + b"<< /S /JavaScript /JS (x) >>")
    data = corpus.simple_pdf(extra_objects=[corpus.pdf_stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                                                              packed)])
    assert scan_pdf(data, max_image_pixels_total=LIMIT).javascript


def test_a_plain_page_is_not_flagged():
    scan = scan_pdf(corpus.text_pdf(), max_image_pixels_total=LIMIT)
    assert not (scan.javascript or scan.launch or scan.embedded_files or scan.encrypted)
    assert scan.streams >= 2 and scan.inflated_bytes > 10_000


def test_encrypted_streams_are_walked_again_decrypted():
    plain = scan_pdf(corpus.text_pdf(), max_image_pixels_total=LIMIT)
    data = corpus.text_pdf(owner_password="chủ")
    raw = scan_pdf(data, max_image_pixels_total=LIMIT)
    assert raw.encrypted and raw.inflated_bytes < plain.inflated_bytes  # ciphertext does not inflate
    decrypted = scan_pdf(data, max_image_pixels_total=LIMIT, decipher=decipher_for(data))
    assert decrypted.inflated_bytes == plain.inflated_bytes
    with pytest.raises(DecompressionBomb):
        bomb = corpus.encrypted_flate_bomb_pdf()
        scan_pdf(bomb, max_image_pixels_total=LIMIT, decipher=decipher_for(bomb))


def test_flate_images_are_not_inflated_but_their_size_is_checked():
    """PDFium decodes Flate images a row at a time: a large one costs time, not memory, and is allowed up to
    the image limit; the declared size is what is refused."""
    side = 8000  # 64 MP, under the 80 MP image limit
    image = corpus.pdf_stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                              b"/BitsPerComponent 8 /Filter /FlateDecode" % (side, side),
                              corpus.zlib_repeated(b"", b"\xff" * side * 100, side // 100))
    scan = scan_pdf(corpus.simple_pdf(extra_objects=[image]), max_image_pixels_total=LIMIT)
    assert scan.image_pixels == side * side and scan.inflated_bytes < 1000
    with pytest.raises(TooLarge):
        scan_pdf(corpus.simple_pdf(extra_objects=[image]), max_image_pixels_total=side * side - 1)


def test_many_streams_under_the_stream_limit_are_refused_together():
    stream = corpus.pdf_stream(b"/Filter /FlateDecode", corpus.zlib_repeated(b"", b" " * 2**20, 15))
    data = corpus.simple_pdf(extra_objects=[stream] * 18)  # 18 x 15 MiB > 256 MiB in all
    with pytest.raises(DecompressionBomb) as raised:
        scan_pdf(data, max_image_pixels_total=LIMIT)
    assert "in all" in raised.value.message


def test_jpeg_header_is_read_without_decoding():
    frame = pdfscan.jpeg_frame(corpus.jpeg_bomb())
    assert (frame.width, frame.height, frame.progressive) == (65_000, 65_000, False)
    progressive = pdfscan.jpeg_frame(corpus.pil_bytes(Image.new("RGB", (640, 480)), "JPEG", progressive=True))
    assert progressive.progressive and progressive.coefficient_bytes() > 640 * 480


@pytest.mark.parametrize("disguise", [
    b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
    b"/Type /EmbeddedFile",
    b"/Length1 100",
], ids=["as-an-image", "as-an-embedded-file", "as-a-font"])
def test_a_bomb_drawn_as_page_content_is_checked_whatever_its_dictionary_says(disguise):
    """PDFium parses whatever a page's /Contents names as page operators, whole."""
    bomb = corpus.pdf_stream(disguise + b" /Filter /FlateDecode", corpus.zlib_repeated(b"", b" " * 2**20, 40))
    data = corpus.pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
        b"[ 4 0 R ]",
        bomb,
    ])
    data_via_array = data.replace(b"/Contents 5 0 R", b"/Contents 4 0 R").replace(b"[ 4 0 R ]", b"[ 5 0 R ]")
    for pdf in (data, data_via_array):
        with pytest.raises(DecompressionBomb):
            scan_pdf(pdf, max_image_pixels_total=LIMIT)


def test_ascii85_is_decoded_whole_and_as_a_prefix_of_whole_groups():
    import base64
    import random

    rng = random.Random(7)
    for size in [*range(0, 30), 1000, 65_537]:
        raw = bytes(rng.randrange(256) for _ in range(size)) if size % 3 else b"\0" * size + b"\x01\x02"
        for encoded in (base64.a85encode(raw, wrapcol=60, adobe=True), base64.a85encode(raw)):
            assert pdfscan._ascii_decode("ASCII85Decode", encoded) == raw
            prefix = pdfscan._ascii_decode("ASCII85Decode", encoded[:len(encoded) * 2 // 3], partial=True)
            assert prefix is not None and raw.startswith(prefix)
    assert pdfscan._ascii_decode("ASCII85Decode", b"<~ vwxy{ ~>") is None  # past "u": not ASCII85
