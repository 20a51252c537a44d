"""The generic extractor: find each field's label on the page, read the value printed after it.

Works on visual lines (words grouped by position), so it does not matter whether
Tesseract put a label and its value in one block, nor whether they came from a
PDF text layer. Sections ("người mẹ", "chồng") restrict where a field's label may
be, sequentially or side by side in columns.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from itertools import combinations

from extractors.kinds import (
    BACKSLASH_NOTE, GROUP_WORD_MISREAD, LETTERS_CHECKED, MARKS_RESPELLED, PRINTED, PRINTED_OTHERWISE_NOTE, READERS, RESPELLED,
    RESPELLED_NOTE, SIGN_FOR_S, SURNAME_BY_LETTERS, TONE_MARKS, UNMARKED, UNMARKED_NOTE, Reading, unit_name_words,
)
import numpy as np
from rapidfuzz import fuzz

from extractors.readers.dates import DATE_WORD
from extractors.readers.labels import DEFAULT_MIN_SCORE, STRONG_SCORE, LabelHit, find_all_labels, label_tokens
from pipeline.text import SYLLABLE, fold
from extractors.spec import FieldSpec, TypeSpec
from pipeline.geometry import union_bbox, visual_lines
from schemas import BBox, Field, Page, Word

MAIN = "main"
HEADER_MIN_LABELS = 3  # a line with this many bare labels is a table header, not label: value pairs
_NUMBERING = re.compile(r"^[\d§IVX]{1,3}[.)]?$")  # item numbers of form lines, as OCR reads them
CONTINUATION_GAP = 2.6  # word heights: how far below a value line its continuation may start


@dataclass(frozen=True)
class Region:
    """Part of a page that belongs to a section: lines first..last, columns x0..x1.

    In a table whose columns are the sections ("Vợ" | "Chồng") the labels stand
    once, left of the columns, in a row-label column that ends at ``row_labels_x1``.
    """

    section: str
    first_line: int
    last_line: int
    x0: float = float("-inf")
    x1: float = float("inf")
    row_labels_x1: float | None = None

    def holds(self, line: int, x: float) -> bool:
        return self.first_line <= line <= self.last_line and self.x0 <= x < self.x1

    def labels_row(self, line: int, bbox: tuple[int, int, int, int]) -> bool:
        """Whether a label at ``bbox`` on ``line`` is a row label of this table column."""
        return (self.row_labels_x1 is not None and self.first_line <= line <= self.last_line
                and bbox[2] <= self.row_labels_x1)


@dataclass
class PageView:
    """One page's visual lines with every label of the type located once."""

    page: Page
    lines: list[list[Word]]
    hits: list[LabelHit]
    regions: list[Region]
    header_lines: set[int]

    def section_at(self, line: int, x: float) -> str:
        for region in self.regions:
            if region.holds(line, x):
                return region.section
        return MAIN

    def serves(self, hit: LabelHit, section: str) -> bool:
        """Whether a label hit may give a value of ``section``: it lies in the section, or labels a table row."""
        return (self.section_at(hit.line_index, hit.bbox[0]) == section
                or any(r.section == section and r.labels_row(hit.line_index, hit.bbox) for r in self.regions))

    def region_of(self, hit: LabelHit, section: str) -> Region | None:
        """The region of ``section`` a hit's value is read in: the one holding it, else the table column of its row."""
        return next((r for r in self.regions if r.section == section and r.holds(hit.line_index, hit.bbox[0])),
                    next((r for r in self.regions if r.section == section and r.labels_row(hit.line_index, hit.bbox)),
                         None))


def view_page(spec: TypeSpec, page: Page) -> PageView:
    lines = visual_lines(page.words)
    labels = spec.all_labels()
    anchors = sorted({a for phrases in spec.sections.values() for a in phrases} - set(labels))
    headings = [a for a in anchors if len(label_tokens(a)) == 1]  # "Vợ": only where no longer label holds it
    found = [hit for hit in find_all_labels(lines, labels + [a for a in anchors if a not in headings])
             if _plausible_label(hit, lines[hit.line_index]) and not _near_miss_in_print(hit, page)]
    found += [h for h in find_all_labels(lines, headings) if _column_heading(h, lines[h.line_index])
              and not any(_overlap(h, other) for other in found)]
    found += _partner_headings(spec, lines, [h for h in found if h.label in anchors], found)
    found.sort(key=lambda h: (h.line_index, h.word_start))
    hits = [_value_up_to_next_label(hit, found, lines[hit.line_index]) for hit in found]
    headers = _header_lines(hits)
    field_hits = [h for h in hits if h.label in labels and h.line_index not in headers]
    regions = _regions(spec, lines, hits, headers)
    return PageView(page=page, lines=lines, hits=field_hits, regions=regions, header_lines=headers)


def _near_miss_in_print(hit: LabelHit, page: Page) -> bool:
    """A short label matched only nearly in a text layer, whose words are as printed: other words alike ("phố Tuyên"
    for "Họ tên", a wrapped address's next line), not the label misread."""
    return page.source == "text_layer" and hit.score < 1.0 and len(label_tokens(hit.label)) <= SHORT_LABEL_TOKENS


SHORT_LABEL_TOKENS = 2


def _column_heading(hit: LabelHit, line: list[Word]) -> bool:
    """A one-word section heading ("VỢ", "Chồng"): spelled with its marks, wide apart from any other word.

    Unmarked matching would take the surname "VÕ" for "Vợ".
    """
    word = line[hit.word_start]
    if fold(hit.label) != fold(word.text):
        return False
    if word.text.strip(":.").lower() != hit.label.lower() and not _heading_pair(line):
        return False
    # its neighbours are real words: a speck in the gutter ("Vợ  `  Chồng") is no word beside it
    before = next((w for w in reversed(line[:hit.word_start]) if not is_speck(w)), None)
    after = next((w for w in line[hit.word_end:] if not is_speck(w)), None)
    gap = WIDE_GAP * _height(word)
    return ((before is None or word.bbox[0] - before.bbox[2] > gap)
            and (after is None or after.bbox[0] - word.bbox[2] > gap))


