"""The client's view: only their own projects, with progress and an honest files section."""

import pytest

from cati.fieldwork import dispatch, projects
from cati.fieldwork.disposition import record_outcome
from cati.fieldwork.quota_setup import add_quota
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import client_company, make_user


@pytest.fixture
def studies(app, db, login_as):
    """A client on "Aurora" with some fieldwork done; another client's "Boreal" beside it."""
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    aurora, boreal = client_company(db, "Aurora"), client_company(db, "Boreal")
    me = login_as("client", organisation=aurora)
    mine = make_project(db, name="Aurora Hogar", client_organisation=aurora)
    theirs = make_project(db, name="Boreal Seguros", client_organisation=boreal)
    projects.assign(db, mine, me)
    projects.assign(db, theirs, make_user(db, "client", organisation=boreal))
    make_cases(db, mine, n=4, sample_vars={"region": "Madrid"})
    add_quota(db, mine, "Madrid", {"region": ["Madrid"]}, 10)
    make_cases(db, theirs, n=2)
    interviewer = make_user(db, "interviewer")
    projects.assign(db, mine, interviewer)
    for outcome in ("COMPLETE", "REFUSAL_HARD", "NO_ANSWER"):
        claim = dispatch.next_case(db, mine, interviewer, now=MONDAY_10)
        record_outcome(db, claim.case, interviewer, outcome, now=MONDAY_10)
    return mine, theirs


def test_the_list_shows_only_the_clients_own_projects(client, studies):
    mine, theirs = studies
    page = client.get("/client/").get_data(as_text=True)
    assert mine.name in page
    assert theirs.name not in page and theirs.code not in page


def test_another_clients_project_answers_403_and_an_unknown_one_404(client, studies):
    _, theirs = studies
    response = client.get(f"/client/{theirs.code}/")
    assert response.status_code == 403
    assert theirs.name not in response.get_data(as_text=True)
    assert client.get("/client/NO-SUCH/").status_code == 404


def test_the_project_page_shows_progress_quotas_rates_and_field_dates(client, studies):
    mine, _ = studies
    page = client.get(f"/client/{mine.code}/").get_data(as_text=True)
    assert "in the field since 30 Nov 2026" in page
    assert "last call 30 Nov 2026 10:00" in page
    assert "1 / 10" in page  # the Madrid quota
    # 4 released cases: a complete (I), a refusal (R), a no answer and one not called yet
    # (both UH). e = (I + R) / (I + R) = 1, so RR3 = I / (I + R + e·UH) = 1/4 and
    # CON2 = (I + R) / (I + R + e·UH) = 2/4.
    assert "25.0 %" in page and "50.0 %" in page
    assert "The research team has not released files yet" in page


def test_a_client_without_projects_sees_an_empty_state(client, login_as, app):
    other = app.test_client()
    assert other.get("/client/").status_code == 302  # not logged in
    login_as("client")
    page = client.get("/client/").get_data(as_text=True)
    assert "No study shared with you yet" in page
