"""The interview's language: switched mid-interview, kept per interview, in the data."""

import csv
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pyreadstat
import pytest
from sqlalchemy import select

from cati import dataset, interviewing
from cati.errors import CatiError, ErrorCode
from cati.models import AuditEntry, PageEvent
from exports.statfiles import write_dta, write_sav
from exports.tabular import write_csv
from exports.triple_s import write_triple_s
from tests.cati import test_dataset
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases
from tests.cati.test_dataset import interview

# The data set tests' project (customer_satisfaction.yaml, Spanish first) and interviewer.
project, interviewer = test_dataset.project, test_dataset.interviewer

LATER = MONDAY_10 + timedelta(seconds=30)
# customer_satisfaction.yaml to the end, on the branch that asks every question.
ALL_PAGES = [
    {},
    {"purchase_confirmed": 1},
    {"nps": 9},
    {"nps_reason": "Rápido"},
    {"sat": {"delivery": 5, "installation": 4, "staff": 4, "value": 3}},
    {"contact_channels": [1, 3]},
    {"problem": 2},
    {},
]


def test_the_language_switches_on_the_same_page_with_every_answer_kept(db, project, interviewer):
    (case,) = make_cases(db, project)
    item = interview(db, interviewer, case, ALL_PAGES[:2])
    assert item.language == "es" and "¿" in interviewing.current_page(db, item).questions[0].text
    seq = item.seq
    interviewing.switch_language(db, item, "en", interviewer, LATER)
    db.expire_all()
    state = interviewing.state_of(item)
    assert (state.language, item.language, item.seq) == ("en", "en", seq + 1)
    assert state.answers == {"purchase_confirmed": 1} and state.position == "nps"
    page = interviewing.current_page(db, item)
    assert page.questions[0].id == "nps" and "recommend" in page.questions[0].text
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "interview.language"))
    assert entry.user_id == interviewer.id and entry.details["previous"] == "es"
    assert entry.details["language"] == "en"
    event = db.scalar(select(PageEvent).where(PageEvent.action == "language"))
    assert (event.page_key, event.seconds) == ("nps", None)
    # A page form shown before the switch is a repeat; the current one goes on in English.
    assert interviewing.submit_page(db, item, {"nps": 3}, seq, interviewer, LATER).repeated
    result = interviewing.submit_page(db, item, {"nps": 3}, item.seq, interviewer, LATER)
    assert result.accepted and interviewing.state_of(item).answers["nps"] == 3


def test_a_language_the_questionnaire_lacks_or_an_ended_interview_is_refused(
    db, project, interviewer
):
    first, second = make_cases(db, project, n=2)
    done = interview(db, interviewer, first, ALL_PAGES)
    with pytest.raises(CatiError) as caught:
        interviewing.switch_language(db, done, "en", interviewer, LATER)
    assert caught.value.code is ErrorCode.INTERVIEW_OVER
    item = interview(db, interviewer, second, ALL_PAGES[:1])
    with pytest.raises(CatiError) as caught:
        interviewing.switch_language(db, item, "fr", interviewer, LATER)
    assert caught.value.code is ErrorCode.LANGUAGE_NOT_OFFERED
    assert "es, en" in str(caught.value)
    assert interviewing.state_of(item).language == "es"
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "interview.language")) is None


def test_every_data_file_carries_the_interview_language(db, project, interviewer, tmp_path):
    spanish, english = make_cases(db, project, n=2)
    interview(db, interviewer, spanish, ALL_PAGES)
    item = interview(db, interviewer, english, ALL_PAGES[:3])
    interviewing.switch_language(db, item, "en", interviewer, LATER)
    for answers in ALL_PAGES[3:]:
        assert interviewing.submit_page(db, item, answers, item.seq, interviewer, LATER).accepted
    data = dataset.build(db, project)
    assert data.frame["language"].tolist() == ["es", "en"]
    assert data.meta("language").label == "Interview language"
    assert (data.meta("language").kind, data.meta("language").source) == ("string", "paradata")
    frame, columns = data.frame, data.columns

    write_csv(frame, columns, tmp_path / "d.csv")
    rows = list(csv.DictReader((tmp_path / "d.csv").open(encoding="utf-8-sig")))
    assert [r["language"] for r in rows] == ["es", "en"]
    write_sav(frame, columns, tmp_path / "d.sav")
    sav, meta = pyreadstat.read_sav(tmp_path / "d.sav")
    assert sav["language"].tolist() == ["es", "en"]
    assert meta.column_names_to_labels["language"] == "Interview language"
    write_dta(frame, columns, tmp_path / "d.dta")
    assert pyreadstat.read_dta(tmp_path / "d.dta")[0]["language"].tolist() == ["es", "en"]
    now = datetime(2026, 3, 2, tzinfo=UTC)
    asc = write_triple_s(frame, columns, tmp_path / "d.sss", name="d", title="D", now=now)
    variables = ET.parse(tmp_path / "d.sss").getroot().iter("variable")
    (language,) = [v for v in variables if v.findtext("label") == "Interview language"]
    start, end = (int(language.find("position").get(k)) for k in ("start", "finish"))
    lines = asc.read_text(encoding="utf-8").splitlines()
    assert [line[start - 1 : end].strip() for line in lines] == ["es", "en"]
