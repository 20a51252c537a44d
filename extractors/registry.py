"""From a file's pages to dossier components with validated, confidence-scored fields.

classify pages → group them into components → extract each component's fields
with the generic engine → run the type's hook (QR, MRZ, tables) → cross-check →
route anything unsure to review.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from collections.abc import Mapping

import numpy as np

from extractors.classify import PageClass, classify_page, group_pages
from extractors.engine import extract_fields, view_page
from extractors.issuer import read_issuer
from extractors.spec import load_type_specs, spec_for
from extractors.validate import apply_review_policy, check_dates_agree, check_id_numbers
from schemas import Document, Page, words_to_text


@cache
def hook_module(name: str | None) -> ModuleType | None:
    return importlib.import_module(f"extractors.{name}") if name else None




def extract_documents(pages: list[Page], images: Mapping[int, np.ndarray]) -> list[Document]:
    """Split a file's pages into dossier components with their fields."""
    specs = load_type_specs()
    by_number = {page.number: page for page in pages}
    classes = [classify_page(page, specs) for page in pages]
    groups = group_pages(classes, lambda group, page: continues(group, page, by_number))
    return [extract_component([by_number[c.page] for c in group], group, images) for group in groups]


def continues(group: list[PageClass], page: PageClass, pages: dict[int, Page]) -> bool:
    """Whether a page carries on the component before it (a card's back, a form's second page)."""
    if group[-1].document_type != page.document_type or page.document_type == "unknown":
        return False
    spec = spec_for(page.document_type)
    hook = hook_module(spec.hook) if spec else None
    if hook is not None and hasattr(hook, "continues"):
        return hook.continues([pages[c.page] for c in group], pages[page.page])
    return not page.has_title


def extract_component(pages: list[Page], classes: list[PageClass], images: Mapping[int, np.ndarray]) -> Document:
    document_type = classes[0].document_type
    document = Document(
        document_type=document_type,  # type: ignore[arg-type]
        pages=[p.number for p in pages],
        classification_confidence=min(c.confidence for c in classes),
        text="\n\n".join(words_to_text(p.words) for p in pages),
    )
    spec = spec_for(document_type)
    if spec is None:
        document.flag("not recognised as a known document type")
        return document
    views = [view_page(spec, page) for page in pages]
    document.fields = extract_fields(spec, views)
    if spec.issuer is not None:
        read_issuer(document, spec.issuer, views)
    hook = hook_module(spec.hook)
    if hook is not None:
        hook.finish(document, spec, views, images)
    check_id_numbers(document, spec)
    check_dates_agree(document, spec)
    apply_review_policy(document, spec)
    return document


def warm_up() -> None:
    """Load the type specs and word lists now (e.g. in a thread while OCR runs), not on the first page."""
    from extractors import kinds

    load_type_specs()
    kinds.name_syllables()
    kinds.name_syllables("surnames")
    kinds.ethnic_groups()
    kinds.relations()
