"""The rule that sends a document to a person: only for a reason of its own or about a required field, and a card
side read alone does not miss what its other side prints."""

from __future__ import annotations

import pytest

from extractors.id_card import shown_side
from extractors.spec import spec_for
from extractors.validate import apply_review_policy
from schemas import Document, Field, Page, Word


def card(variant: str | None, **values: str) -> Document:
    document = Document(document_type="id_card", variant=variant, pages=[1])
    for name, value in values.items():
        document.fields[name] = Field(value=value, confidence=0.97, page=1)
    return document


FRONT_2024 = {"id_number": "079192381719", "full_name": "VÕ THANH NGA", "date_of_birth": "1992-01-13", "sex": "Nữ",
              "nationality": "Việt Nam"}


def test_a_doubtful_optional_field_is_shown_but_does_not_hold_the_document():
    document = card("can_cuoc_2024", **FRONT_2024, place_of_residence="Phường Bến Thành, Thành phố Hồ Chí Minh",
                    issue_date="2024-03-05", expiry_date="2032-01-13")
    document.fields["personal_identification"] = Field(value="Nốt ruồi", confidence=0.6, page=1)
    apply_review_policy(document, spec_for("id_card"))
    assert document.review_reasons == ["personal_identification: low confidence"]
    assert not document.needs_review


def test_a_doubtful_required_field_or_a_reason_of_the_documents_own_holds_it():
    spec = spec_for("id_card")
    document = card("can_cuoc_2024", **FRONT_2024)
    document.fields["date_of_birth"].confidence = 0.7
    apply_review_policy(document, spec, "front")
    assert document.needs_review and document.review_reasons == ["date_of_birth: low confidence"]
    document = card("can_cuoc_2024", **FRONT_2024)
    document.flag("type: no title was read; named by its labels")
    apply_review_policy(document, spec, "front")
    assert document.needs_review


def test_a_2024_front_read_alone_does_not_miss_what_its_back_prints():
    document = card("can_cuoc_2024", **FRONT_2024)
    apply_review_policy(document, spec_for("id_card"), "front")
    assert document.review_reasons == [] and not document.needs_review


@pytest.mark.parametrize(("variant", "side", "missing"), [
    ("cccd_2021", "front", ["place_of_residence", "expiry_date"]),  # a 2021 front prints both
    (None, "front", ["place_of_residence", "expiry_date"]),  # variant unknown: where these are printed unknown
    ("can_cuoc_2024", None, ["place_of_residence", "expiry_date", "issue_date"]),  # both sides shown
])
def test_what_the_shown_side_prints_is_still_missed(variant, side, missing):
    document = card(variant, **FRONT_2024)
    apply_review_policy(document, spec_for("id_card"), side)
    assert document.review_reasons == [f"{name}: not found" for name in missing] and document.needs_review


def test_a_back_read_alone_still_needs_the_number_that_joins_it_to_its_front():
    values = {name: value for name, value in FRONT_2024.items() if name != "id_number"}
    document = card("can_cuoc_2024", **values, place_of_residence="Phường Bến Thành, Thành phố Hồ Chí Minh",
                    issue_date="2024-03-05", expiry_date="2032-01-13")
    apply_review_policy(document, spec_for("id_card"), "back")
    assert document.review_reasons == ["id_number: not found"] and document.needs_review
    del document.fields["full_name"]
    document.review_reasons.clear()
    document.fields["id_number"] = Field(value="079192381719", confidence=0.99, source="qr", page=1)
    apply_review_policy(document, spec_for("id_card"), "back")
    assert document.review_reasons == [] and not document.needs_review  # the name is printed on the front


def page(number: int, text: str) -> Page:
    words = [Word(text=word, confidence=0.9, bbox=(0, 0, 1, 1), line=line)
             for line, row in enumerate(text.splitlines()) for word in row.split()]
    return Page(number=number, width=100, height=60, dpi=300, source="ocr", words=words)


def test_the_side_a_cards_pages_show():
    front = page(1, "CĂN CƯỚC\nHọ, chữ đệm và tên khai sinh / Full name\nNgày, tháng, năm sinh / Date of birth")
    back = page(2, "Nơi đăng ký khai sinh\nNgày, tháng, năm cấp / Date of issue\nIDVNM0791923817<<")
    assert shown_side([front]) == "front" and shown_side([back]) == "back"
    assert shown_side([front, back]) is None


