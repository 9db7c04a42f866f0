"""Privacy in the consoles: personal fields after import, retention, erasure, opt-outs."""

import re

from sqlalchemy import select

from cati.fieldwork import dispatch
from cati.models import AuditEntry, Case, CaseState, DoNotCall, Project
from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.web.conftest import upload
from tests.cati.web.test_interviewer import claim_next, monday, working  # noqa: F401
from tests.cati.web.test_supervisor import watching  # noqa: F401
from tests.conftest import csrf_token

SAMPLE = (
    b"case_id,phone,name,region\n"
    b"A1,+1 202 555 0101,Ana (fictional),north\n"
    b"A2,+1 202 555 0102,Luis (fictional),south\n"
)


def imported(client, url):
    response = upload(client, url, "sample", "file", "s.csv", SAMPLE, region="US")
    assert response.status_code == 302 and response.headers["Location"].endswith("#privacy")


def test_after_import_every_sample_column_is_ticked_personal_until_unticked(
    client,
    db,
    project_url,
):
    imported(client, project_url)
    page = client.get(project_url).get_data(as_text=True)
    boxes = re.findall(r'<input([^>]*name="personal_vars"[^>]*)>', page)
    assert len(boxes) == 2 and all("checked" in b for b in boxes)
    token = csrf_token(client, project_url)
    response = client.post(
        f"{project_url}personal", data={"csrf_token": token, "personal_vars": ["name"]}
    )
    assert response.status_code == 302
    assert db.scalar(select(Project.personal_fields)) == {"name": True, "region": False}
    forged = client.post(
        f"{project_url}personal", data={"csrf_token": token, "personal_vars": ["salary"]}
    )
    assert forged.status_code == 400
    assert db.scalar(select(Project.personal_fields)) == {"name": True, "region": False}


def test_retention_is_saved_and_a_bad_value_is_refused_beside_the_field(
    client,
    db,
    project_url,
):
    token = csrf_token(client, project_url)
    assert (
        client.post(f"{project_url}retention", data={"csrf_token": token, "days": "90"}).status_code
        == 302
    )
    assert db.scalar(select(Project.retention_days)) == 90
    bad = client.post(f"{project_url}retention", data={"csrf_token": token, "days": "-1"})
    assert bad.status_code == 400 and 'role="alert"' in bad.get_data(as_text=True)
    assert db.scalar(select(Project.retention_days)) == 90
    client.post(f"{project_url}retention", data={"csrf_token": token, "days": ""})
    assert db.scalar(select(Project.retention_days)) is None


def test_a_researcher_erases_a_respondent_by_case_id(client, db, project_url):
    imported(client, project_url)
    token = csrf_token(client, project_url)
    data = {"csrf_token": token, "case_id": "A1", "reason": "email of 27 Nov"}
    response = client.post(f"{project_url}erase", data=data)
    assert response.status_code == 302
    case = db.scalar(select(Case).where(Case.external_id.like("erased-%")))
    assert case.sample_vars == {} and case.phones[0].number == ""
    assert "Erased the personal data of case A1" in client.get(project_url).get_data(as_text=True)
    unknown = client.post(f"{project_url}erase", data={**data, "case_id": "ZZ"})
    assert unknown.status_code == 400 and "No case matches ZZ" in unknown.get_data(as_text=True)
    no_reason = client.post(f"{project_url}erase", data={**data, "case_id": "A2", "reason": ""})
    assert no_reason.status_code == 400
    assert db.scalar(select(Case.sample_vars).where(Case.external_id == "A2"))["name"]


def test_the_supervisor_erases_from_the_case_page_unless_it_is_in_a_call(
    client,
    db,
    watching,  # noqa: F811
):
    project, interviewer, cases = watching
    busy = dispatch.next_case(db, project, interviewer, now=MONDAY_10).case
    token = csrf_token(client, f"/supervisor/case/{busy.id}")
    data = {"csrf_token": token, "erase-reason": "request", "erase-do_not_call": "y"}
    refused = client.post(f"/supervisor/case/{busy.id}/erase", data=data)
    assert refused.status_code == 400 and "in a call or an interview" in refused.get_data(
        as_text=True
    )
    assert db.scalar(select(DoNotCall.id)) is None
    free = next(c for c in cases if c.id != busy.id)
    number = free.phones[0].number
    url = f"/supervisor/case/{free.id}"
    assert 'data-testid="erase"' in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/erase", data=data).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="erased"' in page and 'data-testid="erase"' not in page
    assert "privacy.erase" in page  # the case's audit trail
    db.expire_all()
    assert db.get(Case, free.id).state == CaseState.FINAL
    assert db.scalar(select(DoNotCall.number)) == number


def test_the_interviewer_records_an_opt_out_and_the_number_is_never_called_again(
    client,
    db,
    working,  # noqa: F811
):
    _, project, _ = working
    location = claim_next(client, project).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert 'value="OPT_OUT"' in page and "never call again" in page
    token = csrf_token(client, location)
    assert (
        client.post(location, data={"csrf_token": token, "outcome": "OPT_OUT"}).status_code == 302
    )
    db.expire_all()
    case = db.get(Case, int(location.rstrip("/").rsplit("/", 1)[1]))
    assert (case.final_outcome, case.final_aapor) == ("OPT_OUT", "2.11")
    assert db.scalar(select(DoNotCall.number)) == case.phones[0].number
    assert db.scalar(select(AuditEntry.actor).where(AuditEntry.action == "case.opt_out"))
