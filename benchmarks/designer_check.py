"""The designer's live check: how long after an edit a researcher sees its problems, on a
generated 300-question questionnaire. Prints one JSON line per result.

    .venv/bin/python benchmarks/designer_check.py [--questions 300] [--edits 30]

- **check**: ``questionnaire_drafts.check(document)`` after each edit (one question's text,
  condition or option changed, every tenth edit a mistake the check reports): the model's
  validation and every static check of ``cati questionnaire check``.
- **save_request**: the whole save the page makes after an edit, through the app (a test
  client on a SQLite file): the JSON body read, the revision compared and stored, the
  check, the answer with the problems written.
- **edit_to_problems**: what the researcher waits: the page's pause after the last key
  (``DELAY`` of static/designer_save.js) plus the median save request. The target is 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.questionnaire import generate
from cati import accounts, migrate, questionnaire_drafts
from cati.app import create_app
from cati.config import Settings
from cati.fieldwork import projects

SAVE_DELAY_MS = int(
    re.search(
        r"const DELAY = (\d+);",
        (Path(__file__).parents[1] / "cati/web/static/designer_save.js").read_text(),
    ).group(1)
)
PASSWORD = "a long designer password 1"


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def edit(document: dict, n: int) -> None:
    """The n-th edit: a text, a condition or an option label; every tenth one a mistake."""
    questions = [q for block in document["blocks"] for q in block["questions"]]
    question = questions[(n * 37) % len(questions)]
    if n % 10 == 9:
        question["show_if"] = "no_such_question = 1"
    elif n % 3 == 0:
        question["text"] = {"es": f"Pregunta cambiada {n}", "en": f"Changed question {n}"}
    elif n % 3 == 1:
        question.pop("show_if", None)
    elif "options" in question:
        question["options"][0]["label"] = {"es": f"Opción {n}", "en": f"Option {n}"}


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def time_checks(document: dict, edits: int) -> list[float]:
    times = []
    for n in range(edits):
        edit(document, n)
        started = time.perf_counter()
        questionnaire_drafts.check(document)
        times.append(time.perf_counter() - started)
    return times


def time_saves(document: dict, edits: int, folder: Path) -> list[float]:
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    settings = Settings(instance_path=str(folder), log_level="WARNING")
    app = create_app(
        {"SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URL": url, "CATI_SETTINGS": settings}
    )
    session = app.extensions["cati.sessionmaker"]()
    user = accounts.create_user(
        session, "bench", "researcher", PASSWORD, hash_method=settings.password_hash_method
    )
    project = projects.create_project(session, "BENCH", "Benchmark")
    projects.assign(session, project, user)
    session.close()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    page = client.get("/research/BENCH/designer").get_data(as_text=True)
    token = page.split('data-token="')[1].split('"')[0]
    revision = client.get("/research/BENCH/designer/draft").get_json()["revision"]
    times = []
    for n in range(edits):
        edit(document, n)
        body = json.dumps({"document": document, "revision": revision})
        started = time.perf_counter()
        response = client.post(
            "/research/BENCH/designer/draft",
            data=body,
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        )
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)
        revision = response.get_json()["revision"]
    app.extensions["cati.engine"].dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    document = yaml.safe_load(generate(args.questions))
    machine = (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    size = len(json.dumps(document).encode())
    checks = time_checks(document, args.edits)
    emit(
        benchmark="designer.check",
        questions=args.questions,
        document_bytes=size,
        edits=args.edits,
        **stats(checks),
        load_average=os.getloadavg()[0],
        machine=machine,
    )
    with tempfile.TemporaryDirectory() as folder:
        saves = time_saves(document, args.edits, Path(folder))
    emit(
        benchmark="designer.save_request",
        questions=args.questions,
        edits=args.edits,
        **stats(saves),
        load_average=os.getloadavg()[0],
        machine=machine,
    )
    emit(
        benchmark="designer.edit_to_problems",
        questions=args.questions,
        pause_ms=SAVE_DELAY_MS,
        median_ms=round(SAVE_DELAY_MS + statistics.median(saves) * 1000, 1),
        limit_ms=1000,
        load_average=os.getloadavg()[0],
        machine=machine,
    )


if __name__ == "__main__":
    main()
