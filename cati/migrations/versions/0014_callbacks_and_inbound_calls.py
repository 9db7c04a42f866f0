"""No call-back lost: when a supervisor last reopened a case (its attempts count from then),
the respondent's reason for a call-back outside the calling windows, the calls that came in
for a closed, unreleased or unknown case (for a supervisor to decide), and whether a project
takes unknown callers as new cases.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of "cases" or "projects" on SQLite would cascade.
    op.add_column("cases", sa.Column("reopened_at", cati.db.UTCDateTime(timezone=True)))
    op.add_column(
        "appointments",
        sa.Column("requested_reason", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column(
        "projects",
        sa.Column("inbound_new_cases", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "inbound_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_inbound_calls_status")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_inbound_calls_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_inbound_calls_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["users.id"], name=op.f("fk_inbound_calls_taken_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_inbound_calls_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_calls")),
    )
    op.create_index(
        op.f("ix_inbound_calls_project_id"), "inbound_calls", ["project_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_inbound_calls_project_id"), table_name="inbound_calls")
    op.drop_table("inbound_calls")
    # Not batch table copies: on SQLite they would cascade into every case's rows.
    op.execute("ALTER TABLE projects DROP COLUMN inbound_new_cases")
    op.execute("ALTER TABLE appointments DROP COLUMN requested_reason")
    op.execute("ALTER TABLE cases DROP COLUMN reopened_at")
