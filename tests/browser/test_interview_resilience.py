"""Time limits judged by the server, and an interview surviving a killed server process."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cati import questionnaire_store
from cati.fieldwork import inbound, projects
from cati.models import Interview
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

pytestmark = pytest.mark.browser
LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"

TIMED = """
id: timed
version: "1"
title: Timed question
questions:
  - id: quick
    type: single
    text: Answer quickly
    time_limit: {warning: 1, limit: 2}
    options: [{code: 1, label: One}, {code: 2, label: Two}]
  - id: after
    type: single
    text: Next question
    options: [{code: 1, label: One}, {code: 2, label: Two}]
"""


@pytest.mark.sqlite_only
def test_a_timed_question_runs_out_and_the_server_records_it(page, db, app, tmp_path):
    started = datetime.now(UTC)
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + (datetime.now(UTC) - started)
    source = tmp_path / "timed.yaml"
    source.write_text(TIMED)
    user = make_user(db, "interviewer", locale="en")
    project = make_project(db)
    questionnaire_store.pin(db, project, source)
    projects.assign(db, project, user)
    make_cases(db, project)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.keyboard.press("n")
    page.wait_for_url("**/case/**")
    with page.expect_navigation():
        page.keyboard.press("s")
    assert page.locator("[data-countdown]").is_visible()
    page.keyboard.press("1")  # chosen, but never sent: the time runs out first
    page.get_by_text("Next question").wait_for(timeout=30_000)  # 2 s, but at load 12
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    assert interview.answers["quick"] == {"special": "timeout"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`cati serve` in a process of its own, as in production."""

    def __init__(self, database_url: str, instance: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CATI_DATABASE_URL": database_url,
            "CATI_INSTANCE_PATH": str(instance),
            "CATI_SECRET_KEY": "restart-test",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cati.cli", "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90  # importing the app takes long at load 12
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


@pytest.mark.slow
def test_an_interview_resumes_exactly_after_the_server_is_killed(
    browser, db, database_url, tmp_path
):
    user = make_user(db, "interviewer", locale="en")
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    projects.assign(db, project, user)
    (case,) = make_cases(db, project)
    # The server runs on the real clock, so the case is taken as an inbound call (no window).
    inbound.claim_inbound(db, project, user, case.external_id, now=datetime.now(UTC))
    server = Server(database_url, tmp_path)
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    try:
        log_in(page, user.username)
        page.wait_for_url("**/interviewer/")
        page.goto(f"/interviewer/case/{case.id}")
        with page.expect_navigation():
            page.keyboard.press("s")
        for key in ("Enter", "1", "Enter"):  # introduction, purchase confirmed
            if key == "Enter":
                with page.expect_navigation():
                    page.keyboard.press(key)
            else:
                page.keyboard.press(key)
        page.keyboard.press("8")  # NPS chosen on screen, not yet sent
        server.kill()
        server = Server(database_url, tmp_path)
        page.goto(page.url.replace(page.url.split("/interviewer")[0], server.url))
        assert page.locator('input[name="seq"]').get_attribute("value") == "2"
        assert "recommend" in page.locator(".read-out").first.inner_text()
        interview = db.scalar(select(Interview))
        db.refresh(interview)
        assert interview.answers == {"purchase_confirmed": 1}
        page.keyboard.press("8")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        db.refresh(interview)
        assert interview.answers["nps"] == 8
    finally:
        context.close()
        server.kill()
