"""The bad-input corpus, one kind at a time: each is decoded correctly or refused with its own reason code,
and the heavy ones (bombs, caps, the largest legitimate files) stay far under 1 GB in a fresh process."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from badinput.corpus import BY_NAME, KINDS, Kind, data_of, probe
from pipeline.load import check_decodable, load_file, load_pages
from schemas.errors import BadInput

MEMORY_LIMIT_MB = 1024


def test_the_corpus_has_at_least_30_kinds_and_each_outcome_is_specific():
    assert len(KINDS) >= 30 and len(BY_NAME) == len(KINDS)
    refused = {kind.expected.code for kind in KINDS if kind.expected.code}
    assert refused >= {"empty", "unsupported_type", "corrupt", "encrypted_pdf", "unsupported_pixel_format",
                       "decompression_bomb", "too_large", "too_many_pages", "page_too_large"}
    assert sum(kind.expected.code is None for kind in KINDS) >= 20


LIGHT = [kind for kind in KINDS if not kind.heavy]
HEAVY = [kind for kind in KINDS if kind.heavy]


@pytest.mark.parametrize("kind", LIGHT, ids=[kind.name for kind in LIGHT])
def test_kind_gets_its_outcome(kind: Kind):
    data = data_of(kind.name)
    expected = kind.expected
    if expected.code:
        with pytest.raises(BadInput) as raised:
            check_decodable(data, kind.file_name)
        error = raised.value
        assert error.code == expected.code, error.message
        assert error.message and "\n" not in error.message and len(error.message) < 300
        if expected.words:
            assert expected.words in error.message
        with pytest.raises(BadInput) as again:  # the pipeline's loader refuses it the same way
            load_pages(data)
        assert again.value.code == expected.code
        return
    media_type = check_decodable(data, kind.file_name)
    loaded = load_file(data, name=kind.file_name)
    assert loaded.media_type == media_type
    assert len(loaded.pages) == expected.pages
    assert sorted({warning.code for warning in loaded.warnings}) == sorted(expected.warnings)
    for page in loaded.pages:
        pixels = page.pixels
        assert pixels.dtype == np.uint8 and pixels.size > 0
        assert pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] == 3)
        assert pixels.shape[:2] == (page.height, page.width)
        assert pixels.min() < pixels.max(), "a page that decodes to one flat colour"


@pytest.mark.slow
@pytest.mark.parametrize("kind", HEAVY, ids=[kind.name for kind in HEAVY])
def test_heavy_kind_stays_under_1_gb_in_a_fresh_process(kind: Kind, tmp_path):
    """The outcome, as for the light kinds, and the peak resident memory of the whole process."""
    outcome = probe(data_of(kind.name), kind.file_name, tmp_path)
    assert outcome["code"] == kind.expected.code, outcome
    if kind.expected.code is None:
        assert outcome["pages"] == kind.expected.pages
        assert sorted(set(outcome["warnings"])) == sorted(kind.expected.warnings)
    elif kind.expected.words:
        assert kind.expected.words in outcome["message"]
    assert outcome["peak_mb"] < MEMORY_LIMIT_MB, outcome


def test_refusals_say_the_extension_but_never_the_name():
    with pytest.raises(BadInput) as raised:
        check_decodable(b"just some notes about a citizen", "Nguyễn Văn An - CCCD 001190012345.png")
    assert raised.value.code == "unsupported_type"
    assert ".png" in raised.value.message
    assert "Nguyễn" not in raised.value.message and "001190012345" not in raised.value.message


def test_check_decodable_returns_the_media_type_of_good_files():
    assert check_decodable(data_of("rgb-png"), "a.png") == "image/png"
    assert check_decodable(data_of("text-pdf")) == "application/pdf"
    assert check_decodable(data_of("16-bit-grey-tiff"), "scan.tif") == "image/tiff"
    assert check_decodable(data_of("webp"), None) == "image/webp"


def test_one_bad_file_does_not_disturb_the_next():
    """A refusal leaves nothing behind (PDFium's lock held, Pillow's state): a good file right after each
    kind still decodes, in the same process."""
    good = data_of("rgb-png")
    for kind in LIGHT:
        with contextlib.suppress(BadInput):
            check_decodable(data_of(kind.name), kind.file_name)
        assert check_decodable(good) == "image/png", kind.name


def test_long_files_keep_only_some_pages_and_decode_the_rest_on_use():
    loaded = load_file(data_of("60-page-scanned-pdf"))
    kept = [page for page in loaded.pages if page._pixels is not None]
    assert 0 < len(kept) < len(loaded.pages)
    first, last = loaded.pages[0].pixels, loaded.pages[-1].pixels
    assert np.array_equal(first, last), "every page of this file is the same scan"
    assert loaded.pages[-1].pixels is last, "a page in use is not rendered twice"
