"""Interviewer status spells.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:49:37.198410
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_spells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("started_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", cati.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('available', 'on_call', 'interviewing', 'wrap_up', 'break', 'offline')",
            name=op.f("ck_status_spells_status"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_status_spells_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_status_spells_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_status_spells_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_spells")),
    )
    with op.batch_alter_table("status_spells", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_spells_user_started", ["user_id", "started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("status_spells", schema=None) as batch_op:
        batch_op.drop_index("ix_status_spells_user_started")

    op.drop_table("status_spells")
