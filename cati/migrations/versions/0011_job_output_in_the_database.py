"""Job output kept in the database, so that every app server can hand it out.

Files of finished jobs are read into the new table where they still exist; a finished job
whose file is gone is marked failed, so that its user makes it again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 12:20:00
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

jobs = sa.table(
    "jobs",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("message", sa.Text),
    sa.column("file_path", sa.String),
)
outputs = sa.table("job_outputs", sa.column("job_id", sa.Integer), sa.column("content"))
LOST = "The file was not found when job files moved into the database; make it again."
DROPPED = "The file was kept in the database and removed by a schema downgrade."


def upgrade() -> None:
    conn = op.get_bind()
    done = conn.execute(sa.select(jobs.c.id, jobs.c.file_path).where(jobs.c.status == "done"))
    paths = {job_id: Path(file_path or "") for job_id, file_path in done.all()}
    # The column goes before the new table exists: SQLite rebuilds "jobs" to drop it, and
    # dropping the old "jobs" would cascade into rows already copied.
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("file_path")
    op.create_table(
        "job_outputs",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_outputs_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_outputs")),
    )
    lost = [job_id for job_id, path in paths.items() if not path.is_file()]
    for job_id, path in paths.items():
        if path.is_file():
            conn.execute(outputs.insert().values(job_id=job_id, content=path.read_bytes()))
    if lost:
        conn.execute(jobs.update().where(jobs.c.id.in_(lost)).values(status="failed", message=LOST))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("file_path", sa.String(length=500), nullable=True))
    op.execute(
        jobs.update().where(jobs.c.status == "done").values(status="failed", message=DROPPED)
    )
    op.drop_table("job_outputs")
