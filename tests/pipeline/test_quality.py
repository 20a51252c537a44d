"""Capture-quality verdicts (pipeline.quality): good captures of the bundled samples get none that asks for a retake;
captures damaged from them (tools.capture_quality makes the damage) get the right one; every verdict can be read
aloud in Vietnamese."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.load import load_pages
from pipeline.quality import _colour_spread, assess_file, assess_page
from schemas.quality import VERDICT_TEXTS, verdict
from tools.capture_quality import DAMAGES

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "dossiers"
GOOD = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".jpg", ".pdf"))
# one capture of each kind a counter sees: a card photo, a sheet photo, a 200-dpi scan, a photocopied card
DAMAGED_FROM = ["0003_id_card_card_sides_separate_front.jpg", "0012_birth_certificate_phone_photo.jpg",
                "0008_birth_certificate_clean_scan.jpg", "0011_id_card_noisy_scan.jpg"]


def pages(path: Path) -> list:
    return [page for page in load_pages(path.read_bytes())[1] if not page.has_text_layer]


@pytest.mark.parametrize("path", GOOD, ids=[p.name for p in GOOD])
def test_good_captures_get_no_retake(path: Path) -> None:
    for page in pages(path):
        retakes = [v.code for v in assess_page(page.pixels, page.dpi) if v.severity == "retake"]
        assert retakes == [], f"{path.name} page {page.number}"


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("name", DAMAGED_FROM)
def test_damaged_captures_get_the_right_verdict(name: str, damage: str) -> None:
    expected, make, applies = DAMAGES[damage]
    (page,) = pages(SAMPLES / name)
    if applies != "all" and not (page.pixels.ndim == 3 and "photo" in name or "sides" in name):
        pytest.skip(f"{damage} is made from colour photos only")
    if applies == "sheet_photos" and "id_card" in name:
        pytest.skip("cards are not judged for photocopies")
    damaged = make(page.pixels, np.random.default_rng(7), page.dpi)
    codes = [v.code for v in assess_page(damaged, page.dpi)]
    assert expected in codes, f"{damage} of {name}: {codes}"


def test_a_file_that_cannot_be_read_and_a_born_digital_page() -> None:
    broken = assess_file(b"%PDF-1.4\n" + b"\x00" * 50, "scan.pdf")
    assert not broken.ok and [v.code for v in broken.verdicts] == ["unreadable"]
    digital = assess_file((SAMPLES / "0002_birth_certificate_digital_pdf.pdf").read_bytes(), "ks.pdf", 2)
    assert digital.ok and digital.index == 2 and [p.checked for p in digital.pages] == [False]


def test_a_blank_frame_is_no_document() -> None:
    rng = np.random.default_rng(1)
    wall = np.clip(rng.normal(150, 3, (900, 1200, 3)), 0, 255).astype(np.uint8)
    assert [v.code for v in assess_page(wall)] == ["no_document"]


@pytest.mark.parametrize("code", sorted(VERDICT_TEXTS))
def test_every_verdict_says_what_to_do_in_vietnamese_and_english(code: str) -> None:
    said = verdict(code)  # type: ignore[arg-type]
    assert said.message.endswith(".") and said.message_en.endswith(".")
    assert any(ch in said.message for ch in "ảạắằẩẫậẻẽếềểễệỉịỏọốồổỗộớờởỡợủụứừửữựỳỵỷỹđ")


def test_colour_spread_is_each_pixels_largest_channel_minus_its_smallest():
    image = np.random.default_rng(7).integers(0, 256, (63, 101, 3), dtype=np.uint8)
    expected = image.max(axis=2).astype(np.int16) - image.min(axis=2)
    assert _colour_spread(image).dtype == np.uint8 and np.array_equal(_colour_spread(image), expected)
    assert not _colour_spread(np.full((4, 4, 3), 200, np.uint8)).any()  # gray: no spread
