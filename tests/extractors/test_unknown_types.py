"""A type is claimed by its own evidence only: headings in capitals, machine zones, a card's shape.

Pages are laid out from text (no OCR): what matters here is which words stand where.
"""

from __future__ import annotations

from extractors.classify import classify_page
from extractors.registry import extract_documents
from extractors.spec import load_type_specs
from schemas import Page, Word


def page_of(lines: list[str], number: int = 1) -> Page:
    words = [Word(text=text, confidence=0.95, bbox=(40 + 60 * i, 40 + 50 * n, 90 + 60 * i, 80 + 50 * n), line=n)
             for n, line in enumerate(lines) for i, text in enumerate(line.split())]
    return Page(number=number, width=2480, height=3508, dpi=300, source="ocr", words=words)


APPLICATION = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
    "Kính gửi: Ủy ban nhân dân phường Láng Hạ",
    "Thông tin Bên nữ Bên nam",
    "Họ, chữ đệm, tên: TRẦN THỊ BÌNH NGUYỄN VĂN AN",
    "Ngày, tháng, năm sinh: 20/08/1990 12/05/1990",
    "Dân tộc: Kinh Kinh", "Quốc tịch: Việt Nam Việt Nam",
    "Nơi cư trú: Số 1 phố Tràng Tiền, Hà Nội",
    "Giấy tờ tùy thân: CCCD số 001190054321 CCCD số 001090012345",
    "Kết hôn lần thứ mấy: Lần đầu Lần đầu",
]

CONFIRMATION_APPLICATION = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐỀ NGHỊ CẤP", "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
    "Họ, chữ đệm, tên người yêu cầu: TRẦN THỊ BÌNH",
    "Giấy tờ tùy thân: Căn cước công dân số 001190054321",
    "Nơi cư trú: Số 1 phố Tràng Tiền, Hà Nội",
    "Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai",
]

BIRTH_CERTIFICATE = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "GIẤY KHAI SINH", "Số: 102 Quyển số: 01/2024",
    "Họ, chữ đệm, tên: NGUYỄN VĂN CƯỜNG", "Ngày, tháng, năm sinh: 15/01/2024",
    "ghi bằng chữ: Ngày mười lăm tháng một năm hai nghìn không trăm hai mươi tư",
    "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam", "Nơi sinh: Bệnh viện Phụ sản Hà Nội",
    "Họ, chữ đệm, tên người mẹ: TRẦN THỊ BÌNH", "Họ, chữ đệm, tên người cha: NGUYỄN VĂN AN",
]

POWER_OF_ATTORNEY = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "GIẤY ỦY QUYỀN",
    "Bên ủy quyền: Họ và tên: NGUYỄN VĂN AN, Căn cước công dân số 001090012345",
    "Bên được ủy quyền: Họ và tên: TRẦN THỊ BÌNH, Căn cước công dân số 001190054321",
]


def test_a_marriage_application_is_unknown_with_its_family() -> None:
    found = classify_page(page_of(APPLICATION), load_type_specs())
    assert (found.document_type, found.family) == ("unknown", "application")
    assert found.title == "TỜ KHAI ĐĂNG KÝ KẾT HÔN"
    assert "marriage_certificate" in dict(found.candidates)  # the best guesses are kept for the reviewer


def test_an_application_naming_a_known_title_is_still_an_application() -> None:
    found = classify_page(page_of(CONFIRMATION_APPLICATION), load_type_specs())
    assert (found.document_type, found.family) == ("unknown", "application")


def test_a_card_named_in_running_text_makes_no_id_card() -> None:
    found = classify_page(page_of(POWER_OF_ATTORNEY), load_type_specs())
    assert (found.document_type, found.family) == ("unknown", "authorisation")


def test_a_known_title_heading_claims_its_type() -> None:
    found = classify_page(page_of(BIRTH_CERTIFICATE), load_type_specs())
    assert (found.document_type, found.has_title) == ("birth_certificate", True)
    assert found.confidence >= 0.9


def test_an_unknown_page_between_two_documents_is_a_component_of_its_own() -> None:
    pages = [page_of(BIRTH_CERTIFICATE, 1), page_of(APPLICATION, 2), page_of(BIRTH_CERTIFICATE, 3)]
    documents = extract_documents(pages, {})
    assert [(d.document_type, d.pages) for d in documents] == [
        ("birth_certificate", [1]), ("unknown", [2]), ("birth_certificate", [3])]
    unknown = documents[1]
    assert unknown.family == "application" and unknown.needs_review
    assert "TỜ KHAI ĐĂNG KÝ KẾT HÔN" in unknown.text  # its text is kept


def test_a_titleless_page_continues_the_document_whose_vocabulary_it_shares() -> None:
    second = ["Họ, chữ đệm, tên người cha: NGUYỄN VĂN AN", "Nơi đăng ký khai sinh: UBND phường Láng Hạ",
              "Quyển số: 01/2024", "ghi bằng chữ: mười lăm"]
    documents = extract_documents([page_of(BIRTH_CERTIFICATE, 1), page_of(second, 2)], {})
    assert [(d.document_type, d.pages) for d in documents] == [("birth_certificate", [1, 2])]


