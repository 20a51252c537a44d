"""The QR code of Vietnamese id cards: finding and decoding it, and reading its payload.

Payload: ``id|old_id|full_name|ddmmyyyy(birth)|sex|address|ddmmyyyy(issue)``;
``old_id`` empty, 9 or 12 digits; some cards append empty fields (accepted), any
other extra content is refused.

Decoding tries the cheap things first and stops at the first success: zxing-cpp on
the whole image, then on crops of the corners (2021 cards: top right on the front;
2024: top left on the back) upscaled ×2 to ×4, on the blue channel (the card's
coloured guilloche fades there) and binarised (Otsu, adaptive); OpenCV's
``QRCodeDetector`` last. A time budget bounds the search.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from typing import Literal
from collections.abc import Iterator, Sequence

import cv2
import numpy as np
import zxingcpp

from pipeline.text import fold, nfc

Corner = Literal["top_left", "top_right", "bottom_left", "bottom_right"]
CORNERS: tuple[Corner, ...] = ("top_right", "top_left", "bottom_right", "bottom_left")
DEFAULT_BUDGET_S = 1.5
FIELDS = 7


@dataclass(frozen=True)
class QrReading:
    id_number: str
    old_id_number: str | None
    full_name: str
    date_of_birth: str  # ISO
    sex: Literal["Nam", "Nữ"]
    address: str
    issue_date: str  # ISO
    raw: str


def _ddmmyyyy(text: str) -> str | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2])).isoformat()
    except ValueError:
        return None


def parse_qr_payload(text: str | None) -> QrReading | None:
    """The fields of an id-card QR payload, NFC and ISO dates; None when it is not one
    (wrong field count, non-empty extra fields, bad id, impossible date, unknown sex)."""
    if not text:
        return None
    parts = [nfc(p) for p in text.strip().split("|")]
    if len(parts) < FIELDS or any(parts[FIELDS:]):
        return None
    id_number, old_id, name, birth, sex, address, issued = parts[:FIELDS]
    if not re.fullmatch(r"\d{12}", id_number):
        return None
    if old_id and not re.fullmatch(r"\d{9}|\d{12}", old_id):
        return None
    sex_norm = {"nam": "Nam", "nu": "Nữ"}.get(fold(sex))
    birth_iso, issue_iso = _ddmmyyyy(birth), _ddmmyyyy(issued)
    if not name or not address or sex_norm is None or birth_iso is None or issue_iso is None:
        return None
    return QrReading(id_number=id_number, old_id_number=old_id or None, full_name=name,
                     date_of_birth=birth_iso, sex=sex_norm, address=address,  # type: ignore[arg-type]
                     issue_date=issue_iso, raw=nfc(text))


# --- decoding ----------------------------------------------------------------

def _text_of(barcode: zxingcpp.Barcode) -> str:
    """The payload as UTF-8 (card QRs carry no ECI; decoders may guess Latin-1)."""
    try:
        return bytes(barcode.bytes).decode("utf-8")
    except (UnicodeDecodeError, AttributeError):
        return barcode.text


Found = tuple[str, tuple[float, float, float, float] | None]  # the payload and where (x0, y0, x1, y1) in the view


def _zxing(image: np.ndarray) -> Found | None:
    try:
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    except Exception:  # noqa: BLE001 - a decoder failure is just "not found"
        return None
    for barcode in found:
        if barcode.valid:
            corners = [barcode.position.top_left, barcode.position.top_right,
                       barcode.position.bottom_right, barcode.position.bottom_left]
            xs, ys = [float(c.x) for c in corners], [float(c.y) for c in corners]
            return _text_of(barcode), (min(xs), min(ys), max(xs), max(ys))
    return None


def _opencv(image: np.ndarray) -> Found | None:
    try:
        text, points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    except cv2.error:
        return None
    if not text:
        return None
    box = None
    if points is not None and np.size(points) >= 8:
        corners = np.asarray(points, np.float64).reshape(-1, 2)
        box = (float(corners[:, 0].min()), float(corners[:, 1].min()), float(corners[:, 0].max()), float(corners[:, 1].max()))
    return text, box


Region = tuple[np.ndarray, tuple[int, int]]  # a crop and its top-left corner in the image


def _corner_crop(image: np.ndarray, corner: Corner) -> Region:
    """The corner region a card's QR sits in: 45 % of the width, 60 % of the height."""
    h, w = image.shape[:2]
    cw, ch = int(w * 0.45), int(h * 0.6)
    y0 = 0 if corner.startswith("top") else h - ch
    x0 = 0 if corner.endswith("left") else w - cw
    return image[y0:y0 + ch, x0:x0 + cw], (x0, y0)


