"""At most one unfinished interview per case (a partial unique index).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 11:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.create_index(
        "uq_interviews_one_active",
        "interviews",
        ["case_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_interviews_one_active", table_name="interviews")
