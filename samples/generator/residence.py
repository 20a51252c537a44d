"""Mẫu CT07: Giấy xác nhận thông tin về cư trú, with the household-members table."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from .forms import A4_H, A4_W, INK, FormStyle, authority_header, centered_lines, field, national_header, signature_block
from .layout import Page, wrap_words
from .model import Document
from .names import make_full_name
from .people import Family, Person, random_date
from .places import REORGANISATION_DATE, Address, new_address, old_address, short_province
from .vietnamese import dmy, place_date_line

TABLE_HEADER = ["STT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số định danh cá nhân", "Quan hệ với chủ hộ"]
TABLE_WEIGHTS = [8, 46, 27, 16, 34, 25]


def _police_lines(address: Address) -> tuple[list[str], str, str]:
    """Header lines, the issuing authority as printed (bold line) and its name inside a sentence."""
    ward_word, _, ward_name = address.ward.partition(" ")
    authority = f"CÔNG AN {address.ward.upper()}"
    sentence = f"Công an {ward_word.lower()} {ward_name}"
    parent = address.district or address.province
    return [f"CÔNG AN {parent.upper()}", authority], authority, sentence


def _member_row(p: Person) -> dict[str, Any]:
    return {"full_name": p.name_caps, "date_of_birth": p.birth.isoformat(), "sex": p.sex,
            "id_number": p.id_number, "relation_to_head": p.relation_to_head}


def _table(page: Page, st: FormStyle, y: float, rows: list[dict[str, Any]], block: int) -> float:
    """Ruled table; header cells wrap and are centred, body cells left aligned."""
    x0, x1 = st.left, st.right
    total = sum(TABLE_WEIGHTS)
    widths = [(x1 - x0) * w / total for w in TABLE_WEIGHTS]
    edges = [x0]
    for w in widths:
        edges.append(edges[-1] + w)
    size = st.size * 0.88
    line_h = size * 0.45
    header_cells = [wrap_words(h, st.family.bold, size, w - 2, w - 2) for h, w in zip(TABLE_HEADER, widths)]
    header_h = max(len(c) for c in header_cells) * line_h + 2.5
    body: list[list[list[str]]] = []
    for i, r in enumerate(rows, 1):
        texts = [str(i), r["full_name"], dmy(date.fromisoformat(r["date_of_birth"])), r["sex"], r["id_number"], r["relation_to_head"]]
        body.append([wrap_words(t, st.family.regular, size, w - 2.5, w - 2.5) for t, w in zip(texts, widths)])
    heights = [header_h] + [max(len(c) for c in cells) * line_h + 2.5 for cells in body]
    top = y
    for r_idx, (cells, h) in enumerate(zip([header_cells] + body, heights)):
        for c_idx, lines in enumerate(cells):
            cy = top + 1.2 + line_h * 0.8 + (h - 2.5 - len(lines) * line_h) / 2
            for line in lines:
                if r_idx == 0:
                    page.text((edges[c_idx] + edges[c_idx + 1]) / 2, cy, line, st.family.bold, size, INK, align="center", block=block)
                elif c_idx in (0, 3):
                    page.text((edges[c_idx] + edges[c_idx + 1]) / 2, cy, line, st.family.regular, size, INK, align="center", block=block)
                else:
                    page.text(edges[c_idx] + 1.2, cy, line, st.family.regular, size, INK, block=block)
                cy += line_h
        top += h
    for edge in edges:
        page.line(edge, y, edge, top, width=0.25)
    row_y = y
    page.line(x0, row_y, x1, row_y, width=0.25)
    for h in heights:
        row_y += h
        page.line(x0, row_y, x1, row_y, width=0.25)
    return top


def make_residence_confirmation(rng: random.Random, seed: int, family: Family, subject: Person, today: date) -> Document:
    st = FormStyle.pick(rng, dense=True)
    page = Page(A4_W, A4_H)
    issued = random_date(rng, date(2024, 3, 1), today) if rng.random() < 0.2 else random_date(rng, REORGANISATION_DATE, today)
    permanent = family.head.residence if (issued >= REORGANISATION_DATE and family.head.residence) else old_address(rng)
    header, authority, sentence = _police_lines(permanent)
    left_cx, right_cx = st.left + rng.uniform(30, 36), st.right - rng.uniform(42, 48)
    y_left = authority_header(page, st, left_cx, st.top + 6, header, block=0)
    page.text(left_cx, y_left + 2, f"Số: {rng.randint(10, 9999)}/XN", st.family.regular, st.size, align="center", block=0)
    y_right = national_header(page, st, right_cx, st.top + 6, block=1)
    y = max(y_left + 2 + st.step, y_right) + st.step * 0.8
    y = centered_lines(page, st, A4_W / 2, y, [("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", True, st.size * 1.3)], st.step * 1.5, block=2)
    page.text(st.left + 8, y, f"{sentence} xác nhận thông tin về cư trú của công dân như sau:", st.family.regular, st.size, block=3)
    y += st.step
    temporary = None
    if rng.random() < 0.2:
        temporary = old_address(rng).text if issued < REORGANISATION_DATE else _other_new_address(rng, permanent)
    members = [p for p in family.everyone if p is not subject]
    f: dict[str, Any] = {
        "full_name": subject.name_caps, "date_of_birth": subject.birth.isoformat(), "sex": subject.sex,
        "id_number": subject.id_number, "permanent_residence": permanent.text, "temporary_residence": temporary,
        "current_residence": temporary or permanent.text, "household_head_name": family.head.name_caps,
        "relation_to_head": subject.relation_to_head, "household_head_id_number": family.head.id_number,
        "household_members": [_member_row(p) for p in members[:5]],
        "issuing_authority": sentence, "issue_date": issued.isoformat(),
    }
    numbered = [
        ("Họ, chữ đệm và tên", f["full_name"]), ("Ngày, tháng, năm sinh", dmy(subject.birth)), ("Giới tính", f["sex"]),
        ("Số định danh cá nhân", f["id_number"]), ("Nơi thường trú", f["permanent_residence"]),
        ("Nơi tạm trú", temporary), ("Nơi ở hiện tại", f["current_residence"]),
        ("Họ, chữ đệm và tên chủ hộ", f["household_head_name"]), ("Quan hệ với chủ hộ", f["relation_to_head"]),
        ("Số định danh cá nhân của chủ hộ", f["household_head_id_number"]),
    ]
    for i, (label, value) in enumerate(numbered, 1):
        y = field(page, st, st.left, y, f"{i}. {label}", value, block=3)
    page.text(st.left, y, f"{len(numbered) + 1}. Thông tin về các thành viên khác trong hộ gia đình:", st.family.regular, st.size, block=3)
    y = _table(page, st, y + st.step * 0.5, f["household_members"], block=4) + st.step
    page.text(st.left, y, "Giấy xác nhận này có giá trị 30 ngày kể từ ngày cấp.", st.family.italic, st.size * 0.95, block=5)
    y += st.step * 1.2
    titles = rng.choice([["TRƯỞNG CÔNG AN"], ["KT. TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN"], ["TRƯỞNG " + authority]])
    signer = make_full_name(random.Random(seed * 19 + 7), rng.choice(["Nam", "Nữ"]))
    place = short_province(permanent.province)
    y_sig = min(y, A4_H - 60)
    signature_block(page, st, rng, seed + 90, st.right - 45, y_sig, place_date_line(place, issued), titles, signer,
                    f"{authority} * {short_province(permanent.province).upper()}", note="(Ký, ghi rõ họ tên và đóng dấu)", block=6)
    return Document("residence_confirmation", None, [page], f)


def _other_new_address(rng: random.Random, not_this: Address) -> str:
    for _ in range(5):
        a = new_address(rng)
        if a.text != not_this.text:
            return a.text
    return a.text
