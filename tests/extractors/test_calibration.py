"""The calibration table: fitted from right/wrong values, order-preserving, ≥ 0.9 only above the fit."""

from __future__ import annotations

import math

from extractors.calibration import (
    ACCEPT, CHECKED_WORDING, CORROBORATED, DIFFERS, calibrate, calibrated, field_group, group_of,
)
from extractors.engine import field_from_words
from extractors.kinds import PRINTED_OTHERWISE_NOTE, READERS, RESPELLED, RESPELLED_NOTE, UNMARKED
from extractors.marital_status_confirmation import STATUS_PHRASES, wording_checked
from extractors.spec import spec_for
from schemas import Document, Field, Page, Word
from tools.calibrate import MIN_SUPPORT, Sample, _samples_of, fit


def test_the_accept_point_is_the_lowest_confidence_above_every_wrong_value() -> None:
    right = [Sample("name", 0.80 + i * 0.004, True) for i in range(40)]  # 0.800 … 0.956
    wrong = [Sample("name", 0.83, False), Sample("name", 0.40, False)]
    threshold = fit(right + wrong)["name"]
    assert threshold.accept_from == math.ceil(1000 * min(s.confidence for s in right if s.confidence > 0.83)) / 1000
    assert threshold.support == sum(s.confidence > 0.83 for s in right) and threshold.seen == 42


def test_a_group_with_too_little_support_is_never_accepted_unseen() -> None:
    few = [Sample("address", 0.95, True)] * (MIN_SUPPORT - 1)
    threshold = fit(few)["address"]
    assert threshold.accept_from == 1.0
    assert calibrated(0.999, threshold.accept_from) < ACCEPT


def test_calibration_keeps_the_order_and_maps_the_accept_point_to_0_9() -> None:
    values = [0.1, 0.5, 0.79, 0.8, 0.85, 0.99, 1.0]
    mapped = [calibrated(v, 0.8) for v in values]
    assert mapped == sorted(mapped)
    assert calibrated(0.8, 0.8) == ACCEPT and calibrated(0.79, 0.8) < ACCEPT and calibrated(1.0, 0.8) == 1.0


def test_a_closed_lists_member_read_doubtfully_by_tesseract_may_still_be_accepted() -> None:
    low = [Sample(group, 0.25 + i * 0.005, True) for i in range(120) for group in ("vocabulary", "name")]  # to 0.845
    garbage = [Sample("vocabulary", 0.1, False), Sample("name", 0.1, False)]
    fitted = fit(low + garbage)
    assert fitted["vocabulary"].accept_from == 0.25  # "Nam" at 0.3 is a member whatever Tesseract hesitated over
    assert fitted["name"].accept_from == 0.6  # a name's syllables are an open set: never below the floor
    assert fit([Sample("vocabulary+doubted", 0.25 + i * 0.005, True) for i in range(120)])[
        "vocabulary+doubted"].accept_from == 0.6


def test_a_value_checked_or_read_twice_alike_may_be_accepted_from_0_5_but_one_read_once_or_with_a_house_number_not() -> None:
    low = [Sample(group, 0.25 + i * 0.005, True) for i in range(120)
           for group in ("name+twice", "address+registered", "address+street", "name")]
    fitted = fit(low)
    assert fitted["name+twice"].accept_from == 0.5 and fitted["address+registered"].accept_from == 0.5
    assert fitted["name"].accept_from == 0.6 and fitted["address+street"].accept_from == 0.6  # house numbers unchecked


def test_a_list_value_the_list_does_not_know_is_not_vouched_for_by_it() -> None:
    unknown = READERS["nationality"]("iệt Ni")
    assert unknown.problems
    field = Field(value=unknown.value, confidence=0.5, note=unknown.problems[0])
    assert field_group(field, "nationality") == "vocabulary+doubted"
    assert field_group(Field(value="Việt Nam", confidence=0.5), "nationality") == "vocabulary"
    assert field_group(Field(value="Việt Nam", confidence=0.5, note=CORROBORATED), "nationality") == "vocabulary+twice"


def test_groups_tell_corroborated_values_apart() -> None:
    assert group_of("name", False) == "name" and group_of("name", True) == "name+twice"
    assert group_of("unit_address", False) == "address" and group_of("sex", False) == "vocabulary"
    assert group_of("text", False, "x" * 61) == "long_text" and group_of("text", False, "ngắn") == "text"


