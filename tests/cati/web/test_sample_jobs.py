"""Large sample imports and draws from the browser run as background jobs, all or nothing,
with their progress and their problems in the job list; workbooks that unpack to too much
are refused before anything opens them."""

import dataclasses
import html
import io
import re
import time
import zipfile

import pytest
from sqlalchemy import func, select

from benchmarks.fictional import sample
from cati.fieldwork import projects
from cati.models import AuditEntry, Case, Job, JobInput, PendingDraw, Project
from tests.cati.web.conftest import upload
from tests.cati.web.test_research import wait_for
from tests.cati.web.test_research_draw import CHOICES, FRAME_CSV, PREVIEW, draw
from tests.conftest import csrf_token, make_user, post_login

CASES = 20_000
MB = 1024 * 1024


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def import_in_background(client, project_url, name, content):
    response = upload(client, project_url, "sample", "file", name, content, region="US")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("#jobs")
    assert "being imported in the background" in client.get(project_url).get_data(as_text=True)


def the_job(db) -> Job:
    return wait_for(db, db.scalar(select(Job.id).order_by(Job.id.desc())))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_20000_case_file_is_imported_in_the_background(client, db, project_url, kind):
    table = sample(CASES)
    if kind == "csv":
        content = table.to_csv(index=False).encode()
    else:
        buffer = io.BytesIO()
        table.to_excel(buffer, index=False)
        content = buffer.getvalue()
    started = time.monotonic()
    import_in_background(client, project_url, f"muestra.{kind}", content)
    assert time.monotonic() - started < 30  # the request only queued the work
    job = the_job(db)
    assert job.status == "done", job.message
    assert (job.kind, job.result, job.params["rows"]) == ("sample_import", {"cases": CASES}, CASES)
    assert count(db, Case) == CASES
    assert count(db, JobInput) == 0  # the upload goes once its cases are in
    listing = client.get(f"{project_url}jobs").get_data(as_text=True)
    assert f"Sample import: muestra.{kind}" in listing and "20,000 cases imported" in listing
    imported = db.scalar(select(AuditEntry).where(AuditEntry.action == "sample.import"))
    assert imported.details == {"file": f"muestra.{kind}", "cases": CASES}


def test_one_bad_row_in_20000_imports_nothing_and_names_file_row_and_column(
    client, db, project_url
):
    table = sample(CASES)
    table.loc[14_998, "phone"] = "12345"  # file row 15,000: the header is row 1
    import_in_background(client, project_url, "muestra.csv", table.to_csv(index=False).encode())
    job = the_job(db)
    assert job.status == "failed"
    assert count(db, Case) == 0
    listing = html.unescape(client.get(f"{project_url}jobs").get_data(as_text=True))
    problems = listing[listing.index('data-testid="job-problems"') :]
    assert "refused; nothing was kept:" in listing
    assert "muestra.csv, row 15000, column 'phone': phone number is impossible" in problems


def test_the_same_file_again_is_refused_naming_the_cases_already_there(client, db, project_url):
    content = sample(3000).to_csv(index=False).encode()
    import_in_background(client, project_url, "a.csv", content)
    assert the_job(db).status == "done"
    import_in_background(client, project_url, "a.csv", content)
    again = the_job(db)
    assert again.status == "failed" and count(db, Case) == 3000
    assert "a.csv, row 2: case id C00000 is already in project OMNI26." in html.unescape(
        client.get(f"{project_url}jobs").get_data(as_text=True)
    )


def test_only_its_owner_cancels_or_retries_a_job(app, client, db, project_url):
    content = sample(3000).to_csv(index=False).encode()
    app.config["CATI_SETTINGS"] = dataclasses.replace(
        app.config["CATI_SETTINGS"], jobs_inline=False
    )  # left queued: no worker runs
    import_in_background(client, project_url, "a.csv", content)
    job = db.scalar(select(Job))
    listing = client.get(f"{project_url}jobs").get_data(as_text=True)
    assert f"/jobs/{job.id}/cancel" in listing and "Cancel" in listing
    token = csrf_token(client, project_url)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    colleague = make_user(db, "researcher")
    projects.assign(db, db.scalar(select(Project)), colleague)
    post_login(client, colleague.username)
    assert f"/jobs/{job.id}/cancel" not in client.get(f"{project_url}jobs").get_data(as_text=True)
    token = csrf_token(client, project_url)
    refused = client.post(f"{project_url}jobs/{job.id}/cancel", data={"csrf_token": token})
    assert refused.status_code == 403
    db.refresh(job)
    assert job.status == "queued"