def test_an_application_heading_with_specks_inside_its_first_words_is_still_an_application() -> None:
    damaged = [line if not line.startswith("TỜ KHAI") else "TỜ KH.\\VI CẤP GIẤY XÁC NH ` TÌNH TR\\NG HÔN NHÂN"
               for line in CONFIRMATION_APPLICATION]
    damaged.remove("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")
    found = classify_page(page_of(damaged), load_type_specs())
    assert (found.document_type, found.family) == ("unknown", "application")


def test_a_confirmation_whose_display_title_was_lost_is_named_by_its_labels_in_either_wording() -> None:
    lines = ["UBND PHƯỜNG SUỐI HOA", "Số: 318/XNTTHN", "GIẤY XÁC NHẬN", "TEVHTRVS(S HOXNXHYX",
             "Xét đề nghị của ông bà: NGUYỄN KHẮC BÌNH, về việc cấp Giấy xác nhận tình trạng hôn nhân,",
             "XÁC NHẬN:", "Họ, chữ đệm, tên: NGUYỄN KHẮC BÌNH", "Nơi cư trú: Số 296 đường Nguyễn Cao",
             "Tình trạng hôn nhân: Hiện tại chưa đăng ký kết hôn với ai.",
             "Giấy này có giá trị 06 tháng kể từ ngày cấp, đến ngày 16/10/2019.",
             "Giấy này được cấp để làm thủ tục mua bán nhà đất."]
    found = classify_page(page_of(lines), load_type_specs())
    assert found.document_type == "marital_status_confirmation" and not found.has_title
    assert found.confidence <= 0.5  # for a person to confirm


def test_a_wrapped_title_with_specks_read_at_its_seam_is_still_the_title() -> None:
    lines = ["ỦY BAN NHÂN DÂN", "XÃ QUẢNG PHÚ", "Số: 462/XNTTHN", "GIẤY XÁC NHẬN :", "mã TÌNH TRẠNG HÔN NHÂN :",
             "Họ, chữ đệm và tên: ĐINH MINH NGA"]
    found = classify_page(page_of(lines), load_type_specs())
    assert (found.document_type, found.has_title) == ("marital_status_confirmation", True)


def test_lower_case_words_between_wrapped_heading_lines_make_no_title() -> None:
    lines = ["ỦY BAN NHÂN DÂN", "GIẤY XÁC NHẬN", "về tình trạng hôn nhân của công dân"]
    assert classify_page(page_of(lines), load_type_specs()).document_type == "unknown"


def test_a_status_sentence_is_no_marriage_certificates_label_that_vetoes_the_confirmation() -> None:
    # "có đăng ký kết hôn" is one word away from "Nơi đăng ký kết hôn"; the title was lost to a display face
    lines = ["ỦY BAN NHÂN DÂN", "Số: 409/UBND-XNTTHN", "GLVV XACXSNHYN", "TINH TR.VNXG HOXNNXH VN",
             "Họ, chữ đệm và tên: NGUYỄN PHƯƠNG HƯƠNG", "Giấy tờ tùy thân: Căn cước công dân số 004185898620",
             "Nơi cư trú: Thôn 5, Xã Thới Lai, Thành phố Cần Thơ",
             "Tình trạng hôn nhân: Có đăng ký kết hôn nhưng chồng đã chết.",
             "Giấy này có giá trị sử dụng đến ngày 17/05/2026.", "Giấy này được cấp để làm thủ tục mua bán nhà đất"]
    found = classify_page(page_of(lines), load_type_specs())
    assert (found.document_type, found.confidence) == ("marital_status_confirmation", 0.5)


def test_a_marriage_certificates_label_damaged_by_a_letter_still_vetoes_the_confirmation() -> None:
    lines = ["GIẤY CHỨNG NHẬN KẾT HÔN", "Họ, chữ đệm, tên vợ: TRẦN THỊ BÌNH", "Nơi cư trú: Hà Nội",
             "Giấy tờ tùy thân: CCCD số 001190054321", "Nol đăng ký kết hôn: Ủy ban nhân dân phường Láng Hạ",
             "Tình trạng hôn nhân: x", "Giấy này được cấp để: x", "Giấy này có giá trị sử dụng đến: x"]
    found = classify_page(page_of(lines), load_type_specs())
    assert found.document_type != "marital_status_confirmation"


def test_an_application_heading_after_a_speck_read_as_a_lower_case_word_is_still_an_application() -> None:
    lines = [": CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ng TỜ KHAI ĐĂNG KÝ KHAI SINH", *BIRTH_CERTIFICATE[3:]]
    found = classify_page(page_of(lines), load_type_specs())
    assert (found.document_type, found.family) == ("unknown", "application")
