"""A card side's MRZ is found from the ink alone and read once, in OCR-B, before the page's OCR, which then reads
only the rows above it; where the three rows are not found, or their reading is not MRZ lines, the side is read
whole as before."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from extractors import id_card
from extractors.id_card import mrz_rows, parse_mrz
from pipeline.load import SourcePage
from pipeline.prepare import PreparedPage
from pipeline.read import OcrOutput
from schemas import Word
from usecases.process import read_prepared

HEIGHT, WIDTH = 883, 1400
MRZ = ["IDVNM1738506462001173850646<<3", "7301108F3301100VNM<<<<<<<<<<<2", "TRAN<<MAI<OANH<<<<<<<<<<<<<<<<"]
MRZ_TOPS = (655, 721, 787)


def side(line_tops: tuple[int, ...] = MRZ_TOPS, lines: list[str] = MRZ) -> np.ndarray:
    """A white card side with a few lines of small print on top and ``lines`` in large print at ``line_tops``."""
    image = np.full((HEIGHT, WIDTH), 255, np.uint8)
    for index, text in enumerate(["Noi cu tru / Place of residence:", "So 12 duong Le Loi, Phuong Ben Thanh"]):
        cv2.putText(image, text, (300, 80 + 50 * index), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    for top, text in zip(line_tops, lines, strict=False):
        cv2.putText(image, text, (100, top + 40), cv2.FONT_HERSHEY_SIMPLEX, 2.1, 0, 4)
    return image


class LinesEngine:
    """Reads each image as one line of words, and records the shapes it was shown."""

    def __init__(self, line: str) -> None:
        self.line = line
        self.shapes: list[tuple[int, int]] = []
        self.images: list[np.ndarray] = []

    def read(self, image: np.ndarray, *, psm: int = 3, dpi: int = 300, searchable_pdf: bool = False) -> OcrOutput:
        self.shapes.append(image.shape[:2])
        self.images.append(image)
        return OcrOutput(words=[Word(text=text, confidence=0.9, bbox=(100 + 120 * i, 60, 200 + 120 * i, 90), line=0)
                                for i, text in enumerate(self.line.split())])


def band_reader(lines: list[str]):
    """``read_mrz_band`` as if OCR-B read ``lines`` in the band (no Tesseract in the unit tier)."""
    def read(band: np.ndarray) -> list[Word]:
        return [Word(text=text, confidence=0.95, bbox=(100, 40 + 66 * n, 1300, 90 + 66 * n), line=n)
                for n, text in enumerate(lines)]
    return read


def read(image: np.ndarray, engine: LinesEngine):
    prepared = PreparedPage(image=image, kind="card", cropped=True)
    return read_prepared(SourcePage(number=1, dpi=300, width=WIDTH, height=HEIGHT), prepared, engine, False, {})


def test_three_long_rows_of_print_in_the_lower_half_are_the_mrz():
    found = mrz_rows(side())
    assert found is not None
    top, bottom, line_height = found
    assert MRZ_TOPS[0] - 5 <= top <= MRZ_TOPS[0] + 20 and MRZ_TOPS[-1] + 20 <= bottom <= MRZ_TOPS[-1] + 70
    assert 20 <= line_height <= 70


@pytest.mark.parametrize("tops", [MRZ_TOPS[:2], (100, 166, 232)], ids=["two rows", "in the upper half: turned"])
def test_anything_but_three_long_rows_in_the_lower_half_is_no_mrz(tops):
    assert mrz_rows(side(tops)) is None


def test_a_side_whose_band_reads_as_mrz_lines_is_read_by_ocr_only_above_it(monkeypatch):
    monkeypatch.setattr(id_card, "read_mrz_band", band_reader(MRZ))
    engine = LinesEngine("Nơi cư trú / Place of residence:")
    page = read(side(), engine).page
    [shown] = engine.images
    assert shown.shape == (HEIGHT, WIDTH) and (shown[MRZ_TOPS[0]:] == 255).all()  # the band whitened, the size kept
    assert (shown[:MRZ_TOPS[0] - 30] < 128).any()  # the print above it is read
    blank_from = int(np.flatnonzero((shown < 255).any(axis=1))[-1]) + 1
    assert page.readings["mrz_band"] == "\n".join(MRZ)
    reading = parse_mrz(page.readings["mrz_band"])
    assert reading is not None and reading.valid
    mrz_words = [word for word in page.words if word.text in MRZ]
    assert len(mrz_words) == 3 and min(word.bbox[1] for word in mrz_words) >= blank_from - 30  # placed on the band
    assert page.words[0].text == "Nơi" and page.rotation == 0


def test_a_band_that_does_not_read_as_mrz_lines_leaves_the_whole_side_to_read(monkeypatch):
    monkeypatch.setattr(id_card, "read_mrz_band", band_reader(["Ho Dinh Kien", "CUC TRUONG"]))
    engine = LinesEngine("Nơi cư trú / Place of residence: Số 12 đường Lê Lợi")
    page = read(side(), engine).page
    assert engine.shapes == [(HEIGHT, WIDTH)] and "mrz_band" not in page.readings


def test_a_side_without_mrz_rows_is_read_whole_without_an_ocr_b_reading(monkeypatch):
    def no_band(band: np.ndarray) -> list[Word]:
        raise AssertionError("no band to read")

    monkeypatch.setattr(id_card, "read_mrz_band", no_band)
    engine = LinesEngine("Họ và tên / Full name: TRẦN MAI OANH")
    read(side(MRZ_TOPS[:1]), engine)
    assert engine.shapes == [(HEIGHT, WIDTH)]


class RecordingTesseract:
    """Tesseract (``vie``), recording the shapes of what the page's OCR was shown."""

    def __init__(self) -> None:
        from pipeline.read import TesseractEngine

        self.engine = TesseractEngine()
        self.images: list[np.ndarray] = []

    def read(self, image: np.ndarray, *, psm: int = 3, dpi: int = 300, searchable_pdf: bool = False) -> OcrOutput:
        self.images.append(image)
        return self.engine.read(image, psm=psm, dpi=dpi, searchable_pdf=searchable_pdf)


@pytest.mark.integration  # reads pages with Tesseract
@pytest.mark.parametrize("name", ["0003_id_card_card_sides_separate_back", "0010_id_card_card_sides_separate_back"])
def test_a_bundled_back_is_read_above_its_mrz_and_its_checked_mrz_lines_are_the_printed_ones(name):
    import json
    from pathlib import Path

    from usecases.process import process_file

    folder = Path(__file__).resolve().parents[2] / "samples" / "dossiers"
    truth = json.loads((folder / f"{name}.truth.json").read_text())["documents"][0]["fields"]
    engine = RecordingTesseract()
    processed = process_file(folder / f"{name}.jpg", engine=engine, workers=1)
    page = processed.result.pages[0]
    shown = engine.images[0]
    assert shown.shape[:2] == (page.height, page.width) and (shown[int(0.8 * page.height):] == 255).all()  # band blank
    assert page.readings["mrz_band"]
    [document] = processed.result.documents
    read_lines, printed_lines = document.fields["mrz"].value.splitlines(), truth["mrz"].splitlines()
    assert read_lines[:2] == printed_lines[:2]  # the lines check digits cover (the name line has none)
    reading = parse_mrz(page.readings["mrz_band"])
    assert reading is not None and reading.valid and reading.id_number == truth.get("id_number", reading.id_number)
    assert "<<" in page.text  # the band's words are the page's too
