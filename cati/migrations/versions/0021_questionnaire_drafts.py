"""Questionnaire drafts: the questionnaire a project's researchers write in the designer.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_drafts",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_questionnaire_drafts_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_questionnaire_drafts_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_questionnaire_drafts")),
    )


def downgrade() -> None:
    op.drop_table("questionnaire_drafts")
