"""The researcher's console: a project from creation to its first replicate, and bad input."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from cati.models import AuditEntry, Case, CaseState, DoNotCall, Project, Quota
from tests.cati.web.conftest import SAMPLE, upload
from tests.conftest import csrf_token, make_user

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"


def test_a_project_is_created_and_listed_for_its_researcher(client, db, project_url):
    assert project_url == "/research/OMNI26/"
    assert "Ómnibus" in client.get("/research/").get_data(as_text=True)


def test_a_duplicate_code_is_refused_beside_the_field(client, project_url):
    token = csrf_token(client, "/research/")
    response = client.post(
        "/research/new",
        data={"csrf_token": token, "code": "OMNI26", "name": "Again", "time_zone": "UTC"},
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def settings(client, url, **changes):
    data = {"name": "Ómnibus", "client_name": "Acme", "time_zone": "Europe/Madrid"}
    data["client_organisation"] = ""
    data |= {"status": "setup", **changes, "csrf_token": csrf_token(client, url)}
    return client.post(f"{url}settings", data=data)


def test_the_project_settings_are_edited_and_audited(client, db, project_url):
    response = settings(client, project_url, name="Ómnibus 2026", status="paused")
    assert response.status_code == 302
    project = db.scalar(select(Project).where(Project.code == "OMNI26"))
    assert (project.name, project.status) == ("Ómnibus 2026", "paused")
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "project.update"))
    assert entry.details["status"] == ["setup", "paused"]
    assert "paused" in client.get(project_url).get_data(as_text=True)


def test_a_bad_time_zone_is_refused_beside_the_field_and_nothing_changes(client, db, project_url):
    response = settings(client, project_url, name="Renamed", time_zone="Europe/Madird")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Europe/Madird" in page and "IANA" in page
    project = db.scalar(select(Project).where(Project.code == "OMNI26"))
    db.refresh(project)
    assert (project.name, project.time_zone) == ("Ómnibus", "Europe/Madrid")


def test_a_new_project_with_a_bad_time_zone_is_refused(client, db, project_url):
    token = csrf_token(client, "/research/")
    data = {"csrf_token": token, "code": "NEW1", "name": "N", "time_zone": "Mars/Olympus"}
    response = client.post("/research/new", data=data)
    assert response.status_code == 400 and "Mars/Olympus" in response.get_data(as_text=True)
    assert db.scalar(select(Project).where(Project.code == "NEW1")) is None


def test_a_questionnaire_is_checked_pinned_and_previewed(client, db, project_url):
    source = (LIBRARY / "opinion_poll.yaml").read_bytes()
    response = upload(client, project_url, "questionnaire", "file", "poll.yaml", source)
    assert response.status_code == 302
    page = client.get(project_url).get_data(as_text=True)
    assert "opinion_poll" in page
    preview = client.get(f"{project_url}questionnaire/preview")
    assert (
        preview.status_code == 200
        and "script-src" not in preview.headers["Content-Security-Policy"]
    )


def test_a_broken_questionnaire_shows_its_problems_and_pins_nothing(client, db, project_url):
    bad = b"id: x\nversion: '1'\ntitle: t\nquestions:\n  - {id: q1, type: single, text: Q}\n"
    response = upload(client, project_url, "questionnaire", "file", "bad.yaml", bad)
    assert response.status_code == 400
    assert 'data-testid="problems"' in response.get_data(as_text=True)
    assert db.scalar(select(Project.questionnaire_version_id)) is None


def test_a_questionnaire_that_is_not_utf8_is_refused_naming_the_file(client, db, project_url):
    """Found by fuzzing: a Latin-1 YAML upload raised UnicodeDecodeError (a 500 page)."""
    latin1 = "id: encuesta\nversion: '1'\ntitle: Año\n".encode("latin-1")
    response = upload(client, project_url, "questionnaire", "file", "latin1.yaml", latin1)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "latin1.yaml" in text and "not UTF-8" in text
    assert db.scalar(select(Project.questionnaire_version_id)) is None


def test_an_empty_region_or_an_overlong_reason_is_shown_beside_its_field(client, project_url):
    """Found by fuzzing: these fields were refused with a 400 but no message on the page."""
    response = upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="")
    assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True)
    numbers = b"+1 202 555 0150\n"
    response = upload(client, project_url, "dnc", "file", "n.txt", numbers, reason="x" * 201)
    assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True)


@pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")
def test_staff_posted_without_a_user_is_refused_without_a_null_identity_lookup(client, project_url):
    """Found by fuzzing: a form without a user looked up User(None), which SQLAlchemy warns will
    become an error."""
    token = csrf_token(client, project_url)
    response = client.post(f"{project_url}staff", data={"csrf_token": token})
    assert response.status_code == 400


def test_a_sample_is_imported_and_a_replicate_released(client, db, project_url):
    response = upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(Case)) == 2
    token = csrf_token(client, project_url)
    client.post(f"{project_url}release/1", data={"csrf_token": token})
    assert set(db.scalars(select(Case.state))) == {CaseState.ACTIVE}


def test_a_bad_sample_lists_rows_and_imports_nothing(client, db, project_url):
    bad = b"case_id,phone\nA1,12\nA1,+1 202 555 0101\n"
    response = upload(client, project_url, "sample", "file", "bad.csv", bad, region="US")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "bad.csv, row 2, column &#39;phone&#39;" in text and "Nothing was imported." in text
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_a_broken_spreadsheet_is_refused_by_name(client, db, project_url):
    response = upload(client, project_url, "sample", "file", "s.xlsx", b"not a zip", region="US")
    assert response.status_code == 400 and "s.xlsx" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_a_file_of_the_wrong_type_is_refused(client, project_url):
    response = upload(client, project_url, "sample", "file", "s.exe", b"MZ", region="US")
    assert response.status_code == 400
    assert "CSV, XLSX or Parquet only" in response.get_data(as_text=True)


def test_staff_quotas_and_dnc(client, db, project_url):
    interviewer = make_user(db, "interviewer")
    token = csrf_token(client, project_url)
    client.post(f"{project_url}staff", data={"csrf_token": token, "user": interviewer.id})
    assert interviewer.username in client.get(project_url).get_data(as_text=True)
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    cell = "region = north, south\n"
    added = client.post(
        f"{project_url}quotas",
        data={"csrf_token": token, "name": "All", "cell": cell, "target": "50"},
    )
    assert added.status_code == 302
    assert "Quota All added." in client.get(added.headers["Location"]).get_data(as_text=True)
    assert db.scalar(select(Quota.cell)) == {"region": ["north", "south"]}
    numbers = b"+1 202 555 0180\n+1 202 555 0181\n"
    upload(client, project_url, "dnc", "file", "dnc.txt", numbers, reason="opt-out")
    assert db.scalar(select(func.count()).select_from(DoNotCall)) == 2


def test_a_quota_target_is_edited_and_a_quota_removed_with_bad_targets_refused(
    client, db, project_url
):
    token = csrf_token(client, project_url)
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    cell = {"name": "North", "cell": "region = north", "target": "50"}
    client.post(f"{project_url}quotas", data={"csrf_token": token, **cell})
    quota_id = db.scalar(select(Quota.id))
    url = f"{project_url}quotas/{quota_id}/"
    assert (
        client.post(f"{url}target", data={"csrf_token": token, "target": "80"}).status_code == 302
    )
    assert db.scalar(select(Quota.target)) == 80
    bad = client.post(f"{url}target", data={"csrf_token": token, "target": "0"})
    assert bad.status_code == 400 and "North" in bad.get_data(as_text=True)
    assert db.scalar(select(Quota.target)) == 80
    assert client.post(f"{url}remove", data={"csrf_token": token}).status_code == 302
    assert db.scalar(select(func.count()).select_from(Quota)) == 0
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("quota.%")))
    assert sorted(actions) == ["quota.create", "quota.remove", "quota.target"]


def test_another_researchers_project_answers_403(client, db, project_url, app):
    other = app.test_client()
    user = make_user(db, "researcher")
    from tests.conftest import post_login

    post_login(other, user.username)
    assert other.get(project_url).status_code == 403


def wait_for(db, job_id, seconds=300):
    """The job's end; a PDF report took over two minutes at load 12, hence the bound."""
    import time

    from cati.models import Job

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.expire_all()
        job = db.get(Job, job_id)
        if job.status in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job.status}")


