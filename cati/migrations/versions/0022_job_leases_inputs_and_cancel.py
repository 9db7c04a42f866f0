"""Jobs with a lease (worker, heartbeat, attempts), a result, an input file, and cancelling.

A running job whose worker dies is found by its stale heartbeat (cati.job_lease); sample
imports and draws run as jobs and keep their uploaded file in ``job_inputs``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 13:00:00
"""

import sqlalchemy as sa
from alembic import op

import cati.db

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

OLD = "status IN ('queued', 'running', 'done', 'failed')"
NEW = "status IN ('queued', 'running', 'done', 'failed', 'cancelled')"
KEEP = "job_outputs_kept_by_0020"


def _alter_jobs(change) -> None:
    """Run `change` on the jobs table. SQLite rebuilds the table to change a CHECK, and
    dropping the old one (foreign keys on) would cascade into job_outputs: those rows are
    set aside for the rebuild and put back."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(f"CREATE TABLE {KEEP} AS SELECT job_id, content FROM job_outputs")
    with op.batch_alter_table("jobs") as batch_op:
        change(batch_op)
    if sqlite:
        op.execute("DELETE FROM job_outputs")  # whatever the cascade left, once only
        op.execute(f"INSERT INTO job_outputs (job_id, content) SELECT job_id, content FROM {KEEP}")
        op.execute(f"DROP TABLE {KEEP}")


def upgrade() -> None:
    def change(batch_op) -> None:
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        # The default fills the rows there are; it stays (a second SQLite rebuild to drop it
        # would cost the job files' copy again).
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("worker", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("heartbeat_at", cati.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint(op.f("ck_jobs_status"), type_="check")
        batch_op.create_check_constraint("status", NEW)

    _alter_jobs(change)
    op.create_table(
        "job_inputs",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_inputs_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_inputs")),
    )


def downgrade() -> None:
    op.drop_table("job_inputs")
    op.execute("UPDATE jobs SET status = 'failed' WHERE status = 'cancelled'")

    def change(batch_op) -> None:
        batch_op.drop_constraint(op.f("ck_jobs_status"), type_="check")
        batch_op.create_check_constraint("status", OLD)
        for column in ("heartbeat_at", "worker", "attempts", "result"):
            batch_op.drop_column(column)

    _alter_jobs(change)
