"""Second readings of a doubtful value: corroboration, and enlarged readings that outvote the page's."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from extractors.calibration import CORROBORATED, READ_AGAIN, REPAIR_CEILING, calibrate
from extractors.engine import letters_confidence, letters_key, letters_of
from extractors.second_reading import (
    Vote, after_label, darkened, leading_marks_box, with_name_tail, letters_box, outvoted_by, read_letters_again, reread,
)
from extractors.spec import spec_for
from schemas import Document, Field, Page, Word
from tests.render import font


def page_with(texts: list[tuple[str, int, float]], readings: dict[str, str]) -> Page:
    """One line of words (text, x, confidence) 22 px high, and readings already kept for its crops."""
    words = [Word(text=text, confidence=confidence, bbox=(x, 100, x + 10 * len(text), 122), line=0)
             for text, x, confidence in texts]
    return Page(number=1, width=1600, height=400, dpi=150, source="ocr", words=words, readings=readings)


LINE = [("Họ,", 60, 0.96), ("chữ", 100, 0.96), ("đệm,", 140, 0.96), ("tên:", 190, 0.93),
        ("Ö", 240, 0.0), ("PHẠM", 262, 0.88), ("VIỆT", 312, 0.93), ("TRUNG.", 362, 0.92)]
VALUE_BOX = (262, 100, 422, 122)  # the words kept as the value: the speck "Ö" was trimmed off


def test_the_crop_starts_where_the_label_ends_so_a_letter_read_as_a_speck_is_read_again():
    page = page_with(LINE, {})
    assert after_label(page, VALUE_BOX) == (232, 100, 422, 122)


def test_an_enlarged_crop_is_darkened_so_pale_hairlines_survive_thresholding():
    levels = np.array([[0, 128, 200, 235, 255]], dtype=np.uint8)
    dark = darkened(levels)
    assert dark[0, 0] == 0 and dark[0, -1] == 255  # black stays black, the paper stays white
    assert dark[0, 2] < 128 < levels[0, 2]  # a pale stroke at 200 crosses a mid threshold
    assert list(dark[0]) == sorted(dark[0])  # the order of levels is kept


def test_a_name_is_read_again_with_a_last_word_the_page_left_out_but_not_with_a_label_after_it():
    page = page_with([("Họ,", 60, 0.96), ("tên:", 100, 0.93), ("KHỔNG", 150, 0.7), ("HẾY", 210, 0.5),
                      ("\\NH", 250, 0.2), ("Ngày,", 290, 0.9), ("sinh:", 350, 0.9)], {})
    value_box = (150, 100, 240, 122)  # KHỔNG HẾY: the value's words, "\\NH" dropped as a speck
    assert with_name_tail(page, value_box) == (150, 100, 280, 122)
    far = page_with([("KHỔNG", 150, 0.7), ("HẾY", 210, 0.5), ("ANH", 400, 0.9)], {})
    assert with_name_tail(far, value_box) == value_box  # past a wide blank: another column's words


def name_field(value: str, confidence: float = 0.6) -> Field:
    return Field(value=value, confidence=confidence, page=1, bbox=VALUE_BOX, source="ocr")


def readings(single: str, twice: str, thrice: str) -> dict[str, str]:
    box = "232,100,422,122"
    return {f"line:{box}": single, f"line×2dark:{box}": twice, f"line×3dark:{box}": thrice}


def test_enlarged_readings_that_agree_replace_a_misread_name_below_the_trust_line():
    page = page_with(LINE, readings(": „.LỮ PHƯƠNG CHI", "LÊ PHƯƠNG CHI", "LÊ. PHƯƠNG CHI"))
    field = name_field("LÍ PHƯƠNG CII", 0.26)
    reread(field, "name", page, {})
    assert field.value == "LÊ PHƯƠNG CHI" and field.note == READ_AGAIN and field.confidence < 0.9
    document = Document(document_type="marital_status_confirmation", fields={"full_name": field})
    field.confidence = 0.99
    calibrate(document, spec_for("marital_status_confirmation"))
    assert field.confidence <= REPAIR_CEILING  # a repair by vote is for a person to confirm


def test_a_second_reading_alike_corroborates_and_a_lone_dissent_changes_nothing():
    page = page_with(LINE, readings(": „.HỒ PHẠM VIỆT TRUNG.", "x", "y"))
    field = name_field("HỒ PHẠM VIỆT TRUNG")
    reread(field, "name", page, {})
    assert field.value == "HỒ PHẠM VIỆT TRUNG" and field.note == CORROBORATED
    page = page_with(LINE, readings("HỒ PHẠM VIỆT TRUNC", "HỒ PHẠM VIỆT TRUNG", "x"))
    field = name_field("HỒ PHẠM VIỆT TRUNG")
    reread(field, "name", page, {})
    assert field.value == "HỒ PHẠM VIỆT TRUNG" and field.note == "a second reading differs"


def sure_readings(single: str, twice: str, thrice: str, sure: str = "0.850") -> dict[str, str]:
    kept = readings(single, twice, thrice)
    return kept | {f"{key} confidence": sure for key in kept}


def test_the_enlarged_readings_alike_outweigh_a_binarised_one_that_broke_a_letter_not_one_that_kept_a_mark():
    page = page_with(LINE, sure_readings("HỒ PHẠM VIỆT TRUNC", "HỒ PHẠM VIỆT TRUNG", "HỒ PHẠM VIỆT TRUNG"))
    field = name_field("HỒ PHẠM VIỆT TRUNG")
    reread(field, "name", page, {})
    assert field.value == "HỒ PHẠM VIỆT TRUNG" and field.note == CORROBORATED  # three readings of four alike
    # … not where OCR doubted the enlarged readings themselves ("03.2018" at 0.17 and 0.35 for 03/2018)
    page = page_with(LINE, sure_readings("HỒ PHẠM VIỆT TRUNC", "HỒ PHẠM VIỆT TRUNG", "HỒ PHẠM VIỆT TRUNG", "0.165"))
    field = name_field("HỒ PHẠM VIỆT TRUNG")
    reread(field, "name", page, {})
    assert field.note == "a second reading differs"
    # the binarised crop kept a mark the page and the enlarged crops lost ("THỊ" for THI): the mark is in doubt
    page = page_with(LINE, sure_readings("NGUYỄN THÙY THỊ CHI", "NGUYỄN THÙY THI CHI", "NGUYỄN THÙY THI CHI"))
    field = name_field("NGUYỄN THÙY THI CHI")
    reread(field, "name", page, {})
    assert field.note == "a second reading differs"


def test_two_readings_alike_are_surer_than_the_page_alone_and_a_doubt_of_the_page_stands():
    box = "232,100,422,122"
    kept = {f"line:{box}": ": HỒ PHẠM VIỆT TRUNG", f"line:{box} confidence": "0.910"}
    field = name_field("HỒ PHẠM VIỆT TRUNG", 0.45)  # the page's block reading hesitated; the line's did not
    reread(field, "name", page_with(LINE, dict(kept)), {})
    assert field.note == CORROBORATED and 0.6 < field.confidence < 0.7  # halfway to the line's 0.91
    field = name_field("HỒ PHẠM VIỆT TRUNG", 0.45)
    field.note = "name: the signature block prints more of it (cut short?)"
    reread(field, "name", page_with(LINE, dict(kept)), {})
    assert field.confidence == 0.45 and "cut short" in (field.note or "")
    field = name_field("HỒ PHẠM VIỆT TRUNG", 0.45)  # a reading kept before its confidence was: alike, no surer
    reread(field, "name", page_with(LINE, {f"line:{box}": ": HỒ PHẠM VIỆT TRUNG"}), {})
    assert field.note == CORROBORATED and field.confidence == 0.45


def test_a_guess_read_twice_alike_is_no_corroboration():
    page = page_with(LINE, readings("©— Nưưn", "x", "y"))  # a damaged "Nam", nearer to Nữ, as the page read it
    field = name_field("Nữ", 0.55)
    field.note = "sex: the list's value nearest to what was read"
    reread(field, "sex", page, {})
    assert field.value == "Nữ" and field.note != CORROBORATED


def test_a_value_the_page_could_not_read_is_taken_from_the_rereadings():
    page = page_with(LINE, readings("Wữ.", "Nữ.", "Nữ"))
    field = Field(value=None, confidence=0.0, page=1, bbox=VALUE_BOX, source="ocr")
    reread(field, "sex", page, {})
    assert field.value == "Nữ" and 0 < field.confidence < 0.9


def test_votes_a_well_formed_page_value_keeps_its_place_against_a_tie():
    page_vote = Vote("NGUYỄN TRẦN KHÁNH HỒNG", 0.97)
    assert outvoted_by(page_vote, [Vote("NGUYỄN TRẦN KHÍNH HỒNG", 0.8), Vote("NGUYỄN TRẦN KHÁNH HỒNG", 0.97)]) is None
    assert outvoted_by(page_vote, [Vote("NGUYỄN TRẦN KHÍNH HỒNG", 0.8), Vote("NGUYỄN TRẦN KHÍNH HỒNG", 0.8),
                                   Vote("NGUYỄN TRẦN KHÁNH HỒNG", 0.97)]) is None
    # an ill-formed page value gives way to the best formed rereading; ill-formed rereadings replace nothing
    assert outvoted_by(Vote("PHAN MIXNH TUẤN", 0.5), [Vote("PHAN MINH TUẤN", 0.97), Vote("PHAN MENH TLẨSX", 0.5)]) \
        == Vote("PHAN MINH TUẤN", 0.97)
    assert outvoted_by(Vote("PHAN MIXNH TUẤN", 0.5), [Vote("PHAN MENH TLẨSX", 0.5)]) is None


def test_the_signatures_date_line_read_without_a_date_is_read_again():
    from extractors.second_reading import corroborate

    line = [("Hòa", 700, 0.9), ("Bình,", 740, 0.97), ("ngày", 800, 0.97), ("2]", 850, 0.74), ("tháng", 880, 0.96),
            ("09", 940, 0.97), ("năm", 970, 0.97), ("2021", 1010, 0.95)]
    box = "700,100,1050,122"
    page = page_with(line, {f"line:{box}": "Hòa Bình, ngày 2] tháng 09 năm 2021",
                            f"line×2dark:{box}": "Hòa Bình, ngày 21 tháng 09 năm 2021",
                            f"line×3dark:{box}": "Hòa Bình, ngày 21 tháng 09 năm 2021"})
    document = Document(document_type="marital_status_confirmation", fields={
        "issue_date": Field(value=None, confidence=0.0, page=1, bbox=(700, 100, 1050, 122), source="ocr")})
    corroborate(document, spec_for("marital_status_confirmation"), [page], {})
    assert document.fields["issue_date"].value == "2021-09-21" and document.fields["issue_date"].confidence < 0.9



def test_a_date_read_above_0_9_but_below_what_calibration_accepts_of_dates_read_once_is_read_again():
    from extractors.second_reading import corroborate

    line = [("Ngày", 60, 0.96), ("sinh:", 120, 0.96), ("05/07/1997", 190, 0.93)]
    box = "172,100,290,122"
    page = page_with(line, {f"line:{box}": "05/07/1997"})
    spec = spec_for("marital_status_confirmation")
    for confidence, note in ((0.93, CORROBORATED), (0.99, None)):  # 0.99: accepted as read, not read again
        field = Field(value="1997-07-05", confidence=confidence, page=1, bbox=(190, 100, 290, 122), source="ocr")
        corroborate(Document(document_type="marital_status_confirmation", fields={"date_of_birth": field}),
                    spec, [page], {})
        assert field.note == note, confidence


def test_a_value_the_page_did_not_read_but_the_rereadings_did_is_no_longer_said_to_be_missing():
    from extractors.second_reading import corroborate

    line = [("Hà", 60, 0.96), ("Nội,", 100, 0.96), ("ngày", 160, 0.5), ("l2thángO3", 262, 0.2)]
    box = "202,100,422,122"  # from the end of "ngày" to the value's right edge
    page = page_with(line, {f"line:{box}": "ngày 12 tháng 03 năm 2024", f"line×2dark:{box}": "ngày 12 tháng 03 năm 2024",
                            f"line×3dark:{box}": "x"})
    field = name_field("", 0.0)
    field.value = None
    document = Document(document_type="residence_confirmation", fields={"issue_date": field},
                        review_reasons=["issue_date: not found"], needs_review=True)
    spec = spec_for("residence_confirmation")
    corroborate(document, spec, [page], {})
    assert field.value == "2024-03-12" and document.review_reasons == []


def test_a_crop_read_as_nothing_valid_neither_agrees_nor_differs_and_an_enlarged_reading_alike_corroborates():
    date_line = [("Ngày", 60, 0.96), ("sinh:", 110, 0.96), ("25/01/1988", 262, 0.7)]
    box = ",".join(map(str, after_label(page_with(date_line, {}), VALUE_BOX)))

    def reread_date(single: str, twice: str, thrice: str) -> Field:
        page = page_with(date_line, {f"line:{box}": single, f"line×2dark:{box}": twice, f"line×3dark:{box}": thrice})
        field = Field(value="1988-01-25", confidence=0.7, page=1, bbox=VALUE_BOX, source="ocr")
        reread(field, "date", page, {})
        return field

    assert reread_date(": 2) (1 1988", ": 25/01/1988", ": 2 (1 1988").note == CORROBORATED
    assert reread_date(": 2) (1 1988", ": 2 (1 19", "").note is None  # nothing valid read: no evidence either way
    assert reread_date(": 2) (1 1988", ": 25/01/1988", "26/01/1988").note == "a second reading differs"


def test_a_words_letters_are_read_without_the_dots_and_signs_glued_to_them_but_its_own_comma_stays():
    assert letters_of("..PHẠM") == "PHẠM" and letters_of("DIỆP.........") == "DIỆP" and letters_of("„thành") == "thành"
    assert letters_of("HOA_") == "HOA"  # a sign no value ends a word with
    assert letters_of("Long,") == "Long," and letters_of("Giang.") == "Giang."  # perhaps the value's own


def test_a_word_with_a_dotted_line_glued_to_it_takes_its_letters_confidence_when_they_read_alike():
    word = Word(text="..PHẠM", confidence=0.5, bbox=(10, 10, 90, 30), line=0)
    key = letters_key(word)
    page = Page(number=1, width=200, height=50, dpi=300, source="ocr", words=[word],
                readings={key: "PHẠM", f"{key} confidence": "0.950"})
    assert letters_confidence(word, page) == 0.95
    page.readings[key] = "PHẬM"  # read otherwise: the word's own confidence stands
    assert letters_confidence(word, page) == 0.5
    page.readings[key], page.readings[f"{key} confidence"] = "PHẠM", "0.3"  # never lower than the word's own
    assert letters_confidence(word, page) == 0.5


@pytest.mark.integration  # reads a crop with Tesseract
def test_the_letters_of_a_name_written_on_a_dotted_line_are_found_and_read_on_their_own():
    image = Image.new("L", (900, 120), 255)
    draw = ImageDraw.Draw(image)
    draw.text((20, 30), "..........NGUYỄN", font=font(50), fill=0)
    gray = np.asarray(image).copy()
    ink = np.where(gray < 128)
    bbox = (int(ink[1].min()), int(ink[0].min()), int(ink[1].max()) + 1, int(ink[0].max()) + 1)
    word = Word(text="..........NGUYỄN", confidence=0.4, bbox=bbox, line=0)
    page = Page(number=1, width=900, height=120, dpi=300, source="ocr", words=[word])
    left = letters_box(gray, bbox)
    assert left is not None and left[0] > bbox[0] + 100  # the dots are left out
    read_letters_again(page, gray)
    assert page.readings[letters_key(word)] == "NGUYỄN"
    assert letters_confidence(word, page) > 0.8


def test_a_comma_the_letters_keep_is_read_with_them():
    image = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(image).text((20, 30), "„Đức,", font=font(50), fill=0)
    gray = np.asarray(image).copy()
    ink = np.where(gray < 128)
    bbox = (int(ink[1].min()), int(ink[0].min()), int(ink[1].max()) + 1, int(ink[0].max()) + 1)
    without, through = letters_box(gray, bbox), letters_box(gray, bbox, to_the_end=True)
    assert without is not None and through is not None
    assert without[0] > bbox[0] and without[2] < bbox[2] and through[2] == bbox[2]


def test_a_surname_whose_letters_only_one_surname_has_takes_its_letters_reading_even_with_other_marks():
    from extractors.engine import field_from_words
    from extractors.kinds import SURNAME_BY_LETTERS, read_name

    assert read_name("...NGUYỄN BẢO LAN").extra.get(SURNAME_BY_LETTERS) == "NGUYỄN"
    words = [Word(text="...NGUYỄN", confidence=0.54, bbox=(10, 10, 150, 40), line=0),
             Word(text="BẢO", confidence=0.95, bbox=(160, 10, 220, 40), line=0),
             Word(text="LAN.", confidence=0.95, bbox=(230, 10, 290, 40), line=0)]
    key = letters_key(words[0])
    page = Page(number=1, width=400, height=50, dpi=300, source="ocr", words=words,
                readings={key: "NGUYÊN", f"{key} confidence": "0.935"})  # the tilde lost on its own
    assert field_from_words("NGUYỄN BẢO LAN", words, page).confidence == 0.54
    assert field_from_words("NGUYỄN BẢO LAN", words, page, surname_by_letters="NGUYỄN").confidence == 0.935


def test_a_reading_damaged_but_with_the_values_own_figures_is_no_other_value_but_other_figures_are():
    number_line = [("Số:", 60, 0.93), ("190/UBND-XNTTHN", 262, 0.86)]
    box = ",".join(map(str, after_label(page_with(number_line, {}), VALUE_BOX)))

    def reread_number(value: str, single: str, twice: str, thrice: str) -> Field:
        page = page_with(number_line, {f"line:{box}": single, f"line×2dark:{box}": twice, f"line×3dark:{box}": thrice})
        field = Field(value=value, confidence=0.86, page=1, bbox=VALUE_BOX, source="ocr")
        reread(field, "code", page, {})
        return field

    # "I" for 1, and a reading cut short of its symbol: the page's figures, damaged; nothing says otherwise
    assert reread_number("190/UBND-XNTTHN", ": I90/UBND-XNTTHN", ":190UBND-XNTTHN", ": 190 UBND-XNTTHN").note is None
    # a book number whose "01/" the page lost: the crop's "(I1 2023" bears other figures
    assert reread_number("2023", ": (I1 2023", ":íH 2023", ".íH 2023").note == "a second reading differs"


def test_a_symbols_letter_read_as_a_figure_does_not_make_other_figures():
    number_line = [("Số:", 60, 0.93), ("308/UBND-XNTTHN", 262, 0.73)]
    box = ",".join(map(str, after_label(page_with(number_line, {}), VALUE_BOX)))
    page = page_with(number_line, {f"line:{box}": ": 308 LBND VNETIHX", f"line×2dark:{box}": ":308.UBND-VNTTIHX",
                                   f"line×3dark:{box}": ": 308 LBND-VNELTH"})
    field = Field(value="308/UBND-XNTTHN", confidence=0.73, page=1, bbox=VALUE_BOX, source="ocr")
    reread(field, "code", page, {}, ["UBND", "XNTTHN"])
    assert field.note is None  # the I of "VNTTIHX" is the symbol's, not a figure 1


def test_a_second_reading_of_a_number_is_read_with_the_symbols_parts_put_right():
    number_line = [("Số:", 60, 0.93), ("125/UBND-XNTTHN", 262, 0.73)]
    box = ",".join(map(str, after_label(page_with(number_line, {}), VALUE_BOX)))

    def reread_with(symbols: list[str]) -> Field:
        page = page_with(number_line, {f"line:{box}": ": 125/UBNĐ-XNTTHN"})
        field = Field(value="125/UBND-XNTTHN", confidence=0.73, page=1, bbox=VALUE_BOX, source="ocr")
        reread(field, "code", page, {}, symbols)
        return field

    assert reread_with([]).note == "a second reading differs"
    assert reread_with(["UBND", "XNTTHN"]).note == CORROBORATED


def test_the_figures_that_open_a_word_are_cut_from_it_before_the_sign_that_follows():
    def ink_of(text: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
        image = Image.new("L", (900, 120), 255)
        ImageDraw.Draw(image).text((20, 30), text, font=font(50), fill=0)
        gray = np.asarray(image).copy()
        ink = np.where(gray < 128)
        return gray, (int(ink[1].min()), int(ink[0].min()), int(ink[1].max()) + 1, int(ink[0].max()) + 1)

    gray, bbox = ink_of("196/UBND-XNTTHN")
    figures_end = ink_of("196")[1][2]
    slash_start = ink_of("196/")[1][2] - (ink_of("/")[1][2] - ink_of("/")[1][0])
    box = leading_marks_box(gray, bbox, 3)
    assert box is not None and box[0] == bbox[0] and figures_end <= box[2] < slash_start
    assert leading_marks_box(gray, bbox, 15) is None  # no mark after the last: nothing to cut off


def test_figures_are_read_again_by_the_english_model_which_reads_a_display_faces_4_that_the_vietnamese_reads_as_1():
    number_line = [("CCCD", 60, 0.9), ("số", 120, 0.93), ("046174441399", 262, 0.5)]
    box = ",".join(map(str, after_label(page_with(number_line, {}), VALUE_BOX)))
    vietnamese = {f"line:{box}": "60416171599", f"line×2dark:{box}": "(46177-1-H599", f"line×3dark:{box}": "(4061 74-4-H1599"}
    english = {f"line×2dark/eng:{box}": "046174444599", f"line×3dark/eng:{box}": "046174444599"}

    def reread_as(kind: str, kept: dict[str, str]) -> Field:
        field = Field(value="046174441399", confidence=0.5, page=1, bbox=VALUE_BOX, source="ocr")
        reread(field, kind, page_with(number_line, kept), {})
        return field

    assert reread_as("id_number", vietnamese).value == "046174441399"  # no two readings alike: the page's stands
    field = reread_as("id_number", vietnamese | english)
    assert field.value == "046174444599" and field.note == READ_AGAIN and field.confidence < 0.9  # a person confirms
    assert reread_as("text", vietnamese | english).value == "046174441399"  # words are not read by the English model


def test_a_figure_value_two_vietnamese_readings_share_is_put_to_the_vote_where_the_english_model_reads_otherwise():
    date_line = [("Ngày", 60, 0.96), ("sinh:", 110, 0.96), ("4/02/1999", 262, 0.7)]
    box = ",".join(map(str, after_label(page_with(date_line, {}), VALUE_BOX)))

    def reread_date(english: str) -> Field:
        kept = {"line": ":. 4/02/1999.", "line×2dark": ":. 14/02/1999.", "line×3dark": ": 14/02/1999.",
                "line×2dark/eng": english, "line×3dark/eng": "; 14/02/1999."}
        page = page_with(date_line, {f"{key}:{box}": text for key, text in kept.items()}
                         | {f"{key}:{box} confidence": "0.800" for key in kept})
        field = Field(value="1999-02-04", confidence=0.7, page=1, bbox=VALUE_BOX, source="ocr")
        reread(field, "date", page, {})
        return field

    assert reread_date("; 4/02/1999.").note == CORROBORATED  # the page's day lost its 1, and so did every model
    field = reread_date("; 14/02/1999.")
    assert field.value == "1999-02-14" and field.note == READ_AGAIN and field.confidence < 0.9


def test_readings_that_disagree_with_the_holders_birth_year_never_outvote_a_page_value_that_agrees():
    from extractors.readers.ids import check_id_number

    number_line = [("Căn", 60, 0.9), ("cước", 110, 0.9), ("số", 170, 0.93), ("038066695027", 262, 0.6)]
    box = ",".join(map(str, after_label(page_with(number_line, {}), VALUE_BOX)))
    kept = {"line": "03806095037.", "line×2dark": "038000695027", "line×3dark": "038060695027",
            "line×2dark/eng": "038060695027", "line×3dark/eng": "038060695027"}  # a 6 read as 0 three times
    page = page_with(number_line, {f"{key}:{box}": text for key, text in kept.items()}
                     | {f"{key}:{box} confidence": "0.800" for key in kept})

    def reread_for(born: str) -> Field:
        field = Field(value="038066695027", confidence=0.6, page=1, bbox=VALUE_BOX, source="ocr")
        reread(field, "id_number", page, {}, fits=lambda number: not check_id_number(number, born, "Nam"))
        return field

    kept_value = reread_for("1966-05-02")
    assert kept_value.value == "038066695027" and kept_value.note == "a second reading differs"
    assert reread_for("1960-05-02").value == "038060695027"  # a holder born in 1960: the readings are right


def test_a_sure_id_number_is_read_once_more_by_the_english_model_and_disputed_where_it_reads_another():
    from extractors.second_reading import corroborate

    line = [("Giấy", 60, 0.96), ("tờ:", 110, 0.96), ("067079910518", 190, 0.98)]
    box = ",".join(map(str, after_label(page_with(line, {}), (190, 100, 310, 122))))
    spec = spec_for("marital_status_confirmation")
    for english, note in (("067079910318", "a second reading differs"), ("067079910518", None)):
        page = page_with(line, {f"line×2dark/eng:{box}": english, f"line×2dark/eng:{box} confidence": "0.900"})
        field = Field(value="067079910518", confidence=0.98, page=1, bbox=(190, 100, 310, 122), source="ocr")
        corroborate(Document(document_type="marital_status_confirmation", fields={"id_number": field}), spec, [page], {})
        assert field.note == note and field.value == "067079910518", english  # disputed, not changed: a person reads it


def test_two_values_read_as_often_and_as_well_formed_are_settled_by_how_sure_ocr_was_of_each():
    votes = [Vote("2018-01-18", 0.8, 0.0), Vote("2018-01-18", 0.8, 0.135), Vote("2018-04-18", 0.8, 0.642),
             Vote("2018-04-18", 0.8, 0.477)]  # one model's two readings against the other's
    assert outvoted_by(None, votes) == Vote("2018-04-18", 0.8, 0.642)
    assert outvoted_by(None, [Vote(v.value, v.factor) for v in votes]) is not None  # unknown sureness: still a value


def test_a_dissent_ocr_was_less_sure_of_than_of_two_readings_alike_is_no_second_opinion():
    date_line = [("Ngày", 60, 0.96), ("sinh:", 110, 0.96), ("05/04/1974", 262, 0.7)]
    box = ",".join(map(str, after_label(page_with(date_line, {}), VALUE_BOX)))

    def reread_date(dissent_sure: str, agreeing_sure: str = "0.950") -> Field:
        # the Vietnamese model read the display face's 4 as 1 at two sizes; the English model read it right twice
        kept = {"line": ("05/01/1974", "0.490"), "line×2dark": ("05/01/1974", dissent_sure),
                "line×3dark": ("", "0.000"), "line×2dark/eng": ("05/04/1974", agreeing_sure),
                "line×3dark/eng": ("05/04/1974", agreeing_sure)}
        page = page_with(date_line, {f"{key}:{box}": text for key, (text, _) in kept.items()}
                         | {f"{key}:{box} confidence": sure for key, (_, sure) in kept.items()})
        field = Field(value="1974-04-05", confidence=0.7, page=1, bbox=VALUE_BOX, source="ocr")
        reread(field, "date", page, {})
        return field

    field = reread_date("0.230")
    assert field.value == "1974-04-05" and field.note == CORROBORATED
    assert reread_date("0.960").note == "a second reading differs"  # a dissent as sure as the agreement: one looks
    assert reread_date("0.230", agreeing_sure="0.300").note == "a second reading differs"  # agreement OCR doubted
