"""Reusable records: originals, versioned documents with provenance, the population-registry
stand-in and the procedure catalogue.

Attributes are loaded lazily so that ``import pipeline.records.commands`` (done by the CLI at
start-up) does not import SQLAlchemy or Alembic.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Database": "pipeline.records.db",
    "open_database": "pipeline.records.db",
    "OriginalRef": "pipeline.records.refs",
    "DocumentRef": "pipeline.records.refs",
    "open_dossier": "pipeline.records.ingest",
    "register_original": "pipeline.records.ingest",
    "record_extraction": "pipeline.records.ingest",
    "quarantine": "pipeline.records.ingest",
    "pending_originals": "pipeline.records.ingest",
    "held_documents": "pipeline.records.ingest",
    "get_document": "pipeline.records.ingest",
    "document_versions": "pipeline.records.ingest",
    "provenance_of": "pipeline.records.ingest",
    "verify_document": "pipeline.records.ingest",
    "import_population": "pipeline.records.population",
    "cross_check": "pipeline.records.population",
    "ImportReport": "pipeline.records.population",
    "requirements": "pipeline.records.procedures",
    "RequirementsReport": "pipeline.records.procedures",
    "list_procedures": "pipeline.records.procedures",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from pipeline.records.db import Database, open_database
    from pipeline.records.ingest import (
        document_versions, get_document, held_documents, open_dossier, pending_originals, provenance_of,
        quarantine, record_extraction, register_original, verify_document,
    )
    from pipeline.records.population import ImportReport, cross_check, import_population
    from pipeline.records.procedures import RequirementsReport, list_procedures, requirements
    from pipeline.records.refs import DocumentRef, OriginalRef


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
