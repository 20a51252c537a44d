#!/usr/bin/env python3
"""Independent renderer of Vietnamese dossier documents for OCR/extraction tests.

Written without looking at the project's own sample generator.  Produces
birth certificates, marriage certificates, CT07 residence confirmations and
chip ID cards (CCCD 2021 / Căn cước 2024) under five capture conditions, each
with a ``<stem>.truth.json`` file that follows docs/spec field names.

    python render.py --out DIR --count N --seed S [--kind core|marital|unknown|mixed|id_sheet|all]

Design: every document is laid out once as a list of drawing operations in
PDF points (y axis downward).  The same list is either rasterised with Pillow
(scans, phone photos, image PDFs) or written with reportlab as a born-digital
PDF with a real text layer (digital_pdf).
"""
import argparse
import json
import math
import os
import random
import unicodedata
from datetime import date, timedelta

import cv2
import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# ---------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------
FONT_ROOT = "/usr/share/fonts/truetype"
FAMILIES = {
    # name: (regular, bold, italic, bold italic)
    "LiberationSerif": ("liberation2/LiberationSerif-Regular", "liberation2/LiberationSerif-Bold",
                        "liberation2/LiberationSerif-Italic", "liberation2/LiberationSerif-BoldItalic"),
    "FreeSerif": ("freefont/FreeSerif", "freefont/FreeSerifBold",
                  "freefont/FreeSerifItalic", "freefont/FreeSerifBoldItalic"),
    "NotoSerif": ("noto/NotoSerif-Regular", "noto/NotoSerif-Bold",
                  "noto/NotoSerif-Italic", "noto/NotoSerif-BoldItalic"),
    "NotoSerifDisplay": ("noto/NotoSerifDisplay-Regular", "noto/NotoSerifDisplay-Bold",
                         "noto/NotoSerifDisplay-Italic", "noto/NotoSerifDisplay-BoldItalic"),
    "DejaVuSerifCondensed": ("dejavu/DejaVuSerifCondensed", "dejavu/DejaVuSerifCondensed-Bold",
                             "dejavu/DejaVuSerifCondensed-Italic", "dejavu/DejaVuSerifCondensed-BoldItalic"),
    "NotoSansDisplay": ("noto/NotoSansDisplay-Regular", "noto/NotoSansDisplay-Bold",
                        "noto/NotoSansDisplay-Italic", "noto/NotoSansDisplay-BoldItalic"),
    "NotoSans": ("noto/NotoSans-Regular", "noto/NotoSans-Bold",
                 "noto/NotoSans-Italic", "noto/NotoSans-BoldItalic"),
    "LiberationSans": ("liberation2/LiberationSans-Regular", "liberation2/LiberationSans-Bold",
                       "liberation2/LiberationSans-Italic", "liberation2/LiberationSans-BoldItalic"),
    "FreeSans": ("freefont/FreeSans", "freefont/FreeSansBold",
                 "freefont/FreeSansOblique", "freefont/FreeSansBoldOblique"),
    "DejaVuSansCondensed": ("dejavu/DejaVuSansCondensed", "dejavu/DejaVuSansCondensed-Bold",
                            "dejavu/DejaVuSansCondensed-Oblique", "dejavu/DejaVuSansCondensed-BoldOblique"),
}
SERIF_FAMILIES = ["LiberationSerif", "LiberationSerif", "FreeSerif", "NotoSerif", "NotoSerifDisplay",
                  "DejaVuSerifCondensed"]
SANS_FAMILIES = ["NotoSansDisplay", "NotoSans", "LiberationSans", "FreeSans", "DejaVuSansCondensed"]
MONO_FONTS = ["dejavu/DejaVuSansMono", "liberation2/LiberationMono-Regular", "freefont/FreeMonoBold",
              "dejavu/DejaVuSansMono-Bold"]

# a font key is the path fragment below FONT_ROOT without ".ttf"
def fpath(key):
    return os.path.join(FONT_ROOT, key + ".ttf")


def fam(name, style="r"):
    """Font key of a family member: style r, b, i or bi."""
    return FAMILIES[name][["r", "b", "i", "bi"].index(style)]


_PIL_FONTS = {}


def pil_font(key, px):
    k = (key, round(px * 4) / 4)
    if k not in _PIL_FONTS:
        _PIL_FONTS[k] = ImageFont.truetype(fpath(key), size=max(1.0, k[1]))
    return _PIL_FONTS[k]


def measure(text, key, size):
    """Advance width in points of `text` set in font `key` at `size` pt."""
    return pil_font(key, 200).getlength(text) * size / 200.0


def nfc(s):
    return " ".join(unicodedata.normalize("NFC", s).split())


# ---------------------------------------------------------------------------
# Vietnamese data: names, places, numbers in words
# ---------------------------------------------------------------------------
SURNAMES = [("Nguyễn", 30), ("Trần", 10), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 3), ("Phan", 4),
            ("Vũ", 4), ("Võ", 3), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 2),
            ("Lý", 1), ("Đinh", 2), ("Trịnh", 1), ("Đào", 1), ("Lương", 1), ("Mai", 1), ("Tạ", 1), ("Cao", 1),
            ("Lưu", 1), ("Triệu", 1), ("Hà", 1), ("Nông", 1), ("Lò", 1), ("Quách", 1), ("Kiều", 1), ("Khổng", 1)]
MIDDLE_M = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Ngọc", "Đình", "Anh", "Gia",
            "Trọng", "Tuấn", "Mạnh", "Hoàng", "Bảo", "Thế", "Tiến", "Việt", "Duy", "Khắc", "Quốc"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Bảo", "Khánh", "Hồng", "Mai",
            "Thùy", "Diệu", "Hải", "Kim", "Quỳnh", "Lan", "Thúy", "Huyền", "Mỹ"]
GIVEN_M = ["An", "Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng",
           "Huy", "Khang", "Khoa", "Khôi", "Kiên", "Lâm", "Long", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong",
           "Phúc", "Quân", "Quang", "Sơn", "Tâm", "Thắng", "Thành", "Thịnh", "Trung", "Tuấn", "Tùng", "Việt",
           "Vinh", "Vũ", "Hưng", "Lộc", "Nhân", "Đông", "Toàn", "Trường", "Hậu", "Lực", "Khải"]
GIVEN_F = ["Anh", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hương", "Huyền", "Lan",
           "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên",
           "Quỳnh", "Thảo", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Yến", "Hòa", "Nhi", "Thư",
           "Hồng", "Liên", "Duyên", "Xuân"]
ETHNIC = [("Kinh", 80), ("Tày", 4), ("Thái", 3), ("Mường", 3), ("Nùng", 2), ("Khmer", 2), ("Hoa", 2),
          ("Mông", 1), ("Dao", 1), ("Sán Dìu", 1), ("Ê Đê", 1)]

# Post-2025 (two-level) provinces: full name, short name, id code, wards, communes, streets
NEW_PROVINCES = [
    ("Thành phố Hà Nội", "Hà Nội", "001",
     ["Hoàn Kiếm", "Cửa Nam", "Ba Đình", "Ngọc Hà", "Giảng Võ", "Hai Bà Trưng", "Vĩnh Tuy", "Bạch Mai",
      "Đống Đa", "Kim Liên", "Văn Miếu - Quốc Tử Giám", "Láng", "Ô Chợ Dừa", "Hoàng Mai", "Tương Mai",
      "Định Công", "Cầu Giấy", "Nghĩa Đô", "Yên Hòa", "Tây Hồ", "Thanh Xuân", "Khương Đình", "Long Biên",
      "Bồ Đề", "Hà Đông", "Kiến Hưng"],
     ["Đông Anh", "Sóc Sơn", "Gia Lâm", "Thanh Trì", "Bát Tràng", "Phù Đổng", "Thư Lâm"],
     ["phố Lạc Trung", "phố Huế", "phố Bạch Mai", "đường Giải Phóng", "phố Tôn Đức Thắng", "đường Láng",
      "phố Chùa Láng", "phố Hàng Bạc", "đường Nguyễn Trãi", "phố Kim Mã", "đường Trường Chinh",
      "phố Minh Khai", "đường Xuân Thủy", "phố Tạ Quang Bửu", "phố Đội Cấn", "đường Nguyễn Văn Cừ"]),
    ("Thành phố Hồ Chí Minh", "Hồ Chí Minh", "079",
     ["Sài Gòn", "Tân Định", "Bến Thành", "Cầu Ông Lãnh", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc", "Chợ Quán",
      "An Đông", "Chợ Lớn", "Bình Tây", "Gia Định", "Bình Thạnh", "Thạnh Mỹ Tây", "Phú Nhuận",
      "Tân Sơn Nhất", "Thủ Đức", "Linh Xuân", "Hiệp Bình"],
     ["Củ Chi", "Bình Chánh", "Hóc Môn", "Nhà Bè", "Cần Giờ"],
     ["đường Nguyễn Đình Chiểu", "đường Lê Văn Sỹ", "đường Cách Mạng Tháng Tám", "đường Điện Biên Phủ",
      "đường Nguyễn Thị Minh Khai", "đường Trần Hưng Đạo", "đường Phan Xích Long", "đường Võ Văn Ngân",
      "đường Xô Viết Nghệ Tĩnh", "đường Hai Bà Trưng"]),
    ("Thành phố Hải Phòng", "Hải Phòng", "031",
     ["Hồng Bàng", "Lê Chân", "Ngô Quyền", "Gia Viên", "An Biên", "Hải An", "Kiến An", "Đồ Sơn"],
     ["An Lão", "Tiên Lãng", "Vĩnh Bảo", "Kiến Thụy"],
     ["đường Lạch Tray", "đường Trần Hưng Đạo", "phố Cầu Đất", "đường Tô Hiệu", "đường Lê Lợi"]),
    ("Thành phố Đà Nẵng", "Đà Nẵng", "048",
     ["Hải Châu", "Hòa Cường", "Thanh Khê", "An Khê", "Sơn Trà", "An Hải", "Ngũ Hành Sơn", "Liên Chiểu",
      "Cẩm Lệ"],
     ["Hòa Vang", "Bà Nà", "Hòa Tiến"],
     ["đường Nguyễn Văn Linh", "đường Lê Duẩn", "đường Bạch Đằng", "đường Ngô Quyền", "đường Hùng Vương"]),
    ("Tỉnh Bắc Ninh", "Bắc Ninh", "027",
     ["Kinh Bắc", "Võ Cường", "Vũ Ninh", "Từ Sơn", "Bắc Giang", "Đa Mai"],
     ["Yên Phong", "Tiên Du", "Lương Tài", "Gia Bình", "Lạng Giang"],
     ["đường Lý Thái Tổ", "đường Ngô Gia Tự", "đường Nguyễn Văn Cừ", "phố Thiên Đức"]),
    ("Thành phố Huế", "Huế", "046",
     ["Thuận Hóa", "Phú Xuân", "Vỹ Dạ", "An Cựu", "Thủy Xuân", "Hương Thủy"],
     ["Phú Vinh", "Quảng Điền", "Phú Lộc"],
     ["đường Lê Lợi", "đường Hùng Vương", "đường Trần Phú", "đường Nguyễn Huệ"]),
    ("Thành phố Cần Thơ", "Cần Thơ", "092",
     ["Ninh Kiều", "Cái Khế", "Tân An", "An Bình", "Bình Thủy", "Cái Răng"],
     ["Phong Điền", "Thới Lai", "Cờ Đỏ"],
     ["đường 30 Tháng 4", "đường Mậu Thân", "đường Nguyễn Văn Cừ", "đường Trần Hưng Đạo"]),
    ("Tỉnh Nghệ An", "Nghệ An", "040",
     ["Thành Vinh", "Trường Vinh", "Vinh Hưng", "Cửa Lò"],
     ["Diễn Châu", "Yên Thành", "Nghi Lộc", "Đô Lương"],
     ["đường Lê Duẩn", "đường Quang Trung", "đường Nguyễn Du"]),
    ("Tỉnh Thái Nguyên", "Thái Nguyên", "019",
     ["Phan Đình Phùng", "Quyết Thắng", "Gia Sàng", "Tích Lương", "Phổ Yên"],
     ["Đại Từ", "Phú Bình", "Định Hóa"],
     ["đường Hoàng Văn Thụ", "đường Lương Ngọc Quyến", "đường Quang Trung"]),
    ("Tỉnh Tuyên Quang", "Tuyên Quang", "008",
     ["Minh Xuân", "Nông Tiến", "Hà Giang 1", "Hà Giang 2"],
     ["Yên Sơn", "Hàm Yên", "Đồng Văn", "Na Hang"],
     ["đường Chiến Thắng Sông Lô", "đường Tân Trào", "đường Nguyễn Trãi"]),
    ("Tỉnh Lâm Đồng", "Lâm Đồng", "068",
     ["Xuân Hương - Đà Lạt", "Lâm Viên - Đà Lạt", "Cam Ly - Đà Lạt", "Bảo Lộc 1"],
     ["Đức Trọng", "Lạc Dương", "Di Linh"],
     ["đường Phan Đình Phùng", "đường Bùi Thị Xuân", "đường Hai Bà Trưng"]),
    ("Tỉnh Khánh Hòa", "Khánh Hòa", "056",
     ["Nha Trang", "Bắc Nha Trang", "Tây Nha Trang", "Cam Ranh"],
     ["Diên Khánh", "Vạn Ninh", "Cam Lâm"],
     ["đường Trần Phú", "đường Lê Thánh Tôn", "đường 23 Tháng 10"]),
    ("Tỉnh Đồng Nai", "Đồng Nai", "075",
     ["Biên Hòa", "Trấn Biên", "Tam Hiệp", "Long Bình"],
     ["Trảng Bom", "Long Thành", "Nhơn Trạch"],
     ["đường Phạm Văn Thuận", "đường Đồng Khởi", "đường Võ Thị Sáu"]),
    ("Tỉnh Thanh Hóa", "Thanh Hóa", "038",
     ["Hạc Thành", "Sầm Sơn", "Bỉm Sơn", "Quảng Phú"],
     ["Hoằng Hóa", "Thọ Xuân", "Quảng Xương", "Nga Sơn"],
     ["đường Lê Lai", "đường Bà Triệu", "đại lộ Lê Lợi"]),
]

