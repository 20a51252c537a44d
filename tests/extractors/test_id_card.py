"""ID-card cross-checks: the MRZ name line against the name the QR code holds; what OCR must read of a side
whose QR code decoded."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "readers"))

from test_mrz import make_mrz  # noqa: E402

from extractors.id_card import apply_mrz, cross_check_qr_mrz, mrz_name_line, reading_zone  # noqa: E402
from extractors.readers.mrz import parse_td1  # noqa: E402
from extractors.readers.qr import parse_qr_payload  # noqa: E402
from extractors.registry import zone_suffices  # noqa: E402
from schemas import Document, Field, Page, Word  # noqa: E402


def card_with_qr_name(name: str) -> Document:
    document = Document(document_type="id_card", pages=[1])
    document.fields["full_name"] = Field(value=name, confidence=0.99, source="qr", page=1)
    return document


def test_the_name_line_is_spelled_as_a_vietnamese_name_without_marks():
    assert mrz_name_line("ĐỖ THỊ HỒNG NHUNG") == "DO<<THI<HONG<NHUNG".ljust(30, "<")
    assert mrz_name_line("NGUYỄN") is None and mrz_name_line("NGUYỄN " + "VĂN " * 8 + "AN") is None


@pytest.mark.parametrize(("read_line", "rebuilt"), [
    ("VNTHANHCNGA", True),  # the same name, misread: the QR's spelling of it is the printed line
    ("TRAN<<BICH<NGOC", False),  # another name: both are left to a person
])
def test_a_misread_name_line_takes_the_qr_name_and_another_name_is_distrusted(read_line, rebuilt):
    lines = make_mrz("079192381719", "920113", "F", "320113", "VO<<THANH<NGA")
    reading = parse_td1("\n".join([lines[0], lines[1], read_line.ljust(30, "<")]))
    document = card_with_qr_name("VÕ THANH NGA")
    apply_mrz(document, (reading, Page(number=1, width=100, height=60, dpi=300, source="ocr")), has_qr=True)
    mrz = document.fields["mrz"]
    assert (mrz.value.splitlines()[2] == "VO<<THANH<NGA".ljust(30, "<")) is rebuilt
    assert (mrz.confidence >= 0.9) is rebuilt


@pytest.mark.parametrize(("id_number", "read_line", "trusted"), [
    ("079192381719", "VO<<THANH<NCA", True),  # the QR code's card, its name line misread by a letter
    ("079192381719", "TRAN<<BICH<NGOC", False),  # another name: a person looks
    ("001192381719", "VO<<THANH<NCA", False),  # another card's MRZ: its name line proves nothing
])
def test_a_name_line_ocr_misread_does_not_distrust_the_qr_codes_name(id_number, read_line, trusted):
    lines = make_mrz(id_number, "920113", "F", "320113", "VO<<THANH<NGA")
    reading = parse_td1("\n".join([lines[0], lines[1], read_line.ljust(30, "<")]))
    qr = parse_qr_payload("079192381719||VÕ THANH NGA|13011992|Nữ|Phường Bến Thành, Thành phố Hồ Chí Minh|05032024")
    side = Page(number=1, width=100, height=60, dpi=300, source="ocr")
    document = card_with_qr_name("VÕ THANH NGA")
    cross_check_qr_mrz(document, (qr, side), (reading, side))
    assert (document.fields["full_name"].confidence == 0.99) is trusted
    assert ("full_name: QR and MRZ disagree" in document.review_reasons) is not trusted


# --- what OCR must read of a card side, and when the MRZ is read twice --------------------------------

QR_PAYLOAD = "079192381719||VÕ THANH NGA|13011992|Nữ|Số 12 đường Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh|05032024|"


def test_a_front_whose_qr_code_decoded_top_right_is_read_from_its_middle_down():
    zone = reading_zone(883, 1400, [((1050, 60, 1290, 300), QR_PAYLOAD)])
    assert zone is not None and (zone.top, zone.bottom) == (441, 883)
    assert "Quê quán" in zone.needed


@pytest.mark.parametrize(("box", "payload"), [
    ((60, 60, 300, 300), QR_PAYLOAD),  # top left: a 2024 back, whose upper part prints what the code lacks
    ((110, 580, 350, 820), QR_PAYLOAD),  # bottom left: a 2021 front upside down
    ((1050, 60, 1290, 300), "https://example.org/thẻ"),  # not an id card's payload
    ((1050, 60, 1290, 300), QR_PAYLOAD.replace("079192381719", "07919238171")),  # an id number of 11 digits
])
def test_any_other_code_leaves_the_whole_side_to_read(box, payload):
    assert reading_zone(883, 1400, [(box, payload)]) is None


def lower_half(*lines: str) -> Page:
    """A 2021 front's lower half as read: one word per printed word, lines 30 px apart, on the whole side."""
    words = [Word(text=text, confidence=0.9, bbox=(400 + 70 * i, 450 + 30 * n, 460 + 70 * i, 470 + 30 * n), line=n)
             for n, line in enumerate(lines) for i, text in enumerate(line.split())]
    return Page(number=1, width=1400, height=883, dpi=300, source="ocr", words=words)


READ_WELL = ["Ngày sinh / Date of birth: 13/01/1992", "Giới tính / Sex: Nữ Quốc tịch / Nationality: Việt Nam",
             "Quê quán / Place of origin: Xã Hòa Bình, Tỉnh Hòa Bình", "Có giá trị đến / Date of expiry: 13/01/2032"]


