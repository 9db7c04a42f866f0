"""Building the analysis dataset from many interviews.

    .venv/bin/python -m benchmarks.dataset [--interviews 100000] [--url URL]

Seeds a project with the shipped customer-satisfaction questionnaire and N completed
interviews (bulk inserts, answers varied at random), then times ``cati.dataset.build`` and
reports the process's peak memory. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from cati import dataset, migrate, questionnaire_store
from cati.db import make_engine
from cati.fieldwork import projects
from cati.models import Case, CaseState, Interview

LIBRARY = Path(__file__).parents[1] / "questionnaires" / "library"
BATCH = 5000


def answers(rng: random.Random) -> dict:
    grid = {row: rng.randint(1, 5) for row in ("delivery", "installation", "staff", "value")}
    if rng.random() < 0.05:
        grid["installation"] = {"special": "dk"}
    problem = rng.choice([1, 2])
    result = {
        "purchase_confirmed": 1,
        "nps": rng.randint(0, 10),
        "nps_reason": "Bien atendida",
        "sat": grid,
        "contact_channels": rng.sample([1, 2, 3, 4], rng.randint(1, 3)),
        "problem": problem,
    }
    if problem == 1:
        result.update(problem_detail="Tardó", problem_solved=rng.choice([1, 2, 3]), recontact=2)
    return result


def seed(session, project, n: int, version_id: int) -> None:
    rng = random.Random(1)
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    for first in range(0, n, BATCH):
        size = min(BATCH, n - first)
        session.execute(
            insert(Case),
            [
                {
                    "project_id": project.id,
                    "external_id": f"C{first + i:07d}",
                    "time_zone": "Europe/Madrid",
                    "sample_vars": {"region": rng.choice(["Norte", "Sur", "Este", "Oeste"])},
                    "replicate": 1,
                    "inclusion_prob": 0.01,
                    "design_weight": 100.0,
                    "state": CaseState.FINAL,
                }
                for i in range(size)
            ],
        )
        ids = (
            session.execute(
                Case.__table__.select()
                .with_only_columns(Case.id)
                .where(Case.project_id == project.id)
                .order_by(Case.id.desc())
                .limit(size)
            )
            .scalars()
            .all()
        )
        session.execute(
            insert(Interview),
            [
                {
                    "case_id": case_id,
                    "questionnaire_version_id": version_id,
                    "status": "completed",
                    "mode": "phone",
                    "language": rng.choice(("es", "en")),
                    "state": "{}",
                    "answers": answers(rng),
                    "seq": 8,
                    "started_at": start + timedelta(minutes=i),
                    "updated_at": start,
                    "ended_at": start + timedelta(minutes=i + 7),
                }
                for i, case_id in enumerate(ids)
            ],
        )
        session.commit()


@contextmanager
def pinned_project(url: str | None, title: str) -> Iterator[tuple]:
    """A fresh database (SQLite in a temporary folder unless ``url``) with one project
    pinning the customer-satisfaction questionnaire: (engine, session, project, version)."""
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        engine = make_engine(url)
        session = sessionmaker(engine)()
        project = projects.create_project(session, "BENCH", title)
        version = questionnaire_store.pin(session, project, LIBRARY / "customer_satisfaction.yaml")
        try:
            yield engine, session, project, version
        finally:
            session.close()
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interviews", type=int, default=100_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    with pinned_project(args.url, "Dataset benchmark") as (engine, session, project, version):
        started = time.perf_counter()
        seed(session, project, args.interviews, version.id)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        data = dataset.build(session, project)
        built = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps(
                {
                    "benchmark": "dataset_build",
                    "backend": engine.dialect.name,
                    "interviews": len(data.frame),
                    "columns": data.frame.shape[1],
                    "build_s": round(built, 2),
                    "seed_s": round(seeded, 1),
                    "peak_rss_mb": round(peak_mb),
                }
            )
        )


if __name__ == "__main__":
    main()
