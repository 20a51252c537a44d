"""A card side with no code of its own (a 2024 front) is read only in its last rows when another file of the same
upload carries its card's code (the back's QR code) and those rows show the nationality's label and the code's
birth date; the side then takes the code's values and is one card with the back by its number. Anything else
(no other file, several cards' codes, a birth date that is not the code's) reads the side whole, as before."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from doubles import LinesEngine

from extractors.id_card import PARTNER_FRONT_TOP, PARTNER_QR, partner_zone
from pipeline.load import SourcePage
from pipeline.prepare import PreparedPage
from usecases.process import OCR_ROWS, UploadCodes, read_prepared

PAYLOAD = "079077356974|232738213|NGUYỄN HỮU KHẢI|24081977|Nam|Số 132 ngõ 134 đường Hai Bà Trưng, Phường Cát Dài|10032025"
OTHER = "001173850646||TRẦN MAI OANH|10011973|Nữ|Tổ dân phố 5, Phường Trung Hòa, Thành phố Hà Nội|05032024"
BACK = (883, 1400)
TOP_LEFT, TOP_RIGHT = (60, 60, 300, 300), (1100, 60, 1340, 300)
HEIGHT, WIDTH = 1183, 1875


def front() -> np.ndarray:
    """A white front with its print as dark rows: the name at 0.62-0.66 of its height, the birth date at 0.72-0.75."""
    image = np.full((HEIGHT, WIDTH), 255, np.uint8)
    for top, bottom in ((0.45, 0.5), (0.55, 0.58), (0.62, 0.66), (0.72, 0.75), (0.8, 0.83)):
        image[int(top * HEIGHT):int(bottom * HEIGHT), 700:1500] = 0
    return image


ZONE_LINES = ["Ngày, tháng, năm sinh / Date of birth: 24/08/1977", "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam"]
WHOLE_LINES = ["CĂN CƯỚC", "Số định danh cá nhân / Personal identification number: 079077356974",
               "Họ, chữ đệm và tên khai sinh / Full name: NGUYỄN HỮU KHẢI", *ZONE_LINES]


def read_front(engine: LinesEngine, partner_codes: list[tuple[tuple[int, int, int, int], str]]):
    codes = UploadCodes()
    mine, back = codes.slot(0), codes.slot(1)
    back.post([(*BACK, partner_codes)])
    prepared = PreparedPage(image=front(), kind="card", cropped=True)
    return read_prepared(SourcePage(number=1, dpi=300, width=WIDTH, height=HEIGHT), prepared, engine, False, {},
                         upload=mine)


def test_a_front_whose_back_in_another_file_has_its_code_is_read_from_above_its_birth_date_down():
    engine = LinesEngine(ZONE_LINES)
    page = read_front(engine, [(TOP_LEFT, PAYLOAD)]).page
    [(rows, width)] = engine.shapes
    top = HEIGHT - rows
    assert width == WIDTH and 0.66 * HEIGHT <= top <= 0.72 * HEIGHT  # between the name and the birth date
    assert page.readings[OCR_ROWS] == f"{top},{HEIGHT}" and page.readings[PARTNER_QR] == PAYLOAD


def test_the_front_read_in_part_takes_its_codes_values_and_keeps_its_own_nationality():
    from extractors.registry import extract_documents

    read = read_front(LinesEngine(ZONE_LINES), [(TOP_LEFT, PAYLOAD)])
    [document] = extract_documents([read.page], {1: read.image})
    fields = {name: (field.value, field.source) for name, field in document.fields.items()}
    assert fields["id_number"] == ("079077356974", "qr") and fields["date_of_birth"] == ("1977-08-24", "qr")
    assert fields["full_name"] == ("NGUYỄN HỮU KHẢI", "qr") and fields["nationality"][0] == "Việt Nam"
    assert "qr" not in document.fields  # the code is the back's field


def test_a_front_whose_birth_date_is_not_the_codes_is_read_whole():
    other_birth = [ZONE_LINES[0].replace("24/08/1977", "24/08/1979"), ZONE_LINES[1]]
    engine = LinesEngine(other_birth, WHOLE_LINES)
    page = read_front(engine, [(TOP_LEFT, PAYLOAD)]).page
    assert engine.shapes[-1] == (HEIGHT, WIDTH) and OCR_ROWS not in page.readings and PARTNER_QR not in page.readings


@pytest.mark.parametrize("codes", [[(TOP_LEFT, PAYLOAD), (TOP_LEFT, OTHER)], [(TOP_RIGHT, PAYLOAD)],
                                   [(TOP_LEFT, "https://dichvucong.gov.vn")], []],
                         ids=["two citizens' cards", "a 2021 front's code", "not an id card's code", "no code"])
def test_no_single_cards_back_code_in_the_other_files_leaves_the_side_whole(codes):
    assert partner_zone(front(), [(*BACK, codes)]) is None
    engine = LinesEngine(WHOLE_LINES)
    read_front(engine, codes)
    assert engine.shapes == [(HEIGHT, WIDTH)]


def test_the_zone_starts_on_the_blankest_row_of_its_window():
    zone = partner_zone(front(), [(*BACK, [(TOP_LEFT, PAYLOAD)])])
    assert zone is not None and zone.shows == ("24081977",)
    low, high = (int(share * HEIGHT) for share in PARTNER_FRONT_TOP)
    assert low <= zone.top < high and not (int(0.62 * HEIGHT) <= zone.top < int(0.66 * HEIGHT))
    assert not (int(0.72 * HEIGHT) <= zone.top < int(0.75 * HEIGHT))


def test_a_side_waits_for_the_other_files_being_read_and_not_for_one_still_queued():
    codes = UploadCodes()
    mine, other = codes.slot(0), codes.slot(1)
    posted: list[float] = []

    def post_later() -> None:
        time.sleep(0.2)
        posted.append(time.monotonic())
        other.post([(*BACK, [(TOP_LEFT, PAYLOAD)])])

    threading.Thread(target=post_later).start()
    assert mine.others() == [(*BACK, [(TOP_LEFT, PAYLOAD)])] and posted  # waited for it
    alone = UploadCodes().slot(0)
    assert alone.others() is None  # no other file being read: nothing is waited for
    queued = UploadCodes()
    first = queued.slot(0)
    queued.slot(1).done()  # a file that was not read (already held, or refused) posts nothing
    assert first.others() == []


@pytest.mark.integration  # reads pages with Tesseract
def test_an_upload_of_a_2024_cards_two_sides_reads_the_front_in_part_and_records_one_card_as_printed(tmp_path):
    import json
    from pathlib import Path

    from records.db import open_database
    from records.ingest import document_versions
    from records.storage.objects import LocalObjectStore
    from usecases.intake import ingest_dossier

    folder = Path(__file__).resolve().parents[2] / "samples" / "dossiers"
    names = ["0003_id_card_card_sides_separate_front", "0003_id_card_card_sides_separate_back"]
    truth = {name: value for name in names
             for name, value in json.loads((folder / f"{name}.truth.json").read_text())["documents"][0]["fields"].items()}
    db = open_database(f"sqlite:///{tmp_path / 'hoso.db'}")
    try:
        outcome = ingest_dossier(db, LocalObjectStore(tmp_path / "objects"),
                                 [(f"{name}.jpg", (folder / f"{name}.jpg").read_bytes()) for name in names],
                                 procedure_code="ket-hon", branch="b1")
        front_page = outcome.files[0].result.pages[0]
        assert OCR_ROWS in front_page.readings and PARTNER_QR in front_page.readings  # read in part
        assert int(front_page.readings[OCR_ROWS].split(",")[0]) > 0.5 * front_page.height
        [card] = outcome.documents
        fields = document_versions(db, card.id)[-1].fields
        assert fields["mrz"].split() == truth.pop("mrz").split() and not truth.pop("expiry_no_expiry")  # stored on one line
        assert {name: fields.get(name) for name in truth} == truth
        assert card.number == truth["id_number"] and outcome.id_number == truth["id_number"]
    finally:
        db.close()
