"""What a document builder hands to the assembler: pages plus the truth fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .layout import Page


@dataclass
class Document:
    document_type: str                  # one of dossier.DOCUMENT_TYPES
    variant: str | None
    pages: list[Page]                   # for an id card: [front, back] card-size pages
    fields: dict[str, Any]              # every field printed on the document (spec normal forms)
    side_fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # id cards: "front"/"back" → fields on that side
    city: str = ""                      # for the place-date line of a covering page, if any