def _partner_headings(spec: TypeSpec, lines: list[list[Word]], anchors: list[LabelHit], found: list[LabelHit]
                      ) -> list[LabelHit]:
    """The other column's heading where a line holds one section's heading and OCR misread the other's: two lone
    words of which one reads as its heading ("Vự  Chồng", "\\e)  CHỒNG"), or, past a wide blank, words whose letters
    are nearly the other's heading ("Thông tin về vợ   Thông tinvềchồng", "Ihông tin vê chồng"). With two sections,
    those words head the other one. Without it, the one column found would run over both, and the first spouse's
    values would be read as the second's."""
    if len(spec.sections) != 2:
        return []
    partners = []
    for hit in anchors:
        own = next(name for name, phrases in spec.sections.items() if hit.label in phrases)
        phrases = next(phrases for name, phrases in spec.sections.items() if name != own)
        if any(h is not hit and h.line_index == hit.line_index and (h in anchors or h.label in phrases) for h in found):
            continue  # the other section's heading or first label was read on the line ("Bên vợ  Họ, chữ đệm, tên chồng:")
        line = lines[hit.line_index]
        partner = _lone_word_partner(hit, line, phrases) if hit.token_count == 1 else _phrase_partner(hit, line, phrases)
        if partner is not None:
            partners.append(partner)
    return partners


def _lone_word_partner(hit: LabelHit, line: list[Word], phrases: list[str]) -> LabelHit | None:
    """The other word of a line of two, where the heading is one word: a short word of letters, however misread."""
    heading = next((p for p in phrases if len(label_tokens(p)) == 1), None)
    # the other word may itself look like a speck ("\\e)" for VỢ); else a speck in the gutter is left aside
    real = range(2) if len(line) == 2 else [i for i, w in enumerate(line) if i == hit.word_start or not is_speck(w)]
    if heading is None or len(real) != 2:
        return None
    index = real[1 - real.index(hit.word_start)]
    word = line[index]
    letters = "".join(ch for ch in word.text if ch.isalnum())
    if not letters.isalpha() or len(letters) > len(heading) + 2:
        return None
    return LabelHit(label=heading, line_index=hit.line_index, word_start=index, word_end=index + 1, bbox=word.bbox,
                    score=0.5, value_words=line[index + 1:], token_count=1)


PARTNER_SCORE = 100 * DEFAULT_MIN_SCORE  # ratio of letters (blanks aside) from which words are the heading misread


def _phrase_partner(hit: LabelHit, line: list[Word], phrases: list[str]) -> LabelHit | None:
    """The words on the heading's line past a wide blank (specks aside), where their letters, blanks aside, are
    nearly one of the other section's headings of several words."""
    height = _height(line[hit.word_start])
    after = [i for i in range(hit.word_end, len(line)) if not is_speck(line[i])]
    before = [i for i in range(hit.word_start) if not is_speck(line[i])]
    for group in (after, before):
        if not group or group != list(range(group[0], group[-1] + 1)):
            continue  # nothing there, or specks inside the words: no heading alone
        gap = line[group[0]].bbox[0] - line[hit.word_end - 1].bbox[2] if group is after \
            else line[hit.word_start].bbox[0] - line[group[-1]].bbox[2]
        if gap <= WIDE_GAP * height:
            continue
        letters = "".join(fold(ch) for i in group for ch in line[i].text if ch.isalnum())
        headings = {p: tokens for p in phrases if len(tokens := label_tokens(p)) > 1}
        score, phrase = max(((fuzz.ratio(letters, "".join(tokens)), p) for p, tokens in headings.items()),
                            default=(0.0, ""))
        if score >= PARTNER_SCORE:
            return LabelHit(label=phrase, line_index=hit.line_index, word_start=group[0], word_end=group[-1] + 1,
                            bbox=union_bbox(line[i].bbox for i in group), score=round(score / 100, 4),  # type: ignore[arg-type]
                            value_words=line[group[-1] + 1:], token_count=len(headings[phrase]))
    return None


def _heading_pair(line: list[Word]) -> bool:
    """A line of the two spouses' headings alone, one of them spelled with its marks ("VỢ  CHÔNG": OCR lost a
    mark of the other): a surname "VÕ" never stands so beside "Chồng"."""
    words = [w.text.strip(":.") for w in line if not is_speck(w)]
    return [fold(w) for w in words] == ["vo", "chong"] and ("vợ" in (w.lower() for w in words)
                                                            or "chồng" in (w.lower() for w in words))


def _overlap(hit: LabelHit, other: LabelHit) -> bool:
    return hit.line_index == other.line_index and hit.word_start < other.word_end and other.word_start < hit.word_end


def _plausible_label(hit: LabelHit, line: list[Word]) -> bool:
    """Whether a label found in mid-line is really a label, not words inside a value.

    Values contain label-like words ("Nơi cư trú: Số 12 ... Phường Văn Quán" has
    "Số" and, fuzzily, "Quê quán"). A form's labels open a line (after an item
    number), or end in ':' or '/' (bilingual), or stand alone on their line (a
    heading), or — read exactly, several words long — stand after a wide gap
    ("Giới tính: Nam      Dân tộc: Kinh"). One-word headings: ``_column_heading``.
    """
    if hit.token_count == 1 and not hit.exact:
        return False  # one damaged word is too easily another word
    if hit.word_start <= _opening_word(line) or _stands_alone(hit, line) or _after_unsure_words(hit, line):
        return True
    last = line[hit.word_end - 1].text
    after = line[hit.word_end].text if hit.word_end < len(line) else ""
    if last.endswith(":") or ":" in last[-2:] or "/" in last or after[:1] in (":", "/"):
        return True
    if hit.score >= STRONG_SCORE and any(w.text.startswith("/") for w in line[hit.word_start + 1:hit.word_end]):
        return True  # both halves of a bilingual label, its English half misread ("Quốc tịch / Nationalfty")
    if hit.token_count == 1 or not hit.exact:
        return False
    first = line[hit.word_start]
    # the gap is to the last real word before it: "Thông tin về vợ  _ Thông tin về chồng" (a speck in the gutter)
    previous = next((w for w in reversed(line[:hit.word_start]) if not is_speck(w)), None)
    return previous is None or first.bbox[0] - previous.bbox[2] > WIDE_GAP * _height(first)