def _crop_box(image: np.ndarray, box: Sequence[int], margin: float = 0.15) -> Region:
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box
    mx, my = int((x1 - x0) * margin), int((y1 - y0) * margin)
    left, top = max(0, x0 - mx), max(0, y0 - my)
    return image[top:min(h, y1 + my), left:min(w, x1 + mx)], (left, top)


def _views(region: np.ndarray) -> Iterator[tuple[np.ndarray, int]]:
    """Versions of a region worth decoding, cheapest and likeliest first, with their enlargement."""
    channels = [region] if region.ndim == 2 else [
        cv2.cvtColor(region, cv2.COLOR_BGR2GRAY), region[:, :, 0]]  # gray, blue
    for scale in (2, 3, 4):
        for channel in channels:
            if max(channel.shape[:2]) * scale > 3000:
                continue
            big = cv2.resize(channel, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            yield big, scale
            _, otsu = cv2.threshold(cv2.GaussianBlur(big, (3, 3), 0), 0, 255,
                                    cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            yield otsu, scale
            block = max(31, (min(big.shape[:2]) // 20) | 1)
            yield cv2.adaptiveThreshold(big, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                        cv2.THRESH_BINARY, block, 10), scale


def _placed(found: Found | None, origin: tuple[int, int], scale: int = 1) -> QrFound | None:
    """A decoding of a view, with its box in the image's pixels."""
    if found is None:
        return None
    text, box = found
    if box is None:
        return QrFound(text, None)
    x0, y0, x1, y1 = box
    return QrFound(text, (int(round(origin[0] + x0 / scale)), int(round(origin[1] + y0 / scale)),
                          int(round(origin[0] + x1 / scale)), int(round(origin[1] + y1 / scale))))


@dataclass(frozen=True)
class QrFound:
    text: str
    box: tuple[int, int, int, int] | None  # where the code is in the image, (x0, y0, x1, y1)


def decode_qr(image: np.ndarray, region_hint: Sequence[int] | Corner | None = None, *,
              budget_s: float = DEFAULT_BUDGET_S) -> str | None:
    """The text of the QR code in ``image`` (BGR or grayscale), or None (see ``find_qr``)."""
    found = find_qr(image, region_hint, budget_s=budget_s)
    return found.text if found is not None else None


def find_qr(image: np.ndarray, region_hint: Sequence[int] | Corner | None = None, *,
            budget_s: float = DEFAULT_BUDGET_S) -> QrFound | None:
    """The text of the QR code in ``image`` (BGR or grayscale), or None.

    Order: the whole image; plain crops of the hinted region and of every corner;
    then upscaled, blue-channel and binarised views of the hinted region only (or of
    every corner when there is no hint, so a page without a QR costs less when the
    caller knows where the QR would be); OpenCV's detector last. ``region_hint`` is a
    box ``(x0, y0, x1, y1)`` or a corner name. Stops at the first success or when
    ``budget_s`` is spent; typical success takes 2-20 ms on a card image. The text comes with the
    code's box in ``image`` (None when the decoder gave no position)."""
    if image is None or image.size == 0:
        return None
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    deadline = time.monotonic() + budget_s

    if found := _placed(_zxing(image), (0, 0)):
        return found
    hinted: list[Region] = []
    if isinstance(region_hint, str):
        hinted.append(_corner_crop(image, region_hint))
    elif region_hint is not None:
        hinted.append(_crop_box(image, region_hint))
    corners = [_corner_crop(image, c) for c in CORNERS if c != region_hint]
    for region, origin in hinted + corners:
        if region.size and (found := _placed(_zxing(region), origin)):
            return found
    for region, origin in hinted or corners:
        if not region.size:
            continue
        for view, scale in _views(region):
            if time.monotonic() > deadline:
                return None
            if found := _placed(_zxing(view), origin, scale):
                return found
    # OpenCV last: weaker on photocopies, but a different detector
    for candidate, origin in (*hinted, (image, (0, 0))):
        if time.monotonic() > deadline:
            return None
        if found := _placed(_opencv(candidate), origin):
            return found
    return None
