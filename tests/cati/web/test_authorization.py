"""Every route × every role: allowed, or 403; anonymous visitors go to the log-in page.

The table below names, for each endpoint, who may use it and what that role gets when the
URL points at a project, case and interview that are someone else's. A route added without
an entry here fails the first test, so access is always decided, never inherited by accident.
"""

import dataclasses
from pathlib import Path

import pytest
from flask import Flask

import cati.job_kinds  # noqa: F401  (the report runner)
from cati import interviewing, jobs, questionnaire_store
from cati.fieldwork import dispatch, draws, projects, weblinks
from cati.fieldwork.quota_setup import add_quota
from cati.models import InboundCall, Role
from sampling.drawing import DrawSettings
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.web.test_auth import HOMES
from tests.conftest import client_company, csrf_token, make_user

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
FRAME = Path(__file__).parent / "frame.csv"  # fictional numbers, no coordinates
ANONYMOUS = "anonymous"
AUDIENCES = [*(r.value for r in Role), ANONYMOUS]
PUBLIC = "public"  # anyone, logged in or not
LOGGED_IN = "logged in"  # any role: the user's own account
NOT_MINE = 403  # the owner role, on a project it is not a member of or a case it has not claimed

# endpoint: (who may use it, the statuses that role gets here)
EXPECTED: dict[str, tuple[str, set[int]]] = {
    "auth.index": (PUBLIC, {302}),
    "auth.login": (PUBLIC, {200, 302}),  # 302: already logged in, sent home
    "auth.language": (PUBLIC, {302}),
    "auth.logout": (PUBLIC, {302}),
    "auth.code": (PUBLIC, {302}),  # no password typed a moment ago: back to the log-in
    "auth.enrol_at_login": (PUBLIC, {302}),
    "auth.account": (LOGGED_IN, {200}),
    "auth.own_password": (LOGGED_IN, {400}),  # empty form
    "auth.enrol": (LOGGED_IN, {200}),
    "auth.sessions": (LOGGED_IN, {200}),
    "auth.end_session": (LOGGED_IN, {302}),  # no such session of theirs: back to the list
    "respondent.survey": (PUBLIC, {200}),
    "respondent.language": (PUBLIC, {302}),  # back to the survey page
    "respondent.unknown": (PUBLIC, {404}),  # any other address under /r/: the respondent's 404
    "ops.healthz": (PUBLIC, {200}),
    "admin.index": ("admin", {200}),
    "admin.new_user": ("admin", {200}),
    "admin.user": ("admin", {200}),
    "admin.user_active": ("admin", {400}),  # empty form
    "admin.user_password": ("admin", {400}),  # empty form
    "admin.end_sessions": ("admin", {302}),
    "admin.user_projects": ("admin", {302}),  # no box ticked: no projects
    "admin.audit_log": ("admin", {200}),
    "admin.logins": ("admin", {200}),
    "admin.jobs_list": ("admin", {200}),
    "admin.cancel_job": ("admin", {302}),  # the queued report: cancelled
    "admin.retry_job": ("admin", {302}),  # and queued again
    "admin.lift_login": ("admin", {400}),  # empty form
    "admin.mail": ("admin", {200}),
    "admin.mail_test": ("admin", {400}),  # empty form
    "admin.two_factor_required": ("admin", {400}),  # empty form
    "admin.organisations_page": ("admin", {200}),
    "admin.new_organisation": ("admin", {400}),  # empty form
    "admin.rename_organisation": ("admin", {400}),  # empty form
    "admin.user_organisation": ("admin", {400}),  # empty form
    "admin.user_two_factor_off": ("admin", {302}),
    "research.index": ("researcher", {200}),
    "research.create": ("researcher", {400}),  # empty form
    "research.project": ("researcher", {NOT_MINE}),
    "research.questionnaire": ("researcher", {NOT_MINE}),
    "research.confirm_pin": ("researcher", {NOT_MINE}),
    "research.preview": ("researcher", {NOT_MINE}),
    "research.designer": ("researcher", {NOT_MINE}),
    "research.designer_draft": ("researcher", {NOT_MINE}),
    "research.designer_save": ("researcher", {NOT_MINE}),
    "research.designer_test": ("researcher", {NOT_MINE}),
    "research.designer_texts": ("researcher", {NOT_MINE}),
    "research.designer_texts_import": ("researcher", {NOT_MINE}),
    "research.designer_publish": ("researcher", {NOT_MINE}),
    "research.questionnaire_yaml": ("researcher", {NOT_MINE}),
    "research.questionnaire_xlsform": ("researcher", {NOT_MINE}),
    "research.sample": ("researcher", {NOT_MINE}),
    "research.release": ("researcher", {NOT_MINE}),
    "research.staff": ("researcher", {NOT_MINE}),
    "research.remove_staff": ("researcher", {NOT_MINE}),
    "research.web_links": ("researcher", {NOT_MINE}),
    "research.send_links": ("researcher", {NOT_MINE}),
    "research.add_quota": ("researcher", {NOT_MINE}),
    "research.quota_target": ("researcher", {NOT_MINE}),
    "research.remove_quota": ("researcher", {NOT_MINE}),
    "research.rules": ("researcher", {NOT_MINE}),
    "research.rules_yaml": ("researcher", {NOT_MINE}),
    "research.upload_rules": ("researcher", {NOT_MINE}),
    "research.settings": ("researcher", {NOT_MINE}),
    "research.brand": ("researcher", {NOT_MINE}),
    "research.brand_preview": ("researcher", {NOT_MINE}),
    "research.dnc": ("researcher", {NOT_MINE}),
    "research.draw": ("researcher", {NOT_MINE}),
    "research.draw_preview": ("researcher", {NOT_MINE}),
    "research.draw_map": ("researcher", {NOT_MINE}),
    "research.accept_draw": ("researcher", {NOT_MINE}),
    "research.discard_draw": ("researcher", {NOT_MINE}),
    "research.make_job": ("researcher", {NOT_MINE}),
    "research.job_file": ("researcher", {NOT_MINE}),
    "research.release_job": ("researcher", {NOT_MINE}),
    "research.cancel_job": ("researcher", {NOT_MINE}),
    "research.retry_job": ("researcher", {NOT_MINE}),
    "research.personal_fields": ("researcher", {NOT_MINE}),
    "research.retention": ("researcher", {NOT_MINE}),
    "research.erase": ("researcher", {NOT_MINE}),
    "research.outcomes": ("researcher", {NOT_MINE}),
    "research.add_outcome": ("researcher", {NOT_MINE}),
    "research.edit_outcome": ("researcher", {NOT_MINE}),
    "research.outcome_active": ("researcher", {NOT_MINE}),
    "research.delete_outcome": ("researcher", {NOT_MINE}),
    "research.weighting": ("researcher", {NOT_MINE}),
    "research.weighting_variable": ("researcher", {NOT_MINE}),
    "research.weighting_upload": ("researcher", {NOT_MINE}),
    "research.weighting_remove": ("researcher", {NOT_MINE}),
    "research.weighting_design": ("researcher", {NOT_MINE}),
    "research.weighting_options": ("researcher", {NOT_MINE}),
    "supervisor.index": ("supervisor", {200}),
    "supervisor.live": ("supervisor", {NOT_MINE}),
    "supervisor.chart": ("supervisor", {NOT_MINE}),
    "supervisor.cases": ("supervisor", {NOT_MINE}),
    "supervisor.case": ("supervisor", {NOT_MINE}),
    "supervisor.do_reschedule": ("supervisor", {NOT_MINE}),
    "supervisor.do_reassign": ("supervisor", {NOT_MINE}),
    "supervisor.do_outcome": ("supervisor", {NOT_MINE}),
    "supervisor.do_release": ("supervisor", {NOT_MINE}),
    "supervisor.do_erase": ("supervisor", {NOT_MINE}),
    "supervisor.quality_flags": ("supervisor", {NOT_MINE}),
    "supervisor.do_reopen": ("supervisor", {NOT_MINE}),
    "supervisor.inbound_calls": ("supervisor", {NOT_MINE}),
    "supervisor.decide_inbound": ("supervisor", {NOT_MINE}),
    "supervisor.inbound_new_cases": ("supervisor", {NOT_MINE}),
    "interviewer.index": ("interviewer", {200}),
    "interviewer.take_break": ("interviewer", {302}),
    "interviewer.back_to_work": ("interviewer", {302}),
    "interviewer.next_any": ("interviewer", {302}),
    "interviewer.next_case": ("interviewer", {NOT_MINE}),
    "interviewer.inbound": ("interviewer", {NOT_MINE}),
    "interviewer.case": ("interviewer", {NOT_MINE}),
    "interviewer.start_interview": ("interviewer", {NOT_MINE}),
    "interviewer.interview": ("interviewer", {NOT_MINE}),
    "interviewer.stop_interview": ("interviewer", {NOT_MINE}),
    "interviewer.switch_language": ("interviewer", {NOT_MINE}),
    "interviewer.leave_case": ("interviewer", {NOT_MINE}),
    "client.index": ("client", {200}),
    "client.project": ("client", {NOT_MINE}),
    "client.released_file": ("client", {NOT_MINE}),
}


