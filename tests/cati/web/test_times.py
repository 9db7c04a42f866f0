"""Every time on every page names its zone: the pages an interviewer, a supervisor, a
researcher and an admin read are scanned for a clock time without a zone after it; the case
page gives the respondent's time and the supervisor's own, and shows the case's
appointments (a missed one as missed)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from cati.errors import CatiError
from cati.fieldwork import dispatch, inbound, presence, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import Appointment, User
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.web.interviews import by_phone, project_with
from tests.cati.web.test_library_interviews import LIBRARY
from tests.conftest import make_user, post_login

# A clock time, then what must follow it: a zone abbreviation (CET, EST, UTC) or offset.
CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
ZONE_AFTER = re.compile(r"\s*(?:–\s*\d{1,2}:\d{2}\s*)?(?:[A-Z]{2,5}\b|[+-]\d{2,4}\b)")
# What is not shown as text: scripts, styles, form values (the rules' YAML), attributes;
# and what one types (<kbd>19:30</kbd> in a hint), which is no time of day.
HIDDEN = re.compile(r"<(script|style|textarea|kbd)\b.*?</\1>|<[^>]+>", re.S)


def unlabelled_times(page: str) -> list[str]:
    text = HIDDEN.sub(" ", page)
    return [
        " ".join(text[max(0, m.start() - 30) : m.end() + 10].split())
        for m in CLOCK.finditer(text)
        if not ZONE_AFTER.match(text, m.end())
    ]


def test_the_scanner_finds_a_bare_time_and_passes_labelled_ones():
    assert unlabelled_times("<td>02 Dec 11:00</td>") == ["02 Dec 11:00"]
    labelled = "<td>Wed 02 Dec 10:00 EST · yours 16:00 CET</td><p>10:00:05 +03</p>"
    assert unlabelled_times(labelled) == []


@pytest.fixture
def field(app, db):
    """A Madrid project; a New York respondent called once, with an appointment booked."""
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project = make_project(db, name="Movilidad")
    interviewer = make_user(db, "interviewer", full_name="Inés García", time_zone="Europe/Madrid")
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project, time_zone="America/New_York")
    other = make_project(db, name="Otra")
    projects.assign(db, other, interviewer)
    (elsewhere,) = make_cases(db, other, time_zone="America/New_York")
    now = MONDAY_10 + timedelta(hours=6)  # 16:00 in Madrid, 10:00 in New York
    presence.set_status(db, interviewer, "available", now - timedelta(hours=1))
    claim = dispatch.next_case(db, project, interviewer, now=now)
    assert claim is not None and claim.case.id == case.id
    record_outcome(db, case, interviewer, "BUSY", now=now)
    db.add(
        Appointment(
            case_id=case.id,
            kind="soft",
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=1),
            interviewer_id=interviewer.id,
            notes="Ask for Ana",
        )
    )
    with pytest.raises(CatiError):  # an unknown caller waits for a supervisor
        inbound.claim_inbound(db, project, interviewer, "+1 840 555 0197", now=now)
    # The interviewer is now on a case of the other project.
    presence.set_status(db, interviewer, "on_call", now, case_id=elsewhere.id)
    db.commit()
    return project, case, elsewhere, other


def test_the_supervisors_pages_name_the_zone_of_every_time(client, db, field):
    project, case, elsewhere, other = field
    supervisor = make_user(db, "supervisor", time_zone="Europe/Madrid")
    projects.assign(db, project, supervisor)
    post_login(client, supervisor.username)
    pages = {
        url: client.get(url).get_data(as_text=True)
        for url in (
            f"/supervisor/{project.code}/",
            f"/supervisor/{project.code}/cases",
            f"/supervisor/case/{case.id}",
            f"/supervisor/{project.code}/quality",
            f"/supervisor/{project.code}/inbound",
        )
    }
    assert {url: unlabelled_times(page) for url, page in pages.items()} == {
        url: [] for url in pages
    }
    listed = pages[f"/supervisor/{project.code}/cases"]
    assert re.search(r"\d{2}:\d{2} EST · yours (\w{3} )?\d{2}:\d{2} CET", listed)
    page = pages[f"/supervisor/case/{case.id}"]
    table = page[page.index('data-testid="appointments"') :]
    # 10:00 tomorrow in New York is 16:00 in Madrid; the owner and the note show.
    assert "Tue 01 Dec 10:00 EST · yours 16:00 CET – 11:00 EST" in table
    assert "Inés García" in table and "Ask for Ana" in table
    assert "Mon 30 Nov 16:00 CET" in pages[f"/supervisor/{project.code}/inbound"]
    monitor = pages[f"/supervisor/{project.code}/"]
    assert f"{elsewhere.external_id} ({other.code})" in monitor


def test_the_researchers_and_the_admins_pages_name_the_zone_of_every_time(app, db, field):
    project = field[0]
    researcher, admin = make_user(db, "researcher"), make_user(db, "admin")
    projects.assign(db, project, researcher)
    as_researcher, as_admin = app.test_client(), app.test_client()
    post_login(as_researcher, researcher.username)
    post_login(as_admin, admin.username)
    page = as_researcher.get(f"/research/{project.code}/").get_data(as_text=True)
    assert unlabelled_times(page) == []
    for url in ("/admin/", "/admin/audit", f"/admin/users/{researcher.id}"):
        assert unlabelled_times(as_admin.get(url).get_data(as_text=True)) == [], url


def test_the_interviewers_pages_name_the_zone_of_every_time(client, db, field):
    """The workstation, the case screen (the call history and appointments) of a New York
    case seen from Madrid."""
    case = field[1]
    interviewer = db.scalar(select(User).where(User.full_name == "Inés García"))
    presence.set_status(db, interviewer, "available", MONDAY_10)
    case.claimed_by_id, case.claimed_at = interviewer.id, MONDAY_10
    db.commit()
    post_login(client, interviewer.username)
    pages = {
        url: client.get(url).get_data(as_text=True)
        for url in ("/interviewer/", f"/interviewer/case/{case.id}")
    }
    assert {url: unlabelled_times(page) for url, page in pages.items()} == {
        url: [] for url in pages
    }
    history = pages[f"/interviewer/case/{case.id}"]
    assert re.search(r"Respondent: \w{3} \d{2}:\d{2} EST", history)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_interview_page_names_the_zone_of_every_time(app, client, db, language):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project, _ = project_with(db, LIBRARY / "opinion_poll.yaml")
    url = by_phone(client, db, project, language)
    page = client.get(url).get_data(as_text=True)
    assert 'id="callback"' in page  # the stop form's call-back, with its hints
    assert unlabelled_times(page) == []


def test_a_missed_appointment_shows_as_missed_on_the_case_pages(app, client, db, field):
    project, case = field[0], field[1]
    window_end = MONDAY_10 + timedelta(days=1, hours=7)  # the fixture's soft call-back
    assert dispatch.mark_missed_appointments(db, now=window_end + timedelta(minutes=61)) == 1
    supervisor = make_user(db, "supervisor", time_zone="Europe/Madrid")
    projects.assign(db, project, supervisor)
    post_login(client, supervisor.username)
    page = client.get(f"/supervisor/case/{case.id}").get_data(as_text=True)
    assert '<td data-status="missed">missed</td>' in page
    interviewer = db.scalar(select(User).where(User.full_name == "Inés García"))
    case.claimed_by_id, case.claimed_at = interviewer.id, MONDAY_10
    db.commit()
    as_interviewer = app.test_client()
    post_login(as_interviewer, interviewer.username)
    page = as_interviewer.get(f"/interviewer/case/{case.id}").get_data(as_text=True)
    assert "missed: not called in time" in page
