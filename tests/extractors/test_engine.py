"""The generic label → value engine on page layouts: sections stacked, side by side, and as table columns."""

from __future__ import annotations

import pytest

from extractors.engine import extract_fields, field_from_words, view_page
from extractors.registry import spec_for
from schemas import Page, Word

CHAR, GAP, ROW = 10, 8, 40


def laid_out(rows: list[list[tuple[int, str]]]) -> Page:
    """A page from rows of (x, text) cells: 10 px a character, one visual line per row."""
    words = []
    for n, cells in enumerate(rows):
        for x, text in cells:
            for token in text.split():
                words.append(Word(text=token, confidence=0.97, bbox=(x, ROW * n, x + CHAR * len(token), ROW * n + 22), line=n))
                x += CHAR * len(token) + GAP
    return Page(number=1, width=1600, height=ROW * len(rows) + 40, dpi=300, source="ocr", words=words)


def marriage_values(rows: list[list[tuple[int, str]]]) -> dict[str, object]:
    spec = spec_for("marriage_certificate")
    return {name: f.value for name, f in extract_fields(spec, [view_page(spec, laid_out(rows))]).items()}


def test_a_table_with_one_label_column_and_a_column_per_spouse():
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(500, "Vợ"), (1050, "Chồng")],
        [(60, "Họ, chữ đệm, tên:"), (330, "TRẦN MINH NHI"), (900, "TRẦN GIA ANH")],
        [(60, "Ngày, tháng, năm sinh:"), (330, "23/08/1983"), (900, "28/01/1979")],
        [(60, "Dân tộc:"), (330, "Kinh"), (900, "Tày")],
        [(60, "Nơi cư trú:"), (330, "Thôn Phú Mỹ, Xã Hòa Phong,"), (900, "Số 249 phố Hai Bà Trưng,")],
        [(330, "Thành phố Đà Nẵng"), (900, "Tỉnh Hưng Yên")],
        [(60, "Giấy tờ tùy thân:"), (330, "CCCD số 048183945670"), (900, "CCCD số 034079649786")],
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân phường Máy Tơ, thành phố Hải Phòng")],
    ])
    assert values["wife_full_name"] == "TRẦN MINH NHI" and values["husband_full_name"] == "TRẦN GIA ANH"
    assert values["wife_date_of_birth"] == "1983-08-23" and values["husband_date_of_birth"] == "1979-01-28"
    assert values["wife_ethnicity"] == "Kinh" and values["husband_ethnicity"] == "Tày"
    assert values["wife_residence"] == "Thôn Phú Mỹ, Xã Hòa Phong, Thành phố Đà Nẵng"
    assert values["husband_residence"] == "Số 249 phố Hai Bà Trưng, Tỉnh Hưng Yên"  # the next row stops it
    assert values["wife_id_number"] == "048183945670" and values["husband_id_number"] == "034079649786"


def test_the_spouses_headings_with_one_mark_lost_still_head_the_columns_but_a_surname_does_not():
    def rows(headings: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
        return [
            [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
            headings,
            [(60, "Họ, chữ đệm, tên:"), (330, "TRẦN MINH NHI"), (900, "TRẦN GIA ANH")],
            [(60, "Ngày, tháng, năm sinh:"), (330, "23/08/1983"), (900, "28/01/1979")],
        ]

    values = marriage_values(rows([(500, "vợ"), (1050, "CHÔNG")]))  # "CHỒNG" read without its grave accent
    assert values["wife_full_name"] == "TRẦN MINH NHI" and values["husband_full_name"] == "TRẦN GIA ANH"
    assert values["husband_date_of_birth"] == "1979-01-28"
    values = marriage_values(rows([(500, "VÕ"), (1050, "CHÔNG")]))  # neither spelled as a heading
    assert values.get("husband_full_name") != "TRẦN GIA ANH"


def test_a_misread_heading_beside_the_other_spouses_heads_the_other_column():
    rows = [
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(400, "Vự"), (950, "Chồng")],  # "Vợ" as OCR reads it in some faces
        [(60, "Họ, chữ đệm, tên:"), (330, "ĐỖ THỊ HÀ"), (900, "HOÀNG QUỐC KIÊN")],
        [(60, "Ngày, tháng, năm sinh:"), (330, "06/02/1983"), (900, "08/04/1984")],
        [(60, "Dân tộc:"), (330, "Mường"), (900, "Tày")],
        [(60, "Quốc tịch:"), (330, "Việt Nam"), (900, "Việt Nam")],
    ]
    values = marriage_values(rows)
    assert values["wife_full_name"] == "ĐỖ THỊ HÀ" and values["husband_full_name"] == "HOÀNG QUỐC KIÊN"
    assert values["wife_date_of_birth"] == "1983-02-06" and values["husband_date_of_birth"] == "1984-04-08"
    assert values["wife_ethnicity"] == "Mường" and values["husband_ethnicity"] == "Tày"
    rows[1] = [(400, "Vự"), (700, "và"), (950, "Chồng")]  # three words: no pair of headings
    assert marriage_values(rows).get("husband_full_name") != "HOÀNG QUỐC KIÊN"


def test_a_heading_read_as_punctuation_beside_the_other_spouses_still_heads_its_column():
    rows = [
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(400, "\\e)"), (950, "CHỒNG")],  # "VỢ" as a clean scan's OCR read it
        [(60, "Họ, chữ đệm, tên:"), (330, "PHAN PHƯƠNG HÒA"), (900, "VŨ KHẮC KIÊN")],
        [(60, "Ngày, tháng, năm sinh:"), (330, "26/10/2000"), (900, "11/08/2000")],
    ]
    values = marriage_values(rows)
    assert values["wife_full_name"] == "PHAN PHƯƠNG HÒA" and values["husband_full_name"] == "VŨ KHẮC KIÊN"
    assert values["wife_date_of_birth"] == "2000-10-26" and values["husband_date_of_birth"] == "2000-08-11"
    rows[1] = [(400, "\\e)"), (650, "1988"), (950, "CHỒNG")]  # a figure: no heading's letters
    assert marriage_values(rows).get("wife_full_name") != "PHAN PHƯƠNG HÒA"


def test_the_other_spouses_heading_of_several_words_misread_past_a_wide_blank_still_heads_its_column():
    def rows(husband: str) -> list[list[tuple[int, str]]]:
        return [
            [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
            [(330, "Thông tin về vợ"), (900, husband)],
            [(60, "Họ, chữ đệm, tên:"), (330, "NGÔ QUỲNH THẢO"), (900, "NGUYỄN HẢI")],
            [(60, "Ngày, tháng, năm sinh:"), (330, "12/05/1992"), (900, "06/09/1983")],
            [(60, "Dân tộc:"), (330, "Kinh"), (900, "Tày")],
        ]

    for misread in ("Thông tinvềchồng", "Ihông tin vê chồng"):  # blanks lost; a T read as I, a mark lost
        values = marriage_values(rows(misread))
        assert values["wife_full_name"] == "NGÔ QUỲNH THẢO" and values["husband_full_name"] == "NGUYỄN HẢI"
        assert values["husband_date_of_birth"] == "1983-09-06" and values["husband_ethnicity"] == "Tày"
    assert marriage_values(rows("Ghi chú khác")).get("husband_full_name") != "NGUYỄN HẢI"  # no heading's letters


def test_a_label_opening_one_spouses_cell_does_not_cut_the_other_spouses_value_from_the_row():
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(500, "Vợ"), (1050, "Chồng")],
        [(60, "Họ, chữ đệm, tên:"), (330, "ĐÀO NGỌC VÂN"), (900, "NGUYỄN ĐỨC QUANG")],
        [(60, "Ngày, tháng, năm sinh:"), (330, "08/01/1985"), (900, "28/07/1986")],
        # the wife's cell opens with a label of the field, the husband's holds the number after "CCCD số"
        [(60, "Giấy tờ tùy thân:"), (330, "Số định danh cá nhân 070185368675"),
         (900, "CCCD số 068086278012 cấp ngày 15/11/2016")],
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định")],
    ])
    assert values["wife_id_number"] == "070185368675"
    assert values["husband_id_number"] == "068086278012"


def test_the_gutter_between_the_spouses_is_found_in_the_table_not_in_the_rows_across_the_page_below_it():
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(330, "Vợ"), (900, "Chồng")],
        [(60, "Họ, chữ đệm, tên:"), (330, "VŨ HUYỀN PHƯƠNG"), (900, "HÀ QUỐC THỊNH")],
        [(60, "Nơi cư trú:"), (330, "Căn hộ 820 tòa HH3, phố Lạc"), (620, "Trung,"), (900, "Căn hộ 2120 tòa B,")],
        [(330, "Phường Vĩnh Tuy, Quận Hai"), (620, "Bà"), (900, "Phường Máy Tơ, Quận Ngô Quyền,")],
        [(330, "Trưng, Thành phố Hà Nội"), (900, "Thành phố Hải Phòng")],
        [],
        # below the table, rows across the page: a date run into its leader, a signature's place and date
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân phường Bến Nghé, quận 1, thành phố Hồ Chí Minh")],
        [(60, "Ngày, tháng, năm đăng ký:"), (330, "04/10/2024" + "." * 100)],
        [(640, "Hồ-Chí-Minh,-ngày-04-tháng-10-năm-2024")],
    ])
    assert values["wife_residence"] == "Căn hộ 820 tòa HH3, phố Lạc Trung, Phường Vĩnh Tuy, Quận Hai Bà Trưng, Thành phố Hà Nội"
    assert values["husband_residence"] == "Căn hộ 2120 tòa B, Phường Máy Tơ, Quận Ngô Quyền, Thành phố Hải Phòng"


