"""Real Vietnamese administrative units and fictitious street addresses.

Two eras matter: documents issued before 1 July 2025 print three levels
(ward, district, province of the 63-province map); later documents print two
levels (ward/commune, province of the 34-province map).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

REORGANISATION_DATE = date(2025, 7, 1)
ADMIN_UNITS_JSON = Path(__file__).resolve().parents[2] / "extractors" / "data" / "admin_units.json"

# Birth-registration province codes (digits 1-3 of an id number), 63-province map.
PROVINCE_CODES: dict[str, str] = {
    "001": "Thành phố Hà Nội", "002": "Tỉnh Hà Giang", "004": "Tỉnh Cao Bằng", "006": "Tỉnh Bắc Kạn",
    "008": "Tỉnh Tuyên Quang", "010": "Tỉnh Lào Cai", "011": "Tỉnh Điện Biên", "012": "Tỉnh Lai Châu",
    "014": "Tỉnh Sơn La", "015": "Tỉnh Yên Bái", "017": "Tỉnh Hòa Bình", "019": "Tỉnh Thái Nguyên",
    "020": "Tỉnh Lạng Sơn", "022": "Tỉnh Quảng Ninh", "024": "Tỉnh Bắc Giang", "025": "Tỉnh Phú Thọ",
    "026": "Tỉnh Vĩnh Phúc", "027": "Tỉnh Bắc Ninh", "030": "Tỉnh Hải Dương", "031": "Thành phố Hải Phòng",
    "033": "Tỉnh Hưng Yên", "034": "Tỉnh Thái Bình", "035": "Tỉnh Hà Nam", "036": "Tỉnh Nam Định",
    "037": "Tỉnh Ninh Bình", "038": "Tỉnh Thanh Hóa", "040": "Tỉnh Nghệ An", "042": "Tỉnh Hà Tĩnh",
    "044": "Tỉnh Quảng Bình", "045": "Tỉnh Quảng Trị", "046": "Tỉnh Thừa Thiên Huế", "048": "Thành phố Đà Nẵng",
    "049": "Tỉnh Quảng Nam", "051": "Tỉnh Quảng Ngãi", "052": "Tỉnh Bình Định", "054": "Tỉnh Phú Yên",
    "056": "Tỉnh Khánh Hòa", "058": "Tỉnh Ninh Thuận", "060": "Tỉnh Bình Thuận", "062": "Tỉnh Kon Tum",
    "064": "Tỉnh Gia Lai", "066": "Tỉnh Đắk Lắk", "067": "Tỉnh Đắk Nông", "068": "Tỉnh Lâm Đồng",
    "070": "Tỉnh Bình Phước", "072": "Tỉnh Tây Ninh", "074": "Tỉnh Bình Dương", "075": "Tỉnh Đồng Nai",
    "077": "Tỉnh Bà Rịa - Vũng Tàu", "079": "Thành phố Hồ Chí Minh", "080": "Tỉnh Long An", "082": "Tỉnh Tiền Giang",
    "083": "Tỉnh Bến Tre", "084": "Tỉnh Trà Vinh", "086": "Tỉnh Vĩnh Long", "087": "Tỉnh Đồng Tháp",
    "089": "Tỉnh An Giang", "091": "Tỉnh Kiên Giang", "092": "Thành phố Cần Thơ", "093": "Tỉnh Hậu Giang",
    "094": "Tỉnh Sóc Trăng", "095": "Tỉnh Bạc Liêu", "096": "Tỉnh Cà Mau",
}

# Pre-2025 (ward, district) pairs for the provinces we generate births in.
OLD_UNITS: dict[str, list[tuple[str, str]]] = {
    "001": [("Phường Kim Mã", "Quận Ba Đình"), ("Phường Ngọc Khánh", "Quận Ba Đình"), ("Phường Hàng Bạc", "Quận Hoàn Kiếm"),
            ("Phường Láng Hạ", "Quận Đống Đa"), ("Phường Khương Thượng", "Quận Đống Đa"), ("Phường Dịch Vọng", "Quận Cầu Giấy"),
            ("Phường Trung Hòa", "Quận Cầu Giấy"), ("Phường Bạch Mai", "Quận Hai Bà Trưng"), ("Phường Thanh Xuân Bắc", "Quận Thanh Xuân"),
            ("Xã Kim Chung", "Huyện Đông Anh"), ("Phường Văn Quán", "Quận Hà Đông")],
    "031": [("Phường Máy Tơ", "Quận Ngô Quyền"), ("Phường Cát Dài", "Quận Lê Chân"), ("Phường Đằng Hải", "Quận Hải An"), ("Xã An Đồng", "Huyện An Dương")],
    "034": [("Phường Lê Hồng Phong", "Thành phố Thái Bình"), ("Xã Vũ Hội", "Huyện Vũ Thư"), ("Xã Đông Hợp", "Huyện Đông Hưng")],
    "036": [("Phường Vị Xuyên", "Thành phố Nam Định"), ("Xã Hải Thanh", "Huyện Hải Hậu"), ("Xã Giao Thiện", "Huyện Giao Thủy"), ("Xã Nghĩa Thái", "Huyện Nghĩa Hưng")],
    "038": [("Phường Điện Biên", "Thành phố Thanh Hóa"), ("Xã Hoằng Đạo", "Huyện Hoằng Hóa"), ("Phường Bắc Sơn", "Thành phố Sầm Sơn")],
    "040": [("Phường Hưng Bình", "Thành phố Vinh"), ("Phường Lê Mao", "Thành phố Vinh"), ("Xã Diễn Kỷ", "Huyện Diễn Châu"), ("Xã Nghi Phong", "Huyện Nghi Lộc")],
    "046": [("Phường Phú Hội", "Thành phố Huế"), ("Phường Vĩnh Ninh", "Thành phố Huế")],
    "048": [("Phường Hải Châu I", "Quận Hải Châu"), ("Phường Thạch Thang", "Quận Hải Châu"), ("Phường Thạc Gián", "Quận Thanh Khê"),
            ("Phường An Hải Bắc", "Quận Sơn Trà"), ("Phường Hòa Khánh Bắc", "Quận Liên Chiểu")],
    "052": [("Phường Lê Lợi", "Thành phố Quy Nhơn"), ("Xã Phước Lộc", "Huyện Tuy Phước")],
    "075": [("Phường Tân Phong", "Thành phố Biên Hòa"), ("Phường Quyết Thắng", "Thành phố Biên Hòa")],
    "079": [("Phường Bến Nghé", "Quận 1"), ("Phường Đa Kao", "Quận 1"), ("Phường Võ Thị Sáu", "Quận 3"), ("Phường 12", "Quận Tân Bình"),
            ("Phường 15", "Quận Bình Thạnh"), ("Phường Linh Trung", "Thành phố Thủ Đức"), ("Phường 4", "Quận 5"), ("Xã Tân Thông Hội", "Huyện Củ Chi")],
    "089": [("Phường Mỹ Bình", "Thành phố Long Xuyên"), ("Phường Châu Phú A", "Thành phố Châu Đốc")],
    "092": [("Phường Tân An", "Quận Ninh Kiều"), ("Phường Xuân Khánh", "Quận Ninh Kiều"), ("Phường An Thới", "Quận Bình Thủy")],
    "027": [("Phường Suối Hoa", "Thành phố Bắc Ninh"), ("Phường Đông Ngàn", "Thành phố Từ Sơn")],
    "022": [("Phường Bạch Đằng", "Thành phố Hạ Long"), ("Phường Cẩm Trung", "Thành phố Cẩm Phả")],
}
# Weight big cities more, as the population does.
BIRTH_CODE_WEIGHTS: dict[str, int] = {"001": 8, "079": 8, "031": 3, "048": 3, "092": 2}

# Post-2025 wards used until extractors/data/admin_units.json exists.
BUILTIN_NEW_UNITS: dict[str, list[str]] = {
    "Thành phố Hà Nội": [
        "Phường Hoàn Kiếm", "Phường Cửa Nam", "Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ", "Phường Hai Bà Trưng",
        "Phường Vĩnh Tuy", "Phường Bạch Mai", "Phường Đống Đa", "Phường Kim Liên", "Phường Văn Miếu - Quốc Tử Giám", "Phường Láng",
        "Phường Ô Chợ Dừa", "Phường Hồng Hà", "Phường Hoàng Mai", "Phường Định Công", "Phường Thanh Xuân", "Phường Khương Đình",
        "Phường Cầu Giấy", "Phường Nghĩa Đô", "Phường Yên Hòa", "Phường Tây Hồ", "Phường Long Biên", "Phường Bồ Đề",
        "Phường Hà Đông", "Phường Từ Liêm", "Xã Đông Anh", "Xã Sóc Sơn", "Xã Gia Lâm", "Xã Thanh Trì",
    ],
    "Thành phố Hồ Chí Minh": [
        "Phường Sài Gòn", "Phường Tân Định", "Phường Bến Thành", "Phường Cầu Ông Lãnh", "Phường Bàn Cờ", "Phường Xuân Hòa",
        "Phường Nhiêu Lộc", "Phường Chợ Quán", "Phường An Đông", "Phường Chợ Lớn", "Phường Bình Thạnh", "Phường Gia Định",
        "Phường Phú Nhuận", "Phường Gò Vấp", "Phường Tân Sơn Nhất", "Phường Tân Bình", "Phường Thủ Đức", "Phường Linh Xuân",
        "Xã Củ Chi", "Xã Hóc Môn", "Xã Bình Chánh", "Xã Nhà Bè",
    ],
    "Thành phố Đà Nẵng": [
        "Phường Hải Châu", "Phường Hòa Cường", "Phường Thanh Khê", "Phường An Khê", "Phường Sơn Trà", "Phường An Hải",
        "Phường Ngũ Hành Sơn", "Phường Hòa Khánh", "Phường Liên Chiểu", "Phường Cẩm Lệ", "Phường Hội An", "Phường Tam Kỳ", "Xã Hòa Vang",
    ],
    "Thành phố Hải Phòng": ["Phường Hồng Bàng", "Phường Ngô Quyền", "Phường Lê Chân", "Phường Hải An", "Phường Kiến An", "Phường Đồ Sơn"],
    "Thành phố Cần Thơ": ["Phường Ninh Kiều", "Phường Cái Khế", "Phường Tân An", "Phường Bình Thủy", "Phường Cái Răng", "Phường Ô Môn"],
}
NEW_PROVINCE_WEIGHTS = {"Thành phố Hà Nội": 6, "Thành phố Hồ Chí Minh": 6, "Thành phố Đà Nẵng": 2}

_CITY_STREETS = {
    "Hà Nội": ["Kim Mã", "Giảng Võ", "Láng Hạ", "Nguyễn Chí Thanh", "Trần Duy Hưng", "Xuân Thủy", "Hoàng Quốc Việt", "Đội Cấn", "Tây Sơn", "Chùa Bộc", "Minh Khai", "Bạch Mai"],
    "Hồ Chí Minh": ["Nguyễn Trãi", "Lê Lợi", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần", "Nguyễn Đình Chiểu", "Lý Thường Kiệt", "Phan Xích Long"],
    "Đà Nẵng": ["Bạch Đằng", "Nguyễn Văn Linh", "Hùng Vương", "Ông Ích Khiêm", "Điện Biên Phủ", "Ngô Quyền"],
}
_COMMON_STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Quang Trung", "Hai Bà Trưng", "Lý Thường Kiệt", "Nguyễn Huệ", "Trần Phú", "Lê Hồng Phong"]
_HAMLETS = ["Thôn Đông", "Thôn Trung", "Thôn Hạ", "Xóm 3", "Xóm 7", "Ấp 2", "Ấp Tân Lập", "Tổ dân phố 5", "Tổ dân phố số 12", "Thôn Lại Đà"]


@dataclass(frozen=True)
class Address:
    text: str          # as printed
    province: str      # full province name, e.g. "Thành phố Hà Nội"
    ward: str          # e.g. "Phường Giảng Võ"
    district: str | None = None  # only on pre-2025 (three-level) addresses


def short_province(province: str) -> str:
    """'Thành phố Hà Nội' → 'Hà Nội' (used in place-date lines and short card addresses)."""
    return re.sub(r"^(Thành phố|Tỉnh)\s+", "", province)


def short_unit(name: str) -> str:
    """Drop the unit word unless the name is a number ('Phường 12', 'Quận 1' keep theirs)."""
    stripped = re.sub(r"^(Phường|Xã|Thị trấn|Đặc khu|Quận|Huyện|Thị xã|Thành phố|Tỉnh)\s+", "", name)
    return name if stripped.isdigit() else stripped


def _full_province_name(name: str) -> str:
    if re.match(r"^(Thành phố|Tỉnh)\s", name):
        return name
    cities = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
    return f"Thành phố {name}" if name in cities else f"Tỉnh {name}"


@lru_cache(maxsize=1)
def new_units() -> dict[str, list[str]]:
    """Post-2025 provinces → wards: the shared admin_units.json when present, else the built-in list."""
    try:
        data = json.loads(ADMIN_UNITS_JSON.read_text(encoding="utf-8"))
        units = {
            _full_province_name(p["name"]): [w["name"] for w in p.get("wards", []) if w.get("name")]
            for p in data.get("provinces", [])
        }
        units = {province: wards for province, wards in units.items() if wards}
        if units:
            return units
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return BUILTIN_NEW_UNITS


def pick_birth_code(rng: random.Random) -> str:
    codes = list(OLD_UNITS)
    return rng.choices(codes, weights=[BIRTH_CODE_WEIGHTS.get(c, 1) for c in codes])[0]


def _street_part(rng: random.Random, province: str, ward: str) -> str:
    """House number, alley and street, or a hamlet for communes."""
    city = short_province(province)
    if ward.startswith("Xã") or rng.random() < 0.12:
        return rng.choice(_HAMLETS)
    street = rng.choice(_CITY_STREETS.get(city, _COMMON_STREETS))
    road = "phố" if city in ("Hà Nội", "Hải Phòng") and rng.random() < 0.6 else "đường"
    number = rng.randint(1, 220)
    style = rng.random()
    if style < 0.35:
        return f"Số {number} ngõ {rng.randint(2, 180)} {road} {street}"
    if style < 0.5:
        return f"Số {number}/{rng.randint(2, 60)} {road} {street}"
    if style < 0.6:
        return f"Phòng {rng.randint(1, 25)}{rng.randint(1, 20):02d}, tòa {rng.choice('ABCDE')}{rng.randint(1, 9)}, {road} {street}"
    return f"Số {number} {road} {street}"


def new_address(rng: random.Random, province: str | None = None) -> Address:
    """Two-level address (after the 2025 reorganisation)."""
    units = new_units()
    if province is None or province not in units:
        names = list(units)
        province = rng.choices(names, weights=[NEW_PROVINCE_WEIGHTS.get(n, 1) for n in names])[0]
    ward = rng.choice(units[province])
    text = f"{_street_part(rng, province, ward)}, {ward}, {province}"
    return Address(text=text, province=province, ward=ward)


def old_address(rng: random.Random, code: str | None = None, with_street: bool = True, short: bool = False) -> Address:
    """Three-level address of the 63-province map; `short` drops unit words as chip cards print them."""
    code = code if code in OLD_UNITS else pick_birth_code(rng)
    province = PROVINCE_CODES[code]
    ward, district = rng.choice(OLD_UNITS[code])
    if short:
        levels = [short_unit(ward), short_unit(district), short_province(province)]
    else:
        levels = [ward, district, province]
    if with_street:
        levels.insert(0, _street_part(rng, province, ward))
    return Address(text=", ".join(levels), province=province, ward=ward, district=district)


def address_for(rng: random.Random, on: date, code: str | None = None, short: bool = False) -> Address:
    """An address in the format in force on a document's date."""
    if on >= REORGANISATION_DATE:
        return new_address(rng)
    return old_address(rng, code, short=short)


def birth_place(rng: random.Random, code: str) -> str:
    """'Nơi sinh' of a birth certificate: usually a hospital, sometimes a commune health station."""
    province = PROVINCE_CODES[code]
    city = short_province(province)
    hospitals = {
        "Hà Nội": ["Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương", "Bệnh viện Bạch Mai"],
        "Hồ Chí Minh": ["Bệnh viện Từ Dũ", "Bệnh viện Hùng Vương"],
        "Đà Nẵng": ["Bệnh viện Phụ sản - Nhi Đà Nẵng"],
    }.get(city, [f"Bệnh viện Đa khoa {province.replace('Thành phố', 'thành phố').replace('Tỉnh', 'tỉnh')}"])
    if rng.random() < 0.2 and code in OLD_UNITS:
        ward, district = rng.choice(OLD_UNITS[code])
        return f"Trạm y tế {ward.replace('Phường', 'phường').replace('Xã', 'xã')}, {district}, {province}"
    return f"{rng.choice(hospitals)}, {province}"
