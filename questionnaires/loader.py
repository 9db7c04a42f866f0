"""Reading questionnaires from YAML: safe parsing with limits, line numbers, clear errors.

PyYAML composes the document into nodes (with libyaml when available) and we build plain
data from them ourselves, remembering the line of every value. Only plain scalars, lists
and mappings with text keys are accepted: no Python tags, and aliases count against the
node limit so "billion laughs" documents are refused.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.constructor import SafeConstructor

from questionnaires.errors import ErrorCode, Problem, QuestionnaireError, format_path
from questionnaires.model import Questionnaire

MAX_BYTES = 5_000_000  # size of one questionnaire file
MAX_DEPTH = 32  # nesting of mappings and lists
MAX_NODES = 500_000  # values in the document, aliases counted each time they are used

_constructor = SafeConstructor()
_STR = "tag:yaml.org,2002:str"
# Plain scalars starting with any other character can only be text (see PyYAML's resolver).
_MAYBE_NOT_TEXT = set("0123456789+-.~<=!&*nNtTfFyYoO")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader with a short cut for the common case of a plain text scalar."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in _MAYBE_NOT_TEXT:
            return _STR
        return super().resolve(kind, value, implicit)

    # No path resolvers are registered; skipping these two calls per node saves time.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


LineMap = dict[tuple[str | int, ...], int]


class _Builder:
    """Plain data from composed nodes; with ``lines`` it also records each value's line."""

    def __init__(self, file: str | None, lines: LineMap | None) -> None:
        self.file = file
        self.lines = lines
        self.count = 0

    def fail(self, code: ErrorCode, message: str, node: yaml.Node | None, path: tuple) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        raise QuestionnaireError(
            Problem(code, message, path=format_path(path), file=self.file, line=line)
        )

    def build(self, node: yaml.Node, path: tuple[str | int, ...], depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(ErrorCode.TOO_MANY_NODES, f"more than {MAX_NODES} values", node, path)
        if depth > MAX_DEPTH:
            self.fail(ErrorCode.TOO_DEEP, f"nested deeper than {MAX_DEPTH} levels", node, path)
        lines = self.lines
        if lines is not None:
            lines[path] = node.start_mark.line + 1
        if node.tag == _STR and type(node) is yaml.ScalarNode:
            return node.value
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
                    key = key_node.value
                elif isinstance(key_node, yaml.ScalarNode) and not key_node.tag.endswith(":merge"):
                    key = str(self.scalar(key_node, path))
                else:
                    self.fail(ErrorCode.INVALID_VALUE, "keys must be plain text", key_node, path)
                if key in result:
                    self.fail(ErrorCode.DUPLICATE_ID, f"key {key!r} appears twice", key_node, path)
                child = (*path, key) if lines is not None else path
                result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if lines is None:
                return [self.build(child, path, depth + 1) for child in node.value]
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: tuple) -> Any:
        if not node.tag.startswith("tag:yaml.org,2002:") or node.tag.endswith(
            (":binary", ":set", ":omap", ":pairs")
        ):
            self.fail(ErrorCode.INVALID_VALUE, f"unsupported YAML tag {node.tag}", node, path)
        if node.tag.endswith(":bool") and node.value.lower() not in ("true", "false"):
            return node.value  # YAML 1.2 rule: "Yes", "No", "on", "off" are text, not booleans
        try:
            value = _constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.fail(ErrorCode.INVALID_VALUE, f"bad value: {exc}", node, path)
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        if isinstance(value, float) and value != value:  # NaN has no place in a questionnaire
            self.fail(ErrorCode.INVALID_VALUE, "not-a-number is not a value", node, path)
        return value


def _compose(text: str, file: str | None) -> yaml.Node:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise QuestionnaireError(
            Problem(ErrorCode.FILE_TOO_LARGE, f"larger than {MAX_BYTES} bytes", file=file)
        )
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise QuestionnaireError(
            Problem(
                ErrorCode.YAML_SYNTAX,
                f"{exc.problem or exc.context}",
                file=file,
                line=None if mark is None else mark.line + 1,
            )
        ) from None
    except (yaml.YAMLError, RecursionError, UnicodeError, ValueError) as exc:
        code = ErrorCode.TOO_DEEP if isinstance(exc, RecursionError) else ErrorCode.YAML_SYNTAX
        raise QuestionnaireError(Problem(code, f"cannot read the YAML: {exc}", file=file)) from None
    if root is None:
        raise QuestionnaireError(Problem(ErrorCode.NOT_A_MAPPING, "the file is empty", file=file))
    return root


def _build(root: yaml.Node, file: str | None, lines: LineMap | None) -> Any:
    try:
        return _Builder(file, lines).build(root, (), 0)
    except RecursionError:
        raise QuestionnaireError(
            Problem(ErrorCode.TOO_DEEP, f"nested deeper than {MAX_DEPTH} levels", file=file)
        ) from None


def parse_yaml(text: str, file: str | None = None, with_lines: bool = True) -> tuple[Any, LineMap]:
    """Parse YAML text into plain data plus a map from path to line number.

    Recording lines costs time, so the fast path leaves them out (``with_lines=False``) and
    they are worked out again only when there is a problem to report.
    """
    root = _compose(text, file)
    lines: LineMap = {}
    try:
        data = _build(root, file, lines if with_lines else None)
    except QuestionnaireError:
        if with_lines:
            raise
        data = _build(root, file, lines)  # again, to name the path of the problem
    if not isinstance(data, dict):
        raise QuestionnaireError(
            Problem(
                ErrorCode.NOT_A_MAPPING, "a questionnaire is a mapping of keys", file=file, line=1
            )
        )
    return data, lines


