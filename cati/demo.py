"""The demo set-up: one user per role and a study in the field, created once and reused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import accounts, organisations
from cati.fieldwork.rules import WEEKDAYS
from cati.models import Project

DEMO_PASSWORD = "cati-demo-2026"
DEMO_USERS = [
    ("admin", "admin", DEMO_PASSWORD),
    ("researcher", "researcher", DEMO_PASSWORD),
    ("supervisor", "supervisor", DEMO_PASSWORD),
    ("interviewer", "interviewer", DEMO_PASSWORD),
    ("client", "client", DEMO_PASSWORD),
]
_NAMES = {
    "admin": ("Alex Admin", "en"),
    "researcher": ("Rosa Investigadora", "es"),
    "supervisor": ("Sam Supervisor", "en"),
    "interviewer": ("Inés Entrevistadora", "es"),
    "client": ("Carla Cliente", None),
}
DEMO_CLIENT = "Aurora Hogar (fictional)"


def ensure_demo_users(session: Session, hash_method: str) -> list[str]:
    """Create the demo users that are missing; return the names created."""
    created = []
    for username, role, password in DEMO_USERS:
        if accounts.find_user(session, username) is None:
            full_name, locale = _NAMES[username]
            company = (
                organisations.ensure_client_organisation(session, DEMO_CLIENT, actor="demo")
                if role == "client"
                else None
            )
            accounts.create_user(
                session,
                username,
                role,
                password,
                full_name=full_name,
                locale=locale,
                time_zone="Europe/Madrid",
                organisation=company,
                hash_method=hash_method,
                actor="demo",
            )
            created.append(username)
    return created


DEMO_PROJECT = "DEMO-CSAT"
LIBRARY = Path(__file__).parents[1] / "questionnaires" / "library"
# The demo calls around the clock, every day, so that a newcomer who starts it at any hour
# (in any time zone) has cases to work; real projects keep hours respondents accept.
DEMO_WINDOWS = {day: [{"start": "00:00", "end": "23:59:59"}] for day in WEEKDAYS}
DEMO_RULES = {
    "windows": DEMO_WINDOWS,
    "max_attempts_case": 8,
    "auto_release_share": 0.7,
}


def demo_sample(households: int = 3000, n: int = 240, seed: int = 2026) -> pd.DataFrame:
    """A spread sample (LPM2 by region, 4 replicates) of synthetic Spanish households.

    The phones are fictional NANP 555-01xx numbers: never a real person's.
    """
    from sampling.demo import demo_frame
    from sampling.designs import draw
    from sampling.frames import FrameSpec, validate_frame
    from sampling.replicates import assign_replicates

    rng = np.random.default_rng(seed)
    spec = FrameSpec(strata=("region",), latitude="lat", longitude="lon")
    frame = validate_frame(demo_frame(households, random=seed), spec, file="demo frame")
    drawn = draw(frame, n, "lpm2", random=rng, strata=["region"], latitude="lat", longitude="lon")
    points = drawn.sample[["lon", "lat"]].to_numpy(float)
    return assign_replicates(drawn.sample, 4, strata=["region"], points=points, random=rng)


def ensure_demo_project(session: Session, now: datetime) -> Project | None:
    """The demo study: questionnaire, sample, staff, quotas, two replicates released.

    Built once; returns None when it already exists. A demo built before its windows went
    round the clock gets them (its cases rescheduled), so that it too has cases due now.
    """
    from cati.fieldwork import cases, projects, quota_setup
    from cati.fieldwork.sample_import import parse_sample
    from cati.questionnaire_store import pin

    existing = session.scalar(select(Project).where(Project.code == DEMO_PROJECT))
    if existing is not None:
        wanted = projects.parse_rules({**existing.rules, "windows": DEMO_WINDOWS})
        if projects.rules_of(existing).windows != wanted.windows:
            projects.set_rules(session, existing, wanted.model_dump(mode="json"), now=now)
        return None
    project = projects.create_project(
        session,
        DEMO_PROJECT,
        "Aurora Hogar — satisfacción post-venta",
        client_name=DEMO_CLIENT,
        client_organisation=organisations.ensure_client_organisation(
            session, DEMO_CLIENT, actor="demo"
        ),
        rules=DEMO_RULES,
        actor="demo",
    )
    pin(session, project, LIBRARY / "customer_satisfaction.yaml", actor="demo")
    sample = demo_sample().rename(columns={"id": "case_id"}).astype(str)
    records = parse_sample(sample, "demo sample", project.time_zone)
    cases.import_cases(
        session, project, records, "demo sample", not_personal=["region"], actor="demo"
    )
    for region, target in (("Madrid", 15), ("Cataluña", 15), ("Andalucía", 18)):
        quota_setup.add_quota(session, project, region, {"region": [region]}, target, actor="demo")
    for username, _role, _password in DEMO_USERS:
        user = accounts.find_user(session, username)
        if user.role in ("researcher", "interviewer", "supervisor", "client"):
            projects.assign(session, project, user, actor="demo")
    for replicate in (1, 2):
        cases.release_replicate(session, project, replicate, now=now, actor="demo")
    return project
