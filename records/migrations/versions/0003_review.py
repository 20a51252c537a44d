"""The review loop: per-field review state, the queue's waiting time, who reviewed a version, rejection;
sessions of the service's pages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

OLD_STATUSES = "status IN ('extracted', 'needs_review', 'verified', 'superseded')"
NEW_STATUSES = "status IN ('extracted', 'needs_review', 'verified', 'superseded', 'rejected')"


def upgrade() -> None:
    with op.batch_alter_table("documents", recreate="never") as batch:
        batch.add_column(sa.Column("review_state", JSON, nullable=False, server_default=sa.text("'{}'")))
        batch.add_column(sa.Column("waiting_since", TIMESTAMP))
        batch.add_column(sa.Column("reviewed_by", sa.String(128)))
        batch.add_column(sa.Column("reviewed_at", TIMESTAMP))
        batch.add_column(sa.Column("rejection_reason", sa.Text()))
    # the documents already waiting wait since they were recorded
    op.execute("UPDATE documents SET waiting_since = created_at WHERE status = 'needs_review'")
    op.create_index("ix_documents_review_queue", "documents", ["status", "waiting_since", "id"])
    _replace_status_check(OLD_STATUSES, NEW_STATUSES)

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("ended_at", TIMESTAMP),
        sa.UniqueConstraint("token_sha256", name="uq_web_sessions_token"),
    )
    op.create_index("ix_web_sessions_key_id", "web_sessions", ["key_id"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_key_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.execute("UPDATE documents SET status = 'needs_review' WHERE status = 'rejected'")
    _replace_status_check(NEW_STATUSES, OLD_STATUSES)
    op.drop_index("ix_documents_review_queue", table_name="documents")
    with op.batch_alter_table("documents", recreate="never") as batch:
        for column in ("rejection_reason", "reviewed_at", "reviewed_by", "waiting_since", "review_state"):
            batch.drop_column(column)


def _replace_status_check(old: str, new: str) -> None:
    """Widen (or narrow) the allowed statuses. PostgreSQL: drop and add the constraint. SQLite cannot alter a
    constraint, and recreating ``documents`` (batch mode) would trip the foreign keys of its provenance; a CHECK
    that existing rows satisfy does not change what is on disk, so its text is replaced in the schema, the
    procedure SQLite documents for such changes (https://sqlite.org/lang_altertable.html, section 7)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.drop_constraint("ck_documents_status", "documents", type_="check")
        op.create_check_constraint("ck_documents_status", "documents", new)
    elif dialect == "sqlite":
        bind = op.get_bind()
        version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
        bind.exec_driver_sql("PRAGMA writable_schema=ON")
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = "
                             "'documents'", (old, new))
        bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")
    else:
        raise NotImplementedError(f"the documents status check cannot be changed on {dialect}")