def _data_path(data: Any, loc: tuple[Any, ...], missing: bool) -> tuple[str | int, ...]:
    """Follow pydantic's error location through the data, dropping the tags it adds for
    union branches, so the path matches what is written in the file."""
    path: list[str | int] = []
    current = data
    for n, part in enumerate(loc):
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            current = current[part]
            path.append(part)
        elif missing and n == len(loc) - 1:
            path.append(part)
    return tuple(path)


def _line_for(lines: LineMap, path: tuple[str | int, ...]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def validation_problems(
    exc: ValidationError, data: Any, lines: LineMap, file: str | None
) -> list[Problem]:
    problems = []
    seen = set()
    for err in exc.errors(include_url=False):
        path = _data_path(data, tuple(err["loc"]), err["type"] == "missing")
        message = err["msg"].removeprefix("Value error, ")
        if path in seen:
            continue  # a union reports once per branch; the first says enough
        seen.add(path)
        cause = err.get("ctx", {}).get("error")
        problems.append(
            Problem(
                getattr(cause, "code", ErrorCode.INVALID_VALUE),
                message,
                path=format_path(path),
                file=file,
                line=_line_for(lines, path),
            )
        )
    return problems


def build_questionnaire(
    data: Any, lines: LineMap | None = None, file: str | None = None
) -> Questionnaire:
    """Validate plain data into a Questionnaire; raises QuestionnaireError naming every place."""
    if not isinstance(data, dict):
        raise QuestionnaireError(
            Problem(ErrorCode.NOT_A_MAPPING, "a questionnaire is a mapping of keys", file=file)
        )
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(validation_problems(exc, data, lines or {}, file)) from None
    except RecursionError:
        raise QuestionnaireError(
            Problem(ErrorCode.TOO_DEEP, "the questionnaire is nested too deeply", file=file)
        ) from None


def read_text(path: str | Path) -> str:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise QuestionnaireError(
                Problem(ErrorCode.FILE_TOO_LARGE, f"larger than {MAX_BYTES} bytes", file=str(path))
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(
            Problem(ErrorCode.FILE_UNREADABLE, f"cannot read the file: {exc}", file=str(path))
        ) from None


def path_parts(path: str) -> tuple[str | int, ...]:
    """'blocks[0].questions[3].show_if' -> ('blocks', 0, 'questions', 3, 'show_if').

    A key that itself holds '[' or '.' (a typo in the file) cannot be told apart and stays
    text: its line is then looked up through its parents."""
    parts: list[str | int] = []
    for chunk in path.replace("[", ".[").split("."):
        if chunk:
            index = chunk[1:-1]
            parts.append(int(index) if chunk.startswith("[") and index.isdigit() else chunk)
    return tuple(parts)


def attach_lines(problems: list[Problem], lines: LineMap) -> list[Problem]:
    return [
        p if p.line is not None else replace(p, line=_line_for(lines, path_parts(p.path)))
        for p in problems
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document becomes objects.

    Parsing allocates a hundred thousand small objects for a large questionnaire, which sets
    off repeated full collections that cost more than the parsing itself; none of these
    objects form cycles that need collecting right away. The previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_text(text: str, file: str | None = None) -> tuple[Questionnaire | None, list[Problem]]:
    """Parse, validate and check YAML text; returns every problem instead of raising.

    The fast path records no line numbers; only when something is wrong is the text parsed
    again with lines, so that every problem names its line.
    """
    with _collector_paused():
        return _check_text(text, file)


def _check_text(text: str, file: str | None) -> tuple[Questionnaire | None, list[Problem]]:
    from questionnaires.checks import check

    try:
        data, _ = parse_yaml(text, file, with_lines=False)
        questionnaire = build_questionnaire(data, None, file)
    except QuestionnaireError as exc:
        problems: list[Problem] = exc.problems
        questionnaire = None
    else:
        problems = check(questionnaire, file)
    if any(p.line is None for p in problems):
        try:
            _, lines = parse_yaml(text, file)
        except QuestionnaireError as exc:  # a problem found while reading the YAML itself
            return None, exc.problems
        problems = attach_lines(problems, lines)
    return questionnaire, problems


def check_file(path: str | Path) -> tuple[Questionnaire | None, list[Problem]]:
    """Read and check a YAML or XLSForm file; returns every problem instead of raising."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from questionnaires.xlsform import read_xlsform

        try:
            questionnaire = read_xlsform(path)
        except QuestionnaireError as exc:
            return None, exc.problems
        from questionnaires.checks import check

        return questionnaire, check(questionnaire, str(path))
    try:
        text = read_text(path)
    except QuestionnaireError as exc:
        return None, exc.problems
    return check_text(text, str(path))


def _raise_errors(result: tuple[Questionnaire | None, list[Problem]]) -> Questionnaire:
    questionnaire, problems = result
    errors = [p for p in problems if p.severity == "error"]
    if errors or questionnaire is None:
        raise QuestionnaireError(errors)
    return questionnaire


def loads(text: str, file: str | None = None) -> Questionnaire:
    """A checked Questionnaire from YAML text; raises QuestionnaireError listing every error."""
    return _raise_errors(check_text(text, file))


def load(path: str | Path) -> Questionnaire:
    """A checked Questionnaire from a YAML or XLSForm file; raises QuestionnaireError."""
    return _raise_errors(check_file(path))
