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
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
# benchmarks/sampling.py would shadow the sampling package: keep this folder off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
QUESTIONNAIRE = ROOT / "questionnaires" / "library" / "customer_satisfaction.yaml"
PASSWORD = "a long benchmark password"
PROJECT = "LOAD"
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Fictional numbers only: NANP 555-0100..0199 in 40 area codes (as the fieldwork tests do).
AREA_CODES = (201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218)
AREA_CODES += (219, 220, 224, 225, 228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256)
AREA_CODES += (260, 262, 267, 269, 270, 272, 276, 281)
MAX_CASES = len(AREA_CODES) * 100
TEXTS = ["bien", "Muy amables, todo correcto", "<b>mal</b>", "Ñandú & co", "  con espacios  "]


# --- preparing the database --------------------------------------------------------------


def create_postgres_database(server_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"cati_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False), name


def drop_postgres_database(server_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str, interviewers: int, cases: int) -> list[str]:
    """Schema, interviewers, project, questionnaire, cases released; returns the user names."""
    from sqlalchemy.orm import Session

    from cati import accounts, migrate, questionnaire_store
    from cati.db import make_engine
    from cati.fieldwork import projects
    from cati.fieldwork.rules import WEEKDAYS
    from cati.fieldwork.sample_import import CaseRecord

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        rules = {
            # Open every day, all day: the server runs on the real clock.
            "windows": {day: [{"start": "00:00", "end": "23:59:59"}] for day in WEEKDAYS},
            "claim_minutes": 60,
        }
        project = projects.create_project(
            session, PROJECT, "Load test", rules=rules, actor="benchmark"
        )
        questionnaire_store.pin(session, project, QUESTIONNAIRE, actor="benchmark")
        names = []
        for i in range(interviewers):
            name = f"iv{i:03d}"
            user = accounts.create_user(
                session, name, "interviewer", PASSWORD, locale="en", actor="benchmark"
            )
            projects.assign(session, project, user, actor="benchmark")
            names.append(name)
        numbers = (f"+1{area}555{line:04d}" for area in AREA_CODES for line in range(100, 200))
        records = [
            CaseRecord(
                external_id=f"L{i:05d}",
                phones=[(next(numbers), "fixed_or_mobile")],
                time_zone="Europe/Madrid",
                replicate=1,
                sample_vars={"region": "Madrid"},
            )
            for i in range(cases)
        ]
        projects.import_cases(session, project, records, "benchmark", actor="benchmark")
        projects.release_replicate(session, project, 1, now=datetime.now(UTC), actor="benchmark")
    engine.dispose()
    return names


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workers: int, instance: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "CATI_DATABASE_URL": url,
        "CATI_SECRET_KEY": secrets.token_hex(16),
        "CATI_INSTANCE_PATH": str(instance),
        "CATI_LOGIN_MAX_FAILURES": "1000000",
        "CATI_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "cati.cli", "serve", "--production"]
    command += ["--workers", str(workers), "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                conn.close()
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not answer within 60 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (reaped or alive)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(v) for v in fields[11:15]) / ticks  # utime stime cutime cstime
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (OSError, ValueError):
        pass
    return total


def database_cpu_seconds(server_url: str, name: str) -> float:
    """CPU used so far by the PostgreSQL backends serving the benchmark's database."""
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url)
    with admin.connect() as conn:
        pids = conn.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": name}
        ).all()
    admin.dispose()
    return sum(cpu_seconds(pid) for pid in pids)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the workers
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- a browser, as little of one as needed -----------------------------------------------


class HttpError(Exception):
    pass


