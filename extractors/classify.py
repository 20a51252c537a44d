"""Classify pages by their own evidence, and group pages into dossier components.

A type is claimed only by what is its own: its title printed as a heading (a line in capitals, not a
mention in running text: "Giấy tờ tùy thân: Căn cước công dân số …" names a card, it is none), or a
machine zone of its own (an ID card's MRZ), or — for a card — a page of a card's shape that carries
the card's labels. Labels many forms share (names, birth dates, "Nơi cư trú") only rank candidates
and tell a titleless page that continues a component. An application or declaration ("TỜ KHAI …",
"ĐƠN …", "GIẤY ỦY QUYỀN") is recognised as such by its heading's first words (``families.yml``)
and stays ``unknown`` with that family, even when its heading names a known type ("TỜ KHAI ĐỀ NGHỊ
CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from extractors.spec import TypeSpec
from pipeline.text import fold
from schemas import UNKNOWN_TYPE, Page

FAMILIES_PATH = Path(__file__).parent / "families.yml"
TITLE_WEIGHT = 3.0
KEYWORDS_WITHOUT_TITLE = 4  # a page whose headings were all lost is named by this many of a type's labels
KEYWORDS_MARGIN = 2  # … well ahead of any other type's
UNTITLED_CONFIDENCE = 0.5  # … and stays for a person to confirm
KEYWORDS_TO_CONTINUE = 2  # a titleless page shares at least this much of a type's vocabulary to continue it
FUZZY = 88  # partial-ratio needed for an OCR-damaged phrase to count
WORD_FUZZY = 60  # … and each of a veto phrase's words read like itself (one letter of a short word changed)
OPENER_FUZZY = 80  # ratio needed for an OCR-damaged heading opener ("to kh.\\i" for "to khai")
HEADING_CAPITALS = 0.85  # share of a heading line's letters that are capitals (a sentence naming a person in capitals has less)
HEADING_LINES = 12  # a document's title stands among its first lines
# an ID-1 card is 85.6 × 54 mm; a page cut to that shape (a photo or scan of one card side)
CARD_ASPECT = (1.45, 1.75)


_LEADING_SPECKS = " .,:;-_'\"`|\\/*~"
# heading lines that are no title: the national motto, the issuing office and its units, the number
_NOT_TITLES = ("cong hoa", "doc lap", "uy ban", "ubnd", "cong an", "so:", "so ", "phuong", "xa ", "quan", "huyen",
               "tinh", "thanh pho", "thi tran", "thi xa", "dac khu", "bo ", "cuc ")


@dataclass(frozen=True)
class PageClass:
    page: int
    document_type: str  # claimed by its own evidence, else "unknown"
    score: float
    has_title: bool
    confidence: float
    keyword_type: str | None = None  # the type whose vocabulary the page shares most (continuation pages)
    keyword_score: int = 0
    title: str | None = None  # the page's heading as printed
    family: str | None = None  # what kind of unknown document: application, declaration, …
    candidates: tuple[tuple[str, float], ...] = ()  # (type, score), best first


@lru_cache(maxsize=4096)
def _folded(phrase: str) -> str:
    return fold(phrase)


def phrase_present(phrase: str, folded_text: str) -> bool:
    """The phrase is in the text, also as OCR damages it (never a text shorter than the phrase: the
    heading "GIẤY CHỨNG NHẬN" alone is no "GIẤY CHỨNG NHẬN KẾT HÔN")."""
    target = _folded(phrase)
    if target in folded_text:
        return True
    return len(target) >= 8 and len(folded_text) >= len(target) and fuzz.partial_ratio(target, folded_text) >= FUZZY


def words_present(phrase: str, folded_text: str) -> bool:
    """The phrase is in the text as whole words, also as OCR damages them: a veto must not fire on a
    phrase's tail inside other words ("chưa đăng ký kết hôn", a status, is no "Nơi đăng ký kết hôn")."""
    target = _folded(phrase)
    words = folded_text.split()
    size = len(target.split())
    if f" {target} " in f" {' '.join(words)} ":
        return True
    if len(target) < 8:
        return False
    return any(_reads_like(target, words[start:start + size]) for start in range(max(0, len(words) - size + 1)))


def _reads_like(target: str, window: list[str]) -> bool:
    """The words read like the phrase's, each like its own word ("có đăng ký kết hôn" is one
    word away from "nơi đăng ký kết hôn", but "có" is not "nơi" misread)."""
    return fuzz.ratio(target, " ".join(window)) >= FUZZY and all(
        fuzz.ratio(wanted, read) >= WORD_FUZZY for wanted, read in zip(target.split(), window, strict=True))