WIDE_GAP = 1.5  # word heights between a value and the next label on its line


def _stands_alone(hit: LabelHit, line: list[Word]) -> bool:
    """A label of several words with nothing else on its line but specks ("Ti Thông tin người chồng")."""
    others = line[: hit.word_start] + line[hit.word_end:]
    return hit.token_count > 1 and sum(ch.isalnum() for w in others for ch in w.text) <= 3


def _height(word: Word) -> int:
    return max(1, word.bbox[3] - word.bbox[1])


def _opening_word(line: list[Word]) -> int:
    """Index of a line's first real word: after item numbers ("6.") and specks OCR read as words."""
    return next((i for i, w in enumerate(line) if not (_NUMBERING.match(w.text) or is_speck(w))), 0)


def _after_unsure_words(hit: LabelHit, line: list[Word]) -> bool:
    """A label of several words read all but exactly that opens its line but for a word or two OCR was unsure of
    (the photo's edge or a stamp read as "se"): a value's words before a label are read with more trust."""
    before = line[:hit.word_start]
    return (hit.token_count > 1 and hit.score >= STRONG_SCORE and 0 < len(before) <= UNSURE_OPENERS
            and all(w.confidence < UNSURE_WORD for w in before))


UNSURE_OPENERS = 2  # words before a label that may still open its line
UNSURE_WORD = 0.5  # below this OCR's confidence in a word says little it is a word at all


# Vietnamese letters with a mark of their own (ă, ê, ơ, ư, đ) or a tone (á, ề, ự ...): what dirt is never read as surely
_MARKED_LETTERS = {unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy"
                   for tone in ("", *TONE_MARKS)} - set(string.ascii_lowercase) | {"đ"}


def is_speck(word: Word) -> bool:
    """Dirt read as a word: at most one letter or digit, or two unsure ones that make no syllable.

    "ở" ("nhà ở", "ở nước ngoài") is the one-letter word that ends values; read surely, it stays."""
    core = "".join(ch for ch in word.text if ch.isalnum())
    if SIGN_FOR_S.match(word.text) or GROUP_WORD_MISREAD.match(word.text):
        return False  # "§ố", "Fổ 20": the words "Số" and "Tổ" (a house number's, a group's) with a letter misread
    if len(core) <= 1:
        if core.lower() == "ở" and word.confidence >= 0.8:
            return False
        if core.isupper() and word.text.lstrip(".…") == f"{core}," and word.confidence >= 0.8:
            return False  # the letter ending a unit's name before the next part ("Phường Châu Phú A, Thành phố ...")
        if core.lower() in _MARKED_LETTERS and word.confidence >= CLEARLY_READ:
            return False  # a marked vowel or Đ read surely is a word of its own ("Ê Đê", "Ơ Đu"), not dirt
        return not core.isdigit() or word.confidence < 0.5
    return len(core) == 2 and word.confidence < 0.5 and not core.isdigit() and not SYLLABLE.match(fold(core))


def _value_up_to_next_label(hit: LabelHit, hits: list[LabelHit], line: list[Word]) -> LabelHit:
    """Cut the value words where the next label on the same line begins.

    Labels are printed capitalised ("Giới tính:", "Số:"); the same words in lower case belong to
    the value ("CCCD số: 0012…" is no certificate number's label)."""
    later = [h.word_start for h in hits if h.line_index == hit.line_index and h.word_start >= hit.word_end
             and not line[h.word_start].text[:1].islower()]
    if not later:
        return hit
    stop = line[min(later)]
    kept = []
    for word in hit.value_words:
        if word is stop or word.bbox[0] >= stop.bbox[0]:
            break
        kept.append(word)
    return replace(hit, value_words=kept)


def _header_lines(hits: list[LabelHit]) -> set[int]:
    bare: dict[int, int] = {}
    for hit in hits:
        if not hit.value_words:
            bare[hit.line_index] = bare.get(hit.line_index, 0) + 1
    return {line for line, count in bare.items() if count >= HEADER_MIN_LABELS}


def _regions(spec: TypeSpec, lines: list[list[Word]], hits: list[LabelHit], headers: set[int]) -> list[Region]:
    """Where each section's fields are: from its anchor down to the first line labelled for another part.

    Anchors of several sections on one line (the wife's and the husband's columns)
    split the page at the blank gutters between the columns below them; when the
    labels below all stand left of the columns, the table's rows are labelled once
    for every column.
    """
    anchor_of = {phrase: name for name, phrases in spec.sections.items() for phrase in phrases}
    own_labels = {name: {label for f in spec.fields.values() if f.section == name for label in f.labels}
                  for name in spec.sections}
    starts: dict[int, dict[str, LabelHit]] = {}
    for hit in hits:
        section = anchor_of.get(hit.label)
        if section and hit.line_index not in headers:
            leftmost = starts.setdefault(hit.line_index, {})
            if section not in leftmost or hit.bbox[0] < leftmost[section].bbox[0]:
                leftmost[section] = hit
    field_labels = set(spec.all_labels())
    regions: list[Region] = []
    for line, leftmost in sorted(starts.items()):
        columns = sorted(leftmost.items(), key=lambda item: item[1].bbox[0])
        below = _table_lines(spec, line, {section for section, _ in columns}, lines, hits)
        row_labels_x1 = _row_label_edge(columns, below, [h for h in hits if line < h.line_index <= line + GUTTER_LINES
                                                          and h.label in field_labels])
        edges = [float("-inf") if row_labels_x1 is None else row_labels_x1,
                 *(_gutter(below, left.bbox[2], right.bbox[0]) for (_, left), (_, right) in zip(columns, columns[1:])),
                 float("inf")]
        for index, (section, _) in enumerate(columns):
            x0, x1 = edges[index], edges[index + 1]
            scan_x0 = float("-inf") if row_labels_x1 is not None else x0  # a table ends at the next row label
            last = _section_end(line, section, scan_x0, x1, hits, own_labels[section] | set(spec.sections[section]), len(lines))
            regions.append(Region(section, line, last, x0, x1, row_labels_x1))
    return regions