def endpoints(app: Flask) -> list[str]:
    # Log-out last: it ends the session the other requests run in.
    found = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    return sorted(found, key=lambda e: (e == "auth.logout", e))


def test_every_route_has_an_entry_in_the_access_table(app):
    assert set(endpoints(app)) == set(EXPECTED)


def seed_project(app, db):
    """A project with its own staff, a case claimed and interviewed by its interviewer.

    Returns the project, its staff by role, and a value for every URL argument of every
    route, pointing into the project (the form fuzzer in tests/fuzz uses the same values).
    """
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    company = client_company(db)  # login_as("client") makes clients of it too
    project = make_project(db, name="Somebody Else's Study", client_organisation=company)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    staff = {role: make_user(db, role) for role in ("interviewer", "supervisor", "client")}
    interviewer = staff["interviewer"]
    for user in staff.values():
        projects.assign(db, project, user)
    make_cases(db, project, n=2, sample_vars={"region": "north"})
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    interview = interviewing.open_interview(db, claim.case, MONDAY_10, interviewer=interviewer)
    draw_id = draws.make_draw(
        db,
        project,
        FRAME,
        FRAME.name,
        draws.FrameChoices(),
        DrawSettings(n=1, design="srs"),
        by=None,
        now=MONDAY_10,
    ).id
    ((_, token),) = [
        pair for pair in weblinks.issue_links(db, project) if pair[0] != claim.case.external_id
    ]
    quota = add_quota(db, project, "North", {"region": ["north"]}, 10)
    call = InboundCall(project_id=project.id, number="+18405550196", at=MONDAY_10, reason="unknown")
    db.add(call)
    db.commit()
    return (
        project,
        staff,
        {
            "code": project.code,
            "case_id": claim.case.id,
            "interview_id": interview.id,
            "token": token,
            "replicate": 1,
            "chart": "calls-day",
            "outcome_code": "BUSY",
            "variable": "region",
            "job_id": jobs.submit(db, project, "report", {"kind": "fieldwork"}, by=None).id,
            "draw_id": draw_id,
            "quota_id": quota.id,
            "call_id": call.id,
            "decision": "dismiss",
            "sid": "0" * 32,  # no such session
            "user_id": make_user(db, "researcher").id,  # a bystander for the admin's user pages
            "version_id": project.questionnaire_version_id,
            "organisation_id": company.id,
        },
    )


