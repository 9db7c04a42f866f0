"""XLSForm features as ODK, KoBo and SurveyCTO write them (issue 16): each imported the way
docs/questionnaire-format.md says, or skipped with a warning, or refused at its row."""

from __future__ import annotations

import pytest

from questionnaires import Engine, ErrorCode, QuestionnaireError, check_questionnaire
from questionnaires.answers import data_codes
from questionnaires.xlsform import load_xlsform, read_xlsform

from .helpers import T0, run
from .test_xlsform import workbook

SEX = [["list_name", "name", "label"], ["sex", "male", "Male"], ["sex", "female", "Female"]]


def questions_of(questionnaire) -> dict:
    return {q.id: q for block in questionnaire.all_blocks for q in block.questions}


def warnings_of(path) -> list[str]:
    questionnaire, problems = check_questionnaire(path)
    assert questionnaire is not None, [str(p) for p in problems]
    return [p.message for p in problems if p.severity == "warning"]


def test_text_choice_names_get_codes_in_sheet_order_and_expressions_compare_names(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "relevant"],
            ["select_one sex", "sex", "Sex?", None],
            ["select_multiple sex", "both", "Which?", None],
            ["integer", "age", "Age?", "${sex} = 'male' and not(selected(${both}, 'female'))"],
        ],
        SEX,
    )
    questions = questions_of(read_xlsform(path))
    assert [(o.code, o.name, o.label) for o in questions["sex"].options] == [
        (1, "male", "Male"),
        (2, "female", "Female"),
    ]
    assert questions["age"].show_if == "sex = 1 and not ( selected ( both , 2 ) )"
    engine = Engine(read_xlsform(path))
    assert run(engine, [{"sex": 1}, {"both": [1]}]).position == "age"
    assert run(engine, [{"sex": 2}, {"both": [1]}]).finished


def test_a_select_multiple_compared_with_a_name_means_that_name_is_chosen(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "relevant"],
            ["select_multiple sex", "both", "Which?", None],
            ["text", "why", "Why?", "${both} = 'female' or ${both} != 'male'"],
        ],
        SEX,
    )
    why = questions_of(read_xlsform(path))["why"]
    assert why.show_if == "selected ( both , 2 ) or not selected ( both , 1 )"


def test_whole_number_names_stay_the_codes_and_a_duplicate_name_is_one_option(tmp_path):
    path = workbook(
        tmp_path,
        [["type", "name", "label"], ["select_one n", "n", "N?"], ["select_one d", "d", "D?"]],
        [
            ["list_name", "name", "label"],
            ["n", "5", "Five"],
            ["n", "98", "Don't know"],
            ["d", "a", "A"],
            ["d", "a", "A again"],
            ["d", "b", "B"],
        ],
        settings=[["form_id", "allow_choice_duplicates"], ["f", "yes"]],
    )
    questionnaire = read_xlsform(path)
    questions = questions_of(questionnaire)
    assert [(o.code, o.name) for o in questions["n"].options] == [(5, None), (98, None)]
    assert [(o.code, o.name) for o in questions["d"].options] == [(1, "a"), (2, "b")]
    # the form's own 98 keeps its meaning: Don't know and Refused go past the codes
    # (answers.special_codes, the rule of every questionnaire)
    assert data_codes(questionnaire, questions["n"]) == {"dk": 998, "ref": 999}


def test_pyxform_aliases_and_language_spellings(tmp_path):
    path = workbook(
        tmp_path,
        [
            [
                *("type", "name", "label:English", "label::Français", "relevance"),
                *("constraint", "constraint message", "bind:required"),
            ],
            ["select one from sex", "sex", "Sex?", "Sexe ?", None, None, None, "yes"],
            ["select all that apply from sex", "m", "Which?", "Lesquels ?", None, None, None, None],
            ["integer", "age", "Age?", "Âge ?", "${sex} = 'female'", ". < 120", "Too old", None],
        ],
        [
            ["list name", "value", "label:English", "label::Français"],
            ["sex", "male", "Male", "Homme"],
            ["sex", "female", "Female", "Femme"],
        ],
        settings=[["title", "id_string", "default_language"], ["My form", "my_form", "French"]],
    )
    questionnaire = read_xlsform(path)
    assert (questionnaire.id, questionnaire.title) == ("my_form", "My form")
    assert questionnaire.languages == ("en", "fr") and questionnaire.language == "fr"
    sex, many, age = questionnaire.questions
    assert (sex.type, sex.required, many.type) == ("single", True, "multiple")
    assert sex.options[1].label == {"en": "Female", "fr": "Femme"}
    assert age.show_if == "sex = 2"
    assert age.checks[0].message == "Too old"  # a plain column: the same in each language