def test_the_owner_cancels_then_tries_again_and_the_cases_arrive(app, client, db, project_url):
    content = sample(3000).to_csv(index=False).encode()
    inline = app.config["CATI_SETTINGS"]
    app.config["CATI_SETTINGS"] = dataclasses.replace(inline, jobs_inline=False)
    import_in_background(client, project_url, "a.csv", content)
    job = db.scalar(select(Job))
    token = csrf_token(client, project_url)
    assert client.post(f"{project_url}jobs/{job.id}/cancel", data={"csrf_token": token})
    db.refresh(job)
    assert job.status == "cancelled"
    assert "cancelled; nothing was kept" in client.get(f"{project_url}jobs").get_data(as_text=True)
    app.config["CATI_SETTINGS"] = inline
    assert client.post(f"{project_url}jobs/{job.id}/retry", data={"csrf_token": token})
    assert wait_for(db, job.id).status == "done"
    assert count(db, Case) == 3000
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"job.submit", "job.cancel", "job.retry", "sample.import"} <= actions


def test_a_small_file_is_still_imported_at_once(client, db, project_url):
    response = upload(
        client,
        project_url,
        "sample",
        "file",
        "s.csv",
        sample(100).to_csv(index=False).encode(),
        region="US",
    )
    assert response.status_code == 302 and count(db, Job) == 0 and count(db, Case) == 100


def test_a_large_frame_is_drawn_and_its_sample_accepted_in_the_background(
    app, client, db, login_as
):
    app.config["CATI_SETTINGS"] = dataclasses.replace(
        app.config["CATI_SETTINGS"], sample_job_rows=20
    )  # the frame's 300 rows and the sample's 40 are both "large"
    login_as("researcher")
    token = csrf_token(client, "/research/")
    data = {"csrf_token": token, "code": "BIG26", "name": "Big", "time_zone": "Europe/Madrid"}
    client.post("/research/new", data=data)
    response = draw(client, "/research/BIG26/", FRAME_CSV, "frame.csv")
    assert response.status_code == 302 and response.headers["Location"].endswith("#jobs")
    job = the_job(db)
    assert job.status == "done", job.message
    listing = client.get("/research/BIG26/jobs").get_data(as_text=True)
    preview = re.search(r'href="(/research/BIG26/draws/\d+)"', listing).group(1)
    assert PREVIEW.search(preview) and count(db, Case) == 0
    page = client.get(preview).get_data(as_text=True)
    assert "40 units drawn from 300" in page and "Seed 7" in page
    accepted = client.post(f"{preview}/accept", data={"csrf_token": csrf_token(client, preview)})
    assert accepted.headers["Location"].endswith("#jobs")
    job = the_job(db)
    assert (job.kind, job.status, job.result) == ("sample_accept", "done", {"cases": 40})
    assert count(db, Case) == 40 and count(db, PendingDraw) == 0
    assert set(db.scalars(select(Case.replicate))) == {1, 2, 3, 4}


def test_a_frame_with_bad_rows_drawn_in_the_background_lists_them(app, client, db, login_as):
    app.config["CATI_SETTINGS"] = dataclasses.replace(
        app.config["CATI_SETTINGS"], sample_job_rows=1
    )
    login_as("researcher")
    token = csrf_token(client, "/research/")
    data = {"csrf_token": token, "code": "BAD26", "name": "Bad", "time_zone": "Europe/Madrid"}
    client.post("/research/new", data=data)
    bad = b"id,phone,region\nH1,+1 202 555 0101,north\nH2,12,north\nH3,+1 202 555 0103,south\n"
    draw(client, "/research/BAD26/", bad, "bad.csv", design="srs", n="1")
    assert the_job(db).status == "failed"
    listing = html.unescape(client.get("/research/BAD26/jobs").get_data(as_text=True))
    assert "bad.csv, row 3, column 'phone'" in listing
    assert count(db, PendingDraw) == 0


def workbook_unpacking_to(megabytes: int) -> bytes:
    """A small .xlsx whose one sheet unpacks to `megabytes` MB of repeated bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(megabytes):
                sheet.write(b"<row>" + b" " * (MB - 11) + b"</row>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("megabytes", "why"),
    [
        (300, "it unpacks to 300 MB, more than the 256 MB a workbook may hold"),
        (50, "it is packed 1,0"),  # under the limit, but packed over a thousand to 1
    ],
)
def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_opened(
    client, db, project_url, megabytes, why
):
    bomb = workbook_unpacking_to(megabytes)
    assert len(bomb) < MB
    for form in ("sample", "draw"):
        response = upload(
            client, project_url, form, "file", "bomb.xlsx", bomb, **(CHOICES | {"region": "ES"})
        )
        assert response.status_code == 400
        assert f"bomb.xlsx: {why}" in html.unescape(response.get_data(as_text=True))
    assert count(db, Case) == count(db, Job) == count(db, PendingDraw) == 0


def test_a_workbook_of_thousands_of_files_is_refused_naming_their_number(client, db, project_url):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(2000):
            archive.writestr(f"xl/media/{n}.xml", "<x/>")
    response = upload(client, project_url, "sample", "file", "many.xlsx", buffer.getvalue())
    assert response.status_code == 400 and count(db, Job) == 0
    assert "many.xlsx: it holds 2,001 files, more than the 1,000 a workbook may" in (
        html.unescape(response.get_data(as_text=True))
    )
