"""What changes between two versions of a questionnaire, for pinning one mid-field.

Questions are matched by their data variable (``variable:``, else the id), as the data files
match them. A change is a warning (shown, and confirmed before it is pinned mid-field): a
question added or removed, other wording, options or grid rows added or removed, another
range. A change that makes the answers already collected unreadable under the same variable
is an error: another question type, an option code that now means something else, other
data codes for don't know / refused / timed out.
"""

from __future__ import annotations

from typing import Any

from cati.problems import N_, Problem
from questionnaires.answers import data_codes
from questionnaires.errors import ErrorCode, problem
from questionnaires.model import AnyQuestion, Display, Grid, Numeric, Questionnaire, Rating, text_in


def _questions(questionnaire: Questionnaire) -> dict[str, tuple[AnyQuestion, str]]:
    return {
        qp.question.var_name: (qp.question, qp.path)
        for qp in questionnaire.plan.questions.values()
        if not isinstance(qp.question, Display)
    }


def _type(question: AnyQuestion) -> str:
    if isinstance(question, Grid) and question.multiple:
        return "grid (several per row)"
    return question.type


def _words(questionnaire: Questionnaire, text: Any) -> str:
    """A text as compared: the default language, case and spacing ignored."""
    return " ".join(
        text_in(text, questionnaire.language, questionnaire.language).split()
    ).casefold()


def _options(question: AnyQuestion) -> dict[int, Any]:
    found = getattr(question, "options", None) or getattr(question, "scale", None) or ()
    return {o.code: o.label for o in found}


def _codes(codes: Any) -> str:
    return ", ".join(str(c) for c in sorted(codes))


def _range(question: Numeric | Rating) -> str:
    low = "…" if question.min is None else f"{question.min:g}"
    high = "…" if question.max is None else f"{question.max:g}"
    return f"{low}–{high}"


class _Comparison:
    def __init__(self, old: Questionnaire, new: Questionnaire, file: str | None) -> None:
        self.old, self.new, self.file = old, new, file
        self.found: list[Problem] = []

    def note(self, template: str, path: str, **params: Any) -> None:
        self.found.append(
            problem(
                ErrorCode.VERSION_CHANGE,
                template,
                path=path,
                file=self.file,
                severity="warning",
                **params,
            )
        )

    def refuse(self, template: str, path: str, **params: Any) -> None:
        self.found.append(
            problem(ErrorCode.VERSION_INCOMPATIBLE, template, path=path, file=self.file, **params)
        )

    def run(self) -> list[Problem]:
        old, new = _questions(self.old), _questions(self.new)
        for name, (question, path) in new.items():
            if name not in old:
                self.note(N_("question %(id)s is added"), path, id=question.id)
            else:
                self.question(name, old[name][0], question, path)
        for name, (question, _) in old.items():
            if name not in new:  # no place: the question is not in the new file
                self.note(
                    N_("question %(id)s is removed; its answers stay in the data"),
                    "",
                    id=question.id,
                )
        return self.found

    def question(self, name: str, before: AnyQuestion, after: AnyQuestion, path: str) -> None:
        if _type(before) != _type(after):
            self.refuse(
                N_(
                    "question %(id)s changes from %(old)s to %(new)s: the answers already "
                    "collected in variable %(variable)s could not be read; give the changed "
                    "question another id or variable"
                ),
                path,
                id=after.id,
                old=_type(before),
                new=_type(after),
                variable=name,
            )
            return
        if _words(self.old, before.text) != _words(self.new, after.text):
            self.note(N_("question %(id)s has new wording"), f"{path}.text", id=after.id)
        self.options(before, after, path)
        ranged = isinstance(before, Numeric | Rating) and isinstance(after, Numeric | Rating)
        if ranged and (before.min, before.max) != (after.min, after.max):  # type: ignore[union-attr]
            self.note(
                N_("question %(id)s takes %(new)s instead of %(old)s"),
                path,
                id=after.id,
                old=_range(before),  # type: ignore[arg-type]
                new=_range(after),  # type: ignore[arg-type]
            )
        if isinstance(before, Grid) and isinstance(after, Grid):
            rows_before = {i.id for i in before.items}
            rows_after = {i.id for i in after.items}
            if rows_before != rows_after:
                self.note(
                    N_("grid %(id)s: rows added %(added)s, removed %(removed)s"),
                    f"{path}.items",
                    id=after.id,
                    added=", ".join(sorted(rows_after - rows_before)) or "—",
                    removed=", ".join(sorted(rows_before - rows_after)) or "—",
                )
        self.special_codes(before, after, path)

    def options(self, before: AnyQuestion, after: AnyQuestion, path: str) -> None:
        old, new = _options(before), _options(after)
        for code in sorted(old.keys() & new.keys()):
            if _words(self.old, old[code]) != _words(self.new, new[code]):
                self.refuse(
                    N_(
                        "option %(option)s of question %(id)s meant %(old)r in the answers "
                        "already collected and would now mean %(new)r; give the new meaning a "
                        "new code"
                    ),
                    path,
                    option=code,
                    id=after.id,
                    old=text_in(old[code], self.old.language, self.old.language),
                    new=text_in(new[code], self.new.language, self.new.language),
                )
        if old.keys() != new.keys():
            self.note(
                N_("question %(id)s: options added %(added)s, removed %(removed)s"),
                path,
                id=after.id,
                added=_codes(new.keys() - old.keys()) or "—",
                removed=_codes(old.keys() - new.keys()) or "—",
            )

    def special_codes(self, before: AnyQuestion, after: AnyQuestion, path: str) -> None:
        old, new = data_codes(self.old, before), data_codes(self.new, after)
        changed = {kind for kind in old.keys() & new.keys() if old[kind] != new[kind]}
        if changed:
            self.refuse(
                N_(
                    "the don't know / refused codes of question %(id)s would change from "
                    "%(old)s to %(new)s; give the question codes: with the old ones"
                ),
                path,
                id=after.id,
                old=_codes(old[k] for k in changed),
                new=_codes(new[k] for k in changed),
            )


def compare(old: Questionnaire, new: Questionnaire, file: str | None = None) -> list[Problem]:
    """The changes from ``old`` to ``new``: warnings to confirm, errors that refuse ``new``
    where answers of ``old`` exist."""
    return _Comparison(old, new, file).run()