GUTTER_LINES = 12  # lines below a row of column headings that show where the columns are


def _table_lines(spec: TypeSpec, line: int, sections: set[str], lines: list[list[Word]],
                 hits: list[LabelHit]) -> list[list[Word]]:
    """The lines below a row of column headings that show where its columns are: at most ``GUTTER_LINES``,
    and none from the first one labelled for a field of no column on (the table has ended there, and a row
    across the page, "Nơi đăng ký kết hôn: …", would hide the gutter between the columns)."""
    columns = {label for f in spec.fields.values() if f.section in sections for label in f.labels}
    outside = {label for f in spec.fields.values() if f.section not in sections for label in f.labels} - columns
    end = min([h.line_index for h in hits if line < h.line_index and h.label in outside], default=len(lines))
    return lines[line + 1: min(end, line + 1 + GUTTER_LINES)]


def _row_label_edge(columns: list[tuple[str, LabelHit]], below: list[list[Word]], labels: list[LabelHit]) -> float | None:
    """Where the row labels end, when the columns are a table's: every label below stands left of them."""
    if len(columns) < 2 or len(labels) < 2:
        return None
    first_column = columns[0][1].bbox[0]
    row_labels = [h for h in labels if h.bbox[0] < first_column]
    inside = [h for h in labels if h.bbox[0] >= first_column]
    aligned = any(abs(a.bbox[0] - b.bbox[0]) <= a.bbox[3] - a.bbox[1] for a, b in combinations(inside, 2))
    if not row_labels or aligned or 2 * len(inside) >= len(row_labels):
        # the columns repeat their own labels, one under another: side-by-side blocks, not a table (a lone label's
        # words inside a column are a value's: "Số định danh cá nhân 0110…" in the husband's cell of the row
        # "Giấy tờ tùy thân")
        return None
    return _gutter(below, min(h.bbox[2] for h in row_labels), first_column)


def _gutter(lines: list[list[Word]], lo: float, hi: float) -> float:
    """The x between ``lo`` and ``hi`` that the fewest words of ``lines`` cross: the middle of the widest such run.
    Specks aside: a table's rule read as "-" in the gutter would push it into a column's last word."""
    lo, hi = int(lo), int(hi)
    if hi - lo < 4:
        return hi - 10
    crossings = np.zeros(hi - lo, dtype=int)
    for word in (w for line in lines for w in line if not is_speck(w)):
        start, end = max(word.bbox[0] - lo, 0), min(word.bbox[2] - lo, hi - lo)
        if start < end:
            crossings[start:end] += 1
    best = crossings == crossings.min()
    run_start, widest = 0, (0, 0)
    for x in range(len(best) + 1):
        if x == len(best) or not best[x]:
            if x - run_start > widest[1] - widest[0]:
                widest = (run_start, x)
            run_start = x + 1
    return lo + (widest[0] + widest[1]) / 2


def _section_end(first: int, section: str, x0: float, x1: float, hits: list[LabelHit], own: set[str], line_count: int) -> int:
    later_starts = [h.line_index for h in hits
                    if h.line_index > first and x0 <= h.bbox[0] < x1 and h.label not in own]
    return min(later_starts) - 1 if later_starts else line_count - 1


def extract_fields(spec: TypeSpec, views: list[PageView]) -> dict[str, Field]:
    """Every field of the type that could be found on the pages, with its evidence."""
    fields: dict[str, Field] = {}
    for name, field_spec in spec.fields.items():
        found = find_field(field_spec, views)
        if found is not None:
            fields[name] = found
    return fields


def find_field(spec: FieldSpec, views: list[PageView]) -> Field | None:
    """The first labelled value of a field in reading order that reads as its kind."""
    fallback: Field | None = None
    for view in views:
        hits = [h for h in view.hits if h.label in spec.labels and view.serves(h, spec.section)]
        kept = [hit for index, hit in enumerate(hits)
                # "Quê quán" followed by its own translation "/ Place of origin": the value follows the last
                if not (index + 1 < len(hits) and hits[index + 1].line_index == hit.line_index)]
        # a label ends at a colon or opens its line; the same words inside a sentence ("… cấp Giấy xác
        # nhận tình trạng hôn nhân, …") or as a heading alone on its line are tried after those
        for hit in sorted(kept, key=lambda hit: _label_rank(view, hit)):
            for words in value_candidates(view, hit, spec):
                field = to_field(READERS[spec.kind](" ".join(w.text for w in words)), words, hit, view.page)
                if field.value is not None and (letter := _letter_glued_before(view, hit, value_words(words, field.value))):
                    field.confidence = min(field.confidence, letter.confidence)  # its doubt is the value's
                if field.value is not None or field.no_expiry:
                    return field
                fallback = fallback or field
    return fallback


def _letter_glued_before(view: PageView, hit: LabelHit, words: list[Word]) -> Word | None:
    """A letter read unsurely right before a value's first word, as tall as it and a space or less apart, that the
    value's ends left out as a speck ("§ố 49 ngõ …", the S of "Số" misread): the value may have lost a word."""
    first = words[0]
    line_index, line = next(((i, line) for i, line in enumerate(view.lines) if any(w is first for w in line)),
                            (-1, []))
    index = next((i for i, w in enumerate(line) if w is first), 0)
    if index == 0 or (line_index == hit.line_index and index - 1 < hit.word_end):
        return None
    before = line[index - 1]
    if not (is_speck(before) and any(ch.isalpha() for ch in before.text)):
        return None
    close = first.bbox[0] - before.bbox[2] <= _height(first)
    return before if close and _height(before) >= LETTER_HEIGHT * _height(first) else None


LETTER_HEIGHT = 0.6  # of the next word's height: a letter's, not a dot's or a dash's


_LIST_MARKER = re.compile(r"^(?:[-–•*+]|\d{1,2}[.)]|[a-zđ][.)])$")


