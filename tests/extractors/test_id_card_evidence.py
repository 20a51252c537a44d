"""The id number and nationality a checked MRZ confirms when its unchecked copy of the id was misread."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "readers"))

from test_mrz import make_mrz  # noqa: E402

from extractors.id_card import apply_mrz_evidence, settle  # noqa: E402
from extractors.id_card_evidence import (  # noqa: E402
    PREFIX_AGREED, PREFIX_ONCE, UNKNOWN, expiry_by_law, id_number_from_mrz, name_line_spelling_mrz_name, nationality_from_mrz,
    printed_id_candidates)
from extractors.readers.mrz import MrzReading, parse_td1  # noqa: E402
from schemas import Document, Field, Page, Word  # noqa: E402

ID = "079063860342"  # province 079, a man born in 1963


def card_mrz(optional_copy: str) -> MrzReading:
    """A 2021 card's MRZ as the cards print it (the id's copy with no check digit of its own), the copy read as given."""
    line1, line2, line3 = make_mrz(ID, "630110", "M", "<<<<<<", "LY<<QUOC<LAM")
    line1 = line1[:15] + optional_copy + "<<<"
    reading = parse_td1("\n".join([line1, line2, line3]))
    assert reading is not None and reading.checks["document_number"] and reading.checks["birth_date"]
    return reading


def front(*texts: str) -> Page:
    words = [Word(text=text, confidence=0.5, bbox=(10, 10 + 30 * i, 200, 35 + 30 * i), line=i) for i, text in enumerate(texts)]
    return Page(number=1, width=900, height=568, dpi=300, source="ocr", words=words)


def test_a_misread_copy_of_the_id_is_rebuilt_from_the_checked_tail_and_the_printed_province():
    reading = card_mrz("079963860342")  # the copy's fourth digit misread: it no longer repeats the document number
    assert reading.id_number is None
    printed = printed_id_candidates([front("Số", "079063862342")], None)  # the print misread in the tail
    assert id_number_from_mrz(reading, printed) == (ID, PREFIX_AGREED)


def test_a_province_read_once_or_read_differently_is_not_accepted_unseen():
    reading = card_mrz("079963860342")
    assert id_number_from_mrz(reading, []) == (ID, PREFIX_ONCE)
    # the print's province differs from the MRZ's copy: neither is confirmed
    rebuilt = id_number_from_mrz(reading, ["001063860342"])
    assert rebuilt is not None and rebuilt[1] == PREFIX_ONCE


def test_a_printed_number_of_another_tail_or_a_code_no_province_has_gives_nothing():
    reading = card_mrz("999963860342")  # 999 is no province code
    assert id_number_from_mrz(reading, ["079011112222"]) is None  # another person's tail


def test_a_province_whose_id_disagrees_with_the_birth_year_is_refused():
    reading = card_mrz("079963860342")
    line1, line2, line3 = reading.lines
    born_1971 = parse_td1("\n".join(make_mrz("079071260342", "710110", "M", "<<<<<<", "LY<<QUOC<LAM")))
    assert born_1971 is not None
    # the document number 063860342 says born in '63: a reading claiming 1971 rebuilds nothing
    mixed = MrzReading(**{**born_1971.__dict__, "document_number": reading.document_number, "id_number": None,
                          "lines": (line1, line2, line3)})
    assert id_number_from_mrz(mixed, ["079063860342"]) is None


def test_the_document_takes_the_rebuilt_id_and_the_citizens_nationality():
    document = Document(document_type="id_card", pages=[1])
    document.fields["nationality"] = Field(value="Nabonalesy Việt Nam", confidence=0.02, source="ocr")
    apply_mrz_evidence(document, card_mrz("079963860342"), [front("079063862342")])
    assert (document.fields["id_number"].value, document.fields["id_number"].source) == (ID, "mrz")
    assert document.fields["id_number"].confidence >= 0.9
    assert (document.fields["nationality"].value, document.fields["nationality"].source) == ("Việt Nam", "mrz")


def test_a_qr_id_is_left_alone_and_a_failed_mrz_says_nothing_of_nationality():
    document = Document(document_type="id_card", pages=[1])
    document.fields["id_number"] = Field(value="079063860341", confidence=0.99, source="qr")
    apply_mrz_evidence(document, card_mrz("079963860342"), [front("079063862342")])
    assert document.fields["id_number"].value == "079063860341"
    failing = card_mrz("079063860342")
    failing.checks["expiry_date"] = False
    assert nationality_from_mrz(failing) is None
    assert nationality_from_mrz(card_mrz("079063860342")) == "Việt Nam"


def lines_page(*lines: str) -> Page:
    words = [Word(text=text, confidence=0.6, bbox=(10 + 60 * i, 10 + 30 * n, 60 + 60 * i, 35 + 30 * n), line=n)
             for n, line in enumerate(lines) for i, text in enumerate(line.split())]
    return Page(number=2, width=900, height=568, dpi=300, source="ocr", words=words)


def test_the_one_other_date_a_back_prints_up_to_today_is_found_with_its_page_and_box():
    from extractors.id_card_evidence import only_other_date

    back = lines_page("Đà điểm cTiáp dạng ( Persanai kieg:9P<", "Mgay Điácg nêm / Dac so ve 30/12/2022", "IDVNM<<<")
    found = only_other_date([back], known=set(), latest="2026-12-03")
    assert found is not None and found[:2] == ("2022-12-30", 2)
    assert found[2] == next(word.bbox for word in back.words if word.text == "30/12/2022")
    both = lines_page("Mgay Điácg 30/12/2022", "Mgay hét 21/06/2044")  # a 2024 back: issue and expiry
    assert only_other_date([both], known=set(), latest="2026-12-03")[0] == "2022-12-30"  # type: ignore[index]
    assert only_other_date([both], known={"2022-12-30"}, latest="2026-12-03") is None  # known: the expiry is later
    assert only_other_date([lines_page("Mgay 36/12/2002")], known=set(), latest="2026-12-03") is None  # no such day
    two = lines_page("Mgay 30/12/2022", "18/06/1975")
    assert only_other_date([two], known=set(), latest="2026-12-03") is None  # which one?
    assert only_other_date([two], known={"1975-06-18"}, latest="2026-12-03")[0] == "2022-12-30"  # type: ignore[index]


def test_a_cards_issue_date_whose_label_is_unread_is_its_backs_one_other_date_for_a_person_to_confirm():
    from extractors.id_card import _issue_date_unlabelled
    from extractors.validate import TRUSTED

    back = lines_page("Đà điểm cTiáp dạng", "Mgay Điácg nêm 30/12/2022", "Ngày hết 21/06/2044", "IDVNM<<<<<<<<")
    document = Document(document_type="id_card", pages=[2], fields={
        "expiry_date": Field(value="2044-06-21", confidence=0.95, source="mrz")})
    _issue_date_unlabelled(document, [back])
    issued = document.fields["issue_date"]
    assert issued.value == "2022-12-30" and issued.page == 2 and issued.confidence < TRUSTED
    assert issued.note is not None and "label unread" in issued.note
    front = lines_page("CĂN CƯỚC CÔNG DÂN", "Full name", "Date of birth 30/12/2022")  # not a back: no issue date
    document = Document(document_type="id_card", pages=[2])
    _issue_date_unlabelled(document, [front])
    assert "issue_date" not in document.fields


def test_a_2024_backs_place_of_birth_registration_whose_label_is_unread_is_its_one_other_place_of_units():
    from extractors.id_card import _birth_registration_unlabelled
    from extractors.validate import TRUSTED

    residence = "Thôn Thượng, Xã Đông Phong, Huyện Yên Phong, Tỉnh Bắc Ninh"
    back = lines_page("Nơi cư trú / Place of residence", "Thân Yhương, Xã Đông Phong, JauyĐn.Vấ% Phong, Vinh Bác:",
                      "xong) hoc dí bunh", "Xã Tân Thông Hội, Huyện Cú Chi,", "Thành phố Hồ Chí Minh",
                      "Ngày, tháng, năm cấp / Date of issue: 29/03/2025", "IDVNM<<<<<<<<")

    def found(variant: str, lived: str = residence) -> Field | None:
        document = Document(document_type="id_card", pages=[2], variant=variant, fields={
            "place_of_residence": Field(value=lived, confidence=0.99, source="qr")})
        _birth_registration_unlabelled(document, [back])
        return document.fields.get("place_of_birth_registration")

    place = found("can_cuoc_2024")  # the residence's own garbled line is no other place; the wrapped one is
    assert place is not None and place.value == "Xã Tân Thông Hội, Huyện Củ Chi, Thành phố Hồ Chí Minh"
    assert place.confidence < TRUSTED and place.page == 2 and place.note is not None and "label unread" in place.note
    assert found("cccd_2021") is None  # a 2021 card prints no place of birth registration
    assert found("can_cuoc_2024", lived="Số 5 phố Huế, Phường Hàng Bài, Thành phố Hà Nội") is None  # two places: which?


def test_the_name_whose_label_ocr_lost_is_the_line_in_capitals_that_spells_the_mrz_name():
    reading = parse_td1("\n".join(make_mrz("079174962319", "741026", "F", "341026", "DU0NG<<TH1I<TRINH")))
    assert reading is not None
    page = lines_page("CĂN CƯỚC", "079174962319", "lí ChỞ đêm có tát bu", "DƯƠNG THỊ TRINH", "26/10/1974")
    found = name_line_spelling_mrz_name([page], reading)
    assert found is not None and found[:2] == ("DƯƠNG THỊ TRINH", 2)
    document = Document(document_type="id_card", pages=[2])
    apply_mrz_evidence(document, reading, [page])
    assert document.fields["full_name"].value == "DƯƠNG THỊ TRINH"
    assert document.fields["full_name"].confidence < 0.9  # its tone marks nothing checks
    # a label's noise read as the name: the line the MRZ spells is the name all the same
    document = Document(document_type="id_card", pages=[2], fields={
        "full_name": Field(value="SEM Ẽ", confidence=0.17, page=2, source="ocr")})
    apply_mrz_evidence(document, reading, [page])
    assert document.fields["full_name"].value == "DƯƠNG THỊ TRINH"
    # a blurred label's last letters read onto the name's line: the capitals after them still spell it
    page = lines_page("CĂN CƯỚC", "079174962319", "løi DƯƠNG THỊ TRINH", "26/10/1974")
    found = name_line_spelling_mrz_name([page], reading)
    assert found is not None and found[0] == "DƯƠNG THỊ TRINH" and found[2][0] == 70  # the name's own box
    # a capitals word before it is no part of a name the MRZ spells in three words
    page = lines_page("CĂN CƯỚC", "079174962319", "SẮ DƯƠNG THỊ TRINH", "26/10/1974")
    found = name_line_spelling_mrz_name([page], reading)
    assert found is not None and found[0] == "DƯƠNG THỊ TRINH"


def test_the_line_the_mrz_name_spells_takes_a_names_marks_where_its_letters_have_one():
    # a phone photo's name line read without the surname's mark: HUYNH is no surname, HUỲNH the only one so spelled
    reading = parse_td1("\n".join(make_mrz("079174962319", "741026", "M", "341026", "HUYNH<<DUC<DUY<DUNG")))
    assert reading is not None
    document = Document(document_type="id_card", pages=[2])
    apply_mrz_evidence(document, reading, [lines_page("CĂN CƯỚC", "079174962319", "HUYNH ĐỨC DUY DŨNG")])
    name = document.fields["full_name"]
    assert name.value == "HUỲNH ĐỨC DUY DŨNG" and name.confidence < 0.9


def test_a_name_found_by_the_mrz_is_never_accepted_unseen_whatever_calibration_makes_of_names():
    from extractors.calibration import calibrate
    from extractors.spec import spec_for

    reading = parse_td1("\n".join(make_mrz("079174962319", "741026", "F", "341026", "DUONG<<THI<TRINH")))
    assert reading is not None
    document = Document(document_type="id_card", pages=[2])
    apply_mrz_evidence(document, reading, [lines_page("CĂN CƯỚC", "DƯƠNG THỊ TRINH")])
    document.fields["full_name"].confidence = 0.99  # however sure: its marks are the print's alone
    calibrate(document, spec_for("id_card"))
    assert document.fields["full_name"].confidence < 0.9


def test_no_line_or_two_lines_spelling_the_mrz_name_give_no_name():
    reading = parse_td1("\n".join(make_mrz("079174962319", "741026", "F", "341026", "DUONG<<THI<TRINH")))
    assert reading is not None
    assert name_line_spelling_mrz_name([lines_page("CĂN CƯỚC", "NGUYỄN VĂN AN")], reading) is None
    assert name_line_spelling_mrz_name([lines_page("DƯƠNG THỊ TRINH", "DƯƠNG THỊ TRÌNH")], reading) is None


def test_the_law_gives_a_cards_expiry_from_the_birth_and_issue_dates():
    born = date(2005, 7, 9)
    assert expiry_by_law(born, date(2025, 4, 13), "can_cuoc_2024") == date(2030, 7, 9)  # renewed at 25
    assert expiry_by_law(born, date(2028, 8, 1), "can_cuoc_2024") == date(2045, 7, 9)  # within two years of 25: to 40
    assert expiry_by_law(date(2015, 3, 2), date(2024, 7, 1), "can_cuoc_2024") == date(2029, 3, 2)  # a child's: 14
    assert expiry_by_law(date(2015, 3, 2), date(2024, 7, 1), "cccd_2021") == date(2040, 3, 2)  # no 14 on a CCCD
    assert expiry_by_law(date(1960, 1, 5), date(2021, 6, 1), "cccd_2021") is None  # after 58: no expiry
    assert expiry_by_law(date(2004, 2, 29), date(2024, 7, 1), "can_cuoc_2024") == date(2029, 3, 1)
    assert expiry_by_law(born, date(2025, 4, 13), "cmnd") == UNKNOWN


def _card(expiry: Field, issue_confidence: float = 0.99) -> Document:
    return Document(document_type="id_card", variant="can_cuoc_2024", fields={
        "date_of_birth": Field(value="2005-07-09", confidence=0.99, source="qr"),
        "issue_date": Field(value="2025-04-13", confidence=issue_confidence, source="qr"),
        "expiry_date": expiry})


def test_an_expiry_read_as_the_law_gives_it_is_trusted_more_and_one_read_otherwise_goes_to_a_person():
    agreeing = _card(Field(value="2030-07-09", confidence=0.8, source="ocr"))
    settle(agreeing)
    assert agreeing.fields["expiry_date"].confidence == pytest.approx(0.95) and not agreeing.needs_review
    other = _card(Field(value="2038-07-09", confidence=0.95, source="ocr"))
    settle(other)
    assert other.fields["expiry_date"].confidence < 0.9 and other.needs_review
    unsure_issue = _card(Field(value="2038-07-09", confidence=0.95, source="ocr"), issue_confidence=0.6)
    settle(unsure_issue)  # the issue date may be the misread one: nothing is concluded
    assert unsure_issue.fields["expiry_date"].confidence == 0.95 and not unsure_issue.needs_review
    off_birthday = _card(Field(value="2029-04-23", confidence=0.95, source="ocr"), issue_confidence=0.3)
    settle(off_birthday)  # whatever the issue date, no card expires but on its holder's birthday
    assert off_birthday.fields["expiry_date"].confidence < 0.9 and off_birthday.needs_review


def test_an_expiry_whose_print_was_not_read_is_the_laws_date_for_a_person_to_confirm():
    card = _card(Field(value=None, confidence=0.0, source="ocr"))
    settle(card)
    field = card.fields["expiry_date"]
    assert field.value == "2030-07-09" and field.confidence < 0.9 and field.note.startswith("derived")
    no_expiry_misread = _card(Field(value=None, no_expiry=True, confidence=0.9, source="ocr"))
    settle(no_expiry_misread)  # "Không thời hạn" read for a 20-year-old's card
    assert no_expiry_misread.needs_review


def test_an_issue_date_on_or_before_the_birth_or_before_the_card_existed_is_another_date_read_in_its_place():
    for issued, why in (("2005-07-09", "not after the birth date"), ("2023-05-01", "before this card was first issued")):
        card = _card(Field(value=None, confidence=0.0, source="ocr"))
        card.fields["issue_date"] = Field(value=issued, confidence=0.97, source="ocr")
        settle(card)
        assert card.fields["issue_date"].confidence < 0.9 and f"issue_date: {why}" in card.review_reasons
    card = _card(Field(value="2030-07-09", confidence=0.8, source="ocr"))  # 2025-04-13: after both
    settle(card)
    assert card.fields["issue_date"].confidence == 0.99 and not card.review_reasons


def test_the_cards_only_12_digit_number_with_a_real_province_code_is_its_id_number_when_its_label_is_unread():
    from extractors.id_card_evidence import only_printed_id

    page = lines_page("CĂN CƯỚC CÔNG DÂN", "%A: 9© 044093241815", "BÙI ANH HƯNG", "08/10/1993")
    found = only_printed_id([page])
    assert found is not None and found[:2] == ("044093241815", 2)
    assert only_printed_id([lines_page("CĂN CƯỚC", "999093241815")]) is None  # no such province
    assert only_printed_id([lines_page("044093241815", "001151136965")]) is None  # two: which one?
