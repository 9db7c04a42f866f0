"""Counting the SQL statements a piece of work sends: the benchmarks' cost per request, and
the regression tests that pin those counts (a count is deterministic, a time is not)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Engine, event


class Statements:
    """The statements sent through ``engine`` while the block runs, in order."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __len__(self) -> int:
        return len(self.sent)

    def _capture(self, _conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        self.sent.append(statement)

    def __str__(self) -> str:
        return "\n".join(f"{i + 1:2}. {' '.join(s.split())[:160]}" for i, s in enumerate(self.sent))


@contextlib.contextmanager
def counted(engine: Engine) -> Iterator[Statements]:
    """``with counted(engine) as sent: ...`` then ``len(sent)``; ``str(sent)`` lists them."""
    statements = Statements()
    event.listen(engine, "before_cursor_execute", statements._capture)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", statements._capture)
