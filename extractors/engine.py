"""The generic extractor: find each field's label on the page, read the value printed after it.

Works on visual lines (words grouped by position), so it does not matter whether
Tesseract put a label and its value in one block, nor whether they came from a
PDF text layer. Sections ("người mẹ", "chồng") restrict where a field's label may
be, sequentially or side by side in columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.kinds import READERS, Reading
import numpy as np
from rapidfuzz import fuzz

from extractors.readers.labels import LabelHit, find_all_labels
from extractors.readers.text import SYLLABLE, fold
from extractors.spec import FieldSpec, TypeSpec
from pipeline.geometry import union_bbox, visual_lines
from schemas import Field, Page, Word

MAIN = "main"
HEADER_MIN_LABELS = 3  # a line with this many bare labels is a table header, not label: value pairs
_NUMBERING = re.compile(r"^[\d§IVX]{1,3}[.)]?$")  # item numbers of form lines, as OCR reads them
CONTINUATION_GAP = 2.6  # word heights: how far below a value line its continuation may start


@dataclass(frozen=True)
class Region:
    """Part of a page that belongs to a section: lines first..last, columns x0..x1."""

    section: str
    first_line: int
    last_line: int
    x0: float = float("-inf")
    x1: float = float("inf")

    def holds(self, line: int, x: float) -> bool:
        return self.first_line <= line <= self.last_line and self.x0 <= x < self.x1


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


def view_page(spec: TypeSpec, page: Page) -> PageView:
    lines = visual_lines(page.words)
    labels = spec.all_labels()
    anchors = sorted({a for phrases in spec.sections.values() for a in phrases} - set(labels))
    found = [hit for hit in find_all_labels(lines, labels + anchors) if _plausible_label(hit, lines[hit.line_index])]
    hits = [_value_up_to_next_label(hit, found, lines[hit.line_index]) for hit in found]
    headers = _header_lines(hits)
    field_hits = [h for h in hits if h.label in labels and h.line_index not in headers]
    regions = _regions(spec, lines, hits, headers)
    return PageView(page=page, lines=lines, hits=field_hits, regions=regions, header_lines=headers)


def _plausible_label(hit: LabelHit, line: list[Word]) -> bool:
    """Whether a label found in mid-line is really a label, not words inside a value.

    Values contain label-like words ("Nơi cư trú: Số 12 ... Phường Văn Quán" has
    "Số" and, fuzzily, "Quê quán"). A form's labels open a line (after an item
    number), or end in ':' or '/' (bilingual), or — read exactly — stand after a
    wide gap ("Giới tính: Nam      Dân tộc: Kinh").
    """
    if hit.word_start <= _opening_word(line):
        return True
    last = line[hit.word_end - 1].text
    after = line[hit.word_end].text if hit.word_end < len(line) else ""
    if last.endswith(":") or ":" in last[-2:] or "/" in last or after[:1] in (":", "/"):
        return True
    if hit.token_count == 1 or not hit.exact:
        return False
    previous, first = line[hit.word_start - 1], line[hit.word_start]
    return first.bbox[0] - previous.bbox[2] > 1.5 * max(1, first.bbox[3] - first.bbox[1])


def _opening_word(line: list[Word]) -> int:
    """Index of a line's first real word: after item numbers ("6.") and specks OCR read as words."""
    return next((i for i, w in enumerate(line) if not (_NUMBERING.match(w.text) or _is_speck(w))), 0)


def _is_speck(word: Word) -> bool:
    """Dirt read as a word: at most one letter or digit, or two unsure ones that make no syllable."""
    core = "".join(ch for ch in word.text if ch.isalnum())
    if len(core) <= 1:
        return not core.isdigit() or word.confidence < 0.5
    return len(core) == 2 and word.confidence < 0.5 and not core.isdigit() and not SYLLABLE.match(fold(core))