@cache
def families() -> dict[str, tuple[str, ...]]:
    """Heading openers of the documents hoso does not extract, by family (``families.yml``)."""
    data = yaml.safe_load(FAMILIES_PATH.read_text(encoding="utf-8"))
    return {family: tuple(_folded(opener) for opener in openers) for family, openers in data.items()}


def heading_lines(page: Page) -> list[tuple[str, str]]:
    """The page's first lines printed mostly in capitals, as (printed, folded)."""
    lines = page.text.split("\n")[:HEADING_LINES]
    return [(line, fold(line)) for line in lines if _capitals_share(line) >= HEADING_CAPITALS]


def family_of(headings: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(family, heading) when a heading opens with an application's, declaration's … first words."""
    for printed, folded in headings:
        words = folded.lstrip(_LEADING_SPECKS).split()  # ": ĐƠN ĐỀ NGHỊ …": a speck read before the heading
        capitals = fold(_capital_words(printed)).split()  # "ng TỜ KHAI …": a speck read as a lower-case word
        for family, openers in families().items():
            if any(_opens_with(words, opener) or _opens_with(capitals, opener) for opener in openers):
                return family, printed
    return None


def _opens_with(words: list[str], opener: str) -> bool:
    """The heading's first words are the opener's, also as OCR damages a longer one ("TỜ KH.\\I")."""
    size = len(opener.split())
    start = " ".join(words[:size])
    if start == opener:
        return True
    # specks read inside the words ("TỜ KH.\\VI") are no letters of them
    letters = " ".join(" ".join(w for w in ("".join(ch for ch in word if ch.isalnum()) for word in words) if w)
                       .split()[:size])
    return len(opener) >= 6 and max(fuzz.ratio(start, opener), fuzz.ratio(letters, opener)) >= OPENER_FUZZY


def classify_page(page: Page, specs: tuple[TypeSpec, ...]) -> PageClass:
    """The type a page proves it is, or ``unknown`` with its family and the best guesses."""
    text = fold(page.text)
    top = page.text.split("\n")[:HEADING_LINES]
    headings = heading_lines(page)
    family = family_of(headings)
    scored: list[tuple[float, bool, int, str, str | None]] = []
    for spec in specs:
        title = _title(spec, top)
        keywords = sum(phrase_present(k, text) for k in spec.classify.keywords)
        if any(words_present(p, text) for p in spec.classify.exclude) and title is None:
            keywords = 0  # another type's title is printed here: this type's labels prove nothing
        zone = any(_pattern(p).search(page.text) for p in spec.classify.patterns) or (
            spec.classify.card_shaped and _card_shaped(page) and keywords >= KEYWORDS_TO_CONTINUE)
        own = title is not None or zone
        scored.append((TITLE_WEIGHT * own + keywords, own, keywords, spec.document_type, title))
    scored.sort(key=lambda entry: (entry[0], entry[2]), reverse=True)
    candidates = tuple((entry[3], float(entry[0])) for entry in scored if entry[0] > 0)[:3]
    by_keywords = max(scored, key=lambda entry: entry[2], default=None)
    keyword_type = by_keywords[3] if by_keywords and by_keywords[2] else None
    keyword_score = by_keywords[2] if by_keywords else 0
    best = scored[0] if scored else None
    if family is None and (best is None or not best[1]):
        family = family_of(_heading_starts(top))  # "SỔ HỘ KHẨU tanLoibtte oi": a heading with specks read after it
    runner_up_keywords = max((entry[2] for entry in scored[1:]), default=0)
    if best is not None and not best[1] and family is None and best[2] >= KEYWORDS_WITHOUT_TITLE \
            and best[2] - runner_up_keywords >= KEYWORDS_MARGIN:
        # No title was read (OCR lost the page's top, or mangled a display face: "GLAY KHAISIXH"), and no
        # heading says it is a form of another kind: the type's own labels name it, unsure, and a person
        # confirms it (see extract_component).
        return PageClass(page.number, best[3], best[0], False, UNTITLED_CONFIDENCE, keyword_type, keyword_score,
                         None, None, candidates)
    if best is None or not best[1] or family is not None:
        return PageClass(page.number, UNKNOWN_TYPE, best[0] if best else 0.0, False, 0.0, keyword_type,
                         keyword_score, family[1] if family else _first_heading(headings),
                         family[0] if family else None, candidates)
    runner_up = next((entry[0] for entry in scored[1:] if entry[1]), 0.0)
    confidence = min(1.0, 0.6 + 0.05 * best[2] + 0.1 * (best[0] - runner_up) / TITLE_WEIGHT)
    return PageClass(page.number, best[3], best[0], best[4] is not None, round(confidence, 3), keyword_type,
                     keyword_score, best[4], None, candidates)


def _title(spec: TypeSpec, lines: list[str]) -> str | None:
    """The line that carries one of the type's titles printed in capitals, as printed (a title may
    wrap onto the next line: "GIẤY XÁC NHẬN" / "TÌNH TRẠNG HÔN NHÂN"; specks read beside it do not
    matter, the title's own words must be capitals)."""
    # a wrapped title's seam carries what OCR read from specks ("GIẤY XÁC NHẬN :" / "mã TÌNH TRẠNG …"):
    # joined, only the capitalised words of the two lines are kept
    # a line of specks only between the two ("` ^ -ˆ" under a phone photo's heading) is no line of the title
    worded = [line for line in lines if _has_a_word(line)]
    joined = [f"{a} {b}" for a, b in zip(worded, worded[1:])]
    joined += [f"{_capital_words(a)} {_capital_words(b)}" for a, b in zip(worded, worded[1:])]
    for printed in lines + joined:
        folded = fold(printed)
        for title in spec.classify.titles:
            if phrase_present(title, folded) \
                    and _capitals_share(_words_of(printed, title), alike=True) >= HEADING_CAPITALS:
                return printed
    return None


def _has_a_word(line: str) -> bool:
    return any(sum(ch.isalpha() for ch in word) >= 2 for word in line.split())


def _heading_starts(lines: list[str]) -> list[tuple[str, str]]:
    """The lines' openings of two words or more in capitals, as (printed, folded): a heading OCR ran on into a
    stamp's or a speck's letters, which make the whole line no heading."""
    starts = []
    for line in lines:
        words = line.lstrip(_LEADING_SPECKS).split()
        size = next((i for i, word in enumerate(words) if _capitals_share(word, least=1) < HEADING_CAPITALS), len(words))
        if size >= 2:
            starts.append((" ".join(words[:size]), fold(" ".join(words[:size]))))
    return starts


def _capital_words(line: str) -> str:
    """The line's words printed in capitals (specks and lower-case words read beside a heading dropped)."""
    return " ".join(word for word in line.split() if _capitals_share(word, least=1) >= HEADING_CAPITALS)


def _words_of(printed: str, phrase: str) -> str:
    """The words of ``printed`` that belong to ``phrase`` (compared folded)."""
    wanted = set(_folded(phrase).split())
    return " ".join(word for word in printed.split() if fold(word).strip(".,:;") in wanted)


def _first_heading(headings: list[tuple[str, str]]) -> str | None:
    """An unknown page's likely title: its longest heading of several words that is not the national
    motto, the issuing office or a number."""
    titled = [printed for printed, folded in headings
              if len(folded.split()) >= 3 and not folded.lstrip(_LEADING_SPECKS).startswith(_NOT_TITLES)]
    return max(titled, key=len) if titled else None


def _card_shaped(page: Page) -> bool:
    """The page is a card side: cut to one, or an image of one (a scan or photo framed on the card)."""
    low, high = CARD_ASPECT
    aspect = max(page.width, page.height) / max(1, min(page.width, page.height))
    return low <= aspect <= high


# letters whose small form is the capital made smaller: OCR tells them apart by size alone, and reads a title's
# "CƯỚC" as "cước" (the printed title's other words in capitals say which it was)
_CASE_ALIKE = set("cosuvwxz")


def _capitals_share(line: str, least: int = 4, alike: bool = False) -> float:
    """The share of the line's letters that are capitals (0 with fewer than ``least`` letters); with ``alike``, a
    small letter shaped as its capital counts as one."""
    letters = [ch for ch in line if ch.isalpha()]
    capitals = sum(ch.isupper() or (alike and fold(ch) in _CASE_ALIKE) for ch in letters)
    return capitals / len(letters) if len(letters) >= max(1, least) else 0.0


@lru_cache(maxsize=64)
def _pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.MULTILINE)


def group_pages(classes: list[PageClass], continues: Callable[[list[PageClass], PageClass], bool]
                ) -> list[list[PageClass]]:
    """Consecutive pages form one component when ``continues(previous_group, page)`` says so."""
    groups: list[list[PageClass]] = []
    for page_class in classes:
        if groups and continues(groups[-1], page_class):
            groups[-1].append(page_class)
        else:
            groups.append([page_class])
    return groups