# Pre-2025 (three-level) units: ward/commune, district, province, id code, streets
OLD_UNITS = [
    ("Phường Hàng Bạc", "Quận Hoàn Kiếm", "Thành phố Hà Nội", "001", ["phố Hàng Bạc", "phố Mã Mây"]),
    ("Phường Tràng Tiền", "Quận Hoàn Kiếm", "Thành phố Hà Nội", "001", ["phố Tràng Tiền", "phố Hàng Bài"]),
    ("Phường Láng Hạ", "Quận Đống Đa", "Thành phố Hà Nội", "001", ["phố Láng Hạ", "phố Thái Thịnh"]),
    ("Phường Vĩnh Tuy", "Quận Hai Bà Trưng", "Thành phố Hà Nội", "001", ["phố Lạc Trung", "phố Vĩnh Tuy"]),
    ("Phường Dịch Vọng", "Quận Cầu Giấy", "Thành phố Hà Nội", "001", ["phố Trần Thái Tông", "đường Xuân Thủy"]),
    ("Xã Uy Nỗ", "Huyện Đông Anh", "Thành phố Hà Nội", "001", []),
    ("Thị trấn Trâu Quỳ", "Huyện Gia Lâm", "Thành phố Hà Nội", "001", ["đường Ngô Xuân Quảng"]),
    ("Phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh", "079", ["đường Hai Bà Trưng", "đường Lê Thánh Tôn"]),
    ("Phường 4", "Quận 5", "Thành phố Hồ Chí Minh", "079", ["đường Trần Hưng Đạo", "đường An Dương Vương"]),
    ("Phường 12", "Quận Tân Bình", "Thành phố Hồ Chí Minh", "079", ["đường Âu Cơ", "đường Trường Chinh"]),
    ("Phường 25", "Quận Bình Thạnh", "Thành phố Hồ Chí Minh", "079", ["đường Điện Biên Phủ", "đường D2"]),
    ("Phường Linh Trung", "Thành phố Thủ Đức", "Thành phố Hồ Chí Minh", "079", ["đường Hoàng Diệu 2"]),
    ("Xã Tân Thông Hội", "Huyện Củ Chi", "Thành phố Hồ Chí Minh", "079", []),
    ("Phường Máy Tơ", "Quận Ngô Quyền", "Thành phố Hải Phòng", "031", ["đường Lê Lợi", "phố Máy Tơ"]),
    ("Phường Thạch Thang", "Quận Hải Châu", "Thành phố Đà Nẵng", "048", ["đường Lê Lợi", "đường Quang Trung"]),
    ("Xã Hòa Phong", "Huyện Hòa Vang", "Thành phố Đà Nẵng", "048", []),
    ("Phường Suối Hoa", "Thành phố Bắc Ninh", "Tỉnh Bắc Ninh", "027", ["đường Nguyễn Cao"]),
    ("Xã Đông Phong", "Huyện Yên Phong", "Tỉnh Bắc Ninh", "027", []),
    ("Xã Nghĩa Hưng", "Huyện Lạng Giang", "Tỉnh Bắc Giang", "024", []),
    ("Phường Trần Hưng Đạo", "Thành phố Thái Bình", "Tỉnh Thái Bình", "034", ["phố Hai Bà Trưng"]),
    ("Xã Hải Anh", "Huyện Hải Hậu", "Tỉnh Nam Định", "036", []),
    ("Phường Vĩnh Ninh", "Thành phố Huế", "Tỉnh Thừa Thiên Huế", "046", ["đường Hùng Vương"]),
    ("Xã Nghi Phong", "Huyện Nghi Lộc", "Tỉnh Nghệ An", "040", []),
    ("Phường Điện Biên", "Thành phố Thanh Hóa", "Tỉnh Thanh Hóa", "038", ["đường Lê Hoàn"]),
    ("Xã Hoằng Đạo", "Huyện Hoằng Hóa", "Tỉnh Thanh Hóa", "038", []),
    ("Phường Thanh Bình", "Thành phố Hải Dương", "Tỉnh Hải Dương", "030", ["đường Thanh Niên"]),
    ("Xã Cẩm Văn", "Huyện Cẩm Giàng", "Tỉnh Hải Dương", "030", []),
    ("Phường Tân Thịnh", "Thành phố Hòa Bình", "Tỉnh Hòa Bình", "017", ["đường Cù Chính Lan"]),
    ("Xã Tân Lập", "Huyện Bắc Sơn", "Tỉnh Lạng Sơn", "020", []),
    ("Phường Phan Thiết", "Thành phố Tuyên Quang", "Tỉnh Tuyên Quang", "008", ["đường Tân Trào"]),
    ("Phường Xuân Khánh", "Quận Ninh Kiều", "Thành phố Cần Thơ", "092", ["đường 30 Tháng 4"]),
    ("Phường Mỹ Bình", "Thành phố Long Xuyên", "Tỉnh An Giang", "089", ["đường Trần Hưng Đạo"]),
    ("Phường 1", "Thành phố Đà Lạt", "Tỉnh Lâm Đồng", "068", ["đường Phan Bội Châu"]),
    ("Phường Quyết Thắng", "Thành phố Biên Hòa", "Tỉnh Đồng Nai", "075", ["đường Cách Mạng Tháng Tám"]),
    ("Xã Phước Thiền", "Huyện Nhơn Trạch", "Tỉnh Đồng Nai", "075", []),
    ("Phường Lộc Thọ", "Thành phố Nha Trang", "Tỉnh Khánh Hòa", "056", ["đường Trần Phú"]),
    ("Phường Quang Trung", "Thành phố Quy Nhơn", "Tỉnh Bình Định", "052", ["đường Tây Sơn"]),
    ("Xã Quảng Phú", "Huyện Cư M'gar", "Tỉnh Đắk Lắk", "066", []),
    ("Xã Bản Phiệt", "Huyện Bảo Thắng", "Tỉnh Lào Cai", "010", []),
]
VILLAGES = ["Thôn Đông", "Thôn Trung", "Thôn Đoài", "Thôn Nam", "Thôn Thượng", "Thôn Hạ", "Xóm 3", "Xóm Mới",
            "Thôn Phú Mỹ", "Ấp Bình Lợi", "Ấp 3", "Thôn An Lạc", "Xóm Chùa", "Thôn 5", "Bản Nà Lòa",
            "Thôn Yên Bình", "Tổ dân phố số 4"]
# other real province codes, used for parents' / spouses' ids
ALL_CODES = ["001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022",
             "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042",
             "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066",
             "067", "068", "070", "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087",
             "089", "091", "092", "093", "094", "095", "096"]
NEW_UNITS_START = date(2025, 7, 1)

UNITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
MONTH_WORDS = ["một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def words_0_99(n):
    if n < 10:
        return UNITS[n]
    tens, u = divmod(n, 10)
    head = "mười" if tens == 1 else UNITS[tens] + " mươi"
    if u == 0:
        return head
    if u == 5:
        tail = "lăm"
    elif u == 1 and tens > 1:
        tail = "mốt"
    elif u == 4 and tens > 1:
        tail = "tư"
    else:
        tail = UNITS[u]
    return head + " " + tail


def words_year(y):
    th, rest = divmod(y, 1000)
    h, r = divmod(rest, 100)
    out = UNITS[th] + " nghìn"
    if h == 0 and r == 0:
        return out
    out += " " + UNITS[h] + " trăm"
    if r == 0:
        return out
    if r < 10:
        return out + " linh " + UNITS[r]
    return out + " " + words_0_99(r)


def date_in_words(d):
    return f"Ngày {words_0_99(d.day)} tháng {MONTH_WORDS[d.month - 1]} năm {words_year(d.year)}"


def dmy(d, sep="/"):
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"


def rand_date(rng, start, end):
    return start + timedelta(days=rng.randint(0, (end - start).days))


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def wchoice(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def person_name(rng, sex, surname=None):
    sur = surname or wchoice(rng, SURNAMES)
    mids, givens = (MIDDLE_M, GIVEN_M) if sex == "Nam" else (MIDDLE_F, GIVEN_F)
    parts = [sur]
    r = rng.random()
    if r < 0.12:  # mother's surname kept as a second middle part, or two middle names
        parts += [wchoice(rng, SURNAMES) if rng.random() < 0.5 else rng.choice(mids), rng.choice(mids)]
    elif r < 0.97:
        parts.append(rng.choice(mids))
    parts.append(rng.choice(givens))
    # avoid "Minh Minh" style repetitions
    out = []
    for p in parts:
        if not out or out[-1] != p:
            out.append(p)
    return nfc(" ".join(out).upper())


def make_id(rng, code, dob, sex):
    century = (dob.year // 100) - 19  # 1900s -> 0, 2000s -> 1
    digit4 = century * 2 + (1 if sex == "Nữ" else 0)
    return f"{code}{digit4}{dob.year % 100:02d}{rng.randint(0, 999999):06d}"


def ethnicity(rng):
    return wchoice(rng, ETHNIC)


def pick_new_unit(rng, prov=None, commune_bias=0.3):
    p = prov or rng.choice(NEW_PROVINCES)
    if rng.random() < commune_bias:
        return "Xã " + rng.choice(p[4]), p
    return "Phường " + rng.choice(p[3]), p


def street_part(rng, streets, rural):
    if rural or not streets:
        return rng.choice(VILLAGES)
    s = rng.choice(streets)
    r = rng.random()
    n = rng.randint(1, 320)
    if r < 0.35:
        return f"Số {n} {s}"
    if r < 0.6:
        return f"Số {rng.randint(1, 80)} ngõ {rng.randint(2, 400)} {s}"
    if r < 0.72:
        return f"Số {rng.randint(1, 40)} ngách {rng.randint(2, 90)}/{rng.randint(2, 40)} ngõ {rng.randint(2, 300)} {s}"
    if r < 0.82:
        return f"Số {n}/{rng.randint(2, 60)} {s}"
    if r < 0.9:
        return f"Căn hộ {rng.randint(2, 28)}{rng.randint(1, 20):02d} tòa {rng.choice(['CT1', 'CT2', 'A', 'B', 'HH3'])}, {s}"
    return f"Tổ {rng.randint(1, 30)}, {s}"


def address(rng, new_style, with_street=True, prov=None):
    """Returns (text, id province code)."""
    if new_style:
        unit, p = pick_new_unit(rng, prov)
        parts = []
        if with_street:
            parts.append(street_part(rng, p[5], unit.startswith("Xã")))
        parts += [unit, p[0]]
        return nfc(", ".join(parts)), p[2]
    u = rng.choice(OLD_UNITS)
    parts = []
    if with_street:
        parts.append(street_part(rng, u[4], u[0].startswith("Xã") or not u[4]))
    parts += [u[0], u[1], u[2]]
    return nfc(", ".join(parts)), u[3]


def short_province(full):
    for pre in ("Thành phố ", "Tỉnh "):
        if full.startswith(pre):
            return full[len(pre):]
    return full


HOSPITALS = {
    "Hà Nội": ["Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương", "Bệnh viện Bạch Mai",
               "Bệnh viện Đa khoa Đức Giang"],
    "Hồ Chí Minh": ["Bệnh viện Từ Dũ", "Bệnh viện Hùng Vương", "Bệnh viện Đa khoa Tâm Anh"],
    "Hải Phòng": ["Bệnh viện Phụ sản Hải Phòng"],
    "Đà Nẵng": ["Bệnh viện Phụ sản - Nhi Đà Nẵng"],
    "Huế": ["Bệnh viện Trung ương Huế"],
}


def birth_place(rng, new_style):
    if new_style:
        p = rng.choice(NEW_PROVINCES)
        prov_full, short = p[0], p[1]
    else:
        u = rng.choice(OLD_UNITS)
        prov_full, short = u[2], short_province(u[2])
    r = rng.random()
    if short in HOSPITALS and r < 0.6:
        h = rng.choice(HOSPITALS[short])
    elif r < 0.85:
        h = f"Bệnh viện Đa khoa {'tỉnh' if prov_full.startswith('Tỉnh') else 'thành phố'} {short}"
    else:
        if new_style:
            unit, _ = pick_new_unit(rng, p, 0.7)
        else:
            unit = u[0]
        h = "Trạm y tế " + unit[0].lower() + unit[1:]
    return nfc(f"{h}, {prov_full}")


def registration_authority(rng, reg_date):
    """Issuing People's Committee.  Returns dict with header lines, body text,
    place for the signature line and the id province code."""
    abbreviate = rng.random() < 0.2
    ubnd = "UBND" if abbreviate else "Ủy ban nhân dân"
    if reg_date >= NEW_UNITS_START:
        unit, p = pick_new_unit(rng, None, 0.35)
        kind, name = unit.split(" ", 1)
        body = f"{ubnd} {kind.lower()} {name}, {p[0][0].lower() + p[0][1:]}"
        header = (["ỦY BAN NHÂN DÂN", unit.upper()] if rng.random() < 0.5
                  else [p[0].upper(), "UBND " + unit.upper()])
        return dict(header=header, body=nfc(body), place=p[1], code=p[2], unit=unit, prov=p[0])
    u = rng.choice(OLD_UNITS)
    kind, name = u[0].split(" ", 1) if not u[0].startswith("Thị trấn") else ("Thị trấn", u[0][9:])
    dist_kind, dist_name = u[1].split(" ", 1) if not u[1].startswith("Thành phố") else ("thành phố", u[1][10:])
    prov_kind = "thành phố" if u[2].startswith("Thành phố") else "tỉnh"
    body = f"{ubnd} {kind.lower()} {name}, {dist_kind.lower()} {dist_name}, {prov_kind} {short_province(u[2])}"
    header = ([u[1].upper(), "UBND " + u[0].upper()] if rng.random() < 0.6
              else ["ỦY BAN NHÂN DÂN", u[0].upper()])
    return dict(header=header, body=nfc(body), place=short_province(u[2]), code=u[3], unit=u[0], prov=u[2])


def id_for(rng, dob, sex, code=None):
    return make_id(rng, code or rng.choice(ALL_CODES), dob, sex)


# ---------------------------------------------------------------------------
# Drawing operations (points, y downward) and two back-ends
# ---------------------------------------------------------------------------
A4 = (595.28, 841.89)
BLACK = (0, 0, 0)
RED = (200, 20, 30)


class Canvas:
    """Collects drawing operations; `view` gives a translated/scaled window
    sharing the same operation list (used to place ID cards on pages)."""

    def __init__(self, w, h):
        self.w, self.h = w, h
        self.ops = []
        self.ox, self.oy, self.s = 0.0, 0.0, 1.0

    def view(self, ox, oy, s=1.0):
        v = Canvas(self.w, self.h)
        v.ops = self.ops
        v.ox, v.oy, v.s = self.ox + ox * self.s, self.oy + oy * self.s, self.s * s
        return v

    def _p(self, x, y):
        return self.ox + x * self.s, self.oy + y * self.s

    def text(self, x, y, s, font, size, color=BLACK, align="l"):
        """Baseline-anchored text; returns its width (local units)."""
        s = nfc(s)
        w = measure(s, font, size)
        if align == "c":
            x -= w / 2
        elif align == "r":
            x -= w
        if s:
            X, Y = self._p(x, y)
            self.ops.append(("text", X, Y, s, font, size * self.s, color))
        return w

    def line(self, x0, y0, x1, y1, w=0.6, color=BLACK):
        self.ops.append(("line", *self._p(x0, y0), *self._p(x1, y1), w * self.s, color))

    def rect(self, x0, y0, x1, y1, stroke=BLACK, fill=None, w=0.6, r=0.0):
        self.ops.append(("rect", *self._p(x0, y0), *self._p(x1, y1), stroke, fill, w * self.s, r * self.s))

    def image(self, x0, y0, x1, y1, img, nearest=False):
        self.ops.append(("image", *self._p(x0, y0), *self._p(x1, y1), img, nearest))


def rasterize(cv, dpi, paper=(255, 255, 255)):
    """Render a canvas to a Pillow image.  paper=None gives a transparent RGBA."""
    k = dpi / 72.0
    W, H = int(round(cv.w * k)), int(round(cv.h * k))
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0) if paper is None else tuple(paper) + (255,))
    draw = ImageDraw.Draw(img)
    for op in cv.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, s, font, size, color = op
            draw.text((x * k, y * k), s, font=pil_font(font, size * k), fill=tuple(color), anchor="ls")
        elif kind == "line":
            _, x0, y0, x1, y1, w, color = op
            draw.line([(x0 * k, y0 * k), (x1 * k, y1 * k)], fill=tuple(color), width=max(1, round(w * k)))
        elif kind == "rect":
            _, x0, y0, x1, y1, stroke, fill, w, r = op
            box = [x0 * k, y0 * k, x1 * k, y1 * k]
            width = max(1, round(w * k)) if stroke else 0
            if r > 0:
                draw.rounded_rectangle(box, radius=r * k, outline=stroke, fill=fill, width=width)
            else:
                draw.rectangle(box, outline=stroke, fill=fill, width=width)
        elif kind == "image":
            _, x0, y0, x1, y1, im, nearest = op
            px0, py0 = int(round(x0 * k)), int(round(y0 * k))
            tw, th = max(1, int(round((x1 - x0) * k))), max(1, int(round((y1 - y0) * k)))
            im = im.convert("RGBA").resize((tw, th), Image.NEAREST if nearest else Image.LANCZOS)
            layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
            layer.paste(im, (px0, py0))
            img = Image.alpha_composite(img, layer)
            draw = ImageDraw.Draw(img)
    return img if paper is None else img.convert("RGB")


_RL_FONTS = set()


def write_pdf(cv, path, title="document"):
    """Born-digital PDF with a real text layer (fonts embedded by reportlab)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas as rl_canvas

    c = rl_canvas.Canvas(path, pagesize=(cv.w, cv.h))
    c.setTitle(title)
    c.setCreator("Phần mềm hộ tịch")
    H = cv.h
    for op in cv.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, s, font, size, color = op
            name = font.replace("/", "_")
            if name not in _RL_FONTS:
                pdfmetrics.registerFont(TTFont(name, fpath(font)))
                _RL_FONTS.add(name)
            c.setFillColorRGB(*[v / 255 for v in color])
            c.setFont(name, size)
            c.drawString(x, H - y, s)
        elif kind == "line":
            _, x0, y0, x1, y1, w, color = op
            c.setStrokeColorRGB(*[v / 255 for v in color])
            c.setLineWidth(w)
            c.line(x0, H - y0, x1, H - y1)
        elif kind == "rect":
            _, x0, y0, x1, y1, stroke, fill, w, r = op
            if stroke:
                c.setStrokeColorRGB(*[v / 255 for v in stroke])
                c.setLineWidth(w)
            if fill:
                c.setFillColorRGB(*[v / 255 for v in fill])
            c.roundRect(x0, H - y1, x1 - x0, y1 - y0, r, stroke=1 if stroke else 0, fill=1 if fill else 0)
        elif kind == "image":
            _, x0, y0, x1, y1, im, nearest = op
            if nearest:  # keep QR modules crisp
                f = max(1, int(600 / max(im.size)))
                im = im.resize((im.width * f, im.height * f), Image.NEAREST)
            c.drawImage(ImageReader(im.convert("RGBA")), x0, H - y1, x1 - x0, y1 - y0, mask="auto")
    c.showPage()
    c.save()


# ---------------------------------------------------------------------------
# Graphic assets: stamp, signature, photo, emblem, chip, card background, QR
# ---------------------------------------------------------------------------
def ink_texture(rng, size, strength=0.35):
    """Random multiplicative alpha texture for stamps (uneven ink)."""
    small = np.array([[rng.random() for _ in range(24)] for _ in range(24)], dtype=np.float32)
    field = cv2.resize(small, size, interpolation=cv2.INTER_CUBIC)
    noise = np.array([rng.random() for _ in range(64 * 64)], dtype=np.float32).reshape(64, 64)
    noise = cv2.resize(noise, size, interpolation=cv2.INTER_LINEAR)
    t = 1.0 - strength * field - 0.25 * (noise > 0.9)
    return np.clip(t, 0.15, 1.0)


def round_stamp(rng, top_text, bottom_text="", center_text="", px=520):
    """Red round seal with text around the ring and a star in the middle."""
    S = px
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (rng.randint(190, 225), rng.randint(10, 45), rng.randint(30, 60), 255)
    c = S / 2
    R = S / 2 - 6
    d.ellipse([c - R, c - R, c + R, c + R], outline=red, width=int(S * 0.022))
    d.ellipse([c - R * 0.93, c - R * 0.93, c + R * 0.93, c + R * 0.93], outline=red, width=int(S * 0.008))
    d.ellipse([c - R * 0.58, c - R * 0.58, c + R * 0.58, c + R * 0.58], outline=red, width=int(S * 0.008))
    def arc_text(txt, top):
        txt = nfc(txt)
        n = len(txt)
        if n == 0:
            return
        step = min(13.0, (235.0 if top else 95.0) / n)
        font = pil_font(fam("LiberationSans", "b"), S * 0.085 * min(1.0, step / 11.0))
        span = step * n
        for i, ch in enumerate(txt):
            frac = (i + 0.5) / n
            ang = (-90 - span / 2 + frac * span) if top else (90 + span / 2 - frac * span)
            a = math.radians(ang)
            rr = R * (0.77 if top else 0.74)
            x, y = c + rr * math.cos(a), c + rr * math.sin(a)
            g = Image.new("RGBA", (int(S * 0.2), int(S * 0.2)), (0, 0, 0, 0))
            ImageDraw.Draw(g).text((g.width / 2, g.height / 2), ch, font=font, fill=red, anchor="mm")
            rot = -(ang + 90) if top else -(ang - 90)
            g = g.rotate(rot, resample=Image.BICUBIC)
            img.alpha_composite(g, (int(x - g.width / 2), int(y - g.height / 2)))

    arc_text(top_text, True)
    arc_text(bottom_text, False)
    # star
    pts = []
    for i in range(10):
        rr = R * (0.22 if i % 2 == 0 else 0.09)
        a = math.radians(-90 + i * 36)
        pts.append((c + rr * math.cos(a), c - R * 0.12 + rr * math.sin(a)))
    d.polygon(pts, fill=red)
    if center_text:
        f2 = pil_font(fam("LiberationSans", "b"), S * 0.06)
        d.text((c, c + R * 0.25), nfc(center_text), font=f2, fill=red, anchor="mm")
    a = np.array(img).astype(np.float32)
    a[..., 3] *= ink_texture(rng, (S, S)) * rng.uniform(0.7, 0.9)
    img = Image.fromarray(a.astype(np.uint8), "RGBA").rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)
    return img.filter(ImageFilter.GaussianBlur(0.8))


def signature(rng, w=420, h=160, color=None):
    """Scribbled handwritten signature."""
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    col = color or rng.choice([(20, 30, 120, 235), (15, 15, 25, 235), (30, 40, 150, 225)])
    x, y = w * 0.08, h * rng.uniform(0.4, 0.65)
    pts = []
    for i in range(rng.randint(5, 9)):
        amp = h * rng.uniform(0.12, 0.38)
        x_next = x + w * rng.uniform(0.06, 0.14)
        for t in np.linspace(0, 1, 14):
            pts.append((x + (x_next - x) * t + 10 * math.sin(t * 6.3 * rng.uniform(0.5, 1.5)),
                        y - amp * math.sin(t * math.pi * rng.choice([1, 2])) + rng.uniform(-2, 2)))
        x = x_next
    d.line(pts, fill=col, width=rng.randint(3, 5), joint="curve")
    # underline flourish
    y2 = h * rng.uniform(0.7, 0.85)
    d.line([(w * 0.05, y2 + 8), (w * 0.5, y2), (w * 0.92, y2 - rng.uniform(5, 25))], fill=col,
           width=rng.randint(2, 4), joint="curve")
    return img.filter(ImageFilter.GaussianBlur(0.6))


def portrait(rng, sex, w=240, h=320):
    """Placeholder portrait: plain background, head and shoulders."""
    bg = rng.choice([(235, 240, 245), (225, 232, 240), (245, 245, 245)])
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    skin = rng.choice([(225, 190, 160), (210, 170, 140), (235, 200, 175), (195, 155, 120)])
    shirt = rng.choice([(250, 250, 250), (40, 50, 80), (90, 110, 140), (230, 230, 235)])
    hair = rng.choice([(25, 20, 20), (45, 35, 30), (60, 50, 45)])
    d.ellipse([w * 0.05, h * 0.72, w * 0.95, h * 1.35], fill=shirt)
    d.rectangle([w * 0.4, h * 0.55, w * 0.6, h * 0.78], fill=skin)
    d.ellipse([w * 0.26, h * 0.16, w * 0.74, h * 0.66], fill=skin)
    if sex == "Nữ":
        d.pieslice([w * 0.2, h * 0.1, w * 0.8, h * 0.7], 180, 360, fill=hair)
        d.rectangle([w * 0.2, h * 0.38, w * 0.29, h * 0.75], fill=hair)
        d.rectangle([w * 0.71, h * 0.38, w * 0.8, h * 0.75], fill=hair)
    else:
        d.pieslice([w * 0.25, h * 0.12, w * 0.75, h * 0.5], 180, 360, fill=hair)
    for ex in (0.4, 0.6):
        d.ellipse([w * ex - 6, h * 0.4 - 4, w * ex + 6, h * 0.4 + 4], fill=(40, 30, 30))
    d.line([(w * 0.44, h * 0.55), (w * 0.56, h * 0.55)], fill=(150, 80, 80), width=3)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def emblem(px=300):
    """Simplified national emblem: red disc, gold rim, yellow star."""
    img = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    c = px / 2
    d.ellipse([2, 2, px - 2, px - 2], fill=(212, 170, 40, 255))
    d.ellipse([px * 0.12, px * 0.12, px * 0.88, px * 0.88], fill=(205, 25, 30, 255))
    pts = []
    for i in range(10):
        r = px * (0.28 if i % 2 == 0 else 0.11)
        a = math.radians(-90 + i * 36)
        pts.append((c + r * math.cos(a), c - px * 0.04 + r * math.sin(a)))
    d.polygon(pts, fill=(250, 215, 40, 255))
    d.rectangle([px * 0.3, px * 0.7, px * 0.7, px * 0.76], fill=(212, 170, 40, 255))
    return img


def chip(px=200):
    img = Image.new("RGBA", (px, int(px * 0.8)), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    W, H = img.size
    d.rounded_rectangle([0, 0, W - 1, H - 1], radius=W * 0.15, fill=(210, 180, 100, 255), outline=(150, 120, 60, 255), width=3)
    for fx in (0.33, 0.67):
        d.line([(W * fx, 0), (W * fx, H)], fill=(150, 120, 60, 255), width=3)
    for fy in (0.33, 0.67):
        d.line([(0, H * fy), (W * 0.33, H * fy)], fill=(150, 120, 60, 255), width=3)
        d.line([(W * 0.67, H * fy), (W, H * fy)], fill=(150, 120, 60, 255), width=3)
    return img


def fingerprint(rng, px=160):
    img = Image.new("RGBA", (px, int(px * 1.25)), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    W, H = img.size
    cx, cy = W / 2 + rng.uniform(-8, 8), H / 2 + rng.uniform(-8, 8)
    for r in range(6, int(W * 0.45), 6):
        d.ellipse([cx - r, cy - r * 1.3, cx + r, cy + r * 1.3], outline=(90, 90, 90, 150), width=2)
    return img.filter(ImageFilter.GaussianBlur(1.0))


def card_background(rng, variant, w=1000, h=631):
    """Light tinted card with faint guilloche lines, a watermark rosette and rounded corners."""
    if variant == "cccd_2021":
        c0 = np.array([rng.randint(214, 230), rng.randint(232, 242), rng.randint(232, 244)], np.float32)
        c1 = np.array([rng.randint(236, 248), rng.randint(236, 246), rng.randint(220, 232)], np.float32)
    else:
        c0 = np.array([rng.randint(222, 236), rng.randint(230, 242), rng.randint(244, 252)], np.float32)
        c1 = np.array([rng.randint(244, 252), rng.randint(226, 236), rng.randint(232, 242)], np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xx / w * 0.7 + yy / h * 0.3)[..., None]
    arr = c0 * (1 - t) + c1 * t
    # guilloche: families of sine waves
    lines = np.zeros((h, w), np.float32)
    f1, f2 = rng.uniform(0.008, 0.02), rng.uniform(0.01, 0.03)
    for k in range(0, h + 200, 14):
        ys = (k + 18 * np.sin(xx[0] * f1 + k * 0.05) + 8 * np.sin(xx[0] * f2)).astype(np.int32)
        ok = (ys >= 0) & (ys < h)
        lines[ys[ok], np.arange(w)[ok]] = 1.0
    lines = cv2.GaussianBlur(cv2.dilate(lines, np.ones((2, 2))), (3, 3), 0)
    rr = np.sqrt((xx - w * rng.uniform(0.45, 0.65)) ** 2 + (yy - h * 0.5) ** 2)
    rosette = (np.sin(rr * 0.25 + 3 * np.sin(np.arctan2(yy - h / 2, xx - w / 2) * 12)) > 0.93) & (rr < h * 0.42)
    arr -= lines[..., None] * np.array([25, 18, 12], np.float32)
    arr -= rosette[..., None] * np.array([10, 10, 6], np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").convert("RGBA")
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, h - 1], radius=int(w * 0.04), fill=255)
    img.putalpha(mask)
    return img


def qr_image(payload):
    """QR code (UTF-8 byte mode) as a 1-pixel-per-module RGBA image with quiet zone."""
    q = segno.make(payload, encoding="utf-8", error="l", micro=False)
    m = np.array([list(row) for row in q.matrix], dtype=np.uint8)
    m = np.pad(m, 2)
    arr = np.where(m > 0, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, "L").convert("RGBA")


# ---------------------------------------------------------------------------
# MRZ (ICAO 9303 TD1)
# ---------------------------------------------------------------------------
def mrz_value(ch):
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    return 0


def mrz_check(s):
    return str(sum(mrz_value(ch) * (7, 3, 1)[i % 3] for i, ch in enumerate(s)) % 10)


def ascii_name(name):
    name = name.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)).upper()


def td1_mrz(id_number, dob, sex, expiry, full_name):
    doc = id_number[-9:]
    l1 = ("IDVNM" + doc + mrz_check(doc) + id_number).ljust(30, "<")
    b = dob.strftime("%y%m%d")
    e = expiry.strftime("%y%m%d") if expiry else "<<<<<<"
    l2 = b + mrz_check(b) + ("M" if sex == "Nam" else "F") + e + mrz_check(e) + "VNM"
    l2 = l2.ljust(29, "<")
    comp = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    l2 += mrz_check(comp)
    parts = ascii_name(full_name).split()
    l3 = (parts[0] + "<<" + "<".join(parts[1:])).ljust(30, "<")[:30]
    return [l1, l2, l3]


# ---------------------------------------------------------------------------
# Layout helpers
# ---------------------------------------------------------------------------
def wrap_words(text, first_w, other_w, font, size):
    """Greedy word wrap; the first line may be narrower (after a label)."""
    words = nfc(text).split(" ")
    lines, cur = [], ""
    avail = first_w
    for w in words:
        cand = w if not cur else cur + " " + w
        if measure(cand, font, size) <= avail or (not cur and not lines and avail >= other_w):
            cur = cand
        elif not cur:
            # does not fit on a (short) first line: leave it empty
            lines.append("")
            avail = other_w
            cur = w
        else:
            lines.append(cur)
            avail = other_w
            cur = w
    lines.append(cur)
    return lines


class FamilyFaces:
    """The regular (label) and bold faces of a style's ``family``."""

    @property
    def lf(self):
        return fam(self.family, "r")

    @property
    def bf(self):
        return fam(self.family, "b")


class Style(FamilyFaces):
    """Random typographic choices for one form."""

    def __init__(self, rng, base=None, serif_bias=0.75):
        self.family = base or (rng.choice(SERIF_FAMILIES) if rng.random() < serif_bias else rng.choice(SANS_FAMILIES))
        self.size = rng.uniform(10.5, 13.0)
        self.spacing = rng.uniform(1.35, 1.85)
        r = rng.random()
        if r < 0.4:
            self.vfont = fam(self.family, "b")
        elif r < 0.65:
            self.vfont = fam(self.family, "r")
        else:  # values typed in another face than the form
            other = rng.choice([f for f in SERIF_FAMILIES + SANS_FAMILIES if f != self.family])
            self.vfont = fam(other, rng.choice(["r", "b"]))
        self.vscale = rng.uniform(0.97, 1.1)
        self.leader = rng.choice([None, None, "after", "both"])
        self.leader_char = rng.choice([".", ".", ".", "…"])
        self.vcolor = rng.choice([BLACK, BLACK, (20, 20, 20), (10, 20, 90)])
        self.indent = rng.choice([0, 0, 14, 24])

    @property
    def itf(self):
        return fam(self.family, "i")

    @property
    def lh(self):
        return self.size * self.spacing

    def shrink(self):
        self.size *= 0.94
        self.spacing = max(1.2, self.spacing * 0.95)


class Flow:
    """Writes "label: value" lines top-down with wrapping and dotted leaders."""

    def __init__(self, cv, st, x0, x1, y):
        self.cv, self.st, self.x0, self.x1, self.y = cv, st, x0, x1, y

    def nl(self, n=1.0):
        self.y += self.st.lh * n

    def dots(self, xa, xb, y):
        st = self.st
        if xb - xa < 4:
            return
        dw = measure(st.leader_char, st.lf, st.size)
        n = int((xb - xa) / dw)
        if n > 0:
            self.cv.text(xa, y, st.leader_char * n, st.lf, st.size)

    def field(self, label, value, x=None, x_end=None, newline=True, vfont=None, vsize=None, cont_x=None):
        st, cv = self.st, self.cv
        x = self.x0 if x is None else x
        x_end = self.x1 if x_end is None else x_end
        cont_x = self.x0 + st.indent if cont_x is None else cont_x
        vfont = vfont or st.vfont
        vsize = vsize or st.size * st.vscale
        cur = x
        if label:
            cur += cv.text(x, self.y, label, st.lf, st.size) + st.size * 0.3
        pre = ""
        if st.leader == "both":
            pre = st.leader_char * 3
        pre_w = measure(pre, st.lf, st.size) if pre else 0.0
        tail = st.size * 1.0 if st.leader else 0.0
        lines = wrap_words(value, x_end - cur - pre_w - tail, self.x1 - cont_x - pre_w - tail, vfont, vsize)
        for i, ln in enumerate(lines):
            if i > 0:
                self.nl()
                cur = cont_x
                x_end = self.x1
            if pre:
                cur += cv.text(cur, self.y, pre, st.lf, st.size)
            cur += cv.text(cur, self.y, ln, vfont, vsize, color=st.vcolor)
            if st.leader:
                self.dots(cur + 1, x_end, self.y)
        if newline:
            self.nl()
        return cur

    def row(self, items, widths=None):
        """Several short fields on one line, at fractional column positions."""
        n = len(items)
        widths = widths or [1.0 / n] * n
        x = self.x0
        span = self.x1 - self.x0
        for (label, value), w in zip(items, widths):
            xe = x + span * w - 4
            self.field(label, value, x=x, x_end=xe, newline=False)
            x += span * w
        self.nl()


def fit_size(texts, font, size, maxw):
    while size > 5 and max(measure(t, font, size) for t in texts) > maxw:
        size *= 0.96
    return size


def national_header(cv, st, cx, y, size, underline=True):
    s1, s2 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
    cv.text(cx, y, s1, st.bf, size, align="c")
    w2 = cv.text(cx, y + size * 1.3, s2, st.bf, size * 1.02, align="c")
    if underline:
        cv.line(cx - w2 / 2, y + size * 1.3 + 3.5, cx + w2 / 2, y + size * 1.3 + 3.5, w=0.7)
    return y + size * 2.6


def header_block(cv, st, rng, left_lines, left_extra, W, ml, mr, y0, stacked=False):
    """Issuing body on the left (first line regular, second bold, underlined),
    the national motto on the right; `left_extra` lines (Số / Quyển số) below
    the left block.  Returns the y below the header."""
    size = min(st.size, 12.5) * rng.uniform(0.92, 1.0)
    motto_w = measure("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.bf, size)
    if stacked:
        y = national_header(cv, st, W / 2, y0, size)
        lw_max = W - ml - mr
        lc = ml + max(measure(t, st.bf, size) for t in left_lines) / 2 + 4
    else:
        lw_max = W - ml - mr - motto_w - 18
        size_l = fit_size(left_lines, st.bf, size, lw_max)
        size = min(size, size_l)
        lc = ml + lw_max / 2 if rng.random() < 0.5 else ml + max(measure(t, st.bf, size) for t in left_lines) / 2 + 6
        national_header(cv, st, W - mr - motto_w / 2 - 2, y0, size)
        y = y0
    ly = y if stacked else y0
    for i, t in enumerate(left_lines):
        font = st.lf if (i == 0 and len(left_lines) > 1) else st.bf
        w = cv.text(lc, ly, t, font, size, align="c")
        ly += size * 1.3
    cv.line(lc - w * 0.3, ly - size * 1.3 + 3.5, lc + w * 0.3, ly - size * 1.3 + 3.5, w=0.7)
    ly += size * 0.5
    for t in left_extra:
        if rng.random() < 0.5 and not stacked:
            cv.text(lc, ly, t, st.lf, size * 0.95, align="c")
        else:
            cv.text(ml, ly, t, st.lf, size * 0.95)
        ly += size * 1.35
    return max(ly, y0 + size * 3.2) + size * 0.6


def date_line(place, d, style):
    if style == 0:
        return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    if style == 1:
        return f"{place}, ngày {d.day} tháng {d.month} năm {d.year}"
    return f"{place}, ngày {d.day:02d}/{d.month:02d}/{d.year}"


def signature_block(cv, st, rng, cx, y, lines_bold, note, signer, stamp_text=None, date_text=None):
    """Right-hand signature block: place/date, title, note, signature, stamp, name."""
    size = st.size
    if date_text:
        cv.text(cx, y, date_text, st.itf, size * 0.95, align="c")
        y += size * 1.45
    for t in lines_bold:
        cv.text(cx, y, t, st.bf, size, align="c")
        y += size * 1.3
    if note:
        cv.text(cx, y, note, st.itf, size * 0.85, align="c")
        y += size * 1.2
    sig_h = size * 4.2
    sw = sig_h * 2.5
    cv.image(cx - sw / 2 + rng.uniform(-15, 15), y + size * 0.2, cx + sw / 2, y + size * 0.2 + sig_h, signature(rng))
    if stamp_text:
        r = size * rng.uniform(3.3, 4.0)
        scx = cx - sw * rng.uniform(0.2, 0.45)
        scy = y + sig_h * 0.5 + rng.uniform(-8, 8)
        top, bottom = stamp_text
        cv.image(scx - r, scy - r, scx + r, scy + r, round_stamp(rng, top, bottom))
    y += sig_h + size * 1.4
    cv.text(cx, y, signer, st.bf, size, align="c")
    return y + size


def draw_table(cv, st, x0, y, widths, header, rows, size, hfont, bfont, ruled="grid", aligns=None, pad=3.0):
    """Ruled table with wrapped cells; returns y below it."""
    lh = size * 1.25
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    aligns = aligns or ["l"] * len(widths)
    all_rows = [(header, hfont, True)] + [(r, bfont, False) for r in rows]
    top = y
    hlines = [y]
    for cells, font, is_head in all_rows:
        wrapped = [wrap_words(c, w - 2 * pad, w - 2 * pad, font, size) if c else [""] for c, w in zip(cells, widths)]
        nlines = max(len(wl) for wl in wrapped)
        h = nlines * lh + 2 * pad
        for i, wl in enumerate(wrapped):
            ty = y + pad + size * 0.95 + (nlines - len(wl)) * lh / 2 * (1 if is_head else 0)
            for ln in wl:
                al = "c" if is_head else aligns[i]
                if al == "c":
                    cv.text((xs[i] + xs[i + 1]) / 2, ty, ln, font, size, align="c")
                else:
                    cv.text(xs[i] + pad, ty, ln, font, size)
                ty += lh
        y += h
        hlines.append(y)
    for i, hy in enumerate(hlines):
        if ruled == "grid" or i in (0, 1, len(hlines) - 1) or ruled == "rows":
            cv.line(xs[0], hy, xs[-1], hy, w=0.7)
    if ruled == "grid":
        for x in xs:
            cv.line(x, top, x, y, w=0.7)
    return y


def new_page(rng, landscape=False):
    W, H = (A4[1], A4[0]) if landscape else A4
    cv = Canvas(W, H)
    ml = rng.uniform(45, 80)
    mr = rng.uniform(35, 60)
    mt = rng.uniform(35, 70)
    return cv, W, H, ml, mr, mt


def fit_layout(rng, draw_fn):
    """Run a layout with a fixed random stream, shrinking type until it fits."""
    seed = rng.getrandbits(32)
    for k in range(12):
        cv, bottom = draw_fn(random.Random(seed), k)
        if bottom <= cv.h - 28:
            break
    return cv


def reg_number(rng, year):
    r = rng.random()
    if r < 0.7:
        book = f"{rng.randint(1, 6):02d}/{year}"
    elif r < 0.85:
        book = f"{rng.randint(1, 6):02d}"
    else:
        book = f"{rng.randint(1, 6):02d}-{year}"
    return str(rng.randint(1, 480)), book


# ---------------------------------------------------------------------------
# Birth certificate
# ---------------------------------------------------------------------------
def gen_birth(rng):
    dob = rand_date(rng, date(2016, 1, 1), date(2026, 1, 31))
    reg = dob + timedelta(days=rng.randint(2, 60))
    auth = registration_authority(rng, reg)
    new = reg >= NEW_UNITS_START
    sex = rng.choice(["Nam", "Nữ"])
    father_sur = wchoice(rng, SURNAMES)
    f_dob = rand_date(rng, date(dob.year - 42, 1, 1), date(dob.year - 21, 12, 31))
    m_dob = rand_date(rng, date(dob.year - 38, 1, 1), date(dob.year - 19, 12, 31))
    f_eth = ethnicity(rng)
    m_eth = f_eth if rng.random() < 0.8 else ethnicity(rng)
    home, _ = address(rng, new)
    f_res = home
    m_res = home if rng.random() < 0.7 else address(rng, new)[0]
    num, book = reg_number(rng, reg.year)
    fields = {
        "certificate_number": num,
        "book_number": book,
        "full_name": person_name(rng, sex, father_sur),
        "date_of_birth": dob.isoformat(),
        "date_of_birth_in_words": date_in_words(dob),
        "sex": sex,
        "ethnicity": rng.choice([f_eth, m_eth]),
        "nationality": "Việt Nam",
        "place_of_birth": birth_place(rng, new),
        "place_of_origin": address(rng, new if rng.random() < 0.7 else not new, with_street=False)[0],
        "id_number": make_id(rng, auth["code"], dob, sex),
        "mother_full_name": person_name(rng, "Nữ"),
        "mother_birth_year": str(m_dob.year),
        "mother_ethnicity": m_eth,
        "mother_nationality": "Việt Nam",
        "mother_residence": m_res,
        "mother_id_number": id_for(rng, m_dob, "Nữ"),
        "father_full_name": person_name(rng, "Nam", father_sur),
        "father_birth_year": str(f_dob.year),
        "father_ethnicity": f_eth,
        "father_nationality": "Việt Nam",
        "father_residence": f_res,
        "father_id_number": id_for(rng, f_dob, "Nam"),
        "registration_place": auth["body"],
        "registration_date": reg.isoformat(),
    }
    return fields, dict(auth=auth, dob=dob, reg=reg)


def layout_birth(rng, F, X):
    def draw(r, k):
        st = Style(r)
        for _ in range(k):
            st.shrink()
        cv, W, H, ml, mr, mt = new_page(r)
        x1 = W - mr
        y = mt + st.size
        extra = [f"Số: {F['certificate_number']}", f"Quyển số: {F['book_number']}"]
        y = header_block(cv, st, r, X["auth"]["header"], extra, W, ml, mr, y, stacked=r.random() < 0.25)
        y += st.size * r.uniform(0.8, 2.2)
        tsize = st.size * r.uniform(1.45, 1.85)
        cv.text(W / 2, y + tsize * 0.5, "GIẤY KHAI SINH", st.bf, tsize, align="c")
        y += tsize * 0.5 + st.size * r.uniform(2.0, 3.2)
        f = Flow(cv, st, ml, x1, y)
        bold = fam(st.family, "b") if r.random() < 0.7 else st.vfont
        f.field("Họ, chữ đệm, tên:", F["full_name"], vfont=bold, vsize=st.size * r.uniform(1.0, 1.2))
        dob = X["dob"]
        if r.random() < 0.6:
            mid = ml + (x1 - ml) * r.uniform(0.44, 0.52)
            f.field("Ngày, tháng, năm sinh:", dmy(dob), x_end=mid - 4, newline=False)
            f.field("ghi bằng chữ:", F["date_of_birth_in_words"], x=mid)
        else:
            f.field("Ngày, tháng, năm sinh:", dmy(dob))
            f.field("ghi bằng chữ:", F["date_of_birth_in_words"])
        trio = [("Giới tính:", F["sex"]), ("Dân tộc:", F["ethnicity"]), ("Quốc tịch:", F["nationality"])]
        mode = r.random()
        if mode < 0.5:
            f.row(trio, [0.3, 0.32, 0.38])
        elif mode < 0.75:
            f.field(*trio[0])
            f.row(trio[1:], [0.45, 0.55])
        else:
            for t in trio:
                f.field(*t)
        f.field("Nơi sinh:", F["place_of_birth"])
        f.field("Quê quán:", F["place_of_origin"])
        f.field("Số định danh cá nhân:", F["id_number"])
        order = ["mother", "father"] if r.random() < 0.8 else ["father", "mother"]
        gap = r.choice([0, 0, 0.35, 0.6])
        for who in order:
            f.nl(gap)
            word = "mẹ" if who == "mother" else "cha"
            f.field(f"Họ, chữ đệm, tên người {word}:", F[f"{who}_full_name"], vfont=bold if r.random() < 0.5 else None)
            trio = [("Năm sinh:", F[f"{who}_birth_year"]), ("Dân tộc:", F[f"{who}_ethnicity"]),
                    ("Quốc tịch:", F[f"{who}_nationality"])]
            if mode < 0.75:
                f.row(trio, [0.3, 0.32, 0.38])
            else:
                for t in trio:
                    f.field(*t)
            f.field("Nơi cư trú:", F[f"{who}_residence"])
            f.field("Số định danh cá nhân:", F[f"{who}_id_number"])
        f.nl(gap)
        f.field("Nơi đăng ký khai sinh:", F["registration_place"])
        reg = X["reg"]
        f.field("Ngày, tháng, năm đăng ký:", dmy(reg) if r.random() < 0.85 else
                f"ngày {reg.day:02d} tháng {reg.month:02d} năm {reg.year}")
        y = f.y + st.size * r.uniform(0.3, 1.2)
        cx = x1 - r.uniform(100, 130)
        auth = X["auth"]
        unit = auth["unit"]
        stamp = ("ỦY BAN NHÂN DÂN " + unit.upper(), short_province(auth["prov"]).upper())
        if r.random() < 0.5:
            title, note = ["NGƯỜI KÝ GIẤY KHAI SINH"], "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"
        else:
            title, note = ["TM. ỦY BAN NHÂN DÂN", r.choice(["CHỦ TỊCH", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])], None
        signer = person_name(r, r.choice(["Nam", "Nữ"])).title()
        place = auth["place"] if r.random() < 0.6 else unit.split(" ", 1)[1]
        bottom = signature_block(cv, st, r, cx, y, title, note, signer, stamp,
                                 date_line(place, reg, r.choice([0, 0, 1])))
        if r.random() < 0.5:
            lx = ml + r.uniform(50, 80)
            ly = y + st.size * 1.45
            cv.text(lx, ly, "Người thực hiện", st.bf, st.size, align="c")
            cv.image(lx - 40, ly + 8, lx + 40, ly + 38, signature(r))
            cv.text(lx, ly + st.size * 5.5, person_name(r, r.choice(["Nam", "Nữ"])).title(), st.lf, st.size, align="c")
        return cv, bottom
    return fit_layout(rng, draw)


# ---------------------------------------------------------------------------
# Marriage certificate
# ---------------------------------------------------------------------------
def id_paper_text(rng, idn, reg):
    r = rng.random()
    if r < 0.45:
        return f"CCCD số {idn}"
    if r < 0.6:
        return f"Căn cước công dân số {idn}"
    if r < 0.72 and reg >= date(2024, 7, 1):
        return f"Căn cước số {idn}"
    if r < 0.87:
        issued = rand_date(rng, date(2016, 6, 1), min(reg, date(2024, 6, 30)))
        return f"CCCD số {idn} cấp ngày {dmy(issued)}"
    return f"Số định danh cá nhân {idn}"


def gen_marriage(rng):
    reg = rand_date(rng, date(2017, 1, 1), date(2026, 3, 31))
    auth = registration_authority(rng, reg)
    new = reg >= NEW_UNITS_START
    w_dob = rand_date(rng, date(reg.year - 40, 1, 1), add_years(reg, -19))
    h_dob = w_dob - timedelta(days=rng.randint(-3 * 365, 9 * 365))
    if h_dob > add_years(reg, -20):
        h_dob = add_years(reg, -20) - timedelta(days=rng.randint(0, 900))
    w_id, h_id = id_for(rng, w_dob, "Nữ"), id_for(rng, h_dob, "Nam")
    w_res = address(rng, new)[0]
    h_res = w_res if rng.random() < 0.25 else address(rng, new)[0]
    num, book = reg_number(rng, reg.year)
    w_eth = ethnicity(rng)
    F = {
        "certificate_number": num, "book_number": book,
        "wife_full_name": person_name(rng, "Nữ"), "wife_date_of_birth": w_dob.isoformat(),
        "wife_ethnicity": w_eth, "wife_nationality": "Việt Nam", "wife_residence": w_res, "wife_id_number": w_id,
        "husband_full_name": person_name(rng, "Nam"), "husband_date_of_birth": h_dob.isoformat(),
        "husband_ethnicity": w_eth if rng.random() < 0.8 else ethnicity(rng), "husband_nationality": "Việt Nam",
        "husband_residence": h_res, "husband_id_number": h_id,
        "registration_place": auth["body"], "registration_date": reg.isoformat(),
    }
    X = dict(auth=auth, reg=reg, w_dob=w_dob, h_dob=h_dob,
             w_paper=id_paper_text(rng, w_id, reg), h_paper=id_paper_text(rng, h_id, reg))
    return F, X


MARRIAGE_LABELS = ["Họ, chữ đệm, tên:", "Ngày, tháng, năm sinh:", "Dân tộc:", "Quốc tịch:", "Nơi cư trú:",
                   "Giấy tờ tùy thân:"]


def marriage_values(F, X, who):
    p = "wife" if who == "w" else "husband"
    return [F[f"{p}_full_name"], dmy(X[f"{who}_dob"]), F[f"{p}_ethnicity"], F[f"{p}_nationality"],
            F[f"{p}_residence"], X[f"{who}_paper"]]


def layout_marriage(rng, F, X):
    mode = rng.choice(["table", "table", "columns", "stacked"])
    landscape = mode == "table" and rng.random() < 0.4

    def draw(r, k):
        st = Style(r)
        for _ in range(k):
            st.shrink()
        if mode != "stacked":
            st.size = min(st.size, 12.0)
        cv, W, H, ml, mr, mt = new_page(r, landscape)
        x1 = W - mr
        y = mt + st.size
        extra = [f"Số: {F['certificate_number']}", f"Quyển số: {F['book_number']}"]
        y = header_block(cv, st, r, X["auth"]["header"], extra, W, ml, mr, y, stacked=r.random() < 0.2)
        tsize = st.size * r.uniform(1.4, 1.75)
        y += st.size * r.uniform(0.6, 1.6)
        cv.text(W / 2, y + tsize * 0.5, "GIẤY CHỨNG NHẬN KẾT HÔN", st.bf, tsize, align="c")
        y += tsize * 0.5 + st.size * r.uniform(1.8, 2.8)
        wv, hv = marriage_values(F, X, "w"), marriage_values(F, X, "h")
        bold = fam(st.family, "b")
        if mode == "table":
            span = x1 - ml
            lw = min(span * 0.3, max(measure(t, st.lf, st.size) for t in MARRIAGE_LABELS) + 10)
            cw = (span - lw) / 2
            heads = r.choice([("Vợ", "Chồng"), ("VỢ", "CHỒNG"), ("Thông tin về vợ", "Thông tin về chồng")])
            rows = [[lab, a, b] for lab, a, b in zip(MARRIAGE_LABELS, wv, hv)]
            tsz = st.size * 0.95
            y = draw_table(cv, st, ml, y, [lw, cw, cw], ["", heads[0], heads[1]], rows, tsz, bold,
                           st.vfont if r.random() < 0.5 else st.lf, ruled=r.choice(["grid", "grid", "rows"]),
                           pad=r.uniform(3, 6))
            f = Flow(cv, st, ml, x1, y + st.lh)
        elif mode == "columns":
            span = x1 - ml
            gap = r.uniform(14, 26)
            colw = (span - gap) / 2
            yy = []
            for i, (who, vals) in enumerate((("vợ", wv), ("chồng", hv))):
                cx0 = ml + i * (colw + gap)
                f = Flow(cv, st, cx0, cx0 + colw, y)
                f.st.indent = 0
                if r.random() < 0.5:
                    cv.text(cx0 + colw / 2, f.y, who.upper() if r.random() < 0.5 else f"Bên {who}", bold,
                            st.size * 1.05, align="c")
                    f.nl(1.3)
                    labels = MARRIAGE_LABELS
                else:
                    labels = [f"Họ, chữ đệm, tên {who}:"] + MARRIAGE_LABELS[1:]
                for j, (lab, val) in enumerate(zip(labels, vals)):
                    f.field(lab, val, vfont=bold if j == 0 else None)
                yy.append(f.y)
            y = max(yy)
            f = Flow(cv, st, ml, x1, y + st.lh * 0.5)
        else:
            f = Flow(cv, st, ml, x1, y)
            for who, vals in (("vợ", wv), ("chồng", hv)):
                cv.text(ml, f.y, f"Thông tin người {who}" + r.choice(["", ":"]), bold, st.size * 1.02)
                f.nl(1.15)
                for j, (lab, val) in enumerate(zip(MARRIAGE_LABELS, vals)):
                    f.field(lab, val, vfont=bold if j == 0 else None)
                f.nl(0.4)
        f.field("Nơi đăng ký kết hôn:", F["registration_place"])
        reg = X["reg"]
        f.field("Ngày, tháng, năm đăng ký:", dmy(reg) if r.random() < 0.85 else
                f"ngày {reg.day:02d} tháng {reg.month:02d} năm {reg.year}")
        y = f.y + st.size * 0.4
        # spouses' signatures on the left, official on the right
        lx = ml + r.uniform(55, 80)
        cv.text(lx, y + st.size * 1.4, "Vợ", bold, st.size, align="c")
        cv.text(lx + 110, y + st.size * 1.4, "Chồng", bold, st.size, align="c")
        cv.image(lx - 35, y + st.size * 2, lx + 35, y + st.size * 4.2, signature(r))
        cv.image(lx + 75, y + st.size * 2, lx + 145, y + st.size * 4.2, signature(r))
        cv.text(lx, y + st.size * 5.5, F["wife_full_name"].title(), st.lf, st.size * 0.9, align="c")
        cv.text(lx + 110, y + st.size * 5.5, F["husband_full_name"].title(), st.lf, st.size * 0.9, align="c")
        auth = X["auth"]
        stamp = ("ỦY BAN NHÂN DÂN " + auth["unit"].upper(), short_province(auth["prov"]).upper())
        cx = x1 - r.uniform(95, 120)
        bottom = signature_block(cv, st, r, cx, y, ["TM. ỦY BAN NHÂN DÂN", r.choice(["CHỦ TỊCH", "KT. CHỦ TỊCH"])],
                                 None, person_name(r, r.choice(["Nam", "Nữ"])).title(), stamp,
                                 date_line(auth["place"], reg, r.choice([0, 1])) if r.random() < 0.6 else None)
        return cv, bottom
    return fit_layout(rng, draw)


# ---------------------------------------------------------------------------
# CT07 residence confirmation
# ---------------------------------------------------------------------------
def gen_ct07(rng):
    issue = rand_date(rng, date(2023, 7, 1), date(2026, 3, 31))
    new = issue >= NEW_UNITS_START
    if new:
        unit, p = pick_new_unit(rng, None, 0.35)
        prov_full, place = p[0], p[1]
        top = "CÔNG AN " + prov_full.upper()
        home = nfc(", ".join([street_part(rng, p[5], unit.startswith("Xã")), unit, prov_full]))
    else:
        u = rng.choice(OLD_UNITS)
        unit, prov_full, place = u[0], u[2], short_province(u[2])
        top = "CÔNG AN " + (u[1].upper() if rng.random() < 0.7 else prov_full.upper())
        home = nfc(", ".join([street_part(rng, u[4], u[0].startswith("Xã") or not u[4]), u[0], u[1], u[2]]))
    kind, uname = (("thị trấn", unit[9:]) if unit.startswith("Thị trấn") else
                   (unit.split(" ", 1)[0].lower(), unit.split(" ", 1)[1]))
    authority = nfc(f"Công an {kind} {uname}")
    # household
    head_sex = "Nam" if rng.random() < 0.7 else "Nữ"
    head_dob = rand_date(rng, date(1950, 1, 1), date(1992, 12, 31))
    fam_sur = wchoice(rng, SURNAMES)
    members = [dict(full_name=person_name(rng, head_sex, fam_sur), dob=head_dob, sex=head_sex, rel="Chủ hộ")]
    n = rng.choice([1, 2, 3, 3, 4, 4, 5, 5])
    if n >= 2:
        sp_sex = "Nữ" if head_sex == "Nam" else "Nam"
        sp_dob = rand_date(rng, add_years(head_dob, -6), min(add_years(head_dob, 5), date(1995, 1, 1)))
        members.append(dict(full_name=person_name(rng, sp_sex), dob=sp_dob, sex=sp_sex,
                            rel="Vợ" if sp_sex == "Nữ" else "Chồng"))
    while len(members) < n:
        if rng.random() < 0.15 and not any(m["rel"] in ("Mẹ", "Bố") for m in members):
            s = rng.choice(["Nam", "Nữ"])
            d = rand_date(rng, add_years(head_dob, -35), add_years(head_dob, -20))
            members.append(dict(full_name=person_name(rng, s), dob=d, sex=s, rel="Mẹ" if s == "Nữ" else "Bố"))
            continue
        s = rng.choice(["Nam", "Nữ"])
        lo, hi = add_years(head_dob, 20), min(add_years(head_dob, 40), issue - timedelta(days=30))
        if lo >= hi:
            break
        d = rand_date(rng, lo, hi)
        sur = fam_sur if head_sex == "Nam" else (members[1]["full_name"].split()[0] if len(members) > 1 else fam_sur)
        members.append(dict(full_name=person_name(rng, s, sur), dob=d, sex=s, rel=rng.choice(["Con", "Con", "Con đẻ"])))
    kids = sorted([m for m in members if m["rel"].startswith("Con")], key=lambda m: m["dob"])
    members = [m for m in members if not m["rel"].startswith("Con")] + kids
    for m in members:
        m["id"] = id_for(rng, m["dob"], m["sex"])
    subj = rng.choice(members)
    temp = address(rng, new)[0] if rng.random() < 0.25 else ""
    cur = home if rng.random() < 0.7 or not temp else temp
    F = {
        "full_name": subj["full_name"], "date_of_birth": subj["dob"].isoformat(), "sex": subj["sex"],
        "id_number": subj["id"], "permanent_residence": home,
    }
    if temp:
        F["temporary_residence"] = temp
    F.update({
        "current_residence": cur,
        "household_head_name": members[0]["full_name"],
        "relation_to_head": subj["rel"],
        "household_head_id_number": members[0]["id"],
        "household_members": [dict(full_name=m["full_name"], date_of_birth=m["dob"].isoformat(), sex=m["sex"],
                                   id_number=m["id"], relation_to_head=m["rel"]) for m in members],
        "issuing_authority": authority,
        "issue_date": issue.isoformat(),
    })
    X = dict(top=top, unit_line="CÔNG AN " + unit.upper(), place=place, issue=issue, subj=subj, members=members,
             temp=temp, kind=kind, uname=uname)
    return F, X


def layout_ct07(rng, F, X):
    def draw(r, k):
        st = Style(r, serif_bias=0.85)
        st.size = min(st.size, 12.2)
        for _ in range(k):
            st.shrink()
        cv, W, H, ml, mr, mt = new_page(r)
        x1 = W - mr
        # form tag in the top right corner
        tag = r.random()
        if tag < 0.6:
            cv.text(x1, mt - 8, "Mẫu CT07", st.bf, st.size * 0.85, align="r")
            if r.random() < 0.5:
                cv.text(x1, mt + st.size * 0.2, "(Ban hành kèm theo Thông tư số 66/2023/TT-BCA", st.itf,
                        st.size * 0.7, align="r")
                cv.text(x1, mt + st.size * 1.1, "ngày 17/11/2023 của Bộ trưởng Bộ Công an)", st.itf,
                        st.size * 0.7, align="r")
        y = mt + st.size * (2.6 if tag < 0.6 else 1.0)
        extra = [f"Số: {r.randint(10, 9999)}/XN-{r.choice(['CA', 'CAP', 'CAX', 'CT'])}"] if r.random() < 0.5 else []
        y = header_block(cv, st, r, [X["top"], X["unit_line"]], extra, W, ml, mr, y)
        if tag >= 0.6:
            cv.text(W / 2, y, "Mẫu CT07", st.itf, st.size * 0.8, align="c")
            y += st.size
        tsize = st.size * r.uniform(1.2, 1.45)
        y += st.size * r.uniform(0.6, 1.4)
        cv.text(W / 2, y + tsize * 0.5, "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", st.bf, tsize, align="c")
        y += tsize * 0.5 + st.size * 2.2
        f = Flow(cv, st, ml, x1, y)
        auth = F["issuing_authority"]
        intro = f"{auth} xác nhận thông tin về cư trú của công dân như sau:"
        if r.random() < 0.6:
            for j, ln in enumerate(wrap_words(intro, x1 - ml - 24, x1 - ml, st.lf, st.size)):
                cv.text(ml + (24 if j == 0 else 0), f.y, ln, st.lf, st.size)  # first-line indent
                f.nl()
        numbered = r.random() < 0.7
        num = (lambda i: f"{i}. ") if numbered else (lambda i: "")
        subj = X["subj"]
        items = [("Họ, chữ đệm và tên:", F["full_name"]), ("Ngày, tháng, năm sinh:", dmy(subj["dob"])),
                 ("Giới tính:", F["sex"]), ("Số định danh cá nhân:", F["id_number"]),
                 ("Nơi thường trú:", F["permanent_residence"]),
                 ("Nơi tạm trú:", X["temp"] or r.choice(["", "Không", ""])),
                 ("Nơi ở hiện tại:", F["current_residence"]),
                 ("Họ, chữ đệm và tên chủ hộ:", F["household_head_name"]),
                 ("Quan hệ với chủ hộ:", F["relation_to_head"]),
                 ("Số định danh cá nhân của chủ hộ:", F["household_head_id_number"])]
        bold = fam(st.family, "b")
        pair_23 = r.random() < 0.35
        i = 0
        while i < len(items):
            lab, val = items[i]
            if pair_23 and i == 1:
                f.row([(num(2) + items[1][0], items[1][1]), (num(3) + items[2][0], items[2][1])], [0.6, 0.4])
                i += 2
                continue
            f.field(num(i + 1) + lab, val, vfont=bold if i in (0, 7) and r.random() < 0.6 else None)
            i += 1
        f.nl(0.3)
        cv.text(ml, f.y, (num(11) if numbered else "") + r.choice(
            ["Thông tin thành viên trong hộ gia đình:", "Thông tin về các thành viên trong hộ gia đình:"]), st.lf,
            st.size)
        f.nl(0.6)
        tsz = st.size * r.uniform(0.82, 0.95)
        head = ["TT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số định danh cá nhân",
                "Quan hệ với chủ hộ"]
        span = x1 - ml
        base = [measure("TT", bold, tsz) + 10, measure("NGUYỄN THỊ THANH HƯƠNG", st.lf, tsz) + 8,
                measure("00/00/0000", st.lf, tsz) + 12, measure("Giới tính", bold, tsz) + 8,
                measure("000000000000", st.lf, tsz) + 12, measure("Con dâu", st.lf, tsz) + 24]
        extra_w = max(0.0, span - sum(base))
        widths = [b + extra_w * w for b, w in zip(base, [0.0, 0.4, 0.15, 0.05, 0.15, 0.25])]
        rows = [[str(j + 1), m["full_name"], dmy(m["dob"]), m["sex"], m["id"], m["rel"]]
                for j, m in enumerate(X["members"])]
        y = draw_table(cv, st, ml, f.y, widths, head, rows, tsz, fam(st.family, "b"), st.lf,
                       ruled=r.choice(["grid", "grid", "grid", "rows"]), aligns=["c", "l", "c", "c", "c", "l"],
                       pad=r.uniform(2.5, 5))
        y += st.size * 1.2
        if r.random() < 0.6:
            for ln in wrap_words("Giấy xác nhận này có giá trị 30 ngày kể từ ngày cấp.", x1 - ml, x1 - ml, st.itf,
                                 st.size * 0.9):
                cv.text(ml, y, ln, st.itf, st.size * 0.9)
                y += st.lh
        cx = x1 - r.uniform(95, 125)
        signer = r.choice(["Thiếu tá", "Trung tá", "Thượng tá", "Đại úy"]) + " " + person_name(r, "Nam").title()
        title = r.choice([["TRƯỞNG CÔNG AN " + X["kind"].upper()], ["KT. TRƯỞNG CÔNG AN " + X["kind"].upper(),
                                                                  "PHÓ TRƯỞNG CÔNG AN " + X["kind"].upper()]])
        stamp = ("CÔNG AN " + X["kind"].upper() + " " + X["uname"].upper(), X["place"].upper())
        bottom = signature_block(cv, st, r, cx, y, title, None, signer, stamp,
                                 date_line(X["place"], X["issue"], r.choice([0, 0, 1])))
        return cv, bottom
    return fit_layout(rng, draw)


# ---------------------------------------------------------------------------
# ID cards (CCCD 2021 and Căn cước 2024)
# ---------------------------------------------------------------------------
CW, CH = 85.6 / 25.4 * 72, 54.0 / 25.4 * 72
PERSONAL_ID = ["Sẹo chấm C:1cm trên sau đầu mày trái", "Nốt ruồi C:2cm dưới trước cánh mũi phải",
               "Nốt ruồi C:1,5cm trên sau mép trái", "Sẹo chấm C:2cm dưới trước đuôi mắt phải",
               "Nốt ruồi cách 3cm trên sau đuôi mắt trái", "Sẹo chấm cách 1cm dưới cằm",
               "Nốt ruồi C:0,5cm dưới sau cánh mũi trái", "Sẹo dài 2cm trên trán bên phải"]


def card_expiry(dob, issue, variant):
    ages = (25, 40, 60) if variant == "cccd_2021" else (14, 25, 40, 60)
    for a in ages:
        if issue < add_years(dob, a - 2):
            return add_years(dob, a)
    return None


def gen_card(rng, variant):
    if variant == "cccd_2021":
        issue = rand_date(rng, date(2021, 1, 15), date(2024, 6, 30))
    else:
        issue = rand_date(rng, date(2024, 7, 1), date(2026, 3, 31))
    if rng.random() < 0.2:
        dob = rand_date(rng, date(1945, 1, 1), add_years(issue, -59))
    else:
        dob = rand_date(rng, date(1962, 1, 1), add_years(issue, -15))
    sex = rng.choice(["Nam", "Nữ"])
    new = issue >= NEW_UNITS_START
    name = person_name(rng, sex)
    residence = address(rng, new)[0]
    expiry = card_expiry(dob, issue, variant)
    F = {"id_number": None, "full_name": name, "date_of_birth": dob.isoformat(), "sex": sex,
         "nationality": "Việt Nam"}
    if variant == "cccd_2021":
        origin, code = address(rng, False, with_street=False)
        if rng.random() < 0.3:
            code = rng.choice(ALL_CODES)
        F["place_of_origin"] = origin
        F["place_of_residence"] = residence
    else:
        pob, code = address(rng, new and rng.random() < 0.3, with_street=False)
        F["place_of_residence"] = residence
        F["place_of_birth_registration"] = pob
    F["id_number"] = make_id(rng, code, dob, sex)
    F["expiry_date"] = expiry.isoformat() if expiry else None
    if expiry is None:
        F["expiry_no_expiry"] = True
    F["issue_date"] = issue.isoformat()
    if variant == "cccd_2021":
        F["personal_identification"] = rng.choice(PERSONAL_ID)
    old_id = f"{rng.randint(0, 399999999):09d}" if rng.random() < 0.5 else ""
    payload = "|".join([F["id_number"], old_id, name, dob.strftime("%d%m%Y"), sex, residence,
                        issue.strftime("%d%m%Y")]) + ("||" if rng.random() < 0.15 else "")
    X = dict(variant=variant, dob=dob, issue=issue, expiry=expiry, qr=payload, style_seed=rng.getrandbits(32),
             mrz=td1_mrz(F["id_number"], dob, sex, expiry, name))
    return F, X


class CardStyle(FamilyFaces):
    def __init__(self, rng, k=0):
        self.family = rng.choice(["LiberationSans", "NotoSans", "DejaVuSansCondensed", "FreeSans", "NotoSansDisplay",
                                  "LiberationSans"])
        self.vfamily = self.family if rng.random() < 0.6 else rng.choice(SANS_FAMILIES + ["LiberationSerif"])
        shrink = 0.94 ** k
        self.ls = rng.uniform(4.3, 5.1) * shrink            # label size
        self.vs = rng.uniform(6.0, 7.0) * shrink            # value size
        self.lcol = rng.choice([(30, 30, 30), (40, 45, 60), (20, 20, 20)])
        self.vcol = rng.choice([(0, 0, 0), (15, 15, 15)])
        self.under = rng.random() < 0.5                     # values under labels (else after)
        self.mono = rng.choice(MONO_FONTS)

    @property
    def vf(self):
        return fam(self.vfamily, "b")


def card_field(cv, cs, x, y, x_end, label, value, under=None, vsize=None, vfont=None):
    """Label then value (after it, or on the next line); returns next baseline."""
    under = cs.under if under is None else under
    vsize = vsize or cs.vs
    vfont = vfont or cs.vf
    lh = vsize * 1.22
    lw = cv.text(x, y, label, cs.lf, cs.ls, color=cs.lcol)
    if under or not value:
        y += lh
        first = x_end - x
        cur = x
    else:
        cur = x + lw + 2.5
        first = x_end - cur
    lines = wrap_words(value, first, x_end - x, vfont, vsize)
    for i, ln in enumerate(lines):
        if i > 0:
            y += lh
            cur = x
        cv.text(cur, y, ln, vfont, vsize, color=cs.vcol)
    return y + lh * 1.05


def card_header(cv, cs, cx, title, sub, tsize):
    cv.text(cx, 12.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", cs.bf, 5.5, align="c")
    cv.text(cx, 18.8, "Độc lập - Tự do - Hạnh phúc", cs.bf, 5.1, align="c")
    cv.text(cx, 24.3, "SOCIALIST REPUBLIC OF VIET NAM", cs.lf, 4.2, align="c")
    cv.text(cx, 29.3, "Independence - Freedom - Happiness", cs.lf, 4.2, align="c")
    cv.text(cx, 31 + tsize * 1.05, title, cs.bf, tsize, color=RED, align="c")
    cv.text(cx, 31 + tsize * 1.05 + 6.3, sub, cs.bf, 5.0, color=(30, 30, 90), align="c")


def card_base(cv, r, variant):
    cv.image(0, 0, CW, CH, card_background(r, variant))
    cv.rect(0, 0, CW, CH, stroke=(160, 170, 175), fill=None, w=0.35, r=CW * 0.04)


def draw_mrz(cv, cs, lines, r):
    size = 8.0
    w = measure("<" * 30, cs.mono, size)
    size *= (CW - 16) / w
    y0 = CH - 8 - size * 1.15 * 2
    for i, ln in enumerate(lines):
        cv.text(8 + r.uniform(-0.5, 0.5), y0 + i * size * 1.15, ln, cs.mono, size, color=(10, 10, 10))


def front_2021(cv, F, X, r, k):
    cs = CardStyle(random.Random(X['style_seed']), k)
    card_base(cv, r, "cccd_2021")
    cv.image(7, 6, 36, 35, emblem())
    card_header(cv, cs, 118, "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card", 8.6)
    cv.image(195, 4, 239, 48, qr_image(X["qr"]), nearest=True)
    sex = F["sex"]
    cv.image(9, 52, 57, 116, portrait(r, sex))
    exp = dmy(X["expiry"]) if X["expiry"] else "Không thời hạn"
    cv.text(7, 125, "Có giá trị đến:", cs.lf, cs.ls * 0.92, color=cs.lcol)
    cv.text(7, 130.5, "Date of expiry", cs.lf, cs.ls * 0.85, color=cs.lcol)
    cv.text(7, 138.5, exp, cs.vf, cs.vs * 0.85, color=cs.vcol)
    x0, xe = 63, CW - 5
    y = 60
    lw = cv.text(x0, y, "Số / No.:", cs.lf, cs.ls, color=cs.lcol)
    cv.text(x0 + lw + 6, y + 0.5, F["id_number"], cs.vf, cs.vs * 1.4, color=(0, 0, 0))
    y += cs.vs * 1.7
    y = card_field(cv, cs, x0, y, xe, "Họ và tên / Full name:", F["full_name"], under=cs.under or r.random() < 0.6,
                   vsize=cs.vs * 1.12)
    y = card_field(cv, cs, x0, y, xe, "Ngày sinh / Date of birth:", dmy(X["dob"]), under=False)
    if r.random() < 0.7:
        lw = cv.text(x0, y, "Giới tính / Sex:", cs.lf, cs.ls, color=cs.lcol)
        cv.text(x0 + lw + 2.5, y, sex, cs.vf, cs.vs, color=cs.vcol)
        xn = x0 + max(lw + 22, 62)
        lw2 = cv.text(xn, y, "Quốc tịch / Nationality:", cs.lf, cs.ls, color=cs.lcol)
        cv.text(xn + lw2 + 2.5, y, F["nationality"], cs.vf, cs.vs, color=cs.vcol)
        y += cs.vs * 1.3
    else:
        y = card_field(cv, cs, x0, y, xe, "Giới tính / Sex:", sex, under=False)
        y = card_field(cv, cs, x0, y, xe, "Quốc tịch / Nationality:", F["nationality"], under=False)
    y = card_field(cv, cs, x0, y, xe, "Quê quán / Place of origin:", F["place_of_origin"])
    y = card_field(cv, cs, x0, y, xe, "Nơi thường trú / Place of residence:", F["place_of_residence"],
                   under=r.random() < 0.3)
    return y - cs.vs * 1.3


def back_2021(cv, F, X, r, k):
    cs = CardStyle(random.Random(X['style_seed']), k)
    card_base(cv, r, "cccd_2021")
    x0, xe = 8, 150
    y = 14
    y = card_field(cv, cs, x0, y, xe, "Đặc điểm nhân dạng / Personal identification:", F["personal_identification"],
                   under=True, vsize=cs.vs * 0.9)
    y = card_field(cv, cs, x0, y, xe, "Ngày, tháng, năm / Date, month, year:", dmy(X["issue"]), under=False,
                   vsize=cs.vs * 0.9)
    cx = 76
    cv.text(cx, y + 1, "CỤC TRƯỞNG CỤC CẢNH SÁT", cs.bf, 4.8, align="c")
    cv.text(cx, y + 6.5, "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", cs.bf, 4.8, align="c")
    cv.text(cx, y + 11.2, "DIRECTOR GENERAL OF THE POLICE DEPARTMENT", cs.lf, 3.3, align="c")
    cv.text(cx, y + 15.2, "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER", cs.lf, 3.3, align="c")
    sy = y + 17
    cv.image(cx - 22, sy, cx + 34, sy + 22, signature(r))
    cv.image(cx - 34, sy - 2, cx - 4, sy + 28, round_stamp(r, "CỤC CẢNH SÁT QLHC VỀ TTXH", "BỘ CÔNG AN"))
    cv.text(cx + 6, sy + 29, person_name(r, "Nam").title(), cs.bf, 5.4, align="c")
    for i, (vi, en) in enumerate((("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger"))):
        bx = 158 + i * 41
        cv.rect(bx, 8, bx + 37, 58, stroke=(120, 120, 120), fill=(250, 250, 250), w=0.4, r=2)
        cv.image(bx + 4, 12, bx + 33, 54, fingerprint(r))
        cv.text(bx + 18.5, 64, vi, cs.lf, 3.7, align="c")
        cv.text(bx + 18.5, 68.5, en, cs.lf, 3.3, align="c")
    cv.image(202, 74, 232, 98, chip())
    draw_mrz(cv, cs, X["mrz"], r)
    mrz_top = CH - 8 - 8.0 * 1.15 * 2 - 9
    return max(sy + 29, y) + (CH - 4 - mrz_top)  # ok while the upper block stays above the MRZ


def front_2024(cv, F, X, r, k):
    cs = CardStyle(random.Random(X['style_seed']), k)
    card_base(cv, r, "can_cuoc_2024")
    cv.image(7, 6, 36, 35, emblem())
    card_header(cv, cs, 122, "CĂN CƯỚC", "IDENTITY CARD", 10.5)
    cv.image(203, 8, 235, 33, chip())
    sex = F["sex"]
    cv.image(9, 54, 57, 118, portrait(r, sex))
    x0, xe = 64, CW - 5
    y = 60
    cv.text(x0, y, "Số định danh cá nhân / Personal identification number", cs.lf, cs.ls, color=cs.lcol)
    y += cs.vs * 1.75
    cv.text(x0 + r.choice([0, 10, 20]), y, F["id_number"], cs.vf, cs.vs * 1.5, color=(0, 0, 0))
    y += cs.vs * 1.45
    y = card_field(cv, cs, x0, y, xe, "Họ, chữ đệm và tên khai sinh / Full name", F["full_name"], under=True,
                   vsize=cs.vs * 1.12)
    y = card_field(cv, cs, x0, y, xe, "Ngày, tháng, năm sinh / Date of birth" + ("" if cs.under else ":"),
                   dmy(X["dob"]))
    if r.random() < 0.6:
        lw = cv.text(x0, y, "Giới tính / Sex:", cs.lf, cs.ls, color=cs.lcol)
        cv.text(x0 + lw + 2.5, y, sex, cs.vf, cs.vs, color=cs.vcol)
        xn = x0 + max(lw + 22, 60)
        lw2 = cv.text(xn, y, "Quốc tịch / Nationality:", cs.lf, cs.ls, color=cs.lcol)
        cv.text(xn + lw2 + 2.5, y, F["nationality"], cs.vf, cs.vs, color=cs.vcol)
        y += cs.vs * 1.3
    else:
        y = card_field(cv, cs, x0, y, xe, "Giới tính / Sex:", sex, under=False)
        y = card_field(cv, cs, x0, y, xe, "Quốc tịch / Nationality:", F["nationality"], under=False)
    return y - cs.vs * 1.3


def back_2024(cv, F, X, r, k):
    cs = CardStyle(random.Random(X['style_seed']), k)
    card_base(cv, r, "can_cuoc_2024")
    cv.image(5, 5, 55, 55, qr_image(X["qr"]), nearest=True)
    cv.text(30, 64, "BỘ CÔNG AN", cs.bf, 5.0, align="c", color=(150, 20, 20))
    cv.text(30, 69.5, "MINISTRY OF PUBLIC SECURITY", cs.lf, 3.2, align="c")
    x0, xe = 60, CW - 6
    y = 13
    vs = cs.vs * 0.92
    y = card_field(cv, cs, x0, y, xe, "Nơi cư trú / Place of residence" + ("" if cs.under else ":"),
                   F["place_of_residence"], vsize=vs)
    y = card_field(cv, cs, x0, y, xe, "Nơi đăng ký khai sinh / Place of birth" + ("" if cs.under else ":"),
                   F["place_of_birth_registration"], vsize=vs)
    y = card_field(cv, cs, x0, y, xe, "Ngày, tháng, năm cấp / Date of issue:", dmy(X["issue"]), under=False, vsize=vs)
    exp = dmy(X["expiry"]) if X["expiry"] else "Không thời hạn"
    y = card_field(cv, cs, x0, y, xe, "Ngày, tháng, năm hết hạn / Date of expiry:", exp, under=False, vsize=vs)
    draw_mrz(cv, cs, X["mrz"], r)
    mrz_top = CH - 8 - 8.0 * 1.15 * 2 - 9
    return y - vs * 1.3 + (CH - 4 - mrz_top)


def draw_card_side(cv, fn, F, X, seed):
    """Draw one side, shrinking the type until it fits the card."""
    for k in range(10):
        tmp = Canvas(CW, CH)
        if fn(tmp, F, X, random.Random(seed), k) <= CH - 4:
            break
    fn(cv, F, X, random.Random(seed), k)


def card_sides(X):
    return (front_2021, back_2021) if X["variant"] == "cccd_2021" else (front_2024, back_2024)


COPY_NOTE = ["CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH", "SAO Y BẢN CHÍNH"]


def layout_card_page(rng, F, X):
    """Both sides of the card on one A4 page (photocopy / scan layout)."""
    landscape = rng.random() < 0.2
    cv, W, H, ml, mr, mt = new_page(rng, landscape)
    s = rng.uniform(1.0, 1.18)
    cw, ch = CW * s, CH * s
    side_by_side = landscape or (rng.random() < 0.3 and 2 * cw + 20 < W - ml - mr)
    if side_by_side:
        gap = rng.uniform(12, 40)
        x_a = rng.uniform(ml, max(ml, W - mr - 2 * cw - gap))
        pos = [(x_a, mt + rng.uniform(10, 120)), (x_a + cw + gap, mt + rng.uniform(10, 120))]
    else:
        x_a = rng.uniform(ml, W - mr - cw) if rng.random() < 0.5 else (W - cw) / 2
        y_a = mt + rng.uniform(10, 150)
        pos = [(x_a + rng.uniform(-10, 10), y_a), (x_a + rng.uniform(-10, 10), y_a + ch + rng.uniform(18, 90))]
    fns = card_sides(X)
    st = Style(rng)
    captions = rng.random() < 0.25
    for (x, y), fn, cap in zip(pos, fns, ("Mặt trước", "Mặt sau")):
        if captions:
            cv.text(x, y - 6, cap, st.itf, 9)
        draw_card_side(cv.view(x, y, s), fn, F, X, rng.getrandbits(32))
    bottom = max(p[1] for p in pos) + ch
    if rng.random() < 0.3 and bottom + 140 < H:
        # notarised-copy attestation box, a realistic distractor with its own numbers and date
        y = bottom + rng.uniform(20, 50)
        x = rng.uniform(ml, W - mr - 260)
        cv.rect(x, y, x + 250, y + 118, stroke=(170, 30, 40), w=1.0)
        col = (170, 30, 40)
        cv.text(x + 125, y + 14, rng.choice(COPY_NOTE), st.bf, 8.5, color=col, align="c")
        d = X["issue"] + timedelta(days=rng.randint(30, 500))
        cv.text(x + 8, y + 30, f"Số chứng thực: {rng.randint(100, 9999)}  Quyển số: {rng.randint(1, 9):02d}/{d.year}-SCT/BS",
                st.lf, 7.5, color=col)
        cv.text(x + 8, y + 42, f"Ngày {d.day:02d} tháng {d.month:02d} năm {d.year}", st.lf, 7.5, color=col)
        cv.image(x + 20, y + 48, x + 90, y + 118, round_stamp(rng, "ỦY BAN NHÂN DÂN " + pick_new_unit(rng)[0].upper(), ""))
        cv.image(x + 110, y + 60, x + 220, y + 100, signature(rng))
    return cv


# ---------------------------------------------------------------------------
# Capture conditions
# ---------------------------------------------------------------------------
CONDITIONS = ["clean_scan", "noisy_scan", "phone_photo", "digital_pdf", "image_pdf"]
DOC_TYPES = ["birth_certificate", "marriage_certificate", "residence_confirmation", "id_card"]


def as_f32(img):
    return np.asarray(img.convert("RGB")).astype(np.float32)


def to_img(arr, gray=False):
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return im.convert("L") if gray else im


def low_freq(nr, h, w, cells=6, lo=0.85, hi=1.0):
    small = nr.random((cells, cells)).astype(np.float32)
    f = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    f = (f - f.min()) / max(1e-6, f.max() - f.min())
    return lo + (hi - lo) * f


def scan_bed(arr, nr, angle, pad_frac, bed):
    """Place the page on a slightly larger scanner bed and rotate it."""
    h, w = arr.shape[:2]
    p = int(max(h, w) * pad_frac)
    out = np.empty((h + 2 * p, w + 2 * p, 3), np.float32)
    out[:] = bed
    out[p:p + h, p:p + w] = arr
    M = cv2.getRotationMatrix2D((out.shape[1] / 2, out.shape[0] / 2), angle, 1.0)
    return cv2.warpAffine(out, M, (out.shape[1], out.shape[0]), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=tuple(float(b) for b in bed))


def fold_line(arr, nr):
    h, w = arr.shape[:2]
    horizontal = nr.random() < 0.7
    n = h if horizontal else w
    pos = int(n * nr.uniform(0.35, 0.65))
    idx = np.arange(n, dtype=np.float32)
    width = nr.uniform(2.0, 5.0)
    dark = 1.0 - nr.uniform(0.06, 0.16) * np.exp(-((idx - pos) / width) ** 2)
    light = 1.0 + 0.05 * np.exp(-((idx - pos - 3 * width) / (2 * width)) ** 2)
    prof = dark * light
    return arr * (prof[:, None, None] if horizontal else prof[None, :, None])


def speckle(arr, nr, density):
    h, w = arr.shape[:2]
    n = int(h * w * density)
    ys, xs = nr.integers(0, h, n), nr.integers(0, w, n)
    arr[ys, xs] = nr.uniform(0, 90, (n, 1))
    big = n // 40
    for y, x in zip(nr.integers(0, h, big), nr.integers(0, w, big)):
        cv2.circle(arr, (int(x), int(y)), int(nr.integers(1, 3)), (40.0, 40.0, 40.0), -1)
    # toner drop-outs
    m = nr.random((h, w)) < density * 0.6
    arr[m] = np.maximum(arr[m], 200)
    return arr


def clean_scan(img, nr, gray):
    arr = as_f32(img)
    arr = scan_bed(arr, nr, nr.uniform(-1.5, 1.5), nr.uniform(0.0, 0.02), np.array([250, 250, 250], np.float32))
    arr = cv2.GaussianBlur(arr, (0, 0), nr.uniform(0.3, 0.6))
    arr += nr.normal(0, 2.0, arr.shape).astype(np.float32)
    return to_img(arr, gray)


def noisy_scan(img, nr, gray):
    arr = as_f32(img)
    tint = np.array([nr.uniform(240, 252), nr.uniform(236, 248), nr.uniform(222, 240)], np.float32) / 255
    arr *= tint
    h, w = arr.shape[:2]
    arr *= low_freq(nr, h, w, 5, nr.uniform(0.78, 0.9), 1.0)[..., None]
    arr = fold_line(arr, nr)
    bed = np.array([nr.uniform(30, 90)] * 3, np.float32) if nr.random() < 0.4 else np.array([245, 245, 245], np.float32)
    arr = scan_bed(arr, nr, nr.uniform(-3, 3), nr.uniform(0.005, 0.03), bed)
    arr = cv2.GaussianBlur(arr, (0, 0), nr.uniform(0.6, 1.25))
    arr = speckle(arr, nr, nr.uniform(0.0003, 0.0015))
    arr += nr.normal(0, nr.uniform(4, 9), arr.shape).astype(np.float32)
    if nr.random() < 0.5:  # photocopier contrast
        arr = (arr - 128) * nr.uniform(1.05, 1.3) + 128 + nr.uniform(-5, 10)
    return to_img(arr, gray)


def background(nr, w, h):
    kind = nr.choice(["wood", "wood", "dark", "desk", "granite"])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array([nr.uniform(120, 170), nr.uniform(75, 110), nr.uniform(40, 65)], np.float32)
        ang = nr.uniform(0, np.pi)
        u = xx * np.cos(ang) + yy * np.sin(ang)
        v = -xx * np.sin(ang) + yy * np.cos(ang)
        warp = low_freq(nr, h, w, 4, -40, 40)
        grain = np.sin((u + warp * 3) / nr.uniform(6, 14)) * 0.5 + np.sin((u + v * 0.05) / 41.0) * 0.5
        planks = (np.floor(v / nr.uniform(250, 450)) % 2) * nr.uniform(-18, 18)
        bg = base[None, None, :] * (1 + 0.12 * grain[..., None]) + planks[..., None]
    elif kind == "dark":
        base = np.array([nr.uniform(20, 45)] * 3, np.float32) + nr.uniform(-6, 6, 3).astype(np.float32)
        bg = base[None, None, :] + nr.normal(0, 6, (h, w, 1)).astype(np.float32)
    elif kind == "desk":
        base = np.array([nr.uniform(150, 200)] * 3, np.float32) + nr.uniform(-10, 10, 3).astype(np.float32)
        bg = base[None, None, :] + nr.normal(0, 3, (h, w, 1)).astype(np.float32)
    else:
        base = np.array([nr.uniform(90, 140)] * 3, np.float32)
        spots = cv2.GaussianBlur(nr.normal(0, 25, (h, w)).astype(np.float32), (0, 0), 1.5)
        bg = base[None, None, :] + spots[..., None]
    bg *= low_freq(nr, h, w, 3, 0.8, 1.05)[..., None]
    return np.clip(bg, 0, 255).astype(np.float32)


def photo_of(src, nr, out_w, out_h, fill=(0.62, 0.86), max_rot=8.0):
    """Perspective photo of an RGBA or RGB image lying on a surface."""
    src = src.convert("RGBA")
    sa = np.asarray(src).astype(np.float32)
    h, w = sa.shape[:2]
    bg = background(nr, out_w, out_h)
    scale = min(out_w / w, out_h / h) * nr.uniform(*fill)
    cw, ch = w * scale, h * scale
    cx, cy = out_w / 2 + nr.uniform(-0.06, 0.06) * out_w, out_h / 2 + nr.uniform(-0.06, 0.06) * out_h
    a = math.radians(nr.uniform(-max_rot, max_rot))
    corners = np.array([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]], np.float32)
    R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    dst = corners @ R.T + np.array([cx, cy], np.float32)
    # perspective: shrink the far edge, jitter corners
    far = nr.uniform(0.0, 0.12)
    edge = nr.integers(0, 4)
    i0, i1 = edge, (edge + 1) % 4
    mid = (dst[i0] + dst[i1]) / 2
    dst[i0] = dst[i0] + (mid - dst[i0]) * far
    dst[i1] = dst[i1] + (mid - dst[i1]) * far
    dst += nr.uniform(-0.02, 0.02, dst.shape).astype(np.float32) * min(out_w, out_h)
    srcq = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    M = cv2.getPerspectiveTransform(srcq, dst.astype(np.float32))
    warped = cv2.warpPerspective(sa, M, (out_w, out_h), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))
    alpha = warped[..., 3:4] / 255.0
    # contact shadow
    sh = cv2.GaussianBlur(alpha[..., 0], (0, 0), out_w * 0.01)
    sh = np.roll(np.roll(sh, int(out_w * 0.006), 1), int(out_h * 0.008), 0)
    out = bg * (1 - 0.45 * sh[..., None])
    out = out * (1 - alpha) + warped[..., :3] * alpha
    # lighting: directional gradient, vignette, colour cast, optional soft shadow
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    g = nr.uniform(0, 2 * np.pi)
    t = ((xx - out_w / 2) * np.cos(g) + (yy - out_h / 2) * np.sin(g)) / max(out_w, out_h)
    light = 1.0 + t * nr.uniform(0.25, 0.6)
    r2 = ((xx - out_w / 2) / out_w) ** 2 + ((yy - out_h / 2) / out_h) ** 2
    light *= 1.0 - nr.uniform(0.1, 0.35) * r2 * 2
    if nr.random() < 0.4:
        sx, sy = nr.uniform(0, out_w), nr.uniform(0, out_h)
        blob = np.exp(-(((xx - sx) / (out_w * 0.3)) ** 2 + ((yy - sy) / (out_h * 0.25)) ** 2))
        light *= 1 - nr.uniform(0.15, 0.35) * blob
    cast = np.array([nr.uniform(0.95, 1.05), nr.uniform(0.95, 1.02), nr.uniform(0.82, 0.98)], np.float32)
    out = out * light[..., None] * cast * nr.uniform(0.9, 1.08)
    out = cv2.GaussianBlur(out, (0, 0), nr.uniform(0.5, 1.2))
    out += nr.normal(0, nr.uniform(2.5, 6), out.shape).astype(np.float32)
    return to_img(out)


def save_jpeg(img, path, q):
    img.save(path, "JPEG", quality=int(q), subsampling=2 if q < 70 else 0)


# ---------------------------------------------------------------------------
# One item: generate data, lay out, capture, write truth
# ---------------------------------------------------------------------------
GENERATORS = {
    "birth_certificate": (gen_birth, layout_birth),
    "marriage_certificate": (gen_marriage, layout_marriage),
    "residence_confirmation": (gen_ct07, layout_ct07),
}


def card_side_canvases(F, X, rng):
    out = []
    for fn in card_sides(X):
        cv = Canvas(CW, CH)
        draw_card_side(cv, fn, F, X, rng.getrandbits(32))
        out.append(cv)
    return out


def render_item(idx, doc_type, cond, variant, out_dir, seed):
    rng = random.Random(seed * 1000003 + idx)
    nr = np.random.default_rng(rng.getrandbits(32))
    if doc_type == "id_card":
        F, X = gen_card(rng, variant)
    else:
        F, X = GENERATORS[doc_type][0](rng)
    stem = f"{idx:04d}_{doc_type}_{cond}"
    capture = {"dpi": None, "grayscale": False}
    is_card = doc_type == "id_card"
    if is_card and cond == "phone_photo" and rng.random() < 0.65:
        # two photos of the physical card (front, back) joined into one image
        shots = []
        for cv in card_side_canvases(F, X, rng):
            side = rasterize(cv, rng.uniform(470, 560), paper=None)
            shots.append(photo_of(side, nr, 1600, 1200, fill=(0.62, 0.88), max_rot=10))
        if rng.random() < 0.5:
            img = Image.new("RGB", (1600, 2400 + 8), (255, 255, 255))
            img.paste(shots[0], (0, 0))
            img.paste(shots[1], (0, 1208))
        else:
            img = Image.new("RGB", (3200 + 8, 1200), (255, 255, 255))
            img.paste(shots[0], (0, 0))
            img.paste(shots[1], (1608, 0))
        name = stem + ".jpg"
        save_jpeg(img, os.path.join(out_dir, name), rng.randint(72, 90))
        capture["layout"] = "card_photos_joined"
    else:
        cv = layout_card_page(rng, F, X) if is_card else GENERATORS[doc_type][1](rng, F, X)
        if cond == "digital_pdf":
            name = stem + ".pdf"
            write_pdf(cv, os.path.join(out_dir, name), title=doc_type)
        elif cond == "clean_scan":
            dpi = 300 if is_card else rng.choice([200, 240, 300])
            gray = rng.random() < 0.4
            img = clean_scan(rasterize(cv, dpi), nr, gray)
            capture.update(dpi=dpi, grayscale=gray)
            if rng.random() < 0.35:
                name = stem + ".png"
                img.save(os.path.join(out_dir, name), dpi=(dpi, dpi))
            else:
                name = stem + ".jpg"
                img.save(os.path.join(out_dir, name), "JPEG", quality=rng.randint(85, 95), dpi=(dpi, dpi))
        elif cond == "noisy_scan":
            dpi = 300 if is_card else rng.choice([200, 240, 300])
            gray = rng.random() < 0.6
            img = noisy_scan(rasterize(cv, dpi), nr, gray)
            capture.update(dpi=dpi, grayscale=gray)
            name = stem + ".jpg"
            img.save(os.path.join(out_dir, name), "JPEG", quality=rng.randint(35, 60), dpi=(dpi, dpi))
        elif cond == "image_pdf":
            dpi = 300 if is_card else rng.choice([150, 200, 300])
            gray = rng.random() < 0.5
            page = rasterize(cv, dpi)
            img = noisy_scan(page, nr, gray) if rng.random() < 0.3 else clean_scan(page, nr, gray)
            capture.update(dpi=dpi, grayscale=gray)
            name = stem + ".pdf"
            img.save(os.path.join(out_dir, name), "PDF", resolution=float(dpi))
        else:  # phone_photo of a page
            dpi = rng.uniform(240, 280) if is_card else rng.uniform(170, 220)
            page = rasterize(cv, dpi)
            fill = (0.62, 0.86)
            if is_card and rng.random() < 0.7:
                # photo of just the part of the photocopy that holds the card images
                a = np.asarray(page.convert("L"))
                ys, xs = np.where(a < 235)
                m = int(0.05 * page.width)
                page = page.crop((max(0, xs.min() - m), max(0, ys.min() - m),
                                  min(page.width, xs.max() + m), min(page.height, ys.max() + m)))
                fill = (0.75, 0.92)
                capture["layout"] = "photocopy_detail_photo"
            long_side = rng.choice([2400, 2800, 3000])
            if page.width > page.height:
                ow, oh = long_side, long_side * 3 // 4
            else:
                ow, oh = long_side * 3 // 4, long_side
            img = photo_of(page, nr, ow, oh, fill=fill)
            name = stem + ".jpg"
            save_jpeg(img, os.path.join(out_dir, name), rng.randint(72, 90))
    truth = {
        "file": name,
        "condition": cond,
        "documents": [{
            "document_type": doc_type,
            "variant": variant if is_card else None,
            "pages": [1],
            "side": None,
            "fields": F,
        }],
        "pages": [],
        "capture": capture,
    }
    with open(os.path.join(out_dir, stem + ".truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)
    return name


def plan(count):
    """Spread items evenly over document types and conditions (and card variants)."""
    items = []
    for i in range(count):
        doc_type = DOC_TYPES[i % 4]
        cond = CONDITIONS[(i // 4) % 5]
        variant = ["cccd_2021", "can_cuoc_2024"][(i // 4) % 2] if doc_type == "id_card" else None
        items.append((i, doc_type, cond, variant))
    return items


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kind", default="core",
                    choices=["core", "marital", "unknown", "mixed", "id_sheet", "all"],
                    help="core: the four known types (this file); the others are drawn by render_more.py")
    a = ap.parse_args()
    if a.kind != "core":
        import render_more  # sibling module, imports this one
        render_more.run(a.kind, a.out, a.count, a.seed)
        return
    os.makedirs(a.out, exist_ok=True)
    for i, doc_type, cond, variant in plan(a.count):
        name = render_item(i, doc_type, cond, variant, a.out, a.seed)
        print(name, flush=True)


if __name__ == "__main__":
    main()
