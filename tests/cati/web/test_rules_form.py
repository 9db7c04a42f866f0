"""The calling rules form: every rule a field, every problem beside its field at once,
nothing changed on a problem, the YAML file downloaded and uploaded, rescheduling counted."""

import io
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select

from cati.fieldwork.rules import WEEKDAYS, CallingRules
from cati.models import AuditEntry, Outcome, Project
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases
from tests.conftest import csrf_token


class _Inputs(HTMLParser):
    """What a browser would send for the rules form: its inputs as they are filled."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._inside = a.get("data-testid") == "rules-form"
        checked = a.get("type") != "checkbox" or "checked" in a
        if tag == "input" and self._inside and a.get("name") and checked:
            self.fields.append((a["name"], a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def filled(client, url: str) -> dict[str, object]:
    parser = _Inputs()
    parser.feed(client.get(url).get_data(as_text=True))
    data: dict[str, object] = {}
    for name, value in parser.fields:
        if name.endswith("-days"):
            data.setdefault(name, []).append(value)  # type: ignore[union-attr]
        else:
            data[name] = value
    return data


@pytest.fixture
def rules_url(project_url):
    return f"{project_url}rules"


def project_of(db) -> Project:
    project = db.scalar(select(Project).where(Project.code == "OMNI26"))
    db.refresh(project)
    return project


def test_the_form_shows_every_rule_and_every_delay(client, rules_url):
    data = filled(client, rules_url)
    scalars = set(CallingRules.model_fields) - {"windows", "slots"}
    assert scalars <= set(data)
    assert (data["windows-mon-0-start"], data["windows-mon-0-end"]) == ("09:00", "21:00")
    assert (data["windows-sat-0-start"], data["windows-sat-0-end"]) == ("10:00", "14:00")
    assert data["windows-sun-0-start"] == ""  # Sunday closed: only blank rows
    assert data["slots-2-name"] == "evening" and data["slots-2-weight"] == "1.5"
    assert data["slots-3-days"] == ["sat", "sun"]
    assert (data["max_attempts_case"], data["max_attempts_phone"]) == ("10", "6")
    assert (data["delay-BUSY"], data["delay-NO_ANSWER"]) == ("15", "120")


def test_saving_the_form_unchanged_keeps_the_rules(client, db, rules_url):
    before = project_of(db).rules
    response = client.post(rules_url, data=filled(client, rules_url), follow_redirects=True)
    assert response.status_code == 200
    assert "Calling rules saved: 0 open cases rescheduled." in response.get_data(as_text=True)
    assert project_of(db).rules == before


def test_every_problem_is_shown_beside_its_field_at_once_and_nothing_changes(client, db, rules_url):
    before = project_of(db).rules
    data = filled(client, rules_url) | {
        "windows-tue-0-end": "08:00",
        "windows-wed-1-start": "25:00",
        "windows-wed-1-end": "23:00",
        "max_attempts_case": "0",
        "claim_minutes": "ten",
        "slots-1-weight": "-1",
        "delay-BUSY": "-5",
        "holidays": "2026-12-08, 2026-13-01",
        "field_start": "2026-12-20T09:00",
        "field_end": "2026-12-01T09:00",
    }
    response = client.post(rules_url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    beside = {
        "windows-tue-0": "ends (08:00) before it starts (09:00)",
        "windows-wed-1-start": "must be a clock time such as 21:00",
        "max_attempts_case": "must be at least 1",
        "claim_minutes": "must be a whole number",
        "slots-1-weight": "must be more than 0",
        "delay-BUSY": "must be a whole number of minutes from 0 to 86400",
        "holidays": "must be a date such as 2026-12-08",
    }
    for name, message in beside.items():
        assert f'data-for="{name}">{message}</p>' in page, name
    assert "Value error" not in page
    assert page.count('aria-invalid="true"') >= 6
    assert project_of(db).rules == before
    assert db.scalar(select(Outcome.delay_minutes).where(Outcome.code == "BUSY")) == 15


def test_the_field_period_in_the_wrong_order_is_refused_beside_its_end(client, db, rules_url):
    data = filled(client, rules_url) | {
        "field_start": "2026-12-20T09:00",
        "field_end": "2026-12-01T09:00",
    }
    page = client.post(rules_url, data=data).get_data(as_text=True)
    assert 'data-for="field_end">the field period ends before it starts</p>' in page


def test_windows_slots_period_and_delays_are_saved_from_the_form(client, db, rules_url):
    data = filled(client, rules_url) | {
        "windows-mon-1-start": "",  # Monday: a morning and an evening window
        "windows-mon-0-end": "13:00",
        "windows-mon-2-start": "17:00",
        "windows-mon-2-end": "21:30",
        "windows-sun-0-start": "11:00",
        "windows-sun-0-end": "13:00",
        "slots-4-name": "sunday",
        "slots-4-days": ["sun"],
        "slots-4-start": "11:00",
        "slots-4-end": "13:00",
        "slots-4-weight": "2",
        "holidays": "2026-12-08 2026-12-25",
        "field_start": "2026-12-01T09:00",
        "auto_release_share": "0.8",
        "max_attempts_phone": "4",
        "delay-BUSY": "20",
    }
    assert client.post(rules_url, data=data).status_code == 302
    rules = CallingRules.model_validate(project_of(db).rules)
    assert [
        (w.start.isoformat("minutes"), w.end.isoformat("minutes")) for w in rules.windows["mon"]
    ] == [
        ("09:00", "13:00"),
        ("17:00", "21:30"),
    ]
    assert rules.windows["sun"][0].start.hour == 11
    assert rules.slots[-1].name == "sunday" and rules.slots[-1].weight == 2
    assert [d.isoformat() for d in rules.holidays] == ["2026-12-08", "2026-12-25"]
    # typed on the project's clock (Madrid, UTC+1 in December)
    assert rules.field_start == datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Europe/Madrid"))
    assert (rules.auto_release_share, rules.max_attempts_phone) == (0.8, 4)
    assert db.scalar(select(Outcome.delay_minutes).where(Outcome.code == "BUSY")) == 20
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "project.rules"))
    assert entry.details["delays"] == {"BUSY": [15, 20]}


def test_widening_the_windows_reschedules_the_open_cases_and_says_how_many(
    app, client, db, rules_url
):
    late = MONDAY_10.replace(hour=22)
    app.config["CATI_CLOCK"] = lambda: late
    cases = make_cases(db, project_of(db), n=3, now=late)
    data = filled(client, rules_url)
    for day in WEEKDAYS:
        data |= {f"windows-{day}-0-start": "08:00", f"windows-{day}-0-end": "23:00"}
    response = client.post(rules_url, data=data, follow_redirects=True)
    assert "Calling rules saved: 3 open cases rescheduled." in response.get_data(as_text=True)
    for case in cases:
        db.refresh(case)
        assert case.next_call_at == late


def test_the_rules_download_as_yaml_and_upload_back(client, db, rules_url):
    response = client.get(f"{rules_url}.yaml")
    assert response.headers["Content-Disposition"] == 'attachment; filename="OMNI26-rules.yaml"'
    document = yaml.safe_load(response.get_data(as_text=True))
    assert document == project_of(db).rules
    document["max_attempts_case"] = 4
    text = yaml.safe_dump(document).encode()
    token = csrf_token(client, rules_url)
    response = client.post(
        f"{rules_url}/yaml",
        data={"csrf_token": token, "file": (io.BytesIO(text), "rules.yaml")},
        follow_redirects=True,
    )
    assert "Calling rules saved" in response.get_data(as_text=True)
    assert project_of(db).rules["max_attempts_case"] == 4


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0000-00-00", ["Calling rules, (top): not valid YAML"]),
        ("[1, 2]", ["Calling rules, (top): the rules must be a mapping of settings"]),
        ("a: [", ["Calling rules, (top): not valid YAML"]),
        (
            "max_attempts_case: 0\nwindows:\n  mon: [{start: '09:00', end: 21:00}]\n",
            [
                'bad.yaml, windows.mon.0.end: write clock times in quotes, e.g. "21:00"',
                "bad.yaml, max_attempts_case: must be at least 1",
            ],
        ),
    ],
)
def test_a_bad_yaml_upload_lists_every_problem_and_changes_nothing(
    client, db, rules_url, text, shown
):
    before = project_of(db).rules
    token = csrf_token(client, rules_url)
    response = client.post(
        f"{rules_url}/yaml",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "bad.yaml")},
    )
    page = response.get_data(as_text=True).replace("&#34;", '"')
    assert response.status_code == 400
    for line in shown:
        assert line in page
    assert project_of(db).rules == before


def test_the_form_and_its_problems_speak_spanish(client, db, rules_url):
    data = filled(client, rules_url) | {"max_attempts_case": "0", "windows-mon-0-end": "08:00"}
    headers = {"Accept-Language": "es"}
    page = client.post(rules_url, data=data, headers=headers).get_data(as_text=True)
    assert "Ventanas de llamada" in page
    assert 'data-for="max_attempts_case">debe ser al menos 1</p>' in page
    assert "termina (08:00) antes de empezar (09:00)" in page
