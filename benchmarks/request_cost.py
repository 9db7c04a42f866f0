"""What one interviewer's requests cost the app: SQL statements and CPU per request.

    .venv/bin/python -m benchmarks.request_cost --database sqlite
    .venv/bin/python -m benchmarks.request_cost --database postgresql [--interviews 40 --calls 200]

Prepares a throw-away database as ``interview_load.py`` does (the LOAD project with
``customer_satisfaction.yaml`` pinned, calling windows open all day), logs one interviewer
in through Flask's test client (no network, no server) and sends the requests a browser
sends: ``--interviews`` times Next case, the case screen, Start interview and every page
(each page shown, then sent); then ``--calls`` times Next case and a No answer on the case
screen. Each request is measured alone: the statements the app sent through its engine
(SQLAlchemy's ``before_cursor_execute``), the CPU time of this process
(``time.process_time``: the app, Werkzeug's test client and the driver, not the database
server) and the wall time. The first ``--warmup`` interviews and calls (templates compiled,
engines built, connections opened) are left out. Prints one JSON line per request kind, one
for Next case and the outcome together, and one for the machine; ``--show KIND`` also
prints the statements of that kind's last request.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from werkzeug.datastructures import MultiDict

from benchmarks.statements import counted
from benchmarks.web_load import (
    DEFAULT_SERVER,
    PASSWORD,
    PROJECT,
    answer_page,
    create_postgres_database,
    csrf,
    drop_postgres_database,
    prepare,
)

LOCATION = re.compile(r"^(?:https?://[^/]+)?(/.*)$")


class Meter:
    """Sends requests through the test client and keeps each one's cost by kind."""

    def __init__(self, client, engine) -> None:
        self.client = client
        self.engine = engine
        self.costs: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        self.last: dict[str, str] = {}
        self.measuring = False

    def send(self, kind: str, method: str, path: str, form: list | None = None):
        with counted(self.engine) as sent:
            cpu, wall = time.process_time(), time.perf_counter()
            response = self.client.open(path, method=method, data=MultiDict(form or []))
            body = response.get_data(as_text=True)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if self.measuring:
            self.costs[kind].append((len(sent), cpu * 1000, wall * 1000))
            self.last[kind] = str(sent)
        location = response.headers.get("Location")
        return response.status_code, location and LOCATION.match(location).group(1), body


def interview(meter: Meter, home: str, rng: random.Random) -> str:
    """Next case, case screen, Start, then every page; returns the closing page."""
    status, case_url, _ = meter.send(
        "next_case", "POST", f"/interviewer/{PROJECT}/next", [("csrf_token", csrf(home))]
    )
    assert status == 302 and case_url.startswith("/interviewer/case/"), (status, case_url)
    _, _, case_page = meter.send("case_view", "GET", case_url)
    status, url, _ = meter.send(
        "start", "POST", f"{case_url}/interview", [("csrf_token", csrf(case_page))]
    )
    assert status == 302 and "/interview/" in url, (status, url)
    _, _, html = meter.send("page_view", "GET", url)
    while 'id="page-form"' in html:
        seq, answers, _ = answer_page(html, rng)
        form = [("csrf_token", csrf(html)), ("seq", str(seq)), ("action", "next"), *answers]
        status, _, _ = meter.send("page_submit", "POST", url, form)
        assert status == 302, status
        _, _, html = meter.send("page_view", "GET", url)
    return html


def call(meter: Meter, home: str) -> str:
    """Next case, the case screen, No answer; returns the workstation."""
    status, case_url, _ = meter.send(
        "next_case", "POST", f"/interviewer/{PROJECT}/next", [("csrf_token", csrf(home))]
    )
    assert status == 302 and case_url.startswith("/interviewer/case/"), (status, case_url)
    _, _, case_page = meter.send("case_view", "GET", case_url)
    form = [("csrf_token", csrf(case_page)), ("outcome", "NO_ANSWER"), ("notes", "")]
    status, home_url, _ = meter.send("outcome", "POST", case_url, form)
    assert status == 302, status
    return meter.send("home", "GET", home_url)[2]


def summary(costs: list[tuple[int, float, float]]) -> dict:
    statements = [n for n, _, _ in costs]
    cpu = [c for _, c, _ in costs]
    wall = [w for _, _, w in costs]
    q = statistics.quantiles(cpu, n=20, method="inclusive") if len(cpu) > 1 else cpu * 19
    qw = statistics.quantiles(wall, n=20, method="inclusive") if len(wall) > 1 else wall * 19
    return {
        "n": len(costs),
        "statements_median": statistics.median(statements),
        "statements_max": max(statements),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(q[18], 2),
        "wall_median_ms": round(statistics.median(wall), 2),
        "wall_p95_ms": round(qw[18], 2),
    }


def run(url: str, args: argparse.Namespace) -> dict[str, list]:
    from cati.app import create_app
    from cati.config import Settings

    cases = (args.interviews + args.calls + 2 * args.warmup) + 10
    with tempfile.TemporaryDirectory(prefix="cati-cost-") as instance:
        prepare(url, 1, cases)
        settings = replace(Settings.from_env(), instance_path=instance, log_level="WARNING")
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URL": url, "CATI_SETTINGS": settings}
        )
        engine = app.extensions["cati.engine"]
        client = app.test_client()
        meter = Meter(client, engine)
        login_page = client.get("/login").get_data(as_text=True)
        login = [("username", "iv000"), ("password", PASSWORD), ("csrf_token", csrf(login_page))]
        _, home_url, _ = meter.send("login", "POST", "/login", login)
        home = meter.send("home", "GET", home_url)[2]
        rng = random.Random(args.seed)
        for i in range(args.warmup + args.interviews):
            meter.measuring = i >= args.warmup
            interview(meter, home, rng)
            home = meter.send("home", "GET", "/interviewer/")[2]
        for i in range(args.warmup + args.calls):
            meter.measuring = i >= args.warmup
            home = call(meter, home)
        engine.dispose()
    if args.show:
        print(meter.last.get(args.show, f"no request of kind {args.show}"))
    return meter.costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server to use")
    parser.add_argument("--interviews", type=int, default=40)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show", help="print the statements of this kind's last request")
    args = parser.parse_args()
    if not 1 <= args.interviews <= 5000 or not 1 <= args.calls <= 20000:
        parser.error("keep it bounded: 1-5000 interviews, 1-20000 calls")

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cati-cost-db-") as tmp:
        dbname = None
        if args.database == "postgresql":
            url, dbname = create_postgres_database(args.server)
        else:
            url = f"sqlite:///{Path(tmp) / 'cost.db'}"
        try:
            costs = run(url, args)
        finally:
            if dbname:
                drop_postgres_database(args.server, dbname)
    for kind in ("page_submit", "page_view", "next_case", "case_view", "start", "outcome"):
        print(
            json.dumps(
                {
                    "benchmark": f"request_cost.{kind}",
                    "database": args.database,
                    **summary(costs[kind]),
                }
            )
        )
    pairs = [
        (a[0] + b[0], a[1] + b[1], a[2] + b[2])
        for a, b in zip(costs["next_case"][-args.calls :], costs["outcome"], strict=True)
    ]
    print(
        json.dumps(
            {
                "benchmark": "request_cost.next_case+outcome",
                "database": args.database,
                **summary(pairs),
            }
        )
    )
    print(
        json.dumps(
            {
                "benchmark": "request_cost.machine",
                "cores": os.cpu_count(),
                "load_average_before": round(load_before, 2),
                "load_average_at_end": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
