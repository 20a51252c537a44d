"""ID-card parts beyond labels: variant, sides, the QR code and the MRZ, and their cross-checks.

The QR code (error-corrected) and the MRZ (check digits) are machine-readable
copies of the printed fields. Where they decode they win over OCR, say so in
``source``, and an OCR reading that disagrees is noted; where they disagree with
each other a person must look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, partial
from typing import TypeGuard

from collections.abc import Mapping

import cv2
import numpy as np
from rapidfuzz import fuzz

from extractors.calibration import DERIVED
from extractors.classify import phrase_present
from extractors.engine import PageView, page_reading, words_within
from extractors.id_card_evidence import (
    CITIZEN_NATIONALITY, DATE_FROM_PRINT, ID_FROM_PRINT, NAME_FROM_LINE, UNKNOWN, expiry_by_law, id_number_from_mrz,
    name_line_spelling_mrz_name, nationality_from_mrz, on_birthday, only_other_date, only_printed_id, printed_dates,
    printed_id_candidates)
from extractors.kinds import READERS, ends_on_a_province_as_spelled, read_address, read_name, read_unit_address, unit_names
from extractors.readers.addresses import province_short_names
from extractors.readers.ids import decode_id_number
from extractors.readers.labels import lines_from_words
from extractors.readers.mrz import MrzReading, find_td1_lines, parse_td1
from extractors.readers.names import fold_name_for_mrz, names_match
from extractors.readers.qr import Corner, QrReading, find_qr, parse_qr_payload
from pipeline.text import fold
from extractors.spec import ReadingZone, TypeSpec, spec_for
from extractors import validate
from extractors.validate import TRUSTED, distrust, is_iso_date, printed_alike
from pipeline.geometry import union_bbox
from pipeline.read import TesseractEngine
from schemas import BBox, Document, Field, Page, Word

QR_CONFIDENCE = 0.99  # Reed-Solomon corrected: a decoded payload is what was encoded
MRZ_CONFIDENCE = 0.98  # check digits hold
REPAIRED_MRZ = 0.95  # they hold after repairing misread characters, and agree with the id number
MRZ_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
MRZ_LINE = 30
BACK_MARKERS = ["IDVNM", "Đặc điểm nhân dạng", "Date, month, year", "Date of issue",
                "Nơi đăng ký khai sinh", "Ngày, tháng, năm cấp", "CỤC TRƯỞNG"]
FRONT_MARKERS = ["Full name", "Họ và tên", "Date of birth", "Ngày sinh", "CĂN CƯỚC", "IDENTITY CARD"]
QR_CORNER: dict[tuple[str, str], Corner] = {("cccd_2021", "front"): "top_right", ("can_cuoc_2024", "back"): "top_left"}
VARIANTS_WITH_QR = {variant for variant, _ in QR_CORNER}


PARTNER_QR = "partner_qr"  # a front read in part: the payload of its card's code, decoded on its back's file


def side_of(page: Page) -> str:
    """"front", "back" or "both" (both sides scanned on one page), from printed markers (or a front read in part
    because its back carries its code: its last rows' labels may pass for a back's)."""
    if PARTNER_QR in page.readings:
        return "front"
    text = fold(page.text)
    back = sum(phrase_present(m, text) for m in BACK_MARKERS) >= 1 or "<<<" in page.text
    front = sum(phrase_present(m, text) for m in FRONT_MARKERS) >= 2
    return "both" if back and front else "back" if back else "front"


def shown_side(pages: list[Page]) -> str | None:
    """"front" or "back" when a card's pages show only that side (the other one came as another file, or not at
    all); None when they show both."""
    sides = {side_of(page) for page in pages}
    return sides.pop() if len(sides) == 1 and sides <= {"front", "back"} else None


def continues(group: list[Page], page: Page) -> bool:
    """The other side of the same card follows: one front, one back."""
    sides = {side_of(p) for p in group} | {side_of(page)}
    return len(group) == 1 and sides == {"front", "back"}


@dataclass(frozen=True)
class SideFacts:
    """What tells one card side from another: its side, variant, id numbers and where it lay."""

    side: str
    variant: str | None
    machine_ids: frozenset[str]  # from the QR code or a checked MRZ
    printed_ids: frozenset[str]  # 12-digit numbers read by OCR
    sheet: int  # the file page it was found on
    centre: tuple[float, float] | None  # its centre on that page (None: the page is the side)


def regroup(groups: list[list[Page]], images: Mapping[int, np.ndarray]) -> list[list[Page]]:
    """Card sides joined into cards across the file, whatever order they were found in.

    Each front is paired with a back of the same card: their id numbers agree (the printed number,
    the QR code's, the MRZ's), they are of the same variant, and they lie on the same sheet (the
    nearest first) or on pages next to each other. Sides whose numbers disagree, or of different
    variants, are two citizens' cards and stay apart, as does a side with no partner. Pages showing
    both sides at once stay as they are.
    """
    spec = spec_for("id_card")
    pages = [page for group in groups for page in group]
    if spec is None or len(pages) < 2:
        return groups
    facts = {page.number: side_facts(page, spec, images) for page in pages}
    fronts = [page for page in pages if facts[page.number].side == "front"]
    backs = [page for page in pages if facts[page.number].side == "back"]
    pairs = []
    for front in fronts:
        for back in backs:
            score = pair_score(facts[front.number], facts[back.number])
            if score is not None:
                pairs.append((score, front, back))
    joined: list[list[Page]] = []
    taken: set[int] = set()
    for _, front, back in sorted(pairs, key=lambda pair: -pair[0]):
        if front.number not in taken and back.number not in taken:
            joined.append(sorted([front, back], key=lambda page: page.number))
            taken |= {front.number, back.number}
    joined += [[page] for page in pages if page.number not in taken]
    return sorted(joined, key=lambda group: group[0].number)


ID_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def side_facts(page: Page, spec: TypeSpec, images: Mapping[int, np.ndarray]) -> SideFacts:
    """A side's facts; its QR code and MRZ band are read here once (and kept on the page for ``finish``)."""
    side, variant = side_of(page), variant_of(spec, [page])
    machine: set[str] = set()
    corner = QR_CORNER.get((variant or "", side))
    if corner is not None:
        payload = qr_payload(page, corner, images)
        reading = parse_qr_payload(payload) if payload else None
        if reading is not None:
            machine.add(reading.id_number)
    if side == "back":
        band = page_reading(page, "mrz_band", images, lambda image: ocr_mrz_band(page, image)) or ""
        mrz = parse_mrz(band) if band else None
        if mrz is not None and mrz.valid and mrz.id_number and mrz.checks.get("id_number", mrz.checks.get("composite")):
            machine.add(mrz.id_number)
    printed = set(ID_DIGITS.findall(page.text))  # a number standing alone: the front's (an MRZ line's are run together)
    centre = None
    if page.region is not None and page.source_page is not None:
        xs, ys = [x for x, _ in page.region], [y for _, y in page.region]
        centre = (sum(xs) / 4, sum(ys) / 4)
    return SideFacts(side, variant, frozenset(machine), frozenset(printed - machine),
                     page.source_page or page.number, centre)


