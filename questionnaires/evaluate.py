"""Whitelist evaluator for parsed expressions.

Evaluation is total: it never raises on data. A missing answer is ``None``; arithmetic with
``None`` gives ``None``; ordering comparisons with ``None`` or across types are false; ``and``,
``or`` and ``not`` treat ``None`` as false. Type mistakes are found before fieldwork by the
static checks, so at interview time a bad value simply makes a condition false.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _call(node: Call, resolve: Resolver) -> Any:
    name = node.func
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
