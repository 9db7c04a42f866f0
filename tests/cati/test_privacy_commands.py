"""`cati privacy …` and the --not-personal import option, run against each backend."""

from datetime import timedelta

from sqlalchemy import select

from cati.fieldwork import dispatch, projects
from cati.fieldwork.cases import release_replicate
from cati.fieldwork.disposition import record_outcome
from cati.models import AuditEntry, Case, DoNotCall, Project
from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.test_cli import run  # noqa: F401  (the fixture)
from tests.conftest import make_user

SAMPLE = """case_id,phone,name,region
S1,+1 202 555 0111,Ana (fictional),north
S2,+1 202 555 0112,Luis (fictional),south
"""


def imported(run, tmp_path, *options):  # noqa: F811
    sample = tmp_path / "sample.csv"
    sample.write_text(SAMPLE)
    return run("project", "create", "PRIV", "--name", "Privacy", "--sample", str(sample), *options)


def test_import_marks_analysis_variables_and_fields_shows_them(run, tmp_path, db):  # noqa: F811
    assert imported(run, tmp_path, "--not-personal", "region").exit_code == 0
    shown = run("privacy", "fields", "PRIV").output
    assert "name" in shown and "region                         not personal" in shown
    changed = run("privacy", "fields", "PRIV", "--not-personal", "")
    assert "region                         personal" in changed.output
    wrong = run("privacy", "fields", "PRIV", "--not-personal", "regoin")
    assert wrong.exit_code == 1 and "regoin is not a sample variable" in wrong.output


def test_a_mark_for_an_unknown_column_creates_no_project(run, tmp_path, db):  # noqa: F811
    result = imported(run, tmp_path, "--not-personal", "age")
    assert result.exit_code == 1 and "age is not a sample variable" in result.output
    assert db.scalars(select(Project)).all() == []


def test_retention_is_set_cleared_and_checked(run, tmp_path, db):  # noqa: F811
    imported(run, tmp_path)
    assert "kept 30 days after finalization" in run("privacy", "retention", "PRIV", "30").output
    assert "until erased by hand" in run("privacy", "retention", "PRIV", "none").output
    for bad in ("36501", "soon"):
        result = run("privacy", "retention", "PRIV", bad)
        assert result.exit_code == 1 and "whole number of days" in result.output


def test_erase_removes_the_case_personal_data_once_and_can_list_its_number(
    run,  # noqa: F811
    tmp_path,
    db,
):
    imported(run, tmp_path, "--not-personal", "region")
    erased = run("privacy", "erase", "PRIV", "S1", "--reason", "request 41", "--do-not-call")
    assert erased.exit_code == 0, erased.output
    assert "personal variables: name" in erased.output and "1 phone number(s)" in erased.output
    case = db.scalar(select(Case).where(Case.external_id.like("erased-%")))
    assert case.sample_vars == {"region": "north"}
    assert list(db.scalars(select(DoNotCall.number))) == ["+12025550111"]
    again = run("privacy", "erase", "PRIV", f"erased-{case.id}", "--reason", "request 41")
    assert "already erased; nothing changed" in again.output
    missing = run("privacy", "erase", "PRIV", "S9", "--reason", "x")
    assert missing.exit_code == 1 and "No case matches S9" in missing.output
    (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert entry.actor == "cli" and entry.details["reason"] == "request 41"


def test_purge_counts_in_a_dry_run_and_erases_for_real(run, tmp_path, db, app):  # noqa: F811
    imported(run, tmp_path)
    run("privacy", "retention", "PRIV", "0")
    project = db.scalar(select(Project))
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    # The command judges by the real clock; 16:00 in Madrid is 10:00 in Washington, the
    # cases' zone (inferred from their +1 202 numbers).
    weeks_ago = MONDAY_10 - timedelta(weeks=4) + timedelta(hours=6)
    release_replicate(db, project, 1, now=weeks_ago)
    claim = dispatch.next_case(db, project, interviewer, now=weeks_ago)
    record_outcome(db, claim.case, interviewer, "REFUSAL_HARD", now=weeks_ago)
    dry = run("privacy", "purge", "--dry-run")
    assert "1 case(s) past retention; nothing erased" in dry.output
    assert db.scalar(select(Case.erased_at).where(Case.id == claim.case.id)) is None
    real = run("privacy", "purge", "--project", "PRIV")
    assert "Erased the personal data of 1 case(s)." in real.output
    assert "Erased the personal data of 0 case(s)." in run("privacy", "purge").output
    assert run("privacy", "purge", "--project", "NOPE").exit_code == 1
