"""Shared pieces of the HTTP load benchmarks: a throw-away database, gunicorn servers, a
minimal browser that reads forms from the HTML, and the integrity check of stored pages.

Used by ``interview_load.py`` (one server) and ``cluster.py`` (several servers, crashes).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from benchmarks.fictional import numbers

ROOT = Path(__file__).resolve().parents[1]
QUESTIONNAIRE = ROOT / "questionnaires" / "library" / "customer_satisfaction.yaml"
PASSWORD = "a long benchmark password"
PROJECT = "LOAD"
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
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


def prepare(url: str, interviewers: int, cases: int, claim_minutes: int = 60) -> list[str]:
    """Schema, interviewers, project, questionnaire, cases released; returns the user names.

    Each case has a number of its own (fictional NANP 555-01xx), so that no frequency cap
    holds a case back however many cases a run needs.
    """
    from sqlalchemy.orm import Session

    from cati import accounts, migrate, questionnaire_store
    from cati.config import Settings
    from cati.db import make_engine
    from cati.fieldwork import projects
    from cati.fieldwork.cases import import_cases, release_replicate
    from cati.fieldwork.rules import WEEKDAYS
    from cati.fieldwork.sample_import import CaseRecord

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        rules = {
            # Open every day, all day: the server runs on the real clock.
            "windows": {day: [{"start": "00:00", "end": "23:59:59"}] for day in WEEKDAYS},
            "claim_minutes": claim_minutes,
        }
        project = projects.create_project(
            session, PROJECT, "Load test", rules=rules, actor="benchmark"
        )
        questionnaire_store.pin(session, project, QUESTIONNAIRE, actor="benchmark")
        # The servers read the same CATI_* environment (scrypt unless it says otherwise).
        method = Settings.from_env().password_hash_method
        names = []
        for i in range(interviewers):
            name = f"iv{i:03d}"
            user = accounts.create_user(
                session,
                name,
                "interviewer",
                PASSWORD,
                locale="en",
                hash_method=method,
                actor="benchmark",
            )
            projects.assign(session, project, user, actor="benchmark")
            names.append(name)
        phones = numbers()
        records = [
            CaseRecord(
                external_id=f"L{i:05d}",
                phones=[(next(phones), "fixed_or_mobile")],
                time_zone="Europe/Madrid",
                replicate=1,
                sample_vars={"region": "Madrid"},
            )
            for i in range(cases)
        ]
        import_cases(session, project, records, "benchmark", actor="benchmark")
        release_replicate(session, project, 1, now=datetime.now(UTC), actor="benchmark")
    engine.dispose()
    return names


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    url: str,
    workers: int,
    instance: Path,
    log: Path,
    *,
    port: int | None = None,
    secret_key: str | None = None,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, int]:
    """``cati serve --production`` on a loopback port, in a process group of its own (gunicorn
    master and workers), waiting until it answers. Servers of one cluster share the secret
    key, so that a session cookie signed by one is valid on the others."""
    port = port or free_port()
    environment = {
        **os.environ,
        "CATI_DATABASE_URL": url,
        "CATI_SECRET_KEY": secret_key or secrets.token_hex(16),
        "CATI_INSTANCE_PATH": str(instance),
        "CATI_LOGIN_MAX_FAILURES": "1000000",
        "CATI_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    command = [sys.executable, "-m", "cati.cli", "serve", "--production"]
    command += ["--workers", str(workers), "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
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
    kill_server(process)
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
            kill_server(process)


def kill_server(process: subprocess.Popen) -> None:
    """kill -9 of the whole process group: the master and every worker, mid-request."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
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
            raise HttpError(f"GET {shape(path)} {status}")
        return text


def shape(path: str) -> str:
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
    acked_per_interview = Counter(iid for iid, _ in acked)
    wrong_seq = sum(1 for iid, i in rows.items() if i.seq != acked_per_interview[iid])
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


# --- latencies ---------------------------------------------------------------------------


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
