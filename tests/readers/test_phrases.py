"""Running text: tidying OCR'd sentences and restoring the fixed phrases of a closed vocabulary."""

from __future__ import annotations

import unicodedata

import pytest

from extractors.readers.phrases import join_lines, repair_numbers, restore_phrases, snap_code_parts, tidy_running_text

VOCABULARY = ["Chưa đăng ký kết hôn với ai", "Đã đăng ký kết hôn", "nhưng đã ly hôn theo", "Bản án số",
              "Quyết định công nhận thuận tình ly hôn số", "của Tòa án nhân dân", "Ủy ban nhân dân", "làm thủ tục",
              "mua bán nhà đất", "bổ sung hồ sơ", "hiện tại chưa đăng ký kết hôn với ai", "khu vực"]


@pytest.mark.parametrize(("read", "printed"), [
    ("đã ly hôn theo. Bản án số 5", "đã ly hôn theo Bản án số 5"),  # a leader dot after a word no sentence ends on
    ("nhưng đã ly. hôn theo", "nhưng đã ly hôn theo"),  # no sentence starts in lower case
    ("cấp ngày. 11/09/2008", "cấp ngày 11/09/2008"),  # nor with a figure
    ("của Tòa án nhân dân thành phố. Long Xuyên", "của Tòa án nhân dân thành phố Long Xuyên"),  # a unit word
    ("quận Bình Thạnh, „.thành phố Hồ Chí Minh.", "quận Bình Thạnh, thành phố Hồ Chí Minh"),  # specks glued on
    ("với chị Đinh. .Phương Diệp", "với chị Đinh Phương Diệp"),  # two leader dots read apart
    ("Lực , nhưng ( Giấy số 2 )", "Lực, nhưng (Giấy số 2)"),  # spacing around punctuation
    ("theo...", "theo"), ("Bình Thạnh, ... ...định số", "Bình Thạnh, định số"),
    ("với ai. Hiện tại chưa đăng ký", "với ai. Hiện tại chưa đăng ký"),  # a real sentence end stays
    ("tỉnh Nghệ An. Hiện tại chưa", "tỉnh Nghệ An. Hiện tại chưa"),  # "An" is a name, not "án"
    ("là bà Vũ Thùy Ly. Hiện tại", "là bà Vũ Thùy Ly. Hiện tại"),  # nor "Ly" the "ly" of "ly hôn"
    ("theo Bản án. Hiện", "theo Bản án Hiện"),
    ("Tp. Hồ Chí Minh", "Tp. Hồ Chí Minh"), ("khu vực 10 - Hồ Chí Minh", "khu vực 10 - Hồ Chí Minh"),
    ("thành phố Hồ. Chí Minh", "thành phố Hồ Chí Minh"),  # a speck inside a province's name
    ("đăng ký kết, hôn với anh", "đăng ký kết hôn với anh"),  # no comma after "kết"
    ("huyện Đông Anh, thành phố", "huyện Đông Anh, thành phố"),  # "Anh" a name, not the title "anh"
    ("theo Quyết định số 1 ngày 1 25/08/2018 của", "theo Quyết định số 1 ngày 25/08/2018 của"),  # a speck before a date
    ("tại Hà Nội. Hiện tại", "tại Hà Nội. Hiện tại"),
    ("Ngân hàng TMCP Công thương Việt. Nam - Chi nhánh", "Ngân hàng TMCP Công thương Việt Nam - Chi nhánh"),  # the country
    ("tại Việt Nam. Hiện tại", "tại Việt Nam. Hiện tại"),
    ("quận Hải Châu, thành phốĐàNẵng", "quận Hải Châu, thành phố Đà Nẵng"),  # spaces lost before capitals
    ("số 331/2019/QĐST-HNGĐ ngày", "số 331/2019/QĐST-HNGĐ ngày"),
    ("Chưa đăng kÝ kết hôn với aiI", "Chưa đăng kÝ kết hôn với aiI"),  # a misread case is no word of its own
    ("với anh TRẦN NGỌC. HOÀNG, sinh năm", "với anh TRẦN NGỌC HOÀNG, sinh năm"),  # a speck inside a name
])
def test_running_text_is_tidied(read, printed):
    assert tidy_running_text(read) == printed


