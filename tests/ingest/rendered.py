"""Tiny rendered inputs for ingest and flow tests: ID-card sides (~1 s of real OCR each) and bad files."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from render import encode, font

FRONT_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "CĂN CƯỚC CÔNG DÂN",
    "Số / No.: {id_number}",
    "Họ và tên / Full name: {full_name}",
    "Ngày sinh / Date of birth: {birth}",
]
BACK_LINES = [
    "Nơi đăng ký khai sinh / Place of birth:",
    "Phường Đa Kao, Thành phố Hồ Chí Minh",
    "Ngày, tháng, năm cấp / Date of issue: 10/03/2025",
    "Ngày, tháng, năm hết hạn / Date of expiry: 15/03/2030",
    "BỘ CÔNG AN",
]
PERSON = {"id_number": "001190012345", "full_name": "NGUYỄN VĂN AN", "birth": "15/03/1990"}
OTHER_PERSON = {"id_number": "001090054321", "full_name": "TRẦN VĂN BÌNH", "birth": "20/08/1990"}


def card_image(lines: list[str], width: int = 1011) -> np.ndarray:
    """A pale ID-1 card (85.6 × 54 mm at ~300 dpi) with ``lines`` printed on it (BGR)."""
    height = int(round(width * 54 / 85.6))
    card = Image.new("RGB", (width, height), (226, 238, 232))
    draw = ImageDraw.Draw(card)
    face = font(30)
    for index, line in enumerate(lines):
        draw.text((60, 40 + 60 * index), line, font=face, fill=(20, 20, 30))
    return np.asarray(card)[:, :, ::-1].copy()


def card_front(person: dict[str, str] = PERSON) -> bytes:
    return encode(card_image([line.format(**person) for line in FRONT_LINES]))


def card_back() -> bytes:
    """The back of a card with neither QR nor MRZ readable: it carries no id number."""
    return encode(card_image(BACK_LINES))


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage that is not a PDF body\n"


def truncated_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