def test_columns_pyxform_ignores_give_one_warning(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "media::image", "tutorial notes", "instance::hxl"],
            ["text", "a", "A?", "a.png", "first", "#a"],
            ["text", "b", "B?", "b.png", "second", "#b"],
        ],
    )
    [warning] = warnings_of(path)
    assert "ignored" in warning and "tutorial_notes" in warning and "instance" in warning


def test_a_calculate_in_a_repeat_is_stored_for_each_time_round(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "calculation", "relevant", "repeat_count"],
            ["begin repeat", "child", "Children", None, None, "2"],
            ["integer", "age", "Age?", None, None, None],
            ["calculate", "months", None, "${age} * 12", None, None],
            ["text", "why", "Why?", None, "${months} > 100", None],
            ["end repeat", None, None, None, None, None],
        ],
    )
    questionnaire = read_xlsform(path)
    assert questions_of(questionnaire)["months"].type == "calculate"
    assert questions_of(questionnaire)["why"].show_if == "( age * 12 ) > 100"
    state = run(Engine(questionnaire), [{"age": 2}, {"age": 5}])
    assert state.finished and (state.answers["months[1]"], state.answers["months[2]"]) == (24, 60)


def test_calculate_is_written_where_it_is_used_and_stored(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "calculation", "relevant"],
            ["integer", "adults", "Adults?", None, None],
            ["integer", "children", "Children?", None, None],
            ["calculate", "size", None, "${adults} + ${children}", None],
            ["text", "why", "Why so many?", None, "${size} > 5"],
        ],
    )
    assert any("as computed variables: size" in w for w in warnings_of(path))
    questionnaire = read_xlsform(path)
    size = questions_of(questionnaire)["size"]
    assert (size.type, size.expression) == ("calculate", "adults + children")
    assert questions_of(questionnaire)["why"].show_if == "( adults + children ) > 5"
    engine = Engine(questionnaire)
    state = run(engine, [{"adults": 3}, {"children": 3}])
    assert (state.position, state.answers["size"]) == ("why", 6)
    state = run(engine, [{"adults": 1}, {"children": 1}])
    assert state.finished and state.answers["size"] == 2


def test_a_read_only_question_with_a_calculation_is_a_calculation(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "calculation", "read_only", "relevant"],
            ["integer", "adults", "Adults?", None, None, None],
            ["integer", "double", "Twice", "${adults} * 2", "yes", None],
            ["integer", "asked", "Asked anyway", "${adults} * 3", None, "${double} > 2"],
        ],
    )
    questionnaire, problems = check_questionnaire(path)
    assert list(questions_of(questionnaire)) == ["adults", "double", "asked"]
    assert questions_of(questionnaire)["double"].expression == "adults * 2"
    assert questions_of(questionnaire)["asked"].show_if == "( adults * 2 ) > 2"
    assert any("calculation on a question is not applied" in p.message for p in problems)


def test_types_a_telephone_cannot_ask_are_skipped_with_one_warning_each(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "relevant"],
            ["geopoint", "where", "Where?", None],
            ["image", "photo", "Photo", None],
            ["start", "start", None, None],
            ["text", "note", "Anything seen at ${where}?", "${photo} != ''"],
        ],
    )
    warnings = warnings_of(path)
    assert sum("cannot be asked on the telephone" in w for w in warnings) == 2
    [question] = read_xlsform(path).questions
    assert question.text == "Anything seen at [where]?"
    assert question.show_if == "answered ( null )" or "null" in question.show_if


def test_groups_nest_at_any_depth_their_conditions_joined(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "appearance", "relevant"],
            ["begin group", "outer", "Outer", "field-list", None],
            ["integer", "a", "A?", None, None],
            ["end group", None, None, None, None],
            ["begin group", "main", "Main", None, None],
            ["begin group", "inner", "Inner", None, "${a} > 1"],
            ["begin group", "page", None, "field-list", None],
            ["integer", "b", "B?", None, None],
            ["text", "c", "C?", None, "${a} > 2"],
            ["end group", None, None, None, None],
            ["end group", None, None, None, None],
            ["end group", None, None, None, None],
        ],
    )
    outer, main = read_xlsform(path).blocks
    assert outer.questions[0].page == "outer"
    b, c = main.questions
    assert (b.page, c.page) == ("page", "page")
    assert b.show_if == "a > 1"
    assert c.show_if == "( a > 1 ) and ( a > 2 )"