def _label_rank(view: PageView, hit: LabelHit) -> int:
    """How much a hit looks like a label: 0 followed by a colon, 1 opening its line (after a list marker
    at most) with words after it, 2 opening its line alone (a heading, or a value printed below it),
    3 inside a sentence."""
    last = view.lines[hit.line_index][hit.word_end - 1].text
    if last.endswith(":") or (hit.value_words and hit.value_words[0].text.startswith(":")):
        return 0
    before = view.lines[hit.line_index][:hit.word_start]
    if all(_LIST_MARKER.match(w.text.lower()) for w in before):
        return 1 if hit.value_words else 2
    return 3


def value_candidates(view: PageView, hit: LabelHit, spec: FieldSpec) -> list[list[Word]]:
    """Where a value may be: after the label on its line, then on the next line.

    Cards print some values under their label ("Có giá trị đến:" above the date),
    with another field's words to the right on the label's own line. A value's
    lines below start no further left than a little before the label's line:
    what stands further left is another column (a card's photo side, its labels).
    """
    region = view.region_of(hit, spec.section) or Region(spec.section, 0, len(view.lines))
    line_start = min(w.bbox[0] for w in view.lines[hit.line_index])
    region = replace(region, x0=max(region.x0, line_start - VALUE_INDENT * (hit.bbox[3] - hit.bbox[1])))
    same_line = _trim_specks(_up_to_wide_gap(drop_label_translation(
        [w for w in hit.value_words if _inside(w, region.x0, region.x1)], spec.labels)), spec.kind in FIGURE_KINDS)
    if not same_line and region.labels_row(hit.line_index, hit.bbox):
        # a table row's label: its value words stop at the first label on its line, which may open another
        # column's cell ("Giấy tờ tùy thân: | Số định danh cá nhân 0701… | CCCD số 0680…"); this column's cell
        # is its value unless a label opens it too
        same_line = _trim_specks(_cell(view, hit.line_index, region))
    below = hit.line_index + 1
    if _wholly_outside(view, below, region) and below + 1 < len(view.lines) \
            and _close_below(view.lines[hit.line_index], view.lines[below + 1]):
        below += 1  # a row of the column beside, set half a line lower, read between the label's line and the next
    next_line = _trim_specks(_free_line(view, below, region))
    if not next_line and spec.multiline:
        # the value's first line below its label, opened by the column beside's label ("Có giá trị đến  |
        # Phường Quang Trung, ...")
        next_line = _trim_specks(_right_of_a_label_beside(view, below, region, hit.bbox[0]))
    elif spec.multiline and (split := _column_split(next_line, hit.bbox[0])):
        next_line = next_line[split:]  # the column beside's value left of it ("Không thời hạn  |  Thôn Thượng")
    if is_place_and_date_line(next_line):
        next_line = []  # the signature's date below the last value is never that value's ("có giá trị đến ngày")
    candidates = []
    for line, words in ((hit.line_index, same_line), (below, next_line)):
        if words:
            candidates.append(_continued(view, line, words, region, hit.bbox[0]) if spec.multiline else words)
    if spec.kind == "id_number" and len(next_line) <= 1 and (after := _trim_specks(_free_line(view, below + 1, region))):
        # an id number wrapped under a column's label past a line of specks ("Căn cước công" / "Ki:" / "dân số
        # 0740…"): twelve figures are not read into a value by chance
        candidates.append(after)
    return candidates


def _up_to_wide_gap(words: list[Word]) -> list[Word]:
    """A value ends where a wide blank opens on its line: beyond it is another block ("Số: 197   Độc lập - ...").

    The blank is measured in the height of print, not of the specks read beside it (": ; 5", a few pixels high,
    would make every space wide), and between words of print: a form's dotted line read as flat, unsure words
    ("MAI... SG S602 2.-e") is blank, and such words after the value's last word are none of it."""
    if len(words) < 2:
        return words
    printed = [w for w in words if w.confidence >= UNSURE_WORD and not is_speck(w)] or words
    height = float(np.median([_height(w) for w in printed]))
    tall = [index for index, word in enumerate(words) if _height(word) >= FLAT * height or _read_as_letters(word)]
    if not tall:
        return words
    end = tall[0]
    for index in tall[1:]:
        if words[index].bbox[0] - words[end].bbox[2] > VALUE_GAP * height:
            break
        end = index
    return words[:end + 1]


def _read_as_letters(word: Word) -> bool:
    """A word read at least half surely with letters in it: its box may be a dotted line's it was read with
    ("Nẵng......" 5 px high), but it is print."""
    return word.confidence >= UNSURE_WORD and sum(ch.isalpha() for ch in word.text) >= 2


VALUE_GAP = 4.0  # word heights
FLAT = 0.35  # of print's height: a word this low is a dotted line's, a dash's or dust, not a letter's
VALUE_INDENT = 3.0  # label heights a value's next line may start left of the label's line


def _continued(view: PageView, line: int, words: list[Word], region: Region, column: float | None = None
               ) -> list[Word]:
    """A multi-line value: the following lines while they carry no label and sit right below (a
    signature's place-and-date line is no continuation: it follows the last value of many forms)."""
    current, beside = words, False
    while True:
        following = _trim_specks(_free_line(view, line + 1, region))
        if not following and column is not None and (right := _right_of_a_label_beside(view, line + 1, region, column)):
            following, beside = _trim_specks(right), True  # "Có giá trị đến:  |  Nai": the value's last word
        # a line of the column beside, read as a visual line of its own between two of the value's: a row of
        # another block set half a line lower (wholly outside the region), or another field's label left of it
        outside = not following and _wholly_outside(view, line + 1, region)
        if outside or not following and column is not None and _beside(view, line + 1, column):
            following = _trim_specks(_free_line(view, line + 2, region))
            line += 1
            beside = beside or not outside
        if column is not None and (split := _column_split(following, column)):
            following, beside = following[split:], True  # the words of the column beside left out
        if beside and following and column is not None and max(w.bbox[2] for w in following) <= column:
            return words  # that column's value below its label ("16/07/2040" under "Date of expiry")
        if not (following and _close_below(current, following) and not is_place_and_date_line(following)):
            return words
        words, current = words + following, following
        line += 1


