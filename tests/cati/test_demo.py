"""The demo `make demo` builds has cases to work whenever a newcomer starts it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cati import accounts, demo
from cati.fieldwork import dispatch, projects
from cati.models import Case, Project
from tests.conftest import TEST_HASH_METHOD

BUILT = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # a Wednesday, 04:00 in Madrid


@pytest.fixture
def built(db):
    demo.ensure_demo_users(db, TEST_HASH_METHOD)
    project = demo.ensure_demo_project(db, BUILT)
    return project, accounts.find_user(db, "interviewer")


def test_the_demo_has_due_cases_at_any_hour_and_n_hands_one_out(db, built):
    project, interviewer = built
    # The day after it was built, and a Sunday two weeks on (a newcomer coming back to it).
    days = (BUILT + timedelta(days=1), BUILT + timedelta(days=11))
    for moment in (day.replace(hour=hour) for day in days for hour in (0, 6, 12, 18, 23)):
        due = dispatch.due_now(db, project, interviewer, moment)
        assert due > 0, moment
        claim = dispatch.take_next(db, interviewer, now=moment)
        assert claim is not None and claim.case.project_id == project.id, moment
        assert dispatch.due_now(db, project, interviewer, moment) == due - 1
        dispatch.release_claim(db, claim.case, by=interviewer)


def test_a_demo_built_with_daytime_windows_gets_round_the_clock_ones_when_started(db, built):
    project, interviewer = built
    daytime = {d: [{"start": "08:00", "end": "22:00"}] for d in demo.DEMO_WINDOWS}
    night = BUILT.replace(hour=23)  # midnight in Madrid
    projects.set_rules(db, project, {**project.rules, "windows": daytime}, now=BUILT)
    assert dispatch.due_now(db, project, interviewer, night) == 0
    assert demo.ensure_demo_project(db, night) is None  # `make demo` again: reused
    db.expire_all()
    stored = db.get(Project, project.id)
    assert stored.rules["windows"]["sun"] == [{"start": "00:00:00", "end": "23:59:59"}]
    assert dispatch.due_now(db, stored, interviewer, night) > 0
    assert db.scalar(select(Case.id).where(Case.next_call_at > night)) is None
