"""Soft quota cells: a cell may take completes up to a share above its target before it
closes (``over_percent``; 0, every cell so far, is a hard cell).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "quotas", sa.Column("over_percent", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.execute("ALTER TABLE quotas DROP COLUMN over_percent")
