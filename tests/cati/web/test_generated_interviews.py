"""Generated questionnaires over every feature of the language, interviewed to their closing
page through the web pages, by phone and by web, in English and Spanish: the engine and the
web layer together. Each page is answered from its rendered form alone, at random (Don't
know and Refused included, fields left empty now and then, checks failed and answered
again); any 500, or a page the web layer cannot show, fails.
"""

import itertools
import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from questionnaires import QuestionnaireError, read_questionnaire
from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.web.interviews import (
    assert_finished,
    interview_through_pages,
    interview_url,
    project_with,
    questions_of,
)
from tests.conftest import empty_tables
from tests.fuzz import budget
from tests.questionnaires.strategies import questionnaire_sources, sample_values

pytestmark = pytest.mark.sqlite_only  # many examples; the domain tests cover PostgreSQL


@settings(
    budget(0.25),  # 25 examples in the ci profile, 500 in long
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(
    source=questionnaire_sources(),
    seed=st.integers(0, 2**32),  # for answers: a page's order depends on the case's seed
    tick=st.sampled_from([0, 5]),  # seconds the server's clock moves at each reading
    mode=st.sampled_from(["phone", "web"]),
    language=st.sampled_from(["en", "es"]),
)
def test_generated_questionnaires_are_interviewed_to_their_closing_page(
    app, tmp_path, source, seed, tick, mode, language
):
    rng = random.Random(seed)
    try:
        read_questionnaire(source)
    except QuestionnaireError:
        assume(False)  # the generator also writes questionnaires that check refuses
    readings = itertools.count()  # a moving clock: time limits run out on slow pages
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + timedelta(seconds=tick * next(readings))
    path = tmp_path / "generated.yaml"
    path.write_text(source)
    db = app.extensions["cati.sessionmaker"]()  # the example's own: it caches engines
    try:
        project, questionnaire = project_with(db, path, sample_values(rng))
        client = app.test_client()  # each example its own visitor
        url = interview_url(client, db, project, mode, language)
        closing_page = interview_through_pages(client, url, questions_of(questionnaire), rng, db)
        assert_finished(db, closing_page, questionnaire, language, mode)
    finally:  # the app fixture is the test's, not the example's: empty the tables now
        db.close()
        empty_tables(app)