def birth_certificate(registered: str, confidence: float = 0.97) -> Document:
    spec = spec_for("birth_certificate")
    document = Document(document_type="birth_certificate", pages=[1])
    for name, field_spec in spec.fields.items():
        if field_spec.required and name != "id_number":
            document.fields[name] = Field(value="1", confidence=0.97, page=1)
    document.fields["registration_date"] = Field(value=registered, confidence=confidence, page=1)
    return document


@pytest.mark.parametrize(("registered", "confidence", "missed"), [
    ("2015-12-28", 0.97, False),  # registered before personal id numbers were given: none is printed
    ("2016-01-04", 0.97, True),
    ("2015-12-28", 0.8, True),  # a doubtful date excuses nothing
])
def test_a_birth_certificate_registered_before_2016_prints_no_id_number(registered, confidence, missed):
    document = birth_certificate(registered, confidence)
    apply_review_policy(document, spec_for("birth_certificate"))
    assert ("id_number: not found" in document.review_reasons) is missed
    assert document.needs_review is (missed or confidence < 0.9)


def test_an_id_number_printed_on_an_old_certificate_is_judged_as_any_other():
    document = birth_certificate("2008-07-29")
    document.fields["id_number"] = Field(value="089308711134", confidence=0.6, page=1)
    apply_review_policy(document, spec_for("birth_certificate"))
    assert document.review_reasons == ["id_number: low confidence"] and document.needs_review


def test_a_sex_and_a_birth_year_the_id_numbers_digits_agree_with_are_trusted_more_a_full_date_is_not():
    from extractors.validate import check_id_numbers

    spec = spec_for("birth_certificate")
    values = {"id_number": ("001220012345", 0.95), "sex": ("Nam", 0.6), "date_of_birth": ("2020-05-01", 0.6),
              "mother_id_number": ("001190012345", 0.95), "mother_birth_year": ("1990", 0.6)}
    document = Document(document_type="birth_certificate", pages=[1],
                        fields={name: Field(value=v, confidence=c, page=1) for name, (v, c) in values.items()})
    check_id_numbers(document, spec)
    assert document.fields["sex"].confidence == pytest.approx(0.75)
    assert document.fields["mother_birth_year"].confidence == pytest.approx(0.75)
    assert document.fields["date_of_birth"].confidence == 0.6  # its day and month no digit encodes
    # digits that disagree raise nothing: either may be the misread one, so both are doubted
    document.fields["sex"] = Field(value="Nữ", confidence=0.95, page=1)
    document.fields["date_of_birth"] = Field(value="2021-05-01", confidence=0.95, page=1)
    check_id_numbers(document, spec)
    assert document.fields["id_number"].confidence < 0.9
    assert document.fields["sex"].confidence < 0.9 and document.fields["date_of_birth"].confidence < 0.9
    assert "sex: disagrees with id_number's digits" in document.review_reasons
    document.fields["sex"] = Field(value="Nữ", confidence=0.98, page=1, source="mrz")  # its code's checks vouch
    check_id_numbers(document, spec)
    assert document.fields["sex"].confidence == 0.98 and document.fields["id_number"].confidence < 0.9


def test_a_sex_read_unclearly_that_a_surely_read_id_numbers_digit_agrees_with_is_read_twice_alike():
    from extractors.calibration import CORROBORATED
    from extractors.kinds import NEAREST
    from extractors.validate import check_id_numbers

    spec = spec_for("marital_status_confirmation")
    for id_confidence, settled in ((0.95, True), (0.7, False)):
        document = Document(document_type="marital_status_confirmation", pages=[1], fields={
            "id_number": Field(value="001090012345", confidence=id_confidence, page=1, source="ocr"),
            "sex": Field(value="Nam", confidence=0.5, page=1, source="ocr", note=NEAREST.format(what="sex"))})
        check_id_numbers(document, spec)
        assert (document.fields["sex"].note == CORROBORATED) is settled