def test_a_repeat_without_a_count_asks_at_each_round_whether_to_add_one(tmp_path):
    """As ODK Collect does: "Add a Children?" before each round; a no ends the repeat."""
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["begin repeat", "child", "Children"],
            ["text", "child_name", "Name of the child?"],
            ["end repeat", None, None],
            ["note", "bye", "Thank you"],
        ],
    )
    questionnaire, problems = check_questionnaire(path)
    assert [p for p in problems if p.severity == "error"] == []
    assert not any("asked later" in p.message for p in problems)
    loop, _thanks = questionnaire.blocks
    assert [q.id for q in loop.questions] == ["child_add", "child_name"]
    assert loop.loop.max_times == 20
    engine = Engine(questionnaire)
    yes, no = 1, 2
    pages = [{"child_add": yes}, {"child_name": "Ana"}, {"child_add": yes}, {"child_name": "Luis"}]
    state = run(engine, [*pages, {"child_add": no}])
    assert state.position == "bye"
    assert state.answers["child_name[2]"] == "Luis" and "child_name[3]" not in state.answers
    assert run(engine, [{"child_add": no}]).position == "bye"  # none at all


def test_the_questions_a_repeat_adds_are_worded_in_each_language_of_the_form(tmp_path):
    """The "add one more?" and "how many times?" in the interview's language, not English only."""
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label::English (en)", "label::Español (es)"],
            ["begin repeat", "child", "Children", "Hijos"],
            ["text", "child_name", "Name?", "¿Nombre?"],
            ["begin repeat", "toy", "Toys", "Juguetes"],
            ["text", "toy_name", "Toy?", "¿Juguete?"],
            ["end repeat", None, None, None],
            ["end repeat", None, None, None],
        ],
    )
    questions = questions_of(read_xlsform(path))
    add, count = questions["child_add"], questions["toy_count"]
    assert add.instruction["es"].startswith("¿Añadir uno (más)?")
    assert add.instruction["en"].startswith("Add one (more)?")
    assert [o.label for o in add.options] == [{"en": "Yes", "es": "Sí"}, {"en": "No", "es": "No"}]
    assert count.instruction["es"].startswith("¿Cuántas veces?")
    assert count.instruction["en"].startswith("How many times?")
    # a language without built-in words gets the English ones
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label::Français (fr)"],
            ["begin repeat", "child", "Enfants"],
            ["text", "child_name", "Nom ?"],
            ["end repeat", None, None],
        ],
    )
    assert questions_of(read_xlsform(path))["child_add"].instruction == {
        "fr": "Add one (more)? Yes: its questions are asked; no: the repeat ends."
    }


def test_a_repeat_inside_a_repeat_is_asked_as_numbered_copies(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "repeat_count"],
            ["begin repeat", "house", "House", "2"],
            ["begin repeat", "room", "Room", "3"],
            ["text", "use", "Use of the room?", None],
            ["end repeat", None, None, None],
            ["end repeat", None, None, None],
        ],
    )
    [block] = read_xlsform(path).blocks
    assert block.loop.times == 2
    assert [q.id for q in block.questions] == ["use_1", "use_2", "use_3"]


def test_choice_filter_offers_only_the_matching_choices(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "choice_filter"],
            ["select_one states", "state", "State?", None],
            ["select_one counties", "county", "County?", "${state} = cf"],
        ],
        [
            ["list_name", "name", "label", "cf"],
            ["states", "texas", "Texas", None],
            ["states", "washington", "Washington", None],
            ["counties", "king", "King", "washington"],
            ["counties", "pierce", "Pierce", "washington"],
            ["counties", "cameron", "Cameron", "texas"],
        ],
    )
    questionnaire = read_xlsform(path)
    county = questions_of(questionnaire)["county"]
    assert [o.show_if for o in county.options] == ["state = 2", "state = 2", "state = 1"]
    engine = Engine(questionnaire)
    state = run(engine, [{"state": 2}])
    [shown] = engine.current_page(state).questions
    assert [o.label for o in shown.options] == ["King", "Pierce"]