def test_tidied_text_is_nfc_with_single_spaces():
    value = tidy_running_text(unicodedata.normalize("NFD", "  Chưa   đăng ký\tkết hôn với ai. "))
    assert value == "Chưa đăng ký kết hôn với ai" and unicodedata.is_normalized("NFC", value)


def test_wrapped_lines_are_joined():
    assert join_lines(["…ly hôn theo ........", "Bản án số 104/1998/", "HNGĐ-ST ngày 14/11/1998"]) == \
        "ly hôn theo Bản án số 104/1998/HNGĐ-ST ngày 14/11/1998"
    assert join_lines(["với chị Đinh.", ".Phương Diệp"]) == "với chị Đinh Phương Diệp"  # one leader across the wrap
    assert join_lines(["với ai.", "Hiện tại"]) == "với ai. Hiện tại"
    assert join_lines(["với ông Hoàng Khắc Thành, ..........", "nhưng đã ly hôn"]) == \
        "với ông Hoàng Khắc Thành, nhưng đã ly hôn"  # the comma before the leaders is printed
    assert join_lines(["Tòa án nhân dân khu vực 10 -", "Hồ Chí Minh"]) == "Tòa án nhân dân khu vực 10 - Hồ Chí Minh"


def test_slashes_read_as_letters_are_restored_in_dates_and_case_numbers():
    assert repair_numbers("Bản án số 89/1988IHNGĐ-ST ngày 27I11/1988") == \
        ("Bản án số 89/1988/HNGĐ-ST ngày 27/11/1988", True)
    assert repair_numbers("Quyển số 01/2016 ngày 20/12/2016") == ("Quyển số 01/2016 ngày 20/12/2016", False)


def test_phrases_get_their_marks_back_when_the_letters_were_read_right():
    reading = restore_phrases("Chựa đăng ký kết hôn với ai", VOCABULARY)
    assert reading.text == "Chưa đăng ký kết hôn với ai" and reading.respelled == 1 and reading.repaired == 0
    assert restore_phrases("do Ủy ban nhân đân xã Cờ Đỏ cấp", VOCABULARY).text == "do Ủy ban nhân dân xã Cờ Đỏ cấp"


def test_long_phrases_are_repaired_when_a_few_letters_were_misread():
    reading = restore_phrases("Cư đăng ký kết hôn với ai", VOCABULARY)
    assert reading.text == "Chưa đăng ký kết hôn với ai" and reading.repaired == 1
    assert restore_phrases("Chưa đăng ký kết hôn với di", VOCABULARY).text == "Chưa đăng ký kết hôn với ai"
    assert restore_phrases("Đã đăng ký kết hôn, nhưng đã Iy hôn theo Quyết định công nhân thuân tình ly hôn số 14",
                           VOCABULARY).text == \
        "Đã đăng ký kết hôn, nhưng đã ly hôn theo Quyết định công nhận thuận tình ly hôn số 14"
    assert restore_phrases("làm (hủ tục mua bán nhà dất", VOCABULARY).text == "làm thủ tục mua bán nhà đất"


def test_what_is_no_phrase_is_left_as_read_in_the_printed_case():
    reading = restore_phrases("Làm thủ tục vay vốn tại Ngân hàng Á Châu với bà Trần Ngọc My, sinh năm 1985", VOCABULARY)
    assert reading.text == "Làm thủ tục vay vốn tại Ngân hàng Á Châu với bà Trần Ngọc My, sinh năm 1985"
    # short phrases get their marks ("khu vục" folds to "khu vực") but are never guessed from other letters
    assert restore_phrases("Tòa án nhân dân khu vục 10", VOCABULARY).text == "Tòa án nhân dân khu vực 10"
    assert restore_phrases("Tòa án nhân dân khu vưe 10", VOCABULARY).text == "Tòa án nhân dân khu vưe 10"
    # a fuzzy match does not turn one real word into another
    assert restore_phrases("như vợ chồng từ năm 1985", ["như vợ chồng từ ngày"]).text == "như vợ chồng từ năm 1985"
    # a bracket that opens a citation is no misread letter
    assert restore_phrases("(Giấy chứng nhận kết hôn số 2)", VOCABULARY).text == "(Giấy chứng nhận kết hôn số 2)"