def _right_of_a_label_beside(view: PageView, line: int, region: Region, column: float) -> list[Word]:
    """The words of a line that opens with another field's label in the column left of a value's, standing in the
    value's column past a wide blank (``_column_split``); empty where the line is otherwise, or a label stands in
    the value's column too."""
    if not 0 <= line < len(view.lines):
        return []
    hits = [h for h in view.hits if h.line_index == line]
    if not hits or any(h.bbox[2] > column for h in hits):
        return []
    words = view.lines[line]
    split = _column_split(words, column)
    return [w for w in words[split:] if _inside(w, region.x0, region.x1)] if split else []


def _wholly_outside(view: PageView, line: int, region: Region) -> bool:
    """Whether a line's words all stand in other columns than the region's."""
    return 0 <= line < len(view.lines) and not any(_inside(w, region.x0, region.x1) for w in view.lines[line])


def _column_split(words: list[Word], column: float) -> int:
    """Where a line's words part into a column left of a value's and the value's own, beginning where its label
    does ("Có giá trị đến  |  Phường Vĩnh Tuy, ..."): the left words end before the label's edge, a wide blank
    follows, the value's words start at it (within a word height). 0 when the line is not so parted."""
    for index in range(1, len(words)):
        left, right = words[index - 1], words[index]
        height = max(_height(left), _height(right))
        if (left.bbox[2] <= column and abs(right.bbox[0] - column) <= COLUMN_ALIGN * height
                and right.bbox[0] - left.bbox[2] > COLUMN_GAP * height):
            return index
    return 0


COLUMN_ALIGN = 1.0  # word heights a value's continuation may start off its label's left edge
COLUMN_GAP = 2.0  # word heights of blank between a column beside and a value's continuation


def _beside(view: PageView, line: int, column: float) -> bool:
    """Whether a line is another field's label standing wholly left of where the value's own label starts ("Date of
    expiry" under "Có giá trị đến:" beside a card's residence), read as a visual line between the value's lines."""
    return (0 <= line < len(view.lines) and bool(view.lines[line]) and any(h.line_index == line for h in view.hits)
            and all(w.bbox[2] <= column for w in view.lines[line]))


# its words as OCR misreads them at worst: "hgày", "ngdv", "ngạv"; "hãm" (an n read as h, a y as v)
_PLACE_AND_DATE = re.compile(r"[nh]g\w{0,2}[yv]\s*\S{1,2}\s*thang\s*\S{1,2}\s*[nh]\w{0,2}m\s*\S{4}")


def is_place_and_date_line(words: list[Word]) -> bool:
    """ "Hà Nội, ngày 05 tháng 3 năm 2025": the line above a signature."""
    return bool(_PLACE_AND_DATE.search(fold(" ".join(w.text for w in words))))


def drop_label_translation(words: list[Word], labels: list[str]) -> list[Word]:
    """Drop the English half of a bilingual label that OCR damaged too much to match with it.

    "Quốc tịch / Nationality: Việt Nam" read as "Quốc tịch/Nartionaiity: Việt Nam"
    matches "Quốc tịch" only; the damaged "/Nartionaiity:" must not join the value.
    """
    english = [fold(label) for label in labels if label.isascii() and "/" not in label]
    if not english or not words:
        return words
    best_cut, best_score = 0, 0.0
    for cut in range(1, min(5, len(words)) + 1):
        prefix = fold(" ".join(w.text for w in words[:cut])).strip(" /:.;,")
        score = max(fuzz.ratio(prefix, label) for label in english)
        if score > best_score:
            best_cut, best_score = cut, score
    if best_score >= TRANSLATION_MATCH:
        return words[best_cut:]
    # a colon with nothing after it ends the value, not a translation ("Việt Nam :", a speck read as one)
    colon = max((i for i, w in enumerate(words[:4]) if w.text.endswith(":") and i + 1 < len(words)), default=-1)
    if colon < 0:
        return words[_unsure_translation(words, english):]
    return words[colon + 1:]


def _unsure_translation(words: list[Word], english: list[str]) -> int:
    """How many words open the value as a translation OCR mangled beyond a match: as many words as the English
    label has (after its "/"), every one read unsure, alike to it at least in part ("/ Fưii rayne" for "/ Full
    name", "'Poe of ssseeace" for "Place of residence"); 0 when there is none."""
    skip = 1 if words[0].text.strip() == "/" else 0
    for label in english:
        cut = skip + len(label.split())
        prefix = words[skip:cut]
        if (len(words) > cut and len(prefix) == len(label.split())
                and all(w.confidence < UNSURE_WORD for w in prefix)
                and fuzz.ratio(fold(" ".join(w.text for w in prefix)).strip(" /:.;,'\""), label) >= UNSURE_TRANSLATION_MATCH):
            return cut
    return 0


TRANSLATION_MATCH = 72
UNSURE_TRANSLATION_MATCH = 50  # with every word of it unsure and the label's count of words


# the kinds a lone figure may be the whole of: a certificate's number ("Số: 7")
FIGURE_KINDS = {"code"}


def _trim_specks(words: list[Word], lone_figure: bool = False) -> list[Word]:
    """A value without the specks of dirt OCR read as short, unsure words around it ("vn", "—”", "ˆ"); with
    ``lone_figure`` (a number's value), a figure that is all there is after its label ("Số: 7" read unsure) is kept:
    a speck is dirt beside a value, and its own confidence says how unsure it is."""
    if lone_figure and len(words) == 1 and words[0].text.strip(".,:;").isdigit():
        return words
    start, end = 0, len(words)
    while start < end and is_speck(words[start]):
        start += 1
    while end > start and is_speck(words[end - 1]):
        end -= 1
    return words[start:end]


def _inside(word: Word, x0: float, x1: float) -> bool:
    centre = (word.bbox[0] + word.bbox[2]) / 2
    return x0 <= centre < x1


