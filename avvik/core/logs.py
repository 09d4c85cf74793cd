"""Log lines for machines (JSON, one object a line) or for people (text), one setup.

Every record gets the request id (avvik/core/request_ids.py). Only the fields named in
``FIELDS`` are copied from a record's ``extra``: what goes into a log is chosen here,
so that a patient's identity or a report's free text cannot slip in with a stray field.
Messages themselves are written by our code with ids and states, never with user text.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask

from avvik.core.request_ids import RequestIdFilter

#: Fields an ``extra`` may add to a line (the request line's and the task lines').
FIELDS = ("method", "path", "endpoint", "status", "duration_ms", "user_id", "task",
          "task_id")
#: Marks the handler installed here, so a second create_app replaces it.
HANDLER_NAME = "avvik"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request_id, fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``08:15:02 INFO avvik.access [1f3c…] GET /reports/<id> 200 12 ms``: for a console."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(rid)s %(message)s%(fields)s",
                         datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.rid = f" [{request_id[:8]}]" if request_id else ""
        record.fields = "".join(f" {name}={getattr(record, name)}" for name in FIELDS
                                if hasattr(record, name))
        return super().format(record)


def log_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    """A handler to ``stream`` (standard error) in ``log_format`` ("json" or "text"),
    with the request id."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(app: Flask) -> None:
    """The root logger writes every process's lines (web, worker, beat, commands) in one
    format. Tests keep pytest's capture instead, unless AVVIK_LOG_FORMAT asks."""
    from config import env

    if app.testing and env("LOG_FORMAT") is None:
        return
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    root.addHandler(log_handler(app.config["LOG_FORMAT"]))
    root.setLevel(app.config["LOG_LEVEL"])
