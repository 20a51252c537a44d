"""Classification by printed phrases and structures."""

from __future__ import annotations

from extractors.classify import classify_page
from extractors.spec import load_type_specs as load_specs
from schemas import Page, Word


def page_of(lines: list[str]) -> Page:
    words = [Word(text=token, confidence=0.9, bbox=(10 * i, 30 * n, 10 * i + 8, 30 * n + 20), line=n)
             for n, line in enumerate(lines) for i, token in enumerate(line.split())]
    return Page(number=1, width=1400, height=900, dpi=300, source="ocr", words=words)


def test_a_card_back_with_mangled_labels_is_an_id_card_by_its_mrz():
    back = page_of(["Nơi cư trú/Place of residence:", "Ngày, tháng, năm-cấp/Dzfe of issue: 10/04/2025",
                    "TDVNM0802424343034089242434<<6", "8007094M4067096VNM<<<<<<<<<<<6",
                    "NGUYEN<<H0ANG<NAM<<<<<<<<<<<<<"])
    assert classify_page(back, load_specs()).document_type == "id_card"


def test_a_page_with_only_a_residence_label_stays_unknown():
    assert classify_page(page_of(["Nơi cư trú/Place of residence:", "Thành phố Hà Nội"]),
                         load_specs()).document_type == "unknown"


def test_a_veto_phrase_counts_as_whole_words_only():
    from extractors.classify import words_present
    assert words_present("Nơi đăng ký kết hôn", "noi dang ky ket hon: uy ban")
    assert words_present("Nơi đăng ký kết hôn", "nol dang ky ket hon: uy ban")  # one letter misread
    assert not words_present("Nơi đăng ký kết hôn", "tinh trang: co dang ky ket hon nhung")
    assert not words_present("Nơi đăng ký kết hôn", "hien tai chua dang ky ket hon voi ai")


def test_a_title_wrapped_over_a_line_of_specks_is_still_the_title():
    top = ["UBND PHƯỜNG MÁY TƠ Độc lập - Tự do - Hạnh phúc", "Số: 200/XNTTHN _", "GIẤY XÁC NHẬN _"]
    labels = ["Họ, chữ đệm, tên: LÊ THỊ HOA", "Ngày, tháng, năm sinh: 02/03/1990", "Giới tính: Nữ",
              "Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai", "Giấy này được cấp để: làm thủ tục kết hôn"]
    page = page_of(top + ["` ^ -ˆ", "TĨNH TRẠNG HON NHAN"] + labels)  # a phone photo's specks between the lines
    found = classify_page(page, load_specs())
    assert found.document_type == "marital_status_confirmation" and found.has_title
    assert not classify_page(page_of(top + ["` ^ -ˆ"] + labels), load_specs()).has_title  # half a title is none


def test_a_title_whose_round_letters_were_read_small_is_still_the_title():
    """"CĂN cước CÔNG DÂN": c, ư and ơ are their capitals made smaller, and OCR told them by size; the title's
    other words in capitals say it is printed in capitals. A sentence naming the card is no title."""
    front = page_of(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CĂN cước CÔNG DÂN", "Citzen ldertty Card",
                     "Họ và tên / Fu# name", "LÝ THỊ DUYÊN"])
    assert classify_page(front, load_specs()).document_type == "id_card"
    mention = page_of(["Giấy tờ tùy thân: Căn cước công dân số 001093012345", "Họ và tên: LÝ THỊ DUYÊN"])
    assert classify_page(mention, load_specs()).document_type == "unknown"


def test_a_register_whose_heading_ran_on_into_specks_is_a_register_and_continues_nothing():
    """"SỔ HỘ KHẨU tanLoibtte oi tia SRĐ": a household book's heading OCR ran on into a stamp's letters, which make the
    line no heading; its opening in capitals still says what it is, and it does not pass for a residence
    confirmation's next page by the labels the two share."""
    book = page_of(["SỔ HỘ KHẨU tanLoibtte oi tia SRĐ", ".. Họ và tên: HUỲNH BẢO YẾN.",
                    "Họ và tên chủ hộ: HUỲNH VĂN THẾ KHẢI. Ngày, tháng, năm sinh: 22/01/2014.",
                    "Chỗ ở hiện nay: Căn hộ 207 tòa A, đường Nguyễn Cao, phường Suối Hoa",
                    "Nơi thường trú trước khi chuyển đến: Xã Hòa Phong, Huyện Hòa Vang"])
    found = classify_page(book, load_specs())
    assert found.document_type == "unknown" and found.family == "register" and found.title == "SỔ HỘ KHẨU"
    # a page whose own title names a known type keeps it, whatever a line of capitals opens with
    certificate = page_of(["UBND PHƯỜNG MÁY TƠ", "GIẤY KHAI SINH", "SỔ ĐĂNG KÝ khai sinh số 12",
                           "Họ, chữ đệm, tên: LÊ THỊ HOA", "Ngày, tháng, năm sinh: 02/03/1990"])
    assert classify_page(certificate, load_specs()).document_type == "birth_certificate"
