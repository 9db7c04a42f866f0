"""Report branding per project: the agency's name, logo and colours (cati.branding).

Projects without a row keep the house look (exports.pdf.Branding's defaults).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 06:10:00
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_brands",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("primary_colour", sa.String(length=7), nullable=False),
        sa.Column("accent_colour", sa.String(length=7), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=16), nullable=False),
        sa.Column("updated_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_brands_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_brands")),
    )


def downgrade() -> None:
    op.drop_table("project_brands")
