"""Several app servers against one PostgreSQL: load, and crashes in the middle of it.

    python -m benchmarks.cluster [--minutes 10] [--interviewers 200] [--crash]

Creates a throw-away PostgreSQL database on 127.0.0.1:5432 (dropped at the end), migrates
it, seeds a project (``customer_satisfaction.yaml``, calling windows open all day, fictional
NANP 555-01xx numbers) and the interviewers, and starts ``--servers`` gunicorn servers
(``cati serve --production``), each a process group of its own on a loopback port, all
sharing one secret key. Before the load, it checks that a session opened on one server is
honoured by the others and that failed log-ins counted on one server throttle the others.

Then the simulated interviewers (threads in ``--processes`` processes) log in on the servers
in turn and work: Next case, the case screen, and then either an interview (a page every
``--page-seconds``, until the closing page, which records the outcome) or, for a share of
the cases, a non-contact outcome (no answer, busy) after ``--case-seconds``. A share of the
interviewers moves to the other server after every case, and anyone whose server stops
answering goes on on another one, reopening the page they were on, as a browser user would
after a reload. Every acknowledged page (a redirect after the POST) is recorded with its
interview, page number and answers.

``--crash``: at 40 % of the run the last server's whole process group is killed (SIGKILL)
and restarted 5 s later on the same port; at 60 % PostgreSQL is restarted
(``pg_ctlcluster ... restart``; it is started again at the end whatever happens).

At the end every interviewer with an interview under way reopens it (it must land on the
page after the last one stored), and the database is checked: every acknowledged page
stored once with its answers; no case held by two interviewers at once (from the audit
trail of claims and the call attempts, and from the driver's own record); every claim still
held released once past its expiry. One JSON line per result. Loopback only; everything is
bounded: the run stops by itself, servers and load processes are killed at the end.
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
import subprocess
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

from benchmarks.web_load import (
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
    free_port,
    kill_server,
    prepare,
    shape,
    start_server,
    stop_server,
    summary,
)

KINDS = ("login", "home", "next_case", "case_view", "start", "page_view", "page_submit", "outcome")
NON_CONTACTS = ("NO_ANSWER", "BUSY")
LOGIN_LIMIT = 5  # CATI_LOGIN_MAX_FAILURES on every server of the cluster
PAGE_FORM = 'id="page-form"'
CLOSING = 'data-testid="final-outcome"'
UNCAUGHT = re.compile(r"^((?:[\w]+\.)*\w+(?:Error|Exception|Shutdown)\b.*)$", re.M)
MAX_CASES = 40_000  # distinct fictional numbers: benchmarks/fictional.py


@dataclass(frozen=True)
class Options:
    minutes: float = 10
    interviewers: int = 200
    servers: int = 2
    workers: int = 2
    page_seconds: float = 2.0
    case_seconds: float = 5.0
    interview_share: float = 0.5
    switch_share: float = 0.1
    processes: int = 4
    crash: bool = False
    restart_postgres: bool = True
    warmup: float = 60
    claim_minutes: int = 20
    seed: int = 2026
    server: str = DEFAULT_SERVER

    @property
    def seconds(self) -> float:
        return self.minutes * 60


class ServerError(HttpError):
    """A 5xx answer."""


class SessionLost(HttpError):
    """Sent back to the log-in page while logged in."""


# --- one simulated interviewer -----------------------------------------------------------


class Interviewer:
    """Logs in, takes cases and works them; after any failure it reopens where it was."""

    def __init__(
        self, index: int, name: str, ports: list[int], options: dict, deadline: float, out: dict
    ):
        self.name = name
        self.ports = ports
        self.server = index % len(ports)
        self.browser = Browser(ports[self.server])
        self.o = options
        self.deadline = deadline
        self.rng = random.Random(f"{options['seed']}:{self.name}")
        self.switcher = self.rng.random() < options["switch_share"]
        self.out = out
        self.lock = out["lock"]
        self.logged_in = False
        self.case_url: str | None = None
        self.interview_url: str | None = None
        self.interviewing = False  # this case: an interview, or a non-contact outcome
        self.hold: list | None = None  # [case id, name, claimed by then, released from then]
        self.release_sent_at: float | None = None
        self.last_submit: float | None = None

    # -- bookkeeping

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.out["errors"][kind] += 1
            self.out["error_kinds"][f"{kind}: {what}"[:120]] += 1
            self.out["error_times"].append((time.time(), kind))

    def think(self, seconds: float) -> None:
        pause = seconds * self.rng.uniform(0.75, 1.25)
        time.sleep(max(0.0, min(pause, self.deadline - time.time())))

    def switch(self) -> None:
        self.server = (self.server + 1) % len(self.ports)
        self.browser.port = self.ports[self.server]

    def call(self, kind: str, method: str, path: str, form=None, expect=(200,)):
        status, location, text, ms = self.browser.request(method, path, form)
        with self.lock:
            self.out["timed"][kind].append((time.time() - ms / 1000, ms))
        if status >= 500:
            raise ServerError(f"{method} {shape(path)} {status}")
        if location and location.startswith("/login") and kind != "login":
            raise SessionLost(f"{method} {shape(path)} sent to the log-in page")
        if status not in expect:
            raise HttpError(f"{method} {shape(path)} {status}")
        return status, location, text

    # -- the work

    def run(self) -> None:
        # A shift starts over the warm-up, not in one instant (log-in hashes on purpose).
        time.sleep(self.rng.uniform(0, self.o["warmup"]))
        while time.time() < self.deadline:
            try:
                self.step()
            except (OSError, http.client.HTTPException) as exc:  # the server is gone
                self.error("connection", type(exc).__name__)
                self.switch()
                time.sleep(1)
            except SessionLost as exc:
                self.error("session_lost", str(exc))
                self.logged_in = False
            except ServerError as exc:
                self.error("5xx", str(exc))
                time.sleep(1)
            except HttpError as exc:
                self.error("other", str(exc))
                time.sleep(1)
        self.reopen_at_the_end()

    def step(self) -> None:
        if not self.logged_in:
            self.log_in()
        elif self.interview_url:
            self.interview()
        elif self.case_url:
            self.work_case()
        else:
            self.take_case()

    def log_in(self) -> None:
        self.browser.cookies.clear()
        _, _, page = self.call("login", "GET", "/login")
        form = [("username", self.name), ("password", PASSWORD), ("csrf_token", csrf(page))]
        self.call("login", "POST", "/login", form, expect=(302,))
        self.logged_in = True

    def take_case(self) -> None:
        _, _, home = self.call("home", "GET", "/interviewer/")
        form = [("csrf_token", csrf(home))]
        _, url, _ = self.call("next_case", "POST", f"/interviewer/{PROJECT}/next", form, (302,))
        if not url.startswith("/interviewer/case/"):
            self.error("other", "no case due")
            self.think(self.o["case_seconds"])
            return
        self.case_url = url
        self.hold = [int(url.rsplit("/", 1)[1]), self.name, time.time(), None]
        self.release_sent_at = None
        self.interviewing = self.rng.random() < self.o["interview_share"]
        with self.lock:
            self.out["holds"].append(self.hold)

    def work_case(self) -> None:
        status, _, page = self.call("case_view", "GET", self.case_url, expect=(200, 403))
        if status == 403:  # no longer ours: fine only if our outcome got there
            if self.release_sent_at is None:
                self.error("other", "claim lost")
            self.release()
            return
        if self.interviewing:
            form = [("csrf_token", csrf(page))]
            _, url, _ = self.call("start", "POST", f"{self.case_url}/interview", form, (302,))
            if "/interview/" not in url:
                raise HttpError(f"start went to {shape(url)}")
            self.interview_url = url
            with self.lock:
                self.out["interviews"].append((self.name, self.hold[0], int(url.rsplit("/", 1)[1])))
            return
        self.think(self.o["case_seconds"])
        form = [("csrf_token", csrf(page)), ("outcome", self.rng.choice(NON_CONTACTS))]
        self.release_sent_at = time.time()
        self.call("outcome", "POST", self.case_url, form, expect=(302,))
        self.release()

    def interview(self) -> None:
        url = self.interview_url
        interview_id = int(url.rsplit("/", 1)[1])
        _, _, page = self.call("page_view", "GET", url)
        while PAGE_FORM in page:
            if time.time() >= self.deadline:
                return
            self.think(self.o["page_seconds"])
            seq, answers, expected = answer_page(page, self.rng)
            form = [("csrf_token", csrf(page)), ("seq", str(seq)), ("action", "next"), *answers]
            self.release_sent_at = time.time()  # the last page releases the case
            status, _, _ = self.call("page_submit", "POST", url, form, expect=(302, 422))
            with self.lock:
                if status == 302:
                    self.out["acks"].append((interview_id, seq, expected, 1))
                if self.last_submit is not None:
                    self.out["page_gaps"].append(self.release_sent_at - self.last_submit)
            self.last_submit = self.release_sent_at
            if status == 422:
                self.error("other", "page refused (422)")
            _, _, page = self.call("page_view", "GET", url)
        if CLOSING not in page:
            raise HttpError("neither a question page nor the closing page")
        self.release()

    def release(self) -> None:
        """The case is done with: its hold ends when the releasing request was sent."""
        if self.hold is not None:
            self.hold[3] = self.release_sent_at or time.time()
        self.case_url = self.interview_url = self.hold = None
        self.last_submit = None
        if self.switcher:
            self.switch()

    def reopen_at_the_end(self) -> None:
        """An interview under way when the run stops is opened again: where does it land?"""
        if not self.interview_url:
            return
        interview_id = int(self.interview_url.rsplit("/", 1)[1])
        shown: int | str = "failed"
        for _ in range(3):
            try:
                _, _, page = self.call("page_view", "GET", self.interview_url)
            except (OSError, http.client.HTTPException, HttpError):
                self.switch()
                time.sleep(1)
                continue
            shown = answer_page(page, self.rng)[0] if PAGE_FORM in page else "closing"
            break
        with self.lock:
            self.out["reopened"].append((interview_id, shown))


def drive(
    interviewers: list[tuple[int, str]], ports: list[int], options: dict, deadline: float, results
) -> None:
    """One load-generating process: a thread per interviewer."""
    out = {
        "lock": threading.Lock(),
        "errors": Counter(),
        "error_kinds": Counter(),
        "error_times": [],
        "timed": defaultdict(list),
        "acks": [],
        "interviews": [],
        "holds": [],
        "reopened": [],
        "page_gaps": [],
    }
    threads = [
        threading.Thread(
            target=Interviewer(i, name, ports, options, deadline, out).run, daemon=True
        )
        for i, name in interviewers
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.time()) + 60)
    out.pop("lock")
    out["cpu"] = time.process_time()
    results.put(out)


def merge(parts: list[dict]) -> dict:
    merged: dict = {"timed": defaultdict(list), "errors": Counter(), "error_kinds": Counter()}
    for part in parts:
        for key, value in part.items():
            if key == "timed":
                for kind, samples in value.items():
                    merged["timed"][kind] += samples
            elif isinstance(value, Counter):
                merged[key].update(value)
            elif key == "cpu":
                merged["cpu"] = merged.get("cpu", 0.0) + value
            else:
                merged.setdefault(key, []).extend(value)
    return merged


# --- the cluster: servers, scale-out checks, crashes -------------------------------------


class Cluster:
    """The app servers of one run, each restartable on its own port."""

    def __init__(self, url: str, options: Options, folder: Path) -> None:
        self.url = url
        self.options = options
        self.folder = folder
        self.secret = secrets.token_hex(16)
        self.ports = [free_port() for _ in range(options.servers)]
        self.processes: list[subprocess.Popen | None] = [None] * options.servers

    def start(self, i: int) -> None:
        self.processes[i], _ = start_server(
            self.url,
            self.options.workers,
            self.folder,
            self.folder / f"server{i}.log",
            port=self.ports[i],
            secret_key=self.secret,
            env={"CATI_LOGIN_MAX_FAILURES": str(LOGIN_LIMIT)},
        )

    def kill(self, i: int) -> None:
        kill_server(self.processes[i])

    def stop_all(self) -> None:
        for process in self.processes:
            if process is not None:
                stop_server(process)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.processes if p is not None)

    def logged_exceptions(self) -> dict[str, int]:
        """The exceptions the servers logged with a traceback (a 500), by class and message."""
        found: Counter = Counter()
        for log in self.folder.glob("server*.log"):
            found.update(
                m.group(1)[:160] for m in UNCAUGHT.finditer(log.read_text("utf-8", "replace"))
            )
        return dict(found.most_common(10))


def check_sessions_and_throttling(ports: list[int], username: str, throttled: str) -> dict:
    """A session cookie from one server works on the others; log-in failures add up across."""
    browser = Browser(ports[0])
    page = browser.get("/login")
    form = [("username", username), ("password", PASSWORD), ("csrf_token", csrf(page))]
    logged_in = browser.request("POST", "/login", form)[0] == 302
    session_elsewhere = []
    for port in ports[1:]:
        browser.port = port
        status, location, _, _ = browser.request("GET", "/interviewer/")
        session_elsewhere.append(status == 200 and location is None)
    refused = []
    for i in range(LOGIN_LIMIT):
        stranger = Browser(ports[i % len(ports)])
        page = stranger.get("/login")
        form = [("username", throttled), ("password", "wrong"), ("csrf_token", csrf(page))]
        refused.append(stranger.request("POST", "/login", form)[0])
    throttled_on = []
    for port in ports:  # the right password now: every server must refuse it for a while
        stranger = Browser(port)
        page = stranger.get("/login")
        form = [("username", throttled), ("password", PASSWORD), ("csrf_token", csrf(page))]
        throttled_on.append(stranger.request("POST", "/login", form)[0])
    return {
        "session_valid_on_every_server": logged_in and all(session_elsewhere),
        "failed_logins_spread_over_servers": refused,
        "right_password_after_them": throttled_on,
        "throttle_holds_across_servers": all(s == 401 for s in refused)
        and all(s == 429 for s in throttled_on),
    }


def postgres_cluster() -> tuple[str, str, str]:
    """(version, name, status) of the local cluster, from pg_lsclusters."""
    lines = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.split("\n")
    version, name, _port, status, *_ = lines[0].split()
    return version, name, status


def pg_ctlcluster(action: str) -> None:
    version, name, _ = postgres_cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action],
        check=True,
        timeout=120,
        capture_output=True,
    )


def ensure_postgres_up() -> None:
    if postgres_cluster()[2] != "online":
        pg_ctlcluster("start")


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def crash_during(cluster: Cluster, begin: float, options: Options) -> dict:
    """kill -9 of the last server at 40 % (restarted 5 s later), PostgreSQL restarted at 60 %."""
    events: dict = {}
    sleep_until(begin + options.seconds * 0.4)
    victim = len(cluster.ports) - 1
    events["server_killed_at_s"] = round(time.time() - begin, 1)
    cluster.kill(victim)
    time.sleep(5)
    started = time.time()
    cluster.start(victim)
    events["server_back_at_s"] = round(time.time() - begin, 1)
    events["server_restart_s"] = round(time.time() - started, 1)
    if options.restart_postgres:
        sleep_until(begin + options.seconds * 0.6)
        started = time.time()
        events["postgres_restart_at_s"] = round(started - begin, 1)
        pg_ctlcluster("restart")
        events["postgres_restart_s"] = round(time.time() - started, 1)
    return events


# --- what the database says --------------------------------------------------------------


def overlapping_holds(holds: list[list]) -> int:
    """Cases two interviewers held at once by the driver's own record.

    A hold runs from the answer to Next case (after the claim) to the sending of the request
    that released it (before the release), so an overlap is certainly a double dispatch.
    """
    by_case = defaultdict(list)
    for case_id, name, start, end in holds:
        by_case[case_id].append((start, end if end is not None else float("inf"), name))
    overlaps = 0
    for spans in by_case.values():
        spans.sort()
        for (_, end, name), (start, _, other) in pairwise(spans):
            overlaps += name != other and start < end
    return overlaps


def database_checks(url: str, merged: dict, claim_minutes: int) -> dict:
    """Double dispatch from the audit trail; reopened interviews; stale claims released."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from cati.db import make_engine, utcnow
    from cati.fieldwork.dispatch import release_expired_claims
    from cati.models import AuditEntry, CallAttempt, Case, Interview

    engine = make_engine(url)
    claim = timedelta(minutes=claim_minutes)
    with Session(engine) as session:
        claims = defaultdict(list)
        for case_id, user_id, at in session.execute(
            select(AuditEntry.object_id, AuditEntry.user_id, AuditEntry.at)
            .where(AuditEntry.action == "case.claim")
            .order_by(AuditEntry.at)
        ):
            claims[int(case_id)].append((user_id, at))
        attempts = defaultdict(list)
        for case_id, user_id, started, ended in session.execute(
            select(
                CallAttempt.case_id,
                CallAttempt.interviewer_id,
                CallAttempt.started_at,
                CallAttempt.ended_at,
            )
        ):
            attempts[case_id, user_id].append((started, ended))
        # A claim is over when its holder's call attempt (started at the claim) ended, or
        # when it expired; a colleague's claim before then is a double dispatch.
        double = 0
        for case_id, events in claims.items():
            for (user, at), (other, next_at) in pairwise(events):
                released = any(
                    at - timedelta(minutes=1) <= started <= at and ended <= next_at
                    for started, ended in attempts[case_id, user]
                )
                double += user != other and not released and next_at < at + claim
        interviews = {i.id: (i.status, i.seq) for i in session.scalars(select(Interview))}
        held = session.execute(
            select(Case.id, Case.claim_expires_at).where(Case.claimed_by_id.is_not(None))
        ).all()
        released_now = release_expired_claims(session, now=utcnow())
        latest = max((expires for _, expires in held), default=utcnow())
        released_after_expiry = release_expired_claims(session, now=latest + timedelta(seconds=1))
        left = session.scalar(select(func.count()).where(Case.claimed_by_id.is_not(None)))
    engine.dispose()

    reopened_right = 0
    for interview_id, shown in merged["reopened"]:
        status, seq = interviews.get(interview_id, (None, None))
        right = (shown == "closing" and status not in (None, "active")) or (
            shown == seq and status == "active"
        )
        reopened_right += right
    known = {i for i, _ in merged["reopened"]}
    open_holds = {case for case, _, _, end in merged["holds"] if end is None}
    return {
        "dispatch": {
            "claims": sum(len(v) for v in claims.values()),
            "cases_claimed_more_than_once": sum(1 for v in claims.values() if len(v) > 1),
            "double_dispatch_in_database": double,
            "double_dispatch_in_driver": overlapping_holds(merged["holds"]),
        },
        "resume": {
            "interviews_under_way_at_the_end": len(merged["reopened"]),
            "reopened_on_the_right_page": reopened_right,
            "reopened_wrong_or_failed": len(merged["reopened"]) - reopened_right,
            "active_in_database_not_reopened": sum(
                1 for i, (status, _) in interviews.items() if status == "active" and i not in known
            ),
        },
        "claims": {
            "held_at_the_end": len(held),
            "held_unknown_to_their_interviewer": sum(1 for c, _ in held if c not in open_holds),
            "released_before_expiry": released_now,
            "released_after_expiry": released_after_expiry,
            "left_after_expiry": left,
        },
    }


