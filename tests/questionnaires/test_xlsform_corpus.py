"""Real XLSForms made by others for ODK, KoBo and SurveyCTO (``../shared/xlsform-corpus``):
whatever cati makes of each, it is a questionnaire or problems that name the place, never
another exception. (Which of them cati should accept is issue 16.)"""

from pathlib import Path

import pytest

from questionnaires import check_questionnaire
from tests.conftest import skip_or_fail

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "xlsform-corpus"
FORMS = sorted(CORPUS.glob("*.xls*")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("form", FORMS or [None], ids=lambda p: p.name if p else "missing")
def test_a_real_xlsform_is_read_or_refused_with_placed_problems(form):
    if form is None:
        skip_or_fail(f"the XLSForm corpus is not at {CORPUS} (it comes with shared/)")
    questionnaire, problems = check_questionnaire(form)
    errors = [p for p in problems if p.severity == "error"]
    assert (questionnaire is None) == bool(errors)
    for problem in errors:
        assert problem.place.file == str(form), problem
        assert problem.place.line is not None or problem.place.path, problem
        assert problem.translated()  # the message fills its template