def test_or_other_adds_an_option_and_its_specify_question(tmp_path):
    path = workbook(
        tmp_path,
        [["type", "name", "label"], ["select_one sex or_other", "sex", "Sex?"]],
        SEX,
    )
    questionnaire = read_xlsform(path)
    sex, other = questionnaire.questions
    assert (sex.options[-1].code, sex.options[-1].name) == (3, "other")
    assert other.id == "sex_other" and other.show_if == "selected ( sex , 3 )"
    assert run(Engine(questionnaire), [{"sex": 3}]).position == "sex_other"


def test_select_one_from_file_reads_the_csv_beside_the_workbook(tmp_path):
    folder = tmp_path / "form"
    folder.mkdir()
    (folder / "fruits.csv").write_text("name,label,colour\napple,Apple,red\npear,Pear,green\n")
    (tmp_path / "outside.csv").write_text("name,label\nx,X\n")
    path = workbook(
        folder,
        [
            ["type", "name", "label", "choice_filter"],
            ["select_one_from_file fruits.csv", "fruit", "Fruit?"],
            ["select_one_from_file fruits.csv", "red", "Red fruit?", "colour = 'red'"],
            ["select_one_from_file absent.csv", "veg", "Vegetable?"],
            ["select_one_from_file ../outside.csv", "out", "Outside?"],
        ],
    )
    questionnaire, warnings, _ = load_xlsform(path)
    fruit, red, veg, outside = questionnaire.questions
    assert [o.show_if for o in red.options] == ["'red' = 'red'", "'green' = 'red'"]
    assert outside.type == "text"  # a path out of the workbook's folder is not followed
    assert [(o.code, o.name) for o in fruit.options] == [(1, "apple"), (2, "pear")]
    assert veg.type == "text"  # its choices are not there: the answer is written down
    assert any("absent.csv" in w.message for w in warnings)


def test_rank_is_a_grid_and_acknowledge_a_single_ok(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["rank sex", "order", "Order them"],
            ["acknowledge", "ok", "OK?"],
        ],
        SEX,
    )
    order, ok = read_xlsform(path).questions
    assert order.type == "grid" and [i.id for i in order.items] == ["order_1", "order_2"]
    assert [o.code for o in order.scale] == [1, 2]
    assert ok.type == "single" and [o.name for o in ok.options] == ["OK"]


def test_a_name_used_again_in_another_group_is_prefixed(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["text", "name", "Your name?"],
            ["begin group", "child", "Child"],
            ["text", "name", "Child's name?"],
            ["end group", None, None],
        ],
    )
    assert list(questions_of(read_xlsform(path))) == ["name", "child_name"]


def test_variable_names_spss_refuses_are_renamed_and_long_names_cut_apart(tmp_path):
    long = "a_name_that_goes_on_and_on_and_on_for_more_than_sixty_four_characters"
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["text", "with", "With?"],
            ["text", long, "First?"],
            ["begin group", "g", "G"],
            ["text", long, "Second?"],
            ["end group", None, None],
        ],
    )
    questionnaire, problems = check_questionnaire(path)
    assert [p for p in problems if p.severity == "error"] == []
    questions = list(questions_of(questionnaire).values())
    assert questions[0].var_name == "with_v"
    assert len({q.id for q in questions}) == 3 and all(len(q.id) <= 64 for q in questions)


def test_loop_over_a_list_writes_its_questions_once_per_choice(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["begin loop over sex", "each", None],
            ["integer", "count", "How many %(label)s?"],
            ["end loop", None, None],
        ],
        SEX,
    )
    questions = read_xlsform(path).questions
    assert [(q.id, q.text) for q in questions] == [
        ("count_male", "How many Male?"),
        ("count_female", "How many Female?"),
    ]


def test_a_form_pyxform_refuses_is_refused_at_its_row(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["text", "a", "A?"],
            ["select_one nolist", "b", "B?"],
            ["select_one nolist", "c", "C?"],
            ["select_one nolist", "d", "D?"],
        ],
        SEX,
    )
    with pytest.raises(QuestionnaireError) as caught:
        read_xlsform(path)
    [problem] = caught.value.problems  # one broken list, one error
    assert problem.code == ErrorCode.XLSFORM_INVALID
    assert problem.place.path == "survey sheet, row 3" and "nolist" in problem.message


