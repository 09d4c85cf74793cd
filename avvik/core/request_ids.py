"""The request id: one name for a request and for the tasks it sets off, in every log line.

An incoming ``X-Request-ID`` (from a proxy or a client) is kept when it is sane, else a
new one is made; the response returns it. It rides in a context variable, so the log
filter finds it in a web request and in a Celery task alike, and in a header of every
task published meanwhile (``before_task_publish``), which the worker puts back in the
variable while the task runs (``task_prerun``).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
#: The task header that carries it.
TASK_HEADER = "avvik_request_id"
#: Letters, digits and a few separators, as proxies make them (UUIDs, hex, base64url);
#: anything else (spaces, newlines, quotes, text) is replaced, never logged.
SANE = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")

current: ContextVar[str | None] = ContextVar("avvik_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_or_new(incoming: str | None) -> str:
    """The incoming id if it is sane, else a new one."""
    if incoming and SANE.fullmatch(incoming):
        return incoming
    return new_request_id()


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (None outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current.get()
        return True


def carry_into_task(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    """before_task_publish: the publishing request's (or task's) id goes with the task."""
    request_id = current.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def take_from_task(task: Any = None, **_kwargs: Any) -> None:
    """task_prerun: the task's log lines carry the id it was published with."""
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if request_id is None and task is not None:  # where Celery kept custom headers
        request_id = (getattr(task.request, "headers", None) or {}).get(TASK_HEADER)
    sane = isinstance(request_id, str) and SANE.fullmatch(request_id)
    current.set(request_id if sane else None)


def forget_after_task(**_kwargs: Any) -> None:
    """task_postrun: a pool process's next task starts without the id."""
    current.set(None)


def connect_task_signals() -> None:
    """Connect the three handlers once per process (create_app may run many times)."""
    before_task_publish.connect(carry_into_task, weak=False,
                                dispatch_uid="avvik.request_ids.publish")
    task_prerun.connect(take_from_task, weak=False, dispatch_uid="avvik.request_ids.prerun")
    task_postrun.connect(forget_after_task, weak=False,
                         dispatch_uid="avvik.request_ids.postrun")