def test_a_report_is_made_in_the_background_downloaded_and_released_to_the_client(
    client, db, project_url, app
):
    from cati.fieldwork import projects
    from cati.models import Job
    from tests.conftest import post_login

    upload(
        client,
        project_url,
        "questionnaire",
        "file",
        "csat.yaml",
        (LIBRARY / "customer_satisfaction.yaml").read_bytes(),
    )
    token = csrf_token(client, project_url)
    made = client.post(
        f"{project_url}jobs",
        data={"csrf_token": token, "what": "report:questionnaire", "language": "es"},
    )
    assert made.status_code == 302
    job = wait_for(db, db.scalar(select(Job.id)))
    assert job.status == "done", job.message
    pdf = client.get(f"{project_url}jobs/{job.id}/file")
    assert pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]
    listed = client.get(f"{project_url}jobs").get_data(as_text=True)
    assert "Release to client" in listed
    customer = make_user(db, "client")
    project = db.scalar(select(Project))
    projects.set_client_organisation(db, project, customer.organisation)
    projects.assign(db, project, customer)
    other = app.test_client()
    post_login(other, customer.username)
    assert other.get(f"/client/OMNI26/files/{job.id}").status_code == 404  # not released yet
    client.post(f"{project_url}jobs/{job.id}/release", data={"csrf_token": token})
    page = other.get("/client/OMNI26/").get_data(as_text=True)
    assert job.file_name in page
    assert other.get(f"/client/OMNI26/files/{job.id}").data.startswith(b"%PDF")


