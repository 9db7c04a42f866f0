"""A few generated questionnaires (every feature of the language, tests/questionnaires/
strategies.py) interviewed to their closing page in Chromium with the mouse, by phone or by
web, in English or Spanish, answered at random from each page's own inputs. The test client
runs many more (tests/cati/web/test_generated_interviews.py); these show that what the
pages send is what a real browser sends."""

import random

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from questionnaires import QuestionnaireError, read_questionnaire
from tests.browser.test_library_in_browser import interview_in_browser
from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.web.interviews import assert_finished, project_with
from tests.conftest import empty_tables
from tests.questionnaires.strategies import questionnaire_sources, sample_values

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a browser run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(
    # Time limits the mouse cannot hit: a page that runs out is sent by its own script.
    source=questionnaire_sources(short_limit=600),
    seed=st.integers(0, 2**32),
    mode=st.sampled_from(["phone", "web"]),
    language=st.sampled_from(["en", "es"]),
)
def test_generated_questionnaires_are_interviewed_in_the_browser(
    browser, live_server, app, tmp_path, source, seed, mode, language
):
    rng = random.Random(seed)
    try:
        read_questionnaire(source)
    except QuestionnaireError:
        assume(False)  # the generator also writes questionnaires that check refuses
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    path = tmp_path / "generated.yaml"
    path.write_text(source)
    db = app.extensions["cati.sessionmaker"]()  # the example's own: it caches engines
    try:
        project, questionnaire = project_with(db, path, sample_values(rng))
        closing = interview_in_browser(
            browser, live_server, db, project, questionnaire, mode, language, rng
        )
        assert_finished(db, closing, questionnaire, language, mode)
    finally:  # the app fixture is the test's, not the example's: empty the tables now
        db.close()
        empty_tables(app)
