"""Who issued a document and when: the office's name in running-text case, and the date at the signature.

Administrative papers name their issuing office twice: in the header's capitals ("CÔNG AN PHƯỜNG
HOÀN KIẾM", or "ỦY BAN NHÂN DÂN" over "XÃ EA BÁ") and usually in the body's opening sentence
("Công an phường Hoàn Kiếm xác nhận …", "ỦY BAN NHÂN DÂN XÃ EA BÁ XÁC NHẬN:"). A type declares its
office in its YAML (``issuer: {office: "Ủy ban nhân dân", …}``); these readers do the rest.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from extractors.engine import PageView, _trim_specks, field_from_words, is_place_and_date_line
from extractors.kinds import DOUBTFUL, PRINTED, RESPELLED, UNIT_WORDS, read_date, read_place, unit_spellings
from extractors.spec import IssuerSpec
from pipeline.geometry import split_at_gaps
from pipeline.text import fold
from schemas import Document, Field, Word

LOCAL_UNITS = ("phuong", "xa ", "dac khu", "thi tran")  # the most local units an office may serve
SNAP_EDITS = 0.2  # edits per character (marks counted one by one) a misread unit name may be from a known one
SNAPPED = 0.75  # a snapped name's confidence factor: right more often than not, yet for a person to confirm
SUPERIOR_ONLY = "office: only a superior's line read in the header (the paper's own office lost?)"
_RULE_MARKS = "-–—._…·:'\"`~"  # a dotted or dashed rule under a header line, read as part of a word


def read_issuer(document: Document, issuer: IssuerSpec, views: list[PageView]) -> None:
    """Fill the type's office and signature-date fields (a reviewer is told when one is not found)."""
    for name, reading in ((issuer.field, read_office(views, issuer)),
                          (issuer.date_field, read_signature_date(views))):
        if name is None:
            continue
        if reading is not None:
            document.fields[name] = reading  # a date line read without a date: kept for a second reading
        if reading is None or reading.value is None:
            document.flag(f"{name}: not found")


def read_office(views: list[PageView], issuer: IssuerSpec) -> Field | None:
    """The office that issued the paper, in running-text case: "Công an phường Hoàn Kiếm".

    The body's opening sentence names it ("<office> phường X xác nhận …"); where that sentence is
    missing, the header's most local office line ("CÔNG AN PHƯỜNG X", under its superior; or the
    office's name on one line and its unit on the next) is set in the same case.
    """
    return _office_in_sentence(views[0], issuer.office) or _office_in_header(views[0], issuer)


