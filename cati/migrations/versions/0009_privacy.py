"""Privacy: personal-field marks, pseudonym key and retention per project; erased cases;
the opt-out outcome (added to the catalogue of every existing project).

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-27 12:30:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

projects = sa.table(
    "projects",
    sa.column("id", sa.Integer),
    sa.column("personal_fields", sa.JSON),
    sa.column("pseudonym_key", sa.String),
)
outcomes = sa.table(
    "outcomes",
    sa.column("project_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("label_en", sa.String),
    sa.column("label_es", sa.String),
    sa.column("aapor", sa.String),
    sa.column("final", sa.Boolean),
    sa.column("delay_minutes", sa.Integer),
    sa.column("next_phone", sa.Boolean),
    sa.column("dead_phone", sa.Boolean),
    sa.column("contact", sa.Boolean),
    sa.column("eligible", sa.String),
    sa.column("precedence", sa.Integer),
    sa.column("system", sa.Boolean),
    sa.column("opt_out", sa.Boolean),
)
# A copy of cati.fieldwork.outcomes' OPT_OUT as it stood when this migration was written.
OPT_OUT = {
    "code": "OPT_OUT",
    "label_en": "Refusal: never call again (opt-out)",
    "label_es": "Rechazo: no volver a llamar nunca",
    "aapor": "2.11",
    "final": True,
    "delay_minutes": 0,
    "next_phone": False,
    "dead_phone": False,
    "contact": True,
    "eligible": "yes",
    "precedence": 3,
    "system": False,
    "opt_out": True,
}


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("personal_fields", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("pseudonym_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("outcomes") as batch:
        batch.add_column(sa.Column("opt_out", sa.Boolean(), nullable=True))
    op.add_column("cases", sa.Column("erased_at", cati.db.UTCDateTime(timezone=True)))

    bind = op.get_bind()
    ids = list(bind.scalars(sa.select(projects.c.id)))
    for project_id in ids:
        bind.execute(
            projects.update()
            .where(projects.c.id == project_id)
            .values(personal_fields={}, pseudonym_key=secrets.token_hex(32))
        )
    bind.execute(outcomes.update().values(opt_out=False))
    if ids:
        bind.execute(outcomes.insert(), [{"project_id": i, **OPT_OUT} for i in ids])
    with op.batch_alter_table("projects") as batch:
        batch.alter_column("personal_fields", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("pseudonym_key", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("outcomes") as batch:
        batch.alter_column("opt_out", existing_type=sa.Boolean(), nullable=False)


def downgrade() -> None:
    op.execute(outcomes.delete().where(outcomes.c.code == "OPT_OUT"))
    op.drop_column("cases", "erased_at")
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_column("opt_out")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("retention_days")
        batch.drop_column("pseudonym_key")
        batch.drop_column("personal_fields")
