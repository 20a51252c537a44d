"""From a file's pages to dossier components with validated, confidence-scored fields.

classify pages → group them into components → extract each component's fields
with the generic engine → run the type's hook (QR, MRZ, tables) → cross-check →
route anything unsure to review.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from types import ModuleType

from collections.abc import Mapping

import numpy as np

from extractors import kinds
from extractors.calibration import calibrate
from extractors.classify import (
    KEYWORDS_TO_CONTINUE,
    UNTITLED_CONFIDENCE,
    PageClass,
    classify_page,
    group_pages,
    phrase_present,
)
from extractors.engine import extract_fields, view_page
from extractors.figure_shapes import check_figure_shapes
from extractors.issuer import read_issuer
from extractors.second_reading import corroborate, read_letters_again
from extractors.spec import ReadingZone, load_type_specs, spec_for
from extractors.validate import (
    apply_review_policy, check_dates_agree, check_id_numbers, check_names_printed_twice, check_places_read_alike,
    sex_unread_from_id_numbers)
from pipeline.text import fold
from schemas import UNKNOWN_TYPE, BBox, Document, Page, words_to_text


@cache
def hook_module(name: str | None) -> ModuleType | None:
    return importlib.import_module(f"extractors.{name}") if name else None




def reading_zone(height: int, width: int, codes: list[tuple[BBox, str]]) -> ReadingZone | None:
    """The part of a card side (``height`` × ``width`` px, its decoded QR codes: box and payload) that OCR needs
    to read, when a type's hook (``reading_zone``) says its codes give the rest; None: read all of it."""
    for spec in load_type_specs():
        hook = hook_module(spec.hook)
        if hook is not None and hasattr(hook, "reading_zone") and (zone := hook.reading_zone(height, width, codes)):
            return zone  # type: ignore[no-any-return]
    return None


def partner_zone(image: np.ndarray, partners: list[tuple[int, int, list[tuple[BBox, str]]]]) -> ReadingZone | None:
    """The part of a card side with no code of its own that OCR needs, when the codes of the upload's other card
    sides (each its height, width and codes) give the rest: a type's hook (``partner_zone``) decides; None: all."""
    for spec in load_type_specs():
        hook = hook_module(spec.hook)
        if hook is not None and hasattr(hook, "partner_zone") and (zone := hook.partner_zone(image, partners)):
            return zone  # type: ignore[no-any-return]
    return None


def zone_suffices(zone: ReadingZone, page: Page) -> bool:
    """Whether a page read only in its zone is enough: its words alone are classified as the zone's type (a
    poor photo's labels may not name it without the title above the zone) and show what the codes do not
    give (one of the ``needed`` labels)."""
    folded, digits = fold(page.text), re.sub(r"\D", "", page.text)
    return any(phrase_present(label, folded) for label in zone.needed) and all(shown in digits for shown in zone.shows) \
        and classify_page(page, load_type_specs()).document_type == zone.document_type


def extract_documents(pages: list[Page], images: Mapping[int, np.ndarray]) -> list[Document]:
    """Split a file's pages into dossier components with their fields."""
    specs = load_type_specs()
    by_number = {page.number: page for page in pages}
    classes = [classify_page(page, specs) for page in pages]
    groups = group_pages(classes, lambda group, page: continues(group, page, by_number))
    groups = regroup(groups, by_number, images)
    return [extract_component([by_number[c.page] for c in group], group, images) for group in groups]


def regroup(groups: list[list[PageClass]], pages: dict[int, Page], images: Mapping[int, np.ndarray]
            ) -> list[list[PageClass]]:
    """A type's hook may join its pages into components across the file (``regroup``: card sides
    found apart on one sheet, two citizens' cards); components stay in the order of their first page."""
    for kind in dict.fromkeys(group[0].document_type for group in groups):
        spec = spec_for(kind)
        hook = hook_module(spec.hook) if spec else None
        if hook is None or not hasattr(hook, "regroup"):
            continue
        mine = [group for group in groups if group[0].document_type == kind]
        by_page = {c.page: c for group in mine for c in group}
        joined = hook.regroup([[pages[c.page] for c in group] for group in mine], images)
        groups = [group for group in groups if group[0].document_type != kind]
        groups += [[by_page[page.number] for page in group] for group in joined]
        groups.sort(key=lambda group: group[0].page)
    return groups


