"""Pydantic models of hoso's JSON contract."""

from schemas.models import (
    DOCUMENT_TYPES,
    BBox,
    Document,
    DocumentType,
    ExtractionResult,
    Field,
    FieldSource,
    FieldValue,
    Page,
    ProcessingError,
    Word,
    nfc,
    words_to_text,
)

__all__ = [
    "DOCUMENT_TYPES", "BBox", "Document", "DocumentType", "ExtractionResult", "Field",
    "FieldSource", "FieldValue", "Page", "ProcessingError", "Word", "nfc", "words_to_text",
]
