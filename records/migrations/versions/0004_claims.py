"""Claims on originals: which worker reads a received original now, and how many starts never ended.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("originals", recreate="never") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(200)))
        batch.add_column(sa.Column("claimed_at", TIMESTAMP))
        batch.add_column(sa.Column("unfinished_starts", sa.Integer(), nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("originals", recreate="never") as batch:
        batch.drop_column("unfinished_starts")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