def _free_line(view: PageView, line: int, region: Region) -> list[Word]:
    """A line's words within the region's columns, unless it starts with a label of the type.

    Only a label at the start (after an item number) counts: "CCCD số 0123…" is a
    value that merely contains the word "số". In a table, a row label starts a new row.
    """
    if line >= len(view.lines) or line in view.header_lines:
        return []
    if any(h.line_index == line and region.labels_row(line, h.bbox) for h in view.hits):
        return []
    return _cell(view, line, region)


def _cell(view: PageView, line: int, region: Region) -> list[Word]:
    """A line's words within the region's columns, unless a label of the type opens them."""
    words = [w for w in view.lines[line] if _inside(w, region.x0, region.x1)]
    if not words:
        return []
    first = words[_opening_word(words)]  # "6.", "§." or specks before a label
    if any(h.line_index == line and (h.bbox[0] <= first.bbox[2] and h.bbox[2] >= first.bbox[0]  # another column's
                                     or region.x0 <= h.bbox[0] < region.x1 and _after_unsure_words(h, view.lines[line]))
           for h in view.hits):  # label after specks opens that column's cell, not this one's
        return []
    return words


def _close_below(above: list[Word], below: list[Word]) -> bool:
    """Whether ``below`` is the next printed line after ``above`` (a value's continuation), not a later block.
    The text's height is the two lines' together: a line of figures and small letters ("218/2004/HNGĐ-ST ngày
    15/10/2004 của …") stands lower than its font's line spacing says."""
    height = float(np.median([w.bbox[3] - w.bbox[1] for w in above + below]))
    step = float(np.median([w.bbox[1] for w in below])) - float(np.median([w.bbox[1] for w in above]))
    return 0 < step <= CONTINUATION_GAP * max(1.0, height)


def word_confidence(words: list[Word], page: Page, letters_checked: bool | Collection[str] = False,
                    surname: str | None = None) -> float:
    """How sure the reading of these words is: the weakest word's OCR confidence (its letters' where they were
    read again alike, ``letters_confidence``); with ``letters_checked`` (the register spells every word of letters so,
    or these words), such a word without figures halfway to certain; ``surname``: a name's first word whose marks
    the surname list settles; a text layer is certain."""
    if page.source != "ocr":
        return 1.0
    sure = [letters_confidence(w, page, surname is not None and letters_of(w.text).strip(",.;:") == surname)
            for w in words]

    def checked(word: Word) -> bool:
        if any(ch.isdigit() for ch in word.text):
            return False
        return letters_checked is True or (not isinstance(letters_checked, bool)
                                           and letters_of(word.text).strip(",.;:") in letters_checked)

    return min(((1.0 + c) / 2 if checked(w) else c for w, c in zip(words, sure, strict=True)), default=0.0)


# what a form's dotted line, a speck or a sign leaves glued to a word's letters ("..PHẠM", "DIỆP.....", "„thành")
GLUED = ".…_„‚,-–—~=*'\"`:;·"


NEVER_KEPT = "…_„‚~=*·"  # signs no value ends a word with, unlike a comma or a full stop ("Thành phố Long, Xuyên")


def value_words(words: list[Word], value: object, printed: str | None = None) -> list[Word]:
    """The words a value printed as it reads (or as ``printed``: the figures a date was read from) was read from,
    without those at its ends it left out (a label's garbled last word "ñ@œn" before the address, a speck after
    it): OCR's doubt about them is not the value's."""
    as_read = printed or value
    kept = _letters_and_figures(as_read) if isinstance(as_read, str) else ""
    if not kept or kept not in "".join(_letters_and_figures(w.text) for w in words):
        return words  # not read as printed (a date in ISO form, a repaired value): every word stands
    start, end = 0, len(words)
    while start < end and not _in_value(words[start], kept):
        start += 1
    while end > start and not _in_value(words[end - 1], kept):
        end -= 1
    read = words[start:end] or words
    if printed:  # a date's figures are its value: "ngày" read unsurely between them is not ("ngày 13 tháng 02")
        read = [w for w in read if not DATE_WORD.fullmatch(_letters_and_figures(w.text))] or read
    return read


