"""Giấy xác nhận tình trạng hôn nhân: its two sentences read to their end, in their legal wording.

The generic engine reads "Tình trạng hôn nhân" and "Giấy này được cấp để" as multi-line text, but a
sentence that wraps may open its next line with a word that is also a label in lower case ("số 2,
quyển số …", "sinh năm 1985, …"), which the engine takes for the next field. Here such a value runs
on, line by line, until the next *printed* label (capitalised, at a line's start, or any "Words:"
opening a line), the signature's place-and-date line, or a line that is not right below it. Its
text is then tidied (leader dots, specks, spacing) and its fixed phrases are restored from the
closed vocabulary of the statuses and purposes that the civil-status rules prescribe
(Thông tư 04/2020/TT-BTP), tolerant of misread marks; repaired or unfamiliar sentences lose
confidence so that a person looks at them.

Also: a certificate number's symbol ("…/UBND-XNTTHN") snapped to the known symbol parts when one
letter was misread, a validity sentence whose date stands apart on its line ("có giá trị 06 tháng kể
từ ngày cấp, đến ngày     dd/mm/yyyy"), and a sex that OCR could not read settled by the id number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from itertools import pairwise
from datetime import date, timedelta

import numpy as np
from rapidfuzz.distance import Levenshtein

from extractors.engine import (
    GLUED, VALUE_INDENT, PageView, Region, _close_below, _inside, _label_rank, _opening_word, _trim_specks,
    _up_to_wide_gap, drop_label_translation, field_from_words, is_place_and_date_line, words_within,
)
from extractors.calibration import (
    CHECKED_WORDING, DERIVED, DIFFERS, LABEL_TAIL_DROPPED, NAMES_READ_TWICE, READ_AGAIN, WHOLE_STATUS,
)
from extractors.kinds import (
    DATA, DOUBTFUL, PRINTED, REPAIRED, RESPELLED, SLASH_RESTORED, UNIT_WORDS, UNMARKED, Reading, _unit_marks_differ,
    by_letters, keeps_its_stop, name_syllables, only_surname_of_letters, place_and_name_syllables, read_address,
    read_code, read_date, unit_names, unit_spellings,
)
from extractors.readers.ids import birth_year_from_id
from extractors.readers.labels import LabelHit
from extractors.second_reading import crop_reading, figures_confidence
from extractors.readers.phrases import (
    join_lines, repair_numbers, restore_phrases, snap_code_parts, starts_with_any, tidy_running_text,
)
from extractors.spec import FieldSpec, TypeSpec
from extractors.validate import is_iso_date, printed_alike, sex_of_a_sure_id_number
from pipeline.geometry import union_bbox
from pipeline.text import clean_value, fold
from schemas import BBox, Document, Field, Page, Word

# The wording of the statuses (Thông tư 04/2020/TT-BTP, hướng dẫn ghi Giấy xác nhận tình trạng hôn nhân)
# and of the usual purposes; names, numbers, dates and places between them are read as printed.
STATUS_PHRASES = [
    "Chưa đăng ký kết hôn với ai", "Hiện tại chưa đăng ký kết hôn với ai", "hiện tại chưa đăng ký kết hôn với ai",
    "Chưa đăng ký kết hôn", "Đã đăng ký kết hôn", "Có đăng ký kết hôn", "Không đăng ký kết hôn",
    "nhưng đã ly hôn theo", "nhưng đã ly hôn", "đã ly hôn theo", "nhưng vợ đã chết", "nhưng chồng đã chết",
    "vợ đã chết", "chồng đã chết", "đã chết",
    "Bản án ly hôn số", "Bản án số", "Quyết định công nhận thuận tình ly hôn và sự thỏa thuận của các đương sự số",
    "Quyết định công nhận thuận tình ly hôn số", "Quyết định công nhận thuận tình ly hôn", "Quyết định ly hôn số",
    "Quyết định số", "của Tòa án nhân dân", "Tòa án nhân dân", "Ủy ban nhân dân", "khu vực",
    "Trích lục khai tử số", "Giấy chứng tử số", "Trích lục khai tử", "Giấy chứng tử",
    "Hiện tại đang có vợ là bà", "Hiện tại đang có chồng là ông", "Hiện đang có vợ là bà", "Hiện đang có chồng là ông",
    "Đang có vợ là bà", "Đang có chồng là ông", "Đang có vợ là", "Đang có chồng là",
    "Giấy chứng nhận kết hôn số", "Giấy chứng nhận kết hôn", "quyển số", "cấp ngày", "sinh năm",
    "nhưng có chung sống với", "như vợ chồng",
    "thành phố", "thị trấn", "thị xã",
]
# a status that opens on a marriage registered goes on to how it ended ("…, nhưng đã ly hôn theo …", "… nhưng vợ đã
# chết"): one still in force is worded "Đang có vợ/chồng là …"
_ENDED_MARRIAGE_OPENINGS = ("da dang ky ket hon", "co dang ky ket hon")
MARRIAGE_WITHOUT_ITS_END = "text: a marriage registered, with no divorce or death after it (the rest lost below?)"


def _marriage_without_its_end(status: str) -> bool:
    folded = fold(status)
    return folded.startswith(_ENDED_MARRIAGE_OPENINGS) and "nhung" not in folded.split()


# a confirmation for a marriage names the partner and where the marriage is to be registered ("… kết hôn với chị X,
# sinh năm 1990, tại Ủy ban nhân dân …"): a purpose that names a partner and no place was cut short
MARRIAGE_WITHOUT_ITS_PLACE = "text: a marriage's partner named, with no place to register it after (the rest lost below?)"
PROCEDURE_WITHOUT_ITS_VERB = "purpose: opens on the procedure, its verb ('làm') lost and put back"


def _marriage_without_its_place(purpose: str) -> bool:
    words = fold(purpose).replace(",", " ").split()
    return "ket hon voi" in " ".join(words) and "tai" not in words


# the statuses that say all there is to say, with no name, paper or date: a value cut short is never one of them
COMPLETE_STATUSES = {"Chưa đăng ký kết hôn với ai", "Hiện tại chưa đăng ký kết hôn với ai"}
STATUS_OPENINGS = [
    "Chưa đăng ký kết hôn", "Hiện tại chưa đăng ký kết hôn", "Đã đăng ký kết hôn", "Có đăng ký kết hôn",
    "Không đăng ký kết hôn", "Đang có vợ", "Đang có chồng", "Hiện đang có", "Hiện tại đang có",
]
PURPOSE_PHRASES = [
    "làm thủ tục đăng ký kết hôn", "làm thủ tục", "đăng ký kết hôn với người nước ngoài", "đăng ký kết hôn",
    "vay vốn ngân hàng", "vay vốn tại", "thế chấp tài sản", "mua bán nhà đất", "mua bán nhà ở", "mua bán",
    "chuyển nhượng nhà đất", "nhà đất",
    "nhận chuyển nhượng quyền sử dụng đất", "chuyển nhượng quyền sử dụng đất", "quyền sử dụng đất", "chuyển nhượng",
    "công chứng hợp đồng", "hợp đồng mua bán", "tặng cho", "thừa kế", "giao dịch dân sự",
    "bổ sung hồ sơ xuất khẩu lao động", "bổ sung hồ sơ xin việc", "bổ sung hồ sơ", "xuất khẩu lao động",
    "đi làm việc ở nước ngoài", "làm việc ở nước ngoài", "đi lao động ở nước ngoài", "hồ sơ xin việc",
    "xuất cảnh", "định cư ở nước ngoài", "du học", "sinh năm", "tại Ủy ban nhân dân", "Ủy ban nhân dân",
    "Ngân hàng", "Chi nhánh", "Phòng giao dịch", "thành phố", "thị trấn", "thị xã",
]
RUNNING_TEXT = {"marital_status": (STATUS_PHRASES, STATUS_OPENINGS), "purpose": (PURPOSE_PHRASES, None)}
# the symbols of the court papers a status cites ("…/2017/QĐST-HNGĐ": quyết định sơ thẩm, hôn nhân gia đình)
COURT_SYMBOL_PARTS = ["HNGĐ", "QĐST", "QĐPT"]
_CASE_REFERENCE = re.compile(r"\b\d{1,5}/(?:19|20)\d\d/[^\s,;)]+")
# a sentence whose fixed words were guessed from misread letters, or a status in none of the prescribed
# wordings, is for a person to check: below what calibration accepts for text (extractors/data/calibration.json)
GUESSED = UNFAMILIAR = DOUBTFUL
SURE = 0.9
SETTLED = 0.5  # a sex taken from the id number: plausible, below the trust line (after calibration too)

# "Trong thời gian cư trú tại: …": a label the type does not read (capitalised words and a colon opening a
# line); "… số:" / "… ngày:" introduce a figure inside a sentence ("Trích lục khai tử số: 12/2019")
_DASHES = {"-", "–", "—"}
_LABEL_LIKE = re.compile(r"^(?P<words>[^\W\d_][^\d:]{0,50}):(?:\s|$)")
_FIGURE_MARKERS = {"so", "ngay"}
_OPENING_SPECKS = "\"'“”„‘’`«» "
# the form's item after the residence (Thông tư 04/2020/TT-BTP): an earlier address, for a person who moved
_ITEM_OPENINGS = ("trong thoi gian cu tru",)


def finish(document: Document, spec: TypeSpec, views: list[PageView], images: Mapping[int, np.ndarray]) -> None:
    for name, (phrases, openings) in RUNNING_TEXT.items():
        field_spec = spec.fields.get(name)
        if field_spec is None:
            continue
        found = read_running_text(field_spec, views, phrases, openings)
        if found is not None:
            document.fields[name] = found
    _residence_to_the_next_label(document, spec, views)
    _drop_label_tail(document, spec, "residence")
    _no_identity_number_for_the_certificate(document)
    _snap_certificate_number(document, spec, views, images)
    _number_by_its_symbol(document, spec, views)
    _validity_apart(document, spec, views)
    _validity_from_misread_figures(document, spec, views)
    _sex_from_id_number(document)
    pages = {view.page.number: view.page for view in views}
    for name, (phrases, _) in RUNNING_TEXT.items():
        if (field := document.fields.get(name)) is not None and field.page in pages:
            names_read_twice(field, phrases, pages[field.page], images)


# --- running text -----------------------------------------------------------------------------------

def read_running_text(field_spec: FieldSpec, views: list[PageView], phrases: list[str],
                      openings: list[str] | None = None) -> Field | None:
    """A sentence after its label, to its end, tidied and in the vocabulary's wording (None: no label)."""
    for view in views:
        hits = [h for h in view.hits if h.label in field_spec.labels and view.serves(h, field_spec.section)]
        kept = [hit for index, hit in enumerate(hits)
                if not (index + 1 < len(hits) and hits[index + 1].line_index == hit.line_index)]
        for hit in sorted(kept, key=lambda h: _label_rank(view, h)):
            if _label_rank(view, hit) > 1 and view.lines[hit.line_index][hit.word_start].text[:1].islower():
                continue  # the label's words inside a sentence
            lines = value_lines(view, hit, field_spec)
            if not lines:
                continue
            return _to_field(view, hit, lines, phrases, openings)
    return None


