import unicodedata

import pytest

from pipeline.text import clean_value, fold, nfc


@pytest.mark.parametrize("text", ["HỌ VÀ TÊN", "Họ và tên", "Hộ và tến", "Ho va ten", "  họ   và\ttên "])
def test_fold_makes_label_spellings_equal(text):
    assert fold(text) == "ho va ten"


def test_fold_handles_d_with_stroke_and_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "ĐẶNG THỊ ĐÀO")
    assert fold(decomposed) == "dang thi dao"
    assert fold("Quốc tịch / Nationality") == "quoc tich / nationality"


def test_fold_keeps_different_letters_apart():
    assert fold("Ngày sinh") != fold("Nơi sinh")


@pytest.mark.parametrize("raw, expected", [
    (": NGUYỄN VĂN AN .........", "NGUYỄN VĂN AN"),
    ("....... Hà Nội ......", "Hà Nội"),
    ("Kinh…………", "Kinh"),
    ("  Việt  Nam ; ", "Việt Nam"),
    ("Số 12, ngõ 34 ...... Phường Láng", "Số 12, ngõ 34 Phường Láng"),
    ("TP. Hồ Chí Minh.", "TP. Hồ Chí Minh"),
    ("‹Thôn Phú Mỹ, Xã Hoằng Đạo", "Thôn Phú Mỹ, Xã Hoằng Đạo"),  # specks OCR reads as quote marks
    ("„Hà Nội »", "Hà Nội"),
    ("(Giấy chứng nhận số 5)", "(Giấy chứng nhận số 5)"),  # brackets are the value's own
])
def test_clean_value_strips_leaders_and_edge_punctuation(raw, expected):
    assert clean_value(raw) == expected


def test_clean_value_returns_nfc():
    value = clean_value(unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ:"))
    assert value == "Nguyễn Thị Thuỷ"
    assert unicodedata.is_normalized("NFC", value)


def test_nfc_collapses_spaces():
    assert nfc(" a \n b ") == "a b"
