"""The `cati` command line, run against each backend."""

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cati import cli, demo, interviewing, questionnaire_store
from cati.db import utcnow
from cati.errors import CatiError
from cati.fieldwork import dispatch, inbound, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import AuditEntry, Case, Interview, Project, User
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.conftest import TEST_PASSWORD, make_user

COMMANDS = [
    "db",
    "demo",
    "dnc",
    "export",
    "jobs",
    "privacy",
    "project",
    "questionnaire",
    "quota",
    "sample",
    "serve",
    "sweep",
    "users",
]


@pytest.fixture
def run(database_url, tmp_path, monkeypatch, app):
    """Invoke `cati …` with the test database; `app` empties it afterwards."""
    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()

    def invoke(*args, input=None):
        return CliRunner().invoke(cli.main, list(args), input=input, catch_exceptions=False)

    yield invoke
    cli._app.cache_clear()


def test_help_lists_every_command():
    result = CliRunner().invoke(cli.main, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"  {command} " in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["db", "--help"],
        ["db", "upgrade", "--help"],
        ["users", "create", "--help"],
        ["users", "list", "--help"],
        ["users", "set-password", "--help"],
        ["users", "disable", "--help"],
        ["serve", "--help"],
        ["demo", "--help"],
    ],
)
def test_every_command_has_help(args):
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 0
    assert "Usage: main" in result.output or "Usage: cati" in result.output


def test_users_create_list_set_password_disable(run, db):
    created = run(
        "users",
        "create",
        "rosa",
        "--role",
        "researcher",
        "--name",
        "Rosa",
        "--password",
        TEST_PASSWORD,
    )
    assert created.exit_code == 0, created.output
    listing = run("users", "list")
    assert "rosa" in listing.output and "researcher" in listing.output
    assert run("users", "set-password", "rosa", "--password", "a new long secret").exit_code == 0
    assert run("users", "disable", "rosa").exit_code == 0
    user = db.scalar(select(User).where(User.username == "rosa"))
    assert user.active is False
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.create", "user.set_password", "user.disable"]


def test_organisations_from_the_command_line(run, db):
    pw = ("--password", TEST_PASSWORD)
    assert "Created client organisation Acme." in run("users", "add-organisation", "Acme").output
    run("users", "add-organisation", "Boreal")
    taken = run("users", "add-organisation", "ACME")
    assert taken.exit_code == 1 and "E1151" in taken.output
    alone = run("users", "create", "ana", "--role", "client", *pw)
    assert alone.exit_code == 1 and "E1155" in alone.output
    made = run("users", "create", "ana", "--role", "client", "--organisation", "acme", *pw)
    assert "Created client ana of Acme." in made.output
    assert "of Agency" in run("users", "create", "rosa", "--role", "researcher", *pw).output
    listing = run("users", "organisations").output.splitlines()
    assert listing[1].split() == ["Agency", "agency", "1", "-"]
    assert listing[2].split() == ["Acme", "client", "1", "0"]
    assert "Acme" in run("users", "list").output
    created = run("project", "create", "A1", "--name", "A", "--client-organisation", "Acme")
    assert created.exit_code == 0, created.output
    run("project", "create", "B1", "--name", "B", "--client-organisation", "Boreal")
    assert run("project", "assign", "A1", "ana", "rosa").exit_code == 0
    refused = run("project", "assign", "B1", "ana")
    assert refused.exit_code == 1 and "E1156 ana belongs to Acme" in refused.output
    moved = run("users", "set-organisation", "ana", "Boreal")
    assert "ana now belongs to Boreal." in moved.output
    assert "Taken off the projects of the old organisation: A1." in moved.output
    assert run("project", "assign", "B1", "ana").exit_code == 0
    staff = run("users", "set-organisation", "rosa", "Boreal")
    assert staff.exit_code == 1 and "E1154" in staff.output
    renamed = run("users", "rename-organisation", "agency", "Encuestas del Sur")
    assert renamed.exit_code == 0 and "Encuestas del Sur" in run("users", "organisations").output
    unknown = run("project", "create", "C1", "--name", "C", "--client-organisation", "Nobody")
    assert unknown.exit_code == 1 and "There is no organisation named Nobody." in unknown.output
    refusals = db.scalars(select(AuditEntry).where(AuditEntry.action == "project.assign_refused"))
    assert [(e.actor, e.details["username"]) for e in refusals] == [("cli", "ana")]


