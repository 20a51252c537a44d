"""What a card's MRZ confirms beyond its own parsed fields: the id number when its optional copy
was misread, and the holder's nationality; and the expiry the law gives a card.

A Vietnamese card's MRZ line 1 holds the document number (the id's last nine digits) under a check
digit, then the whole 12-digit id with no check digit of its own. A phone photo or a faded copy
often loses the printed number's label and a digit of that unchecked copy; the checked nine digits
and the province code read twice (the MRZ's copy and the printed number) still give the id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date

from extractors.readers.ids import decode_id_number
from extractors.readers.mrz import MrzReading
from extractors.readers.names import names_match
from pipeline.geometry import union_bbox
from schemas import BBox, Page, Word

ID_TOKEN = re.compile(r"(?<!\d)\d{12}(?!\d)")
PREFIX_AGREED = 0.95  # nine digits under a check digit, the province code read alike twice
PREFIX_ONCE = 0.85  # the province code read once only: a person confirms it
CITIZEN_NATIONALITY = "Việt Nam"
NAME_LINE_EDITS = 2  # letters a name line and the MRZ's name may differ by (OCR slips on either side)
NAME_WORDS = (2, 7)  # a Vietnamese full name's words, fewest and most
NAME_FROM_LINE = 0.85  # the letters agree with the MRZ's; its tone marks nothing checks: a person confirms


ID_FROM_PRINT = 0.85  # the only 12-digit number a side prints, its label unread: a person confirms


def printed_ids(pages: list[Page]) -> Iterator[tuple[str, int, BBox]]:
    """Every 12-digit number the card's pages print, with its page and its word's box."""
    for page in pages:
        for word in page.words:
            for match in ID_TOKEN.finditer(word.text):
                yield match.group(), page.number, word.bbox


DATE_TOKEN = re.compile(r"(?<!\d)(\d{2})/(\d{2})/(\d{4})(?!\d)")
DATE_FROM_PRINT = 0.6  # the one date a back prints besides those known, its label unread: a person confirms


def printed_dates(pages: list[Page]) -> Iterator[tuple[str, int, BBox]]:
    """Every valid dd/mm/yyyy date the pages print, as ISO, with its page and its word's box."""
    for page in pages:
        for word in page.words:
            for match in DATE_TOKEN.finditer(word.text):
                try:
                    printed = date(int(match[3]), int(match[2]), int(match[1]))
                except ValueError:
                    continue  # "36/12/2002": a figure misread, no date at all
                yield printed.isoformat(), page.number, word.bbox


def only_other_date(pages: list[Page], known: set[str], latest: str) -> tuple[str, int, BBox] | None:
    """The one valid date up to ``latest`` (ISO) the pages print that is none of the ``known`` ones, with its page
    and box; None where there is none or more than one."""
    return _only_one((printed, page_number, box) for printed, page_number, box in printed_dates(pages)
                     if printed not in known and printed <= latest)


def printed_id_candidates(pages: list[Page], printed: str | None) -> list[str]:
    """12-digit numbers the card prints (the OCR'd field first, then any 12-digit word of its pages)."""
    found = [printed] if printed and ID_TOKEN.fullmatch(printed) else []
    return found + [number for number, _, _ in printed_ids(pages)]


def only_printed_id(pages: list[Page]) -> tuple[str, int, BBox] | None:
    """The one 12-digit number the card's sides print, with a real province code, with its page and box: the id
    number when OCR lost its label ("%A: 9© 044093241815"). None where there is none or more than one."""
    return _only_one((number, page_number, box) for number, page_number, box in printed_ids(pages)
                     if (parts := decode_id_number(number)) is not None and parts.province is not None)


def _only_one(printed: Iterable[tuple[str, int, BBox]]) -> tuple[str, int, BBox] | None:
    """The one value among ``printed`` (each with its page and box, the first kept), or None: none or several."""
    found: dict[str, tuple[int, BBox]] = {}
    for value, page_number, box in printed:
        found.setdefault(value, (page_number, box))
    if len(found) != 1:
        return None
    (value, (page_number, box)), = found.items()
    return value, page_number, box


