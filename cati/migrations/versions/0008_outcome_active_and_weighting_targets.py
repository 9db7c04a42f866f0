"""Outcomes can be deactivated; projects keep population targets for raking.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 12:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN with server defaults: on SQLite a batch copy of "projects" would drop
    # the table, and its ON DELETE CASCADE would take every case and outcome with it.
    op.add_column(
        "outcomes", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "projects",
        sa.Column("weighting_targets", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default without a copy
        # The defaults only fill existing rows; the models set the value of new ones.
        op.alter_column("outcomes", "active", server_default=None)
        op.alter_column("projects", "weighting_targets", server_default=None)


def downgrade() -> None:
    # DROP COLUMN, not a batch copy, for the same reason as above (SQLite >= 3.35).
    op.drop_column("projects", "weighting_targets")
    op.drop_column("outcomes", "active")
