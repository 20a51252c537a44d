import unicodedata

import pytest

from extractors.readers.names import fold_name_for_mrz, name_similarity, names_match, normalise_name


@pytest.mark.parametrize("raw, expected", [
    ("NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
    ("NGUYễN VăN AN", "NGUYỄN VĂN AN"),  # stray lower case in a capitalised name
    ("  NGUYỄN   VĂN  AN ....", "NGUYỄN VĂN AN"),
    (": TRẦN THỊ THU HÀ.", "TRẦN THỊ THU HÀ"),
    ("H0ÀNG THỊ 8ÌNH", "HOÀNG THỊ BÌNH"),  # OCR digits inside words
    ("Nguyễn Văn An", "Nguyễn Văn An"),  # letters as printed
    ("H'HEN NIÊ", "H'HEN NIÊ"),
])
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


def test_normalise_name_is_nfc():
    name = normalise_name(unicodedata.normalize("NFD", "ĐẶNG THỊ NGỌC ÁNH"))
    assert name == "ĐẶNG THỊ NGỌC ÁNH" and unicodedata.is_normalized("NFC", name)


def test_normalise_name_of_nothing():
    assert normalise_name(" .... ") == ""


@pytest.mark.parametrize("name, mrz", [
    ("Nguyễn Văn An", "NGUYEN<<VAN<AN"),
    ("ĐẶNG THỊ NGỌC ÁNH", "DANG<<THI<NGOC<ANH"),
    ("UNG HOÀNG HIỆP", "UNG<<HOANG<HIEP"),
    ("NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<", "NGUYEN<<VAN<AN"),
])
def test_fold_name_for_mrz(name, mrz):
    assert fold_name_for_mrz(name) == mrz


def test_names_match_tolerates_lost_diacritics_and_mrz_form():
    assert names_match("NGUYỄN VĂN AN", "Nguyen Van An")
    assert names_match("NGUYỄN VĂN AN", "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
    assert names_match("NGUYỄN VĂN AN", "NGUYỄN VĂNAN")  # merged words
    assert names_match("UNG HOÀNG HIỆP", "UNG HOANG HIEP")


def test_names_match_refuses_other_people():
    assert not names_match("NGUYỄN VĂN AN", "NGUYỄN VĂN ANH")
    assert not names_match("NGUYỄN VĂN AN", "TRẦN VĂN AN")
    assert not names_match("NGUYỄN VĂN AN", "")


def test_names_match_with_ocr_edit_budget():
    assert not names_match("NGUYỄN VĂN AN", "NGUYẼN VĂM AN")
    assert names_match("NGUYỄN VĂN AN", "NGUYẼN VĂM AN", max_edits=1)


def test_truncated_mrz_name_matches_its_prefix():
    full = "TON NU HOANG PHUONG THAO MINH CHAU"
    assert names_match(full, "TON<<NU<HOANG<PHUONG<THAO<MINH")
    assert not names_match("TON NU HOANG PHUONG THAO", "TON<<NU<HOANG<PHUONG<THAO<MINH")


def test_name_similarity():
    assert name_similarity("NGUYỄN VĂN AN", "nguyen van an") == 1.0
    assert 0.8 < name_similarity("NGUYỄN VĂN AN", "NGUYỄN VĂN ANH") < 1.0
    assert name_similarity("", "A") == 0.0