def test_the_zone_reading_must_show_what_the_code_lacks_and_name_its_type():
    zone = reading_zone(883, 1400, [((1050, 60, 1290, 300), QR_PAYLOAD)])
    assert zone is not None
    assert zone_suffices(zone, lower_half(*READ_WELL))
    assert zone_suffices(zone, lower_half(*(unicodedata.normalize("NFD", line) for line in READ_WELL)))  # marks apart
    assert not zone_suffices(zone, lower_half(*READ_WELL[:2], READ_WELL[3]))  # no place of origin
    # a poor photo: the place of origin's label, but no other label the type is known by
    assert not zone_suffices(zone, lower_half("Ngày se / Daoc bơ: 09/04/1985", "Quê quán ! Plscc of cviQri",
                                              "Phường Phan Thiết, Thành phố Tuyên Quang"))



def _front_with_its_labels_unread() -> Page:
    """A small card's front photographed on a sheet: its values read, its labels read as noise."""
    rows = ["CĂN CƯỚC CÔNG DÂN", "⁄“/1“ 079094962526", "lˆo và in 02.”", "- ki LÊ BẢO TRƯỜNG",
            "li oyey to»: Oete oý thế 25/09/1994", "5” 6® se. Nam Quốc ta 5: dư ees@đy Việt Nam",
            "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh", "Có giá trị đến 25/09/2034"]
    words = [Word(text=token, confidence=0.9, bbox=(60 + 90 * i, 60 * n, 140 + 90 * i, 60 * n + 30), line=n)
             for n, row in enumerate(rows) for i, token in enumerate(row.split())]
    return Page(number=1, width=1400, height=900, dpi=300, source="ocr", words=words)


def test_a_fronts_values_whose_labels_ocr_lost_are_found_by_what_they_are_for_a_person_to_confirm():
    from extractors.id_card import UNLABELLED
    from extractors.registry import extract_as

    document = extract_as([_front_with_its_labels_unread()], "id_card", {})
    got = {name: document.fields[name].value for name in ("id_number", "full_name", "date_of_birth", "sex", "nationality")}
    assert got == {"id_number": "079094962526", "full_name": "LÊ BẢO TRƯỜNG", "date_of_birth": "1994-09-25",
                   "sex": "Nam", "nationality": "Việt Nam"}
    for name in ("full_name", "date_of_birth", "sex", "nationality"):
        assert document.fields[name].note == UNLABELLED and document.fields[name].confidence < 0.9, name
    assert document.needs_review
    assert "place_of_origin" not in document.fields  # one place alone: origin or residence, which cannot be told


def test_a_fronts_two_places_whose_labels_ocr_lost_are_its_origin_then_its_residence_for_a_person_to_confirm():
    from extractors.id_card import UNLABELLED
    from extractors.registry import extract_as

    page = _front_with_its_labels_unread()
    rows = ["|. 2: ga 0 đsộp", "Phường 1, Thành phố Đà Lạt, Tỉnh Lâm Đồng",
            "gử c 4# — Mọi Sướng si TỔ dân phố số 4, Xã Hòa", "~. ....“ Phong, Huyện Hòa Vang, Thành phố Đà Nắng"]
    page.words = [w for w in page.words if w.line < 6] + [
        Word(text=token, confidence=0.9, bbox=(60 + 90 * i, 60 * n, 140 + 90 * i, 60 * n + 30), line=n)
        for n, row in enumerate(rows, start=6) for i, token in enumerate(row.split())]
    document = extract_as([page], "id_card", {})
    origin, residence = document.fields["place_of_origin"], document.fields["place_of_residence"]
    assert origin.value == "Phường 1, Thành phố Đà Lạt, Tỉnh Lâm Đồng"
    assert residence.value == "Tổ dân phố số 4, Xã Hòa Phong, Huyện Hòa Vang, Thành phố Đà Nẵng"
    assert origin.note == residence.note == UNLABELLED and max(origin.confidence, residence.confidence) < 0.9


def test_a_backs_marks_whose_label_ocr_lost_are_its_one_line_that_reads_as_a_description_for_a_person():
    from extractors.registry import extract_as

    def back(rows: list[str]) -> Page:
        words = [Word(text=token, confidence=0.9, bbox=(60 + 90 * i, 60 * n, 140 + 90 * i, 60 * n + 30), line=n)
                 for n, row in enumerate(rows) for i, token in enumerate(row.split())]
        return Page(number=1, width=1400, height=900, dpi=300, source="ocr", words=words)

    rows = ["Mật sau", "lớc tưn chức dưng, Con cA.g 2g®9 say.", "Seo chấm C:2cm dưới trước đuôi mắt phải",
            "IDVNM0795548136037979554813<<<", "7907284M3407283VNM<<<<<<<<<<<0", "VO<<PHAN<VAN<LOC<<<<<<<<<<<<<<"]
    marks = extract_as([back(rows)], "id_card", {}).fields["personal_identification"]
    assert marks.value == "Sẹo chấm C:2cm dưới trước đuôi mắt phải" and marks.confidence < 0.9
    rows[3:3] = ["mũi trái"]  # a description that wraps is read on
    assert extract_as([back(rows)], "id_card", {}).fields["personal_identification"].value == \
        "Sẹo chấm C:2cm dưới trước đuôi mắt phải mũi trái"
    del rows[2:4]  # the label's noise alone is no description
    assert "personal_identification" not in extract_as([back(rows)], "id_card", {}).fields
