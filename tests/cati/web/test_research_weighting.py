"""Weighting targets in the researcher's console: by form and by file, checked, then used."""

from pathlib import Path

import pytest
from sqlalchemy import select

from cati import project_design
from cati.models import AuditEntry, Case, Job, Project
from tests.cati.test_weighting_targets import complete
from tests.cati.web.conftest import upload
from tests.cati.web.test_research import wait_for
from tests.conftest import csrf_token

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
SAMPLE = (
    b"case_id,phone,region\n"
    + b"".join(f"N{i},+1 202 555 01{i:02d},north\n".encode() for i in range(6))
    + b"".join(f"S{i},+1 202 555 01{50 + i:02d},south\n".encode() for i in range(4))
)


def stored(db):
    db.expire_all()
    return db.scalar(select(Project.weighting_targets))


@pytest.fixture
def sampled(client, project_url):
    """The project with the satisfaction questionnaire and ten cases in two regions."""
    source = (LIBRARY / "customer_satisfaction.yaml").read_bytes()
    upload(client, project_url, "questionnaire", "file", "csat.yaml", source)
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    return project_url


def post_rows(client, url, variable, rows):
    token = csrf_token(client, f"{url}weighting")
    data = {"csrf_token": token, "variable": variable}
    data["category"] = [c for c, _ in rows]
    data["target"] = [t for _, t in rows]
    return client.post(f"{url}weighting/variable", data=data)


def test_the_form_offers_a_variables_categories_to_fill_in(client, sampled):
    page = client.get(f"{sampled}weighting?variable=region").get_data(as_text=True)
    assert 'value="north"' in page and 'value="south"' in page
    question = client.get(f"{sampled}weighting?variable=purchase_confirmed").get_data(as_text=True)
    assert 'value="1"' in question and "Sí" in question


def test_targets_entered_by_variable_are_stored_and_audited(client, db, sampled):
    response = post_rows(client, sampled, "region", [("north", "40"), ("south", "60"), ("", "")])
    assert response.status_code == 302
    assert stored(db) == {"region": {"north": 40.0, "south": 60.0}}
    post_rows(client, sampled, "purchase_confirmed", [("1", "0.9"), ("2", "0.1")])
    assert list(stored(db)) == ["region", "purchase_confirmed"]
    assert db.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
        "weighting.targets"
    )
    page = client.get(f"{sampled}weighting").get_data(as_text=True)
    assert 'data-variable="region"' in page and "40.0 %" in page


def test_a_bad_row_comes_back_beside_it_and_nothing_is_stored(client, db, sampled):
    response = post_rows(client, sampled, "region", [("north", "0.4"), ("south", "abc")])
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "row 2, column &#39;target&#39;: &#39;abc&#39; is not a number of 0 or more" in text
    assert 'value="abc"' in text  # what was typed is kept for correction
    assert stored(db) == {}
    unknown = post_rows(client, sampled, "age", [("18-34", "1")])
    assert unknown.status_code == 400 and "is not one of" in unknown.get_data(as_text=True)
    empty = post_rows(client, sampled, "region", [("", "")])
    assert empty.status_code == 400 and stored(db) == {}


def test_a_targets_file_replaces_all_targets(client, db, sampled):
    post_rows(client, sampled, "purchase_confirmed", [("1", "0.9"), ("2", "0.1")])
    content = b"variable,category,target\nregion,north,0.5\nregion,south,0.5\n"
    response = upload(client, sampled, "weighting/upload", "file", "t.csv", content)
    assert response.status_code == 302
    assert stored(db) == {"region": {"north": 0.5, "south": 0.5}}


def test_a_bad_targets_file_lists_row_and_column_and_stores_nothing(client, db, sampled):
    post_rows(client, sampled, "region", [("north", "40"), ("south", "60")])
    content = b"variable,category,target\nregion,north,0.5\nregion,,0.5\nsex,f,1\n"
    response = upload(client, sampled, "weighting/upload", "file", "t.csv", content)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was stored." in text
    assert "t.csv, row 3, column &#39;category&#39;: give a category" in text
    assert "t.csv, row 4, column &#39;variable&#39;: &#39;sex&#39; is not one of" in text
    assert stored(db) == {"region": {"north": 40.0, "south": 60.0}}
    headless = upload(client, sampled, "weighting/upload", "file", "t.csv", b"a,b\n1,2\n")
    assert "t.csv: required column variable is missing." in headless.get_data(as_text=True)
    wrong_type = upload(client, sampled, "weighting/upload", "file", "t.exe", b"MZ")
    assert wrong_type.status_code == 400 and "CSV only" in wrong_type.get_data(as_text=True)


def test_a_variable_is_removed(client, db, sampled):
    post_rows(client, sampled, "region", [("north", "40"), ("south", "60")])
    token = csrf_token(client, f"{sampled}weighting")
    client.post(f"{sampled}weighting/region/remove", data={"csrf_token": token})
    assert stored(db) == {}


def test_the_check_and_a_weighted_data_file_once_there_are_completes(client, db, sampled):
    project = db.scalar(select(Project))
    complete(db, project, db.scalars(select(Case)).all())
    post_rows(client, sampled, "region", [("north", "0.5"), ("south", "0.5")])
    page = client.get(f"{sampled}weighting").get_data(as_text=True)
    # 6 north and 4 south raked to 50/50: weights 5/6 and 5/4, Kish base 10²/(6·25/36 + 4·25/16)
    # = 100/10.4167 = 9.60, efficiency 96.0 %.
    assert "60.0 %" in page and "40.0 %" in page
    assert "<dd>9.6</dd>" in page and "<dd>96.0 %</dd>" in page
    # Trimmed at 1.2 the south weights give 4·0.05 to the six north ones: 0.8667 and 1.2,
    # Kish base 100/(6·0.8667² + 4·1.2²) = 9.74, efficiency 97.4 %
    project_design.set_options(db, project, project_design.WeightingOptions(trim=(0.0, 1.2)))
    db.commit()
    trimmed = client.get(f"{sampled}weighting").get_data(as_text=True)
    assert "<dd>9.7</dd>" in trimmed and "<dd>97.4 %</dd>" in trimmed
    assert "0–1.2</dd>" in trimmed  # the option the figures follow
    project_design.set_options(db, project, project_design.WeightingOptions())
    db.commit()
    token = csrf_token(client, sampled)
    made = client.post(
        f"{sampled}jobs",
        data={"csrf_token": token, "what": "data:csv", "language": "en", "weighted": "y"},
    )
    assert made.status_code == 302
    job = wait_for(db, db.scalar(select(Job.id)))
    assert job.status == "done", job.message
    csv = client.get(f"{sampled}jobs/{job.id}/file").get_data(as_text=True)
    header, *lines = csv.splitlines()
    weights = sorted({line.split(",")[header.split(",").index("weight")] for line in lines})
    assert [round(float(w), 6) for w in weights] == [0.833333, 1.25]


def test_weighting_without_targets_is_refused(client, db, sampled):
    token = csrf_token(client, sampled)
    response = client.post(
        f"{sampled}jobs",
        data={"csrf_token": token, "what": "report:topline", "language": "en", "weighted": "y"},
    )
    assert response.status_code == 302 and db.scalar(select(Job.id)) is None
    assert "Enter weighting targets first." in client.get(sampled).get_data(as_text=True)