def test_a_form_with_selects_and_no_choices_sheet_is_refused_at_the_first_select(tmp_path):
    path = workbook(
        tmp_path, [["type", "name", "label"], ["text", "a", "A?"], ["select_one x", "b", "B?"]]
    )
    with pytest.raises(QuestionnaireError) as caught:
        read_xlsform(path)
    assert caught.value.problems[0].place.path == "survey sheet, row 3"


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (["integer", "n", "N", "jr:choice-name(${a}, '${a}') = 'x'"], "only takes a select_one"),
        (["integer", "n", "N", "uuid() = 2"], "'uuid'"),
        (["integer", "n", "N", "(today() - ${a}) > 365"], "cannot use '-' on a text"),
    ],
)
def test_a_condition_we_cannot_use_is_left_out_with_a_warning_at_its_cell(tmp_path, row, fragment):
    """pyxform takes these forms, so they are imported: the question is asked as if its
    condition held, and the warning says so at the row and column."""
    path = workbook(
        tmp_path, [["type", "name", "label", "relevant"], ["date", "a", "A", None], row]
    )
    questionnaire, problems = check_questionnaire(path)
    assert questionnaire is not None and all(p.severity == "warning" for p in problems)
    [warning] = [p for p in problems if fragment in p.message]
    assert warning.place.line == 3 and warning.place.column == "relevant"
    assert warning.message.endswith("asked as if it held")
    assert run(Engine(questionnaire), [{"a": "2026-01-01"}]).position == "n"


def test_an_answer_a_label_cannot_show_is_shown_as_its_name_in_brackets(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["begin repeat", "child", "Children"],
            ["text", "child_name", "Name?"],
            ["end repeat", None, None],
            ["note", "bye", "Thanks for ${child_name}"],
        ],
    )
    questionnaire, problems = check_questionnaire(path)
    assert questions_of(questionnaire)["bye"].text == "Thanks for [child_name]"
    [warning] = [p for p in problems if "[its name]" in p.message]
    assert warning.place.line == 5 and warning.severity == "warning"


def test_a_constraint_we_cannot_use_is_left_out_and_the_answer_kept(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "constraint"],
            ["date", "born", "Born?", ". < today() - 365"],
        ],
    )
    questionnaire, problems = check_questionnaire(path)
    [warning] = problems
    assert warning.place.column == "constraint" and "not checked" in warning.message
    assert run(Engine(questionnaire), [{"born": "2026-11-30"}]).finished


def test_an_option_condition_is_checked_like_a_question_condition():
    text = """
id: t
version: "1"
title: T
questions:
  - {id: a, type: single, text: A?, options: [{code: 1, label: One}]}
  - id: b
    type: single
    text: B?
    options:
      - {code: 1, label: One, show_if: "nowhere = 1"}
      - {code: 2, label: Two, show_if: "a = 1"}
"""
    _, problems = check_questionnaire(text, "t.yaml")
    [error] = [p for p in problems if p.severity == "error"]
    assert error.code == ErrorCode.UNDEFINED_NAME
    assert error.place.path == "questions[1].options[0].show_if"


def test_a_default_is_shown_filled_in_and_one_that_is_no_answer_is_a_warning(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "default"],
            ["select_one sex", "sex", "Sex?", "female"],
            ["integer", "n", "How many?", "2"],
            ["date", "day", "When?", "today()"],
            ["date", "when", "And?", "not a date"],
        ],
        SEX,
    )
    _, problems = check_questionnaire(path)
    [left_out] = [p for p in problems if p.place.column == "default" and "left out" in p.message]
    assert left_out.place.line == 5
    questionnaire, warnings, _ = load_xlsform(path)
    sex, n, day, _ = questionnaire.questions
    assert (sex.default, n.default, day.default) == (2, 2, None)
    assert any("'today()' is not filled in" in w.message for w in warnings)
    engine = Engine(questionnaire)
    state = engine.start({}, 1, now=T0)
    assert engine.current_page(state).questions[0].answer == 2  # shown chosen, not yet given
    assert "sex" not in state.answers


def test_a_default_that_is_no_answer_to_its_question_is_refused_by_the_checks():
    text = """
id: t
version: "1"
title: T
questions:
  - {id: n, type: numeric, text: N?, max: 10, default: 50}
"""
    _, problems = check_questionnaire(text, "t.yaml")
    [error] = problems
    assert error.place.path == "questions[0].default" and "50" in error.message
