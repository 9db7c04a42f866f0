"""The administrator's job list: every project's jobs, with who asked and the worker, and
cancel and retry for any of them (audited under the admin's name)."""

import dataclasses
from datetime import timedelta

from sqlalchemy import select, update

from cati import job_lease, jobs
from cati.db import utcnow
from cati.models import AuditEntry, Job
from tests.cati.fieldwork.conftest import make_project
from tests.cati.web.test_research import wait_for
from tests.conftest import csrf_token, make_user


def test_an_admin_lists_cancels_and_retries_anyone_s_job(app, client, db, login_as):
    app.config["CATI_SETTINGS"] = dataclasses.replace(
        app.config["CATI_SETTINGS"], jobs_inline=False
    )
    owner = make_user(db, "researcher", username="rosa")
    job = jobs.submit(db, make_project(db, "ADM26"), "report", {"kind": "fieldwork"}, by=owner)
    admin = login_as("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    row = page[page.index(f'data-testid="job-{job.id}"') :]
    assert "ADM26" in row and "fieldwork" in row and "rosa" in row and "waiting" in row
    token = csrf_token(client, "/admin/jobs")
    assert (
        client.post(f"/admin/jobs/{job.id}/cancel", data={"csrf_token": token}).status_code == 302
    )
    assert "Cancelled; nothing the job did is kept." in client.get("/admin/jobs").get_data(
        as_text=True
    )
    assert client.post(f"/admin/jobs/{job.id}/retry", data={"csrf_token": token}).status_code == 302
    db.refresh(job)
    assert job.status == "queued"
    audited = db.scalars(
        select(AuditEntry.action).where(AuditEntry.actor == admin.username).order_by(AuditEntry.id)
    ).all()
    assert audited[-2:] == ["job.cancel", "job.retry"]
    again = client.post(f"/admin/jobs/{job.id}/retry", data={"csrf_token": token})
    assert "Only a failed or cancelled job can be tried again." in client.get(
        again.headers["Location"]
    ).get_data(as_text=True)


def test_the_list_frees_a_dead_worker_s_job_and_says_so_in_spanish(app, client, db, login_as):
    app.config["CATI_SETTINGS"] = dataclasses.replace(
        app.config["CATI_SETTINGS"], jobs_inline=False
    )
    job = jobs.submit(db, make_project(db), "report", {"kind": "fieldwork"}, by=None)
    login_as("admin", locale="es")
    for _attempt in range(job_lease.MAX_ATTEMPTS):  # claimed, and its worker gone, twice
        job_lease.claim(db, job.id)
        stale = utcnow() - timedelta(minutes=5)
        db.execute(update(Job).where(Job.id == job.id).values(heartbeat_at=stale))
        db.commit()
        page = client.get("/admin/jobs").get_data(as_text=True)  # looking frees it
    db.refresh(job)
    assert (job.status, job.attempts) == ("failed", 2)
    assert "el proceso que lo ejecutaba se detuvo dos veces" in page


def test_inline_a_dead_thread_s_job_runs_again_once_the_list_is_looked_at(client, db, login_as):
    """CATI_JOBS_INLINE=1, the web process that ran the job restarted: nobody else would run
    it again, so the list that finds it does."""
    job = jobs.submit(db, make_project(db), "report", {"kind": "fieldwork"}, by=None)
    job_lease.claim(db, job.id)
    stale = utcnow() - timedelta(minutes=5)
    db.execute(update(Job).where(Job.id == job.id).values(heartbeat_at=stale))
    db.commit()
    login_as("admin")
    assert client.get("/admin/jobs").status_code == 200
    done = wait_for(db, job.id)
    assert (done.status, done.attempts) == ("done", 2) and done.file_name.endswith(".pdf")