def _value_up_to_next_label(hit: LabelHit, hits: list[LabelHit], line: list[Word]) -> LabelHit:
    """Cut the value words where the next label on the same line begins."""
    later = [h.word_start for h in hits if h.line_index == hit.line_index and h.word_start >= hit.word_end]
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

    Two anchors on one line (the wife's and the husband's columns) split the
    page at the right anchor's left edge.
    """
    anchor_of = {phrase: name for name, phrases in spec.sections.items() for phrase in phrases}
    own_labels = {name: {label for f in spec.fields.values() if f.section == name for label in f.labels}
                  for name in spec.sections}
    starts: dict[int, list[tuple[str, float]]] = {}
    for hit in hits:
        section = anchor_of.get(hit.label)
        if section and hit.line_index not in headers:
            starts.setdefault(hit.line_index, []).append((section, hit.bbox[0]))
    regions: list[Region] = []
    for line, found in sorted(starts.items()):
        leftmost: dict[str, float] = {}
        for section, x in found:
            leftmost[section] = min(x, leftmost.get(section, float("inf")))
        columns = sorted(leftmost.items(), key=lambda item: item[1])
        for index, (section, x) in enumerate(columns):
            x0 = float("-inf") if index == 0 else x - 10
            x1 = float("inf") if index == len(columns) - 1 else columns[index + 1][1] - 10
            last = _section_end(line, section, x0, x1, hits, own_labels[section] | set(spec.sections[section]), len(lines))
            regions.append(Region(section, line, last, x0, x1))
    return regions


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
        hits = [h for h in view.hits
                if h.label in spec.labels and view.section_at(h.line_index, _centre_x(h.bbox)) == spec.section]
        for index, hit in enumerate(hits):
            if index + 1 < len(hits) and hits[index + 1].line_index == hit.line_index:
                continue  # "Quê quán" followed by its own translation "/ Place of origin": the value follows the last
            for words in value_candidates(view, hit, spec):
                field = to_field(READERS[spec.kind](" ".join(w.text for w in words)), words, hit, view.page)
                if field.value is not None or field.no_expiry:
                    return field
                fallback = fallback or field
    return fallback


def value_candidates(view: PageView, hit: LabelHit, spec: FieldSpec) -> list[list[Word]]:
    """Where a value may be: after the label on its line, then on the next line.

    Cards print some values under their label ("Có giá trị đến:" above the date),
    with another field's words to the right on the label's own line.
    """
    region = next((r for r in view.regions
                   if r.section == spec.section and r.holds(hit.line_index, _centre_x(hit.bbox))), None)
    x0, x1 = (region.x0, region.x1) if region else (float("-inf"), float("inf"))
    same_line = _trim_specks(drop_label_translation([w for w in hit.value_words if _inside(w, x0, x1)], spec.labels))
    next_line = _trim_specks(_free_line(view, hit.line_index + 1, x0, x1))
    candidates = []
    for line, words in ((hit.line_index, same_line), (hit.line_index + 1, next_line)):
        if words:
            candidates.append(_continued(view, line, words, x0, x1) if spec.multiline else words)
    return candidates


def _continued(view: PageView, line: int, words: list[Word], x0: float, x1: float) -> list[Word]:
    """A multi-line value: the following lines while they carry no label and sit right below."""
    current = words
    while (following := _trim_specks(_free_line(view, line + 1, x0, x1))) and _close_below(current, following):
        words, current = words + following, following
        line += 1
    return words


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
    colon = max((i for i, w in enumerate(words[:4]) if w.text.endswith(":")), default=-1)
    return words[colon + 1:]


TRANSLATION_MATCH = 72


def _trim_specks(words: list[Word]) -> list[Word]:
    """A value without the specks of dirt OCR read as short, unsure words around it ("vn", "—”", "ˆ")."""
    start, end = 0, len(words)
    while start < end and _is_speck(words[start]):
        start += 1
    while end > start and _is_speck(words[end - 1]):
        end -= 1
    return words[start:end]


def _inside(word: Word, x0: float, x1: float) -> bool:
    centre = (word.bbox[0] + word.bbox[2]) / 2
    return x0 <= centre < x1


def _free_line(view: PageView, line: int, x0: float, x1: float) -> list[Word]:
    """A line's words within the columns, unless it starts with a label of the type.

    Only a label at the start (after an item number) counts: "CCCD số 0123…" is a
    value that merely contains the word "số".
    """
    if line >= len(view.lines) or line in view.header_lines:
        return []
    words = [w for w in view.lines[line] if _inside(w, x0, x1)]
    if not words:
        return []
    first = words[_opening_word(words)]  # "6.", "§." or specks before a label
    if any(h.line_index == line and h.bbox[0] <= first.bbox[2] and h.bbox[2] >= first.bbox[0] for h in view.hits):
        return []
    return words


def _close_below(above: list[Word], below: list[Word]) -> bool:
    """Whether ``below`` is the next printed line after ``above`` (a value's continuation), not a later block."""
    height = float(np.median([w.bbox[3] - w.bbox[1] for w in above]))
    step = float(np.median([w.bbox[1] for w in below])) - float(np.median([w.bbox[1] for w in above]))
    return 0 < step <= CONTINUATION_GAP * max(1.0, height)


def _centre_x(bbox: tuple[int, int, int, int]) -> float:
    return (bbox[0] + bbox[2]) / 2


def word_confidence(words: list[Word], page: Page) -> float:
    """How sure the reading of these words is: the weakest word's OCR confidence; a text layer is certain."""
    return min((w.confidence for w in words), default=0.0) if page.source == "ocr" else 1.0


def field_from_words(value, words: list[Word], page: Page, factor: float = 1.0, **details) -> Field:
    """A Field read from ``words`` of ``page``, its confidence scaled by ``factor``."""
    confidence = word_confidence(words, page) * factor if value is not None or details.get("no_expiry") else 0.0
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
    )
