"""Interviewers completing interviews concurrently against gunicorn: latency and integrity.

    .venv/bin/python benchmarks/interview_load.py --interviewers 100 --workers 4 --seconds 120

Prepares a throw-away database (PostgreSQL by default: a database of its own on the server
named by ``--server``, dropped at the end; ``--database sqlite`` uses a temporary file),
with N interviewers, one project pinning ``customer_satisfaction.yaml``, enough cases
(fictional NANP 555-01xx numbers) and calling windows open all day, so that the real clock
always dispatches. Starts ``cati serve --production --workers W`` on a free loopback port
and drives it over HTTP the way a browser does: each simulated interviewer logs in, takes
Next case, opens the case, starts the interview and answers every page (read from the
page's HTML: CSRF token, page number, question inputs), waiting ``--pause`` seconds on each
page before sending it, then takes the next case, until ``--seconds`` have passed. With
``--double-click F`` a share F of pages (and of Start interview presses) is sent twice at
once, as a double click.

At the end the server is stopped and the database is checked: every acknowledged page
(HTTP 302 to a POST) is stored exactly once with the answers sent, no page is stored that
was not acknowledged, and no case was interviewed twice.

Latencies leave out the first ``--warmup`` seconds (everyone logging in: scrypt on purpose);
the integrity check covers the whole run. Prints one JSON line per result. The load
generator runs on the same machine as the server (``--processes`` processes of threads) and
competes with it for the cores.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a file, the repository goes on the path for the shared helpers (benchmarks.web_load).
sys.path.insert(0, str(ROOT))

from benchmarks.web_load import (  # noqa: E402  (after the path is set)
    DEFAULT_SERVER,
    PASSWORD,
    PROJECT,
    Browser,
    HttpError,
    answer_page,
    check,
    cpu_seconds,
    create_postgres_database,
    csrf,
    database_cpu_seconds,
    drop_postgres_database,
    prepare,
    shape,
    start_server,
    stop_server,
    summary,
)

MAX_CASES = 40_000  # fictional numbers: benchmarks/fictional.py


# --- one simulated interviewer -----------------------------------------------------------


class Interviewer:
    def __init__(self, name: str, port: int, args: dict, deadline: float, out: dict) -> None:
        self.name = name
        self.browser = Browser(port)
        self.pause = args["pause"]
        self.double_click = args["double_click"]
        self.deadline = deadline
        self.rng = random.Random(f"{args['seed']}:{name}")
        self.out = out
        self.lock = out["lock"]

    def think(self) -> None:
        time.sleep(self.pause * self.rng.uniform(0.75, 1.25))

    def error(self, what: str) -> None:
        with self.lock:
            self.out["errors"][what] += 1

    def timed(self, kind: str, ms: float) -> None:
        with self.lock:
            self.out[kind].append((time.time() - ms / 1000, ms))

    def post(self, kind: str, path: str, form: list, expect=(302,)) -> tuple[int, str | None, str]:
        status, location, text, ms = self.browser.request("POST", path, form)
        self.timed(kind, ms)
        if status not in expect:
            raise HttpError(f"POST {shape(path)} {status}")
        return status, location, text

    def run(self) -> None:
        time.sleep(self.rng.uniform(0, self.pause * 2))  # not everyone logs in at once
        failures = 0
        try:
            token = csrf(self.browser.get("/login"))
            login = [("username", self.name), ("password", PASSWORD), ("csrf_token", token)]
            _, home, _ = self.post("login", "/login", login)
            html = self.browser.get(home)
        except (HttpError, OSError) as exc:
            self.error(f"login: {exc}")
            return
        while time.time() < self.deadline and failures < 5:
            try:
                html = self.interview(html)
                failures = 0
            except (HttpError, OSError, AttributeError) as exc:
                self.error(f"{type(exc).__name__}: {exc}")
                failures += 1
                time.sleep(self.pause)
                try:
                    html = self.browser.get("/interviewer/")
                except (HttpError, OSError) as again:
                    self.error(f"{type(again).__name__}: {again}")
            if html is None:
                return

    def interview(self, html: str) -> str | None:
        """Next case → case screen → start → every page; returns the closing page."""
        self.think()
        _, case_url, _ = self.post(
            "next_case", f"/interviewer/{PROJECT}/next", [("csrf_token", csrf(html))]
        )
        if not case_url.startswith("/interviewer/case/"):
            self.error("no case due")
            return None
        case_page = self.browser.get(case_url)
        start = [("csrf_token", csrf(case_page))]
        urls = [self.post("start", f"{case_url}/interview", start)[1]]
        if self.rng.random() < self.double_click:  # Start pressed twice: one interview
            twin: list = []
            thread = threading.Thread(
                target=lambda: twin.append(self.post("start", f"{case_url}/interview", start)[1])
            )
            thread.start()
            urls.append(self.post("start", f"{case_url}/interview", start)[1])
            thread.join()
            urls += twin
        url = urls[0]
        if "/interview/" not in url:
            raise HttpError(f"start went to {shape(url)}")
        interview_id = int(url.rsplit("/", 1)[1])
        with self.lock:
            case_id = int(case_url.split("/")[3])
            self.out["interviews"].append((self.name, case_id, interview_id))
            self.out["starts"] += [(case_id, u) for u in urls]
        html = self.view(url)
        while 'id="page-form"' in html:
            if time.time() >= self.deadline:
                return html
            self.think()
            seq, answers, expected = answer_page(html, self.rng)
            form = [("csrf_token", csrf(html)), ("seq", str(seq)), ("action", "next"), *answers]
            acks = self.send(url, form, twice=self.rng.random() < self.double_click)
            with self.lock:
                self.out["acks"].append((interview_id, seq, expected, acks.count(True)))
            html = self.view(url)
        return html

    def view(self, url: str) -> str:
        """The page the browser shows after the redirect, timed."""
        status, _, text, ms = self.browser.request("GET", url)
        self.timed("page_view", ms)
        if status != 200:
            raise HttpError(f"GET {shape(url)} {status}")
        return text

    def send(self, url: str, form: list, twice: bool) -> list[bool]:
        """Send a page; twice means two requests at once, as a double-clicked Next."""
        if not twice:
            return [self.submit(url, form)]
        acks: list[bool] = []
        twin = threading.Thread(target=lambda: acks.append(self.submit(url, form)))
        twin.start()
        acks.append(self.submit(url, form))
        twin.join()
        return acks

    def submit(self, url: str, form: list) -> bool:
        try:
            status, _, text = self.post("page_submit", url, form, expect=(200, 302, 422))
        except HttpError as exc:
            self.error(str(exc))
            return False
        if status == 200:  # the twin of a double click found the interview finished
            if 'data-testid="final-outcome"' not in text:
                self.error("POST answered 200 without the closing page")
            return False
        if status == 422:
            self.error("page refused (422)")
            return False
        return True


def drive(names: list[str], port: int, args: dict, deadline: float, queue) -> None:
    """One load-generating process: a thread per interviewer."""
    out = {
        "lock": threading.Lock(),
        "errors": Counter(),
        "acks": [],
        "interviews": [],
        "starts": [],
        **{k: [] for k in ("page_submit", "page_view", "login", "next_case", "start")},
    }
    threads = [
        threading.Thread(target=Interviewer(n, port, args, deadline, out).run, daemon=True)
        for n in names
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.time()) + 120)
    out.pop("lock")
    out["cpu"] = time.process_time()
    queue.put(out)


# --- the run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interviewers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--seconds", type=float, default=120, help="how long the load runs")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds on each page")
    parser.add_argument("--processes", type=int, default=4, help="load-generating processes")
    parser.add_argument("--double-click", type=float, default=0.0, help="share sent twice")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server to use")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--warmup", type=float, default=15, help="first seconds (log-ins) left out of latencies"
    )
    args = parser.parse_args()
    if not 1 <= args.interviewers <= 500 or not 1 <= args.seconds <= 3600:
        parser.error("keep it bounded: 1-500 interviewers, 1-3600 seconds")
    if not 0 <= args.warmup < args.seconds:
        parser.error("the warm-up must be shorter than the run")

    # Each interviewer finishes an interview in about five pages; a margin on top.
    cases = min(MAX_CASES, int(args.interviewers * (args.seconds / args.pause / 3 + 3)))
    dbname = None
    with tempfile.TemporaryDirectory(prefix="cati-load-") as tmp:
        if args.database == "postgresql":
            url, dbname = create_postgres_database(args.server)
        else:
            url = f"sqlite:///{Path(tmp) / 'load.db'}"
        server = None
        try:
            started = time.perf_counter()
            names = prepare(url, args.interviewers, cases)
            prepared_s = time.perf_counter() - started
            server, port = start_server(url, args.workers, Path(tmp), Path(tmp) / "server.log")
            context = multiprocessing.get_context("spawn")
            queue = context.Queue()
            share = {"pause": args.pause, "double_click": args.double_click, "seed": args.seed}
            processes = max(1, min(args.processes, args.interviewers))
            begin = time.time()
            deadline = begin + args.seconds
            children = [
                context.Process(
                    target=drive, args=(names[i::processes], port, share, deadline, queue)
                )
                for i in range(processes)
            ]
            load_before = os.getloadavg()[0]
            server_cpu_before = cpu_seconds(server.pid)
            for child in children:
                child.start()
            results = [queue.get(timeout=args.seconds + 300) for _ in children]
            elapsed = time.time() - begin
            server_cpu = cpu_seconds(server.pid) - server_cpu_before
            load_after = os.getloadavg()[0]
            # The pool's connections were opened during the run: their CPU is the run's.
            database_cpu = database_cpu_seconds(args.server, dbname) if dbname else None
            for child in children:
                child.join(30)
            stop_server(server)
            merged: dict = {"errors": Counter(), "acks": [], "interviews": [], "cpu": 0.0}
            merged["starts"] = []
            for result in results:
                for key, value in result.items():
                    if key == "errors":
                        merged["errors"].update(value)
                    elif key == "cpu":
                        merged["cpu"] += value
                    else:
                        merged.setdefault(key, []).extend(value)
            integrity = check(url, merged["acks"], merged["interviews"])
            integrity["start_pressed_twice"] = len(merged["starts"]) - len(merged["interviews"])
            integrity["start_gave_two_interviews"] = sum(
                1
                for case in {c for c, _ in merged["starts"]}
                if len({u for c, u in merged["starts"] if c == case}) > 1
            )
        finally:
            if server is not None:
                stop_server(server)
            if dbname:
                drop_postgres_database(args.server, dbname)

    since = begin + args.warmup
    submits = [ms for at, ms in merged["page_submit"] if at >= since]
    measured = elapsed - args.warmup
    print(
        json.dumps(
            {
                "benchmark": "interview_load.page_submit",
                "database": args.database,
                "workers": args.workers,
                "interviewers": args.interviewers,
                "seconds": round(elapsed, 1),
                "warmup_s": args.warmup,
                "pause_s": args.pause,
                **summary(merged["page_submit"], since),
                "pages_per_s": round(len(submits) / measured, 1),
                "errors": sum(merged["errors"].values()),
                "lost": integrity["lost"] + integrity["answers_mismatched"],
                "duplicated": integrity["duplicated"],
            },
            ensure_ascii=False,
        )
    )
    for kind in ("page_view", "next_case", "start", "login"):
        start = 0 if kind == "login" else since
        print(json.dumps({"benchmark": f"interview_load.{kind}", **summary(merged[kind], start)}))
    print(json.dumps({"benchmark": "interview_load.integrity", **integrity}))
    print(
        json.dumps(
            {
                "benchmark": "interview_load.machine",
                "cores": os.cpu_count(),
                "load_average_before": round(load_before, 2),
                "load_average_at_end": round(load_after, 2),
                "server_cpu_s": round(server_cpu, 1),
                "database_cpu_s": database_cpu and round(database_cpu, 1),
                "load_generator_cpu_s": round(merged["cpu"], 1),
                "cases": cases,
                "prepare_s": round(prepared_s, 1),
                "errors_by_kind": dict(merged["errors"].most_common(10)),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
