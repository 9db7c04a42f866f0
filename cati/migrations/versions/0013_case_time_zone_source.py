"""Where each case's time zone came from (the file, coordinates, postcode, region, phone
number or the project's zone), kept at import and shown to supervisors.

Cases imported before keep no source (NULL): nobody knows any more which it was.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("time_zone_source", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Not a batch table copy: on SQLite dropping the old table would cascade into the
    # interviews, calls and pages of every case.
    op.execute("ALTER TABLE cases DROP COLUMN time_zone_source")
