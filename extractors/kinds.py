"""Value kinds: turn the words printed after a label into the spec's normal form, and judge them.

Each reader returns a ``Reading``: the normalised value (or None), how much it
can be trusted relative to the OCR (``factor``), and what is wrong with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from rapidfuzz import fuzz, process

from extractors.readers.dates import parse_date, parse_date_in_words, parse_year
from extractors.readers.ids import normalise_id_number
from extractors.readers.names import normalise_name
from extractors.readers.text import clean_value, fold

DATA = Path(__file__).parent / "data"
REPAIRED = 0.8  # a value that needed OCR repairs (a lost slash, O for 0) is plausible, not certain
DOUBTFUL = 0.5

_SYLLABLE = re.compile(r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$")
_CODE = re.compile(r"[0-9A-Za-zĐđ][0-9A-Za-zĐđ/\-.]*")


@dataclass
class Reading:
    value: str | None
    factor: float = 1.0
    problems: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


def read_text(raw: str) -> Reading:
    value = clean_value(raw)
    return Reading(value or None)


def read_name(raw: str) -> Reading:
    value = normalise_name(raw)
    if not value:
        return Reading(None, problems=["no name found"])
    odd = [w for w in fold(value).split() if not _SYLLABLE.match(w)]
    if odd or len(value.split()) < 2:
        return Reading(value, DOUBTFUL, ["name: unusual spelling for a Vietnamese name"])
    return Reading(value)


def read_date(raw: str) -> Reading:
    reading = parse_date(raw)
    if reading is None:
        return Reading(None, problems=["date: no valid date"])
    return Reading(reading.iso, REPAIRED if reading.repaired else 1.0)


def read_date_in_words(raw: str) -> Reading:
    reading = parse_date_in_words(raw)
    if reading is None:
        return Reading(clean_value(raw) or None, DOUBTFUL, ["date in words: not understood"])
    # the value is the words as printed; the date they spell is kept for cross-checks
    return Reading(clean_value(raw), REPAIRED if reading.repaired else 1.0, extra={"iso": reading.iso})


def read_year(raw: str) -> Reading:
    year = parse_year(raw)
    return Reading(year) if year else Reading(None, problems=["year: no valid year"])


def read_sex(raw: str) -> Reading:
    folded = re.sub(r"[^a-z]", "", fold(raw))[:4]
    if folded in ("nam", "male", "m"):
        return Reading("Nam")
    if folded in ("nu", "female", "f"):
        return Reading("Nữ")
    match = process.extractOne(folded, {"Nam": "nam", "Nữ": "nu"}, scorer=fuzz.ratio, score_cutoff=60)
    if match:
        return Reading(match[2], REPAIRED)
    return Reading(None, problems=["sex: neither Nam nor Nữ"])


_TABLE_RULES = re.compile(r"[|\[\]{}()_]")  # ruling and brackets glued to numbers in scanned tables


def read_id_number(raw: str) -> Reading:
    raw = _TABLE_RULES.sub(" ", raw)
    value = normalise_id_number(raw)
    if value is None:
        return Reading(None, problems=["id number: not 12 (or 9) digits"])
    digits_as_printed = sum(ch.isdigit() for ch in raw)
    return Reading(value, 1.0 if digits_as_printed >= len(value) else REPAIRED)


def read_code(raw: str) -> Reading:
    """Certificate and book numbers as printed: '123/2024', '01/2024-KS'."""
    match = _CODE.search(clean_value(raw))
    return Reading(match.group(0).strip(".-")) if match else Reading(None, problems=["number: not found"])


def read_address(raw: str) -> Reading:
    from extractors.readers.addresses import resolve_address

    text = clean_value(raw)
    if not text:
        return Reading(None, problems=["address: empty"])
    resolved = resolve_address(text)
    extra = {"province": resolved.province, "ward": resolved.ward}
    if resolved.province is None:
        return Reading(text, DOUBTFUL, ["address: province not recognised"], extra)
    return Reading(text, 1.0, [], extra)


@lru_cache(maxsize=1)
def ethnic_groups() -> dict[str, str]:
    names = json.loads((DATA / "ethnic_groups.json").read_text(encoding="utf-8"))
    return {fold(name): name for name in names}


def read_ethnicity(raw: str) -> Reading:
    return _snap(clean_value(raw), ethnic_groups(), "ethnicity")


def read_nationality(raw: str) -> Reading:
    return _snap(clean_value(raw), {"viet nam": "Việt Nam", "vietnam": "Việt Nam"}, "nationality", keep_unknown=True)


def _snap(text: str, known: dict[str, str], what: str, keep_unknown: bool = False) -> Reading:
    """The official spelling of a value from a closed list, tolerating OCR damage."""
    if not text:
        return Reading(None, problems=[f"{what}: empty"])
    folded = fold(text)
    if folded in known:
        return Reading(known[folded])
    match = process.extractOne(folded, known.keys(), scorer=fuzz.ratio, score_cutoff=75)
    if match:
        return Reading(known[match[0]], REPAIRED)
    if keep_unknown:
        return Reading(text, DOUBTFUL, [f"{what}: not a common value"])
    return Reading(text, DOUBTFUL, [f"{what}: not in the list"])


def read_expiry(raw: str) -> Reading:
    if "khong thoi han" in fold(raw) or fuzz.partial_ratio("khong thoi han", fold(raw)) >= 85:
        return Reading(None, 1.0, extra={"no_expiry": True})
    return read_date(raw)


def read_authority(raw: str) -> Reading:
    return read_text(raw)


READERS: dict[str, Callable[[str], Reading]] = {
    "text": read_text,
    "name": read_name,
    "date": read_date,
    "date_in_words": read_date_in_words,
    "year": read_year,
    "sex": read_sex,
    "id_number": read_id_number,
    "code": read_code,
    "address": read_address,
    "nationality": read_nationality,
    "ethnicity": read_ethnicity,
    "expiry": read_expiry,
    "authority": read_authority,
}
