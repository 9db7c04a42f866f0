"""Samples drawn in the browser and waiting to be accepted.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 12:30:00
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("frame_name", sa.String(length=255), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("sample_csv", sa.LargeBinary(), nullable=False),
        sa.Column("map_svg", sa.LargeBinary(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_pending_draws_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_pending_draws_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_draws")),
    )
    op.create_index("ix_pending_draws_created_at", "pending_draws", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_draws_created_at", table_name="pending_draws")
    op.drop_table("pending_draws")
