"""The XLSForm a questionnaire is downloaded as: pyxform accepts it, our reader reads it back,
and what XLSForm cannot hold is named at its path."""

from pathlib import Path

import pytest
from pyxform import xls2xform

from questionnaires import read_questionnaire
from questionnaires.files import check_questionnaire
from questionnaires.model import text_in
from questionnaires.xlsform_writer import write_xlsform
from questionnaires.xpath_writer import Names, Unsayable, xpath

ROOT = Path(__file__).parents[2]
LIBRARY = ROOT / "questionnaires" / "library"
SOURCES = [*sorted(LIBRARY.glob("*.yaml")), ROOT / "tests" / "exports" / "every_type.yaml"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_pyxform_accepts_the_xlsform_and_our_reader_reads_the_same_questions(path):
    questionnaire = read_questionnaire(path)
    workbook, _ = write_xlsform(questionnaire)
    xls2xform.convert(workbook, file_type=".xlsx", warnings=[])  # raises on a refusal
    back, problems = check_questionnaire(workbook, f"{path.stem}.xlsx")
    assert [p for p in problems if p.severity == "error"] == []

    def shape(q):
        """Ids, types, option codes and labels, grid rows; a text by language (XLSForm
        writes a text the same in every language once per language)."""

        def words(text):
            return [text_in(text, lang, q.language) for lang in q.languages]

        return [
            (
                qp.question.id,
                qp.question.type,
                [(o.code, words(o.label)) for o in getattr(qp.question, "options", ())],
                [(i.id, words(i.label)) for i in getattr(qp.question, "items", ())],
            )
            for qp in q.plan.questions.values()
        ]

    assert shape(back) == shape(questionnaire)
    assert back.languages == questionnaire.languages
    language = questionnaire.language  # an XLSForm's title is in its default language
    assert text_in(back.title, language, language) == text_in(
        questionnaire.title, language, language
    )


def test_a_questionnaire_within_xlsform_reads_back_as_the_very_same():
    """customer_satisfaction uses only what XLSForm holds: nothing is left out."""
    questionnaire = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    workbook, left_out = write_xlsform(questionnaire)
    assert left_out == []
    back, _ = check_questionnaire(workbook, "customer_satisfaction.xlsx")
    assert back == questionnaire


def test_what_xlsform_cannot_hold_is_named_at_its_path():
    _, left_out = write_xlsform(read_questionnaire(LIBRARY / "opinion_poll.yaml"))
    found = {(p.place.path, p.message) for p in left_out}
    assert ("randomize_blocks", "XLSForm does not shuffle groups") in found
    assert (
        "blocks[0].questions[0].routing",
        "XLSForm has no routing (go-to, screen-out, end)",
    ) in found
    assert ("blocks[1].questions[1].time_limit", "XLSForm has no time limits") in found
    assert ("blocks[0].questions[2].checks[1]", "a soft check has no XLSForm form") in found
    assert all(p.severity == "warning" and p.code == "Q053" for p in left_out)


NAMES = Names(
    survey={"a": "a", "b": "b", "g": "g", "t": "t", "score": "score"},
    grid_rows={("g", "speed"): "speed"},
    repeat_item="member",
    repeats={"score": "members"},
)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("a in [1, 2]", "(${a} = 1 or ${a} = 2)"),
        ("a not in [3]", "not((${a} = 3))"),
        ("4 in b", "selected(${b}, '4')"),
        (
            "selected(b, 3) and count_selected(b) >= 2",
            "selected(${b}, '3') and count-selected(${b}) >= 2",
        ),
        ("not answered(t) or string_length(t) < 10", "not(${t} != '') or string-length(${t}) < 10"),
        ("between(a, 18, 65)", "(${a} >= 18 and ${a} <= 65)"),
        ("(a + 1) * 2 > 10 / a % 3", "(${a} + 1) * 2 > 10 div ${a} mod 3"),
        ("g.speed = 1 or member > 2", "${speed} = 1 or position(..) > 2"),
        ("score[2] > 3", "indexed-repeat(${score}, ${members}, 2) > 3"),
        ("t = 'yes' and a != null", "${t} = 'yes' and ${a} != ''"),
    ],
)
def test_our_expressions_are_written_in_xpath(ours, theirs):
    assert xpath(ours, NAMES) == theirs


@pytest.mark.parametrize(
    ("ours", "reason"),
    [
        ("dk(a)", "dk() has no XLSForm equivalent"),
        ("sample.region = 'x'", "sample variables (region) are not in an XLSForm"),
        ("nosuch = 1", "'nosuch' has no place in the XLSForm"),
    ],
)
def test_what_xpath_cannot_say_is_refused_with_the_reason(ours, reason):
    with pytest.raises(Unsayable) as refused:
        xpath(ours, NAMES)
    assert str(refused.value) == reason