def value_lines(view: PageView, hit: LabelHit, field_spec: FieldSpec) -> list[list[Word]]:
    """The words of a value, line by line: after the label (or on the next line), then each line right
    below that opens with no printed label, up to the signature's place-and-date line."""
    region = view.region_of(hit, field_spec.section) or Region(field_spec.section, 0, len(view.lines))
    label_line = view.lines[hit.line_index]
    line_start = min(w.bbox[0] for w in label_line)
    height = max(1, hit.bbox[3] - hit.bbox[1])
    region = Region(region.section, region.first_line, region.last_line,
                    max(region.x0, line_start - VALUE_INDENT * height), region.x1, region.row_labels_x1)
    inside = _up_to_wide_gap(drop_label_translation(
        [w for w in hit.value_words if _inside(w, region.x0, region.x1)], field_spec.labels))
    first = _with_dashes(inside, _trim_specks(inside))
    line = hit.line_index
    if not first:
        line += 1
        first = _continuation(view, line, region)
        if not first:
            return []
    lines = [first]
    # a wrapped line starts at the margin or under the value, never far right of both (a signature block)
    furthest_left = max(line_start, first[0].bbox[0]) + 2 * height
    while (following := _continuation(view, line + 1, region)) and _close_below(lines[-1], following) \
            and following[0].bbox[0] <= furthest_left:
        lines.append(following)
        line += 1
    return lines


def _continuation(view: PageView, line: int, region: Region) -> list[Word]:
    """A line's words within the region, unless it opens with a printed label or is the place-and-date line."""
    if line >= len(view.lines) or line in view.header_lines or not region.first_line <= line <= region.last_line:
        return []
    inside = [w for w in view.lines[line] if _inside(w, region.x0, region.x1)]
    words = _with_dashes(inside, _trim_specks(inside))
    if not words:
        return []
    first = words[_opening_word(words)]
    for hit in view.hits:
        opens = hit.line_index == line and hit.bbox[0] <= first.bbox[2] and hit.bbox[2] >= first.bbox[0]
        # labels are printed capitalised: "số 2, quyển số …" and "sinh năm 1985" carry the sentence on, also
        # after a form's leader dots (".........sinh năm 1995")
        if opens and not first.text.lstrip("(\"'„" + GLUED).lstrip()[:1].islower():
            return []
    text = " ".join(w.text for w in words[_opening_word(words):])
    if _opens_with_a_label(text) or is_place_and_date_line(words):
        return []
    return words


def _with_dashes(inside: list[Word], words: list[Word]) -> list[Word]:
    """The kept words with a dash trimmed as a speck right before or after them put back: "… Việt Nam -" /
    "Chi nhánh Hoàn Kiếm", ".........- Chi nhánh", a text layer's "Việt Nam -...": a separator of the sentence (one
    at its very end is edge punctuation the text's tidying drops)."""
    if not words:
        return words
    before, after = inside.index(words[0]) - 1, inside.index(words[-1]) + 1
    if before >= 0 and inside[before].text.lstrip(".…") in _DASHES:  # ".........-": a dash after the leader dots
        words = [inside[before], *words]
    if after < len(inside) and inside[after].text.rstrip(".…") in _DASHES:  # "-...": the dash before leader dots
        words = [*words, inside[after]]
    return words


def _opens_with_a_label(text: str) -> bool:
    text = text.lstrip(_OPENING_SPECKS)  # "“Trong thời gian cư trú tại: …": a speck read as a quote
    if any(Levenshtein.distance(fold(text)[:len(opening)], opening) <= 1 for opening in _ITEM_OPENINGS):
        return True  # the form's own next item, also when OCR read its colon as a stop or a letter wrong ("[rong")
    match = _LABEL_LIKE.match(text)
    return bool(match and text[:1].isupper() and fold(match["words"]).split()[-1] not in _FIGURE_MARKERS)