def _digits_apart(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else max(len(a), len(b))


def id_number_from_mrz(mrz: MrzReading, printed: list[str]) -> tuple[str, float] | None:
    """The id number rebuilt from the MRZ's checked document number and a province code.

    For when the MRZ's own copy of the id was not passed on (a digit misread: it no longer repeats
    the document number; or nothing checks its first three digits). The province code must be a real one, read alike by the MRZ's copy and by a
    printed number whose last nine digits are the document number (one misread digit allowed), and the
    id must encode the MRZ's checked birth year and the holder's sex.
    """
    tail = mrz.document_number
    if not mrz.checks.get("document_number") or not (len(tail) == 9 and tail.isdigit()):
        return None
    mrz_prefix = (mrz.id_number or mrz.lines[0][15:27])[:3]
    printed_prefixes = [number[:3] for number in printed if _digits_apart(number[3:], tail) <= 1]
    prefixes = [p for p in (mrz_prefix, *printed_prefixes) if p.isdigit() and _is_consistent(p + tail, mrz)]
    if not prefixes:
        return None
    best = max(set(prefixes), key=prefixes.count)
    agreed = mrz_prefix == best and best in printed_prefixes
    return best + tail, PREFIX_AGREED if agreed else PREFIX_ONCE


def _is_consistent(id_number: str, mrz: MrzReading) -> bool:
    parts = decode_id_number(id_number)
    if parts is None or parts.province is None:
        return False
    birth_ok = mrz.checks.get("birth_date") and mrz.birth_date is not None and parts.year2 == mrz.birth_date[2:4]
    return bool(birth_ok) and (mrz.sex is None or parts.sex == mrz.sex)


def nationality_from_mrz(mrz: MrzReading) -> str | None:
    """Việt Nam for a checked MRZ of a Vietnamese card: only citizens hold one (a foreigner's card is
    another document), so its issuing state says the holder's nationality."""
    valid = all(mrz.checks.get(part) for part in ("document_number", "birth_date", "expiry_date"))
    return CITIZEN_NATIONALITY if valid and mrz.issuing_state == "VNM" and mrz.nationality == "VNM" else None


def name_line_spelling_mrz_name(pages: list[Page], mrz: MrzReading) -> tuple[str, int, BBox] | None:
    """The printed line in capitals whose letters are the MRZ's name (its marks restored by the print), with
    its page and box: the name when OCR lost its label. Only one such line may be found."""
    if not mrz.surname or not mrz.given_names:
        return None
    size = len(mrz.name.split())  # as many words as the MRZ's: "SẮ NGUYÊN DUY TOÀN" is no "NGUYEN DUY TOAN"
    if not NAME_WORDS[0] <= size <= NAME_WORDS[1]:
        return None
    found = []
    for page in pages:
        lines: dict[int, list[Word]] = {}
        for word in page.words:
            lines.setdefault(word.line, []).append(word)
        for line in lines.values():
            # a speck or the label's misread tail may stand before the name
            for run in _capitals_runs(line):
                for words in (run[start:start + size] for start in range(len(run) - size + 1)):
                    text = unicodedata.normalize("NFC", " ".join(word.text for word in words))
                    if names_match(text, mrz.name, max_edits=NAME_LINE_EDITS):
                        box = union_bbox([word.bbox for word in words])
                        if box is not None:
                            found.append((text, page.number, box))
    return found[0] if len(found) == 1 else None


def _capitals_runs(words: list[Word]) -> list[list[Word]]:
    """The line's runs of neighbouring words in capitals ("løi HOÀNG PHƯƠNG CHI": HOÀNG PHƯƠNG CHI)."""
    runs: list[list[Word]] = [[]]
    for word in sorted(words, key=lambda w: w.bbox[0]):
        if word.text.isalpha() and word.text.isupper():
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


# Luật Căn cước 2023 and Luật Căn cước công dân 2014, Điều 21: a card is renewed when its holder turns 25, 40
# and 60 (a căn cước also at 14); one issued within two years before such an age is valid until the next one,
# and one issued after 58 has no expiry. A card's printed expiry is that birthday.
RENEWAL_AGES = {"can_cuoc_2024": (14, 25, 40, 60), "cccd_2021": (25, 40, 60)}
RENEWAL_GRACE_YEARS = 2


def expiry_by_law(birth: date, issued: date, variant: str | None) -> date | None | str:
    """The expiry the law gives a card of ``variant`` issued on ``issued`` to a holder born on ``birth``: a
    date, None for no expiry, or ``UNKNOWN`` for a variant the rule is not known for (an old CMND)."""
    ages = RENEWAL_AGES.get(variant or "")
    if ages is None:
        return UNKNOWN
    for age in ages:
        birthday = _birthday(birth, age)
        if issued < _birthday(birthday, -RENEWAL_GRACE_YEARS):
            return birthday
    return None


UNKNOWN = "unknown"


def on_birthday(expiry: date, birth: date, variant: str | None) -> bool:
    """Whether ``expiry`` falls on the holder's birthday, as every expiry the law gives a card of ``variant`` does
    (True for a variant the rule is not known for)."""
    if RENEWAL_AGES.get(variant or "") is None:
        return True
    return _birthday(birth, expiry.year - birth.year) == expiry


def _birthday(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return date(day.year + years, 3, 1)
