"""Civil-status certificates on A4: Giấy khai sinh and Giấy chứng nhận kết hôn (and the parts
that the ward's other civil-status papers share: the registry, its header, its signer)."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import Any

from .forms import A4_H, A4_W, FormStyle, authority_header, centered_lines, field, fields_inline, national_header, signature_block
from .layout import Page
from .model import Document
from .names import make_full_name
from .people import Person, random_date
from .places import OLD_UNITS, birth_place, PROVINCE_CODES, REORGANISATION_DATE, Address, new_address, old_address, short_province
from .vietnamese import date_in_words, dmy, place_date_line


def lower_unit(name: str) -> str:
    """'Phường Kim Mã' → 'phường Kim Mã' (unit words are lower case inside a sentence)."""
    return re.sub(r"^(Phường|Xã|Thị trấn|Đặc khu|Quận|Huyện|Thị xã|Thành phố|Tỉnh)", lambda m: m.group(1).lower(), name)


class Registry:
    """The ward/commune People's Committee that registers civil status events."""

    def __init__(self, ward: str, province: str, district: str | None = None):
        self.ward, self.province, self.district = ward, province, district

    @classmethod
    def on(cls, rng: random.Random, when: date, code: str | None = None) -> Registry:
        if when >= REORGANISATION_DATE:
            a = new_address(rng)
            return cls(a.ward, a.province)
        code = code if code in OLD_UNITS else rng.choice(list(OLD_UNITS))
        ward, district = rng.choice(OLD_UNITS[code])
        return cls(ward, PROVINCE_CODES[code], district)

    @property
    def committee(self) -> str:
        """'ỦY BAN NHÂN DÂN PHƯỜNG KIM MÃ', as on its stamp and in capitalised headings."""
        return f"ỦY BAN NHÂN DÂN {self.ward.upper()}"

    @property
    def committee_text(self) -> str:
        """'Ủy ban nhân dân phường Kim Mã', as the committee is named in running text."""
        return f"Ủy ban nhân dân {lower_unit(self.ward)}"

    def place_text(self, rng: random.Random) -> str:
        """'Ủy ban nhân dân phường Kim Mã, quận Ba Đình, thành phố Hà Nội' as printed."""
        body = rng.choice(["Ủy ban nhân dân", "Ủy ban nhân dân", "UBND"])
        units = [self.ward, self.district, self.province] if self.district else [self.ward, self.province]
        return f"{body} " + ", ".join(lower_unit(u) for u in units)

    def header_lines(self, rng: random.Random) -> list[str]:
        style = rng.random()
        if style < 0.5:
            return ["ỦY BAN NHÂN DÂN", self.ward.upper()]
        if style < 0.75:
            return [f"UBND {self.ward.upper()}"]
        return [(self.district or self.province).upper(), f"UBND {self.ward.upper()}"]

    def city(self, rng: random.Random) -> str:
        """Place name of the place-date line: the province, or the ward for communes."""
        if self.ward.startswith("Xã") and rng.random() < 0.5:
            return re.sub(r"^Xã\s+", "", self.ward)
        return short_province(self.province)


def _register_numbers(rng: random.Random, when: date) -> tuple[str, str]:
    return str(rng.randint(1, 480)), f"{rng.randint(1, 3):02d}/{when.year}"