def test_symbol_parts_one_edit_away_take_the_known_spelling():
    known = ["UBND", "XNTTHN"]
    assert snap_code_parts("92/UBND-ÄNTTHN", known) == ("92/UBND-XNTTHN", True)
    assert snap_code_parts("254UBXND-XNTTHN", known) == ("254UBND-XNTTHN", True)
    assert snap_code_parts("427 UBND-XNTTHN", known) == ("427/UBND-XNTTHN", True)
    # slashes read as blanks around a year; an H read as two strokes
    assert snap_code_parts("182 2021 XNTTIIN", known) == ("182/2021/XNTTHN", True)
    assert snap_code_parts("191/2026 XNTTHN s:", known) == ("191/2026/XNTTHN", True)
    assert snap_code_parts("266/UBND-XNTIIN", known) == ("266/UBND-XNTTHN", True)
    assert snap_code_parts("69/2024/XNTTHN", known) == ("69/2024/XNTTHN", False)
    assert snap_code_parts("12/UBND-TP", known) == ("12/UBND-TP", False)  # short parts are left alone
    assert snap_code_parts("CCCD số 0123 cấp ngày", known)[1] is False  # words are no symbol
    # a D whose bar OCR lost is that part, though another is one letter off it
    assert snap_code_parts("40/2018/QDST-HNGĐ", ["HNGĐ", "QĐST", "QĐPT"]) == ("40/2018/QĐST-HNGĐ", True)


def test_a_symbol_whose_dash_or_slash_ocr_read_as_a_blank_or_a_mark_is_joined_again():
    known = ["UBND", "XNTTHN"]
    assert snap_code_parts("425 LBND XNTTHN", known) == ("425/UBND-XNTTHN", True)
    assert snap_code_parts("183 LBNĐ-XNTTHN :", known) == ("183/UBND-XNTTHN", True)
    assert snap_code_parts("128'XNTTHN", known) == ("128/XNTTHN", True)
    # words that are no known parts stay apart; a D with a bar is still not another symbol's letter
    assert snap_code_parts("425 LBND TP", known) == ("425 UBND TP", True)
    assert snap_code_parts("12/HĐND-XNTTHN", known) == ("12/HĐND-XNTTHN", False)


def test_a_capital_inside_a_phrase_that_only_differs_in_size_is_taken_for_a_misread_small_letter():
    assert restore_phrases("Chưa đăng ký Kết hôn với ai", VOCABULARY).text == "Chưa đăng ký kết hôn với ai"
    # a capital that looks unlike its small letter was printed so
    assert restore_phrases("Chưa Đăng ký kết hôn với ai", VOCABULARY).text == "Chưa Đăng ký kết hôn với ai"


def test_a_symbol_part_with_a_letter_added_and_one_misread_is_snapped_but_another_symbol_is_not():
    assert snap_code_parts("471/LBXND-XNTTHN", ["UBND", "XNTTHN"]) == ("471/UBND-XNTTHN", True)
    assert snap_code_parts("94/LUBXND-XNTTHN", ["UBND", "XNTTHN"]) == ("94/UBND-XNTTHN", True)
    assert snap_code_parts("12/HĐND-XNTTHN", ["UBND", "XNTTHN"]) == ("12/HĐND-XNTTHN", False)
    assert snap_code_parts("12/XNHN", ["UBND", "XNTTHN"]) == ("12/XNHN", False)
    # the nearest part wins: one edit from QĐPT, two from QĐST
    assert snap_code_parts("5/2019/QĐPTT-HNGĐ", ["HNGĐ", "QĐST", "QĐPT"])[0] == "5/2019/QĐPT-HNGĐ"


