"""Vietnamese text helpers: dates as printed, dates in words, diacritics removal."""

from __future__ import annotations

import unicodedata
from datetime import date

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_MONTHS = ["một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def nfc(text: str) -> str:
    """NFC with single spaces: the spec's normal form for every text value."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def strip_diacritics(text: str) -> str:
    """Letters without tone/vowel marks, Đ→D (as ICAO MRZ names are written)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _two_digits(n: int) -> str:
    """Words for 0..99 with the usual euphonic changes (mốt, lăm, tư, mươi)."""
    if n < 10:
        return _DIGITS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 1 and tens > 1:
        tail = "mốt"
    elif unit == 5:
        tail = "lăm"
    elif unit == 4 and tens > 1:
        tail = "tư"
    else:
        tail = _DIGITS[unit]
    return f"{head} {tail}"


def number_in_words(n: int) -> str:
    """Words for 0..9999, the range needed for years (e.g. 2005 → hai nghìn không trăm linh năm)."""
    if n < 100:
        return _two_digits(n)
    thousands, rest = divmod(n, 1000)
    hundreds, below = divmod(rest, 100)
    parts: list[str] = []
    if thousands:
        parts.append(f"{_DIGITS[thousands]} nghìn")
    if hundreds or thousands:
        if below == 0 and hundreds == 0:
            return " ".join(parts)
        parts.append(f"{_DIGITS[hundreds]} trăm")
    if below:
        parts.append(f"linh {_DIGITS[below]}" if below < 10 else _two_digits(below))
    return " ".join(parts)


def date_in_words(d: date, day_prefix_mong: bool = False) -> str:
    """The 'ghi bằng chữ' form of a birth certificate, e.g. Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi."""
    day = _two_digits(d.day)
    if day_prefix_mong and d.day <= 10:
        day = f"mồng {day}"
    return f"Ngày {day} tháng {_MONTHS[d.month - 1]} năm {number_in_words(d.year)}"


def dmy(d: date, sep: str = "/") -> str:
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year:04d}"


def place_date_line(city: str, d: date) -> str:
    """The line above a signature: 'Hà Nội, ngày 05 tháng 03 năm 2024'."""
    return f"{city}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