def test_an_address_whose_every_part_is_registered_is_its_own_group() -> None:
    assert group_of("unit_address", False, "Xã Đông Phong, Huyện Yên Phong, Tỉnh Bắc Ninh") == "address+registered"
    assert group_of("address", False, "Số 12 phố Tràng Tiền, Phường Tràng Tiền, Quận Hoàn Kiếm, Thành phố Hà Nội") \
        == "address+street"  # the street named as a registered ward is: only the house number is unchecked
    assert group_of("address", False, "Số 12 phố Tràng Tiên, Phường Tràng Tiền, Quận Hoàn Kiếm, Thành phố Hà Nội") \
        == "address"  # no place is named so: the street's marks are unchecked
    assert group_of("address", False, "Số 12 phố Tràng Tiền, Phường Tràng Tiền, Quận Hoàn Kiếm, Thành phố Hà Nội",
                    repaired=True) == "address"  # a unit snapped to the register is registered by construction


def test_a_value_whose_second_reading_differs_is_never_accepted_unseen() -> None:
    spec = spec_for("id_card")
    assert spec is not None
    document = Document(document_type="id_card", fields={
        "id_number": Field(value="045090985217", confidence=0.88, note=DIFFERS),
        "full_name": Field(value="NGUYỄN VĂN AN", confidence=0.88, note=CORROBORATED),
    })
    calibrate(document, spec)
    assert document.fields["id_number"].confidence < ACCEPT  # raw 0.88 would calibrate far above 0.9 for numbers
    assert document.fields["full_name"].confidence >= ACCEPT


def test_an_issuers_date_whose_second_reading_differs_is_never_accepted_unseen_though_no_kind_calibrates_it() -> None:
    spec = spec_for("residence_confirmation")
    assert spec is not None and "issue_date" not in spec.fields  # the issuer step's: on its raw scale
    document = Document(document_type="residence_confirmation", fields={
        "issue_date": Field(value="2023-12-21", confidence=0.95, note=DIFFERS),
        "issuing_authority": Field(value="Công an phường Trần Phú", confidence=0.95),
    })
    calibrate(document, spec)
    assert document.fields["issue_date"].confidence < ACCEPT
    assert document.fields["issuing_authority"].confidence == 0.95


def test_values_whose_readings_differ_are_left_out_of_the_fit() -> None:
    truth = {"document_type": "id_card", "fields": {"id_number": "045090935217", "sex": "Nam"}}
    found = Document(document_type="id_card", fields={
        "id_number": Field(value="045090985217", confidence=0.95, note=DIFFERS),
        "sex": Field(value="Nam", confidence=0.95),
    })
    assert [s.group for s in _samples_of(truth, found)] == ["vocabulary"]


NA_HANG = "Xã Na Hang, Tỉnh Tuyên Quang"  # the register spells the commune "Xã Nà Hang"


def _address_page(confidence: float, source: str = "ocr", elsewhere: str = "") -> tuple[Page, list[Word]]:
    words = [Word(text=text, confidence=confidence, bbox=(100 * i, 0, 100 * i + 90, 30), line=0)
             for i, text in enumerate(NA_HANG.split())]
    others = [Word(text=text, confidence=0.97, bbox=(100 * i, 60, 100 * i + 90, 90), line=1)
              for i, text in enumerate(elsewhere.split())]
    return Page(number=1, width=1000, height=200, dpi=300, source=source, words=words + others), words


def _calibrated_origin(page: Page, words: list[Word]) -> Field:
    spec = spec_for("birth_certificate")
    assert spec is not None
    reading = READERS["unit_address"](NA_HANG)
    field = field_from_words(reading.value, words, page, respelled=reading.extra.get(RESPELLED), note=None)
    document = Document(document_type="birth_certificate", fields={"place_of_origin": field})
    calibrate(document, spec)
    return document.fields["place_of_origin"]


def test_the_registers_spelling_over_marks_read_clearly_otherwise_is_never_accepted_unseen() -> None:
    # "Na" read at 0.97, the register's "Nà": the paper may print "Na Hang"; the register is no evidence of it
    field = _calibrated_origin(*_address_page(0.97))
    assert field.value == "Xã Nà Hang, Tỉnh Tuyên Quang"
    assert field.confidence < ACCEPT and RESPELLED_NOTE in (field.note or "") and "'Na'" in (field.note or "")
    # a text layer is the print itself: its spelling is kept, and a person settles which is right
    printed = _calibrated_origin(*_address_page(1.0, "text_layer"))
    assert printed.value == NA_HANG and printed.confidence < ACCEPT
    assert PRINTED_OTHERWISE_NOTE in (printed.note or "") and "'Nà'" in (printed.note or "")


