import pytest

from extractors.readers.ids import (birth_year_from_id, check_id_number, decode_id_number, normalise_id_number,
                                    province_codes, province_codes_current)


@pytest.mark.parametrize("text, expected", [
    ("001093012345", "001093012345"),
    ("Số: OO1O93 O12345", "001093012345"),  # O for 0 behind a label
    ("0O1 O93 O12 345", "001093012345"),  # printed in groups
    ("S/No: O79l93OO5678", "079193005678"),  # l for 1
    ("001093012345 Giới tính", "001093012345"),
    ("Số CMND: 123456789", "123456789"),  # old 9-digit CMND stays 9 digits
    ("CMND số:123456789", "123456789"),
    ("0B1O9301234S", "081093012345"),  # B for 8, S for 5
])
def test_normalise_id_number(text, expected):
    assert normalise_id_number(text) == expected


@pytest.mark.parametrize("text", ["123", "00109301234", "0010930123456", "ABCDEFGHIJKL", "", None, "Nam",
                                  "03§172232426"])  # a 12-digit number with a sign for its 8: no CMND in its tail
def test_normalise_id_number_refuses(text):
    assert normalise_id_number(text) is None


def test_province_table_has_the_63_codes():
    codes = province_codes()
    assert len(codes) == 63
    assert codes["001"] == "Hà Nội" and codes["002"] == "Hà Giang" and codes["079"] == "Hồ Chí Minh"
    assert codes["096"] == "Cà Mau" and codes["046"] == "Thừa Thiên Huế"
    assert "003" not in codes and "097" not in codes
    assert province_codes_current()["002"] == "Tỉnh Tuyên Quang"


def test_decode_id_number():
    parts = decode_id_number("001093012345")
    assert parts == ("Hà Nội", 1900, "Nam", "93")
    assert decode_id_number("079303001234") == ("Hồ Chí Minh", 2000, "Nữ", "03")
    assert decode_id_number("038190000001").sex == "Nữ"
    assert decode_id_number("12345") is None
    assert birth_year_from_id("079303001234") == 2003


def test_consistent_number_has_no_problem():
    assert check_id_number("001093012345", "1993-04-28", "Nam") == []
    assert check_id_number("079303001234", "2003-12-01", "Nữ") == []
    assert check_id_number("079303001234", "2003") == []
    assert check_id_number("123456789") == []  # CMND: nothing to check


def test_problems_are_named():
    assert check_id_number("001193012345", "1993-04-28", "Nam") == ["id_number: sex digit (4) disagrees with sex"]
    assert check_id_number("001093012345", "1994-04-28") == ["id_number: digits 5-6 disagree with the birth year"]
    assert check_id_number("001293012345", "1993-04-28") == [
        "id_number: century digit (4) disagrees with the birth year"]
    assert check_id_number("099093012345") == ["id_number: unknown province code (digits 1-3)"]
    assert check_id_number("0010930123") == ["id_number: not 12 digits"]


def test_problem_messages_carry_no_personal_values():
    problems = check_id_number("099393012345", "1984-04-28", "Nam")
    assert len(problems) == 4
    assert not any(value in p for p in problems for value in ("099", "1984", "93", "84", "Nam"))