def _residence_to_the_next_label(document: Document, spec: TypeSpec, views: list[PageView]) -> None:
    """The address read with the same ends as the sentences: a "Trong thời gian cư trú tại: …" line (an
    earlier address) after it is another item, not more of it."""
    field_spec = spec.fields.get("residence")
    field = document.fields.get("residence")
    if field_spec is None or field is None or not isinstance(field.value, str):
        return
    for view in views:
        hits = [h for h in view.hits if h.label in field_spec.labels and view.serves(h, field_spec.section)]
        for hit in sorted(hits, key=lambda h: _label_rank(view, h)):
            lines = value_lines(view, hit, field_spec)
            if not lines:
                continue
            words = [w for line in lines for w in line]
            reading = read_address(clean_value(" ".join(w.text for w in words)))
            # the same address, shorter: its start as read before, or a reading that took in the next item (whose
            # register spelling differs from the text's: "… Thành phô Hô Chí Minh Trong thời gian cư trú tại …");
            # or the same, where the address's reading cut the next item off after the province itself, doubting it
            recut = reading.value == field.value and field.note is not None and not reading.problems
            if reading.value and (len(reading.value) < len(field.value) or recut) \
                    and (field.value.startswith(reading.value) or _item_inside(field.value)):
                document.fields["residence"] = field_from_words(
                    reading.value, words, view.page, min(1.0, hit.score) * reading.factor,
                    province=reading.extra.get("province"), ward=reading.extra.get("ward"),
                    note="; ".join(reading.problems) or None,
                    respelled=reading.extra.get(RESPELLED),  # type: ignore[arg-type]
                    unmarked=reading.extra.get(UNMARKED))  # type: ignore[arg-type]
            return


def _item_inside(text: str) -> bool:
    """Whether the form's next item ("Trong thời gian cư trú tại") stands inside a value, after its start."""
    folded = fold(text)
    return any(opening in folded[1:] for opening in _ITEM_OPENINGS)


def label_tails(labels: list[str]) -> list[str]:
    """What longer labels add to shorter ones they open with, folded ("Nơi cư trú hiện nay": "hien nay")."""
    folded = [fold(label) for label in labels]
    return sorted({longer[len(shorter):].strip() for shorter in folded for longer in folded
                   if longer != shorter and longer.startswith(shorter + " ")}, key=len, reverse=True)


def without_label_tail(value: str, tails: list[str]) -> str | None:
    """The value without a longer label's last words OCR misread ("hiện nav Số 51 …": the label read was
    "Nơi cư trú", the rest of "Nơi cư trú hiện nay" stayed in the value); None when it opens with none."""
    words = value.split()
    for tail in tails:
        size = len(tail.split())
        opening = fold(" ".join(words[:size])).rstrip(":.")
        if len(words) > size and Levenshtein.distance(opening, tail) <= max(1, len(tail) // 8):
            return " ".join(words[size:]).lstrip(":. ") or None
    return None


def _drop_label_tail(document: Document, spec: TypeSpec, name: str) -> None:
    """A value that opens with the misread rest of a longer label loses it, re-read; where the label ends
    was guessed, so a person looks."""
    field, field_spec = document.fields.get(name), spec.fields.get(name)
    if field is None or field_spec is None or not isinstance(field.value, str):
        return
    rest = without_label_tail(field.value, label_tails(field_spec.labels))
    if rest is None:
        return
    reading = read_address(rest) if field_spec.kind == "address" else None
    value = reading.value if reading is not None else rest
    if not value:
        return
    factor = reading.factor if reading is not None else 1.0
    document.fields[name] = field.model_copy(update={
        "value": value, "confidence": round(min(field.confidence * factor, REPAIRED), 3),
        "province": reading.extra.get("province") if reading is not None else field.province,
        "ward": reading.extra.get("ward") if reading is not None else field.ward,
        "note": "; ".join(filter(None, [field.note, LABEL_TAIL_DROPPED]))})


def _to_field(view: PageView, hit: LabelHit, lines: list[list[Word]], phrases: list[str],
              openings: list[str] | None) -> Field:
    text = tidy_running_text(join_lines(" ".join(w.text for w in words) for words in lines))
    text, renumbered = repair_numbers(text)
    text, resymbolled = _snap_case_references(text)
    renumbered = renumbered or resymbolled
    reading = restore_phrases(text, phrases)
    value = clean_value(tidy_running_text(reading.text)) or None
    if value and openings is not None:
        value = _sentences_apart(value, openings)
    renamed = 0
    if value:
        value, renamed = respell_names(value)
    factor, problems = 1.0, []
    if renumbered:
        factor = REPAIRED
        problems.append("text: a reference's slashes or symbol repaired")
    if reading.repaired:
        factor = min(factor, GUESSED)
        problems.append("text: misread words of its fixed wording repaired")
    if renamed:
        factor = min(factor, GUESSED)
        problems.append("text: tone marks of a name repaired")
    if value and openings is not None and not starts_with_any(value, openings):
        factor = min(factor, UNFAMILIAR)
        problems.append("text: not a prescribed wording")
    if value and openings is not None and _marriage_without_its_end(value):
        factor = min(factor, DOUBTFUL)
        problems.append(MARRIAGE_WITHOUT_ITS_END)
    if value and openings is None and _marriage_without_its_place(value):
        factor = min(factor, DOUBTFUL)
        problems.append(MARRIAGE_WITHOUT_ITS_PLACE)
    if value and openings is None and fold(value).startswith("thu tuc "):
        # "(Giấy này được cấp để) thủ tục …": a procedure is what one does ("làm thủ tục"), its verb lost at the start
        value = ("Làm " if value[:1].isupper() else "làm ") + value[:1].lower() + value[1:]
        factor = min(factor, DOUBTFUL)
        problems.append(PROCEDURE_WITHOUT_ITS_VERB)
    if value and value.count("(") != value.count(")"):
        factor = min(factor, DOUBTFUL)
        problems.append("text: brackets do not close")
    if value and (repaired := wording_misreads_repaired(value, phrases)) != value:
        value = repaired  # the print's, most likely; a person confirms it
        factor = min(factor, DOUBTFUL)
        problems.append(WORDING_REPAIRED)
    bank = _bank_at_a_wrap(lines) or (_bank_without_its_dash(value) if value else None)
    if value and bank is not None:  # the dash the wrap lost put back, doubted below: a guess
        value = re.sub(rf"({re.escape(bank)}) (?=[Cc]hi nhánh)", r"\1 - ", value, count=1)
    if value and (mended := mended_as_printed(value)) != value:
        value = mended  # as the form and the register print it, most likely; a person confirms it
        factor = min(factor, DOUBTFUL)
        problems.append(MENDED_AS_PRINTED)
    if value and (doubt := wording_doubt(value, phrases) or (BANK_DASH_RESTORED if bank else None)) is not None:
        factor = min(factor, DOUBTFUL)
        problems.append(doubt)
    words = [w for line in lines for w in line]
    checked = not problems and value is not None and wording_checked(value, phrases)
    whole = checked and value is not None and value.rstrip(".") in COMPLETE_STATUSES
    # every word checked: a word of letters is one the wording, the register or the name lists spell so
    return field_from_words(value, words, view.page, min(1.0, hit.score) * factor, letters_checked=checked,
                            note="; ".join(problems) or (WHOLE_STATUS if whole else CHECKED_WORDING if checked else None))


# --- a sentence every word of which is checked -------------------------------------------------------

# words that join the prescribed wording to its names, figures and places
_CONNECTORS = {"với", "ông", "bà", "anh", "chị", "là", "theo", "ngày", "số", "do", "cấp", "của", "tại", "và", "năm",
               "sinh", "phường", "xã", "quận", "huyện", "tỉnh", "thành", "phố", "thị", "trấn", "khu", "vực", "-"}
# the symbols a sentence may cite: such a confirmation's own ("69/UBND-XNTTHN"; its number's parts are the type's
# certificate_number.symbols), a court's, a death extract's
_SYMBOL_PARTS = {"UBND", "XNTTHN", *COURT_SYMBOL_PARTS, "ST", "PT", "TLKT", "BS"}
_FIGURE = re.compile(r"\d{1,5}(?:/\d{1,5})*(?:/(?P<symbol>[A-ZĐ]+(?:-[A-ZĐ]+)*))?")
_DMY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_SHORT_DMY = re.compile(r"\d/\d{1,2}/\d{4}|\d{1,2}/\d/\d{4}")


def wording_checked(text: str, phrases: list[str]) -> bool:
    """Whether every word of a sentence is a word of its prescribed wording (``phrases``) or a joining word,
    a capitalised word of a registered place's or a common person's name that no other marks would make
    another's, a valid date, or a figure with a known symbol ("80/2012/HNGĐ-ST"): nothing in it is a spelling
    that nothing checks."""
    return unchecked_words(text, phrases) == []


def unchecked_words(text: str, phrases: list[str]) -> list[str] | None:
    """The words of a sentence nothing checks (see ``wording_checked``); None where something in it is
    doubtful (``wording_doubt``)."""
    if wording_doubt(text, phrases) is not None:
        return None
    text = _without_banks(text)  # a bank's name as the list spells it: as checked as a registered place's
    lexicon, registered = _lexicon(phrases), _units_in_prose(text)[1]
    unchecked = []
    tokens = _tokens(text)
    for index, token in enumerate(tokens):
        if token in registered:  # a registered unit's words are the register's
            continue
        if token.lower() in lexicon and not (token.isupper() and _inside_a_capitals_name(tokens, index, lexicon)):
            continue  # a word of the wording, but not inside a name in capitals ("ĐẶNG KHÁNH CHỊ": CHI misread)
        if token[:1].isupper() and (token.istitle() or token.isupper()) \
                and spellings_by_letters().get(fold(token), set()) == {token.lower()}:
            continue  # a name's or a place's word that no other marks would make another: "NHỊ" could be NHI
        if _DMY.fullmatch(token) is not None:
            continue  # a valid one: wording_doubt has seen the others
        figure = _FIGURE.fullmatch(token)
        symbol = figure.group("symbol") if figure is not None else None
        if figure is None or (symbol is not None and not set(symbol.split("-")) <= _SYMBOL_PARTS):
            unchecked.append(token)
    return unchecked


@lru_cache(maxsize=1)
def _bank_pattern() -> re.Pattern[str]:
    """A bank a purpose names ("… vay vốn tại Ngân hàng TMCP Công thương Việt Nam - Chi nhánh Cầu Giấy"),
    spelled as ``data/banks.json`` lists it, with the branch after it (a dash between them is spaced: one glued to
    the words, "Quân đội-Chi nhánh", lost the spaces OCR should have read)."""
    names = json.loads((DATA / "banks.json").read_text(encoding="utf-8"))["names"]
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"\b(?P<name>{alternatives})\b(?:(?P<dash>\s+-)?\s+[Cc]hi nhánh (?P<branch>[^\W\d_][\w ]*?)(?=[,.;)]|$))?")


