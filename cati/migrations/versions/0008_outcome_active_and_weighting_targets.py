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
    with op.batch_alter_table("outcomes") as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("projects") as batch_op:
        batch_op.add_column(
            sa.Column("weighting_targets", sa.JSON(), nullable=False, server_default="{}")
        )
    # The defaults only fill existing rows; the models set the value of new ones.
    with op.batch_alter_table("outcomes") as batch_op:
        batch_op.alter_column("active", server_default=None)
    with op.batch_alter_table("projects") as batch_op:
        batch_op.alter_column("weighting_targets", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch_op:
        batch_op.drop_column("weighting_targets")
    with op.batch_alter_table("outcomes") as batch_op:
        batch_op.drop_column("active")