def pair_score(front: SideFacts, back: SideFacts) -> float | None:
    """How likely a front and a back are one card (higher is likelier); None: they cannot be."""
    if front.variant and back.variant and front.variant != back.variant:
        return None
    score = 0.0
    agreement = _id_agreement(front, back)
    if agreement is None:
        return None
    score += agreement
    if front.sheet == back.sheet:
        score += 1.0
        if front.centre is not None and back.centre is not None:
            score -= 1e-4 * ((front.centre[0] - back.centre[0]) ** 2 + (front.centre[1] - back.centre[1]) ** 2) ** 0.5
    elif abs(front.sheet - back.sheet) == 1:
        score += 0.5
    elif agreement < 10:
        return None  # sides pages apart are one card only when their numbers say so
    return score


def _id_agreement(front: SideFacts, back: SideFacts) -> float | None:
    """10 when the sides' id numbers are the same (give or take a misread digit), 0 when nothing is
    known, None when they are different numbers: checked ones (QR, MRZ) that differ, or a checked one and
    a printed one far apart (OCR of a printed number does not miss half its digits)."""
    ids_front, ids_back = front.machine_ids | front.printed_ids, back.machine_ids | back.printed_ids
    if not ids_front or not ids_back:
        return 0.0
    if min(_digits_apart(a, b) for a in ids_front for b in ids_back) <= 1:
        return 10.0
    if front.machine_ids and back.machine_ids:
        return None  # both checked, and not the same number
    checked, printed = (front.machine_ids, back.printed_ids) if front.machine_ids else (back.machine_ids, front.printed_ids)
    if checked and printed and min(_digits_apart(a, b) for a in checked for b in printed) >= 5:
        return None
    return 0.0