BANK_DASH_RESTORED = "text: the dash between a bank and its branch (lost at a line's end, or a thin stroke) put back"


def _bank_without_its_dash(value: str) -> str | None:
    """The listed bank a value names right before its branch with no dash between ("Ngân hàng TMCP Quân đội Chi
    nhánh Bắc Ninh"): the form parts them with a dash, a thin stroke OCR loses on a photo."""
    return next((bank["name"] for bank in _bank_pattern().finditer(value)
                 if bank["branch"] is not None and bank["dash"] is None), None)


def _bank_at_a_wrap(lines: list[list[Word]]) -> str | None:
    """The bank's name a line ends on where the next opens with its branch, no dash between ("… Việt Nam" / "Chi
    nhánh Cầu Giấy"): the dash that parts them stands at the line's end, where OCR loses it most."""
    for above, below in pairwise(lines):
        end = " ".join(w.text for w in above).rstrip(" .…·_")  # leader dots aside, a dash kept
        banks = list(_bank_pattern().finditer(end))
        if banks and banks[-1].end() == len(end) and fold(" ".join(w.text for w in below[:2])) == "chi nhanh":
            return banks[-1][0]
    return None


def _without_banks(text: str) -> str:
    """``text`` without the banks it names as listed, each with a branch named as a registered unit is or none."""
    return _bank_pattern().sub(
        lambda bank: " " if bank["branch"] is None or bank["branch"] in unit_names() else bank[0], text)


def wording_doubt(text: str, phrases: list[str]) -> str | None:
    """What in a sentence contradicts its wording or the register, or None: a word of the wording in capitals
    ("đăng KÝ"), a unit whose marks are not the register's ("tỉnh Nghê An", "do … xã Cấm Văn cấp"), no such date,
    a joining word last ("… kết hôn với")."""
    if _unit_marks_differ(text) or _units_in_prose(text)[0]:
        return "text: a unit's marks are not the register's"
    if _BOOK_WITHOUT_COMMA.search(text):
        return "text: a comma of its wording missing (a speck or a stop read for it?)"
    if _stray_stops(text.split(), phrases):
        return "text: a full stop inside the sentence, before no sentence of its wording (a speck?)"
    if _dash_inside_a_phrase(text.split(), phrases):
        return "text: a dash between two words of its wording (a speck?)"
    if _SPLIT_NUMBER.search(text):
        return "text: a number's figures split by a blank (a figure misread or lost?)"  # "số 456/201 1/QĐST-HNGĐ"
    if _phrase_in_another_case(text, phrases):
        return "text: words of its wording in another case inside the sentence (a letter misread?)"
    lexicon = _lexicon(phrases)
    tokens = _tokens(text)
    if tokens and tokens[-1] in _NEVER_LAST:  # "xã Hải Anh" ends on a name
        return "text: ends on a joining word (the rest lost?)"  # "… kết hôn với" whose "ai" OCR took for specks
    if tuple(token.lower() for token in tokens[-2:]) in _NUMBERED_PAPERS:
        return "text: ends naming a judgment or record without its number (the rest lost?)"  # "… ly hôn theo Bản án"
    for index, token in enumerate(tokens):
        if _wording_word_in_capitals(tokens, index, lexicon):
            return "text: a word of its wording in capitals (misread?)"
        if (date_match := _DMY.fullmatch(token)) is not None and not _valid_date(*map(int, date_match.groups())):
            return "text: no such date"
        if _SHORT_DMY.fullmatch(token):  # the wording writes dd/mm/yyyy: "1/11/1982" for 15/11/1982
            return "text: a date's day or month of one figure (a figure lost?)"
    return None


def _phrase_in_another_case(text: str, phrases: list[str]) -> bool:
    """A phrase of the wording in lower case, of three words or more, read inside the sentence with a capital
    ("làm thủ tục Vay vốn ngân hàng": a small v read large, as OCR tells v, c, o, s … by their size alone)."""
    lowered = text.lower()
    for phrase in phrases:
        if phrase.islower() and len(phrase.split()) >= 3:
            start = lowered.find(phrase, 1)
            while start > 0:
                if text[start:start + len(phrase)] != phrase and text[start - 2:start] != ". ":
                    return True
                start = lowered.find(phrase, start + 1)
    return False


# a numbered paper's figures with a blank between two of them: a number and its year are joined by "/"
_SPLIT_NUMBER = re.compile(r"\d/\d{1,3} \d{1,3}/")