def _letters_and_figures(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _in_value(word: Word, kept: str) -> bool:
    letters = _letters_and_figures(word.text)
    return bool(letters) and letters in kept


def letters_of(text: str) -> str:
    """A word's text without the dots, specks and signs glued to it: all before its letters, and after them a
    run of two or more or a sign no value keeps (one comma or full stop may be the value's own)."""
    text = text.lstrip(GLUED)
    letters = text.rstrip(GLUED)
    after = text[len(letters):]
    return letters if len(after) > 1 or (after and after in NEVER_KEPT) else text


def letters_key(word: Word) -> str:
    """Where ``page.readings`` keeps the reading of a word's letters alone."""
    return f"letters:{','.join(map(str, word.bbox))}"


def words_within(page: Page, bbox: BBox) -> list[Word]:
    """The page's words whose middle lies in ``bbox``."""
    x0, y0, x1, y1 = bbox
    return [w for w in page.words if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1]


def keep_reading(page: Page, key: str, text: str, confidence: float) -> None:
    """Keep a second reading and its confidence in ``page.readings`` (stored with the words: a re-extraction from
    them reads the same)."""
    page.readings[key], page.readings[f"{key} confidence"] = text, f"{confidence:.3f}"


def kept_reading(page: Page, key: str) -> tuple[str, float | None] | None:
    """A reading kept under ``key`` and its confidence (None: kept before confidences were); None: none kept."""
    if key not in page.readings:
        return None
    sure = page.readings.get(f"{key} confidence")
    return page.readings[key], float(sure) if sure is not None else None


def letters_confidence(word: Word, page: Page, marks_settled: bool = False) -> float:
    """A word's confidence, or its letters' where they were read again on their own (without what is glued to
    them: OCR's confidence in "..PHẠM" is the dots' as much as the name's) and read alike (``marks_settled``:
    alike but for marks, which a list settles)."""
    kept = kept_reading(page, letters_key(word))
    alike = fold if marks_settled else str
    if kept is None or kept[1] is None or alike(letters_of(kept[0])) != alike(letters_of(word.text)):
        return word.confidence
    return max(word.confidence, kept[1])


# a word OCR was at least this sure of is taken as printed: where the register spells it with other marks,
# the register's spelling is a guess, not evidence (measured on the independent sets: see RESPELLED_NOTE)
CLEARLY_READ = 0.9
UNMARKED_FACTOR = 0.8  # an OCR value with a word whose marks were likely lost: plausible, for a person to check


def respelling_doubt(respelled: list[tuple[str, str]] | None, words: list[Word], page: Page) -> str | None:
    """The note for a value whose unit name the register respelled over a clearly read word ("Na" read at
    0.97 → "Nà"), or None: no such word, or the page prints the register's spelling elsewhere (another
    reading of the same name agrees with the register)."""
    if not respelled:
        return None
    elsewhere = {w.text.strip(",.;:()").lower() for w in page.words if w not in words}
    for read, registered in respelled:
        if read not in unit_name_words() and read[:1] + read[1:].lower() not in unit_name_words():
            continue  # no unit is spelled so ("Hà Nôi", "NÔI"): a misread, however sure, not another spelling
        # a name printed in capitals is read so ("NA HANG"), the value in the running case ("Na Hang")
        sure = [w.confidence if page.source == "ocr" else 1.0 for w in words
                if w.text.strip(",.;:()").lower() == read.lower()]
        if sure and max(sure) >= CLEARLY_READ and registered.lower() not in elsewhere:
            return f"{RESPELLED_NOTE} ('{read}' read, the register's '{registered}')"
    return None


def as_printed(value: str, respelled: list[tuple[str, str]]) -> tuple[str, str]:
    """A text layer's ``value`` with each unit-name word the register respelled put back as printed, and what was
    put back ("'Na' printed, the register's 'Nà'"; empty where nothing was)."""
    kept = []
    for printed, registered in respelled:
        restored = re.sub(rf"(?<!\w){re.escape(registered)}(?!\w)", printed, value)
        if restored != value:
            value = restored
            kept.append(f"'{printed}' printed, the register's '{registered}'")
    return value, "; ".join(kept)


def field_from_words(value, words: list[Word], page: Page, factor: float = 1.0,
                     respelled: list[tuple[str, str]] | None = None, unmarked: str | None = None,
                     marks_respelled: str | None = None, letters_checked: bool | Collection[str] = False,
                     surname_by_letters: str | None = None, printed: str | None = None, **details) -> Field:
    """A Field read from ``words`` of ``page``, its confidence scaled by ``factor``; ``respelled``: the unit-name
    words the register respelled (a clearly read one is noted, and calibration caps the value); ``unmarked``:
    a name's word read without the marks every place or person named so bears (an OCR value is doubted);
    ``marks_respelled``: a word whose marks the reader settled, whose own OCR confidence is not the value's;
    ``letters_checked``: the register spells every word of letters in it so (``word_confidence``);
    ``surname_by_letters``: a name's first word only one surname's letters match; ``printed``: the text the value
    was read from where the value reads otherwise (a date's figures)."""
    if respelled and isinstance(value, str) and page.source == "text_layer":
        value, kept = as_printed(value, respelled)
        if kept:
            details["note"] = "; ".join(filter(None, [details.get("note"), f"{PRINTED_OTHERWISE_NOTE} ({kept})"]))
    elif doubt := respelling_doubt(respelled, words, page) if value is not None else None:
        details["note"] = "; ".join(filter(None, [details.get("note"), doubt]))
    if unmarked and value is not None and page.source == "ocr":
        details["note"] = "; ".join(filter(None, [details.get("note"), f"{UNMARKED_NOTE}: '{unmarked}'"]))
        factor *= UNMARKED_FACTOR
    if isinstance(value, str) and "\\" in value and page.source == "ocr":
        details["note"] = "; ".join(filter(None, [details.get("note"), BACKSLASH_NOTE]))
    read = value_words(words, value, printed)
    others = [w for w in read if w.text.strip(",.;:") != marks_respelled]
    sure_of = others if marks_respelled and others else read
    confidence = word_confidence(sure_of, page, letters_checked, surname_by_letters) * factor \
        if value is not None or details.get("no_expiry") else 0.0
    return Field(
        value=value,
        confidence=round(max(0.0, min(1.0, confidence)), 3),
        page=page.number,
        bbox=union_bbox(w.bbox for w in words),
        source="text_layer" if page.source == "text_layer" else "ocr",
        **details,
    )


def to_field(reading: Reading, words: list[Word], hit: LabelHit, page: Page) -> Field:
    """A Field whose confidence combines the OCR's, the label match and the value's validity."""
    return field_from_words(
        reading.value, words, page, min(1.0, hit.score) * reading.factor,
        province=reading.extra.get("province"),
        ward=reading.extra.get("ward"),
        no_expiry=reading.extra.get("no_expiry"),
        note="; ".join(reading.problems) or None,
        respelled=reading.extra.get(RESPELLED),  # type: ignore[arg-type]
        unmarked=reading.extra.get(UNMARKED),  # type: ignore[arg-type]
        marks_respelled=reading.extra.get(MARKS_RESPELLED),  # type: ignore[arg-type]
        letters_checked=reading.extra.get(LETTERS_CHECKED) or False,  # type: ignore[arg-type]
        surname_by_letters=reading.extra.get(SURNAME_BY_LETTERS),  # type: ignore[arg-type]
        printed=reading.extra.get(PRINTED),  # type: ignore[arg-type]
    )


def page_reading(page: Page, name: str, images: Mapping[int, np.ndarray], read: Callable[[np.ndarray], str]) -> str | None:
    """A machine zone read from the page image once, then kept in ``page.readings`` (stored with the words).

    Re-extraction of a stored original finds it there: the same text as the first time, where
    reading the JPEG page artefact again could differ by a character. None: no reading and no image.
    """
    if name not in page.readings:
        image = images.get(page.number)
        if image is None:
            return None
        page.readings[name] = read(image)
    return page.readings[name]