# --- the run -----------------------------------------------------------------------------


def add_interviewers(url: str, names: list[str]) -> None:
    """Users of the scale-out checks, apart from the ones that carry the load."""
    from sqlalchemy.orm import Session

    from cati import accounts
    from cati.config import Settings
    from cati.db import make_engine

    # The servers read the same CATI_* environment, so they check what was hashed here.
    method = Settings.from_env().password_hash_method
    engine = make_engine(url)
    with Session(engine) as session:
        for name in names:
            accounts.create_user(
                session, name, "interviewer", PASSWORD, hash_method=method, actor="benchmark"
            )
    engine.dispose()


def run(options: Options, report=print) -> dict:
    """One run, start to finish; returns every result (also reported, one JSON line each)."""
    cases = min(MAX_CASES, int(options.interviewers * options.seconds / options.case_seconds))
    cases = max(cases, options.interviewers * 4)
    hard_deadline = time.time() + options.seconds + 900
    url, dbname = create_postgres_database(options.server)
    children: list = []
    cluster = None
    try:
        with tempfile.TemporaryDirectory(prefix="cati-cluster-") as tmp:
            started = time.perf_counter()
            names = prepare(url, options.interviewers, cases, options.claim_minutes)
            add_interviewers(url, ["crosscheck", "throttled"])
            prepared_s = time.perf_counter() - started
            cluster = Cluster(url, options, Path(tmp))
            for i in range(options.servers):
                cluster.start(i)
            scale_out = check_sessions_and_throttling(cluster.ports, "crosscheck", "throttled")

            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            processes = max(1, min(options.processes, options.interviewers))
            shared = asdict(options)
            begin = time.time()
            deadline = begin + options.seconds
            children = [
                context.Process(
                    target=drive,
                    args=(
                        list(enumerate(names))[i::processes],
                        cluster.ports,
                        shared,
                        deadline,
                        results,
                    ),
                    daemon=True,
                )
                for i in range(processes)
            ]
            load_before = os.getloadavg()
            for child in children:
                child.start()
            events = crash_during(cluster, begin, options) if options.crash else {}
            parts = [results.get(timeout=max(1, hard_deadline - time.time())) for _ in children]
            elapsed = time.time() - begin
            load_after = os.getloadavg()
            server_cpu = cluster.cpu_seconds()
            database_cpu = database_cpu_seconds(options.server, dbname)
            cluster.stop_all()
            uncaught = cluster.logged_exceptions()
            merged = merge(parts)
            integrity = check(url, merged["acks"], merged["interviews"])
            checks = database_checks(url, merged, options.claim_minutes)
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
        if cluster is not None:
            for process in cluster.processes:
                if process is not None:
                    kill_server(process)
        if options.crash and options.restart_postgres:
            ensure_postgres_up()
        drop_postgres_database(options.server, dbname)

    since = begin + options.warmup
    measured = elapsed - options.warmup
    requests = sum(1 for samples in merged["timed"].values() for at, _ in samples if at >= since)
    gaps = sorted(merged["page_gaps"])
    lines = {
        "cluster.run": {
            "servers": options.servers,
            "workers_per_server": options.workers,
            "interviewers": options.interviewers,
            "seconds": round(elapsed, 1),
            "warmup_s": options.warmup,
            "page_seconds": options.page_seconds,
            "case_seconds": options.case_seconds,
            "crash": options.crash,
            "requests_per_s": round(requests / measured, 1),
            "pages_per_s": round(
                sum(1 for at, _ in merged["timed"]["page_submit"] if at >= since) / measured, 1
            ),
            "cases_per_s": round(
                sum(1 for _, _, start, _ in merged["holds"] if start >= since) / measured, 2
            ),
            "page_gap_median_s": round(gaps[len(gaps) // 2], 2) if gaps else None,
            "errors": dict(merged["errors"]),
            "lost": integrity["lost"] + integrity["answers_mismatched"],
            "double_dispatch": checks["dispatch"]["double_dispatch_in_database"]
            + checks["dispatch"]["double_dispatch_in_driver"],
        },
        **{
            f"cluster.{kind}": summary(merged["timed"][kind], 0 if kind == "login" else since)
            for kind in KINDS
        },
        "cluster.integrity": integrity,
        "cluster.dispatch": checks["dispatch"],
        "cluster.resume": checks["resume"],
        "cluster.claims": checks["claims"],
        "cluster.scale_out": scale_out,
        "cluster.crash": {**events, "errors_by_second": errors_by_second(merged, begin)},
        "cluster.machine": {
            "cores": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_at_end": [round(x, 2) for x in load_after],
            "server_cpu_s": round(server_cpu, 1),
            "database_cpu_s": round(database_cpu, 1),
            "load_generator_cpu_s": round(merged.get("cpu", 0.0), 1),
            "cases": cases,
            "prepare_s": round(prepared_s, 1),
            "errors_by_kind": dict(merged["error_kinds"].most_common(12)),
            "server_exceptions": uncaught,
        },
    }
    for name, values in lines.items():
        report(json.dumps({"benchmark": name, **values}, ensure_ascii=False, default=str))
    return lines


def errors_by_second(merged: dict, begin: float) -> dict:
    """When the errors happened, by kind, in seconds from the start (crash windows)."""
    spans: dict[str, list[float]] = {}
    for at, kind in merged["error_times"]:
        span = spans.setdefault(kind, [at - begin, at - begin])
        span[0], span[1] = min(span[0], at - begin), max(span[1], at - begin)
    return {kind: [round(a, 1), round(b, 1)] for kind, (a, b) in spans.items()}


def _hard_stop(*_) -> None:
    raise TimeoutError("the run went past its hard time limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Options()
    parser.add_argument("--minutes", type=float, default=defaults.minutes)
    parser.add_argument("--interviewers", type=int, default=defaults.interviewers)
    parser.add_argument("--servers", type=int, default=defaults.servers)
    parser.add_argument("--workers", type=int, default=defaults.workers, help="per server")
    parser.add_argument("--page-seconds", type=float, default=defaults.page_seconds)
    parser.add_argument("--case-seconds", type=float, default=defaults.case_seconds)
    parser.add_argument("--interview-share", type=float, default=defaults.interview_share)
    parser.add_argument("--switch-share", type=float, default=defaults.switch_share)
    parser.add_argument("--processes", type=int, default=defaults.processes)
    parser.add_argument("--crash", action="store_true", help="kill a server, restart PostgreSQL")
    parser.add_argument("--no-postgres-restart", action="store_true", help="with --crash")
    parser.add_argument("--warmup", type=float, default=defaults.warmup)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--server", default=defaults.server, help="PostgreSQL server to use")
    args = parser.parse_args()
    if not (0.2 <= args.minutes <= 60 and 1 <= args.interviewers <= 500):
        parser.error("keep it bounded: 0.2-60 minutes, 1-500 interviewers")
    if not 2 <= args.servers <= 8:
        parser.error("a cluster is 2 to 8 servers")
    if "127.0.0.1" not in args.server and "localhost" not in args.server:
        parser.error("loopback only: --server must be on 127.0.0.1")
    options = replace(
        defaults,
        **{k: v for k, v in vars(args).items() if k in Options.__dataclass_fields__},
        restart_postgres=not args.no_postgres_restart,
    )
    # A hard stop whatever happens: the finally blocks still kill the servers.
    signal.signal(signal.SIGALRM, _hard_stop)
    signal.alarm(int(options.seconds + 1200))
    run(options)


if __name__ == "__main__":
    main()