def _dash_inside_a_phrase(words: list[str], phrases: list[str]) -> bool:
    """Whether a dash stands alone between two words that follow each other in a phrase of the wording ("Tòa án -
    nhân dân"): a speck read as a dash, where a bank's dash before its branch joins no two such words."""
    pairs = {pair for phrase in phrases for pair in pairwise(phrase.lower().split())}
    return any(word in _DASHES and (words[index - 1].lower(), words[index + 1].lower()) in pairs
               for index, word in enumerate(words[1:-1], start=1))


def _stray_stops(words: list[str], phrases: list[str]) -> list[int]:
    """The words ending in a full stop with more after them that opens no sentence of the wording ("… Việt Nam - Chi
    nhánh. Thành Công"): a speck read as a stop; abbreviations ("Tp.", "TMCP.") keep theirs, and a second sentence
    of the wording follows one ("… tỉnh Lạng Sơn. Hiện tại chưa đăng ký kết hôn với ai")."""
    stray = []
    for index, word in enumerate(words[:-1]):
        letters = word[:-1]
        if not (word.endswith(".") and len(letters) > 1 and letters[-1].isalpha()) or keeps_its_stop(letters):
            continue
        rest = " ".join(words[index + 1:])
        if not any(rest.startswith(phrase) for phrase in phrases if phrase[:1].isupper()):
            stray.append(index)
    return stray


WORDING_REPAIRED = "text: a speck read as a full stop, or a word of its wording read in capitals, put right"


def wording_misreads_repaired(text: str, phrases: list[str]) -> str:
    """The sentence with its stray stops dropped (and a sign left last after one: "… ngân hàng. —") and the words of
    its wording misread in capitals ("ỦY ban nhân dân") spelled as the wording does."""
    words = text.split()
    for index in _stray_stops(words, phrases):
        words[index] = words[index][:-1]
    while words and not any(ch.isalnum() for ch in words[-1]):
        words.pop()  # a dash or a speck after the last word
    tokens, lexicon, spelled = _tokens(" ".join(words)), _lexicon(phrases), _wording_spellings(tuple(phrases))
    capitals = {token for index, token in enumerate(tokens) if _wording_word_in_capitals(tokens, index, lexicon)}
    return " ".join(re.sub(r"\w+", lambda m: spelled.get(m[0].lower(), m[0].lower()) if m[0] in capitals else m[0],
                           word) for word in words)


@lru_cache(maxsize=8)
def _wording_spellings(phrases: tuple[str, ...]) -> dict[str, str]:
    """Each word of the wording (lower case) as the wording first prints it ("ủy" → "Ủy")."""
    spelled: dict[str, str] = {}
    for phrase in phrases:
        for word in phrase.split():
            spelled.setdefault(word.lower(), word)
    return spelled


# the joining words no wording ends on: each leads to a name, a figure, a place or "ai"
_NEVER_LAST = _CONNECTORS - {"-", "cấp"}
# papers the wording names only with their number ("Bản án số …", "Quyết định số …", "Trích lục khai tử số …")
_NUMBERED_PAPERS = {("bản", "án"), ("quyết", "định"), ("khai", "tử")}


def _wording_word_in_capitals(tokens: list[str], index: int, lexicon: set[str]) -> bool:
    """Whether the token at ``index`` is a word of the wording read in capitals ("đăng KÝ"), not in a name's."""
    token = tokens[index]
    return token.lower() in lexicon and token.isalpha() and not (token.islower() or token.istitle()) \
        and not _inside_a_capitals_name(tokens, index, lexicon)


def _inside_a_capitals_name(tokens: list[str], index: int, lexicon: set[str]) -> bool:
    """Whether the word in capitals stands among capitals one of which is no word of the wording: a name
    printed in capitals ("anh TRẦN ĐỖ ANH THÀNH"), not the wording misread ("đăng KÝ")."""
    start = end = index
    while start > 0 and tokens[start - 1].isupper():
        start -= 1
    while end + 1 < len(tokens) and tokens[end + 1].isupper():
        end += 1
    return any(token.isalpha() and token.lower() not in lexicon for token in tokens[start:end + 1])


# the form's wording prints a comma between a paper's number and its book ("số 231, quyển số 01/2013")
_BOOK_WITHOUT_COMMA = re.compile(r"\bsố [^\s,]+ quyển số")


def _lexicon(phrases: list[str]) -> set[str]:
    return {word.lower() for phrase in phrases for word in phrase.split()} | _CONNECTORS


def _tokens(text: str) -> list[str]:
    """The sentence's words without its own punctuation (any other sign stays and fails the checks)."""
    return [token for word in text.split() if (token := word.lstrip("(").rstrip(",.)"))]


@lru_cache(maxsize=1)
def spellings_by_letters() -> dict[str, set[str]]:
    """The words of registered places' and common people's names (lower case) by their letters without marks."""
    return by_letters(place_and_name_syllables())


MENDED_AS_PRINTED = "text: a comma, a date's slashes, a unit's marks or a speck put right as the form prints them"
# what OCR leaves of a date's slashes inside a sentence: "ngày 2405 2019", "ngày 24 05 2019", "ngày 24052019"
_DATE_WITHOUT_SLASHES = re.compile(r"\b(ngày) (\d{2}) ?(\d{2}) ?((?:19|20)\d\d)\b")
_STOP_AFTER_A_TITLE = re.compile(r"\b(ông|bà|anh|chị)\.(?=([^\W\d_]))")  # "là ông.Phan Đức Tuấn": a speck


def mended_as_printed(text: str) -> str:
    """A sentence with what its wording and the register settle put back: the comma before a book's number
    ("số 10 quyển số" → "số 10, quyển số"), a date's slashes after "ngày" where the figures make a date, a speck
    read as a stop between a title and a name or as a quote before a capitalised word, a blank inside a cited
    symbol's year or a date's day or month, a date's "ngày" without its mark, an opening L read as "I.", and a unit
    whose marks OCR misread spelled as the register's where it spells its letters one way only ("huyện Nghỉ Lộc" →
    "huyện Nghi Lộc")."""
    text = _BOOK_WITHOUT_COMMA.sub(lambda m: m[0].replace(" quyển", ", quyển", 1), text)
    text = _DATE_WITHOUT_SLASHES.sub(
        lambda m: f"{m[1]} {m[2]}/{m[3]}/{m[4]}" if _valid_date(int(m[2]), int(m[3]), int(m[4])) else m[0], text)
    # before a capital only: the range À-Ỹ holds small letters too, so the name's case is asked of the letter itself
    text = _STOP_AFTER_A_TITLE.sub(lambda m: f"{m[1]} " if m[2].isupper() else m[0], text)
    text = _QUOTE_BEFORE_A_NAME.sub(lambda m: " " if m[1].isupper() else m[0], text)
    text = _YEAR_SPLIT_IN_A_SYMBOL.sub(r"\1\2", text)
    text = _DAY_OR_MONTH_SPLIT.sub(lambda m: m[0].replace(" ", "") if _valid_date(*_date_parts(m[0])) else m[0], text)
    text = _NGAY_UNMARKED.sub("ngày", text)
    text = _L_AS_I_STOP.sub(lambda m: "L" if m[1].islower() else m[0], text)
    return _units_respelled(text)


# "ngày 08/1 1/2009", "ngày 2 2/09/2011": a blank read inside a date's day or month
_DAY_OR_MONTH_SPLIT = re.compile(r"\b(?:\d \d/\d\d|\d\d/\d \d)/(?:19|20)\d\d\b")
_NGAY_UNMARKED = re.compile(r"\bngay(?= \d\d/\d\d/\d{4}\b)")  # "ngay 18/03/2010": a date's "ngày" lost its mark


