"""CT07 parts no label describes: the members table, the issuing office, the date at the signature."""

from __future__ import annotations

import re
from dataclasses import dataclass

from collections.abc import Mapping

import numpy as np
from rapidfuzz import fuzz

from extractors.engine import PageView, field_from_words
from extractors.kinds import UNIT_WORDS, read_date, read_id_number, read_name, read_place, read_relation, read_sex
from pipeline.text import fold
from extractors.spec import TypeSpec
from pipeline.geometry import split_at_gaps
from schemas import Document, Field, Word

_DATE_LINE = re.compile(r"ngay\s*\S{1,2}\s*thang\s*\S{1,2}\s*nam\s*\S{4}")
_ROW_NUMBER = re.compile(r"^\d{1,2}[.)]?$")


def finish(document: Document, spec: TypeSpec, views: list[PageView], images: Mapping[int, np.ndarray]) -> None:
    members = read_members(views)
    if members is not None:
        document.fields["household_members"] = members
    authority = read_authority(views)
    if authority:
        document.fields["issuing_authority"] = authority
    issue_date = read_signature_date(views)
    if issue_date:
        document.fields["issue_date"] = issue_date
    for name in ("household_members", "issuing_authority", "issue_date"):
        if name not in document.fields:
            document.flag(f"{name}: not found")


@dataclass
class MemberRow:
    line: int
    words: list[Word]
    date_at: int  # index of the birth date's word
    id_at: int  # index of the id number's word


def read_members(views: list[PageView]) -> Field | None:
    """The members table, read row by row from what each cell holds.

    A member's row is the line holding a birth date followed by an id number;
    the name is what stands before the date (with the parts of a name that
    wrapped onto the lines just above or below), sex and relation around the id.
    This needs neither the header's wording nor the column widths, and reads a
    text layer and an OCR'd scan alike.
    """
    for view in views:
        rows = [row for line, words in enumerate(view.lines) if (row := _member_row(line, words))]
        if not rows:
            continue
        members, used = [], []
        row_lines = {row.line for row in rows}
        for row in rows:
            name_words = _wrapped_name(view, row, row_lines)
            members.append(_read_member(row, name_words))
            used += row.words + name_words
        complete = all(None not in member.values() for member in members)
        return field_from_words(members, used, view.page, 1.0 if complete else 0.5)
    return None


def _member_row(line: int, words: list[Word]) -> MemberRow | None:
    date_at = next((i for i, w in enumerate(words) if read_date(w.text).value and len(read_date(w.text).value or "") == 10), None)
    if date_at is None or date_at == 0:
        return None
    id_at = next((i for i in range(date_at + 1, len(words)) if read_id_number(words[i].text).value), None)
    if id_at is None:
        return None
    return MemberRow(line, words, date_at, id_at)


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
    between = " ".join(w.text for w in row.words[row.date_at + 1: row.id_at])
    after = " ".join(w.text for w in row.words[row.id_at + 1:])
    return {
        "full_name": read_name(" ".join(w.text for w in name_words)).value,
        "date_of_birth": read_date(row.words[row.date_at].text).value,
        "sex": read_sex(between).value if between else None,
        "id_number": read_id_number(row.words[row.id_at].text).value,
        "relation_to_head": read_relation(after).value,
    }


def read_authority(views: list[PageView]) -> Field | None:
    """The police office that issued the paper, in running-text case: "Công an phường Hoàn Kiếm".

    The body's opening sentence names it as printed ("Công an phường X xác nhận
    thông tin về cư trú ..."); where that sentence is missing, the header's most
    local office line ("CÔNG AN PHƯỜNG X", under its superior) is set in the same case.
    """
    return _authority_in_sentence(views[0]) or _authority_in_header(views[0])


def _authority_in_sentence(view: PageView) -> Field | None:
    for words in view.lines[: max(10, len(view.lines) // 2)]:
        folded = [fold(w.text).strip(".,:;") for w in words]
        starts = [i for i in range(len(folded) - 1) if folded[i] == "cong" and folded[i + 1] == "an"]
        ends = [j for j in range(len(folded) - 1) if folded[j] == "xac" and folded[j + 1].startswith("nhan")]
        for first in starts:
            last = next((j for j in ends if j > first + 2), None)
            if last is not None and not _mostly_capitals(_text(words[first:last])):
                office = words[first:last]
                return field_from_words(read_place(_text(office)).value, office, view.page)
    return None


def _authority_in_header(view: PageView) -> Field | None:
    """The most local office among the header's capitalised "CÔNG AN ..." lines.

    The header's left block (the office) and right block (the national motto)
    share printed lines, so lines are cut at wide gaps first.
    """
    offices = [segment for words in view.lines[: max(6, len(view.lines) // 4)] for segment in split_at_gaps(words)
               if _opens_with_police(segment) and _mostly_capitals(_text(segment))]
    if not offices:
        return None
    local = [o for o in offices if any(k in fold(_text(o)) for k in LOCAL_UNITS)]
    words = (local or offices)[-1]
    value = read_place(_text(words)).value
    return field_from_words(office_in_running_case(value) if value else None, words, view.page)


def _opens_with_police(words: list[Word]) -> bool:
    """"CÔNG AN", also as OCR damages it ("CÔNG 1N", "CONG AN")."""
    return len(words) >= 3 and fuzz.ratio(fold(_text(words[:2])), "cong an") >= 70


def office_in_running_case(capitals: str) -> str:
    """ "CÔNG AN PHƯỜNG XUÂN TRƯỜNG - ĐÀ LẠT" → "Công an phường Xuân Trường - Đà Lạt"."""
    words = capitals.split()
    unit_size = next((size for size in (2, 1) if fold(" ".join(words[2:2 + size])) in UNIT_WORDS), 0)
    named = [word.capitalize() for word in words[2 + unit_size:]]
    return " ".join(["Công", "an", *(w.lower() for w in words[2:2 + unit_size]), *named])


LOCAL_UNITS = ("phuong", "xa ", "dac khu", "thi tran")


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _mostly_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def read_signature_date(views: list[PageView]) -> Field | None:
    """The date of the place-and-date line above the signature, after the table.

    Only the lower half of a page is searched: the header's reference to the decree
    ("Thông tư số 66/2023/TT-BCA ngày 17 tháng 11 năm 2023") is no issue date, even
    when the signature's own date was misread.
    """
    for view in reversed(views):
        for words in reversed(view.lines[len(view.lines) // 2:]):
            text = " ".join(w.text for w in words)
            if _DATE_LINE.search(fold(text)):
                reading = read_date(text)
                if reading.value:
                    return field_from_words(reading.value, words, view.page, reading.factor)
    return None
