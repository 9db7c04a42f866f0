"""Every questionnaire of the library, interviewed to its closing page through the web pages.

For each file in questionnaires/library/ (YAML and XLSForm, found by listing the folder), in
English and Spanish, by phone (an interviewer claims the case) and by web self-completion (the
respondent's link): a project pins it, a sample with its declared sample variables is imported,
and every page is answered from the fields of the rendered form until the closing page.
"""

import html
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from cati import interviewing, questionnaire_store
from cati.fieldwork import projects, weblinks
from cati.fieldwork.cases import import_cases, release_replicate
from cati.fieldwork.sample_import import parse_sample, read_csv
from cati.models import Case, CaseState, Interview
from questionnaires import read_questionnaire
from questionnaires.model import text_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_project
from tests.conftest import csrf_token

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
FILES = sorted(p for p in LIBRARY.iterdir() if p.suffix in (".yaml", ".xlsx"))
MAX_PAGES = 200
SAMPLE_VALUES = {"number": "3", "text": "Norte"}  # as written in a sample file


def runs() -> list:
    return [
        pytest.param(path, language, mode, id=f"{path.name}-{language}-{mode}")
        for path in FILES
        for language in ("en", "es")
        for mode in ("phone", "web")
    ]


class FormFields(HTMLParser):
    """The fields of the page's form: name -> list of (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[dict]] = {}
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form" and attributes.get("id") == "page-form":
            self.in_form = True
        elif self.in_form and tag in ("input", "textarea") and "name" in attributes:
            self.fields.setdefault(attributes["name"], []).append({"tag": tag, **attributes})

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def questions_of(questionnaire) -> dict:
    return {q.id: q for block in questionnaire.all_blocks for q in block.questions}


def number_in_range(question) -> str:
    low = question.min if question.min is not None else 0
    if question.max is not None and low > question.max:
        low = question.max
    return str(int(low) if float(low).is_integer() else low)


DATES = {"date": "2026-11-30", "time": "10:00", "datetime-local": "2026-11-30T10:00"}


def answers_from(page: str, questions: dict) -> dict:
    """Valid answers for every field of the rendered form (the first real option of each)."""
    parser = FormFields()
    parser.feed(page)
    assert parser.fields, "the page shows no form"
    data = {}
    for name, inputs in parser.fields.items():
        first = inputs[0]
        kind = first.get("type", first["tag"])
        if kind == "hidden":
            data[name] = first["value"]
        elif kind in ("radio", "checkbox"):
            choices = [i["value"] for i in inputs if "data-special" not in i]
            if choices:
                data[name] = choices[0]
        elif first["tag"] == "textarea":
            data[name] = "Una respuesta"
        elif kind in DATES:
            data[name] = DATES[kind]
        else:  # a numeric question's text box
            data[name] = number_in_range(questions[name])
    return data


def sample_file(questionnaire) -> io.BytesIO:
    names = list(questionnaire.sample_variables)
    header = ",".join(["case_id", "phone", "time_zone", *names])
    values = [SAMPLE_VALUES[v.type] for v in questionnaire.sample_variables.values()]
    row = ",".join(["L1", "+34 910 000 001", "Europe/Madrid", *values])
    return io.BytesIO(f"{header}\n{row}\n".encode())


@pytest.fixture
def monday(app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    return MONDAY_10


def project_with(db, path: Path):
    questionnaire = read_questionnaire(path)
    project = make_project(db)
    questionnaire_store.pin(db, project, path)
    records = parse_sample(
        read_csv(sample_file(questionnaire).getvalue(), "sample.csv"), "sample.csv", "Europe/Madrid"
    )
    import_cases(db, project, records, "sample.csv")
    release_replicate(db, project, 1, now=MONDAY_10)
    return project, questionnaire


def interview_through_pages(client, url: str, questions: dict) -> str:
    """Answer every page at ``url`` until it shows no form; the last page's HTML."""
    for _ in range(MAX_PAGES):
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_data(as_text=True)
        if 'id="page-form"' not in page:
            return page
        posted = client.post(url, data=answers_from(page, questions))
        assert posted.status_code == 302, posted.get_data(as_text=True)
    raise AssertionError(f"no closing page after {MAX_PAGES} pages")


def by_phone(client, db, login_as, project, language: str) -> str:
    user = login_as("interviewer", locale=language)
    projects.assign(db, project, user)
    token = csrf_token(client, "/interviewer/")
    claimed = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token})
    assert claimed.status_code == 302
    case_url = claimed.headers["Location"]
    started = client.post(
        f"{case_url}/interview", data={"csrf_token": csrf_token(client, case_url)}
    )
    assert started.status_code == 302, started.get_data(as_text=True)
    return started.headers["Location"]


def by_web(client, db, project) -> str:
    ((_, token),) = weblinks.issue_links(db, project)
    return f"/r/{token}"


@pytest.mark.parametrize(("path", "language", "mode"), runs())
def test_every_library_questionnaire_is_interviewed_to_its_closing_page(
    client, db, login_as, monday, path, language, mode
):
    project, questionnaire = project_with(db, path)
    if mode == "phone":
        url = by_phone(client, db, login_as, project, language)
    else:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        url = by_web(client, db, project)
    closing_page = interview_through_pages(client, url, questions_of(questionnaire))

    interview = db.scalar(select(Interview))
    db.refresh(interview)
    case = db.get(Case, interview.case_id)
    db.refresh(case)
    assert interviewing.state_of(interview).language == language
    assert f'<html lang="{language}">' in closing_page
    assert case.state == CaseState.FINAL
    if interview.status == "screened_out":  # the routing screened the chosen answers out
        assert case.final_outcome in (interview.outcome, "NOT_ELIGIBLE")
    else:
        assert interview.status == "completed"
        assert case.final_outcome == ("COMPLETE" if mode == "phone" else "WEB_COMPLETE")
    shown = 'data-testid="final-outcome"' if mode == "phone" else 'data-testid="thanks"'
    assert shown in closing_page
    if questionnaire.closing:
        closing = text_in(questionnaire.closing, language, questionnaire.language, mode)
        assert html.escape(closing, quote=False) in closing_page