def _date_parts(text: str) -> tuple[int, int, int]:
    day, month, year = text.replace(" ", "").split("/")
    return int(day), int(month), int(year)


# "của'Tòa án": a speck read as a quote between a word and a capitalised one ("M'gar" has a small letter after it)
_QUOTE_BEFORE_A_NAME = re.compile(r"(?<=[^\W\d_])['’‘`](?=([^\W\d_]))")
_YEAR_SPLIT_IN_A_SYMBOL = re.compile(r"(?<=/)(\d{3}) (\d)(?=/)")  # "43/201 1/HNGĐ-ST": a blank read in the year
_L_AS_I_STOP = re.compile(r"^I\.(?=([^\W\d_]))")  # "I.àm thủ tục": an opening L whose foot was read as a stop


def _units_respelled(text: str) -> str:
    """The units named in a sentence spelled as registered, where their letters fold to one registered unit's only."""
    words = text.split(" ")
    for index in range(len(words)):
        for size in (1, 2):
            if fold(" ".join(words[index:index + size])) not in UNIT_WORDS:
                continue
            following = words[index + size:index + size + 4]
            for count in range(len(following), 0, -1):
                name = [word.rstrip(",.;)") for word in following[:count]]
                if not all(word[:1].isupper() for word in name):
                    continue
                spelled = " ".join([*words[index:index + size], *name])
                registered = unit_spellings().get(fold(spelled), set())
                if len(registered) != 1 or spelled.lower() in {unit.lower() for unit in registered}:
                    continue
                right = next(iter(registered)).split()[-len(name):]
                for offset, word in enumerate(right):
                    printed = words[index + size + offset]
                    words[index + size + offset] = word + printed[len(printed.rstrip(",.;)")):]
                break
    return " ".join(words)


def _units_in_prose(text: str) -> tuple[bool, set[str]]:
    """The units named inside a sentence ("do Ủy ban nhân dân xã Cẩm Văn cấp ngày …"): whether one's words fold to
    a registered unit's but are spelled otherwise ("xã Cấm Văn"), and the words of those spelled as registered
    (however many of the capitalised words after a unit word name it)."""
    # a sentence's full stop is no part of the unit it ends on ("… thành phố Hà Nội. Hiện tại …")
    words = [word.removesuffix(".") for word in text.replace(",", " ").replace("(", " ").replace(")", " ").split()]
    registered_words: set[str] = set()
    for index in range(len(words)):
        for size in (1, 2):
            unit_word = " ".join(words[index:index + size])
            if fold(unit_word) not in UNIT_WORDS:
                continue
            following = words[index + size:index + size + 4]
            names = [following[:count] for count in range(1, len(following) + 1)
                     if all(word[:1].isupper() or word.isdigit() for word in following[:count])]
            for name in names:
                spelled = " ".join([unit_word, *name])
                registered = {unit.lower() for unit in unit_spellings().get(fold(spelled), set())}
                if registered and spelled.lower() not in registered:
                    return True, set()
                if spelled.lower() in registered:
                    registered_words.update(name)
    return False, registered_words


def names_read_twice(field: Field, phrases: list[str], page: Page, images: Mapping[int, np.ndarray]) -> None:
    """Mark a sentence whose only unchecked words are people's names (each a known spelling that other marks
    would make another's: "Ngô", "NHỊ") as checked where a second reading of each name, its crop binarised on
    its own and read as one line, gives the same words with the same marks."""
    if field.note is not None or not isinstance(field.value, str) or field.bbox is None or field.source != "ocr":
        return
    names = unchecked_words(field.value, phrases)
    if not names or not all(_a_name_spelling(token) for token in names):
        return
    runs = _name_runs(page, field.bbox, set(names))
    if {_bare(word.text) for run in runs for word in run} != set(names):
        return  # a name word of the value not found as printed
    if all(_read_alike(page, run, images) for run in runs):
        field.note = NAMES_READ_TWICE


def _a_name_spelling(token: str) -> bool:
    """A spelling of a common name's word: a person's, not a place's ("Chỉ", "CHỊ" are no one's name, though
    places and the honorific spell them so; a second reading repeats what misread "Chi" as them)."""
    return token.isalpha() and token[:1].isupper() and (token.istitle() or token.isupper()) \
        and token.upper() in name_syllables().get(fold(token), [])


def _bare(text: str) -> str:
    return text.lstrip("(").rstrip(",.;:)")


def _name_runs(page: Page, bbox: BBox, names: set[str]) -> list[list[Word]]:
    """The page's words inside ``bbox`` that are ``names``, in runs of neighbours on one line."""
    inside = sorted(words_within(page, bbox), key=lambda w: (w.line, w.bbox[0]))
    runs: list[list[Word]] = []
    previous: Word | None = None
    for word in inside:
        if _bare(word.text) in names:
            if previous is not None and runs and runs[-1][-1] is previous and previous.line == word.line:
                runs[-1].append(word)
            else:
                runs.append([word])
        previous = word
    return runs


def _read_alike(page: Page, run: list[Word], images: Mapping[int, np.ndarray]) -> bool:
    box = union_bbox(word.bbox for word in run)
    if box is None:
        return False
    reading = crop_reading(page, box, images)
    if reading is None:
        return False
    wanted = [_bare(word.text) for word in run]
    read = [bare for token in reading.text.split() if (bare := _bare(token))]
    surname_first = _after_a_title(page, run[0])
    return any(all(got == want or (surname_first and i == 0 and _surname_settles(got, want))
                   for i, (got, want) in enumerate(zip(read[start:start + len(wanted)], wanted, strict=True)))
               for start in range(len(read) - len(wanted) + 1))


def _after_a_title(page: Page, word: Word) -> bool:
    """Whether the word a person's title stands right before ("với chị NGUYỄN HỒNG TUYẾT") opens a name: a surname."""
    before = [w for w in page.words if w.line == word.line and w.bbox[2] <= word.bbox[0]]
    return bool(before) and fold(_bare(max(before, key=lambda w: w.bbox[2]).text)) in _TITLES


def _surname_settles(read: str, printed: str) -> bool:
    """A surname read again with other marks whose letters only one surname has ("NGUYÊN": NGUYỄN): the list
    settles the marks, as it does where the page's reading lost them."""
    return fold(read) == fold(printed) and only_surname_of_letters(printed) == printed.upper()


def _valid_date(day: int, month: int, year: int) -> bool:
    try:
        return 1900 <= date(year, month, day).year <= 2100
    except ValueError:
        return False


# the titles a person's name follows in a sentence ("với bà Khổng Minh Trinh", "với chị HOÀNG MỸ NHI")
_TITLES = {"ong", "ba", "chi", "anh"}
NAME_WORDS = 5


def respell_names(text: str) -> tuple[str, int]:
    """The names after a lower-case title with tone marks OCR misread put right where the letters fit one
    name syllable only ("bà Khống Minh Trinh" → "Khổng", "ông Đỉnh Việt Đạt" → "Đinh": its first word
    among surnames); how many words changed. Syllables that are names as read, or fit several, stay."""
    words = text.split()
    changed = 0
    for index, word in enumerate(words):
        if not word.islower() or fold(word) not in _TITLES:
            continue
        for position, at in enumerate(range(index + 1, min(index + 1 + NAME_WORDS, len(words)))):
            core = words[at].rstrip(",.;:)")
            ending = words[at][len(core):]
            if not core.isalpha() or not core[:1].isupper():
                break
            known = name_syllables("surnames" if position == 0 else "syllables").get(fold(core), [])
            if len(known) == 1 and core.upper() != known[0]:
                words[at] = (known[0] if core.isupper() else known[0].capitalize()) + ending
                changed += 1
            if ending:
                break  # a comma or stop ends the name
    return " ".join(words), changed


