"""A card side whose QR code decoded is read only where it prints what the code lacks (a 2021 front: its lower
half), and read whole when that part does not show it; the code's payload is decoded once, as UTF-8 (NFC)."""

from __future__ import annotations

import io
import unicodedata

import cv2
import numpy as np
import segno
from doubles import LinesEngine

from pipeline.prepare import PreparedPage, qr_codes
from pipeline.load import SourcePage
from usecases.process import OCR_ROWS, coded_zone, read_prepared

PAYLOAD = "079192381719||VÕ THANH NGA|13011992|Nữ|Số 12 đường Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh|05032024|"
HEIGHT, WIDTH = 883, 1400
QR_BOX = (1050, 60, 1290, 300)


def card_with_code(scale: int = 4, left: int = 1060, top: int = 70) -> np.ndarray:
    """A white card side with the payload's QR code in its top-right corner."""
    buffer = io.BytesIO()
    segno.make(PAYLOAD, error="m", mode="byte", encoding="utf-8").save(buffer, kind="png", scale=scale, border=4)
    code = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)
    card = np.full((HEIGHT, WIDTH), 255, np.uint8)
    card[top:top + code.shape[0], left:left + code.shape[1]] = code
    return card


def prepared_front(payload: str = PAYLOAD) -> PreparedPage:
    return PreparedPage(image=np.full((HEIGHT, WIDTH), 255, np.uint8), kind="card", cropped=True,
                        codes=[(QR_BOX, payload)])


def source() -> SourcePage:
    return SourcePage(number=1, dpi=300, width=WIDTH, height=HEIGHT)


def test_a_card_code_is_decoded_once_with_its_box_and_its_vietnamese_payload_in_nfc():
    codes = qr_codes(card_with_code())
    assert len(codes) == 1
    (x0, y0, x1, y1), text = codes[0]
    assert text == PAYLOAD and unicodedata.is_normalized("NFC", text)
    assert x0 <= 1060 + 16 < x1 and y0 <= 70 + 16 < y1 and x1 <= WIDTH and y1 <= HEIGHT


def test_a_code_too_small_for_the_whole_side_is_found_in_its_corner_enlarged():
    codes = qr_codes(card_with_code(scale=2, left=1150, top=90))
    assert [text for _, text in codes] == [PAYLOAD]
    (x0, y0, x1, y1), _ = codes[0]
    assert 1140 <= x0 <= 1150 + 8 and x1 <= WIDTH and y0 <= 90 + 8  # the box in the side's pixels, not the crop's


def test_a_front_with_its_code_decoded_is_read_from_its_middle_down_and_its_words_placed_on_the_side():
    engine = LinesEngine(["Quốc tịch / Nationality: Việt Nam", "Quê quán / Place of origin: Xã Hòa Bình"])
    read = read_prepared(source(), prepared_front(), engine, False, {})
    assert engine.shapes == [(HEIGHT - HEIGHT // 2, WIDTH)]
    assert read.page.readings[OCR_ROWS] == f"{HEIGHT // 2},{HEIGHT}"
    assert {word.bbox[1] for word in read.page.words} == {10 + HEIGHT // 2, 40 + HEIGHT // 2}
    assert read.page.rotation == 0 and read.image.shape == (HEIGHT, WIDTH)  # the page image is the whole side


def test_a_zone_that_does_not_show_what_the_code_lacks_is_read_whole():
    engine = LinesEngine(["Nơi thường trú / Place of residence: Phường Bến Thành"],
                         ["CĂN CƯỚC CÔNG DÂN", "Họ và tên / Full name: VÕ THANH NGA", "Quê quán: Xã Hòa Bình"])
    read = read_prepared(source(), prepared_front(), engine, False, {})
    assert engine.shapes == [(HEIGHT - HEIGHT // 2, WIDTH), (HEIGHT, WIDTH)]
    assert OCR_ROWS not in read.page.readings and read.page.text.startswith("CĂN CƯỚC CÔNG DÂN")


def test_a_side_without_an_id_cards_code_is_read_whole():
    assert coded_zone(prepared_front("https://dichvucong.gov.vn/thẻ")) is None
    assert coded_zone(PreparedPage(image=np.full((HEIGHT, WIDTH), 255, np.uint8), kind="card")) is None
    sheet = PreparedPage(image=np.full((1754, 1240), 255, np.uint8), kind="sheet", codes=[(QR_BOX, PAYLOAD)])
    assert coded_zone(sheet) is None
