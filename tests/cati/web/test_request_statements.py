"""What the interviewer's busiest requests cost the database, pinned as statement counts:
a count is the same on every run (the CPU time is measured by benchmarks/request_cost.py,
never asserted). Each request is counted once the process has built the engine and copied
the project, as in a server that has been answering for a while."""

import random

import pytest
from sqlalchemy import select

from benchmarks.statements import counted
from cati.fieldwork import catalogue, project_cache, projects, quota_setup
from cati.models import CallAttempt, Case, Interview, Project, StatusSpell
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases
from tests.cati.web.test_interview_pages import on_case, page_data, start  # noqa: F401
from tests.conftest import csrf_token

# A page submit: the session and its user; the interview with its case, the project's
# revision, the questionnaire's checksum and the membership; the page stored by the
# UPDATE that takes its turn; its paradata. (The claim is written once a minute.)
PAGE_SUBMIT = 4
# Next case (11): the session; the project with the membership; the interviews left
# untouched; the case held; the candidates and their phones (2); the numbers' do-not-call
# and frequency cap; the claim; its audit entry; the status (2). No answer (9): the
# session; the case with its phones and project; the status (2); the call's history;
# the case, the attempt, the phone; the audit entry.
NEXT_CASE_AND_NO_ANSWER = 20


def test_a_page_submit_costs_four_statements(app, client, db, on_case):  # noqa: F811
    _, project = on_case
    url = start(client, project)
    rng = random.Random(4)
    bought = {"purchase_confirmed": "1"}  # the interview goes on past its second page
    assert client.post(url, data=page_data(client, db, url, rng)).status_code == 302
    engine = app.extensions["cati.engine"]
    for _ in range(2):
        data = page_data(client, db, url, rng, bought)
        with counted(engine) as sent:
            assert client.post(url, data=data).status_code == 302
        assert len(sent) == PAGE_SUBMIT, str(sent)
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    assert interview.seq == 3 and "nps" in interview.answers  # each page stored


@pytest.fixture
def calling(app, db, login_as):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = login_as("interviewer")
    project = projects.create_project(db, "CALLS", "Calls")
    projects.assign(db, project, user)
    make_cases(db, project, n=3, sample_vars={"region": "north"})
    return user, project


def call(client, project, engine):
    """Next case, then No answer on the case screen; the two POSTs counted."""
    token = csrf_token(client, "/interviewer/")
    with counted(engine) as claimed:
        response = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token})
    case_url = response.headers["Location"]
    data = {"csrf_token": csrf_token(client, case_url), "outcome": "NO_ANSWER"}
    with counted(engine) as closed:
        assert client.post(case_url, data=data).status_code == 302
    return claimed, closed


def test_next_case_and_a_no_answer_cost_twenty_statements(app, client, db, calling):
    _, project = calling
    engine = app.extensions["cati.engine"]
    call(client, project, engine)  # the project copied, the templates compiled
    for _ in range(2):
        claimed, closed = call(client, project, engine)
        assert len(claimed) + len(closed) == NEXT_CASE_AND_NO_ANSWER, f"{claimed}\n--\n{closed}"
    attempts = db.scalars(select(CallAttempt.outcome)).all()
    assert attempts == ["NO_ANSWER"] * 3
    assert db.scalar(select(Case).where(Case.claimed_by_id.is_not(None))) is None
    statuses = db.scalars(select(StatusSpell.status).order_by(StatusSpell.id)).all()
    assert statuses[-6:] == ["on_call", "available"] * 3


def verified(app, project):
    """A session that read the project's revision, as a request does."""
    session = app.extensions["cati.sessionmaker"]()
    revision = session.scalar(select(Project.revision).where(Project.id == project.id))
    return session, project_cache.project(session, project.id, revision)


def test_the_copy_of_a_project_is_used_while_its_revision_holds(app, db, calling):
    _, project = calling
    engine = app.extensions["cati.engine"]
    with verified(app, project)[0]:
        pass  # a first request copies the project
    session, copy = verified(app, project)
    with session, counted(engine) as sent:
        assert copy.code == "CALLS" and "NO_ANSWER" in catalogue.by_code(session, copy)
        catalogue.by_code(session, copy)
    assert len(sent) == 1  # the catalogue, read once for the process and copied


def test_a_change_to_outcomes_rules_or_cells_is_seen_by_the_next_request(app, db, calling):
    _, project = calling
    session, copy = verified(app, project)
    with session:
        assert catalogue.by_code(session, copy)["NO_ANSWER"].active
    before = db.scalar(select(Project.revision).where(Project.id == project.id))
    catalogue.set_active(db, project, "NO_ANSWER", False)
    after_outcome = db.scalar(select(Project.revision).where(Project.id == project.id))
    assert after_outcome != before
    session, copy = verified(app, project)
    with session:
        assert not catalogue.by_code(session, copy)["NO_ANSWER"].active
    projects.set_rules(db, project, {"claim_minutes": 45})
    session, copy = verified(app, project)
    with session:
        assert projects.rules_of(copy).claim_minutes == 45
    quota = quota_setup.add_quota(db, project, "north", {"region": ["north"]}, 1)
    after_quota = db.scalar(select(Project.revision).where(Project.id == project.id))
    assert after_quota != after_outcome
    quota.achieved += 1  # a complete's count alone keeps the copies
    db.commit()
    assert db.scalar(select(Project.revision).where(Project.id == project.id)) == after_quota
