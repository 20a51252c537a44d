"""Chip ID cards: Căn cước công dân (2021) and Thẻ căn cước (2024), front and back."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import artwork
from .codes import card_expiry, make_mrz, make_qr_payload
from .fonts import FontFamily, pick_family, text_width_mm
from .layout import Color, Page, wrap_words
from .model import Document
from .names import make_full_name
from .people import Person, add_years, age_on, random_date
from .places import Address, address_for, old_address
from .vietnamese import dmy

CARD_W, CARD_H = 85.6, 54.0
TITLE_RED: Color = (200, 30, 35)
INK: Color = (25, 25, 30)
NATIONAL_HEADER = [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
    ("Độc lập - Tự do - Hạnh phúc", True),
    ("SOCIALIST REPUBLIC OF VIET NAM", False),
    ("Independence - Freedom - Happiness", False),
]
_MARKS = ["Nốt ruồi", "Sẹo chấm", "Nốt ruồi", "Sẹo"]
_SPOTS = ["trên sau đuôi mắt trái", "dưới trước đầu mày phải", "trên trước cánh mũi trái", "dưới sau mép phải",
          "trên đầu mày trái", "dưới sau dái tai phải", "trước cằm", "trên sau đuôi lông mày phải"]


@dataclass
class CardStyle:
    """Per-card jitter: the same layout printed by different machines and software versions."""
    family: FontFamily
    dx: float
    dy: float
    label_size: float
    value_size: float
    slash: str          # "/" or " / " between the Vietnamese and English label
    italic_english: bool

    @classmethod
    def pick(cls, rng: random.Random) -> CardStyle:
        return cls(
            family=pick_family(rng, "sans" if rng.random() < 0.85 else "serif"),
            dx=rng.uniform(-0.6, 0.6), dy=rng.uniform(-0.5, 0.5),
            label_size=rng.uniform(4.6, 5.2), value_size=rng.uniform(6.6, 7.4),
            slash=rng.choice(["/", " / "]), italic_english=rng.random() < 0.6,
        )


def personal_identification(rng: random.Random) -> str:
    distance = rng.choice(["1", "1,5", "2", "2,5", "3"])
    return f"{rng.choice(_MARKS)} C:{distance}cm {rng.choice(_SPOTS)}"


def _label(page: Page, st: CardStyle, x: float, y: float, vi: str, en: str, size: float | None = None,
           block: int = 0) -> float:
    """'Họ và tên / Full name:' with the English half optionally in italics; returns the right edge."""
    size = size or st.label_size
    if st.italic_english:
        spaced = st.slash == " / "
        x = page.text(x, y, f"{vi} /" if spaced else f"{vi}/", st.family.regular, size, INK, block=block)
        return page.text(x + (0.7 if spaced else 0.0), y, f"{en}:", st.family.italic, size, INK, block=block)
    return page.text(x, y, f"{vi}{st.slash}{en}:", st.family.regular, size, INK, block=block)


def _fit(text: str, font: str, size: float, width: float) -> float:
    """Shrink a one-line text's size until it fits the width (as card printers do)."""
    while size > 3.5 and text_width_mm(text, font, size) > width:
        size -= 0.2
    return size


def _header(page: Page, st: CardStyle, center: float, width: float, title: str, subtitle: str, top: float) -> None:
    y = top + st.dy
    for text, bold in NATIONAL_HEADER:
        font = st.family.bold if bold else st.family.regular
        size = _fit(text, font, 5.6 if bold else 4.6, width)
        page.text(center + st.dx, y, text, font, size, INK, align="center")
        y += 2.5 if bold else 2.1
    size = _fit(title, st.family.bold, 9.0, width)
    page.text(center + st.dx, y + 1.6, title, st.family.bold, size, TITLE_RED, align="center")
    page.text(center + st.dx, y + 4.0, subtitle, st.family.bold, 4.8, INK, align="center")


def _value_lines(page: Page, st: CardStyle, x: float, y: float, after_label: float, right: float,
                 value: str, step: float, max_lines: int = 3, field: str | None = None) -> float:
    """Write a value after its label, wrapping under it; returns the next baseline."""
    size = st.value_size * 0.86
    lines = wrap_words(value, st.family.bold, size, right - after_label - 1.0, right - x)
    while len(lines) > max_lines and size > 4.0:
        size -= 0.3
        lines = wrap_words(value, st.family.bold, size, right - after_label - 1.0, right - x)
    for i, line in enumerate(lines):
        page.text((after_label + 1.0) if i == 0 else x, y, line, st.family.bold, size, INK, field=field)
        y += step
    return y