def continues(group: list[PageClass], page: PageClass, pages: dict[int, Page]) -> bool:
    """Whether a page carries on the component before it (a card's back, a form's second page).

    A page that proves a type continues a component of that type only where it has no title of its
    own; a page that proves nothing continues the component before it when it has no heading of its
    own and shares that type's vocabulary (an unknown page between two known documents stands alone).
    """
    kind = group[0].document_type
    if page.document_type == UNKNOWN_TYPE:
        if page.title or page.family:
            return False  # a heading of its own: another document
        if kind == UNKNOWN_TYPE:
            return True  # a titleless page after an unknown one: more of the same unknown document
        if page.keyword_type != kind or page.keyword_score < KEYWORDS_TO_CONTINUE:
            return False
    elif page.document_type != kind:
        return False
    spec = spec_for(kind)
    hook = hook_module(spec.hook) if spec else None
    if hook is not None and hasattr(hook, "continues"):
        return hook.continues([pages[c.page] for c in group], pages[page.page])
    return not page.has_title


def extract_component(pages: list[Page], classes: list[PageClass], images: Mapping[int, np.ndarray]) -> Document:
    first = classes[0]
    document = Document(
        document_type=first.document_type,
        pages=[p.number for p in pages],
        classification_confidence=first.confidence,
        title=first.title,
        family=first.family,
        candidates={} if first.document_type != UNKNOWN_TYPE else dict(first.candidates),
        text="\n\n".join(words_to_text(p.words) for p in pages),
    )
    spec = spec_for(first.document_type)
    if spec is not None and not first.title and first.confidence <= UNTITLED_CONFIDENCE:
        document.flag("type: no title was read; named by its labels")
    if spec is None:
        document.flag(f"type: not recognised ({first.family})" if first.family else "type: not recognised")
        return document
    for page in pages:
        if page.source == "ocr" and (image := images.get(page.number)) is not None:
            read_letters_again(page, image)  # before any value's confidence is taken from its words
    views = [view_page(spec, page) for page in pages]
    document.fields = extract_fields(spec, views)
    if spec.issuer is not None:
        read_issuer(document, spec.issuer, views)
    hook = hook_module(spec.hook)
    if hook is not None:
        hook.finish(document, spec, views, images)
    check_names_printed_twice(document, spec, {view.page.number: view.lines for view in views})
    corroborate(document, spec, pages, images)
    check_figure_shapes(document, pages, images)  # a 4 every reading gave as 1, a 5 as 3
    if hook is not None and hasattr(hook, "settle"):
        hook.settle(document)  # checks across fields, on the values second readings left
    check_id_numbers(document, spec)
    sex_unread_from_id_numbers(document, spec)
    check_dates_agree(document, spec)
    check_places_read_alike(document, spec)
    calibrate(document, spec)
    # a card side read alone (its other side another file) misses nothing its other side prints
    side = hook.shown_side(pages) if hook is not None and hasattr(hook, "shown_side") else None
    apply_review_policy(document, spec, side)
    return document


def extract_as(pages: list[Page], document_type: str, images: Mapping[int, np.ndarray]) -> Document:
    """A component extracted as the type a person named (no classification): a reviewer's answer to "what
    is this unknown document?"."""
    classes = [PageClass(page.number, document_type, 0.0, False, 1.0) for page in pages]
    return extract_component(pages, classes, images)


def warm_up() -> None:
    """Load the type specs and word lists now (e.g. in a thread while OCR runs), not on the first page."""
    load_type_specs()
    kinds.name_syllables()
    kinds.name_syllables("surnames")
    kinds.ethnic_groups()
    kinds.relations()
