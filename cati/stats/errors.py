"""Errors a user can cause with bad data or a bad specification.

``cati.stats`` is a leaf package (it imports nothing from the rest of cati), so it keeps its
own exception types; the web layer maps them to messages at the edge.
"""

from __future__ import annotations


class StatsError(ValueError):
    """A problem with the data or the specification, with a message naming the place."""


class UnknownVariableError(StatsError):
    """A variable named in a specification is not a column of the data."""

    def __init__(self, variable: str) -> None:
        super().__init__(f"unknown variable {variable!r}: it is not a column of the data")
        self.variable = variable


class WeightingError(StatsError):
    """Weighting targets or inputs that cannot be used (bad shares, empty cells, bad weights)."""


def require_columns(columns: object, names: list[str] | tuple[str, ...]) -> None:
    """Raise :class:`UnknownVariableError` for the first name not in ``columns``."""
    for name in names:
        if name not in columns:  # type: ignore[operator]
            raise UnknownVariableError(name)
