"""Logging set-up: one line per record, JSON or text, each carrying its request id.

The request id comes from the web layer (``cati.web.request_log``) through Flask's ``g``;
records emitted outside a request (the CLI, a job worker) carry ``-``. The format is chosen
by ``CATI_LOG_FORMAT``: ``json`` for log collectors, ``text`` for reading at a terminal.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import IO

# Attributes the request log sets through ``extra=``; everything else in a record is
# Python's own bookkeeping, never copied into a line.
REQUEST_FIELDS = ("method", "path", "endpoint", "status", "duration_ms", "user_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request it was emitted in."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import g, has_request_context

        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        line.update({k: getattr(record, k) for k in REQUEST_FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# Control characters of a message written as escapes (\n, \x00): a path with %0A in it
# must not start a second, forged line (ASVS 7.3.1). JSON escapes them by itself.
_ESCAPED = {code: repr(chr(code))[1:-1] for code in [*range(32), 127]}


class TextFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:  # the traceback stays as is
        return super().formatMessage(record).translate(_ESCAPED)


class _CatiHandler(logging.StreamHandler):
    """Marks the handlers this module makes, so that configuring again replaces them."""


def handler(fmt: str, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing ``fmt`` lines (to stderr by default), request ids stamped."""
    made = _CatiHandler(stream)
    made.addFilter(RequestIdFilter())
    made.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter(TEXT_FORMAT))
    return made


def configure(level: str, fmt: str) -> None:
    """Send every logger's records through one handler of ours (a second app replaces it)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _CatiHandler)]:
        root.removeHandler(old)
    root.addHandler(handler(fmt))
    root.setLevel(level)
    # The dev server's own request lines carry query strings; ours replace them. Alembic
    # announces its plugins each time a command checks the schema.
    for chatty in ("werkzeug", "alembic.runtime.plugins"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