def _sentences_apart(text: str, openings: list[str]) -> str:
    """ "… thành phố Hà Nội Hiện tại chưa đăng ký …": a status's capitalised opening inside the text starts a
    second sentence, whose full stop went with the leader dots at a line's end."""
    for opening in openings:
        text = re.sub(rf"(?<=[^\W\d_])\s+(?={re.escape(opening)}\b)", ". ", text)
    return text


def _snap_case_references(text: str) -> tuple[str, bool]:
    """ "272/2017/QĐĐST-HNGĐ" → "272/2017/QĐST-HNGĐ": a cited court paper's symbol, one letter misread; a death
    extract's "/" read as a letter or a blank ("71ZTLKT-BS" → "71/TLKT-BS")."""
    changed = False

    def snap(match: re.Match[str]) -> str:
        nonlocal changed
        snapped, moved = snap_code_parts(match.group(0), COURT_SYMBOL_PARTS)
        changed = changed or moved
        return snapped

    def death_extract(match: re.Match[str]) -> str:
        nonlocal changed
        symbol, _ = snap_code_parts(match[2], ["TLKT"])
        if symbol != "TLKT":
            return match[0]
        changed = True
        return f"{match[1]}/TLKT-BS"

    text = _CASE_REFERENCE.sub(snap, text)
    return _DEATH_EXTRACT.sub(death_extract, text), changed


# a death extract's number and symbol ("71/TLKT-BS") with its "/" read as a letter or a blank ("71ZTLKT-BS",
# "217 TLRT-BS"), its dash too; a number that already has its "/" is left alone
_DEATH_EXTRACT = re.compile(r"\b(\d{1,5})(?:[ZIl|!]|\s)([A-ZĐ]{3,5})(?:-|\s)BS\b")  # "153 TLKT BS": both lost


# --- the number, the validity, the sex -----------------------------------------------------------------

_IDENTITY_NUMBER = re.compile(r"\d{9}(?:\d{3})?")  # an identity card's (9 figures) or a citizen's (12)


def _no_identity_number_for_the_certificate(document: Document) -> None:
    """ "Căn cước công dân số: 027096829839": the id line's "số" is no label of the certificate's number, which is a
    book's ("390/2019/XNTTHN", "15"), never a bare identity number: dropped, for the paper's own to be looked for."""
    field = document.fields.get("certificate_number")
    if field is not None and isinstance(field.value, str) and _IDENTITY_NUMBER.fullmatch(field.value):
        del document.fields["certificate_number"]


def _snap_certificate_number(document: Document, spec: TypeSpec, views: list[PageView],
                             images: Mapping[int, np.ndarray]) -> None:
    """A symbol part with one misread letter ("UBXND", "ÄNTTHN") takes the known part's spelling; a number whose
    symbol is all known parts is as sure as its figures, read on their own where the symbol is glued to them."""
    field = document.fields.get("certificate_number")
    field_spec = spec.fields.get("certificate_number")
    if field_spec is None or not field_spec.symbols or (field is not None and field.value and field.confidence >= SURE):
        return
    for view in views:
        hits = [h for h in view.hits if h.label in field_spec.labels and h.value_words
                and not view.lines[h.line_index][h.word_start].text[:1].islower()]  # "CCCD số: …" is no label
        for hit in sorted(hits, key=lambda h: _label_rank(view, h)):
            words = _up_to_wide_gap(hit.value_words)
            raw = clean_value(" ".join(w.text for w in words))
            snapped, changed = snap_code_parts(raw, field_spec.symbols)
            reading = read_code(snapped)
            if not reading.value:
                continue
            if not changed and field is not None and field.value not in (None, reading.value):
                return  # the engine read another value: not this one's to settle
            figures = _figures_sure(reading, words, view.page, field_spec.symbols, images)
            if figures is not None:
                found = field_from_words(reading.value, words, view.page, note=FIGURES_NOTE)
                found.confidence = round(min(1.0, hit.score) * figures, 3)
                document.fields["certificate_number"] = found
            elif changed and (field is None or reading.value != field.value):
                document.fields["certificate_number"] = field_from_words(
                    reading.value, words, view.page, min(1.0, hit.score) * min(reading.factor, GUESSED),
                    note="number: its symbol repaired")
            return


FIGURES_NOTE = "number: as sure as its figures, its symbol the paper's own"
_NUMBER_AND_SYMBOL = re.compile(r"^(?P<figures>\d{1,5}(?:/\d{1,5})*)/(?P<symbol>[A-ZĐ]+(?:-[A-ZĐ]+)*)$")
_OPENING_FIGURES = re.compile(r"^[\d/]*\d")


BY_SYMBOL_NOTE = f"{DERIVED}the one number bearing the paper's own symbol (its label unread)"


def _number_by_its_symbol(document: Document, spec: TypeSpec, views: list[PageView]) -> None:
    """ "$õ: 390/2019/XNTTHN": where no label gave the number, the one word on the paper that is a number with this
    paper's own symbol ("XNTTHN"; a judgment's "183/2017/HNGĐ-ST" is another's) is it; derived, for a person to
    confirm."""
    field_spec = spec.fields.get("certificate_number")
    if field_spec is None or not field_spec.symbols or document.fields.get("certificate_number") is not None:
        return
    found = [(text, word, view.page) for view in views for line in view.lines for word in line
             if _bears_symbol(_NUMBER_AND_SYMBOL.match(text := word.text.strip(".,;:")), field_spec.symbols)]
    if len(found) == 1:
        text, word, page = found[0]
        document.fields["certificate_number"] = field_from_words(text, [word], page, GUESSED, note=BY_SYMBOL_NOTE)


def _bears_symbol(match: re.Match[str] | None, symbols: list[str]) -> bool:
    """Whether a number and symbol (``_NUMBER_AND_SYMBOL``) has a symbol made of ``symbols`` alone."""
    return match is not None and set(match["symbol"].split("-")) <= set(symbols)


def _figures_sure(reading: Reading, words: list[Word], page: Page, symbols: list[str],
                  images: Mapping[int, np.ndarray]) -> float | None:
    """How sure OCR is of a number's figures where its symbol is made of the paper's own parts (a closed list:
    a letter misread there is put right, not guessed): the least sure of the words bearing them, each read
    on its own where a symbol is glued to it. None: another symbol, figures split or run together ("4602019"
    for 460/2019), more read after the number, or figures a reading on their own does not bear out."""
    match = _NUMBER_AND_SYMBOL.match(reading.value or "")
    lost_slash_only = reading.problems == [SLASH_RESTORED] and "/" not in (match["figures"] if match else "/")
    if match is None or not _bears_symbol(match, symbols) or not (reading.factor >= 1.0 or lost_slash_only):
        return None
    bearing = [w for w in words if any(ch.isdigit() for ch in w.text)]
    runs = [_OPENING_FIGURES.match(w.text) for w in bearing]
    if not bearing or None in runs or "/".join(run[0] for run in runs if run) != match["figures"]:
        return None
    sure = [figures_confidence(page, w, run[0], images) for w, run in zip(bearing, runs) if run]
    return None if None in sure else min(s for s in sure if s is not None)


