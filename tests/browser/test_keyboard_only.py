"""The interviewer's work with the keyboard only, every key counted.

Each library questionnaire is interviewed to its closing page, and a non-contact, two
appointments and a break-off are recorded, with ``page.keyboard`` alone (no click, no fill).
Every press and every typed character is one key; the counts must be the ones the table of
docs/interviewing.md states, so the documentation cannot drift from what the keys do.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cati import questionnaire_store
from cati.fieldwork import projects
from cati.models import Appointment, Case, Interview
from tests.cati.fieldwork.conftest import MADRID, MONDAY_10, make_cases, make_project
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
ROOT = Path(__file__).parents[2]
LIBRARY = ROOT / "questionnaires" / "library"
DOCS = ROOT / "docs" / "interviewing.md"


class Typed(str):
    """Text typed into the focused box: one key per character."""


class Keys:
    """The keyboard, counted: ``count`` keys in all, ``typed`` of them characters of text."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0
        self.typed = 0

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)
        self.typed += len(text)

    def steps(self, steps) -> None:
        for step in steps:
            self.type(step) if isinstance(step, Typed) else self.press(step)

    def go(self, *keys: str) -> None:
        """Keys of which the last loads another page."""
        self.press(*keys[:-1])
        with self.page.expect_navigation():
            self.press(keys[-1])

    def reset(self) -> None:
        self.count = self.typed = 0


def documented(scenario: str) -> tuple[int, int]:
    """The keys (all, typed) that docs/interviewing.md states for ``scenario``."""
    for line in DOCS.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == f"`{scenario}`":
            return int(cells[-2]), int(cells[-1])
    raise AssertionError(f"docs/interviewing.md has no row for {scenario}")