def test_marks_read_clearly_that_no_unit_is_spelled_with_were_misread_and_the_registers_spelling_stands() -> None:
    from extractors.engine import respelling_doubt

    page = Page(number=1, width=1000, height=200, dpi=300, source="ocr", words=[])
    nôi = [Word(text="Nôi", confidence=0.97, bbox=(0, 0, 90, 30), line=0)]
    assert respelling_doubt([("Nôi", "Nội")], nôi, page) is None  # "Hà Nôi": no unit is spelled so
    na = [Word(text="Na", confidence=0.97, bbox=(0, 0, 90, 30), line=0)]
    assert respelling_doubt([("Na", "Nà")], na, page) is not None  # "Na Sang" is: another spelling, perhaps printed
    capitals = [Word(text="NA", confidence=0.93, bbox=(0, 0, 90, 30), line=0)]  # "CÔNG AN XÃ NA HANG"
    assert respelling_doubt([("NA", "NÀ")], capitals, page) is not None
    assert respelling_doubt([("Na", "Nà")], capitals, page) is not None  # the value in the running case
    assert respelling_doubt([("NÔI", "NỘI")], [Word(text="NÔI", confidence=0.97, bbox=(0, 0, 90, 30), line=0)],
                            page) is None


def test_the_registers_spelling_restores_marks_read_unsurely_or_printed_elsewhere() -> None:
    # OCR's unsure "Na" (its usual lost tone mark): the register repairs it as before
    assert _calibrated_origin(*_address_page(0.85)).confidence >= ACCEPT
    # the page prints the register's spelling elsewhere: another reading agrees with the register
    field = _calibrated_origin(*_address_page(0.97, elsewhere="Thôn Bắc, Xã Nà Hang"))
    assert field.confidence >= ACCEPT and field.note is None


def test_a_streets_word_whose_marks_ocr_likely_lost_keeps_an_ocr_value_below_the_trust_line() -> None:
    spec = spec_for("marital_status_confirmation")
    assert spec is not None
    printed = "Căn hộ 2305 tòa CT2, đường Xuân Thuy, Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội"
    for source, accepted in (("ocr", False), ("text_layer", True)):
        words = [Word(text=text, confidence=0.97, bbox=(60 * i, 0, 60 * i + 50, 30), line=0)
                 for i, text in enumerate(printed.split())]
        page = Page(number=1, width=2000, height=100, dpi=300, source=source, words=words)
        reading = READERS["address"](printed)
        field = field_from_words(reading.value, words, page, unmarked=reading.extra.get(UNMARKED))
        document = Document(document_type="marital_status_confirmation", fields={"residence": field})
        calibrate(document, spec)
        assert (document.fields["residence"].confidence >= ACCEPT) is accepted, source


def test_an_ocr_value_holding_a_backslash_is_never_accepted_unseen() -> None:
    # "\ ới ai": OCR's backslash for the left stroke of a V, read at 0.97; no field prints one
    spec = spec_for("marital_status_confirmation")
    assert spec is not None
    for printed, accepted in (("Chưa đăng ký kết hôn \\ ới ai", False), ("Chưa đăng ký kết hôn với ai", True)):
        words = [Word(text=text, confidence=0.97, bbox=(60 * i, 0, 60 * i + 50, 30), line=0)
                 for i, text in enumerate(printed.split())]
        page = Page(number=1, width=2000, height=100, dpi=300, source="ocr", words=words)
        checked = CHECKED_WORDING if wording_checked(printed, STATUS_PHRASES) else None  # as the type's reader notes
        document = Document(document_type="marital_status_confirmation",
                            fields={"marital_status": field_from_words(printed, words, page, note=checked)})
        calibrate(document, spec)
        assert (document.fields["marital_status"].confidence >= ACCEPT) is accepted, printed


def test_a_sentence_is_accepted_unseen_only_when_every_word_of_it_is_checked() -> None:
    spec = spec_for("marital_status_confirmation")
    assert spec is not None
    assert group_of("text", False, "x" * 80, checked_wording=True) == "text+checked"
    sentence = ("Có đăng ký kết hôn nhưng chồng đã chết (Trích lục khai tử số 208/TLKT-BS ngày 15/01/2010). "
                "Hiện tại chưa đăng ký kết hôn với ai")
    for note in (CHECKED_WORDING, None):  # a long sentence nothing checks is never accepted unseen
        document = Document(document_type="marital_status_confirmation", fields={"marital_status": Field(
            value=sentence, confidence=0.8, source="ocr", note=note)})
        calibrate(document, spec)
        assert (document.fields["marital_status"].confidence >= ACCEPT) is (note is not None)


def test_a_list_value_guessed_from_other_letters_is_not_vouched_for_even_when_guessed_twice() -> None:
    # "Nưưn" (a damaged "Nam") is nearer to Nữ: read so twice, it was still a guess both times
    guessed = READERS["sex"]("Nưưn")
    assert guessed.value == "Nữ" and guessed.problems
    assert not READERS["sex"]("Năm").problems  # Nam with a mark misread: the list reads it alike
    field = Field(value=guessed.value, confidence=0.6, note=guessed.problems[0])
    assert field_group(field, "sex") == "vocabulary+doubted"
