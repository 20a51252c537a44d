"""CT07 parts no label describes: the members table, the issuing office, the date at the signature."""

from __future__ import annotations

import re

import numpy as np

from extractors.engine import PageView, field_from_words
from extractors.kinds import read_date, read_id_number, read_name, read_sex, read_text
from extractors.readers.labels import find_all_labels
from extractors.readers.text import clean_value, fold
from extractors.spec import TypeSpec
from schemas import Document, Field, Word

# the table's columns, each with its header wordings and how its cells are read
COLUMNS: dict[str, tuple[list[str], object]] = {
    "full_name": (["Họ, chữ đệm và tên", "Họ, chữ đệm, tên", "Họ và tên", "Họ tên"], read_name),
    "date_of_birth": (["Ngày, tháng, năm sinh", "Ngày sinh"], read_date),
    "sex": (["Giới tính"], read_sex),
    "id_number": (["Số định danh cá nhân", "Số ĐDCN"], read_id_number),
    "relation_to_head": (["Quan hệ với chủ hộ", "Quan hệ"], read_text),
}
_DATE_LINE = re.compile(r"ngay\s*\S{1,2}\s*thang\s*\S{1,2}\s*nam\s*\S{4}")


def finish(document: Document, spec: TypeSpec, views: list[PageView], images: dict[int, np.ndarray]) -> None:
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


def read_members(views: list[PageView]) -> Field | None:
    """The members table: a header line naming the columns, then one line per member.

    Cells are assigned to the column whose header they sit under, which works the
    same on text-layer pages and on OCR'd scans whatever the column widths.
    """
    for view in views:
        header = _find_header(view)
        if header is None:
            continue
        line, spans = header
        rows: list[dict[str, str | None]] = []
        row_words: list[Word] = []
        for words in view.lines[line + 1:]:
            cells = _split_into_columns(words, spans)
            if not cells.get("full_name") or not any(cells.get(k) for k in ("date_of_birth", "id_number")):
                if rows:
                    break  # the table ended
                continue
            rows.append(_read_row(cells))
            row_words += words
        if not rows:
            return None
        complete = all(None not in row.values() for row in rows)
        return field_from_words(rows, row_words, view.page, 1.0 if complete else 0.5)
    return None


def _find_header(view: PageView) -> tuple[int, dict[str, tuple[float, float]]] | None:
    variants = [v for names, _ in COLUMNS.values() for v in names[0:len(names)]]
    hits = find_all_labels(view.lines, variants)
    by_line: dict[int, dict[str, float]] = {}
    for hit in hits:
        column = next(c for c, (names, _) in COLUMNS.items() if hit.label in names)
        by_line.setdefault(hit.line_index, {}).setdefault(column, (hit.bbox[0] + hit.bbox[2]) / 2)
    for line, centres in sorted(by_line.items()):
        if len(centres) >= 3:
            ordered = sorted(centres.items(), key=lambda item: item[1])
            bounds = [(a[1] + b[1]) / 2 for a, b in zip(ordered, ordered[1:])]
            edges = [float("-inf"), *bounds, float("inf")]
            return line, {name: (edges[i], edges[i + 1]) for i, (name, _) in enumerate(ordered)}
    return None


def _split_into_columns(words: list[Word], spans: dict[str, tuple[float, float]]) -> dict[str, list[Word]]:
    cells: dict[str, list[Word]] = {}
    for word in words:
        centre = (word.bbox[0] + word.bbox[2]) / 2
        for name, (x0, x1) in spans.items():
            if x0 <= centre < x1:
                cells.setdefault(name, []).append(word)
    return cells


def _read_row(cells: dict[str, list[Word]]) -> dict[str, str | None]:
    row: dict[str, str | None] = {}
    for name, (_, reader) in COLUMNS.items():
        text = " ".join(w.text for w in cells.get(name, []))
        if name == "full_name":
            text = re.sub(r"^\s*\d+[.)]?\s+", "", text)  # the row number (TT) may sit in the name's column
        row[name] = reader(text).value if text else None  # type: ignore[operator]
    return row


def read_authority(views: list[PageView]) -> Field | None:
    """The most local police office named in the page's header ("CÔNG AN PHƯỜNG ...")."""
    view = views[0]
    top = view.lines[: max(6, len(view.lines) // 5)]
    offices = [(line, words) for line, words in enumerate(top) if fold(" ".join(w.text for w in words)).startswith("cong an")]
    if not offices:
        return None
    local = [o for o in offices if any(k in fold(" ".join(w.text for w in o[1])) for k in ("phuong", "xa ", "dac khu", "thi tran"))]
    _, words = (local or offices)[-1]
    return field_from_words(clean_value(" ".join(w.text for w in words)), words, view.page)


def read_signature_date(views: list[PageView]) -> Field | None:
    """The date of the place-and-date line above the signature, after the table."""
    for view in reversed(views):
        for words in reversed(view.lines):
            text = " ".join(w.text for w in words)
            if _DATE_LINE.search(fold(text)):
                reading = read_date(text)
                if reading.value:
                    return field_from_words(reading.value, words, view.page, reading.factor)
    return None
