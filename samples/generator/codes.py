"""Machine-readable parts of chip ID cards: ICAO 9303 TD1 MRZ, QR payload, expiry rules."""

from __future__ import annotations

from datetime import date

from .people import Person, add_years, age_on
from .vietnamese import strip_diacritics

MRZ_LINE_LENGTH = 30
_WEIGHTS = (7, 3, 1)


def mrz_char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if ch == "<":
        return 0
    return ord(ch) - ord("A") + 10


def check_digit(field: str) -> str:
    return str(sum(mrz_char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def _pad(text: str, length: int) -> str:
    return (text + "<" * length)[:length]


def mrz_name(full_name: str) -> str:
    """SURNAME<<GIVEN<NAMES, ASCII capitals, truncated to one line."""
    words = strip_diacritics(full_name).upper().split()
    return _pad(words[0] + "<<" + "<".join(words[1:]), MRZ_LINE_LENGTH)


def _yymmdd(d: date) -> str:
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"


def make_mrz(person: Person, expiry: date | None) -> str:
    """Three TD1 lines joined by newline.

    Line 1 follows real Vietnamese cards: IDVNM, the last 9 digits of the id
    number, its check digit, then the 12-digit id number, '<<' and the check
    digit of that id number. A card without expiry gets '<<<<<<' with the
    filler '<' as its check digit.
    """
    doc_number = person.id_number[-9:]
    line1 = f"IDVNM{doc_number}{check_digit(doc_number)}{person.id_number}<<{check_digit(person.id_number)}"
    birth = _yymmdd(person.birth)
    expiry_field = _yymmdd(expiry) if expiry else "<<<<<<"
    expiry_check = check_digit(expiry_field) if expiry else "<"
    sex = "F" if person.sex == "Nữ" else "M"
    line2 = _pad(f"{birth}{check_digit(birth)}{sex}{expiry_field}{expiry_check}VNM", 29)
    composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line2 += composite
    line3 = mrz_name(person.full_name)
    assert len(line1) == len(line2) == len(line3) == MRZ_LINE_LENGTH
    return "\n".join([line1, line2, line3])


def make_qr_payload(person: Person, address: str, issue: date, trailing_blanks: int = 0) -> str:
    """id|old_id|full_name|ddmmyyyy(birth)|sex|address|ddmmyyyy(issue), capitals as printed."""
    fields = [
        person.id_number,
        person.old_id,
        person.name_caps,
        person.birth.strftime("%d%m%Y"),
        person.sex,
        address,
        issue.strftime("%d%m%Y"),
    ]
    return "|".join(fields + [""] * trailing_blanks)


def card_expiry(birth: date, issue: date) -> date | None:
    """Cards expire on the 14th (children's cards), 25th, 40th or 60th birthday; one
    issued within two years before 25/40/60 runs to the next milestone; one issued
    from the age of 58 never expires ("Không thời hạn")."""
    if age_on(birth, issue) < 14:
        return add_years(birth, 14)
    for milestone in (25, 40, 60):
        if add_years(birth, milestone - 2) > issue:
            return add_years(birth, milestone)
    return None
