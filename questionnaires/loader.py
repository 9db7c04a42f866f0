"""Reading questionnaires from YAML text: safe parsing with limits, line numbers, clear errors.

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
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from cati.problems import N_, Problem
from questionnaires.building import LineMap, build_questionnaire, line_for
from questionnaires.errors import (
    LIBRARY_MESSAGE,
    ErrorCode,
    QuestionnaireError,
    format_path,
    placed,
    problem,
)
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


class _Builder:
    """Plain data from composed nodes; with ``lines`` it also records each value's line."""

    def __init__(self, file: str | None, lines: LineMap | None) -> None:
        self.file = file
        self.lines = lines
        self.count = 0

    def fail(
        self, code: ErrorCode, template: str, node: yaml.Node | None, path: tuple, **params: Any
    ) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        raise QuestionnaireError(
            problem(code, template, path=format_path(path), file=self.file, line=line, **params)
        )

    def build(self, node: yaml.Node, path: tuple[str | int, ...], depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(
                ErrorCode.TOO_MANY_NODES,
                N_("more than %(limit)s values"),
                node,
                path,
                limit=MAX_NODES,
            )
        if depth > MAX_DEPTH:
            self.fail(
                ErrorCode.TOO_DEEP,
                N_("nested deeper than %(limit)s levels"),
                node,
                path,
                limit=MAX_DEPTH,
            )
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
                    self.fail(
                        ErrorCode.INVALID_VALUE, N_("keys must be plain text"), key_node, path
                    )
                if key in result:
                    self.fail(
                        ErrorCode.DUPLICATE_ID,
                        N_("key %(key)r appears twice"),
                        key_node,
                        path,
                        key=key,
                    )
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
            self.fail(
                ErrorCode.INVALID_VALUE,
                N_("unsupported YAML tag %(tag)s"),
                node,
                path,
                tag=node.tag,
            )
        if node.tag.endswith(":bool") and node.value.lower() not in ("true", "false"):
            return node.value  # YAML 1.2 rule: "Yes", "No", "on", "off" are text, not booleans
        try:
            value = _constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.fail(
                ErrorCode.INVALID_VALUE, N_("bad value: %(reason)s"), node, path, reason=str(exc)
            )
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        if isinstance(value, float) and value != value:  # NaN has no place in a questionnaire
            self.fail(ErrorCode.INVALID_VALUE, N_("not-a-number is not a value"), node, path)
        return value


def _compose(text: str, file: str | None) -> yaml.Node:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise QuestionnaireError(
            problem(
                ErrorCode.FILE_TOO_LARGE,
                N_("larger than %(limit)s bytes"),
                file=file,
                limit=MAX_BYTES,
            )
        )
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise QuestionnaireError(
            problem(
                ErrorCode.YAML_SYNTAX,
                LIBRARY_MESSAGE,
                file=file,
                line=None if mark is None else mark.line + 1,
                detail=f"{exc.problem or exc.context}",
            )
        ) from None
    except (yaml.YAMLError, RecursionError, UnicodeError, ValueError) as exc:
        code = ErrorCode.TOO_DEEP if isinstance(exc, RecursionError) else ErrorCode.YAML_SYNTAX
        raise QuestionnaireError(
            problem(code, N_("cannot read the YAML: %(reason)s"), file=file, reason=str(exc))
        ) from None
    if root is None:
        raise QuestionnaireError(
            problem(ErrorCode.NOT_A_MAPPING, N_("the file is empty"), file=file)
        )
    return root


def _build(root: yaml.Node, file: str | None, lines: LineMap | None) -> Any:
    try:
        return _Builder(file, lines).build(root, (), 0)
    except RecursionError:
        raise QuestionnaireError(
            problem(
                ErrorCode.TOO_DEEP,
                N_("nested deeper than %(limit)s levels"),
                file=file,
                limit=MAX_DEPTH,
            )
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
            problem(
                ErrorCode.NOT_A_MAPPING,
                N_("a questionnaire is a mapping of keys"),
                file=file,
                line=1,
            )
        )
    return data, lines


def read_text(path: Path) -> str:
    """The text of a YAML file on disk, refused when too large or not UTF-8."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise QuestionnaireError(
                problem(
                    ErrorCode.FILE_TOO_LARGE,
                    N_("larger than %(limit)s bytes"),
                    file=str(path),
                    limit=MAX_BYTES,
                )
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(
            problem(
                ErrorCode.FILE_UNREADABLE,
                N_("cannot read the file: %(reason)s"),
                file=str(path),
                reason=str(exc),
            )
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


def decode(data: bytes, file: str | None = None) -> str:
    """YAML bytes (an upload, a stored version) as text; refused when not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(
            problem(
                ErrorCode.FILE_UNREADABLE,
                N_("not UTF-8 text (byte %(byte)s)"),
                file=file,
                byte=exc.start,
            )
        ) from None


def read_yaml(text: str, file: str | None = None) -> Questionnaire:
    """A validated (not yet checked) Questionnaire from YAML text, on the fast path.

    No line numbers are recorded; a problem found later gets its line from ``with_lines``,
    which parses the text again only then."""
    data, _ = parse_yaml(text, file, with_lines=False)
    return build_questionnaire(data, None, file)


def with_lines(problems: list[Problem], text: str, file: str | None = None) -> list[Problem]:
    """The problems with the line of each one's path filled in from the YAML text."""
    _, lines = parse_yaml(text, file)
    return [
        p if p.place.line is not None else placed(p, line=line_for(lines, path_parts(p.place.path)))
        for p in problems
    ]


@contextmanager
def collector_paused() -> Iterator[None]:
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
