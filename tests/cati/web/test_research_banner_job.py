"""A banner book asked for in the research console: variables, levels and correction."""

import subprocess

from sqlalchemy import select

from cati.models import Case, Job, Project
from tests.cati.test_weighting_targets import complete
from tests.cati.web.test_research import wait_for
from tests.cati.web.test_research_weighting import sampled  # noqa: F401 (a fixture)
from tests.conftest import csrf_token


def test_the_job_form_offers_banner_variables_and_runs_with_the_chosen_tests(
    client,
    db,
    sampled,  # noqa: F811
):
    project = db.scalar(select(Project))
    assert '<option value="region">' not in client.get(sampled).get_data(as_text=True)  # personal
    project.personal_fields = {**project.personal_fields, "region": False}
    db.commit()
    page = client.get(sampled).get_data(as_text=True)
    assert '<option selected value="region">region</option>' in page
    assert 'value="purchase_confirmed"' in page and 'value="fdr"' in page
    assert 'value="sat_delivery"' in page and 'value="contact_channels_1"' not in page
    complete(db, project, db.scalars(select(Case)).all(), {"purchase_confirmed": 1, "nps": 9})
    token = csrf_token(client, sampled)
    form = {"csrf_token": token, "what": "report:banner", "language": "en"}
    bad = client.post(f"{sampled}jobs", data={**form, "bands": "nps=x"})
    assert bad.status_code == 302 and db.scalar(select(Job.id)) is None
    assert "band &#39;x&#39; of &#39;nps&#39; is not low-high" in client.get(sampled).get_data(
        as_text=True
    )
    made = client.post(
        f"{sampled}jobs",
        data={
            **form,
            "banner": ["region", "purchase_confirmed"],
            "levels": "99/95",
            "adjustment": "fdr",
        },
    )
    assert made.status_code == 302
    job = wait_for(db, db.scalar(select(Job.id)))
    assert job.status == "done", job.message
    assert job.params["banner"] == ["region", "purchase_confirmed"]
    pdf = client.get(f"{sampled}jobs/{job.id}/file").get_data()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    text = " ".join(text.split())
    assert "upper case at 99%, lower case at 95% confidence" in text
    assert "adjusted for multiple comparisons within each row (Benjamini" in text
