"""Every bit depth, palette, colour space and transparency reads like its 8-bit RGB twin.

One rendered page is written as 8-bit RGB and as each variant; the decoded arrays are compared, and for the
variants that used to decode blank (16-bit grey: all white; a transparent background: all black) the OCR
words too.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from badinput import corpus
from pipeline import decode
from pipeline.load import load_file, load_pages


def decoded(data: bytes) -> np.ndarray:
    _, pages = load_pages(data)
    assert len(pages) == 1
    return pages[0].pixels


def grey(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)


def test_the_reference_decodes_to_its_own_pixels():
    pixels = decoded(corpus.rgb_png())
    assert pixels.shape == (*corpus.page_grey().shape, 3) and pixels.dtype == np.uint8
    assert np.array_equal(grey(pixels), corpus.page_grey())


@pytest.mark.parametrize(("make", "tolerance", "channels"), [
    (corpus.grey16_tiff, 0, 1),
    (corpus.grey16_png, 0, 1),
    (corpus.rgb16_png, 0, 3),
    (corpus.rgb16_tiff, 0, 3),
    (corpus.rgba16_png, 1, 3),
    (corpus.alpha_png, 1, 3),
    (corpus.la_png, 1, 1),
    (corpus.palette_png, 1, 3),
    (corpus.palette_transparent_png, 1, 1),
    (corpus.fully_transparent_png, 0, 3),
    (corpus.lab_tiff, 2, 3),
    (corpus.webp, 0, 3),
    (corpus.gif, 0, 3),
    (corpus.bmp, 0, 3),
], ids=lambda value: getattr(value, "__name__", str(value)))
def test_variant_reads_like_its_8_bit_twin(make, tolerance, channels):
    pixels = decoded(make())
    assert pixels.dtype == np.uint8
    assert pixels.ndim == (2 if channels == 1 else 3)
    difference = np.abs(grey(pixels).astype(int) - corpus.page_grey().astype(int))
    assert difference.max() <= tolerance, f"differs by up to {difference.max()} levels"


def test_16_bit_grey_is_scaled_not_clipped_to_white():
    """The issue's case: Pillow's own 16→8-bit conversion clips, so a real 16-bit scan (whose ink is never
    exactly 0) read as all white."""
    scan = np.clip(corpus.page_grey(), 24, 235)  # a scanner's black and white points
    data = corpus.encode_cv(scan.astype(np.uint16) * 257, ".tiff")
    clipped = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    assert clipped.min() == 255  # what the old loader saw
    assert np.array_equal(decoded(data), scan)


def test_transparent_background_is_composited_on_white_not_black():
    dropped = np.asarray(Image.open(io.BytesIO(corpus.alpha_png())).convert("RGB"))
    assert dropped.max() == 0  # what the old loader saw: black ink on a black page
    pixels = decoded(corpus.alpha_png())
    assert np.median(pixels) == 255


def test_cmyk_jpeg_reads_like_the_rgb_jpeg():
    rgb = grey(decoded(corpus.rgb_jpeg())).astype(int)
    cmyk = grey(decoded(corpus.cmyk_jpeg())).astype(int)
    difference = np.abs(rgb - cmyk)
    assert difference.mean() < 1.5 and np.percentile(difference, 99.9) < 24


def test_1_bit_tiff_reads_like_the_thresholded_page():
    pixels = decoded(corpus.bilevel_tiff())
    assert pixels.ndim == 2 and set(np.unique(pixels)) <= {0, 255}
    assert np.array_equal(pixels, np.where(corpus.page_grey() >= 128, 255, 0).astype(np.uint8))


def test_exif_rotated_photo_is_turned_upright():
    _, pages = load_pages(corpus.exif_rotated_jpeg())
    assert pages[0].reoriented
    difference = np.abs(grey(pages[0].pixels).astype(int) - corpus.page_grey().astype(int))
    assert pages[0].pixels.shape[:2] == corpus.page_grey().shape and difference.mean() < 2


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_matches_pillows_exif_transpose(orientation):
    image = Image.fromarray(np.arange(12 * 7, dtype=np.uint8).reshape(12, 7))
    exif = image.getexif()
    exif[0x0112] = orientation
    data = io.BytesIO()
    image.save(data, format="PNG", exif=exif)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data.getvalue()))))
    assert np.array_equal(decode.orient(np.asarray(image), orientation), expected)


def test_pixels_differing_from_the_file_are_marked_so_the_file_itself_is_not_ocrd():
    assert not load_pages(corpus.rgb_png())[1][0].reoriented
    assert not load_pages(corpus.palette_png())[1][0].reoriented
    for make in (corpus.alpha_png, corpus.grey16_tiff, corpus.cmyk_jpeg):
        assert load_pages(make())[1][0].reoriented, make.__name__


def test_big_jpeg_photo_is_decoded_reduced_by_the_jpeg_decoder():
    loaded = load_file(corpus.big_photo_jpeg())
    page = loaded.pages[0]
    assert page.pixels.shape[:2] == (3000, 6000) and page.reoriented
    assert [w.code for w in loaded.warnings] == ["resolution_lowered"]


@pytest.mark.slow
@pytest.mark.parametrize("make", [corpus.alpha_png, corpus.grey16_tiff], ids=lambda make: make.__name__)
@pytest.mark.integration
def test_variant_ocr_reads_the_same_words_as_the_twin(make):
    from usecases.process import process_bytes

    def words(data: bytes) -> list[str]:
        result = process_bytes(data, source="page", extract=False).result
        assert not result.errors
        return [word.text for page in result.pages for word in page.words]

    reference = words(corpus.rgb_png())
    assert "Hạnh" in reference and len(reference) > 20
    assert words(make()) == reference
