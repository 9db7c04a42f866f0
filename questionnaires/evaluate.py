"""Whitelist evaluator for parsed expressions.

Evaluation is total: it never raises on data. A missing answer is ``None``; arithmetic with
``None`` gives ``None``; ordering comparisons with ``None`` or across types are false; ``and``,
``or`` and ``not`` treat ``None`` as false. Type mistakes are found before fieldwork by the
static checks, so at interview time a bad value simply makes a condition false.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from questionnaires.answers import DONT_KNOW, REFUSED, TIMED_OUT, plain, special_kind
from questionnaires.expressions import (
    Binary,
    Call,
    Index,
    ListExpr,
    Literal,
    Member,
    Name,
    Node,
    Unary,
)

Resolver = Callable[[tuple[Any, ...]], Any]


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def reference_path(node: Node, resolve: Resolver) -> tuple[Any, ...] | None:
    if isinstance(node, Name):
        return (node.name,)
    if isinstance(node, Member):
        base = reference_path(node.obj, resolve)
        return None if base is None else (*base, node.attr)
    if isinstance(node, Index):
        base = reference_path(node.obj, resolve)
        key = evaluate(node.index, resolve)
        if base is None or key is None or isinstance(key, list | dict):
            return None
        return (*base, key)
    return None


def _raw(node: Node, resolve: Resolver) -> Any:
    path = reference_path(node, resolve)
    return None if path is None else resolve(path)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "=":
        if isinstance(left, bool) or isinstance(right, bool):
            return left is right  # true is not 1
        return left == right
    if op == "!=":
        return not _compare("=", left, right)
    comparable = (_is_number(left) and _is_number(right)) or (
        isinstance(left, str) and isinstance(right, str)
    )
    if not comparable:
        return False
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    if not (_is_number(left) and _is_number(right)):
        return None
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        return None
    if op == "/":
        result = left / right
        return int(result) if result.is_integer() else result
    return left % right


def _members(container: Any) -> list[Any] | None:
    if isinstance(container, list):
        return container
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any) -> int | float | None:
    if _is_number(value):
        return value
    try:
        found = float(str(value).strip())
    except ValueError:
        return None
    return int(found) if found.is_integer() else found


def _regex(value: Any, pattern: Any) -> bool:
    try:
        return re.search(_text(pattern), _text(value)) is not None
    except re.error:
        return False


def _round(value: Any, digits: Any = 0) -> Any:
    number, places = _number(value), _number(digits)
    if number is None or places is None:
        return None
    scale = 10 ** int(places)
    result = math.floor(number * scale + 0.5) / scale  # XPath rounds half up
    return int(result) if result.is_integer() else result


def _math(func: Callable[..., Any], *values: Any) -> Any:
    numbers = [_number(v) for v in values]
    if any(n is None for n in numbers):
        return None
    try:
        result = func(*numbers)
    except (ValueError, OverflowError, ZeroDivisionError):
        return None
    return int(result) if isinstance(result, float) and result.is_integer() else result


# XPath's functions on values (answers are read with ``plain``): total, never raising.
VALUE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "string_length": lambda v: len(_text(v)),
    "regex": _regex,
    "contains": lambda a, b: _text(b) in _text(a),
    "starts_with": lambda a, b: _text(a).startswith(_text(b)),
    "ends_with": lambda a, b: _text(a).endswith(_text(b)),
    "format_date": lambda value, pattern: format_date(value, _text(pattern)),
    "date": lambda value: _date_text(value),
    "lookup": lambda keys, values, key: _lookup(keys, values, key),
    "concat": lambda *parts: "".join(_text(p) for p in parts),
    "coalesce": lambda a, b: b if a in (None, "", []) else a,
    "int": lambda v: _math(math.trunc, v),
    "round": _round,
    "number": _number,
    "string": _text,
    "substr": lambda s, start, end=None: _text(s)[
        int(_number(start) or 0) : None if end is None else int(_number(end) or 0)
    ],
    "sqrt": lambda v: _math(math.sqrt, v),
    "pow": lambda a, b: _math(math.pow, a, b),
    "abs": lambda v: _math(abs, v),
    "floor": lambda v: _math(math.floor, v),
    "ceiling": lambda v: _math(math.ceil, v),
    "min": lambda *vs: _math(min, *vs),
    "max": lambda *vs: _math(max, *vs),
    "pi": lambda: math.pi,
    "atan2": lambda a, b: _math(math.atan2, a, b),
    **{
        name: (lambda func: lambda v: _math(func, v))(getattr(math, name))
        for name in ("sin", "cos", "tan", "asin", "acos", "atan", "exp", "log", "log10")
    },
}


# The path a resolver answers with the interview's clock (ISO text, UTC): no question's
# name can be it. Without one (a static check), the wall clock.
CLOCK = ("@now",)


def _moment(resolve: Resolver) -> datetime:
    found = resolve(CLOCK)
    if isinstance(found, str):
        return datetime.fromisoformat(found).astimezone(UTC)
    return datetime.now(UTC)


def _date_text(value: Any) -> str | None:
    """XPath's ``date()``: an ISO date (or date-time) as its date; a number as days since
    1970-01-01, as ODK counts them."""
    if _is_number(value):
        return (date(1970, 1, 1) + timedelta(days=int(value))).isoformat()
    text = _text(value)
    try:
        return datetime.fromisoformat(text).date().isoformat() if text else None
    except ValueError:
        return None


# ODK's format-date specifiers (javarosa DateUtils.format), English names.
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_SPECIFIERS: dict[str, Callable[[datetime], str]] = {
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "b": lambda d: _MONTHS[d.month - 1],
    "d": lambda d: f"{d.day:02d}",
    "e": lambda d: str(d.day),
    "H": lambda d: f"{d.hour:02d}",
    "h": lambda d: str(d.hour),
    "M": lambda d: f"{d.minute:02d}",
    "S": lambda d: f"{d.second:02d}",
    "3": lambda d: f"{d.microsecond // 1000:03d}",
    "a": lambda d: _DAYS[d.weekday()],
}


def format_date(value: Any, pattern: str) -> str | None:
    """``format-date(value, '%d/%m/%Y')``: an ISO date, date-time or time as text; an unknown
    specifier stays as written; a value that is no date gives nothing."""
    text = _text(value)
    try:
        moment = (
            datetime.combine(date(1970, 1, 1), time.fromisoformat(text))
            if re.fullmatch(r"\d{2}:\d{2}.*", text)
            else datetime.fromisoformat(text)
        )
    except ValueError:
        return None
    return re.sub(
        r"%(.)",
        lambda m: _SPECIFIERS[m.group(1)](moment) if m.group(1) in _SPECIFIERS else m.group(),
        pattern,
    )


def _lookup(keys: Any, values: Any, key: Any) -> Any:
    """The value at the first position where ``keys`` holds ``key`` (compared as text, as
    XPath compares a CSV's cells), else nothing: ``pulldata`` and ``jr:choice-name``."""
    if not isinstance(keys, list) or not isinstance(values, list) or key is None:
        return None
    wanted = _text(key)
    return next((v for k, v in zip(keys, values, strict=False) if _text(k) == wanted), None)


def _call(node: Call, resolve: Resolver) -> Any:
    name = node.func
    if name == "today":
        return _moment(resolve).date().isoformat()
    if name == "now":
        return _moment(resolve).isoformat(timespec="seconds")
    if name == "if":
        condition, then, otherwise = node.args
        return evaluate(then if truthy(condition, resolve) else otherwise, resolve)
    if name in VALUE_FUNCTIONS:
        return VALUE_FUNCTIONS[name](*(evaluate(arg, resolve) for arg in node.args))
    if name == "between":
        value, low, high = (evaluate(arg, resolve) for arg in node.args)
        return _compare(">=", value, low) and _compare("<=", value, high)
    raw = _raw(node.args[0], resolve)
    if name == "answered":
        return raw is not None and raw != [] and special_kind(raw) is None
    if name == "dk":
        return special_kind(raw) == DONT_KNOW
    if name == "refused":
        return special_kind(raw) == REFUSED
    if name == "timed_out":
        return special_kind(raw) == TIMED_OUT
    value = plain(raw)
    if name == "count_selected":
        return len(value) if isinstance(value, list) else 0
    # selected(question, code): multiple-choice membership, or equality for single choice
    code = evaluate(node.args[1], resolve)
    if isinstance(value, list):
        return code in value and code is not None
    return value is not None and _compare("=", value, code)


def evaluate(node: Node, resolve: Resolver) -> Any:
    """Evaluate ``node``; ``resolve`` maps a reference path like ('q1',) to the raw answer."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Name | Member | Index):
        return plain(_raw(node, resolve))
    if isinstance(node, Binary):
        op = node.op
        if op == "and":
            return bool(evaluate(node.left, resolve)) and bool(evaluate(node.right, resolve))
        if op == "or":
            return bool(evaluate(node.left, resolve)) or bool(evaluate(node.right, resolve))
        left = evaluate(node.left, resolve)
        right = evaluate(node.right, resolve)
        if op in ("in", "not in"):
            members = _members(right)
            found = members is not None and left is not None and left in members
            return found if op == "in" else (members is not None and not found)
        if op in ("+", "-", "*", "/", "%"):
            return _arithmetic(op, left, right)
        return _compare(op, left, right)
    if isinstance(node, Unary):
        value = evaluate(node.operand, resolve)
        if node.op == "not":
            return not value
        return -value if _is_number(value) else None
    if isinstance(node, Call):
        return _call(node, resolve)
    if isinstance(node, ListExpr):
        return [evaluate(item, resolve) for item in node.items]
    raise TypeError(f"not an expression node: {node!r}")  # unreachable for parsed input


def truthy(node: Node, resolve: Resolver) -> bool:
    return bool(evaluate(node, resolve))
