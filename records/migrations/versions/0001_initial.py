"""Initial records schema: citizens, dossiers, originals, documents, provenance, append-only events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

_PG_APPEND_ONLY = """
CREATE FUNCTION hoso_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION hoso_events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION hoso_events_append_only();
"""

_SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END""",
]


def upgrade() -> None:
    op.create_table(
        "citizens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("id_number", sa.String(12), nullable=False),
        sa.Column("full_name", sa.Text()),
        sa.Column("date_of_birth", sa.String(10)),
        sa.Column("sex", sa.String(3)),
        sa.Column("residence", sa.Text()),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("id_number", name="uq_citizens_id_number"),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("procedure_code", sa.String(64), nullable=False),
        sa.Column("branch", sa.Text()),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("components", JSON, nullable=False),
    )
    op.create_table(
        "originals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(128)),
        sa.Column("source_name", sa.Text()),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("quarantine_reason", sa.Text()),
        sa.Column("processed_at", TIMESTAMP),
        sa.UniqueConstraint("sha256", name="uq_originals_sha256"),
        sa.CheckConstraint("status IN ('received', 'processed', 'quarantined')", name="ck_originals_status"),
    )
    op.create_index("ix_originals_status", "originals", ["status"])
    op.create_table(
        "dossier_originals",
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("dossiers.id"), primary_key=True),
        sa.Column("original_id", sa.Integer(), sa.ForeignKey("originals.id"), primary_key=True),
        sa.Column("attached_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("document_type", sa.String(32), nullable=False),
        sa.Column("variant", sa.String(32)),
        sa.Column("number", sa.Text()),
        sa.Column("citizen_id", sa.Integer(), sa.ForeignKey("citizens.id")),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_until", sa.Date()),
        sa.Column("no_expiry", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("review_reasons", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), sa.ForeignKey("documents.id")),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("identity", "version", name="uq_documents_identity_version"),
        sa.CheckConstraint(
            "status IN ('extracted', 'needs_review', 'verified', 'superseded')", name="ck_documents_status"
        ),
    )
    op.create_index("ix_documents_type_number", "documents", ["document_type", "number"])
    op.create_index("ix_documents_status", "documents", ["status"])
    op.create_table(
        "document_persons",
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("role", sa.String(32), primary_key=True),
        sa.Column("id_number", sa.String(12), nullable=False),
    )
    op.create_index("ix_document_persons_id_number", "document_persons", ["id_number"])
    op.create_table(
        "provenance",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("field_name", sa.String(64), nullable=False),
        sa.Column("original_id", sa.Integer(), sa.ForeignKey("originals.id"), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("page", sa.Integer()),
        sa.Column("bbox", JSON),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("extras", JSON, nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("document_id", "field_name", "sha256", name="uq_provenance_field_file"),
    )
    op.create_index("ix_provenance_document_id", "provenance", ["document_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer()),
        sa.Column("details", JSON, nullable=False),
    )
    op.create_index("ix_events_entity", "events", ["entity", "entity_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    elif dialect == "sqlite":
        for statement in _SQLITE_APPEND_ONLY:
            op.execute(statement)
    else:
        raise NotImplementedError(f"append-only events trigger missing for {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP TRIGGER IF EXISTS events_no_update_delete ON events")
        op.execute("DROP FUNCTION IF EXISTS hoso_events_append_only()")
    for table in ["events", "provenance", "document_persons", "documents", "dossier_originals", "originals",
                  "dossiers", "citizens"]:
        op.drop_table(table)
