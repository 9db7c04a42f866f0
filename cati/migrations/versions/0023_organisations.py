"""Organisations: the agency that runs the installation and the client companies; every user
belongs to one, and a project names the client organisation whose users may see it.

Existing data: every user but the clients goes into the agency ("Agency", renamed by the
administrator); the existing clients into one client organisation "Clients", and every
project that has a client member gets "Clients" as its client organisation, so that nobody
loses or gains access at the upgrade. The administrator then splits "Clients" into the real
companies (docs/users-and-roles.md, *Organisations*).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

organisations = sa.table(
    "organisations",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("created_at", cati.db.UTCDateTime),
)
users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("organisation_id", sa.Integer),
)
projects = sa.table(
    "projects", sa.column("id", sa.Integer), sa.column("client_organisation_id", sa.Integer)
)
members = sa.table("project_members", sa.column("project_id"), sa.column("user_id"))
ONE_AGENCY = sa.text("kind = 'agency'")


def _add_organisation_column(table: str, column: str) -> None:
    """A plain ADD COLUMN: on SQLite a batch copy of "users" or "projects" would drop the
    table, and the ON DELETE CASCADE of the tables pointing at it would empty them."""
    name = f"fk_{table}_{column}_organisations"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES organisations (id)"
        )
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, "organisations", [column], ["id"])


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", cati.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('agency', 'client')", name=op.f("ck_organisations_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
    )
    op.create_index(
        "uq_organisations_one_agency",
        "organisations",
        ["kind"],
        unique=True,
        sqlite_where=ONE_AGENCY,
        postgresql_where=ONE_AGENCY,
    )
    _add_organisation_column("users", "organisation_id")
    _add_organisation_column("projects", "client_organisation_id")

    conn = op.get_bind()
    now = cati.db.utcnow()
    conn.execute(organisations.insert().values(name="Agency", kind="agency", created_at=now))
    agency = conn.scalar(sa.select(organisations.c.id).where(organisations.c.kind == "agency"))
    conn.execute(users.update().where(users.c.role != "client").values(organisation_id=agency))
    if conn.scalar(sa.select(sa.func.count()).where(users.c.role == "client")):
        conn.execute(organisations.insert().values(name="Clients", kind="client", created_at=now))
        clients = conn.scalar(
            sa.select(organisations.c.id).where(organisations.c.name == "Clients")
        )
        conn.execute(users.update().where(users.c.role == "client").values(organisation_id=clients))
        with_clients = (
            sa.select(members.c.project_id)
            .join(users, users.c.id == members.c.user_id)
            .where(users.c.role == "client")
        )
        conn.execute(
            projects.update()
            .where(projects.c.id.in_(with_clients))
            .values(client_organisation_id=clients)
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in (("projects", "client_organisation_id"), ("users", "organisation_id")):
        if sqlite:  # DROP COLUMN (SQLite >= 3.35), not a batch copy, for the reason above
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_constraint(f"fk_{table}_{column}_organisations", table, type_="foreignkey")
            op.drop_column(table, column)
    op.drop_index("uq_organisations_one_agency", table_name="organisations")
    op.drop_table("organisations")
