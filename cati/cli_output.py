"""How every command shows a user's problems: one line each, ``place: CODE message``.

Any :class:`~cati.problems.ProblemError` (a CatiError, a sample's or a file's list of
problems, a statistics error) is printed whole to stderr and the command exits with status
1; the CLI speaks English, as its help does.
"""

from __future__ import annotations

from typing import NoReturn

import click

from cati.problems import Problem, ProblemError


def problem_line(problem: Problem) -> str:
    """``bad.csv, row 2, column 'phone': E2303 phone number …``; no place, no prefix."""
    where = problem.place.text()
    text = f"{problem.code} {problem.message}"
    return f"{where}: {text}" if where else text


def fail(error: ProblemError, conclusion: str = "") -> NoReturn:
    """Print every problem of `error` (then `conclusion`, if any) and exit with status 1."""
    for problem in error.problems:
        click.echo(problem_line(problem), err=True)
    if conclusion:
        click.echo(conclusion, err=True)
    raise click.exceptions.Exit(1)
