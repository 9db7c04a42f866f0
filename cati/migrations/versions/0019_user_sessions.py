"""Log-in sessions kept in the database, so that ending one holds on every app server.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 07:10:00
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("ended_at", cati.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_why", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
    )
    op.create_index(
        "ix_user_sessions_user_ended", "user_sessions", ["user_id", "ended_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_user_sessions_user_ended", table_name="user_sessions")
    op.drop_table("user_sessions")
