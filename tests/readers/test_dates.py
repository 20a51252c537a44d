import pytest

from extractors.readers.dates import (date_to_words, number_to_words, parse_date, parse_date_in_words, parse_year,
                                      words_to_number)


@pytest.mark.parametrize("text, iso, repaired", [
    ("28/04/1993", "1993-04-28", False),
    ("28-04-1993", "1993-04-28", False),
    ("28.04.1993", "1993-04-28", False),
    ("28 / 04 / 1993", "1993-04-28", False),
    ("5/3/2024", "2024-03-05", False),
    ("Ngày sinh / Date of birth: 01/01/2000", "2000-01-01", False),
    ("ngày 05 tháng 3 năm 2024", "2024-03-05", False),
    ("Hà Nội, ngày 12 tháng 11 năm 2025", "2025-11-12", False),
    ("HÀ NỘI, NGÀY 12 THÁNG 11 NĂM 2025", "2025-11-12", False),
    ("Lâm Đồng, ngày 24 tháng 6 năm 20235", "2023-06-24", True),  # a figure glued after the year: 2023 or 2025?
    ("- Diên Khánh, ngày 8 tháng 7 hãm 2025", "2025-07-08", True),  # a signature line's worse misreads: năm as hãm
    ("Quang Trung, hgày 19 tháng 1 năm 2023", "2023-01-19", True),  # ngày as hgày
    ("Dắk Lăk, ngdv 27 thang 08 năm 2019", "2019-08-27", True),  # … as ngdv
    ("Ngày, tháng, năm sinh: 28/04/1993", "1993-04-28", False),
])
def test_printed_dates(text, iso, repaired):
    reading = parse_date(text)
    assert reading is not None
    assert (reading.iso, reading.repaired) == (iso, repaired)


@pytest.mark.parametrize("text, iso", [
    ("280411993", "1993-04-28"),  # both slashes gone, one read as "1"
    ("28I04I2033", "2033-04-28"),  # slashes read as I
    ("28l04l1993", "1993-04-28"),
    ("Có giá trị đến: 28|04|2033", "2033-04-28"),
    ("2804/1993", "1993-04-28"),
    ("28041993", "1993-04-28"),
    ("28/O4/1993", "1993-04-28"),  # O for 0
    ("2B/04/1993", "1993-04-28"),  # B for 8
    ("O1/1O/2OO5", "2005-10-01"),
    ("Ngày sinh: 28I04I1993", "1993-04-28"),
    ("Hà Nội, ngày O5 thang 3 nãm 2O24", "2024-03-05"),  # lost diacritics and O for 0
])
def test_ocr_damaged_dates_are_repaired(text, iso):
    reading = parse_date(text)
    assert reading is not None and reading.iso == iso
    assert reading.repaired


def test_year_alone_stays_a_year():
    assert parse_date("1993").iso == "1993"
    assert parse_date("Năm sinh: 1965").iso == "1965"
    assert parse_year("Năm sinh: l965") == "1965"
    assert parse_year("Số 123/2024") == "2024"
    assert parse_year("không rõ") is None


@pytest.mark.parametrize("text", [
    "31/02/2020",  # no such day
    "29/02/2023",  # not a leap year
    "ngày 31 tháng 4 năm 2024",
    "13/13/2013",
    "99/99/9999",
    "12345678",
    "Số 123/2024",  # a number and a year, not a date
    "",
    "Không thời hạn",
])
def test_impossible_or_absent_dates_are_none(text):
    assert parse_date(text) is None


def test_leap_day_is_valid():
    assert parse_date("29/02/2024").iso == "2024-02-29"


@pytest.mark.parametrize("text, iso", [
    ("Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi", "2020-03-15"),
    ("ngày mồng một tháng giêng năm một nghìn chín trăm chín mươi ba", "1993-01-01"),
    ("Ngày năm tháng năm năm hai nghìn linh năm", "2005-05-05"),  # năm = five and year
    ("Ngày hai mươi mốt tháng tư năm hai nghìn không trăm hai mươi tư", "2024-04-21"),
    ("Ngày mùng mười tháng mười hai năm hai nghìn lẻ bảy", "2007-12-10"),
    ("Ngày ba mươi mốt tháng chạp năm một nghìn chín trăm tám mươi lăm", "1985-12-31"),
    ("Ngay muoi lam thang ba nam hai nghin khong tram hai muoi", "2020-03-15"),  # no diacritics
    ("Ngày hai mươi lăm tháng mười một năm hai ngàn không trăm mười", "2010-11-25"),
])
def test_dates_in_words(text, iso):
    reading = parse_date_in_words(text)
    assert reading is not None and reading.iso == iso


def test_dates_in_words_with_ocr_damage():
    reading = parse_date_in_words("Ngày mười lăm tháng ba năm hai nghìm không trăm hai mươi")
    assert reading is not None and reading.iso == "2020-03-15" and reading.repaired


