"""XPath as XLSForms write it, translated into our expressions and evaluated as ODK would."""

from __future__ import annotations

import pytest

from questionnaires.evaluate import evaluate
from questionnaires.expressions import parse
from questionnaires.xlsform_xpath import Names, Untranslatable, translate

NAMES = Names(
    codes={"sex": {"male": 1, "female": 2}, "many": {"male": 1, "female": 2}}, multiple={"many"}
)
ANSWERS = {"sex": 2, "age": 34, "name": "Ana María", "phone": "555-0142", "many": [1, 2]}


def value(xpath: str, own: str | None = None):
    translated = translate(xpath, Names(codes=dict(NAMES.codes), multiple={"many"}), own)
    return evaluate(parse(translated), lambda path: ANSWERS.get(path[0]))


@pytest.mark.parametrize(
    ("xpath", "expected"),
    [
        ("../sex = 'female'", True),
        ("current()/../age > 30", True),
        ("/data/household/age div 2 = 17", True),
        ("${age} mod 5 = 4", True),
        ("string-length(${name}) = 9", True),
        ("regex(${phone}, '^555-01[0-9]{2}$')", True),
        ("contains(${name}, 'Mar') and starts-with(${name}, 'Ana')", True),
        ("ends-with(${name}, 'x')", False),
        ("if(${age} >= 18, 'adult', 'minor')", "adult"),
        ("concat(${name}, ' (', ${age}, ')')", "Ana María (34)"),
        ("coalesce(${missing}, 7)", 7),
        ("int(7.9) + round(2.5) + round(3.14159, 2)", 13.14),
        ("number('12') + 1", 13),
        ("substr(${name}, 0, 3)", "Ana"),
        ("sqrt(16) + pow(2, 3) + abs(-1) + floor(2.7) + ceiling(2.1)", 18),
        ("max(1, ${age}, 3) - min(4, 2)", 32),
        ("round(15 div (sqrt(cos(atan(0 div 100)))), 2)", 15),
        ("once(${age})", 34),
        ("${name} != ''", True),
        ("${missing} = ''", True),
        ("${many} = 'male'", True),
        ("true() and not(false())", True),
        ("“curly” = ‘curly’", True),
    ],
)
def test_an_xpath_expression_means_what_it_means_in_odk(xpath, expected):
    assert value(xpath) == expected


def test_today_and_now_are_iso_text_that_compares_with_a_date_answer():
    assert value("today() > '2000-01-01'") is True
    assert len(value("today()")) == 10 and "T" in value("now()")


def test_a_dot_is_the_question_itself_and_names_become_codes_there_too():
    assert translate(". = 'female' or selected(., 'male')", NAMES, "sex") == (
        "sex = 2 or selected ( sex , 1 )"
    )


def test_a_calculation_is_written_in_where_it_is_used_once_translated():
    names = Names(calculations={"total": "${a} + ${b}", "big": "${total} > 10"})
    assert translate("${big} and ${total} < 20", names) == "( ( a + b ) > 10 ) and ( a + b ) < 20"
    with pytest.raises(Untranslatable, match="depends on itself"):
        translate("${loop}", Names(calculations={"loop": "${loop2}", "loop2": "${loop}"}))


@pytest.mark.parametrize(
    "xpath", ["jr:choice-name(${x}, '${x}')", "position(..) = 1", "sum(${x})", "uuid()"]
)
def test_a_function_we_cannot_evaluate_is_untranslatable(xpath):
    """jr:choice-name of no choice question, position(..) outside a repeat, the rest."""
    with pytest.raises(Untranslatable):
        translate(xpath, Names())


def test_today_and_now_are_the_interviews_clock_when_the_engine_gives_one():
    translated = parse(translate("concat(today(), ' ', now())", Names()))
    clock = {("@now",): "2026-11-30T23:30:00+00:00"}
    assert evaluate(translated, clock.get) == "2026-11-30 2026-11-30T23:30:00+00:00"


@pytest.mark.parametrize(
    ("xpath", "expected"),
    [
        # javarosa's DateUtils.format specifiers, as in ODK's documentation examples
        ("format-date('2026-03-07', '%e/%n/%Y')", "7/3/2026"),
        ("format-date('2026-03-07', '%d-%b-%y, %a')", "07-Mar-26, Sat"),
        (
            "format-date-time('2026-03-07T09:05:03', '%Y%m%d %H:%M:%S (%h)')",
            "20260307 09:05:03 (9)",
        ),
        ("format-date('not a date', '%Y')", None),
        ("date('2026-03-07T10:00:00')", "2026-03-07"),
        ("date(0) = '1970-01-01'", True),
    ],
)
def test_format_date_and_date_write_dates_as_odk_does(xpath, expected):
    assert value(xpath) == expected


def test_jr_choice_name_is_the_label_of_the_chosen_option():
    names = Names(codes=dict(NAMES.codes), labels={"sex": {1: "Man", 2: "Woman"}})
    translated = translate("jr:choice-name(${sex}, '${sex}')", names)
    assert evaluate(parse(translated), lambda path: ANSWERS.get(path[0])) == "Woman"
    assert evaluate(parse(translated), lambda path: None) is None


def test_position_is_the_time_round_and_indexed_repeat_an_item_of_a_loop_answer():
    names = Names(loop_item="item")
    assert translate("position(..) + 1", names) == "item + 1"
    assert translate("indexed-repeat(${age}, ${people}, position(..) - 1) > 3", names) == (
        "age [ item - 1 ] > 3"
    )
    with pytest.raises(Untranslatable, match="one repeat"):
        translate("indexed-repeat(${a}, ${r}, 1, ${inner}, 2)", names)


def test_pulldata_looks_the_key_up_in_the_csv_beside_the_workbook(tmp_path):
    (tmp_path / "Fruits.csv").write_text("key,name,price\n1,apple,0.5\n2,pear,0.75\n")
    names = Names(folder=tmp_path)
    translated = translate("pulldata('fruits', 'name', 'key', ${choice})", names)
    assert translated == "lookup ( [1, 2] , ['apple', 'pear'] , choice )"
    assert evaluate(parse(translated), lambda path: 2) == "pear"
    price = translate("pulldata('fruits', 'price', 'key', '1') * 2", names)
    assert evaluate(parse(price), lambda path: None) == 1
    with pytest.raises(Untranslatable, match="not beside the workbook"):
        translate("pulldata('vegetables', 'name', 'key', 1)", names)
    with pytest.raises(Untranslatable, match="has no columns"):
        translate("pulldata('fruits', 'colour', 'key', 1)", names)
