"""Interviews, page paradata and web links.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:58:32.771492
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("started_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", cati.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("mode IN ('phone', 'web')", name=op.f("ck_interviews_mode")),
        sa.CheckConstraint(
            "status IN ('active', 'completed', 'screened_out', 'breakoff', 'partial')",
            name=op.f("ck_interviews_status"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_interviews_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["interviewer_id"], ["users.id"], name=op.f("fk_interviews_interviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_versions.id"],
            name=op.f("fk_interviews_questionnaire_version_id_questionnaire_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index("ix_interviews_case_status", ["case_id", "status"], unique=False)

    op.create_table(
        "interview_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("page_key", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=True),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_pages_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_pages")),
    )
    with op.batch_alter_table("interview_pages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_pages_interview_id"), ["interview_id"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("web_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_cases_web_token"), ["web_token"])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cases_web_token"), type_="unique")
        batch_op.drop_column("web_token")

    with op.batch_alter_table("interview_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_pages_interview_id"))

    op.drop_table("interview_pages")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_interviews_case_status")

    op.drop_table("interviews")
