"""Which extractor handles which pages (filled by the per-type extractors)."""

from __future__ import annotations

import numpy as np

from schemas import Document, Page, words_to_text


def extract_documents(pages: list[Page], images: dict[int, np.ndarray]) -> list[Document]:
    """Split a file's pages into dossier components with their fields."""
    text = "\n\n".join(words_to_text(page.words) for page in pages)
    document = Document(document_type="unknown", pages=[p.number for p in pages], text=text)
    document.flag("not recognised as a known document type")
    return [document]