@pytest.fixture
def someone_elses(app, db):
    # Admin → Jobs → Try again queues the seeded report again: left queued (no worker
    # here), so that no report is made in a thread while the test goes on.
    app.config["CATI_SETTINGS"] = dataclasses.replace(
        app.config["CATI_SETTINGS"], jobs_inline=False
    )
    project, _staff, params = seed_project(app, db)
    return project, params


def request(app, client, endpoint: str, params: dict, token: str):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = app.url_map.bind("localhost").build(
        endpoint, {k: v for k, v in params.items() if k in rule.arguments}
    )
    if "GET" in rule.methods:
        return url, client.get(url)
    return url, client.post(url, data={"csrf_token": token})


@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_route_answers_each_role_as_the_table_says(
    app, client, login_as, someone_elses, audience
):
    project, params = someone_elses
    if audience == ANONYMOUS:
        token = csrf_token(client, "/login")
    else:
        login_as(audience)
        token = csrf_token(client, HOMES[audience])
    wrong = []
    for endpoint in endpoints(app):
        owner, statuses = EXPECTED[endpoint]
        url, response = request(app, client, endpoint, params, token)
        location = response.headers.get("Location", "")
        if owner in (PUBLIC, audience) or (owner == LOGGED_IN and audience != ANONYMOUS):
            ok = response.status_code in statuses
        elif audience == ANONYMOUS:
            ok = response.status_code == 302 and location.startswith("/login")
        else:
            ok = response.status_code == 403
        if audience == "client" and response.status_code == 200:
            # A client never sees another client's project, on any page.
            ok = ok and project.name not in response.get_data(as_text=True)
        if not ok:
            wrong.append(f"{response.request.method} {url}: {response.status_code} {location}")
    assert not wrong, f"{audience}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("audience", ["supervisor", "interviewer", "client"])
def test_made_a_member_the_owner_role_gets_past_the_403(
    app, client, db, login_as, someone_elses, audience
):
    """The 403s above come from membership: the same pages open once the role is a member."""
    project, params = someone_elses
    user = login_as(audience)
    token = csrf_token(client, HOMES[audience])
    projects.assign(db, project, user)
    for endpoint in endpoints(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if EXPECTED[endpoint][0] == audience and "code" in rule.arguments:
            url, response = request(app, client, endpoint, params, token)
            # The fixture's job is queued, never released: a member client gets 404 for it.
            expected = (404,) if endpoint == "client.released_file" else (200, 302)
            assert response.status_code in expected, url