@pytest.fixture
def workstation(page, db, app):
    """An interviewer on the workstation, logged in by keys, with cases of ``path``."""
    app.config["CATI_CLOCK"] = lambda: MONDAY_10

    def open_(path: Path, cases: int = 1, **sample_vars) -> Keys:
        user = make_user(db, "interviewer", locale="en")
        project = make_project(db, name="Keys study")
        questionnaire_store.pin(db, project, path)
        projects.assign(db, project, user)
        make_cases(db, project, n=cases, sample_vars=sample_vars)
        page.goto("/login")
        expect(page.locator("[name=username]")).to_be_focused()  # autofocus
        page.keyboard.type(user.username)
        page.keyboard.press("Tab")
        page.keyboard.type(TEST_PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/interviewer/")
        return Keys(page)

    return open_


class Run:
    """What an interview by keys met: soft checks confirmed, countdowns shown."""

    def __init__(self) -> None:
        self.soft: list[str] = []
        self.timers: set[str] = set()


TIMER = re.compile(r"(Interview time left|Time left for this question) \d+:\d\d")


def interview(keys: Keys, answers: dict) -> Run:
    """From the case screen: S, then each page answered from ``answers`` (question id ->
    steps) and Enter, until the closing page. A soft check is confirmed with C. Each page
    shows its place on the path and its countdowns with their labels."""
    page, run = keys.page, Run()
    keys.go("s")
    number = 0
    while page.locator("#page-form").count():
        if not page.locator(".has-error").count():
            number += 1
        assert page.get_by_test_id("page-number").inner_text() == f"Page {number}"
        for timer in page.get_by_role("timer").all():
            match = TIMER.fullmatch(timer.inner_text())
            assert match and timer.get_attribute("aria-label") == match.group(0)
            run.timers.add(match.group(1))
        ids = page.locator("[data-question]").evaluate_all("qs => qs.map(q => q.dataset.question)")
        for n, question in enumerate(ids):
            if n and page.locator(f'[data-question="{question}"] .answer').count():
                keys.press("Tab")  # on to this question's box, past Don't know / Refused
            keys.steps(answers[question])
        keys.go("Enter")
        if page.locator(".error.soft").count():
            run.soft.append(" ".join(page.locator(".error.soft").inner_text().split()))
            keys.go("c", "Enter")
        assert not page.locator(".has-error").count(), page.locator(".has-error").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Interview finished"
    return run


def finished(db, status: str = "completed") -> Interview:
    record = db.scalar(select(Interview))
    db.refresh(record)
    assert record.status == status
    return record


def assert_documented(keys: Keys, scenario: str) -> None:
    assert (keys.count, keys.typed) == documented(scenario)


SATISFACTION = {
    "intro": [],
    "purchase_confirmed": ["1"],
    "nps": ["9"],
    "nps_reason": [Typed("Fast delivery")],
    "sat": ["5", "4", "4", "3"],  # the grid, row by row
    "contact_channels": ["1", "3"],
    "problem": ["2"],
    "closing": [],
}


@pytest.mark.parametrize("name", ["customer_satisfaction.yaml", "customer_satisfaction.xlsx"])
def test_customer_satisfaction_to_its_closing_page(workstation, db, name):
    keys = workstation(LIBRARY / name)
    keys.go("n")
    interview(keys, SATISFACTION)
    answers = finished(db).answers
    assert answers["nps"] == 9
    assert answers["nps_reason"] == "Fast delivery"
    assert answers["sat"] == {"delivery": 5, "installation": 4, "staff": 4, "value": 3}
    assert answers["contact_channels"] == [1, 3]
    assert_documented(keys, name)


BRANDS = {
    "age": [Typed("34")],
    "region": ["1"],
    "drinks_coffee": ["1"],
    "unaided": [Typed("Lumbre")],
    "aided": ["1", "2"],  # the first two brands as read out (shuffled)
    "brand_opinion": ["4"],  # asked for each brand known
    "brand_bought": ["1"],
    "frequency": ["1"],
    "cups": ["d"],  # Don't know, typed in the number box
    "main_brand": ["1"],
}


def test_brand_awareness_to_its_closing_page(workstation, db):
    keys = workstation(LIBRARY / "brand_awareness.yaml", region="Norte", age_group=3)
    keys.go("n")
    run = interview(keys, BRANDS)
    assert run.timers == {"Interview time left"}
    assert "Thank you very much for your help." in keys.page.locator(".closing").inner_text()
    answers = finished(db).answers
    assert len(answers["aided"]) == 2
    assert [answers[f"brand_opinion[{code}]"] for code in answers["aided"]] == [4, 4]
    assert answers["cups"] == {"special": "dk"}
    assert_documented(keys, "brand_awareness.yaml")


POLL = {
    "resident": ["1"],
    "age": [Typed("45")],
    "years_in_town": [Typed("45")],  # after Tab: the soft check asks to confirm
    "services_rating": ["3", "4", "2", "5"],
    "priority": ["1"],
    "economy_now": ["1"],
    "economy_future": ["2"],
    "voted_last": ["1"],
    "recall": ["2"],
    "intention": ["1"],
    "household_size": [Typed("2")],
    "member_age": [Typed("40")],
}


def test_opinion_poll_to_its_closing_page_with_two_numbers_on_a_page(workstation, db):
    keys = workstation(LIBRARY / "opinion_poll.yaml", district="Centro")
    keys.go("n")
    run = interview(keys, POLL)
    assert run.timers == {"Interview time left", "Time left for this question"}
    assert run.soft == [
        "Has the person lived here all their life? Please confirm. "
        "Confirmed with the respondent: keep the answer C"
    ]
    assert "We have finished. Thank you for taking part." in keys.page.inner_text("main")
    answers = finished(db).answers
    assert (answers["age"], answers["years_in_town"]) == (45, 45)  # no digit lost to Tab
    assert sorted(answers["services_rating"].values()) == [2, 3, 4, 5]
    assert answers["member_age[1]"] == 40
    assert_documented(keys, "opinion_poll.yaml")


def status_text(page) -> str:
    return page.get_by_role("status").inner_text()


def test_a_non_contact_by_keys(workstation, db):
    keys = workstation(LIBRARY / "customer_satisfaction.yaml")
    keys.go("n")
    keys.go("1", "Enter")  # No answer, saved
    assert "Outcome saved" in status_text(keys.page)
    assert db.scalar(select(Case.last_outcome)) == "NO_ANSWER"
    assert_documented(keys, "non-contact")


def test_an_appointment_from_the_case_screen_typed_as_plus_one_and_a_time(workstation, db):
    keys = workstation(LIBRARY / "customer_satisfaction.yaml")
    keys.go("n")
    keys.press("5")  # Appointment: the cursor goes to the call-back's date
    assert keys.page.evaluate("document.activeElement.name") == "callback_date"
    keys.type("+1 19:30")  # tomorrow in the respondent's time (by the server's clock)
    keys.go("Enter")
    assert "Outcome saved" in status_text(keys.page)
    appointment = db.scalar(select(Appointment))
    assert appointment.kind == "hard"
    assert appointment.starts_at == datetime(2026, 12, 1, 19, 30, tzinfo=MADRID)
    assert_documented(keys, "appointment")


def test_an_interview_stopped_for_a_call_back_window_by_keys(workstation, db):
    keys = workstation(LIBRARY / "customer_satisfaction.yaml")
    keys.go("n")
    keys.go("s")
    keys.go("Enter")  # the introduction
    keys.go("1", "Enter")  # purchase confirmed
    keys.press("x")
    outcomes = keys.page.locator("#stop .outcomes label").all_inner_texts()
    assert [o.split(maxsplit=1)[0] for o in outcomes] == ["1", "2", "3"]
    keys.press("1")  # Appointment: the cursor goes to the call-back's date
    keys.type("+1 17-19")  # tomorrow, between 17:00 and 19:00: a window
    keys.go("Enter")
    assert "Interview stopped" in status_text(keys.page)
    appointment = db.scalar(select(Appointment))
    assert appointment.kind == "soft"
    assert appointment.starts_at == datetime(2026, 12, 1, 17, 0, tzinfo=MADRID)
    assert appointment.ends_at == datetime(2026, 12, 1, 19, 0, tzinfo=MADRID)
    assert finished(db, "breakoff").answers["purchase_confirmed"] == 1
    assert_documented(keys, "appointment in an interview")


def test_a_break_off_by_keys(workstation, db):
    keys = workstation(LIBRARY / "customer_satisfaction.yaml")
    keys.go("n")
    keys.go("s")
    keys.go("Enter")
    keys.go("1", "Enter")
    keys.go("x", "2", "Enter")  # Stop: Break-off
    assert "Interview stopped" in status_text(keys.page)
    record = finished(db, "breakoff")
    assert record.outcome == "BREAKOFF"
    assert db.scalar(select(Case.final_outcome)) == "BREAKOFF"
    assert_documented(keys, "break-off")


def test_a_grid_error_names_its_rows_and_back_then_next_keeps_the_page_number(workstation, db):
    keys = workstation(LIBRARY / "customer_satisfaction.yaml")
    page = keys.page
    keys.go("n")
    keys.go("s")
    keys.go("Enter")
    keys.go("1", "Enter")
    keys.go("9", "Enter")
    keys.type("Fast")
    keys.go("Enter")
    assert page.get_by_test_id("page-number").inner_text() == "Page 5"
    heads = page.locator("table.grid thead th").all_inner_texts()
    assert heads[1:] == ["1 Very poor", "2 Poor", "3 Fair", "4 Good", "5 Very good"]
    keys.go("5", "4", "Enter")  # two rows of four
    error = page.locator(".q-grid .error")
    assert error.inner_text() == "Answer every row: The staff's service, Value for money."
    assert page.get_by_test_id("page-number").inner_text() == "Page 5"
    keys.go("4", "3", "Enter")  # the rows still open, in order
    assert page.get_by_test_id("page-number").inner_text() == "Page 6"
    keys.go("b")
    assert page.get_by_test_id("page-number").inner_text() == "Page 5"
    keys.go("Enter")
    assert page.get_by_test_id("page-number").inner_text() == "Page 6"
    assert db.scalar(select(Interview.answers))["sat"] == {
        "delivery": 5,
        "installation": 4,
        "staff": 4,
        "value": 3,
    }


# Quick entries of the call-back, read on the respondent's today by the server's clock
# (Monday 30 November 2026 in Madrid), whatever the browser's own date.
DATES = [
    ("+0", "2026-11-30"),
    ("+1", "2026-12-01"),
    ("+31", "2026-12-31"),
    ("1/12", "2026-12-01"),
    ("30/11", "2026-11-30"),
    ("29/11", "2027-11-29"),  # already past this year: the next one
    ("1.12.26", "2026-12-01"),
    ("2026-12-01", "2026-12-01"),
]
TIMES = [("1930", "19:30"), ("9", "09:00"), ("19.30", "19:30"), ("7:05", "07:05")]


def test_call_back_quick_entries_are_read_as_the_server_expects(workstation, db):
    keys = workstation(LIBRARY / "customer_satisfaction.yaml")
    page = keys.page
    keys.go("n")
    keys.press("5")
    date, start = page.locator("[data-callback-date]"), page.locator("[data-callback-time]")
    for typed, expected in DATES:
        keys.press("Control+a")
        keys.type(typed)
        keys.press("Tab", "Shift+Tab")  # leaving the field reads it
        assert (typed, date.input_value()) == (typed, expected)
    keys.press("Tab")
    for typed, expected in TIMES:
        keys.press("Control+a")
        keys.type(typed)
        keys.press("Tab", "Shift+Tab")
        assert (typed, start.input_value()) == (typed, expected)
    keys.press("Shift+Tab", "Control+a")
    keys.type("31/11")  # no such day: left as typed, marked, and refused by the server
    keys.press("Tab")
    assert (date.input_value(), date.get_attribute("aria-invalid")) == ("31/11", "true")
    keys.go("Enter")
    assert "Date: Not a valid date value." in page.locator("#callback").inner_text()
    assert db.scalar(select(Appointment)) is None


def test_in_a_number_box_the_letter_keys_are_the_page_s_keys(workstation, db):
    keys = workstation(LIBRARY / "opinion_poll.yaml", district="Centro")
    page = keys.page
    keys.go("n")
    keys.go("s")
    keys.go("1", "Enter")  # resident: to the page of age and years in town
    keys.type("45")
    keys.press("r")  # Refused, in the box: the box emptied, no letter typed
    assert page.locator('input.answer[name="age"]').input_value() == ""
    assert page.locator('[data-question="age"] input[data-special="ref"]').is_checked()
    keys.type("46")  # typing again takes the Refused back
    assert not page.locator('[data-question="age"] input[data-special="ref"]').is_checked()
    keys.go("b")  # Back, from the box
    assert page.get_by_test_id("page-number").inner_text() == "Page 1"
    keys.go("Enter")
    keys.press("x")  # the stop form, from the box
    assert page.locator("#stop").get_attribute("open") is not None
