"""The job form's file options: choice names in a CSV (as `cati export data --names`) and a
plain, untagged PDF for a long book (as `cati export report --untagged`)."""

import csv
import io
import subprocess
from pathlib import Path

from sqlalchemy import select

from cati.models import Case, Job, Project
from tests.cati.test_weighting_targets import complete
from tests.cati.web.conftest import upload
from tests.cati.web.test_research import wait_for
from tests.cati.web.test_research_weighting import SAMPLE
from tests.conftest import csrf_token, skip_or_fail

# ona_transportation.xlsx (xlsform corpus): its choices are named daily, weekly, ...
FORM = Path(__file__).resolve().parents[4] / "shared" / "xlsform-corpus" / "ona_transportation.xlsx"


def made(client, db, url, **fields):
    before = db.scalar(select(Job.id).order_by(Job.id.desc())) or 0
    token = csrf_token(client, url)
    client.post(f"{url}jobs", data={"csrf_token": token, "language": "en", **fields})
    job = wait_for(db, db.scalar(select(Job.id).where(Job.id > before)))
    assert job.status == "done", job.message
    return job, client.get(f"{url}jobs/{job.id}/file").get_data()


def test_names_and_untagged_reach_the_files(client, db, project_url):
    if not FORM.is_file():
        skip_or_fail(f"the XLSForm corpus is not at {FORM.parent}")
    upload(client, project_url, "questionnaire", "file", FORM.name, FORM.read_bytes())
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    project = db.scalar(select(Project))
    answers = {"frequency_to_referral_facility_bus": 2}
    complete(db, project, db.scalars(select(Case)).all(), answers)
    page = client.get(project_url).get_data(as_text=True)
    assert 'name="names"' in page and 'name="untagged"' in page

    def bus(data: bytes) -> set[str]:
        return {
            row["frequency_to_referral_facility_bus"]
            for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        }

    _, codes = made(client, db, project_url, what="data:csv")
    job, names = made(client, db, project_url, what="data:csv", names="y")
    assert job.params["names"] is True
    assert bus(codes) == {"2"} and bus(names) == {"weekly"}

    def tagged(pdf: bytes) -> str:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, text=False)
        return next(x for x in info.stdout.decode().splitlines() if x.startswith("Tagged"))

    _, default = made(client, db, project_url, what="report:topline")
    _, plain = made(client, db, project_url, what="report:topline", untagged="y")
    assert tagged(default).endswith("yes") and tagged(plain).endswith("no")