OFFICIAL_TITLES = [["CHỦ TỊCH"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["NGƯỜI KÝ"]]


def official(rng: random.Random, seed: int, choices: list[list[str]] = OFFICIAL_TITLES) -> tuple[list[str], str]:
    """The signing official's title lines (one of `choices`) and name."""
    titles = rng.choice(choices)
    return titles, make_full_name(random.Random(seed * 13 + 5), rng.choice(["Nam", "Nữ"]))


def _id_for(person: Person, on: date) -> tuple[str, str]:
    """(printed 'Giấy tờ tùy thân' text, id value): the old CMND before chip cards, else the 12 digits."""
    if person.old_id and on < date(2021, 1, 1):
        return f"CMND số {person.old_id}", person.old_id
    word = "Căn cước" if on >= date(2024, 7, 1) else "CCCD"
    return f"{word} số {person.id_number}", person.id_number


def residence_on(rng: random.Random, person: Person, when: date) -> Address:
    return person.residence if (when >= REORGANISATION_DATE and person.residence) else old_address(rng)


def registry_header(page: Page, st: FormStyle, rng: random.Random, registry: Registry, under: list[str],
                    centred: bool = False) -> float:
    """The committee (left) with `under` it (e.g. 'Số: 12', 'Quyển số: 01/2019'), the national motto (right)."""
    left_cx = st.left + rng.uniform(30, 36)
    right_cx = st.right - rng.uniform(42, 48)
    y0 = st.top + 6
    y_left = authority_header(page, st, left_cx, y0, registry.header_lines(rng), block=0)
    for i, line in enumerate(under):
        page.text(left_cx if centred else left_cx - 18, y_left + 2 + i * st.step, line, st.family.regular, st.size,
                  align="center" if centred else "left", block=0)
    if under:
        y_left += 2 + len(under) * st.step
    y_right = national_header(page, st, right_cx, y0, block=1)
    return max(y_left, y_right)


def _number_lines(numbers: tuple[str, str]) -> list[str]:
    return [f"Số: {numbers[0]}", f"Quyển số: {numbers[1]}"]


def make_birth_certificate(rng: random.Random, seed: int, child: Person, mother: Person | None, father: Person | None) -> Document:
    st = FormStyle.pick(rng, dense=True)
    page = Page(A4_W, A4_H)
    registered = min(child.birth + timedelta(days=rng.randint(2, 55)), REORGANISATION_DATE - timedelta(days=1))
    registry = Registry.on(rng, registered, child.birth_code)
    numbers = _register_numbers(rng, registered)
    y = registry_header(page, st, rng, registry, _number_lines(numbers)) + st.step * 1.2
    y = centered_lines(page, st, A4_W / 2, y, [("GIẤY KHAI SINH", True, st.size * 1.6)], st.step * 1.6, block=2)
    words = date_in_words(child.birth, day_prefix_mong=rng.random() < 0.3)
    has_id = registered >= date(2016, 1, 1) or rng.random() < 0.3
    f: dict[str, Any] = {
        "certificate_number": numbers[0], "book_number": numbers[1],
        "full_name": child.name_caps, "date_of_birth": child.birth.isoformat(), "date_of_birth_in_words": words,
        "sex": child.sex, "ethnicity": child.ethnicity, "nationality": child.nationality,
        "place_of_birth": birth_place(rng, child.birth_code), "place_of_origin": child.origin.text if child.origin else None,
        "id_number": child.id_number if has_id else None,
    }
    x, b = st.left, 3
    y = field(page, st, x, y, "Họ, chữ đệm, tên", f["full_name"], block=b)
    words_x = x + st.size * 8.2  # 'ghi bằng chữ' follows the figures on the same line
    field(page, st, x, y, "Ngày, tháng, năm sinh", dmy(child.birth), right=words_x - 2, block=b)
    y = field(page, st, words_x, y, "ghi bằng chữ", words, block=b, wrap_x=x)
    y = fields_inline(page, st, x, y, [("Giới tính", f["sex"]), ("Dân tộc", f["ethnicity"]), ("Quốc tịch", f["nationality"])], block=b)
    y = field(page, st, x, y, "Nơi sinh", f["place_of_birth"], block=b)
    y = field(page, st, x, y, "Quê quán", f["place_of_origin"], block=b)
    y = field(page, st, x, y, "Số định danh cá nhân", f["id_number"], block=b)
    for role, parent in (("mẹ", mother), ("cha", father)):
        key = "mother" if role == "mẹ" else "father"
        residence = residence_on(rng, parent, registered).text if parent else None
        id_text, id_value = _id_for(parent, registered) if parent else (None, None)
        # An old 9-digit CMND is printed as an identity paper, not as a personal id number.
        id_label, id_printed = ("Giấy tờ tùy thân", id_text) if id_value and len(id_value) == 9 else ("Số định danh cá nhân", id_value)
        f.update({
            f"{key}_full_name": parent.name_caps if parent else None,
            f"{key}_birth_year": str(parent.birth.year) if parent else None,
            f"{key}_ethnicity": parent.ethnicity if parent else None,
            f"{key}_nationality": parent.nationality if parent else None,
            f"{key}_residence": residence,
            f"{key}_id_number": id_value,
        })
        y += st.step * 0.25
        y = field(page, st, x, y, f"Họ, chữ đệm, tên người {role}", f[f"{key}_full_name"], block=b)
        y = fields_inline(page, st, x, y, [("Năm sinh", f[f"{key}_birth_year"]), ("Dân tộc", f[f"{key}_ethnicity"]),
                                           ("Quốc tịch", f[f"{key}_nationality"])], block=b)
        y = field(page, st, x, y, "Nơi cư trú", residence, block=b)
        y = field(page, st, x, y, id_label, id_printed, block=b)
    f["registration_place"] = registry.place_text(rng)
    f["registration_date"] = registered.isoformat()
    y += st.step * 0.25
    y = field(page, st, x, y, "Nơi đăng ký khai sinh", f["registration_place"], block=b)
    y = field(page, st, x, y, "Ngày, tháng, năm đăng ký", dmy(registered), block=b)
    titles, signer = official(rng, seed)
    y_sig = min(y + st.step * 0.6, A4_H - 62)
    signature_block(page, st, rng, seed + 40, st.right - 45, y_sig, place_date_line(registry.city(rng), registered),
                    ["NGƯỜI KÝ GIẤY KHAI SINH"] if rng.random() < 0.5 else titles, signer,
                    registry.committee, note="(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)")
    clerk = make_full_name(random.Random(seed * 17 + 3), rng.choice(["Nam", "Nữ"]))
    signature_block(page, st, rng, seed + 60, st.left + 30, y_sig + st.step, None, ["Người thực hiện"], clerk, None, block=49)
    return Document("birth_certificate", None, [page], f)


def make_marriage_certificate(rng: random.Random, seed: int, wife: Person, husband: Person, married: date) -> Document:
    st = FormStyle.pick(rng, dense=True)
    st.keep_whole = True  # half-width columns: names must not split after long labels
    page = Page(A4_W, A4_H)
    registry = Registry.on(rng, married, husband.birth_code if rng.random() < 0.5 else wife.birth_code)
    numbers = _register_numbers(rng, married)
    y = registry_header(page, st, rng, registry, _number_lines(numbers)) + st.step * 1.2
    y = centered_lines(page, st, A4_W / 2, y, [("GIẤY CHỨNG NHẬN KẾT HÔN", True, st.size * 1.5)], st.step * 1.7, block=2)
    f: dict[str, Any] = {"certificate_number": numbers[0], "book_number": numbers[1]}
    columns: list[tuple[str, Person]] = [("wife", wife), ("husband", husband)]
    if rng.random() < 0.3:
        columns.reverse()  # some printings put the husband's column first
    mid = (st.left + st.right) / 2
    col_x = {columns[0][0]: (st.left, mid - 3), columns[1][0]: (mid + 3, st.right)}
    rows: list[list[tuple[str, str, str]]] = [[], [], [], [], [], []]
    for key, person in columns:
        word = "vợ" if key == "wife" else "chồng"
        id_text, id_value = _id_for(person, married)
        residence = residence_on(rng, person, married).text
        f.update({
            f"{key}_full_name": person.name_caps, f"{key}_date_of_birth": person.birth.isoformat(),
            f"{key}_ethnicity": person.ethnicity, f"{key}_nationality": person.nationality,
            f"{key}_residence": residence, f"{key}_id_number": id_value,
        })
        for i, (label, value) in enumerate([
            (f"Họ, chữ đệm, tên {word}", person.name_caps), ("Ngày, tháng, năm sinh", dmy(person.birth)),
            ("Dân tộc", person.ethnicity), ("Quốc tịch", person.nationality), ("Nơi cư trú", residence),
            ("Giấy tờ tùy thân", id_text),
        ]):
            rows[i].append((key, label, value))
    for row in rows:
        ends = [field(page, st, col_x[key][0], y, label, value, right=col_x[key][1], block=3) for key, label, value in row]
        y = max(ends)
    f["registration_place"] = registry.place_text(rng)
    f["registration_date"] = married.isoformat()
    y += st.step * 0.4
    y = field(page, st, st.left, y, "Nơi đăng ký kết hôn", f["registration_place"], block=4)
    y = field(page, st, st.left, y, "Ngày, tháng, năm đăng ký", dmy(married), block=4)
    y += st.step * 0.5
    page.text(st.right - 45, y, place_date_line(registry.city(rng), married), st.family.italic, st.size, align="center", block=5)
    y += st.step
    titles, signer = official(rng, seed)
    for i, (title, person) in enumerate((("Vợ", wife), ("Chồng", husband))):
        signature_block(page, st, rng, seed + 70 + i, st.left + 18 + i * 44, y, None, [title], person.full_name, None,
                        note="(Ký, ghi rõ họ tên)", block=6 + i)
    signature_block(page, st, rng, seed + 80, st.right - 45, y, None, titles, signer,
                    registry.committee, note="(Ký, ghi rõ họ tên, đóng dấu)", block=8)
    return Document("marriage_certificate", None, [page], f)


def recent_couple_date(rng: random.Random, wife: Person, husband: Person, today: date) -> date:
    """A marriage date after the 2025 reorganisation for couples old enough (two-level addresses)."""
    earliest = max(REORGANISATION_DATE, husband.birth.replace(year=husband.birth.year + 20, day=min(husband.birth.day, 28)),
                   wife.birth.replace(year=wife.birth.year + 18, day=min(wife.birth.day, 28)))
    return random_date(rng, earliest, max(earliest, today))
