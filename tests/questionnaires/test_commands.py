"""The `questionnaire check` and `questionnaire preview` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from questionnaires import read_questionnaire
from questionnaires.commands import questionnaire
from questionnaires.preview import preview_html

from .helpers import make_questionnaire, single

LIBRARY = Path(__file__).resolve().parents[2] / "questionnaires" / "library"

BROKEN = """\
id: broken
version: "1"
title: Broken
questions:
  - id: a
    type: single
    text: A?
    options: [{code: 1, label: One}]
    routing:
      - {if: "a = 1", goto: a}
  - id: b
    type: single
    text: B?
    show_if: "nowhere = 1"
    options: [{code: 1, label: One}]
"""


def test_check_passes_a_library_questionnaire():
    result = CliRunner().invoke(questionnaire, ["check", str(LIBRARY / "opinion_poll.yaml")])
    assert result.exit_code == 0
    assert "OK" in result.output


def test_check_lists_every_problem_with_its_place_and_fails(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    result = CliRunner().invoke(questionnaire, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:10, questions[0].routing[0].goto: error Q033" in result.output
    assert f"{path}:14, questions[1].show_if: error Q030" in result.output
    assert "2 error(s)" in result.output


def test_check_reports_an_unreadable_file(tmp_path):
    result = CliRunner().invoke(questionnaire, ["check", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "Q001" in result.output


def test_preview_writes_html_with_routing_spelled_out(tmp_path):
    out = tmp_path / "paper.html"
    result = CliRunner().invoke(
        questionnaire,
        ["preview", str(LIBRARY / "brand_awareness.yaml"), "--out", str(out), "--language", "en"],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Coffee brand awareness and usage study" in html
    assert "screen out (outcome SO_AGE)" in html
    assert "Repeat this block for each option chosen in aided" in html
    assert "aided includes 6 «None of them»" in html


def test_preview_refuses_a_broken_questionnaire(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    result = CliRunner().invoke(questionnaire, ["preview", str(path)])
    assert result.exit_code == 1
    assert "Q033" in result.output


def test_preview_of_the_xlsform_matches_the_yaml():
    runner = CliRunner()
    from_yaml = runner.invoke(
        questionnaire, ["preview", str(LIBRARY / "customer_satisfaction.yaml")]
    )
    from_xlsx = runner.invoke(
        questionnaire, ["preview", str(LIBRARY / "customer_satisfaction.xlsx")]
    )
    assert from_yaml.exit_code == from_xlsx.exit_code == 0
    assert from_yaml.output == from_xlsx.output


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("language", ["es", "en"])
def test_preview_renders_every_library_questionnaire(path, language):
    html = preview_html(read_questionnaire(path), language)
    assert html.count('<div class=q id="') == len(read_questionnaire(path).plan.questions)
    assert f'<html lang="{language}">' in html


def test_preview_escapes_texts():
    q = make_questionnaire([single("a", text="<script>x</script> & co")])
    html = preview_html(q)
    assert "<script>x" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html


def test_preview_writes_routing_in_words():
    q = make_questionnaire(
        [
            single("a", routing=[{"if": "a = 2 and not answered(a)", "goto": "c"}]),
            single("b", show_if="between(a, 1, 2) or a in [1]"),
            single("c", checks=[{"valid_if": "c != 1", "soft": True, "message": "Sure?"}]),
        ]
    )
    html = preview_html(q)
    assert "If a is 2 «option 2» and a is not answered: go to" in html
    assert "Ask only if a is between 1 and 2 or a is one of 1 «option 1»." in html
    assert "Soft check (can be confirmed): c is not 1 «option 1»" in html


def test_check_refuses_special_codes_that_are_legal_ages_and_passes_its_own_choice(tmp_path):
    age = (
        'id: ages\nversion: "1"\ntitle: Ages\n{codes}questions:\n'
        "  - {{id: age, type: numeric, text: Age?, min: 16, max: 99}}\n"
    )
    path = tmp_path / "ages.yaml"
    path.write_text(age.format(codes=""))  # Don't know 998, Refused 999: outside 16-99
    assert CliRunner().invoke(questionnaire, ["check", str(path)]).exit_code == 0
    path.write_text(age.format(codes="codes: {dont_know: 98, refused: 99, timed_out: 97}\n"))
    result = CliRunner().invoke(questionnaire, ["check", str(path)])
    assert result.exit_code == 1
    assert "codes: error Q046: the data code 98 of don't know, refused or timed out is a " in (
        result.output
    )
    assert "legal answer of question age (16 to 99)" in result.output