def _office_in_sentence(view: PageView, office: str) -> Field | None:
    top = view.lines[: max(10, len(view.lines) // 2)]
    return _office_in_sentence_opened(view, office, top, loosely=False) or (
        _office_in_sentence_opened(view, office, top, loosely=True) if len(office.split()) >= LOOSE_OPENER_WORDS else None)


LOOSE_OPENER_WORDS = 3  # an office's name this long is known by all its words but one ("Lv bạn nhân dân")
LOOSE_WORD_EDITS = 2


def _opens(folded: list[str], opener: list[str], loosely: bool) -> bool:
    """Whether ``folded`` words are the office's name ``opener``: word for word, or ``loosely`` (a long name)
    with one word misread by a letter or two."""
    if folded == opener or not loosely or len(opener) < LOOSE_OPENER_WORDS or len(folded) != len(opener):
        return folded == opener
    misread = [(read, word) for read, word in zip(folded, opener, strict=True) if read != word]
    return len(misread) == 1 and Levenshtein.distance(*misread[0]) <= LOOSE_WORD_EDITS


def _office_in_sentence_opened(view: PageView, office: str, top: list[list[Word]], loosely: bool) -> Field | None:
    opener = fold(office).split()
    size = len(opener)
    # the sentence may wrap inside the office's name or its "xác nhận": read each line with the next,
    # and with the "XÁC NHẬN" heading when that stands on the line after them
    for i, line in enumerate(top):
        pair = line + (top[i + 1] if i + 1 < len(top) else [])
        words = pair + _heading_after(top, i + 2)
        folded = [fold(w.text).strip(".,:;") for w in words]
        starts = [i for i in range(len(folded) - size + 1) if _opens(folded[i:i + size], opener, loosely)]
        ends = [j for j in range(len(folded) - 1) if is_xac_nhan(folded[j], folded[j + 1])]
        for first in starts:
            last = next((j for j in ends if j > first + size), None)
            if last is None:
                continue
            if last >= len(pair) and not (first > 0 and words[first - 1].text.endswith(",")):
                continue  # only a sentence's office leads to the heading ("Xét đề nghị …, Ủy ban nhân dân xã X")
            # "… phường 4, quận 5, …": the office is the first unit; a header's motto beside it is not part of it
            named = _before_motto(_before_comma(words[first:last]))
            place = read_place(_with_office_named(named, office, size))
            value = place.value
            if value and _mostly_capitals(value):
                if first == 0:
                    continue  # a header line in capitals ("CÔNG AN PHƯỜNG X" over a title "… XÁC NHẬN …")
                value = office_in_running_case(value, office)  # "Xét đề nghị …, ỦY BAN NHÂN DÂN XÃ X XÁC NHẬN"
            value, factor = _snapped(value, view.page.text) if value else (value, 1.0)
            # what the place reader doubts (a unit's marks the register spells otherwise) stays doubted
            return field_from_words(value, named, view.page, min(factor, place.factor),
                                    respelled=place.extra.get(RESPELLED),  # type: ignore[arg-type]
                                    note="; ".join(place.problems) or None)
    return None


def _with_office_named(named: list[Word], office: str, size: int) -> str:
    """The text of ``named``, its first ``size`` words the office's name as the paper prints it where OCR misread
    one of them ("Lv bạn nhân dân xã Quang Phú"), in the case of the units after it."""
    units = _text(named[size:])
    if [fold(w.text).strip(".,:;") for w in named[:size]] == fold(office).split():
        return _text(named)
    return " ".join([office.upper() if _mostly_capitals(units) else office, units])


def _heading_after(lines: list[list[Word]], index: int) -> list[Word]:
    """The line at ``index`` when it opens with "XÁC NHẬN" (the heading a sentence leads to), else none."""
    if index >= len(lines):
        return []
    folded = [fold(w.text).strip(".,:;") for w in lines[index][:2]]
    return lines[index] if len(folded) > 1 and is_xac_nhan(folded[0], folded[1]) else []


_XAC, _NHAN = re.compile(r"^x.c$"), re.compile(r"^nh.n")


def is_xac_nhan(first: str, second: str) -> bool:
    """Whether two folded words are "xác nhận", one vowel misread in either ("XÍC NHÂN"); "xã nhân" is not."""
    return bool(_XAC.match(first) and _NHAN.match(second))


def _office_in_header(view: PageView, issuer: IssuerSpec) -> Field | None:
    """The most local office among the header's capitalised office lines.

    The header's left block (the office) and right block (the national motto) share printed
    lines, so lines are cut at wide gaps first; an office's name alone on its line takes the
    unit on the line below it ("ỦY BAN NHÂN DÂN" / "XÃ EA BÁ").
    """
    segments = [split_at_gaps(words) for words in view.lines[: max(6, len(view.lines) // 4)]]
    offices: list[tuple[list[Word], int]] = []
    for line, parts in enumerate(segments):
        for segment in parts:
            segment = _without_specks(segment)  # "ỦY BAN NHÂN DÂN ." : a speck read beside the name
            size = _opening(segment, [issuer.office, *issuer.abbreviations])
            if not size or not _mostly_capitals(_text(segment)):
                continue
            if len(segment) == size and line + 1 < len(segments):
                # the first block of the line below that is not a speck at the page's edge
                below = next((kept for part in segments[line + 1] if (kept := _without_specks(part))), [])
                if below and fold(_text(below)).startswith(LOCAL_UNITS):
                    segment = segment + below
            if len(segment) > size:
                offices.append((segment, size))
    if not offices:
        return None
    local = [o for o in offices if any(k in fold(_text(o[0])) for k in LOCAL_UNITS)]
    words, size = (local or offices)[-1]
    # a commune's office printed under its superior: where only the superior's line was read, the paper's
    # own line was lost or misread, and the superior is not who issued it
    superior_only = issuer.local and not local
    words = _before_motto(words)  # the national motto printed too close to be cut off at a gap
    place = read_place(_text(words))
    value = place.value
    value, unglued = unit_word_unglued(value, size) if value else (value, False)
    named = office_in_running_case(value, issuer.office, size) if value else None
    named, factor = _snapped(named, view.page.text) if named else (named, 1.0)
    factor = min(factor, SNAPPED, place.factor) if unglued else min(factor, place.factor)
    problems = [*place.problems, *([SUPERIOR_ONLY] if superior_only else [])]
    return field_from_words(named, words, view.page, min(factor, DOUBTFUL) if superior_only else factor,
                            respelled=place.extra.get(RESPELLED),  # type: ignore[arg-type]
                            note="; ".join(problems) or None)


_UNIT_GLUED_TO_FIGURES = re.compile(r"^([^\W\d_]+)(\d+)$")  # "PHƯỜNG1": a numbered unit's space lost


def unit_word_unglued(capitals: str, size: int) -> tuple[str, bool]:
    """ "UBND XÃ-TÂN THÔNG HỘI": a hyphen OCR read for the space after the unit word (``size``: the words
    naming the office before it) is a space, as is none before a numbered unit's figures ("PHƯỜNG1"); whether one
    was. Hyphens inside a name ("… - ĐÀ LẠT") stay."""
    words = capitals.split()
    if size >= len(words):
        return capitals, False
    if glued := _UNIT_GLUED_TO_FIGURES.match(words[size]):
        head, tail = glued[1], glued[2]
    else:
        head, _, tail = words[size].partition("-")
    if fold(head) not in UNIT_WORDS or not tail:
        return capitals, False
    return " ".join([*words[:size], head, tail, *words[size + 1:]]), True


def _without_specks(words: list[Word]) -> list[Word]:
    """The words without those at either end that hold no letter or digit ("." "|" "_" "—"), or that are
    specks read as a letter at a photo's edge ("E ỦY BAN NHÂN DÂN", "Í PHƯỜNG SUỐI HOA")."""
    kept = _trim_specks(list(words))
    while kept and not any(ch.isalnum() for ch in kept[-1].text):
        kept.pop()
    while kept and not any(ch.isalnum() for ch in kept[0].text):
        kept.pop(0)
    if kept and not kept[0].text[:1].isalnum():  # "-.......UBND": a dotted rule read onto the first word
        kept[0] = kept[0].model_copy(update={"text": kept[0].text.lstrip(_RULE_MARKS)})
    return kept


_LOCAL_KINDS = ("thi tran", "dac khu", "phuong", "xa")  # folded unit words of the units an office serves


def _marks(text: str) -> str:
    """Lower case, decomposed (a tone mark is one character of its own), letters, digits and single spaces:
    "Quảng Phù" and "Quảng Phú" differ by one mark, not by a whole letter."""
    text = unicodedata.normalize("NFD", text.lower())
    kept = (ch if ch.isalnum() or unicodedata.combining(ch) else " " for ch in text)
    return " ".join("".join(kept).split())


@lru_cache(maxsize=1)
def _local_unit_names() -> dict[str, dict[str, str]]:
    """Official names of the wards, communes, towns and special zones (current and former), by unit word
    (folded) then by their ``_marks`` form: {"xa": {"quảng phú" (decomposed): "Quảng Phú", …}, …}."""
    names: dict[str, dict[str, str]] = {kind: {} for kind in _LOCAL_KINDS}
    for spellings in unit_spellings().values():
        for official in spellings:
            words = official.split()
            for kind in _LOCAL_KINDS:
                size = len(kind.split())
                if fold(" ".join(words[:size])) == kind and len(words) > size:
                    name = " ".join(words[size:])
                    names[kind].setdefault(_marks(name), name)
                    break
    return names


def snap_unit_name(value: str) -> tuple[str, float]:
    """The office's unit name as the known administrative unit it is a misreading of ("Ủy ban nhân dân xã
    Quảng Phù" → "… xã Quảng Phú", "phường Xuân Khíxh" → "phường Xuân Khánh"), with the confidence factor
    to apply: 1 when the name is known as read (or nothing is near enough to tell), ``SNAPPED`` scaled by
    the closeness when it was snapped. Numbered units ("phường 2§") are never snapped: a digit misread
    is another ward."""
    words = value.split()
    if (found := _local_unit_word(words)) is None:
        return value, 1.0
    start, kind = found
    size = len(kind.split())
    words, respelled = _unit_word_spelled(words, start, size, kind)
    value, factor = _snap_unit_name_after(words, start, size, kind)
    return value, min(factor, SNAPPED) if respelled else factor


def _snapped(value: str, page_text: str) -> tuple[str, float]:
    """The office's unit name snapped to a known unit's, or failing that to one the paper names elsewhere."""
    snapped, factor = snap_unit_name(value)
    named, named_factor = snap_to_a_unit_the_page_names(snapped, page_text)  # unchanged where the name is known
    return (named, min(factor, named_factor)) if named != snapped else (snapped, factor)


def _local_unit_word(words: list[str]) -> tuple[int, str] | None:
    """Where an office's local unit word stands after its name, and which (folded), or None."""
    for start in range(1, len(words)):
        kind = next((k for k in _LOCAL_KINDS if fold(" ".join(words[start:start + len(k.split())])) == k), None)
        if kind is not None:
            return None if fold(words[start - 1]) == "thi" and kind == "xa" else (start, kind)  # "thị xã": a town
    return None


def snap_to_a_unit_the_page_names(value: str, page_text: str) -> tuple[str, float]:
    """The office's unit name, misread beyond ``snap_unit_name``'s reach (a display face's capitals: "PHƯỜNG
    TH.VNXH BIXH"), as the one unit of its kind the paper names elsewhere ("… phường Thanh Bình, thành phố Hải
    Dương" in a residence: an office serves where its citizens live) within half its letters; with
    ``SNAPPED`` scaled by the closeness, or 1 where none or two are as near."""
    words = value.split()
    if (found := _local_unit_word(words)) is None:
        return value, 1.0
    start, kind = found
    printed = " ".join(words[start + len(kind.split()):])
    if _marks(printed) in _local_unit_names()[kind]:
        # a known name, but the paper names the one unit of its letters with other marks: a mark OCR lost or misread
        marked = _marked_as_the_page_names(printed, kind, page_text)
        return (_unit_named(words, start, kind, marked), SNAPPED) if marked else (value, 1.0)
    letters = "".join(ch for ch in fold(printed) if ch.isalpha() or ch == " ")
    if len(letters.replace(" ", "")) < 4:
        return value, 1.0
    text = " ".join(fold(page_text).split())
    named = {official for official in _local_unit_names()[kind].values() if f"{kind} {fold(official)}" in text}
    near = sorted((Levenshtein.distance(letters, fold(official)), official) for official in named)
    if not near or near[0][0] > PAGE_NAMED_EDITS * len(letters) or len(near) > 1 and near[1][0] == near[0][0]:
        return value, 1.0
    official = near[0][1].upper() if printed.isupper() else near[0][1]
    return _unit_named(words, start, kind, official), round(SNAPPED * (1 - near[0][0] / len(letters)), 3)


def _unit_named(words: list[str], start: int, kind: str, name: str) -> str:
    """The office's words up to its unit word (spelled as the law does), then ``name``."""
    size = len(kind.split())
    spelled, _ = _unit_word_spelled(words, start, size, kind)
    return " ".join([*spelled[:start + size], name])


PAGE_NAMED_EDITS = 0.5  # edits per letter a misread office's unit name may be from one the paper names elsewhere


def _marked_as_the_page_names(printed: str, kind: str, page_text: str) -> str | None:
    """The one unit of ``kind`` the paper names (after its unit word) with the letters of ``printed`` but other
    marks ("xã Quang Phú" in a sentence, "Xã Quảng Phú" in the residence), or None."""
    text = _marks(page_text)
    unit_word = _marks(_UNIT_WORD_SPELLINGS[kind])
    found = {official for official in _local_units_by_letters()[kind].get(fold(printed), ())
             if _marks(official) != _marks(printed) and f"{unit_word} {_marks(official)}" in text}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1)
def _local_units_by_letters() -> dict[str, dict[str, list[str]]]:
    """``_local_unit_names`` by unit word, then by their letters without marks (folded)."""
    index: dict[str, dict[str, list[str]]] = {}
    for kind, names in _local_unit_names().items():
        for official in names.values():
            index.setdefault(kind, {}).setdefault(fold(official), []).append(official)
    return index


_UNIT_WORD_SPELLINGS = {"thi tran": "thị trấn", "dac khu": "đặc khu", "phuong": "phường", "xa": "xã"}


def _unit_word_spelled(words: list[str], start: int, size: int, kind: str) -> tuple[list[str], bool]:
    """The unit word spelled as the law does where OCR misread its marks ("phương" → "phường"): after an
    office's name no other word in lower case folds to it. Whether it changed."""
    printed = " ".join(words[start:start + size])
    spelled = _UNIT_WORD_SPELLINGS[kind]
    if printed.isupper():
        spelled = spelled.upper()
    if printed == spelled or not (printed.islower() or printed.isupper() and " ".join(words).isupper()):
        # a capitalised "Phương" may open a name whose unit word OCR lost ("Ủy ban nhân dân Phương Liệt")
        return words, False
    return [*words[:start], *spelled.split(), *words[start + size:]], True


def _snap_unit_name_after(words: list[str], start: int, size: int, kind: str) -> tuple[str, float]:
    """The unit's name after its unit word snapped to a known one (see ``snap_unit_name``)."""
    value = " ".join(words)
    printed = words[start + size:]
    key = _marks(" ".join(printed))
    known = _local_unit_names()[kind]
    if not printed or key in known or any(ch.isdigit() for ch in key) or len(key.replace(" ", "")) < 4:
        return value, 1.0
    # edits between the decomposed forms: a wrong or lost tone mark is one, a misread letter one
    best = process.extract(key, known.keys(), scorer=Levenshtein.distance, limit=2,
                           score_cutoff=max(1, int(SNAP_EDITS * len(key))))
    if not best:
        return value, 1.0
    if len(best) > 1 and best[1][1] <= best[0][1]:
        return value, 1.0  # two known names as near ("Phước Thiên": Phước Thiền or Phước Thiện?): guess neither
    official = known[best[0][0]]
    snapped = official.upper() if " ".join(printed).isupper() else official
    return " ".join([*words[:start + size], snapped]), round(SNAPPED * (1 - best[0][1] / len(key)), 3)


def _before_motto(words: list[Word]) -> list[Word]:
    """Words up to the national motto ("CỘNG HÒA XÃ HỘI …", "Độc lập - Tự do - Hạnh phúc")."""
    motto = next((i for i in range(len(words) - 1) if fold(_text(words[i:i + 2])) in ("cong hoa", "doc lap")),
                 len(words))
    return words[:motto]


def _before_comma(words: list[Word]) -> list[Word]:
    """The words up to the first comma, or a semicolon OCR read for one after a name ("phường Vĩnh Tuy; quận …"; a
    speck read as ";" after a unit's word, "xã ;", is no end of the name)."""
    for index, word in enumerate(words):
        bare = word.text.rstrip(",;")
        if word.text.endswith(",") or word.text.endswith(";") and bare and fold(bare) not in UNIT_WORDS:
            return [*words[:index], word.model_copy(update={"text": bare})]
    return words


def _opening(words: list[Word], names: list[str]) -> int:
    """How many words of ``words`` are one of the office's ``names`` (0: none), also as OCR damages
    them ("CÔNG 1N", "CONG AN"), and as it runs them together or splits them ("ỦY BANNHÂNDÂN", "ÚYB.AN NHÂN DẦN")."""
    for name in names:
        size = len(name.split())
        if len(words) >= size and fuzz.ratio(fold(_text(words[:size])), fold(name)) >= 70:
            return size
    for name in names:
        letters = _letters(name)
        if len(letters) < LETTERS_OPENING:
            continue
        ratios = [fuzz.ratio(_letters(_text(words[:count])), letters) for count in range(1, len(words) + 1)]
        best = max(range(len(ratios)), key=lambda index: ratios[index], default=None)
        if best is not None and ratios[best] >= LETTERS_ALIKE:
            return best + 1
    return 0


LETTERS_OPENING = 8  # an office's name this long is known by its letters alone, however OCR spaced them
LETTERS_ALIKE = 85


def _letters(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def office_in_running_case(capitals: str, office: str, size: int | None = None) -> str:
    """ "CÔNG AN PHƯỜNG XUÂN TRƯỜNG - ĐÀ LẠT" → "Công an phường Xuân Trường - Đà Lạt" (``office`` as
    the type spells it: "Công an", "Ủy ban nhân dân"; ``size``: the words of ``capitals`` that
    name the office, when an abbreviation stands for it: "UBND PHƯỜNG …")."""
    words = capitals.split()
    size = len(office.split()) if size is None else size
    unit_size = next((n for n in (2, 1) if fold(" ".join(words[size:size + n])) in UNIT_WORDS), 0)
    named = [word.capitalize() for word in words[size + unit_size:]]
    return " ".join([office, *(w.lower() for w in words[size:size + unit_size]), *named])


def _date_part(words: list[Word]) -> list[Word]:
    """A place-and-date line's words from its "ngày" on (else from its first figure), specks aside: OCR's doubt
    about the place's name, or a speck read before it, is not the date's."""
    start = next((i for i, w in enumerate(words) if fold(w.text).strip(",.;:") == "ngay"), None)
    if start is None:
        start = next((i for i, w in enumerate(words) if any(ch.isdigit() for ch in w.text)), 0)
    return _trim_specks(words[start:]) or words


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _mostly_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def read_signature_date(views: list[PageView]) -> Field | None:
    """The date of the place-and-date line above the signature.

    Only the lines below the body's first label, or the lower half of a page, are searched: a header's reference
    to a decree ("Thông tư số 66/2023/TT-BCA ngày 17 tháng 11 năm 2023") is no issue date, even when the
    signature's own date was misread (a photo's specks below the signature may double a page's lines). A line
    that is the signature's by its words but whose figures could not be read ("ngày 2] tháng 09 năm 2021") gives
    a field without a value, where a second reading of that line may find the date (``extractors.second_reading``).
    """
    unread: Field | None = None
    for view in reversed(views):
        labelled = {hit.line_index for hit in view.hits}  # "Giấy này có giá trị … đến ngày 16 tháng 03 năm 2023"
        start = min(len(view.lines) // 2, min(labelled, default=len(view.lines)) + 1)
        for index, words in reversed(list(enumerate(view.lines[start:], start))):
            if index not in labelled and is_place_and_date_line(words):
                reading = read_date(" ".join(w.text for w in words))
                if reading.value:
                    return field_from_words(reading.value, _date_part(words), view.page, reading.factor,
                                            printed=reading.extra.get(PRINTED))  # type: ignore[arg-type]
                unread = unread or field_from_words(None, words, view.page)
    return unread
