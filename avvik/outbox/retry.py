"""What a failed try of outbox work does to its row: when it is tried again, when it
counts as failing, when it is failed for good.

An outage (a mail server away, a database that does not answer) passes by itself, however
long it lasts: the row is retried, at most AVVIK_OUTBOX_RETRY_CAP_SECONDS apart, until it
succeeds, so an outage costs time and never the work. Once its failed tries reach
AVVIK_OUTBOX_ALARM_ATTEMPTS the row counts as failing (``alarmed_at``): /health says so.
Only what will not pass by itself ends as FAILED, for an administrator to re-queue: an
error of ours that outlasts the same number of tries, or a final refusal.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, case

from avvik.core.outage import is_outage
from avvik.outbox.models import OutboxState


class RetryLater(Exception):
    """Raised by a handler for a failure that may pass (SMTP down, a lock)."""


class Failing(enum.StrEnum):
    """Why a try failed, which decides what becomes of the row."""

    OUTAGE = "outage"  #: passes by itself: retried for as long as it lasts
    FAULT = "fault"  #: ours or the data's: retried until the row is failing, then failed
    FINAL = "final"  #: will not change by itself (a refused recipient): failed at once


#: Attempts are counted up to here and no further: a row retried for months must not
#: overflow its column (a small integer) and with it every claim of the row.
MOST_ATTEMPTS = 30_000


def next_attempt(attempts: ColumnElement[int]) -> ColumnElement[int]:
    """``attempts + 1`` in SQL, stopping at ``MOST_ATTEMPTS``."""
    return case((attempts < MOST_ATTEMPTS, attempts + 1), else_=attempts)


def failing_kind(error: BaseException) -> Failing:
    """A handler's exception as an outage (retried for good) or a fault of ours."""
    if isinstance(error, (RetryLater, OSError)) or is_outage(error):
        return Failing.OUTAGE
    return Failing.FAULT


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... seconds after the ``attempts``-th try, at most the configured cap."""
    cap = current_app.config["OUTBOX_RETRY_CAP_SECONDS"]
    return timedelta(seconds=min(2 ** min(attempts, 30), cap))


def error_line(error: str) -> str:
    """What is kept of an error: its first line, which names it. The lines after it (a
    database error's statement and parameters) may quote what a user wrote."""
    return (error.strip().splitlines() or [""])[0][:500]


def after_failure(attempts: int, alarmed: bool, kind: Failing, error: str,
                  now: datetime) -> dict[str, Any]:
    """The columns a failed try sets on a row claimed ``attempts`` times so far."""
    values: dict[str, Any] = {"last_error": error_line(error)}
    failing = attempts >= current_app.config["OUTBOX_ALARM_ATTEMPTS"]
    if failing and not alarmed:
        values["alarmed_at"] = now
    if kind == Failing.FINAL or (kind == Failing.FAULT and failing):
        values["state"] = OutboxState.FAILED
    else:
        values.update(state=OutboxState.PENDING, available_at=now + backoff(attempts),
                      dispatched_at=None)
    return values