def test_password_is_prompted_twice_when_not_given(run, db):
    result = run(
        "users",
        "create",
        "sam",
        "--role",
        "supervisor",
        input=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert db.scalar(select(User.role).where(User.username == "sam")) == "supervisor"


def test_a_refused_user_exits_non_zero_with_the_reason(run, db):
    result = run("users", "create", "sam", "--role", "supervisor", "--password", "short")
    assert result.exit_code == 1
    assert "E1105" in result.output and "at least 12 characters" in result.output
    assert db.scalars(select(User)).all() == []


def test_unknown_user_is_named_in_the_error(run):
    result = run("users", "disable", "nobody")
    assert result.exit_code == 1
    assert "There is no user named nobody." in result.output


def test_serve_refuses_a_database_that_is_not_upgraded(tmp_path, monkeypatch):
    monkeypatch.setenv("CATI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()
    try:
        result = CliRunner().invoke(cli.main, ["serve"])
    finally:
        cli._app.cache_clear()
    assert result.exit_code == 1
    assert "cati db upgrade" in result.output


def test_demo_creates_one_user_per_role_once(tmp_path, monkeypatch):
    monkeypatch.setenv("CATI_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()
    try:
        first = CliRunner().invoke(cli.main, ["demo", "--no-serve"])
        second = CliRunner().invoke(cli.main, ["demo", "--no-serve"])
    finally:
        cli._app.cache_clear()
    assert first.exit_code == 0, first.output
    assert "Database (created)" in first.output
    assert "Database (reused)" in second.output
    assert "Demo project DEMO-CSAT" in first.output
    assert "Demo project" not in second.output
    for role in ["admin", "researcher", "supervisor", "interviewer", "client"]:
        assert role in first.output


SAMPLE = """case_id,phone,region,district
S1,+1 202 555 0111,north,centre
S2,+1 202 555 0112,south,harbour
"""


def test_project_create_with_sample_release_assign_and_show(run, tmp_path, db):
    sample = tmp_path / "sample.csv"
    sample.write_text(SAMPLE)
    run("users", "create", "ines", "--role", "interviewer", "--password", TEST_PASSWORD)
    questionnaire = Path(__file__).parents[2] / "questionnaires/library/opinion_poll.yaml"
    created = run(
        "project",
        "create",
        "OMNI",
        "--name",
        "Omnibus",
        "--sample",
        str(sample),
        "--questionnaire",
        str(questionnaire),
    )
    assert created.exit_code == 0, created.output
    assert "Imported 2 cases" in created.output
    assert "Pinned questionnaire opinion_poll" in created.output
    assert run("project", "assign", "OMNI", "ines").exit_code == 0
    released = run("project", "release", "OMNI", "1")
    assert "2 cases" in released.output
    shown = run("project", "show", "OMNI")
    assert "active" in shown.output and "       2" in shown.output


def test_a_bad_sample_lists_every_problem_and_creates_no_project(run, tmp_path, db):
    from cati.models import Project

    sample = tmp_path / "bad.csv"
    sample.write_text("case_id,phone\nS1,123\nS1,+1 202 555 0111\n")
    result = run("project", "create", "BAD", "--name", "Bad", "--sample", str(sample))
    assert result.exit_code == 1
    assert "bad.csv, row 2, column 'phone'" in result.output
    assert "bad.csv, row 3: E2304 case id S1 appears again" in result.output
    assert "nothing was imported" in result.output
    assert db.scalars(select(Project)).all() == []


def test_a_sample_is_typed_by_the_questionnaire_the_project_pins(run, tmp_path, db):
    brand = Path(__file__).parents[2] / "questionnaires/library/brand_awareness.yaml"
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,phone,region,age_group\nS1,+1 202 555 0111,north,35-54\n")
    result = run(
        "project",
        "create",
        "BRAND",
        "--name",
        "Brands",
        "--questionnaire",
        str(brand),
        "--sample",
        str(bad),
    )
    assert result.exit_code == 1
    assert "bad.csv, row 2, column 'age_group'" in result.output
    assert "'35-54' is not a number" in result.output
    assert db.scalars(select(Case)).all() == []
    good = tmp_path / "good.csv"
    good.write_text("case_id,phone,region,age_group\nS1,+1 202 555 0111,north,3\n")
    imported = run("project", "import-sample", "BRAND", str(good))
    assert imported.exit_code == 0, imported.output
    db.expire_all()
    assert db.scalar(select(Case.sample_vars)) == {"region": "north", "age_group": 3}


def test_dnc_add_normalizes_and_counts(run):
    first = run("dnc", "add", "+1 202 555 0160", "(202) 555-0161", "--region", "US")
    assert "Added 2 number(s); 0 were already listed." in first.output
    again = run("dnc", "add", "+12025550160", "--region", "US")
    assert "Added 0 number(s); 1 were already listed." in again.output
    bad = run("dnc", "add", "12", "--region", "US")
    assert bad.exit_code == 1 and "Do-not-call number 1" in bad.output


def test_sweep_closes_untouched_interviews_and_frees_lapsed_claims(run, db):
    library = Path(__file__).parents[2] / "questionnaires/library"
    an_hour_ago = utcnow() - timedelta(hours=1)
    project = make_project(db, rules={"windows": demo.DEMO_WINDOWS})
    questionnaire_store.pin(db, project, library / "customer_satisfaction.yaml")
    make_cases(db, project, n=2, now=an_hour_ago)
    gone, idle = make_user(db, "interviewer"), make_user(db, "interviewer")
    for user in (gone, idle):
        projects.assign(db, project, user)
    case = dispatch.next_case(db, project, gone, now=an_hour_ago).case
    interviewing.start_by_phone(db, case, gone, an_hour_ago, None)
    dispatch.next_case(db, project, idle, now=an_hour_ago)
    result = run("sweep")
    assert result.exit_code == 0, result.output
    assert (
        "Closed 1 interview(s) left untouched, released 1 lapsed claim(s), "
        "flagged 0 missed appointment(s), deleted 0 old log-in session(s)."
    ) in result.output
    db.expire_all()
    assert db.scalar(select(Interview.outcome)) == interviewing.UNTOUCHED
    assert db.scalar(select(Case.id).where(Case.claimed_by_id.is_not(None))) is None


def test_quota_add_list_remove_a_crossed_cell_and_a_typo_refused(run, db):
    project = make_project(db, code="QCLI")
    make_cases(db, project, n=2, sample_vars={"region": "Madrid", "sex": "f"}, release=False)
    make_cases(db, project, sample_vars={"region": "Andalucía", "sex": "f"}, release=False)
    cell = ("--cell", "region=Madrid, Andalucía", "--cell", "sex=f")
    added = run("quota", "add", "QCLI", "women", *cell, "--target", "10", "--over-percent", "20")
    assert added.exit_code == 0, added.output
    assert "QCLI: quota women added: region=Madrid,Andalucía x sex=f." in added.output
    typo = run("quota", "add", "QCLI", "men", "--cell", "region=Madird", "--target", "5")
    assert typo.exit_code == 1
    assert (
        "E2404 Quota men, region: Madird is not one of its values. Known: Andalucía, Madrid."
        in (typo.output)
    )
    listed = run("quota", "list", "QCLI")
    assert listed.output == (
        "women: region=Madrid,Andalucía x sex=f | sample cases 3 | 0/10, 10 needed | "
        "soft, closes at 12\n"
    )
    assert run("quota", "remove", "QCLI", "women").output == "QCLI: quota women removed.\n"
    assert run("quota", "list", "QCLI").output == "QCLI has no quotas.\n"
    gone = run("quota", "remove", "QCLI", "women")
    assert gone.exit_code == 1 and "QCLI has none so named" in gone.output


def test_project_reopen_gives_a_closed_case_back_its_phones_audited(run, db):
    project = make_project(db, rules={"max_attempts_case": 1, "max_attempts_phone": 1})
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project)
    inbound.claim_inbound(db, project, interviewer, case.external_id)  # windows or not
    record_outcome(db, case, interviewer, "NO_ANSWER")
    assert case.final_outcome == "MAX_ATTEMPTS"
    refused = run("project", "reopen", project.code, "NOPE", "--reason", "x")
    assert refused.exit_code != 0 and "NOPE" in refused.output
    result = run("project", "reopen", project.code, case.external_id, "--reason", "called in")
    assert result.exit_code == 0, result.output
    assert "1 exhausted number" in result.output
    db.expire_all()
    reopened = db.get(Case, case.id)
    assert (reopened.state, reopened.phones[0].status) == ("active", "active")
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "case.reopen"))
    assert (entry.actor, entry.details["reason"]) == ("cli", "called in")


def test_project_inbound_lists_waiting_calls_and_sets_new_cases(run, db):
    project = make_project(db)
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    with pytest.raises(CatiError):
        inbound.claim_inbound(db, project, interviewer, "+1 840 555 0196", note="volunteer")
    result = run("project", "inbound", project.code, "--new-cases")
    assert result.exit_code == 0, result.output
    assert "may become new cases" in result.output
    assert "+18405550196" in result.output and "volunteer" in result.output
    db.expire_all()
    assert db.get(Project, project.id).inbound_new_cases
