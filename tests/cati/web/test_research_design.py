"""The sample design and weighting options on the researcher's weighting page: each problem
beside its field and nothing stored; saved settings shown again and audited."""

from sqlalchemy import select

from cati.models import AuditEntry, Case, Job, Project
from tests.cati.test_weighting_targets import complete
from tests.cati.web.test_research import wait_for
from tests.cati.web.test_research_weighting import post_rows, sampled  # noqa: F401 (a fixture)
from tests.conftest import csrf_token


def post(client, url, what, **fields):
    token = csrf_token(client, f"{url}weighting")
    return client.post(f"{url}weighting/{what}", data={"csrf_token": token, **fields})


def stored(db, column):
    db.expire_all()
    return db.scalar(select(getattr(Project, column)))


def test_a_design_column_not_in_the_sample_is_named_beside_its_field(client, db, sampled):  # noqa: F811
    response = post(client, sampled, "design", strata="region", psu="school", rho="0.5")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="psu-error"' in page and "&#39;school&#39; is not a column of the sample" in page
    assert 'id="rho-error"' in page and 'value="school"' in page  # the entry is kept
    assert stored(db, "design") == {}


def test_a_design_is_saved_shown_and_audited(client, db, sampled):  # noqa: F811
    response = post(client, sampled, "design", strata="region", lonely_psu="adjust")
    assert response.status_code == 302
    assert stored(db, "design")["strata"] == "region"
    assert stored(db, "design")["lonely_psu"] == "adjust"
    page = client.get(f"{sampled}weighting").get_data(as_text=True)
    assert 'name="strata" value="region"' in page
    assert db.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
        "design.settings"
    )


def test_weighting_options_are_checked_and_saved(client, db, sampled):  # noqa: F811
    bad = post(client, sampled, "options", method="rake", bound_low="2", bound_high="3")
    assert bad.status_code == 400 and 'id="bound_low-error"' in bad.get_data(as_text=True)
    assert stored(db, "weighting_options") == {}
    good = post(
        client, sampled, "options", method="rake", bound_low="0.5", bound_high="2", trim_high="4"
    )
    assert good.status_code == 302
    assert stored(db, "weighting_options") == {
        "method": "rake",
        "bounds": [0.5, 2.0],
        "trim": [0.0, 4.0],
    }
    page = client.get(f"{sampled}weighting").get_data(as_text=True)
    assert 'name="bound_high" value="2"' in page and 'name="trim_high" value="4"' in page


def test_a_weighted_data_job_uses_the_trimming_option(client, db, sampled):  # noqa: F811
    project = db.scalar(select(Project))
    complete(db, project, db.scalars(select(Case)).all())
    post_rows(client, sampled, "region", [("north", "0.5"), ("south", "0.5")])
    assert post(client, sampled, "options", method="rake", trim_high="1.2").status_code == 302
    token = csrf_token(client, sampled)
    data = {"csrf_token": token, "what": "data:csv", "language": "en", "weighted": "y"}
    assert client.post(f"{sampled}jobs", data=data).status_code == 302
    job = wait_for(db, db.scalar(select(Job.id)))
    assert job.status == "done", job.message
    csv = client.get(f"{sampled}jobs/{job.id}/file").get_data(as_text=True)
    header, *lines = csv.splitlines()
    weights = sorted({line.split(",")[header.split(",").index("weight")] for line in lines})
    # Raked 5/6 (6 north) and 5/4 (4 south); south trimmed to 1.2 and its 4 × 0.05 shared
    # equally by the 6 others (trimWeights): 5/6 + 0.2/6 = 0.866667.
    assert [round(float(w), 6) for w in weights] == [0.866667, 1.2]
