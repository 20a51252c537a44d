"""Classify pages by the phrases printed on them, and group pages into dossier components."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from pipeline.text import fold
from extractors.spec import TypeSpec
from schemas import Page

TITLE_WEIGHT = 3.0
MIN_SCORE = 2.0  # a title, or two keywords, before a page is called anything but unknown
FUZZY = 88  # partial-ratio needed for an OCR-damaged phrase to count


@dataclass(frozen=True)
class PageClass:
    page: int
    document_type: str
    score: float
    has_title: bool
    confidence: float


@lru_cache(maxsize=4096)
def _folded(phrase: str) -> str:
    return fold(phrase)


def phrase_present(phrase: str, folded_text: str) -> bool:
    target = _folded(phrase)
    if target in folded_text:
        return True
    return len(target) >= 8 and fuzz.partial_ratio(target, folded_text) >= FUZZY


def classify_page(page: Page, specs: tuple[TypeSpec, ...]) -> PageClass:
    """The best-supported type of a page, or ``unknown`` when nothing is convincing."""
    text = fold(page.text)
    scored: list[tuple[float, bool, str]] = []
    for spec in specs:
        if any(phrase_present(p, text) for p in spec.classify.exclude) and not _title(spec, text):
            continue
        has_title = _title(spec, text) or any(_pattern(p).search(page.text) for p in spec.classify.patterns)
        score = TITLE_WEIGHT * has_title + sum(phrase_present(k, text) for k in spec.classify.keywords)
        scored.append((score, has_title, spec.document_type))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < MIN_SCORE:
        return PageClass(page.number, "unknown", scored[0][0] if scored else 0.0, False, 0.0)
    best, runner_up = scored[0], (scored[1][0] if len(scored) > 1 else 0.0)
    confidence = min(1.0, 0.5 + 0.1 * (best[0] - runner_up) + 0.2 * best[1])
    return PageClass(page.number, best[2], best[0], best[1], round(confidence, 3))


@lru_cache(maxsize=64)
def _pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.MULTILINE)


def _title(spec: TypeSpec, folded_text: str) -> bool:
    return any(phrase_present(t, folded_text) for t in spec.classify.titles)


def group_pages(classes: list[PageClass], continues) -> list[list[PageClass]]:
    """Consecutive pages form one component when ``continues(previous_group, page)`` says so."""
    groups: list[list[PageClass]] = []
    for page_class in classes:
        if groups and continues(groups[-1], page_class):
            groups[-1].append(page_class)
        else:
            groups.append([page_class])
    return groups
