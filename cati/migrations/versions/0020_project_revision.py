"""Projects carry a revision, renewed whenever their settings, outcomes or quota cells change,
so that app servers may keep those in memory while it holds.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (a batch copy of "projects" would cascade to its cases on SQLite);
    # the first revision of an existing project only has to differ from any later one.
    op.add_column(
        "projects",
        sa.Column("revision", sa.String(16), nullable=False, server_default=sa.text("'0'")),
    )
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default without a copy
        op.alter_column("projects", "revision", server_default=None)


def downgrade() -> None:
    op.drop_column("projects", "revision")
