"""``cati questionnaire ...``: check and preview questionnaire files from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from questionnaires.errors import QuestionnaireError
from questionnaires.files import check_questionnaire, read_questionnaire
from questionnaires.preview import preview_html


# -h as under `cati`, also when the group runs on its own (click keeps the first help
# option it builds for a command).
@click.group("questionnaire", context_settings={"help_option_names": ["-h", "--help"]})
def questionnaire() -> None:
    """Check and preview questionnaires (YAML or XLSForm)."""


@questionnaire.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check_command(file: Path) -> None:
    """Report every problem in FILE with its place; exit 1 if there are errors."""
    found, problems = check_questionnaire(file)
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if errors or found is None:
        click.echo(f"{file}: {errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    questions = len(found.plan.questions)
    click.echo(
        f"{file}: OK — {found.id} version {found.version}, {questions} questions, "
        f"{warnings} warning(s)"
    )


@questionnaire.command("preview")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the HTML here instead of to standard output.",
)
@click.option("--language", help="Language code of the texts (default: the questionnaire's).")
def preview_command(file: Path, out: Path | None, language: str | None) -> None:
    """Write a readable paper version of FILE as HTML, with the routing spelled out."""
    try:
        loaded = read_questionnaire(file)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    if language is not None and language not in loaded.languages:
        raise click.BadParameter(
            f"not one of {', '.join(loaded.languages)}", param_hint="--language"
        )
    html = preview_html(loaded, language)
    if out is None:
        click.echo(html)
    else:
        out.write_text(html, encoding="utf-8")
        click.echo(f"wrote {out}")
