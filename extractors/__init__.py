"""Document classification and per-type field extraction."""

from extractors.registry import extract_documents

__all__ = ["extract_documents"]