def test_a_date_in_figures_its_words_agree_with_is_read_twice_alike_and_the_words_where_spelled_as_printed() -> None:
    from extractors.calibration import CORROBORATED, field_group
    from extractors.validate import check_dates_agree

    spec = spec_for("birth_certificate")
    words = "Ngày hai mươi lăm tháng chín năm hai nghìn không trăm hai mươi hai"
    for figures, agree in (("2022-09-25", True), ("2022-09-26", False)):
        document = Document(document_type="birth_certificate", pages=[1], fields={
            "date_of_birth": Field(value=figures, confidence=0.8, page=1, source="ocr"),
            "date_of_birth_in_words": Field(value=words, confidence=0.8, page=1, source="ocr")})
        check_dates_agree(document, spec)
        field = document.fields["date_of_birth"]
        assert (field.note == CORROBORATED) is agree and (field_group(field, "date") == "date+twice") is agree
        in_words = document.fields["date_of_birth_in_words"]  # every word a number word in its place: checked too
        assert (in_words.note == CORROBORATED) is agree and (in_words.confidence > 0.8) is agree
    document = Document(document_type="birth_certificate", pages=[1], fields={
        "date_of_birth": Field(value="2008-10-07", confidence=0.8, page=1, source="ocr"),
        "date_of_birth_in_words": Field(value="Ngày mồng bẩy tháng mười năm hai nghìn không trăm linh tám",
                                        confidence=0.8, page=1, source="ocr")})
    check_dates_agree(document, spec)  # "bẩy" or "bảy": the same date whichever was printed
    assert document.fields["date_of_birth"].note == CORROBORATED
    assert document.fields["date_of_birth_in_words"].note != CORROBORATED


def test_a_date_in_words_ocr_garbled_is_the_spelling_of_the_figures_date_it_nearly_reads_for_a_person() -> None:
    from extractors.calibration import DERIVED
    from extractors.validate import check_dates_agree

    spec = spec_for("birth_certificate")

    def checked(figures: str, words: str) -> Document:
        document = Document(document_type="birth_certificate", pages=[1], fields={
            "date_of_birth": Field(value=figures, confidence=0.8, page=1, source="ocr"),
            "date_of_birth_in_words": Field(value=words, confidence=0.3, page=1, source="ocr")})
        check_dates_agree(document, spec)
        return document

    # "mười tám" misread "Inười ám": the words parse to another year, but are four letters from the figures'
    document = checked("2018-03-20", "Ngày hai mươi tháng ba năm hai nghìn không trăm Inười ám")
    in_words = document.fields["date_of_birth_in_words"]
    assert in_words.value == "Ngày hai mươi tháng ba năm hai nghìn không trăm mười tám"
    assert in_words.note.startswith(DERIVED) and document.needs_review
    # the variant the print nearly reads is kept ("mồng" or not, "tư" or "bốn")
    assert checked("2024-04-06", "Ngày sáu tháng bốn năm hai nghìn không trăm hai mươi Lư").fields[
        "date_of_birth_in_words"].value == "Ngày sáu tháng bốn năm hai nghìn không trăm hai mươi tư"
    # every word a number word, but another date: the two disagree, and neither is put right
    words = "Ngày hai mươi tháng ba năm hai nghìn không trăm mười bảy"
    assert checked("2018-03-20", words).fields["date_of_birth_in_words"].value == words


def test_a_date_in_words_loses_what_ocr_read_after_it_where_figures_show_it_is_another_value() -> None:
    from extractors.kinds import read_date_in_words

    reading = read_date_in_words("Ngày hai mươi bảy tháng mười hai năm hai nghìn không trăm mười chín vsE2 27 EC2A3077")
    assert reading.value == "Ngày hai mươi bảy tháng mười hai năm hai nghìn không trăm mười chín" and reading.factor < 1
    assert read_date_in_words("Ngày ba tháng hai năm hai nghìn Inười").value == "Ngày ba tháng hai năm hai nghìn Inười"

def test_the_spouses_residences_read_letter_for_letter_alike_apart_each_raise_the_other() -> None:
    from extractors.validate import check_places_read_alike

    spec = spec_for("marriage_certificate")
    home, other = "Thôn Phú Mỹ, Xã Nghi Phong, Huyện Nghi Lộc, Tỉnh Nghệ An", "Xóm Chùa, Xã Nghi Phong, Huyện Nghi Lộc, Tỉnh Nghệ An"

    def raised(husbands: str, note: str | None = None, husbands_box: tuple[int, int, int, int] = (900, 500, 1600, 540)
               ) -> tuple[float, float]:
        document = Document(document_type="marriage_certificate", pages=[1], fields={
            "wife_residence": Field(value=home, confidence=0.7, page=1, bbox=(100, 500, 800, 540), source="ocr"),
            "husband_residence": Field(value=husbands, confidence=0.7, page=1, bbox=husbands_box, source="ocr", note=note)})
        check_places_read_alike(document, spec)
        return document.fields["wife_residence"].confidence, document.fields["husband_residence"].confidence

    assert raised(home) == pytest.approx((0.85, 0.85))  # two printings read apart agree
    assert raised(other) == (0.7, 0.7)  # two homes
    assert raised(home, note="address: a misread unit name repaired") == (0.7, 0.7)  # a repair may be the other's copy
    assert raised(home, husbands_box=(100, 500, 800, 540)) == (0.7, 0.7)  # the same words read for both


