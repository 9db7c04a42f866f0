"""Privacy: personal-field marks, pseudonym key and retention per project; erased cases;
the opt-out outcome (added to the catalogue of every existing project).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 12:30:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0009"
down_revision = "0008"
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
    sa.column("active", sa.Boolean),  # since 0008
)
# A copy of OPT_OUT (cati.fieldwork.default_outcomes, then outcomes) as it stood when this
# migration was written.
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
    "active": True,
}


def upgrade() -> None:
    # Plain ADD COLUMN with server defaults: on SQLite a batch copy of "projects" would drop
    # the table, and its ON DELETE CASCADE would take every case and outcome with it.
    op.add_column(
        "projects",
        sa.Column("personal_fields", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    op.add_column(
        "projects",
        sa.Column("pseudonym_key", sa.String(length=64), nullable=False, server_default=""),
    )
    op.add_column("projects", sa.Column("retention_days", sa.Integer(), nullable=True))
    op.add_column(
        "outcomes", sa.Column("opt_out", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("cases", sa.Column("erased_at", cati.db.UTCDateTime(timezone=True)))

    bind = op.get_bind()
    ids = list(bind.scalars(sa.select(projects.c.id)))
    for project_id in ids:
        bind.execute(
            projects.update()
            .where(projects.c.id == project_id)
            .values(pseudonym_key=secrets.token_hex(32))
        )
    if ids:
        bind.execute(outcomes.insert(), [{"project_id": i, **OPT_OUT} for i in ids])
    if bind.dialect.name != "sqlite":  # SQLite cannot drop a default without a table copy
        for table, column in (
            ("projects", "personal_fields"),
            ("projects", "pseudonym_key"),
            ("outcomes", "opt_out"),
        ):
            op.alter_column(table, column, server_default=None)


def downgrade() -> None:
    op.execute(outcomes.delete().where(outcomes.c.code == "OPT_OUT"))
    # DROP COLUMN, not a batch copy, for the same reason as above (SQLite >= 3.35).
    op.drop_column("cases", "erased_at")
    op.drop_column("outcomes", "opt_out")
    for column in ("retention_days", "pseudonym_key", "personal_fields"):
        op.drop_column("projects", column)
