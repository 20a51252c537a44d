"""Reusable records: originals, versioned documents with provenance, the population-registry
stand-in and the procedure catalogue.

Attributes are loaded lazily so that ``import hoso.commands.records`` (done by the CLI at
start-up) does not import SQLAlchemy or Alembic.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Database": "records.db",
    "open_database": "records.db",
    "OriginalRef": "records.refs",
    "DocumentRef": "records.refs",
    "open_dossier": "records.ingest",
    "register_original": "records.ingest",
    "record_extraction": "records.ingest",
    "quarantine": "records.ingest",
    "pending_originals": "records.ingest",
    "held_documents": "records.ingest",
    "get_document": "records.ingest",
    "document_versions": "records.ingest",
    "provenance_of": "records.ingest",
    "verify_document": "records.review",
    "review_queue": "records.review",
    "record_review": "records.review",
    "reject_document": "records.review",
    "import_population": "records.population",
    "cross_check": "records.population",
    "ImportReport": "records.population",
    "requirements": "records.requirements",
    "RequirementsReport": "records.requirements",
    "list_procedures": "records.procedures",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from records.db import Database, open_database
    from records.ingest import (
        document_versions, get_document, held_documents, open_dossier, pending_originals, provenance_of,
        quarantine, record_extraction, register_original,
    )
    from records.review import record_review, reject_document, review_queue, verify_document
    from records.population import ImportReport, cross_check, import_population
    from records.procedures import list_procedures
    from records.requirements import RequirementsReport, requirements
    from records.refs import DocumentRef, OriginalRef


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