def test_one_shared_home_misread_differently_in_each_spouses_column_is_mended_part_by_part_and_doubted() -> None:
    from extractors.validate import PLACE_MENDED_NOTE, TRUSTED, check_places_read_alike, one_place_of_two_misreadings

    wife = "Thôn An Lạc, Xã Quảng Phú, Huyện Cư MWgar, Tỉnh Đắk Lắk"  # a display face's apostrophe and A misread
    husband = "Thôn 1n Lạc, Xã Quảng Phú, Huyện Cư M'gar, Tỉnh Đắk Lắk"
    home = "Thôn An Lạc, Xã Quảng Phú, Huyện Cư M'gar, Tỉnh Đắk Lắk"
    assert one_place_of_two_misreadings(wife, husband) == home
    # two homes, each read clean (house numbers a figure apart), or parts too far apart: left as read
    assert one_place_of_two_misreadings("Số 12 phố Huế, Phường Hàng Bài, Thành phố Hà Nội",
                                        "Số 13 phố Huế, Phường Hàng Bài, Thành phố Hà Nội") is None
    assert one_place_of_two_misreadings("Thôn Hạ, Xã Hải Anh, Huyện Hải Hậu, Tỉnh Nam Định",
                                        "Xóm Mới, Xã Hải Anh, Huyện Hải Hậu, Tỉnh Nam Định") is None
    document = Document(document_type="marriage_certificate", pages=[1], fields={
        "wife_residence": Field(value=wife, confidence=0.4, page=1, source="ocr"),
        "husband_residence": Field(value=husband, confidence=0.6, page=1, source="ocr")})
    check_places_read_alike(document, spec_for("marriage_certificate"))
    for field in document.fields.values():
        assert field.value == home and field.confidence < TRUSTED and PLACE_MENDED_NOTE in (field.note or "")


def test_a_sex_ocr_did_not_read_is_the_digit_of_a_fairly_sure_id_number_that_agrees_with_the_birth_date() -> None:
    from extractors.validate import TRUSTED, sex_unread_from_id_numbers

    spec = spec_for("residence_confirmation")

    def sex_of(id_number: str, id_confidence: float = 0.98, born: str = "1991-03-02",
               read: str | None = None) -> Field | None:
        fields = {"id_number": Field(value=id_number, confidence=id_confidence, page=1, source="ocr"),
                  "date_of_birth": Field(value=born, confidence=0.95, page=1, source="ocr")}
        if read is not None:
            fields["sex"] = Field(value=read, confidence=0.97, page=1, source="ocr")
        document = Document(document_type="residence_confirmation", pages=[1], fields=fields)
        sex_unread_from_id_numbers(document, spec)
        return document.fields.get("sex")

    sex = sex_of("026091135220")  # digit 4 is 0: a man born in the 1900s
    assert sex is not None and sex.value == "Nam" and sex.confidence < TRUSTED and "digit 4" in (sex.note or "")
    assert sex_of("026191135220").value == "Nữ"  # type: ignore[union-attr]
    assert sex_of("026091135220", born="1985-03-02") is None  # the number disagrees with the birth year
    assert sex_of("026091135220", id_confidence=0.3) is None  # the number itself unsure
    assert sex_of("026091135220", read="Nữ").value == "Nữ"  # type: ignore[union-attr]  # read: check_id_numbers' case


def test_an_id_number_of_the_other_sex_than_its_holders_role_doubts_every_value_of_its_section():
    from extractors.validate import check_id_numbers

    spec = spec_for("marriage_certificate")
    assert spec is not None

    def document(husband_id: str) -> Document:
        return Document(document_type="marriage_certificate", fields={
            "husband_full_name": Field(value="PHAN PHƯƠNG HÒA", confidence=0.99),
            "husband_date_of_birth": Field(value="2000-10-26", confidence=0.95),
            "husband_id_number": Field(value=husband_id, confidence=0.99),
            "wife_full_name": Field(value="VŨ THỊ KIÊN", confidence=0.99),
        })

    swapped = document("082300391652")  # a woman's number born in 2000: the wife's column read as the husband's?
    check_id_numbers(swapped, spec)
    assert all(swapped.fields[name].confidence < 0.9 for name in ("husband_full_name", "husband_date_of_birth"))
    assert swapped.fields["wife_full_name"].confidence == 0.99 and swapped.needs_review
    agreeing = document("082200391652")  # a man's number born in 2000
    check_id_numbers(agreeing, spec)
    assert agreeing.fields["husband_full_name"].confidence == 0.99 and not agreeing.needs_review