def _digits_apart(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def variant_of(spec: TypeSpec, pages: list[Page]) -> str | None:
    text = fold("\n".join(p.text for p in pages))
    scores = {v.name: sum(phrase_present(k, text) for k in v.keywords) for v in spec.variants}
    best = max(scores, key=scores.get) if scores else None  # type: ignore[arg-type]
    return best if best and scores[best] > 0 else None


def finish(document: Document, spec: TypeSpec, views: list[PageView], images: Mapping[int, np.ndarray]) -> None:
    pages = [view.page for view in views]
    document.variant = variant_of(spec, pages)
    qr = read_qr(document.variant, pages, images)
    mrz = read_mrz(pages, images)
    if qr is not None:
        apply_qr(document, qr)
    else:
        apply_partner_qr(document, pages)
    if mrz is not None:
        apply_mrz(document, mrz, has_qr=qr is not None)
        apply_mrz_evidence(document, mrz[0], pages)
    if qr is not None and mrz is not None:
        cross_check_qr_mrz(document, qr, mrz)
    _id_number_unlabelled(document, pages)
    _issue_date_unlabelled(document, pages)
    _birth_registration_unlabelled(document, pages)
    _front_values_unlabelled(document, pages)
    _front_places_unlabelled(document, spec, pages)
    _marks_unlabelled(document, spec, pages)
    place_machine_values(document, pages, spec)


def _id_number_unlabelled(document: Document, pages: list[Page]) -> None:
    """The card's only 12-digit number with a real province code as its id number where neither a label nor a
    machine code gave one: for a person to confirm (the birth date and sex check its digits)."""
    if _has_value(document, "id_number"):
        return
    if (found := only_printed_id(pages)) is not None:
        number, page, box = found
        document.fields["id_number"] = Field(value=number, confidence=ID_FROM_PRINT, source="ocr", page=page,
                                             bbox=box, note=f"{DERIVED}the card's only 12-digit number (its label unread)")


def _issue_date_unlabelled(document: Document, pages: list[Page]) -> None:
    """The one date a card's back prints besides the birth and expiry dates as its issue date, where OCR lost the
    label ("Mgay Điácg nêm / Dac so ve 30/12/2022"), and no later than today (a 2024 back also prints its expiry):
    for a person to confirm (``settle`` checks it against the birth date and the variant)."""
    if _has_value(document, "issue_date"):
        return
    known = {str(field.value) for name in ("date_of_birth", "expiry_date")
             if (field := document.fields.get(name)) is not None and field.value is not None}
    backs = [page for page in pages if side_of(page) == "back"]
    if (found := only_other_date(backs, known, latest=date.today().isoformat())) is not None:
        printed, page, box = found
        document.fields["issue_date"] = Field(value=printed, confidence=DATE_FROM_PRINT, source="ocr", page=page,
                                              bbox=box, note=f"{DERIVED}the back's only other date (its label unread)")


def _birth_registration_unlabelled(document: Document, pages: list[Page]) -> None:
    """A 2024 back's place of birth registration where OCR lost its label ("xong) hoc dí bunh", "hy Mox đăng ky
    khá: se#:"): the one line (or two, wrapped) of the back that reads as a place of units to a province and is no
    part of the residence: for a person to confirm."""
    if document.variant != "can_cuoc_2024" or _has_value(document, "place_of_birth_registration"):
        return
    residence = document.fields.get("place_of_residence")
    lived = fold(str(residence.value)) if residence is not None and residence.value else ""
    found: dict[str, tuple[int, BBox | None]] = {}
    for page in (page for page in pages if side_of(page) == "back"):
        lines = lines_from_words(page.words)
        for index, line in enumerate(lines):
            for run in (line, line + lines[index + 1]) if index + 1 < len(lines) else (line,):
                reading = read_unit_address(" ".join(w.text for w in run))
                place = reading.value
                province = reading.extra.get("province")
                if place and isinstance(province, str) and fold(place).endswith(", " + fold(province)) \
                        and fuzz.partial_ratio(fold(place), lived) < RESIDENCE_ALIKE:
                    found.setdefault(place, (page.number, union_bbox(w.bbox for w in run)))
                    break
    if len(found) == 1:
        place, (page_number, box) = next(iter(found.items()))
        document.fields["place_of_birth_registration"] = Field(
            value=place, confidence=FRONT_FROM_PRINT, source="ocr", page=page_number, bbox=box,
            note=f"{DERIVED}the back's one place of units besides the residence (its label unread)")


def _marks_unlabelled(document: Document, spec: TypeSpec, pages: list[Page]) -> None:
    """A back's identifying marks where OCR lost their label ("lớc tưn chức dưng, …" over "Seo chấm C 2cm dưới …"):
    the one line above the machine zone that reads as a description of marks (with the next, where it runs on in
    words descriptions use), for a person to confirm."""
    name = "personal_identification"
    if name not in spec.fields or _has_value(document, name):
        return
    reader = READERS[spec.fields[name].kind]
    found: list[tuple[str, int, BBox | None]] = []
    for page in (page for page in pages if side_of(page) == "back"):
        lines = [line for line in lines_from_words(page.words) if not any("<<" in w.text for w in line)]
        for index, line in enumerate(lines):
            words = _without_leading_specks(line)
            reading = reader(" ".join(w.text for w in words))
            if reading.value is None or reading.factor < 1.0 and len(words) < MARKS_WORDS:
                continue
            following = _without_leading_specks(lines[index + 1]) if index + 1 < len(lines) else []
            longer = reader(" ".join(w.text for w in words + following)) if following else None
            if longer is not None and longer.value and longer.factor >= reading.factor:
                words, reading = words + following, longer
            found.append((str(reading.value), page.number, union_bbox(w.bbox for w in words)))
            break
    if len(found) == 1:
        value, page_number, box = found[0]
        document.fields[name] = Field(value=value, confidence=MARKS_FROM_PRINT, source="ocr", page=page_number,
                                      bbox=box, note=f"{DERIVED}the back's one description of marks (its label unread)")


MARKS_WORDS = 4  # a description this long, some of its words misread, is still told from a label's noise
MARKS_FROM_PRINT = 0.3  # a description found by its words alone, often misread in part: well below the trust line
RESIDENCE_ALIKE = 80  # a place this alike to a part of the residence is the residence's line, not another place
FRONT_FROM_PRINT = 0.6  # a front's value found by what it is, its label unread: a person confirms
UNLABELLED = f"{DERIVED}found by what it is on the front (its label unread)"
NAME_BELOW_ID = 3  # lines below the id number's that may hold the name (a label's line between)


def _front_values_unlabelled(document: Document, pages: list[Page]) -> None:
    """Where OCR lost a front's labels (a small card photographed on a sheet: "li oyey to»: Oete oý thế 25/09/1994"),
    the values it read by what they are: the name, a line of capitals just below the id number that reads as one;
    the birth date, the earliest date the front prints (a 2021 front's other is its expiry); the sex, its one "Nam"
    or "Nữ" that is no place's; the nationality, "Việt Nam". Each below the trust line, for a person to confirm; the
    id number's digits check the birth year and the sex (extractors.validate)."""
    fronts = [page for page in pages if side_of(page) == "front"]
    found = {"full_name": _name_below_id(fronts, document.fields.get("id_number")),
             "date_of_birth": _earliest_date(fronts),
             "sex": _only_word(fronts, ("Nam", "Nữ")),
             "nationality": _nationality(fronts)}
    for name, value in found.items():
        if value is None or _has_value(document, name):
            continue
        printed, page_number, box = value
        document.fields[name] = Field(value=printed, confidence=FRONT_FROM_PRINT, source="ocr", page=page_number,
                                      bbox=box, note=UNLABELLED)
        if (missing := f"{name}: not found") in document.review_reasons:
            document.review_reasons.remove(missing)
            document.flag(f"{name}: {UNLABELLED}")


FRONT_PLACES = ("place_of_origin", "place_of_residence")  # the order a 2021 front prints them in, below the nationality
# the first words (folded) a place or an address opens with: a unit's ("Phường", "Thành phố", "Thị trấn"), a house's
# or a hamlet's ("Số", "Căn hộ", "Thôn", "Tổ", "Ấp")
PLACE_OPENERS = {"phuong", "xa", "thi", "quan", "huyen", "thanh", "tinh", "so", "can", "thon", "to", "ap", "xom",
                 "khu", "ban", "khom", "lang"}
PLACE_LINES = 3  # a place printed on more lines than this is no place found


def _front_places_unlabelled(document: Document, spec: TypeSpec, pages: list[Page]) -> None:
    """Where OCR lost a 2021 front's place labels, the places it read below the nationality by what they are: the
    first place ending on a province is the place of origin, the next the residence, each read as its kind and
    below the trust line. Only where the front shows both: one place alone could be either."""
    wanted = [name for name in FRONT_PLACES if name in spec.fields
              and not validate.printed_elsewhere(spec.fields[name], document.variant, "front")]
    if len(wanted) < len(FRONT_PLACES) or all(_has_value(document, name) for name in wanted):
        return
    for page in (page for page in pages if side_of(page) == "front"):
        lines = lines_from_words(page.words)
        below = next((i for i, line in enumerate(lines) if _nationality_words(line) is not None), None)
        blocks = _place_blocks(lines[below + 1:]) if below is not None else []
        if len(blocks) != len(FRONT_PLACES):
            continue
        for name, words in zip(FRONT_PLACES, blocks, strict=True):
            reading = READERS[spec.fields[name].kind](" ".join(w.text for w in words))
            if _has_value(document, name) or not reading.value:
                continue
            document.fields[name] = Field(value=reading.value, confidence=round(FRONT_FROM_PRINT * reading.factor, 3),
                                          source="ocr", page=page.number, bbox=union_bbox(w.bbox for w in words),
                                          note=UNLABELLED)
            if (missing := f"{name}: not found") in document.review_reasons:
                document.review_reasons.remove(missing)
                document.flag(f"{name}: {UNLABELLED}")
        return


def _has_value(document: Document, name: str) -> bool:
    field = document.fields.get(name)
    return field is not None and field.value is not None


def _place_blocks(lines: list[list[Word]]) -> list[list[Word]]:
    """The places the lines print, each opening where a line's first place word stands (what is before it: a label
    OCR garbled) and running on over the next lines, their leading specks dropped, until it ends on a province."""
    blocks: list[list[Word]] = []
    current: list[Word] = []
    taken = 0
    for line in lines:
        words = _from_a_place_opener(line) if not current else _without_leading_specks(line)
        if not words:
            continue
        current, taken = current + words, taken + 1
        value = read_address(" ".join(w.text for w in current)).value
        if value and ends_on_a_province_as_spelled(value):
            blocks.append(current)
            current, taken = [], 0
        elif taken >= PLACE_LINES:
            current, taken = [], 0
    return blocks


def _from_a_place_opener(line: list[Word]) -> list[Word]:
    start = next((i for i, word in enumerate(line)
                  if word.text[:1].isupper() and fold(word.text.strip(".,:;")) in PLACE_OPENERS), None)
    return line[start:] if start is not None else []


def _without_leading_specks(line: list[Word]) -> list[Word]:
    start = next((i for i, word in enumerate(line) if any(ch.isalpha() for ch in word.text)), len(line))
    return line[start:]


def _name_below_id(fronts: list[Page], id_field: Field | None) -> tuple[str, int, BBox | None] | None:
    if id_field is None or not isinstance(id_field.value, str):
        return None
    for page in fronts:
        lines = lines_from_words(page.words)
        at = next((i for i, line in enumerate(lines) if any(id_field.value in w.text for w in line)), None)
        for line in lines[at + 1:at + 1 + NAME_BELOW_ID] if at is not None else []:
            run = _capitals_run(line)
            reading = read_name(" ".join(w.text for w in run)) if len(run) >= 2 else None
            if reading is not None and reading.value and reading.factor >= 0.8 and not reading.problems:
                return reading.value, page.number, union_bbox(w.bbox for w in run)
    return None


def _capitals_run(line: list[Word]) -> list[Word]:
    """The line's longest run of words in capital letters only."""
    best: list[Word] = []
    current: list[Word] = []
    for word in line:
        if word.text.isalpha() and word.text.isupper():
            current.append(word)
            best = max(best, current, key=len)
        else:
            current = []
    return list(best)


def _earliest_date(fronts: list[Page]) -> tuple[str, int, BBox] | None:
    today = date.today().isoformat()
    return min((dated for dated in printed_dates(fronts) if dated[0] <= today), key=lambda dated: dated[0], default=None)


@cache
def _place_names() -> frozenset[str]:
    """Names of provinces and units without their unit word, and the country's: "Hà Nam", "Nam Định", "Việt Nam"."""
    return frozenset({*province_short_names(), *unit_names(), CITIZEN_NATIONALITY})


def _only_word(fronts: list[Page], values: tuple[str, ...]) -> tuple[str, int, BBox] | None:
    """The one of ``values`` the fronts print as a word of its own, not inside a place's name; None: none or two."""
    places = _place_names()
    seen = []
    for page in fronts:
        for line in lines_from_words(page.words):
            texts = [w.text.strip(".,:;") for w in line]
            for index, word in enumerate(line):
                if texts[index] not in values:
                    continue
                before = texts[index - 1] if index else ""
                after = texts[index + 1] if index + 1 < len(texts) else ""
                if f"{before} {texts[index]}" in places or f"{texts[index]} {after}" in places:
                    continue  # "Việt Nam", "Hà Nam", "Nam Định": a place's
                seen.append((texts[index], page.number, word.bbox))
    return seen[0] if len({value for value, _, _ in seen}) == 1 else None


def _nationality(fronts: list[Page]) -> tuple[str, int, BBox | None] | None:
    for page in fronts:
        for line in lines_from_words(page.words):
            if (words := _nationality_words(line)) is not None:
                return CITIZEN_NATIONALITY, page.number, union_bbox(w.bbox for w in words)
    return None


def _nationality_words(line: list[Word]) -> tuple[Word, Word] | None:
    """The two words of ``line`` that print the citizens' nationality ("Việt Nam"), or None."""
    return next(((first, second) for first, second in zip(line, line[1:])
                 if f"{first.text} {second.text.strip('.,:;')}" == CITIZEN_NATIONALITY), None)


def settle(document: Document) -> None:
    """The issue date against the birth date and the card's variant, then the expiry against the birthday the
    law sets for the birth and issue dates (``expiry_by_law``): read alike, three printings agree; read
    otherwise, a person looks; its label read but not its value, the law's date is given for a person to
    confirm."""
    _check_issue_date(document)
    birth, issued, expiry = (document.fields.get(name) for name in ("date_of_birth", "issue_date", "expiry_date"))
    if expiry is None or birth is None or not _sure_date(birth) or expiry.source not in ("ocr", "text_layer"):
        return
    if not _sure_date(issued):
        if is_iso_date(expiry.value) and not on_birthday(date.fromisoformat(str(expiry.value)),
                                                          date.fromisoformat(str(birth.value)), document.variant):
            # whatever the issue date, a card expires on its holder's birthday: another card's expiry (two
            # citizens' cards on one sheet, their sides paired wrong) or a figure misread
            distrust(document, "expiry_date", "expiry_date: not on the holder's birthday, as the law sets it")
        return
    law = expiry_by_law(date.fromisoformat(str(birth.value)), date.fromisoformat(str(issued.value)), document.variant)
    if law == UNKNOWN:
        return
    if expiry.value is None and not expiry.no_expiry:
        expiry.value, expiry.no_expiry = (law.isoformat(), None) if isinstance(law, date) else (None, True)
        expiry.confidence = DERIVED_EXPIRY
        expiry.note = f"{DERIVED}the birthday the law sets for the birth and issue dates (its print unread)"
    elif (expiry.no_expiry and law is None) or (isinstance(law, date) and expiry.value == law.isoformat()):
        printed_alike(expiry)  # the law's birthday and the print: a second reading of another kind, alike
    else:
        distrust(document, "expiry_date", "expiry_date: not the birthday the law sets for the birth and issue dates")


DERIVED_EXPIRY = 0.85  # the law's date, right when the birth and issue dates are: a person confirms it


def _check_issue_date(document: Document) -> None:
    """A card is issued after its holder's birth and not before its variant was first issued: an issue date
    otherwise is another date of the card read in its place (the birth date)."""
    issued, birth = validate.value(document, "issue_date"), validate.value(document, "date_of_birth")
    if not is_iso_date(issued):
        return
    spec = spec_for(document.document_type)
    variant = next((v for v in spec.variants if v.name == document.variant), None) if spec is not None else None
    if is_iso_date(birth) and str(issued) <= str(birth):
        distrust(document, "issue_date", "issue_date: not after the birth date")
    elif variant is not None and variant.issued_from is not None and str(issued) < variant.issued_from:
        distrust(document, "issue_date", "issue_date: before this card was first issued")


def _sure_date(field: Field | None) -> TypeGuard[Field]:
    return field is not None and field.confidence >= TRUSTED and is_iso_date(field.value)


# --- what OCR must read ------------------------------------------------------------

# A 2021 front prints above its middle only the national motto, the card's title, the id number and the name:
# the QR code gives the number and the name (with the birth date, sex, residence and issue date), so with
# the code decoded only the lower half is read, for what the code lacks (place of origin, nationality, expiry):
# ~45 % of the side's Tesseract time. Values the code gives keep the code's zone as their box when their
# print was not read (``place_machine_values``).
CODED_FRONT_TOP = 0.5  # share of the side's height where the zone starts
CODED_FRONT_NEEDS = ("Quê quán", "Place of origin")


def reading_zone(height: int, width: int, codes: list[tuple[BBox, str]]) -> ReadingZone | None:
    """The rows of a card side OCR needs when an id card's QR code decoded in its top-right quarter (an upright
    2021 front); None otherwise (no code, another payload, a 2024 back's top-left code, a side upside down)."""
    for (x0, y0, x1, y1), payload in codes:
        upright_front = (x0 + x1) / 2 > width / 2 and (y0 + y1) / 2 < height / 2
        if upright_front and parse_qr_payload(payload) is not None:
            return ReadingZone(top=int(CODED_FRONT_TOP * height), bottom=height, document_type="id_card",
                               needed=CODED_FRONT_NEEDS)
    return None


# A 2024 front prints only what its back's QR code gives (the number, the name, the birth date, the sex) but for its
# nationality, on its last row. Its back comes as another file of the same upload: where exactly one card's code
# decoded there, the front is OCR'd only from above its birth date down (a third of the side's Tesseract time or
# less), and only if that reading shows the nationality's label and the code's birth date (it is that card's front).
PARTNER_FRONT_TOP = (0.6, 0.74)  # where its zone may start: the blankest row between the name and the birth date
PARTNER_FRONT_NEEDS = ("Quốc tịch", "Nationality")
TEXT_COLUMNS = (0.35, 0.95)  # the side's text column, right of its photo


def partner_zone(image: np.ndarray, partners: list[tuple[int, int, list[tuple[BBox, str]]]]) -> ReadingZone | None:
    """The rows of a card side without a code of its own that OCR needs when the upload's other files hold one
    card's back whose QR code decoded (top left, upright): from the blankest row above its birth date down."""
    backs = {reading.id_number: reading for height, width, codes in partners for box, payload in codes
             if _top_left(box, height, width) and (reading := parse_qr_payload(payload)) is not None}
    if len(backs) != 1:
        return None  # no card's back, or several citizens' cards: the side is read whole
    reading = next(iter(backs.values()))
    birth = "".join(reversed(reading.date_of_birth.split("-")))  # as printed, its slashes aside: ddmmyyyy
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape[:2]
    return ReadingZone(top=_blankest_row(gray, width, height), bottom=height, document_type="id_card",
                       needed=PARTNER_FRONT_NEEDS, shows=(birth,),  # its code is on the back: not searched for here
                       readings=((qr_reading_name(None), ""), (PARTNER_QR, reading.raw)))


def _top_left(box: BBox, height: int, width: int) -> bool:
    x0, y0, x1, y1 = box
    return (x0 + x1) / 2 < width / 2 and (y0 + y1) / 2 < height / 2


def _blankest_row(gray: np.ndarray, width: int, height: int) -> int:
    """The row with the least print in the text column between ``PARTNER_FRONT_TOP``'s bounds: a cut there splits
    no line of print."""
    low, high = (int(share * height) for share in PARTNER_FRONT_TOP)
    left, right = (int(share * width) for share in TEXT_COLUMNS)
    column = gray[low:high, left:right]
    _, ink = cv2.threshold(column, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    per_row = ink.sum(axis=1)
    blank = np.flatnonzero(per_row == per_row.min())
    run_start = blank[-1]
    while run_start - 1 in blank:  # the lowest run of blankest rows: the gap just above the birth date
        run_start -= 1
    return low + int((run_start + blank[-1]) // 2)


# --- QR ------------------------------------------------------------------------


def read_qr(variant: str | None, pages: list[Page], images: Mapping[int, np.ndarray]) -> tuple[QrReading, Page] | None:
    """The QR code of the card, looked for only on the side its variant prints it on (2021 front, 2024 back)."""
    qr_sides = {side for (name, side) in QR_CORNER if name == variant} | {"both"}
    for page in pages:
        side = side_of(page)
        if variant in VARIANTS_WITH_QR and side not in qr_sides:
            continue
        payload = qr_payload(page, QR_CORNER.get((variant or "", side)), images)
        reading = parse_qr_payload(payload) if payload else None
        if reading is not None:
            return reading, page
    return None


def qr_payload(page: Page, corner: Corner | None, images: Mapping[int, np.ndarray]) -> str | None:
    """A page's QR payload, decoded once (kept in ``page.readings``, with the code's box as ``qr_zone``)."""
    def decode(image: np.ndarray) -> str:
        found = find_qr(image, corner)
        if found is None:
            return ""
        if found.box is not None:
            page.readings[QR_ZONE] = ",".join(map(str, found.box))
        return found.text

    return page_reading(page, qr_reading_name(corner), images, decode)


def qr_reading_name(corner: Corner | None) -> str:
    return f"qr:{corner or 'anywhere'}"


QR_ZONE = "qr_zone"


def apply_qr(document: Document, found: tuple[QrReading, Page]) -> None:
    qr, page = found
    document.fields["qr"] = Field(value=qr.raw, confidence=QR_CONFIDENCE, page=page.number, source="qr")
    _take_qr_values(document, qr)


def _take_qr_values(document: Document, qr: QrReading) -> None:
    for name, value in (("id_number", qr.id_number), ("full_name", qr.full_name), ("date_of_birth", qr.date_of_birth),
                        ("sex", qr.sex), ("place_of_residence", qr.address), ("issue_date", qr.issue_date)):
        if value:
            _take_machine_value(document, name, value, "qr", QR_CONFIDENCE)


def apply_partner_qr(document: Document, pages: list[Page]) -> None:
    """A side read in part because its card's code decoded on the other side (another file of the upload; the
    side's print showed the code's birth date) takes the code's values, as that side would: the sides are then one
    card by its number. The code itself stays the other side's field."""
    for page in pages:
        qr = parse_qr_payload(page.readings.get(PARTNER_QR))
        if qr is None:
            continue
        _take_qr_values(document, qr)
        return


def _take_machine_value(document: Document, name: str, value: str, source: str, confidence: float) -> None:
    """Put a QR/MRZ value in place of the OCR'd one, keeping the printed position as evidence."""
    printed = document.fields.get(name)
    note = None
    if printed is not None and printed.value not in (None, value):
        note = f"OCR read the printed value differently; {source} value used"
    address = {}
    if name == "place_of_residence":
        address = read_address(value).extra
    document.fields[name] = Field(
        value=value, confidence=confidence, source=source,  # type: ignore[arg-type]
        page=printed.page if printed else None, bbox=printed.bbox if printed else None, note=note,
        province=address.get("province"), ward=address.get("ward"),  # type: ignore[arg-type]
    )


# --- MRZ -----------------------------------------------------------------------


def read_mrz(pages: list[Page], images: Mapping[int, np.ndarray]) -> tuple[MrzReading, Page] | None:
    """The MRZ read again from its band with an OCR-B alphabet, else from the page text.

    Tesseract's ``vie`` model misreads OCR-B digits (3 as 5, 6 as ó), so the band is
    re-read with ``eng`` restricted to the MRZ characters; a text layer is used as is.
    """
    for page in pages:
        if side_of(page) != "front":
            band = page_reading(page, "mrz_band", images, partial(ocr_mrz_band, page))
            reading = parse_mrz(band) if band else None
            if reading is not None:
                return repair_nationality(reading), page
    for page in pages:
        reading = parse_mrz(page.text)
        if reading is not None:
            return repair_nationality(reading), page
    return None


# digits OCR confuses with each other in OCR-B: a check digit catches the slip, and tells which one fits
DIGIT_CONFUSIONS = {"0": "869", "1": "742", "2": "7", "3": "85", "4": "1", "5": "63", "6": "508", "7": "12",
                    "8": "3609", "9": "08"}


def parse_mrz(text: str) -> MrzReading | None:
    """A TD1 MRZ, allowing one digit misread as another where exactly one repair makes every check hold.

    The repaired reading must also agree with what the id number encodes (birth
    year and sex), so a lucky check digit alone does not pass.
    """
    reading = parse_td1(text)
    if reading is not None or not text:
        return reading
    repaired: dict[tuple[str, str], MrzReading] = {}
    for lines in find_td1_lines(text):
        for line_index in (0, 1):
            for trial in _single_digit_repairs(list(lines), line_index):
                candidate = parse_td1("\n".join(trial))
                if candidate is not None and candidate.valid and _agrees_with_id(candidate):
                    repaired[candidate.lines[:2]] = candidate
    if len(repaired) != 1:
        return None
    return replace(next(iter(repaired.values())), repaired=True)


def _single_digit_repairs(lines: list[str], line_index: int):
    line = lines[line_index]
    for position, character in enumerate(line):
        for alternative in DIGIT_CONFUSIONS.get(character, ""):
            trial = list(lines)
            trial[line_index] = line[:position] + alternative + line[position + 1:]
            yield trial


def _agrees_with_id(reading: MrzReading) -> bool:
    if not reading.id_number or not reading.birth_date:
        return False
    parts = decode_id_number(reading.id_number)
    return parts is not None and parts.year2 == reading.birth_date[2:4] and parts.sex == reading.sex


def repair_nationality(reading: MrzReading) -> MrzReading:
    """A Vietnamese card's nationality field is VNM; OCR of it ("WNM", "NMK") is not checked by any digit."""
    if reading.issuing_state != "VNM" or reading.lines[1][15:18] == "VNM":
        return reading
    line2 = reading.lines[1][:15] + "VNM" + reading.lines[1][18:]
    return replace(reading, lines=(reading.lines[0], line2, reading.lines[2]), nationality="VNM")


def ocr_mrz_band(page: Page, image: np.ndarray) -> str:
    """Re-read the MRZ band (where '<' fillers were seen, else the card's lower third) as OCR-B text."""
    height, width = image.shape[:2]
    marked = [w for w in page.words if "<<" in w.text or w.text.startswith("IDVNM")]
    zone = union_bbox([w.bbox for w in marked])
    if zone is not None:
        x0, y0, x1, y1 = zone
        line_height = max(20, (y1 - y0) // max(1, len({w.line for w in marked})))
        top, bottom = max(0, y0 - line_height), min(height, y1 + line_height)
    else:
        top, bottom = int(height * 0.62), height
    band = image[top:bottom, :]
    if band.size == 0:
        return ""
    engine = TesseractEngine(
        language="eng",
        variables={"tessedit_char_whitelist": MRZ_CHARS, "load_system_dawg": "0", "load_freq_dawg": "0"},
    )
    words = engine.read(np.ascontiguousarray(band), psm=6).words
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    return "\n".join("".join(parts) for _, parts in sorted(lines.items()))


def apply_mrz(document: Document, found: tuple[MrzReading, Page], has_qr: bool) -> None:
    mrz, page = found
    confidence = (REPAIRED_MRZ if mrz.repaired else MRZ_CONFIDENCE) if mrz.valid else 0.5
    document.fields["mrz"] = Field(value="\n".join(mrz.lines), confidence=confidence, page=page.number, source="mrz",
                                   note="characters repaired where the check digits required" if mrz.repaired else None)
    if not mrz.valid:
        document.flag("mrz: check digits fail")
        return
    if not mrz.checks.get("composite"):  # its parts are checked one by one, but the lines as read hold an error
        _cap(document.fields["mrz"], UNCHECKED_MRZ, "mrz: the composite check digit fails")
    machine = {"date_of_birth": mrz.birth_date, "sex": mrz.sex}
    if mrz.checks.get("id_number", mrz.checks.get("composite")) and mrz.id_number:
        machine["id_number"] = mrz.id_number
    if mrz.no_expiry:
        expiry = document.fields.get("expiry_date")
        document.fields["expiry_date"] = Field(value=None, no_expiry=True, confidence=confidence, source="mrz",
                                               page=expiry.page if expiry else None, bbox=expiry.bbox if expiry else None)
    elif mrz.expiry_date:
        machine["expiry_date"] = mrz.expiry_date
    for name, value in machine.items():
        current = document.fields.get(name)
        if value and not (has_qr and current is not None and current.source == "qr"):
            _take_machine_value(document, name, value, "mrz", confidence)
    check_name_against_mrz(document, mrz)


def apply_mrz_evidence(document: Document, mrz: MrzReading, pages: list[Page]) -> None:
    """The id number and nationality a checked MRZ confirms where neither machine code gave them, and the
    name's printed line where OCR lost its label or read something else as the name."""
    current = document.fields.get("id_number")
    if current is None or current.source not in ("qr", "mrz"):
        printed = current.value if current is not None and isinstance(current.value, str) else None
        rebuilt = id_number_from_mrz(mrz, printed_id_candidates(pages, printed))
        if rebuilt is not None:
            _take_machine_value(document, "id_number", rebuilt[0], "mrz", rebuilt[1])
    name = document.fields.get("full_name")
    # no name read, or an OCR'd one the MRZ's does not match ("sem ẽ": a label's noise read as the value) where
    # another printed line does
    unmatched = name is None or name.value is None or (
        name.source == "ocr" and isinstance(name.value, str) and not names_match(name.value, mrz.name))
    if unmatched and (line := name_line_spelling_mrz_name(pages, mrz)) is not None:
        # its marks as a name's are spelled ("HUYNH" → HUỲNH: the only surname of those letters); still derived
        spelled = read_name(line[0]).value or line[0]
        document.fields["full_name"] = Field(value=spelled, confidence=NAME_FROM_LINE, source="ocr", page=line[1],
                                             bbox=line[2], note=f"{DERIVED}the line the MRZ name spells (its label unread)")
    nationality = nationality_from_mrz(mrz)
    current = document.fields.get("nationality")
    if nationality and (current is None or current.value != nationality or current.confidence < TRUSTED):
        _take_machine_value(document, "nationality", nationality, "mrz", REPAIRED_MRZ)


def check_name_against_mrz(document: Document, mrz: MrzReading) -> None:
    """The MRZ name line has no check digit: it is trusted only as far as it agrees with the printed name.

    Agreement also confirms an OCR'd name (the MRZ spells it without marks); a
    disagreement leaves both to a person, unless the name came from the QR code.
    """
    name = document.fields.get("full_name")
    if name is None or not isinstance(name.value, str):
        _cap(document.fields["mrz"], UNCHECKED_MRZ, "mrz: the name line has no check digit and no printed name to compare")
    elif names_match(name.value, mrz.name):
        if name.source != "qr":
            name.confidence = max(name.confidence, min(0.95, name.confidence + 0.1))
    elif name.source == "qr" and (rebuilt := mrz_name_line(name.value)) is not None and _close_to(rebuilt, mrz.lines[2]):
        # the QR code is error-corrected and the name line is its name unmarked: OCR misread the line
        field = document.fields["mrz"]
        field.value = "\n".join([*mrz.lines[:2], rebuilt])
        _cap(field, REPAIRED_MRZ, "mrz: the name line as the QR code's name spells it (OCR misread it)")
    else:
        distrust(document, "mrz", "mrz: the name line disagrees with the printed name")
        if name.source != "qr":
            distrust(document, "full_name", "full_name: disagrees with the MRZ name")


NAME_LINE_SIMILARITY = 70  # rapidfuzz ratio of the names (fillers off): the same name misread, not another name


def mrz_name_line(full_name: str) -> str | None:
    """The TD1 name line for a Vietnamese name: SURNAME<<GIVEN<NAMES without marks (Đ as D), filled to 30.
    None for names longer than the line: how those are cut is not settled here."""
    line = fold_name_for_mrz(full_name)
    return line.ljust(MRZ_LINE, "<") if "<<" in line and len(line) <= MRZ_LINE else None


def _close_to(rebuilt: str | None, read: str) -> bool:
    return rebuilt is not None and fuzz.ratio(rebuilt.rstrip("<"), read.rstrip("<")) >= NAME_LINE_SIMILARITY


UNCHECKED_MRZ = 0.85  # MRZ lines holding a part no check digit confirms (the name line, a failed composite)


def _cap(field: Field, confidence: float, note: str) -> None:
    if field.confidence > confidence:
        field.confidence = confidence
        field.note = "; ".join(filter(None, [field.note, note]))


def cross_check_qr_mrz(document: Document, qr: tuple[QrReading, Page], mrz: tuple[MrzReading, Page]) -> None:
    q, m = qr[0], mrz[0]
    if not m.valid:
        return
    for name, qr_value, mrz_value in (("id_number", q.id_number, m.id_number), ("date_of_birth", q.date_of_birth, m.birth_date),
                                      ("sex", q.sex, m.sex)):
        if qr_value and mrz_value and qr_value != mrz_value:
            distrust(document, name, f"{name}: QR and MRZ disagree")
    if not names_match(q.full_name, m.name) and not _name_line_misread(q, m):
        distrust(document, "full_name", "full_name: QR and MRZ disagree")


def _name_line_misread(qr: QrReading, mrz: MrzReading) -> bool:
    """The MRZ of the QR code's card (the same id number) whose name line, which no check digit guards, is nearly
    the QR name's line: OCR misread a letter of it (``check_name_against_mrz`` then repairs the line); the QR code's
    name is error-corrected and stays trusted."""
    return bool(qr.id_number) and qr.id_number == mrz.id_number and _close_to(mrz_name_line(qr.full_name), mrz.lines[2])


# --- where machine values are printed --------------------------------------------


def place_machine_values(document: Document, pages: list[Page], spec: TypeSpec | None = None) -> None:
    """Give each value taken from the QR code or the MRZ the box where it is printed on the card.

    The box OCR read the value in is kept when the print there is exactly that value; else the value's
    printed form (a date as dd/mm/yyyy, "Không thời hạn") is looked for on the card's sides (a run of
    words in reading order, words of another column between them skipped); else the OCR box is kept
    when its print is nearly the value; a value the card does not print (or that cannot be found) gets
    the code's own zone: the QR code, the MRZ lines.
    """
    by_number = {page.number: page for page in pages}
    zones = {"qr": _field_zone(document, "qr", by_number, qr_zone), "mrz": _field_zone(document, "mrz", by_number, mrz_zone)}
    for name, field in document.fields.items():
        if field.source not in zones:
            continue
        printed = None if name in zones else printed_form(name, field)
        page = by_number.get(field.page) if field.page is not None else None
        similarity = shows(page, field.bbox, printed) if printed is not None and page and field.bbox else 0.0
        if similarity >= EXACTLY:
            continue
        if printed is None:
            found = None
        elif len(printed) >= SEARCHABLE:
            found = find_printed(pages, printed)
        else:
            field_spec = spec.fields.get(name) if spec is not None else None
            found = find_after_label(pages, printed, field_spec.labels) if field_spec is not None else None
        if found is None and similarity >= PRINTED_SIMILARITY:
            continue
        if found is None:
            found = zones[field.source] or zones["qr" if field.source == "mrz" else "mrz"]
        field.page, field.bbox = found if found is not None else (None, None)


def _field_zone(document: Document, name: str, pages: Mapping[int, Page], zone) -> tuple[int, BBox] | None:  # type: ignore[no-untyped-def]
    field = document.fields.get(name)
    page = pages.get(field.page) if field is not None and field.page is not None else None
    box = zone(page) if page is not None else None
    return (page.number, box) if page is not None and box is not None else None


def qr_zone(page: Page) -> BBox | None:
    """Where the page's QR code was decoded, if the decoder said."""
    text = page.readings.get(QR_ZONE)
    if not text:
        return None
    x0, y0, x1, y1 = (int(v) for v in text.split(","))
    return (x0, y0, x1, y1)


MRZ_WORD = re.compile(r"^[A-Z0-9<«]{6,}$")


def mrz_zone(page: Page) -> BBox | None:
    """The MRZ lines' box: the lines holding filler runs ("<<") or the IDVNM opening, and the line of
    long capitals-and-digits words next to them (a name line whose fillers OCR misread)."""
    lines = {word.line for word in page.words if "<<" in word.text or word.text.startswith("IDVNM")}
    machine_like = {word.line for word in page.words if MRZ_WORD.match(word.text) and len(word.text) >= 10}
    lines |= {line for line in machine_like if line - 1 in lines or line + 1 in lines}
    return union_bbox([word.bbox for word in page.words if word.line in lines])


SEARCHABLE = 6  # shorter printed values ("Nam") are not looked for across the card: they would be found anywhere


def printed_form(name: str, field: Field) -> str | None:
    """How a card prints a value: dates as dd/mm/yyyy, no expiry as "Không thời hạn"."""
    if name == "expiry_date" and field.no_expiry:
        return "Không thời hạn"
    if not isinstance(field.value, str) or not field.value:
        return None
    if is_iso_date(field.value):
        year, month, day = field.value.split("-")
        return f"{day}/{month}/{year}"
    return field.value


def _squeezed(text: str) -> str:
    return fold(text).replace(" ", "")


PRINTED_SIMILARITY = 80  # rapidfuzz ratio of the print (spaces and marks aside) to the value's printed form
EXACTLY = 97
NEXT_WORD_SIMILARITY = 70  # a word carries a value on when it reads like the value's next letters
MAX_SKIPPED = 8  # words of another column between a value's words in reading order (a card's photo side)


def shows(page: Page, bbox: BBox, printed: str) -> float:
    """How much the words inside a box read as the printed form of a value (rapidfuzz ratio, 0-100)."""
    inside = words_within(page, bbox)
    return fuzz.ratio("".join(_squeezed(w.text) for w in inside), _squeezed(printed)) if inside else 0.0


def find_after_label(pages: list[Page], printed: str, labels: list[str]) -> tuple[int, BBox] | None:
    """A short value ("Nam") as a word of its own after one of its labels on the same printed line."""
    target = _squeezed(printed)
    label_words = {_squeezed(word) for label in labels for word in label.replace("/", " ").split()}
    for page in pages:
        lines: dict[int, list[Word]] = {}
        for word in page.words:
            lines.setdefault(word.line, []).append(word)
        for line in lines.values():
            line.sort(key=lambda w: w.bbox[0])
            after_label = False
            for word in line:
                folded = _squeezed(word.text)
                if after_label and re.sub(r"[^0-9a-z]", "", folded) == target:
                    return page.number, word.bbox
                after_label = after_label or any(part in label_words for part in folded.split("/") if part)
    return None


def find_printed(pages: list[Page], printed: str) -> tuple[int, BBox] | None:
    """Where ``printed`` is on the pages: the run of words, in reading order, that reads most like it.

    A run may skip words that do not carry on the value (another column's words between a wrapped
    value's lines); each word it keeps reads like the value's letters where the run has got to (a few
    letters either way: OCR merges, splits and drops letters). Its box is that of the words it keeps.
    """
    target = _squeezed(printed)
    best: tuple[float, int, list[Word]] | None = None
    for page in pages:
        words = sorted(page.words, key=lambda w: (w.line, w.bbox[0]))
        folded = [_squeezed(w.text) for w in words]
        for start in range(len(words)):
            reach = _carries_on(folded[start], target, 0)
            if reach is None:
                continue  # a value's run starts with its first word
            kept, joined, skipped = [words[start]], folded[start], 0
            score = fuzz.ratio(joined, target)
            if best is None or score > best[0]:
                best = (score, page.number, list(kept))
            for index in range(start + 1, len(words)):
                if reach >= len(target) or skipped > MAX_SKIPPED:
                    break
                further = _carries_on(folded[index], target, reach)
                if further is None:
                    skipped += 1  # not the value's next word: another column's, between the value's lines
                    continue
                kept.append(words[index])
                joined, reach = joined + folded[index], further
                score = fuzz.ratio(joined, target)
                if score > best[0]:
                    best = (score, page.number, list(kept))
    if best is None or best[0] < PRINTED_SIMILARITY:
        return None
    box = union_bbox([w.bbox for w in best[2]])
    return (best[1], box) if box is not None else None


def _carries_on(word: str, target: str, position: int) -> int | None:
    """Where in ``target`` a word that reads like its letters from about ``position`` ends; None if it does not."""
    if not word:
        return None
    slack = 3 if position else 0
    window_start = max(0, position - slack)
    window = target[window_start:position + len(word) + slack]
    found = fuzz.partial_ratio_alignment(word, window) if window else None
    if found is None or found.score < NEXT_WORD_SIMILARITY:
        return None
    return window_start + found.dest_end
