"""How long a 20,000-case sample import takes as a background job; one JSON line per file.

    .venv/bin/python -m benchmarks.sample_import_job [--database-url URL]

Submits the same 20,000 fictional cases (id, phone, region) as a CSV and as an .xlsx to a
fresh project, each as the `sample_import` job the research console queues for files above
CATI_SAMPLE_JOB_ROWS, and runs it with `jobs.run` (its heartbeat thread included): read,
check every row, write the cases. A throw-away SQLite database by default; with a
PostgreSQL URL, a database created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from pathlib import Path

import cati.job_kinds  # noqa: F401  (registers the runners)
from benchmarks.fictional import sample
from benchmarks.web_load import create_postgres_database, drop_postgres_database
from cati import jobs, migrate
from cati.db import make_engine
from cati.fieldwork import projects, sample_jobs
from cati.models import Job

CASES = 20_000


def _files() -> dict[str, bytes]:
    table = sample(CASES)
    workbook = io.BytesIO()
    table.to_excel(workbook, index=False)
    return {"csv": table.to_csv(index=False).encode(), "xlsx": workbook.getvalue()}


def main() -> None:
    from sqlalchemy.orm import Session, sessionmaker

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (postgresql+psycopg://…)")
    args = parser.parse_args()
    if args.database_url:
        url, name = create_postgres_database(args.database_url)
    else:
        url, name = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}", None
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        for kind, content in _files().items():
            with Session(engine) as session:
                project = projects.create_project(session, f"BENCH{kind.upper()}", "Benchmark")
                params = sample_jobs.import_params(f"s.{kind}", f"s.{kind}", "US", CASES)
                job_id = jobs.submit(
                    session, project, sample_jobs.IMPORT, params, by=None, content=content
                ).id
            start = time.perf_counter()
            status = jobs.run(factory, job_id)
            seconds = time.perf_counter() - start
            with Session(engine) as session:
                result = session.get(Job, job_id).result
            print(
                json.dumps(
                    {
                        "case": f"sample_import_{kind}_{CASES}",
                        "engine": engine.dialect.name,
                        "status": status,
                        "cases": result.get("cases"),
                        "file_kb": round(len(content) / 1e3),
                        "seconds": round(seconds, 1),
                    }
                ),
                flush=True,
            )
    finally:
        engine.dispose()
        if name:
            drop_postgres_database(args.database_url, name)


if __name__ == "__main__":
    main()
