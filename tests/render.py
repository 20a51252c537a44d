"""Small renderers for pipeline tests: real Vietnamese text drawn with a real font, then damaged."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]

PARAGRAPH = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Trung tâm Phục vụ hành chính công thành phố Hà Nội tiếp nhận hồ sơ",
    "của công dân tại mười hai chi nhánh và các điểm tiếp nhận ở phường, xã.",
    "Người dân có thể nộp hồ sơ tại bất kỳ chi nhánh nào, không phụ thuộc",
    "vào nơi cư trú. Giấy tờ đã được số hóa sẽ không phải nộp lại lần nữa.",
    "Họ và tên người yêu cầu: Nguyễn Thị Hồng Nhung, sinh ngày 15/03/1990.",
    "Nơi thường trú: Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, Hà Nội.",
    "Quan hệ với người được cấp bản sao: mẹ đẻ; số điện thoại liên hệ.",
    "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu",
    "trách nhiệm trước pháp luật về cam đoan của mình. Ngày 20 tháng 11.",
]


def font(size: int) -> ImageFont.FreeTypeFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    raise RuntimeError("no TrueType font with Vietnamese glyphs installed")


def render_page(lines: list[str] = PARAGRAPH, dpi: int = 300, point_size: float = 12) -> np.ndarray:
    """A white A4 page at ``dpi`` with ``lines`` in a serif font (grayscale)."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face = font(int(point_size * dpi / 72))
    y = int(1.0 * dpi)
    for line in lines:
        draw.text((int(0.9 * dpi), y), line, font=face, fill=0)
        y += int(face.size * 1.6)
    return np.asarray(image).copy()


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by ``degrees`` on a white canvas large enough to hold it."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    return cv2.warpAffine(image, matrix, (new_w, new_h), borderValue=255)


def encode(image: np.ndarray, fmt: str = ".png", **params) -> bytes:
    ok, buffer = cv2.imencode(fmt, image, [int(v) for kv in params.items() for v in kv] if params else [])
    assert ok
    return buffer.tobytes()


def to_pil_bytes(image: np.ndarray, fmt: str, **save_args) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image).save(out, format=fmt, **save_args)
    return out.getvalue()


CARD_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "CĂN CƯỚC CÔNG DÂN",
    "Số / No.: 001190012345",
    "Họ và tên / Full name: NGUYỄN VĂN AN",
    "Ngày sinh / Date of birth: 15/03/1990",
]


def render_card(width: int = 1011) -> np.ndarray:
    """A colour ID-1 card (85.6 × 54 mm at ~300 dpi): pale background, a photo box and text."""
    height = int(round(width * 54 / 85.6))
    card = Image.new("RGB", (width, height), (226, 238, 232))
    draw = ImageDraw.Draw(card)
    draw.rectangle((40, 260, 260, 540), fill=(150, 150, 160))  # the photo
    face = font(30)
    y = 40
    for index, line in enumerate(CARD_LINES):
        x = 300 if index >= 3 else 160
        draw.text((x, y), line, font=face, fill=(20, 20, 30))
        y += 70 if index >= 2 else 44
    return np.asarray(card)[:, :, ::-1].copy()  # BGR


def photograph(document: np.ndarray, canvas_size: tuple[int, int] = (1600, 1200), seed: int = 1) -> np.ndarray:
    """The document lying on a dark wooden-looking desk, seen at an angle, lit unevenly."""
    rng = np.random.default_rng(seed)
    width, height = canvas_size
    grain = rng.normal(0, 12, (height, width)).astype(np.float32)
    grain = cv2.GaussianBlur(grain, (0, 0), sigmaX=9, sigmaY=1)
    desk = np.stack([70 + grain, 50 + grain, 35 + grain], axis=2).clip(0, 255).astype(np.uint8)
    doc_h, doc_w = document.shape[:2]
    source = np.float32([[0, 0], [doc_w, 0], [doc_w, doc_h], [0, doc_h]])
    target = np.float32([[330, 300], [1270, 250], [1330, 880], [280, 950]])
    matrix = cv2.getPerspectiveTransform(source, target)
    warped = cv2.warpPerspective(document, matrix, (width, height))
    mask = cv2.warpPerspective(np.full((doc_h, doc_w), 255, np.uint8), matrix, (width, height))
    photo = np.where(mask[..., None] > 0, warped, desk)
    light = np.linspace(1.0, 0.75, width, dtype=np.float32)[None, :, None]
    return (photo.astype(np.float32) * light).clip(0, 255).astype(np.uint8)
