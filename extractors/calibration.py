"""Calibrated confidence: "≥ 0.9" means a value may go into a record without a person's look.

An OCR confidence is the weakest word's Tesseract confidence, lowered by anything doubtful: it
orders values well but its scale differs by kind (a name of common syllables is surer at 0.85 than
an address at 0.95). ``data/calibration.json`` holds, per kind of value and per evidence (read
once, or read twice alike), the raw confidence from which no value was wrong on the set it was
fitted on (``hoso-tools calibrate``); that point is mapped to 0.9, and the scale on either side is
stretched linearly, so the order of values never changes. Values from a QR code, an MRZ, a text
layer or a reviewer keep their confidence: they are not OCR guesses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from extractors.kinds import (BACKSLASH_NOTE, PRINTED_OTHERWISE_NOTE, RESPELLED_NOTE, UNIT_REPAIRED, street_registered,
                              units_registered)
from extractors.spec import TypeSpec
from schemas import Document, Field

TABLE_PATH = Path(__file__).parent / "data" / "calibration.json"
ACCEPT = 0.9  # the confidence from which a value is accepted without a look (extractors.validate.TRUSTED)
CORROBORATED = "read twice alike"  # the note a field carries when a second reading agreed
# the note of a value that enlarged readings of its crop gave instead of the page's: a repair by vote,
# for a person to confirm whatever its raw confidence (kept below ACCEPT)
READ_AGAIN = "read again: the page's reading outvoted"
# the note of a value put right from the document's other values (a date a digit or two from the one they imply)
DERIVED = "derived: "
CHECKED_WORDING = "every word in the prescribed wording, a registered place's or a name's, or a valid figure"
# a status that is one of the prescribed statuses in full ("Chưa đăng ký kết hôn với ai"): a closed list's member
WHOLE_STATUS = "a prescribed status in full, word for word"
# a sentence checked but for people's names, each of which a second reading of its crop gave with the same marks
NAMES_READ_TWICE = "every word checked, and its names read twice alike"
LABEL_TAIL_DROPPED = "text: the rest of a misread label dropped"  # where the label ended was guessed
DIFFERS = "a second reading differs"  # the note when a second reading gave another value
# the most a repaired value, or one whose two readings differ, may keep: a person chooses
REPAIR_CEILING = 0.85
# value kinds grouped by how OCR fails on them (free text and codes of a closed vocabulary apart)
KIND_GROUPS = {
    "name": "name",
    "date": "date", "date_in_words": "date", "year": "date", "expiry": "date",
    "id_number": "number", "code": "number",
    "address": "address", "unit_address": "address", "place": "address",
    "identifying_marks": "marks",
    "sex": "vocabulary", "nationality": "vocabulary", "ethnicity": "vocabulary", "relation": "vocabulary",
}
_enabled = {"calibrate": True}  # off only while the table is fitted (hoso-tools calibrate)


class Threshold(BaseModel):
    accept_from: float  # the raw confidence mapped to ACCEPT (1.0 or more: never accepted unseen)
    support: int  # values at or above it in the fitting set (all right)
    seen: int  # values of this group in the fitting set


class CalibrationTable(BaseModel):
    fitted_with: str
    groups: dict[str, Threshold]


@cache
def table() -> CalibrationTable | None:
    return CalibrationTable.model_validate(json.loads(TABLE_PATH.read_text(encoding="utf-8"))) \
        if TABLE_PATH.exists() else None


LONG_TEXT = 60  # characters: a sentence has more letters to misread than a short value


def group_of(kind: str, corroborated: bool, value: object = None, repaired: bool = False,
             checked_wording: bool = False, names_twice: bool = False, doubted: bool = False,
             whole_status: bool = False) -> str:
    group = KIND_GROUPS.get(kind, "text")
    if group == "vocabulary" and doubted:
        return "vocabulary+doubted"  # no value the closed list knows ("not a common value"): the list vouches for nothing
    if group == "text" and whole_status:
        return "text+whole"  # a closed list's member, as a sex or a nationality is
    if group == "text" and checked_wording:
        return "text+checked"  # every word a prescribed, registered or name word, or a valid figure: any length
    if group == "text" and names_twice:
        return "text+names_twice"  # checked as above but for names, which a second reading gave alike
    if group == "text" and isinstance(value, str) and len(value) > LONG_TEXT:
        group = "long_text"
    # a unit snapped to its registered spelling is registered by construction: no evidence of its own
    if group == "address" and isinstance(value, str) and not repaired:
        if units_registered(value):
            return "address+registered"  # every part checked against the register: another evidence than OCR alone
        if street_registered(value):
            return "address+street"  # the units registered, the street's name a registered place's: house numbers unchecked
    return f"{group}{'+twice' if corroborated else ''}"


def accept_point(kind: str, value: object = None) -> float:
    """The raw confidence from which a value of this kind read once is accepted unseen (1.0: never)."""
    fitted = table()
    threshold = fitted.groups.get(group_of(kind, False, value)) if fitted is not None else None
    return threshold.accept_from if threshold is not None else 1.0


def calibrated(raw: float, accept_from: float) -> float:
    """``raw`` on the calibrated scale: ``accept_from`` becomes ACCEPT, order kept."""
    if accept_from >= 1.0:
        return (ACCEPT - 0.01) * raw  # this group is never right often enough to go unseen
    if raw >= accept_from:
        return ACCEPT + (1.0 - ACCEPT) * (raw - accept_from) / (1.0 - accept_from)
    return ACCEPT * raw / accept_from


def calibrate(document: Document, spec: TypeSpec) -> None:
    """Put the document's OCR values on the calibrated scale (in place)."""
    fitted = table()
    if fitted is None or not _enabled["calibrate"]:
        return
    for name, field in document.fields.items():
        field_spec = spec.fields.get(name)
        if RESPELLED_NOTE in (field.note or "") or PRINTED_OTHERWISE_NOTE in (field.note or ""):
            # the register's spelling over a clearly read word, or a text layer's print against the register's
            # spelling: the paper may print either; a person settles it, whatever the source
            field.confidence = min(field.confidence, REPAIR_CEILING)
        if field.source != "ocr" or field.value is None:
            continue
        if disagreed(field):
            # two readings of the same print gave two values: one of them is wrong, whatever the table says
            field.confidence = min(field.confidence, REPAIR_CEILING)
            continue
        if field_spec is not None:  # the issuer's office and date have no kind: they keep their raw scale
            threshold = fitted.groups.get(field_group(field, field_spec.kind))
            accept_from = threshold.accept_from if threshold is not None else 1.0  # a group the fit never saw: a look
            field.confidence = round(max(0.0, min(1.0, calibrated(field.confidence, accept_from))), 3)
        if field.note == READ_AGAIN or (field.note or "").startswith(DERIVED) \
                or any(note in (field.note or "") for note in (RESPELLED_NOTE, BACKSLASH_NOTE, LABEL_TAIL_DROPPED)):
            field.confidence = min(field.confidence, REPAIR_CEILING)


def field_group(field: Field, kind: str) -> str:
    """The calibration group of an OCR value of this kind, by the evidence its note records."""
    return group_of(kind, is_corroborated(field), field.value, UNIT_REPAIRED in (field.note or ""),
                    field.note == CHECKED_WORDING, field.note == NAMES_READ_TWICE,
                    doubted=field.note is not None and not is_corroborated(field), whole_status=field.note == WHOLE_STATUS)


def is_corroborated(field: Field) -> bool:
    return field.note == CORROBORATED


def disagreed(field: Field) -> bool:
    return DIFFERS in (field.note or "")


@contextmanager
def raw_confidences() -> Iterator[None]:
    """Extraction without calibration (for fitting the table)."""
    _enabled["calibrate"] = False
    try:
        yield
    finally:
        _enabled["calibrate"] = True