def test_a_number_with_a_fraction_slash_a_stop_for_its_dash_or_run_into_its_year_is_put_right():
    parts = ["UBND", "XNTTHN"]
    assert snap_code_parts("421⁄XNTTHN", parts) == ("421/XNTTHN", True)
    assert snap_code_parts("95 LBND.XNTTHN", parts) == ("95/UBND-XNTTHN", True)
    assert snap_code_parts("2142023 XNTTHN", parts) == ("214/2023/XNTTHN", True)
    assert snap_code_parts("427 UBND-XNTTHN", parts) == ("427/UBND-XNTTHN", True)
    assert snap_code_parts("69/UBND-XNTTHN", parts) == ("69/UBND-XNTTHN", False)


def test_slashes_read_as_blanks_are_restored_where_the_sentence_says_what_the_figures_are():
    text, changed = repair_numbers("theo Quyết định số 410 2015 QDST-HNGD ngày 18 08 2015 của Tòa án")
    assert (text, changed) == ("theo Quyết định số 410/2015/QDST-HNGD ngày 18/08/2015 của Tòa án", True)
    assert repair_numbers("Bản án số 115 2011 HINGĐ ST ngày 28 10 2011")[0] == \
        "Bản án số 115/2011/HINGĐ-ST ngày 28/10/2011"
    assert repair_numbers("kết hôn số 3, quyển số 03 1989 do")[0] == "kết hôn số 3, quyển số 03/1989 do"
    # figures whose words do not say they are a date or a reference stay as read
    assert repair_numbers("Số 12 05 2010 Tòa") == ("Số 12 05 2010 Tòa", False)
    assert repair_numbers("số 410 2015 Tòa án")[1] is False


def test_a_full_stop_glued_between_two_words_the_second_in_lower_case_is_a_speck():
    assert tidy_running_text("Làm thủ tục.đăng ký kết hôn") == "Làm thủ tục đăng ký kết hôn"
    assert tidy_running_text("làm thủ tục vay vốn.ngân hàng") == "làm thủ tục vay vốn ngân hàng"
    assert tidy_running_text("tại Tp.Hồ Chí Minh") == "tại Tp.Hồ Chí Minh"


def test_two_words_of_the_wording_read_as_one_are_parted_and_the_repair_is_counted():
    reading = restore_phrases("Chưa đăng ký kết hôn vớiai", VOCABULARY)
    assert reading.text == "Chưa đăng ký kết hôn với ai" and reading.repaired >= 1
    reading = restore_phrases("Đã đăng ký kếthôn, nhưng đã ly hôn theo Bản án số 5", VOCABULARY)
    assert reading.text == "Đã đăng ký kết hôn, nhưng đã ly hôn theo Bản án số 5" and reading.repaired >= 1
    # a name is no two words of the wording
    assert restore_phrases("Đã đăng ký kết hôn với bà Đinh Mai", VOCABULARY).repaired == 0


def test_a_dates_and_a_books_slashes_read_as_full_stops_or_lost_are_put_back_where_the_words_say_what_follows():
    assert repair_numbers("ly hôn ngày 09.06.2019 của") == ("ly hôn ngày 09/06/2019 của", True)
    assert repair_numbers("khai tử ngày 08.07 2003)") == ("khai tử ngày 08/07/2003)", True)
    assert repair_numbers("quyển số 01.2002 do") == ("quyển số 01/2002 do", True)
    assert repair_numbers("Bản án số69/2017/HNGĐ-ST ngày 1704/2017") == (
        "Bản án số 69/2017/HNGĐ-ST ngày 17/04/2017", True)
    assert repair_numbers("Bản án số 349/2005HNGĐ-ST") == ("Bản án số 349/2005/HNGĐ-ST", True)
    assert repair_numbers("ngày 3204/2017") == ("ngày 3204/2017", False)  # no 32nd day: left as read
    assert repair_numbers("vay 12.5 triệu năm 2019") == ("vay 12.5 triệu năm 2019", False)  # no date's words
