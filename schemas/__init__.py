"""Pydantic models of hoso's JSON contract."""

from schemas.models import (
    BBox,
    Document,
    DocumentType,
    ExtractionResult,
    Field,
    FieldSource,
    FieldValue,
    Page,
    ProcessingError,
    UNKNOWN_TYPE,
    Word,
    nfc,
    words_to_text,
)

__all__ = [
    "BBox", "Document", "DocumentType", "ExtractionResult", "Field",
    "FieldSource", "FieldValue", "Page", "ProcessingError", "UNKNOWN_TYPE", "Word", "nfc", "words_to_text",
]
