"""The language each interview is held in, as a column for the exported data set.

The interview state (JSON text) already holds it; existing interviews get theirs from it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:00:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

interviews = sa.table(
    "interviews",
    sa.column("id", sa.Integer),
    sa.column("state", sa.Text),
    sa.column("language", sa.String),
)


def upgrade() -> None:
    op.add_column("interviews", sa.Column("language", sa.String(16), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(interviews.c.id, interviews.c.state)).all()
    for interview_id, state in rows:
        language = json.loads(state).get("language") if state else None
        conn.execute(
            interviews.update().where(interviews.c.id == interview_id).values(language=language)
        )


def downgrade() -> None:
    # Not a batch table copy: on SQLite dropping the old table would cascade into the pages.
    op.execute("ALTER TABLE interviews DROP COLUMN language")
