"""Projects keep their sample design (columns of the sample) and weighting options.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = ("design", "weighting_options")


def upgrade() -> None:
    # Plain ADD COLUMN (a batch copy of "projects" would cascade to its cases on SQLite).
    for name in COLUMNS:
        op.add_column(
            "projects", sa.Column(name, sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default without a copy
        for name in COLUMNS:
            op.alter_column("projects", name, server_default=None)


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_column("projects", name)
