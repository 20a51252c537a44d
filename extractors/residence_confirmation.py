"""CT07's members table, which no label describes (its issuing office and signature date: ``extractors.issuer``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from collections.abc import Mapping

import numpy as np

from extractors.calibration import DERIVED, DIFFERS, READ_AGAIN
from extractors.engine import PageView, field_from_words
from extractors.kinds import REPAIRED, read_date, read_id_number, read_name, read_relation, read_sex
from extractors.readers.ids import birth_year_from_id, check_id_number, decode_id_number
from extractors.second_reading import SURE, lines_within, reread
from extractors.spec import TypeSpec
from pipeline.geometry import union_bbox
from pipeline.text import fold
from schemas import Document, Field, Page, Word

_DATE_LINE = re.compile(r"ngay\s*\S{1,2}\s*thang\s*\S{1,2}\s*nam\s*\S{4}")
_ROW_NUMBER = re.compile(r"^\d{1,2}[.)]?$")


def finish(document: Document, spec: TypeSpec, views: list[PageView], images: Mapping[int, np.ndarray]) -> None:
    members = read_members(views, images)
    if members is not None:
        document.fields["household_members"] = members
    if "household_members" not in document.fields:
        document.flag("household_members: not found")


@dataclass
class MemberRow:
    line: int
    words: list[Word]
    date_at: int  # index of the birth date's first word
    date_end: int  # index past its last word (a date OCR read as "16 07 1990" is three)
    id_at: int  # index of the id number's word
    date_of_birth: str | None  # None: its figures make no date
    date_repaired: bool  # read from figures without their slashes

    @property
    def id_words(self) -> list[Word]:
        """The id number's cell: its word, and the figures after it where OCR split the twelve by a blank."""
        first = self.words[self.id_at]
        after = self.words[self.id_at + 1] if self.id_at + 1 < len(self.words) else None
        digits = sum(ch.isdigit() for ch in first.text)
        split = after is not None and after.text.isdigit() and digits < ID_DIGITS == digits + len(after.text)
        return [first, after] if split and after is not None else [first]


def read_members(views: list[PageView], images: Mapping[int, np.ndarray] | None = None) -> Field | None:
    """The members table, read row by row from what each cell holds.

    A member's row is the line holding a birth date followed by an id number;
    the name is what stands before the date (with the parts of a name that
    wrapped onto the lines just above or below), sex and relation around the id.
    This needs neither the header's wording nor the column widths, and reads a
    text layer and an OCR'd scan alike. A date whose slashes OCR lost ("16 07 1990",
    "20042018") still makes a row, and an id number misread to another length still
    stands in its cell: the member is kept, its unreadable cells empty, for a person
    to complete. With the page's image, a doubtful name, date or id number cell is read again on its own
    (``reread_cell``).
    """
    for view in views:
        rows = [row for line, words in enumerate(view.lines) if (row := _member_row(line, words))]
        if not rows:
            continue
        members, used, notes = [], [], set()
        row_lines = {row.line for row in rows}
        for row in rows:
            name_words = _wrapped_name(view, row, row_lines)
            member = _read_member(row, name_words)
            if images:
                notes |= {reread_cell(member, name, words, view.page, images) for name, words in _cells(row, name_words)}
            members.append(member)
            used += row.words + name_words
        derived = [_sex_from_id_number(member) for member in members]  # read after the cells were read again
        complete = all(None not in member.values() for member in members) and not any(derived)
        repaired = any(row.date_repaired for row in rows)
        field = field_from_words(members, used, view.page, REPAIRED if complete and repaired else 1.0 if complete else 0.5)
        if any(derived):
            notes.add(SEX_FROM_ID_NOTE)
        field.note = "; ".join(note for note in (READ_AGAIN, DIFFERS, SEX_FROM_ID_NOTE) if note in notes) or field.note
        return field
    return None


CELL_KINDS = {"full_name": "name", "date_of_birth": "date", "id_number": "id_number"}
SEX_FROM_ID_NOTE = f"{DERIVED}a sex cell read empty, taken from the member's id number (digit 4)"


def _sex_from_id_number(member: dict[str, str | None]) -> bool:
    """A sex cell OCR read nothing in, filled from the id number's sex digit where the number's birth year is the
    member's (so the number was read right); True where filled (in place): derived, for a person to confirm."""
    number, born = member["id_number"], member["date_of_birth"]
    if member["sex"] is not None or number is None or born is None or birth_year_from_id(number) != int(born[:4]):
        return False
    parts = decode_id_number(number)
    member["sex"] = parts.sex if parts else None
    return parts is not None


def _cells(row: MemberRow, name_words: list[Word]) -> list[tuple[str, list[Word]]]:
    return [("full_name", name_words), ("date_of_birth", row.words[row.date_at:row.date_end]),
            ("id_number", row.id_words)]