def test_a_sample_value_of_the_wrong_type_for_the_questionnaire_is_refused_by_place(
    client, db, project_url
):
    source = (LIBRARY / "brand_awareness.yaml").read_bytes()
    assert upload(client, project_url, "questionnaire", "file", "b.yaml", source).status_code == 302
    bad = b"case_id,phone,region,age_group\nA1,+1 202 555 0101,north,3\nA2,+1 202 555 0102,x,old\n"
    response = upload(client, project_url, "sample", "file", "bad.csv", bad, region="US")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was imported." in text
    assert "bad.csv, row 3, column &#39;age_group&#39;" in text and "is not a number" in text
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_a_questionnaire_whose_sample_variables_the_cases_lack_is_not_pinned(
    client, db, project_url
):
    assert upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US").status_code
    source = (LIBRARY / "brand_awareness.yaml").read_bytes()
    response = upload(client, project_url, "questionnaire", "file", "b.yaml", source)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Cases without sample variable age_group" in text and ": 2 (for example case A" in text
    assert db.scalar(select(Project.questionnaire_version_id)) is None


def test_a_crossed_quota_shows_its_cell_and_a_typo_is_refused_beside_the_cell(
    client, db, project_url
):
    sample = SAMPLE + b"A3,+1 202 555 0103,north\n"
    upload(client, project_url, "sample", "file", "s.csv", sample, region="US")
    token = csrf_token(client, project_url)
    for cell, known in (
        ("regoin = north", "Known: region."),
        ("region = nrth", "Known: north, south."),
        ("region north", "is not &#39;variable = value, value&#39;"),
    ):
        bad = client.post(
            f"{project_url}quotas",
            data={"csrf_token": token, "name": "N", "cell": cell, "target": "5"},
        )
        page = bad.get_data(as_text=True)
        assert bad.status_code == 400 and known in page
        assert f"{cell}</textarea>" in page  # the researcher's input is kept
    assert db.scalar(select(func.count()).select_from(Quota)) == 0
    good = client.post(
        f"{project_url}quotas",
        data={
            "csrf_token": token,
            "name": "North soft",
            "cell": "region = north",
            "target": "4",
            "over_percent": "25",
        },
    )
    assert good.status_code == 302
    card = client.get(project_url).get_data(as_text=True)
    card = card[card.index('data-testid="quota-card-North soft"') :]
    assert "<code>region</code> = north" in card
    assert "Sample cases in the cell</dt><dd>2</dd>" in card
    assert "Completes needed</dt><dd>4</dd>" in card
    assert "soft: closes at 5 (+25 %)" in card