@pytest.mark.parametrize("text", [
    "Ngày ba mươi tháng hai năm hai nghìn",  # 30 February
    "mười lăm tháng ba",  # no year
    "Nơi sinh: Hà Nội",
])
def test_invalid_dates_in_words(text):
    assert parse_date_in_words(text) is None


@pytest.mark.parametrize("number, words", [
    (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (105, "một trăm linh năm"),
    (1993, "một nghìn chín trăm chín mươi ba"), (2020, "hai nghìn không trăm hai mươi"),
    (2005, "hai nghìn không trăm linh năm"), (2000, "hai nghìn"), (10, "mười"),
])
def test_number_words_both_ways(number, words):
    assert number_to_words(number) == words
    assert words_to_number(__import__("pipeline.text", fromlist=["fold"]).fold(words).split()) == number


def test_date_to_words_round_trips_every_day_of_two_years():
    from datetime import date, timedelta
    day = date(1999, 1, 1)
    while day < date(2001, 1, 1):
        iso = day.isoformat()
        assert parse_date_in_words(date_to_words(iso)).iso == iso
        day += timedelta(days=1)


def test_date_to_words_form():
    assert date_to_words("2020-03-15") == "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi"
    assert date_to_words("2024-04-05") == "Ngày mồng năm tháng tư năm hai nghìn không trăm hai mươi tư"
    assert date_to_words("1993") == "Năm một nghìn chín trăm chín mươi ba"


def test_first_date_in_text_wins():
    assert parse_date("Ngày cấp: 15/08/2021 Có giá trị đến: 15/08/2031").iso == "2021-08-15"
    assert parse_date("28I04I1993 cấp 15 / 08 / 2021").iso == "1993-04-28"


@pytest.mark.parametrize(("read", "spelled"), [
    ("Ngày mười sáu tháng bạ năm một nghìn chín trăm tám mươi lăm",
     "Ngày mười sáu tháng ba năm một nghìn chín trăm tám mươi lăm"),
    ("Ngày hai mươi lắm tháng sáu năm một nghìn chín trắm chín mươi", "Ngày hai mươi lăm tháng sáu năm một nghìn chín trăm chín mươi"),
    ("Ngày hai mươi tư tháng Sáu năm hai nghìn không trăm mười", "Ngày hai mươi tư tháng sáu năm hai nghìn không trăm mười"),
    ("Ngày hai mười mốt tháng mươi hai năm môt nghìn chín trăm ba mươi môt",  # mười/mươi, một/mốt by context
     "Ngày hai mươi mốt tháng mười hai năm một nghìn chín trăm ba mươi mốt"),
    ("NGAY MONG BON THANG GIENG", "NGÀY MỒNG BỐN THÁNG GIÊNG"),  # printed in capitals: kept so
])
def test_number_words_of_a_date_get_their_marks_back(read, spelled):
    from extractors.readers.dates import respell_date_words

    assert respell_date_words(read) == spelled


@pytest.mark.parametrize(("read", "iso"), [
    ("22 06 1980", "1980-06-22"),  # thin slashes OCR'd as spaces
    ("29 08.1979", "1979-08-29"),
    ("16/03 2016", "2016-03-16"),
    ("06 041989", "1989-04-06"),  # one slash a space, the other lost
    ("0604 1989", "1989-04-06"),
])
def test_a_date_whose_slashes_became_spaces_is_read_as_repaired(read, iso):
    reading = parse_date(read)
    assert reading is not None and reading.iso == iso and reading.repaired


def test_spaced_numbers_that_make_no_calendar_date_are_not_one():
    assert parse_date("31 02 2016") is None
    assert parse_date("Số 12 2019") is None
    assert parse_date("31 022016") is None


def test_a_date_in_words_spelled_as_printed_has_every_word_a_number_word_with_its_marks_in_its_place():
    from extractors.readers.dates import spelled_as_printed

    assert spelled_as_printed("Ngày mười hai tháng tư năm hai nghìn không trăm hai mươi hai")
    assert spelled_as_printed("Ngày ba mươi mốt tháng tám năm hai nghìn không trăm hai mươi ba")
    assert spelled_as_printed("Ngày tám tháng mười một năm hai nghìn không trăm mười sáu")
    # a misread mark that keeps the date: the words are not proven by it
    assert not spelled_as_printed("Ngày hai mười hai tháng tư năm hai nghìn")  # mươi read as mười
    assert not spelled_as_printed("Ngày ba mươi một tháng tám năm hai nghìn")  # mốt read as một
    assert not spelled_as_printed("Ngày mồng bẩy tháng mười năm hai nghìn không trăm linh tám")  # bảy or bẩy
    assert not spelled_as_printed("Ngày mười hai tháng tư năm hai nghin")  # a mark lost


def test_a_slashed_zero_and_a_capital_l_read_for_digits_of_a_date():
    for text in ("ngày 12 tháng Ø7 năm 2025", "ngày L2 tháng 07 năm 2025"):
        reading = parse_date(text)
        assert reading is not None and reading.iso == "2025-07-12" and reading.repaired