def reread_cell(member: dict[str, str | None], name: str, words: list[Word], page: Page,
                images: Mapping[int, np.ndarray]) -> str | None:
    """A doubtful one-line cell of ``member`` read again on its own, as a single-line field is (``reread``): put
    right where enlarged readings outvote the page's (in place). The note the reading left: READ_AGAIN, DIFFERS or
    None."""
    confidence = min((w.confidence for w in words), default=0.0)
    box = union_bbox([w.bbox for w in words])
    if box is None or (confidence >= SURE and member[name] is not None) or len(lines_within(page, box)) != 1:
        return None  # sure, or a name that wrapped: one line's reading cannot settle it
    cell = Field(value=member[name], confidence=confidence, page=page.number, source="ocr", bbox=box)
    born, sex = member["date_of_birth"], member["sex"]
    fits = (lambda number: not check_id_number(number, born, sex)) if name == "id_number" else None
    reread(cell, CELL_KINDS[name], page, images, in_a_cell=True, fits=fits)
    member[name] = cell.value if isinstance(cell.value, str) else None
    return next((note for note in (READ_AGAIN, DIFFERS) if note in (cell.note or "")), None)


def _member_row(line: int, words: list[Word]) -> MemberRow | None:
    for start in range(1, len(words)):
        found = _date_at(words, start)
        if found is None:
            continue
        end, date, repaired = found
        id_at = next((i for i in range(end, len(words)) if _ID_CELL.fullmatch(words[i].text)), None)
        return MemberRow(line, words, start, end, id_at, date, repaired) if id_at is not None else None
    return _row_with_a_date_misread(line, words)


def _row_with_a_date_misread(line: int, words: list[Word]) -> MemberRow | None:
    """A row whose birth date OCR read as figures that make no date ("0711958": a figure lost with its slashes),
    known by the cells after it: the figures, then the sex, then an id number's. Kept with its date empty, for the
    date's cell to be read again on its own, or a person to fill."""
    id_at = next((i for i in range(3, len(words)) if _ID_CELL.fullmatch(words[i].text)), None)
    if id_at is None or fold(words[id_at - 1].text.strip(".,;'|")) not in _SEXES:
        return None
    date_at = id_at - 2
    while date_at > 1 and not any(ch.isalnum() for ch in words[date_at].text):
        date_at -= 1  # a speck between the date's cell and the sex's ("0711958 ' Nam")
    digits = sum(ch.isdigit() for ch in words[date_at].text)
    if not _FIGURES.fullmatch(words[date_at].text) or not MISREAD_DATE_FIGURES[0] <= digits <= MISREAD_DATE_FIGURES[1]:
        return None
    return MemberRow(line, words, date_at, date_at + 1, id_at, None, False)


_SEXES = {"nam", "nu"}
ID_DIGITS = 12
MISREAD_DATE_FIGURES = (6, 9)  # a date's eight figures, one or two lost or one doubled


_FIGURES = re.compile(r"[\d./-]+")
_ID_CELL = re.compile(r"\W?\d{8,14}\W?")  # an id number's cell, however many figures OCR gave it
MAX_DATE_WORDS = 3


def _date_at(words: list[Word], start: int) -> tuple[int, str, bool] | None:
    """The birth date opening at ``start``: (the index past it, ISO date, whether its slashes were lost)."""
    whole = read_date(words[start].text).value
    if whole and len(whole) == 10:
        return start + 1, whole, False
    for end in range(start + 1, min(start + MAX_DATE_WORDS, len(words)) + 1):
        if not all(_FIGURES.fullmatch(w.text) for w in words[start:end]):
            return None
        digits = "".join(ch for w in words[start:end] for ch in w.text if ch.isdigit())
        if len(digits) == 8 and (date := read_date(f"{digits[:2]}/{digits[2:4]}/{digits[4:]}").value):
            return end, date, True
    return None


def _wrapped_name(view: PageView, row: MemberRow, row_lines: set[int]) -> list[Word]:
    """Name parts that wrapped above or below the row, inside the name column, in capitals."""
    name_right = row.words[row.date_at].bbox[0]
    name_left = row.words[0].bbox[0]
    height = max(1, row.words[row.date_at].bbox[3] - row.words[row.date_at].bbox[1])
    parts: dict[int, list[Word]] = {}
    for neighbour in (row.line - 1, row.line + 1):
        if neighbour in row_lines or not 0 <= neighbour < len(view.lines):
            continue
        words = view.lines[neighbour]
        close = abs(words[0].bbox[1] - row.words[row.date_at].bbox[1]) <= 1.6 * height
        in_column = all(name_left - height <= w.bbox[0] and w.bbox[2] <= name_right for w in words)
        capitals = all(w.text.isupper() for w in words if any(ch.isalpha() for ch in w.text))
        if close and in_column and capitals:
            parts[neighbour] = words
    own = [w for w in row.words[: row.date_at] if not _ROW_NUMBER.match(w.text)]
    return parts.get(row.line - 1, []) + own + parts.get(row.line + 1, [])


def _read_member(row: MemberRow, name_words: list[Word]) -> dict[str, str | None]:
    between = " ".join(w.text for w in row.words[row.date_end: row.id_at])
    after = " ".join(w.text for w in row.words[row.id_at + len(row.id_words):])
    return {
        "full_name": read_name(" ".join(w.text for w in name_words)).value,
        "date_of_birth": row.date_of_birth,
        "sex": read_sex(between).value if between else None,
        "id_number": read_id_number("".join(w.text for w in row.id_words)).value,
        "relation_to_head": read_relation(after).value,
    }