def _validity_apart(document: Document, spec: TypeSpec, views: list[PageView]) -> None:
    """ "Giấy này có giá trị 06 tháng kể từ ngày cấp, đến ngày      03/09/2020": the date stands beyond a
    wide blank (justified print), where the engine stops reading a value and looks on the next line
    instead (where the signature's date may stand). The date on the label's own line wins."""
    field = document.fields.get("valid_until")
    field_spec = spec.fields.get("valid_until")
    if field_spec is None:
        return
    for view in views:
        hits = [h for h in view.hits if h.label in field_spec.labels and h.value_words]
        for hit in sorted(hits, key=lambda h: _label_rank(view, h)):
            if field is not None and field.value is not None and field.page == view.page.number \
                    and field.bbox is not None and field.bbox[1] < hit.bbox[3] and hit.bbox[1] < field.bbox[3]:
                return  # read on the label's own line: nothing to mend
            words = hit.value_words
            texts = [w.text for w in words]
            until = [i for i, t in enumerate(texts) if fold(t) == "den"]  # "… đến ngày dd/mm/yyyy"
            reading = read_date(" ".join(texts[until[-1] + 1:] if until else texts))
            if reading.value:
                document.fields["valid_until"] = field_from_words(
                    reading.value, words, view.page, min(1.0, hit.score) * reading.factor,
                    printed=reading.extra.get(PRINTED))  # type: ignore[arg-type]
                return


def _validity_from_misread_figures(document: Document, spec: TypeSpec, views: list[PageView]) -> None:
    """ "đến ngày 75/72/2022" (1 read as 7): figures that make no date, a digit or two from the end of
    validity the issue date implies, give that date, derived and doubted."""
    field, issued, field_spec = document.fields.get("valid_until"), document.fields.get("issue_date"), \
        spec.fields.get("valid_until")
    if field_spec is None or (field is not None and field.value is not None) or issued is None \
            or not is_iso_date(issued.value):
        return
    implied = validity_ends(date.fromisoformat(str(issued.value)))
    for view in views:
        for hit in sorted((h for h in view.hits if h.label in field_spec.labels and h.value_words),
                          key=lambda h: _label_rank(view, h)):
            words = hit.value_words
            day = implied_date_near(" ".join(w.text for w in words), implied)
            if day is not None:
                document.fields["valid_until"] = field_from_words(
                    day.isoformat(), words, view.page, min(1.0, hit.score) * DOUBTFUL,
                    note=f"{DERIVED}six months from the issue date, its figures misread")
                return


_DAY_MONTH_YEAR_FIGURES = re.compile(r"(\d{1,2})\D{1,3}(\d{1,2})\D{1,3}(\d{4})")


def implied_date_near(text: str, implied: list[date]) -> date | None:
    """The implied date whose figures (ddmmyyyy) are at most ``DIGITS_OFF`` from the first figures in
    ``text`` that look like a date, the nearest first; None when none is."""
    match = _DAY_MONTH_YEAR_FIGURES.search(text)
    if match is None:
        return None
    read = f"{int(match[1]):02d}{int(match[2]):02d}{match[3]}"
    edits, best = min((Levenshtein.distance(read, day.strftime("%d%m%Y")), day) for day in implied)
    return best if edits <= DIGITS_OFF else None


def _sex_from_id_number(document: Document) -> None:
    """A sex OCR misread ("Nưn" for Nam) or could not read is the id number's where the number is fairly
    sure and agrees with the birth date (century and year digits, a known province): digit 4 encodes
    the sex. It stays below the trust line, for a person to confirm."""
    sex = document.fields.get("sex")
    if sex is None or sex.confidence >= SURE:
        return
    birth = document.fields.get("date_of_birth")
    born = birth.value if birth is not None and isinstance(birth.value, str) else None
    digit_sex = sex_of_a_sure_id_number(document.fields.get("id_number"), born)
    if digit_sex is None or digit_sex == sex.value:
        return
    sex.value = digit_sex
    sex.confidence = SETTLED
    sex.note = f"{DERIVED}sex read unclearly, taken from the id number's digit 4"


# --- checks across fields, after second readings ----------------------------------------------------

VALID_MONTHS = 6  # Nghị định 123/2015/NĐ-CP, Điều 23: valid for six months from the day it is issued
DIGITS_OFF = 2  # misread digits a date may be from the one the other fields imply


def settle(document: Document) -> None:
    """Dates the other fields imply, where one was misread by a digit or two: the validity six months after
    the issue (or its eve), the birth year the id number encodes."""
    _six_months_apart(document)
    _birth_year_of_id(document)


def _six_months_apart(document: Document) -> None:
    issued, until = document.fields.get("issue_date"), document.fields.get("valid_until")
    if issued is None or until is None or not is_iso_date(issued.value) or not is_iso_date(until.value):
        return
    start, end = date.fromisoformat(str(issued.value)), date.fromisoformat(str(until.value))
    if end in validity_ends(start):
        # two printings that two misreadings would hardly keep six months apart; but a date one figure from the
        # other day the law's two readings allow (the 09th read for the 08th, its eve) is not told apart by them
        for field, read, allowed in ((issued, start, issue_days(end)), (until, end, validity_ends(start))):
            if not any(_one_figure_apart(read, other) for other in allowed if other != read):
                # a value enlarged readings gave over the page's (READ_AGAIN) is the one the other printing bears out
                printed_alike(field, over=(None, READ_AGAIN))
        return
    # the less sure of the two is the misread one, if a date the other implies is a digit or two from it
    pairs = [(until, validity_ends(start)), (issued, issue_days(end))]
    for field, implied in sorted(pairs, key=lambda pair: pair[0].confidence):
        other = issued if field is until else until
        if _nearest(field, implied, other, "six months from the other date of the paper"):
            return


DISAGREES_NOTE = f"{DIFFERS}: the paper's other date disagreed with it"


def _one_figure_apart(one: date, other: date) -> bool:
    """Whether the two dates, printed dd/mm/yyyy, differ in one figure: one misread figure turns either into the other."""
    return sum(a != b for a, b in zip(one.strftime("%d%m%Y"), other.strftime("%d%m%Y"), strict=True)) == 1


def validity_ends(start: date) -> list[date]:
    """The last day of validity of a paper issued on ``start``: six months on, or the eve of that day."""
    later = add_months(start, VALID_MONTHS)
    return [later, later - timedelta(days=1)]


def issue_days(end: date) -> list[date]:
    """The days a paper valid until ``end`` may have been issued on."""
    earlier = add_months(end, -VALID_MONTHS)
    return [earlier, earlier + timedelta(days=1)]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def _birth_year_of_id(document: Document) -> None:
    birth, id_field = document.fields.get("date_of_birth"), document.fields.get("id_number")
    if birth is None or id_field is None or not is_iso_date(birth.value) or not isinstance(id_field.value, str) \
            or id_field.confidence < SURE or birth.confidence >= SURE:
        return
    year = birth_year_from_id(id_field.value)
    if year is None or str(birth.value).startswith(str(year)):
        return
    day = date.fromisoformat(str(birth.value))
    try:
        implied = [day.replace(year=year)]
    except ValueError:  # 29 February in a year without it
        return
    _nearest(birth, implied, id_field, "the birth year the id number encodes")


def _nearest(field: Field, implied: list[date], other: Field, why: str) -> bool:
    """Put ``field`` right with the implied date nearest to what was read, if a digit or two off."""
    read = str(field.value)
    edits, best = min((Levenshtein.distance(read, day.isoformat()), day.isoformat()) for day in implied)
    if edits > DIGITS_OFF:
        return False
    field.value = best
    field.confidence = round(min(field.confidence, other.confidence) * DOUBTFUL, 3)
    field.note = f"{DERIVED}{why}"
    # the two printings disagreed: the surer one may be the misread one, whatever its own readings say
    other.note = "; ".join(filter(None, [other.note, DISAGREES_NOTE]))
    return True


