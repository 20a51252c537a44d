"""Reusable records: originals, versioned documents with provenance, the population-registry
stand-in and the procedure catalogue.

Import from the modules themselves (``records.db``, ``records.ingest``, ``records.review``, …): this
package re-exports nothing, so ``from records import fieldstate`` loads neither SQLAlchemy nor Alembic.
"""
