"""Personal id numbers (số định danh cá nhân / CCCD, 12 digits; old CMND, 9 digits).

Structure of the 12 digits (Thông tư 07/2016/TT-BCA, Nghị định 137/2015): digits 1-3
the province of birth registration (001-096, the 63 pre-2025 provinces, see
``extractors/data/id_province_codes.json``), digit 4 century and sex (0/1 1900s
male/female, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 1800s), digits 5-6 the last two
digits of the birth year, digits 7-12 a random number.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from pipeline.text import nfc

DATA = Path(__file__).resolve().parent.parent / "data" / "id_province_codes.json"

Sex = Literal["Nam", "Nữ"]

# OCR's letters for digits in a field that holds digits only.
_DIGIT_LIKE = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "U": "0", "Ø": "0", "ø": "0", "I": "1",
                             "l": "1", "i": "1", "|": "1", "!": "1", "L": "1", "B": "8",
                             "S": "5", "s": "5", "Z": "2", "z": "2", "G": "6", "b": "6",
                             "g": "9", "q": "9", "A": "4", "T": "7"})
_RUN = re.compile(r"[0-9OoQDUØøIli|!LBSsZzGbgqAT][0-9OoQDUØøIli|!LBSsZzGbgqAT .\-]*")
_BEFORE_A_NUMBER = ":(\"'“‘[#"  # what may stand right before an id number's first figure ("số:012345678")
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200,
            8: 1800, 9: 1800}


class IdNumberParts(NamedTuple):
    province: str | None  # province of birth registration (pre-2025 name), None if unknown
    century: int  # 1900, 2000, ...
    sex: Sex
    year2: str  # last two digits of the birth year


@lru_cache(maxsize=1)
def province_codes() -> dict[str, str]:
    """"001" → "Hà Nội", ..., "096" → "Cà Mau" (63 codes)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {code: entry["name"] for code, entry in data["codes"].items()}


@lru_cache(maxsize=1)
def province_codes_current() -> dict[str, str]:
    """"002" → "Tỉnh Tuyên Quang": the province each code's area is in since 2025-07-01."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {code: entry["current_province"] for code, entry in data["codes"].items()}


def normalise_id_number(text: str | None) -> str | None:
    """12 ASCII digits (or a 9-digit old CMND number) from OCR text, after letter-for-
    digit repairs (O→0, I/l→1, B→8, S→5, Z→2, G→6) and dropping spaces, dots and
    dashes inside the number; None when no run of 12 or 9 digits is there.
    ``normalise_id_number("Số: OO1O93 O12345")`` == "001093012345"."""
    if not text:
        return None
    text = nfc(text)
    found_9 = None
    for m in _RUN.finditer(text):
        # a run glued after a sign or a letter ("03§172232426": an 8 misread) is the end of a longer number
        glued = m.start() > 0 and not (text[m.start() - 1].isspace() or text[m.start() - 1] in _BEFORE_A_NUMBER)
        # the number may be printed in groups ("001 093 012 345") and OCR may glue a
        # neighbouring word's letter to the run: try every sequence of whole chunks
        chunks = [c for c in re.split(r"[ .\-]+", m.group(0)) if c]
        for i in range(len(chunks)):
            run = ""
            for chunk in chunks[i:]:
                run += chunk
                if len(run) > 12:
                    break
                digits = run.translate(_DIGIT_LIKE)
                if not digits.isdigit():
                    break
                real = sum(ch.isdigit() for ch in run)
                if len(digits) == 12 and real >= 8:
                    return digits
                if len(digits) == 9 and real >= 6 and found_9 is None and not (glued and i == 0):
                    found_9 = digits
    return found_9


def decode_id_number(id_number: str) -> IdNumberParts | None:
    """Province, century, sex and year digits of a 12-digit number; None otherwise."""
    if not (len(id_number) == 12 and id_number.isdigit() and id_number.isascii()):
        return None
    gender_century = int(id_number[3])
    return IdNumberParts(
        province=province_codes().get(id_number[:3]),
        century=_CENTURY[gender_century],
        sex="Nam" if gender_century % 2 == 0 else "Nữ",
        year2=id_number[4:6],
    )


def birth_year_from_id(id_number: str) -> int | None:
    """The birth year a 12-digit number encodes (century digit + digits 5-6)."""
    parts = decode_id_number(id_number)
    return parts.century + int(parts.year2) if parts else None


def check_id_number(id_number: str, date_of_birth: str | None = None,
                    sex: str | None = None) -> list[str]:
    """Problems with a personal id number, empty when none is found. Messages name
    the disagreement, never the values. A 9-digit CMND number has no structure to check.
    ``date_of_birth`` is ISO ("1993-04-28") or a year ("1993"); ``sex`` Nam/Nữ."""
    if len(id_number) == 9 and id_number.isdigit():
        return []
    parts = decode_id_number(id_number)
    if parts is None:
        return ["id_number: not 12 digits"]
    problems = []
    if parts.province is None:
        problems.append("id_number: unknown province code (digits 1-3)")
    if sex and nfc(sex) in ("Nam", "Nữ") and nfc(sex) != parts.sex:
        problems.append("id_number: sex digit (4) disagrees with sex")
    year_text = (date_of_birth or "")[:4]
    if year_text.isdigit() and len(year_text) == 4:
        year = int(year_text)
        if year - year % 100 != parts.century:
            problems.append("id_number: century digit (4) disagrees with the birth year")
        if f"{year % 100:02d}" != parts.year2:
            problems.append("id_number: digits 5-6 disagree with the birth year")
    return problems
