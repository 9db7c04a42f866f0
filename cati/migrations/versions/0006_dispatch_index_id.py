"""Dispatch index ends with the case id, the query's last sort key.

Without it PostgreSQL cannot read the candidates in order from the index when cases tie on
(rank, priority, next_call_at), which is every case of a replicate released at once: it
scanned and sorted the whole project on every claim.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 10:05:00
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD = ["project_id", "state", "rank", "priority", "next_call_at"]


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_dispatch")
        batch_op.create_index("ix_cases_dispatch", [*OLD, "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_dispatch")
        batch_op.create_index("ix_cases_dispatch", OLD, unique=False)