def test_a_speck_in_the_gutter_between_the_spouses_headings_leaves_them_a_pair():
    rows = [
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(500, "Vợ"), (760, "`"), (1050, "Chống")],  # a noisy scan's dot between them, "Chồng" with another mark
        [(60, "Họ, chữ đệm, tên:"), (330, "PHẠM HẢI NHUNG"), (900, "TRẦN VIỆT")],
        [(60, "Ngày, tháng, năm sinh:"), (330, "23/11/1994"), (900, "30/06/1987")],
    ]
    values = marriage_values(rows)
    assert values["wife_full_name"] == "PHẠM HẢI NHUNG" and values["husband_full_name"] == "TRẦN VIỆT"
    assert values["husband_date_of_birth"] == "1987-06-30"
    rows[1] = [(500, "Vự"), (760, "`"), (1050, "Chồng")]  # the wife's heading misread instead: the other word heads
    values = marriage_values(rows)
    assert values["wife_full_name"] == "PHẠM HẢI NHUNG" and values["husband_full_name"] == "TRẦN VIỆT"


def test_a_speck_in_the_gutter_does_not_push_the_column_edge_into_a_values_last_word():
    def word(text: str, x0: int, x1: int, line: int) -> Word:
        return Word(text=text, confidence=0.9 if text != "-" else 0.4, bbox=(x0, 40 * line, x1, 40 * line + 30),
                    line=line)

    # a clean scan's table as OCR placed it: "Châu," ends 18 px before the husband's column, a rule read as "-"
    # between them; the blank under the heading's end is narrower than that but for the "-"
    words = [word("GIẤY", 364, 478, 0), word("CHỨNG", 493, 667, 0), word("NHẬN", 685, 826, 0), word("KẾT", 842, 937, 0),
             word("HÔN", 953, 1061, 0)]
    words += [word(t, x0, x1, 1) for t, x0, x1 in [("Thông", 593, 671), ("tin", 680, 713), ("về", 721, 748),
                                                    ("vợ", 756, 785), ("Thông", 989, 1068), ("tin", 1076, 1110),
                                                    ("về", 1118, 1144), ("chồng", 1153, 1228)]]
    words += [word(t, x0, x1, 2) for t, x0, x1 in [("Nơi", 193, 231), ("cư", 238, 256), ("trú:", 271, 313), ("Số", 486, 512),
                                                    ("2", 520, 531), ("ngõ", 540, 580), ("286", 588, 626), ("đường", 634, 709),
                                                    ("Phan", 717, 773), ("Bội", 783, 817), ("Châu,", 825, 889),
                                                    ("Số", 907, 933), ("23", 941, 966), ("ngõ", 975, 1015),
                                                    ("75", 1025, 1050), ("đường", 1060, 1135)]]
    words += [word(t, x0, x1, 3) for t, x0, x1 in [("Phường", 488, 577), ("1,", 585, 601), ("Thành", 613, 682),
                                                    ("phố", 691, 733), ("Đà", 742, 769), ("Lạt,", 780, 819),
                                                    ("Tỉnh", 831, 879), ("-", 889, 902), ("Hùng", 909, 986),
                                                    ("Vương,", 995, 1059), ("Phường", 1070, 1152), ("Vĩnh", 1163, 1216),
                                                    ("Ninh,", 1226, 1286)]]
    words += [word(t, x0, x1, 4) for t, x0, x1 in [("Lâm", 488, 536), ("Đồng", 546, 604), ("Thành", 912, 980),
                                                    ("phố", 990, 1031), ("Huế,", 1042, 1092), ("Tỉnh", 1104, 1151),
                                                    ("Thừa", 1163, 1217), ("Thiên", 1230, 1290)]]
    words += [word("Huế", 909, 954, 5)]
    words += [word(t, x0, x1, 6) for t, x0, x1 in [("Giấy", 191, 238), ("tờ", 250, 264), ("tùy", 266, 311),
                                                    ("thân:", 323, 380), ("CCCD", 487, 560), ("số", 570, 595),
                                                    ("070193304834", 605, 770), ("CCCD", 907, 968), ("số", 976, 999),
                                                    ("015087190399", 1007, 1169)]]
    spec = spec_for("marriage_certificate")
    page = Page(number=1, width=1425, height=400, dpi=300, source="ocr", words=words)
    values = {name: f.value for name, f in extract_fields(spec, [view_page(spec, page)]).items()}
    assert values["wife_residence"] == "Số 2 ngõ 286 đường Phan Bội Châu, Phường 1, Thành phố Đà Lạt, Tỉnh Lâm Đồng"
    assert values["husband_residence"] == ("Số 23 ngõ 75 đường Hùng Vương, Phường Vĩnh Ninh, Thành phố Huế, "
                                           "Tỉnh Thừa Thiên Huế")


