"""Giấy xác nhận tình trạng hôn nhân: the ward/commune People's Committee confirms a citizen's
marital status (valid six months), as a filled-in printed form with dotted leaders or as a
word-processed letter without them."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from .certificates import Registry, lower_unit, official, registry_header, residence_on
from .forms import A4_H, A4_W, INK, FormStyle, centered_lines, field, fields_inline, paragraph, signature_block
from .layout import Page
from .model import Document
from .names import make_full_name
from .people import Family, Person, add_months, add_years, age_on, random_date
from .places import OLD_UNITS, PROVINCE_CODES, REORGANISATION_DATE, pick_birth_code, short_province
from .vietnamese import dmy, place_date_line

TITLE = "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"
VALID_MONTHS = 6
FIRST_ISSUE = date(2023, 1, 1)
CAN_CUOC_LAW = date(2024, 7, 1)   # new cards are 'Thẻ căn cước' from this day
SIGNERS = [["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
           ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["NGƯỜI KÝ GIẤY XÁC NHẬN"]]
# Label spellings that real forms vary between (weights): the old tone placement 'tuỳ' included.
LABELS: dict[str, list[tuple[str, int]]] = {
    "full_name": [("Họ, chữ đệm, tên", 6), ("Họ, chữ đệm và tên", 3), ("Họ và tên", 1)],
    "date_of_birth": [("Ngày, tháng, năm sinh", 7), ("Ngày tháng năm sinh", 2), ("Sinh ngày", 1)],
    "id_number": [("Giấy tờ tùy thân", 7), ("Giấy tờ tuỳ thân", 3)],
    "residence": [("Nơi cư trú", 8), ("Nơi cư trú hiện nay", 1)],
    "purpose": [("Giấy này được cấp để", 8), ("Giấy này được cấp để sử dụng vào việc", 2)],
}
VALIDITY_LABEL = "Giấy này có giá trị sử dụng đến ngày"
SINGLE = [("Chưa đăng ký kết hôn với ai", 7), ("Hiện tại chưa đăng ký kết hôn với ai", 2), ("Chưa đăng ký kết hôn", 1)]
PURPOSES_MARRIAGE = ["làm thủ tục đăng ký kết hôn", "làm thủ tục đăng ký kết hôn", "đăng ký kết hôn"]
PURPOSES_OTHER = [
    "vay vốn ngân hàng", "làm thủ tục vay vốn ngân hàng",
    "làm thủ tục vay vốn tại Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam",
    "làm thủ tục mua bán nhà đất", "làm thủ tục chuyển nhượng quyền sử dụng đất",
    "làm thủ tục nhận chuyển nhượng quyền sử dụng đất", "làm thủ tục công chứng hợp đồng mua bán nhà ở",
    "bổ sung hồ sơ xin việc", "bổ sung hồ sơ đi làm việc ở nước ngoài",
]


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    texts, weights = zip(*options)
    return rng.choices(texts, weights=weights)[0]


def _spouse(family: Family, person: Person) -> Person | None:
    """The person's spouse in the household (make_family lists the head's spouse first)."""
    spouse = family.members[0] if family.members else None
    if person is family.head:
        return spouse
    return family.head if person is spouse else None


def _court(rng: random.Random, person: Person, when: date, province: str) -> str:
    """The court that granted a divorce: a district court before 1 July 2025, a regional one after."""
    if when >= REORGANISATION_DATE:
        return f"Tòa án nhân dân khu vực {rng.randint(1, 12)} - {short_province(province)}"
    code = person.birth_code if rng.random() < 0.5 else pick_birth_code(rng)
    _ward, district = rng.choice(OLD_UNITS[code])
    return f"Tòa án nhân dân {lower_unit(district)}, {lower_unit(PROVINCE_CODES[code])}"


def _divorced(rng: random.Random, person: Person, issued: date, province: str) -> str:
    when = random_date(rng, max(add_years(person.birth, 22), date(2000, 1, 1)), issued - timedelta(days=60))
    number = rng.randint(1, 320)
    if rng.random() < 0.55:
        ruling = f"Bản án số {number}/{when.year}/HNGĐ-ST ngày {dmy(when)}"
    else:
        ruling = f"Quyết định công nhận thuận tình ly hôn số {number}/{when.year}/QĐST-HNGĐ ngày {dmy(when)}"
    text = f"Đã đăng ký kết hôn, nhưng đã ly hôn theo {ruling} của {_court(rng, person, when, province)}"
    if rng.random() < 0.35:
        text += ", hiện tại chưa đăng ký kết hôn với ai"
    return text


def _widowed(rng: random.Random, person: Person, issued: date) -> str:
    partner = "vợ" if person.sex == "Nam" else "chồng"
    text = f"{rng.choice(['Có', 'Có', 'Đã'])} đăng ký kết hôn, nhưng {partner} đã chết"
    if rng.random() < 0.3:
        text += f" năm {rng.randint(max(person.birth.year + 25, 1990), issued.year - 1)}"
    return text


def _married(rng: random.Random, person: Person, spouse: Person | None) -> str:
    partner, title = ("vợ", "bà") if person.sex == "Nam" else ("chồng", "ông")
    name = spouse.full_name if spouse else make_full_name(rng, "Nữ" if person.sex == "Nam" else "Nam")
    if rng.random() < 0.35:
        name = name.upper()
    text = f"{rng.choice(['Đang có', 'Hiện đang có', 'Hiện tại đang có'])} {partner} là {title} {name}"
    if spouse and rng.random() < 0.3:
        text += f", sinh năm {spouse.birth.year}"
    return text


def marital_status(rng: random.Random, person: Person, family: Family, issued: date, in_dossier: bool,
                   province: str) -> tuple[str, bool]:
    """(the 'Tình trạng hôn nhân' sentence without a full stop, whether the person is free to marry).

    In a dossier the household's other papers are beside it, so the status agrees with them: the
    parents are married to each other, a grandparent is widowed, a grown child single (or divorced).
    """
    spouse = _spouse(family, person)
    age = age_on(person.birth, issued)
    if in_dossier:
        if spouse:
            kind = "married"
        elif person.relation_to_head in ("Bố", "Mẹ"):
            kind = "widowed"
        else:
            kind = "divorced" if age >= 25 and rng.random() < 0.15 else "single"
    else:
        kind = rng.choices(["single", "divorced", "widowed", "married"], weights=[50, 25, 10, 15])[0]
        if (kind == "divorced" and age < 25) or (kind == "widowed" and age < 30):
            kind = "single"
    if kind == "married":
        return _married(rng, person, spouse), False
    if kind == "divorced":
        return _divorced(rng, person, issued, province), True
    if kind == "widowed":
        return _widowed(rng, person, issued), True
    return _weighted(rng, SINGLE), True


def _purpose(rng: random.Random, person: Person, free_to_marry: bool) -> str:
    if free_to_marry and rng.random() < 0.65:
        text = rng.choice(PURPOSES_MARRIAGE)
        if rng.random() < 0.35:
            sex = "Nữ" if person.sex == "Nam" else "Nam"
            text += f" với {'chị' if sex == 'Nữ' else 'anh'} {make_full_name(rng, sex)}"
        return text
    return rng.choice(PURPOSES_OTHER)


def identity_paper(rng: random.Random, person: Person, on: date) -> str:
    """'Giấy tờ tùy thân' as printed: the chip card by the name it bore when issued, sometimes with
    its issuer and date (a second date on the line, before the confirmation's)."""
    new_card = on >= CAN_CUOC_LAW and rng.random() < 0.5
    if new_card:
        text = f"{_weighted(rng, [('Thẻ căn cước số', 3), ('Căn cước số', 2)])} {person.id_number}"
        start, end = CAN_CUOC_LAW, on - timedelta(days=20)
    else:
        text = f"{_weighted(rng, [('Căn cước công dân số', 3), ('CCCD số', 1)])} {person.id_number}"
        start = max(date(2021, 1, 1), add_years(person.birth, 14))
        end = min(on - timedelta(days=20), CAN_CUOC_LAW - timedelta(days=1))
    if rng.random() < 0.3 and end > start:
        card_date = random_date(rng, start, end)
        issuer = "Bộ Công an" if new_card else "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
        text += f" do {issuer} cấp ngày {dmy(card_date)}" if rng.random() < 0.6 else f", cấp ngày {dmy(card_date)}"
    return text


def _subject(rng: random.Random, family: Family, issued: date) -> Person:
    adults = [p for p in family.everyone if age_on(p.birth, issued) >= 18]
    grown_children = [p for p in adults if p.relation_to_head == "Con"]
    if grown_children and rng.random() < 0.5:
        return rng.choice(grown_children)
    return rng.choice(adults)


def _requester(rng: random.Random, person: Person, issued: date) -> str:
    """'ông Nguyễn Văn An' of 'Xét đề nghị của ...' (the person asks for their own paper)."""
    if age_on(person.birth, issued) < 35 and rng.random() < 0.3:
        title = "anh" if person.sex == "Nam" else "chị"
    else:
        title = "ông" if person.sex == "Nam" else "bà"
    return f"{title} {person.full_name if rng.random() < 0.6 else person.name_caps}"


def _stop(rng: random.Random, text: str) -> str:
    """Clerks end some values with a full stop (the truth never has it)."""
    return text + "." if rng.random() < 0.3 else text


def make_marital_status_confirmation(rng: random.Random, seed: int, family: Family, today: date,
                                     in_dossier: bool = False) -> Document:
    printed = rng.random() < 0.5   # a printed form filled in on dotted leaders, else word-processed
    st = FormStyle.pick(rng, dense=printed and rng.random() < 0.5)
    st.leader = rng.choice(["dots", "dots", "line"]) if printed else "none"
    page = Page(A4_W, A4_H)
    if rng.random() < 0.7:
        issued = random_date(rng, REORGANISATION_DATE, today)
    else:
        issued = random_date(rng, FIRST_ISSUE, REORGANISATION_DATE - timedelta(days=1))
    person = _subject(rng, family, issued)
    residence = residence_on(rng, person, issued)
    registry = Registry(residence.ward, residence.province, residence.district)   # the committee where one lives
    status, free_to_marry = marital_status(rng, person, family, issued, in_dossier, residence.province)
    f: dict[str, Any] = {
        "certificate_number": f"{rng.randint(1, 480)}/UBND-XNTTHN",
        "full_name": person.name_caps, "date_of_birth": person.birth.isoformat(), "sex": person.sex,
        "ethnicity": person.ethnicity, "nationality": person.nationality, "id_number": person.id_number,
        "residence": residence.text, "marital_status": status, "purpose": _purpose(rng, person, free_to_marry),
        "valid_until": add_months(issued, VALID_MONTHS).isoformat(),
        "issuing_authority": registry.committee_text, "issue_date": issued.isoformat(),
    }
    label = {key: _weighted(rng, options) for key, options in LABELS.items()}

    y = registry_header(page, st, rng, registry, [f"Số: {f['certificate_number']}"], centred=rng.random() < 0.6)
    y = centered_lines(page, st, A4_W / 2, y + st.step * 1.4, [(TITLE, True, st.size * rng.uniform(1.25, 1.4))],
                       st.step * 1.6, block=2)
    x, b = st.left, 3
    requester = _requester(rng, person, issued)
    intro = rng.choices(["sentence", "split", "form"], weights=[3, 2, 5] if printed else [5, 4, 1])[0]
    if intro == "form":   # as the official form prints it: committee under the title, then a leader
        y = centered_lines(page, st, A4_W / 2, y - st.step * 0.4, [(registry.committee, True, st.size)], st.step * 1.3, block=b)
        y = field(page, st, x, y, "Xét đề nghị của ông/bà", requester.split(" ", 1)[1], block=b)
        page.text(x, y, "XÁC NHẬN:", st.family.bold, st.size, INK, block=b)
        y += st.step
    elif intro == "sentence":
        y = paragraph(page, st, x, y, f"Xét đề nghị của {requester}, {registry.committee} XÁC NHẬN:",
                      indent=rng.choice([0.0, 10.0]), block=b)
    else:
        y = paragraph(page, st, x, y, f"Xét đề nghị của {requester} về việc cấp Giấy xác nhận tình trạng hôn nhân,",
                      indent=rng.choice([0.0, 10.0]), block=b)
        y = centered_lines(page, st, A4_W / 2, y + st.step * 0.2, [(registry.committee, True, st.size), ("XÁC NHẬN:", True, st.size)],
                           st.step, block=b)
    y += st.step * 0.2

    # Word-processed letters: a dash before each label, or values on a tab stop with hanging lines.
    dash = "- " if not printed and rng.random() < 0.3 else ""
    tab = x + rng.uniform(44, 52) if not printed and rng.random() < 0.5 else None

    def labelled(y: float, text: str, value: str) -> float:
        return field(page, st, x, y, dash + text, value, block=b, tab=tab, wrap_x=tab)

    y = labelled(y, label["full_name"], f["full_name"])
    y = labelled(y, label["date_of_birth"], dmy(person.birth))
    if not dash and rng.random() < 0.55:
        y = fields_inline(page, st, x, y, [("Giới tính", f["sex"]), ("Dân tộc", f["ethnicity"]), ("Quốc tịch", f["nationality"])], block=b)
    else:
        for text, key in (("Giới tính", "sex"), ("Dân tộc", "ethnicity"), ("Quốc tịch", "nationality")):
            y = labelled(y, text, f[key])
    y = labelled(y, label["id_number"], identity_paper(rng, person, issued))
    y = labelled(y, label["residence"], f["residence"])
    y = labelled(y, "Tình trạng hôn nhân", _stop(rng, f["marital_status"]))
    valid = dmy(date.fromisoformat(f["valid_until"]))
    validity_first = rng.random() < 0.2
    if not validity_first:
        y = labelled(y, label["purpose"], _stop(rng, f["purpose"]))
    if printed:
        y = field(page, st, x, y, VALIDITY_LABEL, valid, block=b, colon=False)
    else:
        y = paragraph(page, st, x, y, f"{dash}{VALIDITY_LABEL} {valid}" + rng.choice(["", "."]), block=b)
    if validity_first:
        y = labelled(y, label["purpose"], _stop(rng, f["purpose"]))

    titles, signer = official(rng, seed, SIGNERS)
    y_sig = min(y + st.step * 0.8, A4_H - 72)
    note = "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)" if printed and rng.random() < 0.6 else None
    city = registry.city(rng)
    signature_block(page, st, rng, seed + 110, st.right - 45, y_sig, place_date_line(city, issued), titles, signer,
                    registry.committee, note=note, block=50)
    if not printed and rng.random() < 0.6:   # letters list their recipients bottom left
        ny = y_sig + st.step * 2
        page.text(x, ny, "Nơi nhận:", st.family.bold, st.size * 0.85, INK, block=51)
        for i, line in enumerate(["- Như trên;", rng.choice(["- Lưu: VT, HT.", "- Lưu: VP, TP-HT."])], 1):
            page.text(x, ny + i * st.step * 0.8, line, st.family.regular, st.size * 0.8, INK, block=51)
    return Document("marital_status_confirmation", None, [page], f, city=city)