class Browser:
    """Cookies, forms and timing over http.client; a new connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in header and "1970" not in header:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        location = response.headers.get("Location")
        if location:
            location = urlsplit(location).path
        return response.status, location, text, ms

    def get(self, path: str, expect: int = 200) -> str:
        status, _, text, _ = self.request("GET", path)
        if status != expect:
            raise HttpError(f"GET {_shape(path)} {status}")
        return text


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SEQ = re.compile(r'name="seq" value="(\d+)"')
SECTION = re.compile(
    r'<section class="question q-(\w+)[^"]*" data-question="([^"]+)"(.*?)</section>', re.S
)
INPUT = re.compile(r"<input ([^>]*)>")
TEXTAREA = re.compile(r'<textarea [^>]*name="([^"]+)"')
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise HttpError("no csrf token")
    return match.group(1)


def answer_page(html: str, rng: random.Random) -> tuple[int, list, dict]:
    """The form a careful interviewer sends for this page, and the answers it must store."""
    seq = int(SEQ.search(html).group(1))
    form: list[tuple[str, str]] = []
    expected: dict = {}
    for kind, qid, body in SECTION.findall(html):
        groups: dict[str, list[dict]] = defaultdict(list)
        for attrs in INPUT.findall(body):
            fields = dict(ATTR.findall(attrs))
            if fields.get("type") in ("radio", "checkbox"):
                groups[unescape(fields["name"])].append(fields)
        if kind in ("single", "rating", "date"):
            plain = [f["value"] for f in groups[qid] if "data-special" not in f]
            specials = [f["value"] for f in groups[qid] if "data-special" in f]
            if specials and rng.random() < 0.04:
                value = rng.choice(specials)
                expected[qid] = {"special": value}
            else:
                value = rng.choice(plain)
                expected[qid] = int(value) if kind != "date" else value
            form.append((qid, value))
        elif kind == "multiple":
            plain = [f["value"] for f in groups[qid] if "data-special" not in f]
            exclusive = [f["value"] for f in groups[qid] if "data-exclusive" in f]
            inclusive = [v for v in plain if v not in exclusive]
            if exclusive and rng.random() < 0.2:
                chosen = [rng.choice(exclusive)]
            else:
                chosen = rng.sample(inclusive, rng.randint(1, len(inclusive)))
            form += [(qid, v) for v in chosen]
            expected[qid] = sorted(int(v) for v in chosen)
        elif kind == "grid":
            rows = {}
            for name, inputs in groups.items():
                if name.startswith(qid + "."):
                    value = rng.choice([f["value"] for f in inputs])
                    form.append((name, value))
                    rows[name[len(qid) + 1 :]] = int(value)
            expected[qid] = rows
        elif kind == "text":
            text = rng.choice(TEXTS)
            form.append((qid, text))
            expected[qid] = text.strip()
        elif kind == "numeric":
            value = rng.randint(0, 9)
            form.append((qid, str(value)))
            expected[qid] = value
    return seq, form, expected


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
            raise HttpError(f"POST {_shape(path)} {status}")
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
            raise HttpError(f"start went to {_shape(url)}")
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
            raise HttpError(f"GET {_shape(url)} {status}")
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


# --- checking what the database holds ----------------------------------------------------


def same(expected, stored) -> bool:
    if isinstance(expected, list) and isinstance(stored, list):
        return sorted(expected) == sorted(stored)
    return expected == stored


def check(url: str, acks: list, interviews: list) -> dict:
    """Every acknowledged page stored once with its answers; nothing stored unacknowledged."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from cati.db import make_engine
    from cati.models import CallAttempt, Interview, PageEvent

    engine = make_engine(url)
    with Session(engine) as session:
        stored_pages = Counter(
            (row.interview_id, row.seq)
            for row in session.execute(select(PageEvent.interview_id, PageEvent.seq))
        )
        rows = {i.id: i for i in session.scalars(select(Interview))}
        per_case = session.execute(
            select(Interview.case_id, func.count()).group_by(Interview.case_id)
        ).all()
        calls = session.execute(
            select(CallAttempt.case_id, func.count()).group_by(CallAttempt.case_id)
        ).all()
    engine.dispose()
    acked = {(iid, seq + 1): (expected, n) for iid, seq, expected, n in acks if n}
    lost = sum(1 for key in acked if stored_pages[key] == 0)
    duplicated = sum(n - 1 for n in stored_pages.values() if n > 1)
    unacknowledged = sum(1 for key in stored_pages if key not in acked)
    mismatched = 0
    for (iid, _), (expected, _) in acked.items():
        answers = rows[iid].answers if iid in rows else {}
        mismatched += sum(1 for q, v in expected.items() if not same(v, answers.get(q)))
    wrong_seq = sum(
        1
        for iid, interview in rows.items()
        if interview.seq != sum(1 for key in acked if key[0] == iid)
    )
    return {
        "acknowledged": len(acked),
        "double_clicked": sum(1 for *_, n in acks if n > 1),
        "pages_stored": sum(stored_pages.values()),
        "lost": lost,
        "duplicated": duplicated,
        "stored_unacknowledged": unacknowledged,
        "answers_mismatched": mismatched,
        "interviews_with_wrong_seq": wrong_seq,
        "interviews": len(rows),
        "interviews_completed": sum(1 for i in rows.values() if i.status != "active"),
        "cases_interviewed_twice": sum(1 for _, n in per_case if n > 1),
        "outcomes_recorded_twice": sum(1 for _, n in calls if n > 1),
        "cases_taken_twice": len(interviews) - len({case for _, case, _ in interviews}),
    }


# --- the run -----------------------------------------------------------------------------


def summary(timed: list[tuple[float, float]], since: float) -> dict:
    """Quantiles of the requests sent after ``since`` (the warm-up left out)."""
    samples = [ms for at, ms in timed if at >= since]
    if len(samples) < 2:
        return {"n": len(samples)}
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(max(samples), 1),
    }


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