def _background(page: Page, seed: int, base: Color, ink: Color, accent: Color) -> None:
    page.picture(0, 0, CARD_W, CARD_H, artwork.guilloche(seed, base, ink, accent), jpeg=True)
    page.rect(0.15, 0.15, CARD_W - 0.15, CARD_H - 0.15, outline=(160, 165, 170), width=0.3, radius=3.0)


def _mrz(page: Page, st: CardStyle, rng: random.Random, mrz: str) -> None:
    mono = pick_family(rng, "mono").regular
    size = _fit("<" * 30, mono, 11.5, 79.5)
    y = 43.2 + st.dy * 0.3
    for line in mrz.split("\n"):
        page.text(CARD_W / 2 + st.dx * 0.3, y, line, mono, size, (20, 20, 20), align="center", field="mrz")
        y += 4.1


def _cccd_2021(rng: random.Random, seed: int, p: Person, f: dict[str, Any], st: CardStyle) -> tuple[Page, Page]:
    front = Page(CARD_W, CARD_H, (228, 238, 236))
    _background(front, seed, (232, 240, 236), (120, 170, 190), (230, 170, 185))
    front.picture(3 + st.dx, 2.5 + st.dy, 15 + st.dx, 14.5 + st.dy, artwork.emblem())
    _header(front, st, 42.5, 50.0, "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card", 5.0)
    front.picture(68.0 + st.dx * 0.3, 2.5, 83.0 + st.dx * 0.3, 17.5, artwork.qr_code(f["qr"]), field="qr")
    front.picture(3.5 + st.dx, 21 + st.dy, 21 + st.dx, 43 + st.dy, artwork.photo_placeholder(seed), jpeg=True)
    x, right, y = 23.0 + st.dx, 83.5, 23.5 + st.dy
    end = _label(front, st, x, y, "Số", "No.")
    front.text(end + 1.5, y + 0.3, f["id_number"], st.family.bold, st.value_size * 1.3, (90, 20, 20), field="id_number")
    y += 3.4
    _label(front, st, x, y, "Họ và tên", "Full name")
    y += 3.3
    front.text(x + 4, y, f["full_name"], st.family.bold, _fit(f["full_name"], st.family.bold, st.value_size * 1.08, right - x - 4), INK,
               field="full_name")
    y += 3.1
    end = _label(front, st, x, y, "Ngày sinh", "Date of birth")
    front.text(end + 1.0, y, dmy(date.fromisoformat(f["date_of_birth"])), st.family.bold, st.value_size * 0.9, INK,
               field="date_of_birth")
    y += 2.9
    end = _label(front, st, x, y, "Giới tính", "Sex")
    end = front.text(end + 1.0, y, f["sex"], st.family.bold, st.value_size * 0.9, INK, field="sex")
    end = _label(front, st, max(end + 5.0, x + 27), y, "Quốc tịch", "Nationality")
    front.text(end + 1.0, y, f["nationality"], st.family.bold, st.value_size * 0.9, INK, field="nationality")
    y += 2.9
    end = _label(front, st, x, y, "Quê quán", "Place of origin")
    y = _value_lines(front, st, x, y, end, right, f["place_of_origin"], 2.8, 2, field="place_of_origin")
    end = _label(front, st, x, y, "Nơi thường trú", "Place of residence")
    _value_lines(front, st, x, y, end, right, f["place_of_residence"], 2.8, 3, field="place_of_residence")
    # Expiry sits under the photo.
    ex, ey = 3.0 + st.dx, 46.0 + st.dy
    # Its own reading block: it shares baselines with the residence lines but is read after them.
    front.text(ex, ey, "Có giá trị đến:", st.family.regular, st.label_size * 0.9, INK, block=1)
    front.text(ex, ey + 2.0, "Date of expiry", st.family.italic, st.label_size * 0.85, INK, block=1)
    expiry = "Không thời hạn" if f["expiry_no_expiry"] else dmy(date.fromisoformat(f["expiry_date"]))
    front.text(ex, ey + 4.6, expiry, st.family.bold, _fit(expiry, st.family.bold, st.value_size * 0.85, 19.5), INK, block=1,
               field="expiry_date")

    back = Page(CARD_W, CARD_H, (236, 240, 242))
    _background(back, seed + 1, (238, 242, 244), (150, 180, 205), (215, 195, 215))
    x, y = 3.0 + st.dx, 5.0 + st.dy
    _label(back, st, x, y, "Đặc điểm nhân dạng", "Personal identification")
    y = _value_lines(back, st, x, y + 3.0, x - 1.0, 52.0, f["personal_identification"], 2.8, 2,
                     field="personal_identification")
    end = _label(back, st, x, y + 0.8, "Ngày, tháng, năm", "Date, month, year")
    back.text(end + 1.0, y + 0.8, dmy(date.fromisoformat(f["issue_date"])), st.family.bold, st.value_size * 0.9, INK,
              field="issue_date")
    cx, y = 27.0 + st.dx, y + 4.6
    for text, size in (("CỤC TRƯỞNG CỤC CẢNH SÁT", 5.0), ("QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 5.0)):
        back.text(cx, y, text, st.family.bold, _fit(text, st.family.bold, size, 46), INK, align="center")
        y += 2.3
    for text in ("DIRECTOR GENERAL OF THE POLICE DEPARTMENT", "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER"):
        back.text(cx, y, text, st.family.regular, _fit(text, st.family.regular, 3.6, 46), INK, align="center")
        y += 1.8
    back.picture(cx - 12, y - 3.5, cx + 4, y + 12.5, artwork.round_stamp(seed + 2, "BỘ CÔNG AN * CỤC CẢNH SÁT QLHC VỀ TTXH"))
    back.picture(cx - 6, y + 1, cx + 14, y + 8, artwork.signature(seed + 3))
    back.text(cx + 4, y + 11.2, _director_name(seed), st.family.bold, 5.0, INK, align="center")
    back.picture(57.5, 3.0, 68.5, 11.5, artwork.chip())
    for i, (vi, en) in enumerate((("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger"))):
        bx = 55.0 + i * 14.5
        back.rect(bx, 13.0, bx + 13.0, 30.5, outline=(120, 130, 140), width=0.2, radius=1.0)
        back.picture(bx + 1.5, 14.0, bx + 11.5, 29.5, artwork.fingerprint(seed + 10 + i))
        back.text(bx + 6.5, 32.6, vi, st.family.regular, 3.6, INK, align="center")
        back.text(bx + 6.5, 34.4, en, st.family.italic, 3.2, INK, align="center")
    _mrz(back, st, rng, f["mrz"])
    return front, back


def _director_name(seed: int) -> str:
    """A fictitious signer (real cards carry the director general's name)."""
    return make_full_name(random.Random(seed * 7 + 1), "Nam")


def _can_cuoc_2024(rng: random.Random, seed: int, p: Person, f: dict[str, Any], st: CardStyle) -> tuple[Page, Page]:
    front = Page(CARD_W, CARD_H, (240, 236, 240))
    _background(front, seed, (242, 236, 240), (200, 160, 190), (150, 190, 215))
    front.picture(3 + st.dx, 2.5 + st.dy, 15 + st.dx, 14.5 + st.dy, artwork.emblem())
    _header(front, st, 48.0, 62.0, "CĂN CƯỚC", "IDENTITY CARD", 5.0)
    front.picture(3.5 + st.dx, 21 + st.dy, 21 + st.dx, 43 + st.dy, artwork.photo_placeholder(seed), jpeg=True)
    front.picture(6.5 + st.dx, 44.5 + st.dy, 17.5 + st.dx, 52.5 + st.dy, artwork.chip())
    x, right, y = 24.0 + st.dx, 84.0, 25.0 + st.dy
    _label(front, st, x, y, "Số định danh cá nhân", "Personal identification number")
    y += 4.0
    front.text(x, y, f["id_number"], st.family.bold, st.value_size * 1.35, (90, 20, 20), field="id_number")
    y += 3.7
    _label(front, st, x, y, "Họ, chữ đệm và tên khai sinh", "Full name")
    y += 3.6
    front.text(x, y, f["full_name"], st.family.bold, _fit(f["full_name"], st.family.bold, st.value_size * 1.1, right - x), INK,
               field="full_name")
    y += 3.6
    end = _label(front, st, x, y, "Ngày, tháng, năm sinh", "Date of birth")
    front.text(end + 1.0, y, dmy(date.fromisoformat(f["date_of_birth"])), st.family.bold, st.value_size * 0.9, INK,
               field="date_of_birth")
    y += 3.4
    end = _label(front, st, x, y, "Giới tính", "Sex")
    end = front.text(end + 1.0, y, f["sex"], st.family.bold, st.value_size * 0.9, INK, field="sex")
    end = _label(front, st, max(end + 4.0, x + 25), y, "Quốc tịch", "Nationality")
    front.text(end + 1.0, y, f["nationality"], st.family.bold, st.value_size * 0.9, INK, field="nationality")

    back = Page(CARD_W, CARD_H, (238, 240, 244))
    _background(back, seed + 1, (240, 240, 246), (170, 170, 210), (215, 190, 210))
    back.picture(3.0 + st.dx * 0.3, 3.0, 19.5 + st.dx * 0.3, 19.5, artwork.qr_code(f["qr"]), field="qr")
    x, right, y = 22.0 + st.dx, 84.0, 5.0 + st.dy
    end = _label(back, st, x, y, "Nơi cư trú", "Place of residence")
    y = _value_lines(back, st, x, y + 2.9, x - 1.0, right, f["place_of_residence"], 2.8, 3,
                     field="place_of_residence") + 0.4
    _label(back, st, x, y, "Nơi đăng ký khai sinh", "Place of birth")
    y = _value_lines(back, st, x, y + 2.9, x - 1.0, right, f["place_of_birth_registration"], 2.8, 2,
                     field="place_of_birth_registration") + 0.4
    end = _label(back, st, x, y, "Ngày, tháng, năm cấp", "Date of issue")
    back.text(end + 1.0, y, dmy(date.fromisoformat(f["issue_date"])), st.family.bold, st.value_size * 0.9, INK,
              field="issue_date")
    y += 3.0
    end = _label(back, st, x, y, "Ngày, tháng, năm hết hạn", "Date of expiry")
    expiry = "Không thời hạn" if f["expiry_no_expiry"] else dmy(date.fromisoformat(f["expiry_date"]))
    back.text(end + 1.0, y, expiry, st.family.bold, st.value_size * 0.9, INK, field="expiry_date")
    back.text(11.0 + st.dx, 24.0, "BỘ CÔNG AN", st.family.bold, 5.2, INK, align="center")
    back.text(11.0 + st.dx, 26.0, "MINISTRY OF PUBLIC SECURITY", st.family.regular, _fit("MINISTRY OF PUBLIC SECURITY", st.family.regular, 3.4, 17), INK, align="center")
    _mrz(back, st, rng, f["mrz"])
    return front, back


FRONT_FIELDS = {
    "cccd_2021": ["id_number", "full_name", "date_of_birth", "sex", "nationality", "place_of_origin",
                  "place_of_residence", "expiry_date", "expiry_no_expiry", "qr"],
    "can_cuoc_2024": ["id_number", "full_name", "date_of_birth", "sex", "nationality"],
}
BACK_FIELDS = {
    "cccd_2021": ["personal_identification", "issue_date", "mrz"],
    "can_cuoc_2024": ["qr", "place_of_residence", "place_of_birth_registration", "issue_date", "expiry_date",
                      "expiry_no_expiry", "mrz"],
}


def card_issue_date(rng: random.Random, p: Person, variant: str, today: date) -> date:
    """2021 cards were issued 2021 – mid 2024 from the age of 14; 2024 cards since July 2024."""
    if variant == "cccd_2021":
        start = max(date(2021, 1, 1), add_years(p.birth, 14))
        return random_date(rng, start, max(start, date(2024, 6, 30)))
    start = max(date(2024, 7, 1), add_years(p.birth, 14))
    return random_date(rng, start, max(start, today))


def make_id_card(rng: random.Random, seed: int, p: Person, variant: str, today: date) -> Document:
    issue = card_issue_date(rng, p, variant, today)
    expiry = card_expiry(p.birth, issue)
    residence: Address = address_for(rng, issue, short=rng.random() < 0.5)
    f: dict[str, Any] = {
        "id_number": p.id_number,
        "full_name": p.name_caps,
        "date_of_birth": p.birth.isoformat(),
        "sex": p.sex,
        "nationality": p.nationality,
        "place_of_residence": residence.text,
        "issue_date": issue.isoformat(),
        "expiry_date": expiry.isoformat() if expiry else None,
        "expiry_no_expiry": expiry is None,
        "mrz": make_mrz(p, expiry),
        "qr": make_qr_payload(p, residence.text, issue, trailing_blanks=rng.choice([0, 0, 0, 1])),
    }
    st = CardStyle.pick(rng)
    if variant == "cccd_2021":
        f["place_of_origin"] = p.origin.text if p.origin else ""
        f["personal_identification"] = personal_identification(rng)
        front, back = _cccd_2021(rng, seed, p, f, st)
    else:
        f["place_of_birth_registration"] = old_address(rng, p.birth_code, with_street=False).text
        front, back = _can_cuoc_2024(rng, seed, p, f, st)
    sides = {
        "front": {k: f[k] for k in FRONT_FIELDS[variant]},
        "back": {k: f[k] for k in BACK_FIELDS[variant]},
    }
    return Document("id_card", variant, [front, back], f, sides)


def pick_card_variant(rng: random.Random, p: Person, today: date) -> str:
    """2021 cards need the holder to have been 14 before mid-2024."""
    if age_on(p.birth, date(2024, 6, 30)) < 14:
        return "can_cuoc_2024"
    return "cccd_2021" if rng.random() < 0.55 else "can_cuoc_2024"