def test_stacked_sections_under_headings_a_surname_vo_does_not_open_the_wifes_section():
    values = marriage_values([
        [(400, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(60, "Thông tin người vợ:")],
        [(60, "Họ, chữ đệm, tên: HUỲNH QUỲNH HÀ")],
        [(60, "Dân tộc: Kinh")],
        [(40, "Ti"), (60, "Thông tin người chồng")],
        [(60, "Họ, chữ đệm, tên: VÕ ANH ĐẠT")],
        [(60, "Dân tộc: Mường")],
    ])
    assert values["wife_full_name"] == "HUỲNH QUỲNH HÀ" and values["wife_ethnicity"] == "Kinh"
    assert values["husband_full_name"] == "VÕ ANH ĐẠT" and values["husband_ethnicity"] == "Mường"


def test_side_by_side_blocks_split_at_the_gutter_between_them():
    values = marriage_values([
        [(60, "Họ, chữ đệm, tên chồng: VÕ MINH HUY"), (820, "Họ, chữ đệm, tên vợ: NGUYỄN BẢO UYÊN")],
        [(60, "Dân tộc: Nùng"), (820, "Dân tộc: Kinh")],
        [(60, "Nơi cư trú: Số 153 ngõ 70 đường Lê Lợi,"), (820, "Nơi cư trú: Thôn Hạ, Xã Nghi Phong,")],
        [(60, "Phường Cẩm Trung, Tỉnh Quảng Ninh"), (820, "Tỉnh Nghệ An")],
    ])
    assert values["husband_full_name"] == "VÕ MINH HUY" and values["wife_full_name"] == "NGUYỄN BẢO UYÊN"
    assert values["husband_ethnicity"] == "Nùng" and values["wife_ethnicity"] == "Kinh"
    assert values["husband_residence"] == "Số 153 ngõ 70 đường Lê Lợi, Phường Cẩm Trung, Tỉnh Quảng Ninh"
    assert values["wife_residence"] == "Thôn Hạ, Xã Nghi Phong, Tỉnh Nghệ An"


def residence_authority(rows: list[list[tuple[int, str]]]) -> object:
    from extractors.issuer import read_office
    from extractors.spec import IssuerSpec

    spec = spec_for("residence_confirmation")
    found = read_office([view_page(spec, laid_out(rows))], IssuerSpec(office="Công an"))
    return found.value if found else None


def test_the_issuing_police_office_is_named_as_in_running_text():
    header = [[(60, "CÔNG AN THÀNH PHỐ THANH HÓA"), (900, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
              [(80, "CÔNG 1N PHƯỜNG ĐIỆN BIÊN"), (950, "Độc lập - Tự do - Hạnh phúc")],
              [(500, "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ")]]
    sentence = [[(90, "Công an phường Điện Biên xác nhận thông tin về cư trú của công dân như sau:")]]
    assert residence_authority(header + sentence) == "Công an phường Điện Biên"
    # without the sentence, the header's most local office, set in the same case
    assert residence_authority(header) == "Công an phường Điện Biên"
    assert residence_authority([[(60, "CÔNG AN TỈNH LÂM ĐỒNG")], [(60, "CÔNG AN PHƯỜNG XUÂN TRƯỜNG - ĐÀ LẠT")],
                                [(500, "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ")]]) == "Công an phường Xuân Trường - Đà Lạt"


def test_household_members_whose_dates_lost_their_slashes_are_read_and_a_misread_id_left_for_a_person():
    from extractors.residence_confirmation import read_members

    spec = spec_for("residence_confirmation")
    rows = [
        [(60, "11. Thông tin thành viên trong hộ gia đình:")],
        [(60, "TT"), (120, "Họ, chữ đệm và tên"), (500, "Ngày, tháng, năm sinh"), (700, "Giới tính"), (820, "Số định danh")],
        [(60, "1"), (120, "TRỊNH DUY SƠN"), (500, "16 07 1990"), (700, "Nam"), (820, "010090424507"), (1000, "Chủ hộ")],
        [(60, "2"), (120, "TRẦN MỸ NHI"), (500, "0903 1991"), (700, "Nữ"), (820, "036191999390"), (1000, "Vợ")],
        [(60, "3"), (120, "TRỊNH THÚY QUYÊN"), (500, "20042018"), (700, "Nữ"), (820, "0873188090671"), (1000, "Con")],
    ]
    members = read_members([view_page(spec, laid_out(rows))])
    assert members is not None and members.value == [
        {"full_name": "TRỊNH DUY SƠN", "date_of_birth": "1990-07-16", "sex": "Nam", "id_number": "010090424507",
         "relation_to_head": "Chủ hộ"},
        {"full_name": "TRẦN MỸ NHI", "date_of_birth": "1991-03-09", "sex": "Nữ", "id_number": "036191999390",
         "relation_to_head": "Vợ"},
        {"full_name": "TRỊNH THÚY QUYÊN", "date_of_birth": "2018-04-20", "sex": "Nữ", "id_number": None,
         "relation_to_head": "Con"},  # thirteen figures: no id number, for a person to read
    ]
    assert members.confidence <= 0.5
    rows[-1] = [(60, "3"), (120, "TRỊNH THÚY QUYÊN"), (500, "20/04/2018"), (700, "Nữ"), (820, "087318809067"), (1000, "Con")]
    members = read_members([view_page(spec, laid_out(rows))])
    assert members is not None and members.value[2]["id_number"] == "087318809067"
    assert 0.5 < members.confidence < 0.9  # complete, two dates read from figures alone: for a person to confirm



def test_a_member_whose_date_lost_a_figure_is_kept_with_the_date_empty_and_the_date_cell_read_again():
    import numpy as np

    from extractors.residence_confirmation import read_members

    spec = spec_for("residence_confirmation")
    rows = [
        [(60, "TT"), (120, "Họ, chữ đệm và tên"), (500, "Ngày, tháng, năm sinh"), (700, "Giới tính"), (820, "Số định danh")],
        [(60, "-1_"), (120, "ĐỖ TIẾN KHÔI"), (500, "0711958"), (640, "'"), (700, "Nam"), (820, "034058520436"),
         (1000, "Chủ hộ")],  # 07/11/1958: its slashes and a 1 lost, a speck before the sex
        [(60, "2"), (120, "NGUYỄN THÙY THƯ"), (500, "22/03/1963"), (700, "Nữ"), (820, "026163830412"), (1000, "Vợ")],
    ]
    page = laid_out(rows)
    members = read_members([view_page(spec, page)])
    assert members is not None and [m["full_name"] for m in members.value] == ["ĐỖ TIẾN KHÔI", "NGUYỄN THÙY THƯ"]
    assert members.value[0]["date_of_birth"] is None and members.value[0]["sex"] == "Nam"
    assert members.value[0]["id_number"] == "034058520436" and members.confidence <= 0.5  # a person fills the date
    box = ",".join(map(str, next(w for w in page.words if w.text == "0711958").bbox))
    read = {"line": "07/11/1958", "line×2dark": "07/11/1958", "line×3dark": "07/11/1958"}
    page.readings = {f"{key}:{box}": text for key, text in read.items()} | {
        f"{key}:{box} confidence": "0.900" for key in read}
    members = read_members([view_page(spec, page)], {1: np.zeros((8, 8), np.uint8)})
    assert members is not None and members.value[0]["date_of_birth"] == "1958-11-07"  # the cell read on its own
    split = [(60, "2"), (120, "HOÀNG THỊ MỸ LY"), (500, "06/11/1952"), (700, "Nữ"), (820, "(09215286"), (940, "1088"),
             (1000, "Vợ")]  # the id number's twelve figures split by a blank, a speck before them
    member = read_members([view_page(spec, laid_out([rows[0], split]))]).value[0]
    assert member["id_number"] == "092152861088" and member["relation_to_head"] == "Vợ"
    no_sex = [(60, "3"), (120, "TRẦN HỮU KHOA"), (500, "30/12/2009"), (820, "017209676870"), (1000, "Con")]
    table = read_members([view_page(spec, laid_out([rows[0], rows[2], no_sex]))])
    assert table is not None and table.value[1]["sex"] == "Nam"  # digit 4 is 2: a man born in the 2000s
    assert table.confidence <= 0.5 and "id number" in (table.note or "")  # derived: a person confirms
    no_sex[3] = (820, "017109676870")  # a number whose century is not the member's: misread, it tells nothing
    assert read_members([view_page(spec, laid_out([rows[0], no_sex]))]).value[0]["sex"] is None
    no_sex = [(60, "1"), (120, "ĐỖ TIẾN KHÔI"), (500, "0711958"), (820, "034058520436"), (1000, "Chủ hộ")]
    assert read_members([view_page(spec, laid_out([rows[0], no_sex]))]) is None  # figures and a number: no row


def test_a_doubtful_member_cell_is_read_again_on_its_own_and_the_table_then_waits_for_a_person():
    import numpy as np

    from extractors.calibration import READ_AGAIN
    from extractors.residence_confirmation import read_members

    spec = spec_for("residence_confirmation")
    rows = [
        [(60, "TT"), (120, "Họ, chữ đệm và tên"), (500, "Ngày, tháng, năm sinh"), (700, "Giới tính"), (820, "Số định danh")],
        [(60, "1"), (120, "NGUYỄN XUÂN TÙNG"), (500, "27/02/1964"), (700, "Nam"), (820, "002004197737"), (1000, "Chủ hộ")],
        [(60, "2"), (120, "NGUYỄN MAI LINH"), (500, "26/04/1958"), (700, "Nữ"), (820, "062158590838"), (1000, "Vợ")],
    ]
    page = laid_out(rows)
    misread = next(w for w in page.words if w.text == "002004197737")
    misread.confidence = 0.6  # a display face's 6 read as 0, doubted
    box = ",".join(map(str, misread.bbox))
    read = {"line": "0020041977", "line×2dark": "0020 4197737", "line×3dark": "002064197737",
            "line×2dark/eng": "002064197737", "line×3dark/eng": "002064197737"}  # kept, as a stored page keeps them
    page.readings = {f"{key}:{box}": text for key, text in read.items()} | {
        f"{key}:{box} confidence": "0.800" for key in read}
    assert read_members([view_page(spec, page)]).value[0]["id_number"] == "002004197737"  # no image: as the page read
    members = read_members([view_page(spec, page)], {1: np.zeros((8, 8), np.uint8)})
    assert members is not None and members.value[0]["id_number"] == "002064197737"
    assert members.note == READ_AGAIN and members.value[1]["id_number"] == "062158590838"  # a sure cell is not read again

def committee(rows: list[list[tuple[int, str]]]) -> object:
    from extractors.issuer import read_office
    from extractors.spec import IssuerSpec

    spec = spec_for("marital_status_confirmation")
    found = read_office([view_page(spec, laid_out(rows))], IssuerSpec(office="Ủy ban nhân dân", abbreviations=["UBND"]))
    return found


MOTTO = [(900, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")], [(950, "Độc lập - Tự do - Hạnh phúc")]


def test_the_office_in_the_opening_sentence_ends_at_a_semicolon_read_for_its_comma():
    rows = [[(60, "ỦY BAN NHÂN DÂN"), MOTTO[0][0]], [(80, "PHƯỜNG VĨNH TUY"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")],
            [(60, "Xét đề nghị của ông/bà Lý Bảo Dung về việc cấp Giấy xác nhận tình trạng hôn")],
            [(60, "nhân, Ủy ban nhân dân phường Vĩnh Tuy; quận Hai Bà Trưng, thành phố Hà Nội")],
            [(60, "XÁC NHẬN:")]]
    assert committee(rows).value == "Ủy ban nhân dân phường Vĩnh Tuy"


def test_a_speck_after_the_committee_name_does_not_hide_its_unit():
    rows = [[(60, "ỦY BAN NHÂN DÂN ."), MOTTO[0][0]], [(80, "PHƯỜNG TRÀNG TIỀN"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")]]
    assert committee(rows).value == "Ủy ban nhân dân phường Tràng Tiền"


@pytest.mark.parametrize("office", ["ỦY BANNHÂNDÂN", "ÚYB.AN NHÂN DẦN", "Ủ\\ BAN NHÂN DÂN"])
def test_the_headers_office_is_known_by_its_letters_however_ocr_spaced_or_lost_them(office):
    rows = [[(60, office), MOTTO[0][0]], [(80, "XÃ HOẢNG ĐẠO"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")]]
    assert committee(rows).value == "Ủy ban nhân dân xã Hoằng Đạo"

def test_a_misread_unit_name_is_snapped_to_the_known_unit_with_less_confidence():
    rows = [[(60, "ỦY BAN NHÂN DÂN"), MOTTO[0][0]], [(80, "PHƯỜNG XUÂN KHÍXH"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")]]
    found = committee(rows)
    assert found.value == "Ủy ban nhân dân phường Xuân Khánh" and found.confidence < 0.8
    # a tone mark misread: one edit from one known name only
    rows[1][0] = (80, "XÃ QUẢNG PHÙ")
    assert committee(rows).value == "Ủy ban nhân dân xã Quảng Phú"
    # as near to two known names (Phước Thiền, Phước Thiện): kept as read; a numbered ward is never snapped
    rows[1][0] = (80, "XÃ PHƯỚC THIÊN")
    kept = committee(rows)
    assert kept.value == "Ủy ban nhân dân xã Phước Thiên"
    assert kept.confidence < 0.6 and "marks differ" in (kept.note or "")  # a person tells which of the two
    rows[1][0] = (80, "PHƯỜNG 2§")
    assert committee(rows).value == "Ủy ban nhân dân phường 2§"


def test_the_sentence_naming_the_committee_may_wrap_before_the_heading():
    rows = [[(60, "ỦY BAN NHÂN DÂN"), MOTTO[0][0]], [(80, "PHƯỜNG 2§"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")],
            [(90, "Xét đề nghị của ông/bà Nguyễn Anh Hưng về việc cấp Giấy xác nhận tình trạng hôn nhân, Ủy ban")],
            [(60, "nhân dân phường 25, quận Bình Thạnh, thành phố Hồ Chí Minh")],
            [(600, "XÁC NHẬN:")]]
    assert committee(rows).value == "Ủy ban nhân dân phường 25"


def test_letters_read_from_specks_at_a_photos_edge_do_not_hide_the_committee():
    rows = [[(10, "E"), (60, "ỦY BAN NHÂN DÂN"), MOTTO[0][0]], [(10, "Í"), (80, "PHƯỜNG SUỐI HOA"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")]]
    for row in rows[:2]:
        row[0] = (10, row[0][1])
    page = laid_out(rows)
    for word in page.words:
        if word.text in ("E", "Í"):
            word.confidence = 0.1  # an unsure single letter: a speck
    from extractors.issuer import read_office
    from extractors.spec import IssuerSpec

    spec = spec_for("marital_status_confirmation")
    found = read_office([view_page(spec, page)], IssuerSpec(office="Ủy ban nhân dân", abbreviations=["UBND"]))
    assert found is not None and found.value == "Ủy ban nhân dân phường Suối Hoa"


def test_the_sentence_leads_to_a_heading_misread_by_one_vowel_but_not_to_a_communes_name():
    from extractors.issuer import is_xac_nhan

    rows = [[(60, "ỦY BAN NHÂN DÂN"), MOTTO[0][0]], [(80, "PHƯỜNG 2§"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")],
            [(90, "Xét đề nghị của ông bà Phan Minh Tuấn về việc cấp Giấy xác nhận tình trạng hôn nhân, Ủy")],
            [(60, "bạn nhân đân phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội")],
            [(600, "XÍC NHÂN")]]
    assert committee(rows).value == "Ủy ban nhân dân phường Dịch Vọng"
    assert is_xac_nhan("xic", "nhan") and not is_xac_nhan("xa", "nhan")


def test_the_signature_date_below_a_validity_label_is_not_its_value():
    spec = spec_for("marital_status_confirmation")
    rows = [[(60, "Giấy này có giá trị sử dụng đến ngày 73/09/2026")],
            [(700, "Thanh Hóa, ngày 13 tháng 03 năm 2026")]]
    found = extract_fields(spec, [view_page(spec, laid_out(rows))])
    assert found["valid_until"].value is None  # misread on its line: for a second reading, not the date below


def test_the_issue_date_is_the_signatures_not_a_labelled_validity_date_above_a_misread_one():
    from extractors.issuer import read_signature_date

    spec = spec_for("marital_status_confirmation")
    rows = [[(60, "Họ và tên: PHẠM PHƯƠNG HƯƠNG")], [(60, "Giới tính: Nữ")],
            [(60, "Giấy này có giá trị sử dụng đến ngày 16 tháng 03 năm 2023")],
            [(700, "Hà Nội, ngày 1ó tháng 09 năm 2022")], [(720, "NGƯỜI KÝ GIẤY XÁC NHẬN")]]
    unread = read_signature_date([view_page(spec, laid_out(rows))])
    assert unread is not None and unread.value is None and unread.bbox[1] == 3 * ROW  # its line, for a second reading
    rows[3] = [(700, "Hà Nội, ngày 16 tháng 09 năm 2022")]
    found = read_signature_date([view_page(spec, laid_out(rows))])
    assert found is not None and found.value == "2022-09-16"
    rows[3] = [(700, "Dắk Lăk, ngdv 27 thang 08 năm 2019")]  # its words misread worse: found, and doubted
    found = read_signature_date([view_page(spec, laid_out(rows))])
    assert found is not None and found.value == "2019-08-27" and found.confidence < 0.9

def test_the_signature_dates_confidence_is_its_own_not_the_places_or_a_specks_before_it():
    from extractors.issuer import read_signature_date

    spec = spec_for("marital_status_confirmation")
    rows = [[(60, "Họ và tên: PHẠM PHƯƠNG HƯƠNG")], [(60, "Giới tính: Nữ")],
            [(300, "n"), (700, "Hồ Chí Minh, ngày 31 tháng 03 năm 2021")], [(720, "NGƯỜI KÝ GIẤY XÁC NHẬN")]]
    page = laid_out(rows)
    speck, place = (next(i for i, w in enumerate(page.words) if w.text == text) for text in ("n", "Hồ"))
    page.words[speck] = page.words[speck].model_copy(update={"confidence": 0.0})  # dirt OCR was unsure of
    page.words[place] = page.words[place].model_copy(update={"confidence": 0.4})  # a place's name misread
    found = read_signature_date([view_page(spec, page)])
    assert found is not None and found.value == "2021-03-31"
    assert found.confidence >= 0.9 and found.bbox is not None and found.bbox[0] > page.words[place].bbox[2]  # the date's box
    figure = next(i for i, w in enumerate(page.words) if w.text == "31")
    page.words[figure] = page.words[figure].model_copy(update={"confidence": 0.4})  # a figure read unsurely is its doubt
    found = read_signature_date([view_page(spec, page)])
    assert found is not None and found.confidence < 0.5


def test_the_signature_date_is_found_above_a_photos_specks_that_double_the_pages_lines_but_not_in_its_header():
    from extractors.issuer import read_signature_date

    spec = spec_for("marital_status_confirmation")
    rows = [[(60, "Thông tư số 04/2020/TT-BTP ngày 28 tháng 05 năm 2020")], [(60, "Họ và tên: PHẠM PHƯƠNG HƯƠNG")],
            [(60, "Giới tính: Nữ")], [(700, "Lào Cai, ngày 16 tháng 07 năm 2021")], [(720, "TM. ỦY BAN NHÂN DÂN")]]
    specks = [[(400, "` —</")] for _ in range(8)]
    found = read_signature_date([view_page(spec, laid_out(rows + specks))])
    assert found is not None and found.value == "2021-07-16"
    rows[3] = [(700, "Lào Cai, ngày 1ó tháng 07 năm 2021")]  # the signature's date unread: never the decree's
    unread = read_signature_date([view_page(spec, laid_out(rows + specks))])
    assert unread is not None and unread.value is None


def test_a_wards_closing_letter_at_the_end_of_a_line_is_part_of_the_address_not_a_speck():
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(100, "Họ, chữ đệm, tên vợ: NGUYỄN THỊ AN")],
        [(100, "Nơi cư trú: Xóm 3, Phường Châu Phú A,")],
        [(220, "Thành phố Châu Đốc, Tỉnh An Giang")],
    ])
    assert values["wife_residence"] == "Xóm 3, Phường Châu Phú A, Thành phố Châu Đốc, Tỉnh An Giang"
    # the letter opening the next line after a form's leader dots ("Phường Châu Phú..... / ...A, Thành phố …")
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(100, "Họ, chữ đệm, tên vợ: NGUYỄN THỊ AN")],
        [(100, "Nơi cư trú: ...Xóm 3, Phường Châu Phú.....")],
        [(220, "...A, Thành phố Châu Đốc, Tỉnh An...........")],
        [(220, "...Giang....................")],
    ])
    assert values["wife_residence"] == "Xóm 3, Phường Châu Phú A, Thành phố Châu Đốc, Tỉnh An Giang"


def test_an_offices_unit_word_with_misread_marks_is_spelled_right_and_doubted():
    from extractors.issuer import SNAPPED, snap_unit_name
    value, factor = snap_unit_name("Ủy ban nhân dân phương Thạch Thang")
    assert value == "Ủy ban nhân dân phường Thạch Thang" and factor <= SNAPPED
    assert snap_unit_name("Ủy ban nhân dân phường Thạch Thang") == ("Ủy ban nhân dân phường Thạch Thang", 1.0)
    # a capitalised "Phương" opens a name whose unit word was lost: left as read
    assert snap_unit_name("Ủy ban nhân dân Phương Liệt")[0] == "Ủy ban nhân dân Phương Liệt"


def test_an_offices_unit_name_misread_beyond_a_known_ones_reach_is_the_one_the_paper_names_elsewhere():
    from extractors.issuer import SNAPPED, _snapped

    residence = "Nơi cư trú: Số 56 đường Thanh Niên, phường Thanh Bình, thành phố Hải Dương, tỉnh Hải Dương"
    value, factor = _snapped("Ủy ban nhân dân phương Th.vnxh Bixh", residence)  # a display face's capital A
    assert value == "Ủy ban nhân dân phường Thanh Bình" and factor < SNAPPED
    assert _snapped("Công an phường Th.\\ynxh Bình", residence)[0] == "Công an phường Thanh Bình"
    # no unit so named on the paper, or one too far from what was read: left as read
    assert _snapped("Ủy ban nhân dân phường Th.vnxh Bixh", "Nơi cư trú: Số 56 đường Thanh Niên")[1] == 1.0
    assert _snapped("Ủy ban nhân dân phường Qxzvt Wmk", residence)[0] == "Ủy ban nhân dân phường Qxzvt Wmk"



def test_an_offices_known_unit_name_the_paper_names_elsewhere_with_other_marks_takes_them_doubted():
    from extractors.issuer import SNAPPED, _snapped

    residence = "Nơi cư trú: Thôn Phú Mỹ, Xã Quảng Phú, Huyện Cư M'gar, Tỉnh Đắk Lắk"
    # "Quang Phú" is a commune too, elsewhere: the paper's own residence spells the letters with their marks
    assert _snapped("Ủy ban nhân dân xã Quang Phú", residence) == ("Ủy ban nhân dân xã Quảng Phú", SNAPPED)
    assert _snapped("Ủy ban nhân dân xã Quang Phú", "Nơi cư trú: Thôn Phú Mỹ") == ("Ủy ban nhân dân xã Quang Phú", 1.0)


def test_the_sentences_office_is_found_where_ocr_misread_one_word_of_its_name():
    rows = [[(60, "ỦY BAN NHÂN ĐÂN"), MOTTO[0][0]], [(80, "XYQUNG PHI"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")],
            [(60, "Xét đề nghị của ông bà Trần Thùy Quỳnh về việc cấp Giấy xác nhận tình trạng hôn nhân, Lv")],
            [(60, "bạn nhân dân xã Hòa Phong, huyện Hòa Vang, thành phố Đà Nẵng")],
            [(60, "XÁC NHẬN:")]]
    assert committee(rows).value == "Ủy ban nhân dân xã Hòa Phong"
    rows[3:5] = [[(60, "Xét đề nghị của ông bà Trần Thùy Quỳnh về việc cấp Giấy xác nhận, Lv")],
                 [(60, "bạn nhân tâm xã Hòa Phong, huyện Hòa Vang, thành phố Đà Nẵng")]]  # two words off: not it
    assert committee(rows) is None or committee(rows).value != "Ủy ban nhân dân xã Hòa Phong"


def test_a_hyphen_read_for_the_space_after_an_offices_unit_word_is_a_space():
    from extractors.issuer import unit_word_unglued
    assert unit_word_unglued("UBND XÃ-TÂN THÔNG HỘI", 1) == ("UBND XÃ TÂN THÔNG HỘI", True)
    assert unit_word_unglued("UBND PHƯỜNG XUÂN TRƯỜNG - ĐÀ LẠT", 1) == ("UBND PHƯỜNG XUÂN TRƯỜNG - ĐÀ LẠT", False)
    assert unit_word_unglued("ỦY BAN NHÂN DÂN PHƯỜNG1", 4) == ("ỦY BAN NHÂN DÂN PHƯỜNG 1", True)  # its space lost
    assert unit_word_unglued("UBND PHƯỜNG 12", 1) == ("UBND PHƯỜNG 12", False)
    assert unit_word_unglued("UBND PHƯỜNG BÀ-RỊA", 1)[1] is False  # the hyphen inside the name stays


def unsure_laid_out(rows: list[list[tuple[int, str]]], unsure: dict[str, float]) -> Page:
    """``laid_out`` with the words named in ``unsure`` read with that confidence."""
    page = laid_out(rows)
    return page.model_copy(update={"words": [w.model_copy(update={"confidence": unsure.get(w.text, w.confidence)})
                                             for w in page.words]})


def test_a_card_label_after_unsure_specks_and_its_mangled_translation_start_no_value():
    # a phone photo of a 2021 card: the photo's edge read as "' se" before the residence label, the English
    # halves of two labels read as unsure nonsense ("/ Fưii rayne" for "/ Full name")
    page = unsure_laid_out([
        [(300, "CĂN CƯỚC CÔNG DÂN")],
        [(300, "Họ và tên / Fưii rayne LÊ HỮU NGHĨA")],
        [(300, "Quê quán / Place of origin: Phường Hàng Bạc, Quận Hoàn Kiếm,")],
        [(300, "Thành phố Hà Nội")],
        [(230, "' se"), (300, "Nơi thương tụ 'Poe of ssseeace Số 78 ngõ 219 phố Vĩnh Tuy,")],
        [(300, "Phường Vĩnh Tuy, Quận Hai Bà Trưng, Thành phố Hà Nội")],
    ], {"'": 0.0, "se": 0.16, "Fưii": 0.47, "rayne": 0.0, "'Poe": 0.01, "of": 0.39, "ssseeace": 0.18})
    spec = spec_for("id_card")
    values = {name: f.value for name, f in extract_fields(spec, [view_page(spec, page)]).items()}
    assert values["full_name"] == "LÊ HỮU NGHĨA"
    assert values["place_of_origin"] == "Phường Hàng Bạc, Quận Hoàn Kiếm, Thành phố Hà Nội"
    assert values["place_of_residence"] == "Số 78 ngõ 219 phố Vĩnh Tuy, Phường Vĩnh Tuy, Quận Hai Bà Trưng, Thành phố Hà Nội"


def test_only_unsure_words_before_a_label_or_in_place_of_its_translation_are_passed_over():
    from extractors.engine import drop_label_translation
    rows = [[(300, "CĂN CƯỚC CÔNG DÂN")], [(230, "' se"), (300, "Nơi thương tụ Số 78 ngõ 219 phố Vĩnh Tuy,")]]
    spec = spec_for("id_card")
    sure = view_page(spec, unsure_laid_out(rows, {"'": 0.0}))  # "se" read surely: a word, the phrase mid-line
    assert not any(h.label.startswith("Nơi") for h in sure.hits)
    unsure = view_page(spec, unsure_laid_out(rows, {"'": 0.0, "se": 0.16}))
    assert any(h.label.startswith("Nơi") for h in unsure.hits)
    words = unsure_laid_out([[(300, "/ Fưii rayne LÊ HỮU NGHĨA")]], {"Fưii": 0.47, "rayne": 0.0}).words
    labels = spec.fields["full_name"].labels
    assert [w.text for w in drop_label_translation(words, labels)] == ["LÊ", "HỮU", "NGHĨA"]
    surely = [w.model_copy(update={"confidence": 0.9}) for w in words]  # read surely: not the label's words
    assert [w.text for w in drop_label_translation(surely, labels)] == ["/", "Fưii", "rayne", "LÊ", "HỮU", "NGHĨA"]


def card_row(y: int, x: int, text: str, confidence: float = 0.97) -> list[Word]:
    """A card's line of print: its words from ``x`` on, one visual line at ``y``."""
    words = []
    for token in text.split():
        words.append(Word(text=token, confidence=confidence, bbox=(x, y, x + CHAR * len(token), y + 22), line=y))
        x += CHAR * len(token) + GAP
    return words


def card_values(words: list[Word]) -> dict[str, object]:
    """The values an ID card's rows of print give."""
    page = Page(number=1, width=1600, height=600, dpi=300, source="ocr", words=words)
    spec = spec_for("id_card")
    return {name: f.value for name, f in extract_fields(spec, [view_page(spec, page)]).items()}


def test_a_label_under_the_label_beside_a_value_does_not_end_the_value():
    # a 2021 card: "Có giá trị đến:" / "Date of expiry" / its date in the column left of the residence, whose
    # second line OCR reads below the label's English half
    words = (card_row(300, 300, "CĂN CƯỚC CÔNG DÂN") + card_row(360, 40, "Quốc tịch / Nationality: Việt Nam")
             + card_row(400, 40, "Có giá trị đến:") + card_row(400, 300, "Nơi thường trú / Place of residence: Số 233 đường Nguyễn Cao,")
             + card_row(425, 40, "Date of expiry") + card_row(455, 300, "Phường Suối Hoa, Thành phố Bắc Ninh, Tỉnh Bắc Ninh")
             + card_row(490, 40, "16/07/2040"))
    values = card_values(words)
    assert values["place_of_residence"] == "Số 233 đường Nguyễn Cao, Phường Suối Hoa, Thành phố Bắc Ninh, Tỉnh Bắc Ninh"


def test_a_values_continuation_leaves_out_the_column_beside_it():
    # the same card photographed: the left column's label and date read on the value's own lines, apart from it
    def row(y: int, x: int, text: str) -> list[Word]:
        return card_row(y, x, text, confidence=0.9)
    words = (row(300, 300, "CĂN CƯỚC CÔNG DÂN") + row(360, 40, "Quốc tịch / Nationality: Việt Nam")
             + [w.model_copy(update={"confidence": 0.1}) for w in row(400, 150, "' se")]  # the photo's edge
             + row(400, 300, "Nơi thường trú / Place of residence: Số 78 ngõ 219 phố Vĩnh Tuy,")
             + row(430, 40, "Có gá +; đếc") + row(430, 300, "Phường Vĩnh Tuy, Quận Hai Bà Trưng, Thành phố Hà")
             + row(460, 40, "Dane sscery") + row(460, 300, "Nội") + row(490, 40, "07/12/2029"))
    values = card_values(words)
    assert values["place_of_residence"] == "Số 78 ngõ 219 phố Vĩnh Tuy, Phường Vĩnh Tuy, Quận Hai Bà Trưng, Thành phố Hà Nội"


def test_a_label_after_specks_in_one_spouses_block_does_not_end_the_others_value_on_its_line():
    page = unsure_laid_out([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(60, "Vợ"), (700, "Chồng")],
        [(60, "Họ, chữ đệm, tên: TRẦN THU HÀ"), (700, "Họ, chữ đệm, tên: LÊ VĂN AN")],
        [(60, "Nơi cư trú: Số 42 đường Thanh Niên,"), (700, "Nơi cư trú: Thôn An Lạc, Xã Tân")],
        [(60, "Phường Thanh Bình, Tỉnh Hải Dương"), (700, "Thông Hội, Huyện Củ Chi, Thành")],
        [(30, ":_"), (60, "Giấy tờ tùy thân: CCCD số 030186554555"), (700, "phố Hồ Chí Minh")],
        [(700, "Giấy tờ tùy thân: CCCD số 079090123456")],
    ], {":_": 0.1})
    spec = spec_for("marriage_certificate")
    values = {name: f.value for name, f in extract_fields(spec, [view_page(spec, page)]).items()}
    assert values["husband_residence"] == "Thôn An Lạc, Xã Tân Thông Hội, Huyện Củ Chi, Thành phố Hồ Chí Minh"
    assert values["wife_id_number"] == "030186554555" and values["husband_id_number"] == "079090123456"


def test_a_surname_whose_marks_the_surname_list_settles_does_not_lend_the_name_its_ocr_doubt():
    from extractors.engine import to_field
    from extractors.kinds import read_name
    from extractors.readers.labels import LabelHit

    def name_field(first: str, first_confidence: float):
        words = [Word(text=text, confidence=confidence, bbox=(60 * i, 0, 60 * i + 50, 30), line=0)
                 for i, (text, confidence) in enumerate([(first, first_confidence), ("ANH", 0.96), ("ĐẠT", 0.95)])]
        page = Page(number=1, width=2000, height=100, dpi=300, source="ocr", words=words)
        hit = LabelHit(label="Họ, chữ đệm, tên", line_index=0, word_start=0, word_end=0, bbox=(0, 0, 1, 1), score=1.0,
                       value_words=[], token_count=4)
        return to_field(read_name(" ".join(w.text for w in words)), words, hit, page)

    settled = name_field("NGUYÊN", 0.02)  # Tesseract unsure of its stacked marks; no surname is spelled so
    assert settled.value == "NGUYỄN ANH ĐẠT" and settled.confidence == 0.76  # the other words' 0.95, repaired
    unsure = name_field("NGUYỄN", 0.02)  # read as a surname is spelled, yet unsure: its letters may be misread
    assert unsure.value == "NGUYỄN ANH ĐẠT" and unsure.confidence < 0.05


def test_a_dotted_rule_read_onto_the_committees_line_does_not_hide_it_and_a_superior_alone_is_doubted():
    rows = [[(60, "UBND QUẬN HAI BÀ TRƯNG"), MOTTO[0][0]], [(60, "-.......UBND PHƯỜNG VĨNH TUY"), MOTTO[1][0]],
            [(500, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")]]
    found = committee(rows)
    assert found.value == "Ủy ban nhân dân phường Vĩnh Tuy" and found.confidence > 0.8
    # the paper's own line unread: the district above it is not who issued a commune's paper
    rows[1] = [MOTTO[1][0]]
    found = committee(rows)
    assert found.value == "Ủy ban nhân dân quận Hai Bà Trưng" and found.confidence <= 0.5
    assert "superior" in (found.note or "")


def test_a_label_read_inside_one_spouses_cell_does_not_make_the_table_side_by_side_blocks():
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(500, "VỢ"), (1050, "CHỒNG")],
        [(60, "Họ, chữ đệm, tên:"), (330, "NGUYÊN THANH THẢO"), (900, "NGUYỄN HOÀNG LONG")],
        [(60, "Ngày, tháng, năm sinh:"), (330, "21/02/1989"), (900, "17/05/1980")],
        [(60, "Dân tộc:"), (330, "Mông"), (900, "Kinh")],
        # the husband's cell opens with words of a label: his number, not a column of labels of his own
        [(60, "Giấy tờ tùy thân:"), (330, "CCCD số 034189155730"), (900, "Số định danh cá nhân 011080922639")],
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân phường Suối Hoa, thành phố Bắc Ninh, tỉnh Bắc Ninh")],
    ])
    assert values["husband_full_name"] == "NGUYỄN HOÀNG LONG" and values["husband_date_of_birth"] == "1980-05-17"
    assert values["husband_ethnicity"] == "Kinh" and values["husband_id_number"] == "011080922639"


def test_a_values_last_word_and_the_next_columns_label_across_the_gutter_are_no_longer_label():
    rows = [
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(60, "Bên vợ"), (600, "Bên chồng")],
        [(60, "Họ, chữ đệm, tên vợ: ĐỖ MAI LAN"), (600, "Họ, chữ đệm, tên chồng: BÙI MẠNH")],
        [(60, "Giấy tờ tùy thân: Căn cước công dân số"), (600, "Giấy tờ tùy thân: CCCD số 004090908330")],
        [(60, "093188014462")],
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân phường Suối Hoa, thành phố Bắc Ninh, tỉnh Bắc Ninh")],
    ]
    spec = spec_for("marriage_certificate")
    view = view_page(spec, laid_out(rows))
    assert [h.label for h in view.hits if h.line_index == 3] == ["Giấy tờ tùy thân", "Giấy tờ tùy thân"]
    assert marriage_values(rows)["husband_id_number"] == "004090908330"


def test_a_speck_in_the_gutter_before_the_husbands_heading_does_not_hide_it():
    page = laid_out([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(400, "Thông tin về vợ"), (784, "_"), (800, "Thông tin về chồng")],
        [(60, "Họ, chữ đệm, tên:"), (400, "NGUYỄN PHƯƠNG HỒNG"), (800, "NGUYỄN HOÀNG VIỆT")],
        [(60, "Ngày, tháng, năm sinh:"), (400, "20/06/1979"), (800, "01/03/1972")],
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân phường Tân Thịnh, thành phố Hòa Bình, tỉnh Hòa Bình")],
    ])
    for word in page.words:
        if word.text == "_":
            word.bbox = (word.bbox[0], word.bbox[1], word.bbox[0] + 3, word.bbox[3])  # dirt in the gutter
    spec = spec_for("marriage_certificate")
    values = {name: f.value for name, f in extract_fields(spec, [view_page(spec, page)]).items()}
    assert values["husband_full_name"] == "NGUYỄN HOÀNG VIỆT" and values["husband_date_of_birth"] == "1972-03-01"
    assert values["wife_full_name"] == "NGUYỄN PHƯƠNG HỒNG"


def test_two_spouses_blocks_side_by_side_one_set_half_a_line_lower_in_a_text_layer():
    from pipeline.geometry import renumber_lines

    def row(x: int, top: int, bottom: int, text: str) -> list[Word]:
        words = []
        for token in text.split():
            words.append(Word(text=token, confidence=1.0, bbox=(x, top, x + 22 * len(token), bottom), line=0))
            x += 22 * len(token) + 12
        return words

    # the rows as one generated PDF's text layer places them: the husband's block beside the wife's, its rows
    # about 22 px lower, drifting to half a line where his residence takes a line less than hers
    wife = [row(216, 808, 859, "Họ, chữ đệm, tên vợ: TRỊNH HẢI LY"), row(216, 881, 931, "Ngày, tháng, năm sinh: 01/11/1987"),
            row(216, 953, 1003, "Dân tộc: Tày"), row(216, 1098, 1148, "Nơi cư trú: Số 141/53 đường Trần Hưng"),
            row(216, 1167, 1216, "Đạo, Phường Cầu Ông Lãnh, Thành phố Hồ"), row(216, 1239, 1288, "Chí Minh"),
            row(216, 1314, 1365, "Giấy tờ tùy thân: Căn cước công dân số"), row(216, 1384, 1433, "010187597762")]
    husband = [row(1645, 807, 860, "Bên chồng"), row(1285, 903, 952, "Họ, chữ đệm, tên: NGUYỄN KHẢI"),
               row(1285, 975, 1025, "Ngày, tháng, năm sinh: 04/11/1979"), row(1285, 1047, 1097, "Dân tộc: Tày"),
               row(1285, 1192, 1242, "Nơi cư trú: Thôn Phú Mỹ, Xã Lạng"), row(1285, 1261, 1310, "Giang, Tỉnh Bắc Ninh"),
               row(1285, 1336, 1387, "Giấy tờ tùy thân: CCCD số 017079295211")]
    title = [row(729, 656, 731, "GIẤY CHỨNG NHẬN KẾT HÔN")]
    words = [word for line in title + wife + husband for word in line]
    page = Page(number=1, width=2480, height=3508, dpi=300, source="text_layer", words=renumber_lines(words))
    spec = spec_for("marriage_certificate")
    values = {name: f.value for name, f in extract_fields(spec, [view_page(spec, page)]).items()}
    assert values["wife_residence"] == "Số 141/53 đường Trần Hưng Đạo, Phường Cầu Ông Lãnh, Thành phố Hồ Chí Minh"
    assert values["wife_id_number"] == "010187597762" and values["husband_id_number"] == "017079295211"
    assert values["husband_date_of_birth"] == "1979-11-04" and values["husband_ethnicity"] == "Tày"
    assert values["husband_residence"] == "Thôn Phú Mỹ, Xã Lạng Giang, Tỉnh Bắc Ninh"


def test_side_by_side_blocks_whose_second_labels_ocr_partly_lost_are_no_table():
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(320, "Bên vợ"), (650, "Họ, chữ đệm, tên chồng: HUỲNH QUỐC TÂM")],
        [(60, "Họ, chữ đệm, tên: BÙI TRẦN BẢO HÒA"), (650, "Ngày, tháng, năm sinh: 05/01/1989")],
        [(60, "Ngày, tháng, năm sinh: 22/09/1994"), (650, "G0009 bà tụ")],  # the husband's labels misread
        [(60, "Dân tộc: Kinh"), (650, "be tịch: Việt Nam")],
        [(60, "Quốc tịch: Việt Nam"), (650, "Nơi cư trú: Số 20 ngõ 351 đường Lê Lợi,")],
        [(60, "Nơi cư trú: Số 91 phố Láng Hạ,"), (650, "Phường Quyết Thắng, Tỉnh Đồng Nai")],
        [(60, "Phường Láng Hạ, Thành phố Hà Nội"), (650, "Giấy tờ tùy thân: CCCD số 008089497692")],
        [(60, "Giấy tờ tùy thân: CCCD số 091194066849")],
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Hòa Phong, huyện Hòa Vang, thành phố Đà Nẵng")],
        [(60, "Ngày, tháng, năm đăng ký: 10/10/2018")],
    ])
    assert values["wife_date_of_birth"] == "1994-09-22" and values["wife_ethnicity"] == "Kinh"
    assert values["wife_residence"] == "Số 91 phố Láng Hạ, Phường Láng Hạ, Thành phố Hà Nội"
    assert values["wife_id_number"] == "091194066849" and values["husband_id_number"] == "008089497692"
    assert values["husband_date_of_birth"] == "1989-01-05"


def test_a_garbled_label_word_before_a_value_is_not_the_values_doubt_but_a_word_inside_it_is():
    page = Page(number=1, width=1600, height=200, dpi=300, source="ocr", words=[])
    words = [Word(text=text, confidence=confidence, bbox=(100 * i, 10, 100 * i + 90, 40), line=0)
             for i, (text, confidence) in enumerate([("ñ@œn", 0.1), ("Phường", 0.95), ("Vĩnh", 0.93), ("Tuy,", 0.96),
                                                     ("Quận", 0.94), ("Hai", 0.92), ("Bà", 0.97), ("Trưng", 0.91)])]
    value = "Phường Vĩnh Tuy, Quận Hai Bà Trưng"
    assert field_from_words(value, words, page).confidence == 0.91
    words[2] = words[2].model_copy(update={"confidence": 0.2})
    assert field_from_words(value, words, page).confidence == 0.2
    # a value not read as printed (a date in ISO form) keeps every word's doubt
    dated = [Word(text="Ngày", confidence=0.3, bbox=(0, 10, 90, 40), line=0),
             Word(text="02/06/2000", confidence=0.95, bbox=(100, 10, 290, 40), line=0)]
    assert field_from_words("2000-06-02", dated, page).confidence == 0.3


def test_a_dates_confidence_is_its_figures_not_the_specks_or_words_the_reader_left_out():
    from extractors.engine import to_field
    from extractors.kinds import read_date
    from extractors.readers.labels import LabelHit

    page = Page(number=1, width=1600, height=200, dpi=300, source="ocr", words=[])
    words = [Word(text=text, confidence=confidence, bbox=(100 * i, 10, 100 * i + 90, 40), line=0)
             for i, (text, confidence) in enumerate([("ngày", 0.4), ("23/11/2022.", 0.97), (":", 0.01), ("`", 0.6)])]
    reading = read_date(" ".join(w.text for w in words))
    assert reading.value == "2022-11-23"
    hit = LabelHit(label="đến", line_index=0, word_start=0, word_end=0, bbox=(0, 0, 1, 1), score=1.0,
                   value_words=words, token_count=1)
    assert to_field(reading, words, hit, page).confidence == 0.97
    assert field_from_words(reading.value, words, page).confidence == 0.01  # not told what was read: every word
    words[1] = words[1].model_copy(update={"confidence": 0.37})  # the figures themselves read unsurely
    assert to_field(reading, words, hit, page).confidence == 0.37
    # the words between a date's figures are not its value: "ngày" read unsurely does not doubt the date
    spelled = [Word(text=text, confidence=confidence, bbox=(100 * i, 10, 100 * i + 90, 40), line=0)
               for i, (text, confidence) in enumerate([("ngày", 0.05), ("13", 0.97), ("tháng", 0.96), ("02", 0.95),
                                                       ("năm", 0.97), ("1963.", 0.97)])]
    reading = read_date(" ".join(w.text for w in spelled))
    assert reading.value == "1963-02-13" and to_field(reading, spelled, hit, page).confidence == 0.95


def test_a_word_of_letters_the_register_spells_so_counts_half_its_doubt_but_a_house_number_all_of_it():
    from extractors.kinds import LETTERS_CHECKED, read_address

    page = Page(number=1, width=1600, height=200, dpi=300, source="ocr", words=[])
    value = "Số 176 đường Trần Hưng Đạo, Phường Mỹ Bình, Thành phố Long Xuyên, Tỉnh An Giang"
    assert read_address(value).extra.get(LETTERS_CHECKED)
    assert not read_address("Số 176 đường Trần Hưng Đạo, Phường Mỹ Bình, Thành phố Long Xuyên, Tỉnh An Giag").extra.get(
        LETTERS_CHECKED)  # a unit no register spells so
    texts = value.split()
    words = [Word(text=text, confidence=0.95, bbox=(60 * i, 10, 60 * i + 50, 40), line=0) for i, text in enumerate(texts)]
    words[-1] = words[-1].model_copy(update={"confidence": 0.24})  # "Giang" read unsurely
    assert field_from_words(value, words, page).confidence == 0.24
    assert field_from_words(value, words, page, letters_checked=True).confidence == 0.62
    words[1] = words[1].model_copy(update={"confidence": 0.3})  # "176": nothing checks a house number
    assert field_from_words(value, words, page, letters_checked=True).confidence == 0.3


def test_a_marked_vowel_read_surely_is_a_word_of_its_own_but_an_unsure_or_plain_letter_is_dirt():
    from extractors.engine import is_speck

    def speck(text: str, confidence: float) -> bool:
        return is_speck(Word(text=text, confidence=confidence, bbox=(0, 0, 10, 10), line=0))

    assert not speck("Ê", 1.0) and not speck("Ơ", 0.93) and not speck("Đ", 0.95)  # "Ê Đê", "Ơ Đu"
    assert speck("Ê", 0.5) and speck("I", 1.0) and speck("ñ", 0.95) and speck("—", 1.0)
    assert not speck("§ố", 0.4) and speck("§", 0.9)  # "Số" with its S read as a sign opens a house number
    assert not speck("Fổ", 0.3) and speck("Fo", 0.3)  # "Tổ" with its T misread opens a group's number



def test_a_bilingual_label_in_mid_line_whose_english_half_is_misread_is_still_a_label():
    spec = spec_for("id_card")
    page = laid_out([
        [(300, "CĂN CƯỚC CÔNG DÂN")],
        [(300, "Giới tính / Sex: Nam"), (700, "Quốc tịch / Nationalfty Việt Nam")],  # its colon lost too
    ])
    assert extract_fields(spec, [view_page(spec, page)])["nationality"].value == "Việt Nam"


def test_a_word_read_with_the_dotted_line_after_it_is_print_but_the_dotted_line_alone_is_blank():
    from extractors.engine import _up_to_wide_gap

    def word(text: str, confidence: float, x0: int, x1: int, top: int = 1047, bottom: int = 1092) -> Word:
        return Word(text=text, confidence=confidence, bbox=(x0, top, x1, bottom), line=0)

    city = [word("Thành", 0.97, 997, 1065), word("phố", 0.97, 1080, 1122), word("Đà", 0.93, 1136, 1163)]
    # the last word's box is the dots' it was read with: 5 px high, 99 px on
    last = word("Nẵng..........................", 0.53, 1262, 1502, 1077, 1082)
    assert _up_to_wide_gap([*city, last]) == [*city, last]
    dots = [word("SG", 0.12, 1262, 1300, 1077, 1082), word("2.-e", 0.0, 1310, 1350, 1077, 1082)]
    assert _up_to_wide_gap([*city, *dots]) == city


def test_a_values_last_word_beside_the_left_columns_label_continues_it():
    # a 2021 card: the place of origin wraps, its last word read on the line of "Có giá trị đến:" in the column left
    # (the photo's edge read as specks before the origin's label: the value's region starts at the card's edge)
    words = (card_row(300, 300, "CĂN CƯỚC CÔNG DÂN") + card_row(340, 10, "Á. à") + card_row(340, 300, "Quê quán / Place of origin:")
             + card_row(370, 300, "Xã Phước Thiền, Huyện Nhơn Trạch, Tỉnh Đồng")
             + card_row(400, 40, "Có giá trị đến:") + card_row(400, 300, "Nai") + card_row(425, 40, "Date of expiry")
             + card_row(450, 300, "Nơi thường trú / Place of residence: Xóm Mới, Xã Cẩm Văn, Huyện Cẩm Giàng, Tỉnh Hải Dương")
             + card_row(475, 40, "12/01/2038"))
    values = card_values(words)
    assert values["place_of_origin"] == "Xã Phước Thiền, Huyện Nhơn Trạch, Tỉnh Đồng Nai"
    assert values["place_of_residence"] == "Xóm Mới, Xã Cẩm Văn, Huyện Cẩm Giàng, Tỉnh Hải Dương"


def test_a_values_first_line_below_its_label_is_found_past_the_left_columns_label_or_value():
    # a 2021 card: the origin's whole value below its label, on the line of "Có giá trị đến" in the column left (a
    # speck before the label widens its region over that column); the residence's below its label, on the line of
    # the expiry's own "Không thời hạn"
    words = (card_row(300, 300, "CĂN CƯỚC CÔNG DÂN") + card_row(340, 230, "¬") + card_row(340, 300, "Quê quán / Place of origin:")
             + card_row(370, 110, "Có giá trị đến") + card_row(370, 300, "Phường Quang Trung, Thành phố Quy Nhơn, Tỉnh")
             + card_row(400, 300, "Bình Định")
             + card_row(430, 40, "Date of expiry") + card_row(430, 300, "Nơi thường trú / Place of residence:")
             + card_row(460, 40, "Không thời hạn") + card_row(460, 300, "Thôn Thượng, Xã Đông Phong, Huyện Yên Phong,")
             + card_row(490, 300, "Tỉnh Bắc Ninh"))
    values = card_values(words)
    assert values["place_of_origin"] == "Phường Quang Trung, Thành phố Quy Nhơn, Tỉnh Bình Định"
    assert values["place_of_residence"] == "Thôn Thượng, Xã Đông Phong, Huyện Yên Phong, Tỉnh Bắc Ninh"


def test_a_cards_label_read_with_its_blanks_lost_is_still_found_and_specks_left_of_the_value_do_not_doubt_it():
    spec = spec_for("id_card")
    rows = [
        [(60, "V-TPVCAW"), (300, "Nơiđìngkýkhaisinh/Placeofbirth")],  # the label's spaces lost, a letter misread
        [(215, "2Á"), (250, "cai"), (300, "Xã Hòa Phong, Huyện Hòa Vang, Thành phố Đà Nẵng")],  # the photo's specks
    ]
    page = laid_out(rows)
    page.words = [w.model_copy(update={"confidence": 0.0}) if w.text in ("2Á", "V-TPVCAW") else w for w in page.words]
    found = extract_fields(spec, [view_page(spec, page)])
    place = found["place_of_birth_registration"]
    assert place.value == "Xã Hòa Phong, Huyện Hòa Vang, Thành phố Đà Nẵng" and place.confidence > 0.5


def test_a_sections_heading_beside_the_other_sections_first_label_makes_no_partner_heading_of_that_label():
    values = marriage_values([
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(60, "Bên vợ"), (900, "Họ, chữ đệm, tên chồng: PHẠM XUÂN")],
        [(60, "Họ, chữ đệm, tên: NGUYỄN ĐẶNG THỊ"), (900, "DŨNG")],
        [(60, "MY"), (900, "Ngày, tháng, năm sinh: 20/01/1982")],
        [(60, "Ngày, tháng, năm sinh: 17/07/1984"), (900, "Dân tộc: Kinh")],
    ])
    assert values["husband_full_name"] == "PHẠM XUÂN DŨNG"
    assert values["wife_date_of_birth"] == "1984-07-17" and values["husband_date_of_birth"] == "1982-01-20"


def test_a_lone_unsure_figure_after_its_label_is_the_value_not_a_speck():
    rows = [[(100, "UBND XÃ NGHI PHONG")], [(100, "Số: 7")], [(100, "Quyển số: 04/2021")],
            [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")], [(100, "Họ, chữ đệm, tên vợ: NGUYỄN THỊ AN")]]
    page = laid_out(rows)
    page.words = [w.model_copy(update={"confidence": 0.19}) if w.line == 1 else w for w in page.words]
    spec = spec_for("marriage_certificate")
    fields = extract_fields(spec, [view_page(spec, page)])
    assert fields["certificate_number"].value == "7" and fields["certificate_number"].confidence < 0.5
    assert fields["book_number"].value == "04/2021"  # the line below it read as before


def test_a_colon_after_the_value_ends_it_and_is_no_translations_end():
    from extractors.engine import drop_label_translation
    labels = spec_for("id_card").fields["nationality"].labels
    words = laid_out([[(300, "Việt Nam :")]]).words  # a speck after the value read as a colon
    assert [w.text for w in drop_label_translation(words, labels)] == ["Việt", "Nam", ":"]
    mangled = laid_out([[(300, "/Nartionaiity: Việt Nam")]]).words  # a translation past matching, ended by its colon
    assert [w.text for w in drop_label_translation(mangled, labels)] == ["Việt", "Nam"]


def test_a_label_whose_i_and_o_were_read_as_figures_is_still_its_label():
    spec = spec_for("birth_certificate")
    rows = [[(500, "GIẤY KHAI SINH")], [(100, "Họ, chữ đệm, tên: HỒ HẠNH")], [(100, "G1ö1 tính: Nữ")],
            [(100, "Quốc t1ch: Việt Nam")]]
    fields = extract_fields(spec, [view_page(spec, laid_out(rows))])
    assert fields["sex"].value == "Nữ" and fields["nationality"].value == "Việt Nam"


def test_a_lone_figure_after_a_places_label_is_a_speck_and_its_value_is_on_the_next_line():
    spec = spec_for("id_card")
    rows = [[(300, "Nơi cư trú / Place of residence:")], [(300, "Nơi đăng ký khai sinh / Place of birth: 5")],
            [(300, "Phường Suối Hoa, Thành phố Bắc Ninh, Tỉnh Bắc Ninh")]]
    page = laid_out(rows)
    # a dot of dirt far right of the label, read as a 5
    page.words = [w.model_copy(update={"confidence": 0.41, "bbox": (1100, w.bbox[1] + 6, 1105, w.bbox[1] + 11)})
                  if w.text == "5" else w for w in page.words]
    fields = extract_fields(spec, [view_page(spec, page)])
    assert fields["place_of_birth_registration"].value == "Phường Suối Hoa, Thành phố Bắc Ninh, Tỉnh Bắc Ninh"


def test_a_short_label_matched_only_nearly_in_a_text_layer_is_other_words_alike():
    # a birth certificate's born-digital text: the mother's residence wraps onto a line opening "phố Tuyên", which
    # is 80 % alike to the label "Họ tên"; printed text is as printed, so only an exact short label is one
    rows = [
        [(60, "GIẤY KHAI SINH")],
        [(60, "Họ, chữ đệm, tên người mẹ: VŨ NGỌC NHUNG")],
        [(60, "Nơi cư trú: Số 34 ngõ 287 đường Tân Trào, Phường Phan Thiết, Thành")],
        [(60, "phố Tuyên Quang, Tỉnh Tuyên Quang")],
        [(60, "Số định danh cá nhân: 067198154698")],
        [(60, "Họ, chữ đệm, tên người cha: DƯƠNG TIẾN ĐÌNH LỰC")],
    ]
    spec = spec_for("birth_certificate")
    page = laid_out(rows).model_copy(update={"source": "text_layer"})
    values = {name: f.value for name, f in extract_fields(spec, [view_page(spec, page)]).items()}
    assert values["mother_residence"] == \
        "Số 34 ngõ 287 đường Tân Trào, Phường Phan Thiết, Thành phố Tuyên Quang, Tỉnh Tuyên Quang"
    assert values["mother_id_number"] == "067198154698"


def test_an_id_number_under_its_columns_label_past_a_line_of_specks_is_found():
    # the husband's column set a line lower: his label's line ends "Căn cước công", a speck line "Ki:" follows, then
    # his "dân số 0740…" beside the wife's label on her line
    rows = [
        [(500, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(60, "Bên vợ"), (600, "Bên chồng")],
        [(60, "Họ, chữ đệm, tên vợ: ĐỖ MAI LAN"), (600, "Họ, chữ đệm, tên chồng: BÙI MẠNH HÙNG")],
        [(600, "Giấy tờ tùy thân: Căn cước công")],
        [(700, "Ki:")],
        [(60, "Giấy tờ tùy thân: CCCD số"), (700, "dân số 074084765552")],
        [(60, "035188227194")],
        [(60, "Nơi đăng ký kết hôn: Ủy ban nhân dân phường Suối Hoa, thành phố Bắc Ninh, tỉnh Bắc Ninh")],
    ]
    assert marriage_values(rows)["husband_id_number"] == "074084765552"
