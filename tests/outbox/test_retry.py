"""A failed try: an outage is retried for as long as it lasts, at a capped interval, and
counts as failing after the alarm's number of tries; only what will not pass by itself
fails for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError

from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.retry import MOST_ATTEMPTS, Failing, RetryLater, error_line, failing_kind
from avvik.outbox.runner import claim, run_outbox_message
from avvik.outbox.services import enqueue

ALARM = 3
CAP = 60


@pytest.fixture
def shortened(app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_ALARM_ATTEMPTS", ALARM)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_CAP_SECONDS", CAP)


def fails_with(error: Exception):
    def handler(_payload):
        raise error
    return handler


def stored(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    return message


def test_an_outage_is_retried_past_every_budget_and_counts_as_failing_once(
        db_session, shortened, clock):
    message_id = enqueue("reports.route", {"report_id": 1}).id
    moment, waits, alarms = clock.now, [], []
    for _ in range(3 * ALARM + 5):
        assert run_outbox_message(message_id, fails_with(RetryLater("SMTP away")),
                                  now=moment) == "retry"
        row = stored(message_id)
        waits.append((row.available_at - moment).total_seconds())
        alarms.append(row.alarmed_at)
        moment = row.available_at

    row = stored(message_id)
    assert (row.state, row.attempts, row.last_error) == (
        OutboxState.PENDING, 3 * ALARM + 5, "SMTP away")
    assert waits[:5] == [2, 4, 8, 16, 32] and set(waits[5:]) == {CAP}
    # Failing from the alarm's try on; the moment it began is kept, not moved.
    assert alarms[:ALARM - 1] == [None] * (ALARM - 1)
    assert set(alarms[ALARM - 1:]) == {alarms[ALARM - 1]} and alarms[ALARM - 1] is not None

    assert run_outbox_message(message_id, lambda _payload: None, now=moment) == "done"
    assert stored(message_id).state == OutboxState.DONE


def test_an_error_of_ours_is_retried_until_it_counts_as_failing_then_fails(
        db_session, shortened, clock):
    message_id = enqueue("reports.route", {"report_id": 2}).id
    moment = clock.now
    outcomes = []
    for _ in range(ALARM):
        outcomes.append(run_outbox_message(
            message_id, fails_with(KeyError("report_id")), now=moment))
        moment += timedelta(hours=1)
    assert outcomes == ["retry"] * (ALARM - 1) + ["failed"]
    row = stored(message_id)
    assert (row.state, row.last_error) == (OutboxState.FAILED, "KeyError: 'report_id'")
    # Failed is final: no worker claims it again until an administrator re-queues it.
    assert not claim(message_id, moment + timedelta(days=1))


def test_a_database_that_does_not_answer_is_an_outage_and_a_broken_rule_is_not():
    timeout = OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    assert failing_kind(timeout) == Failing.OUTAGE
    assert failing_kind(ConnectionRefusedError()) == Failing.OUTAGE
    assert failing_kind(IntegrityError("INSERT", {}, Exception("duplicate"))) == Failing.FAULT
    assert failing_kind(ValueError("bad")) == Failing.FAULT


def test_only_the_first_line_of_an_error_is_kept():
    error = ("(psycopg.errors.UniqueViolation) duplicate key value\n"
             "DETAIL: Key (email)=(kari@example.org) already exists.\n[SQL: INSERT ...]")
    assert error_line(error) == "(psycopg.errors.UniqueViolation) duplicate key value"
    assert error_line("") == ""


def test_the_count_of_attempts_stops_short_of_its_columns_limit(db_session, clock):
    message_id = enqueue("reports.route", {"report_id": 3}).id
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(attempts=MOST_ATTEMPTS))
    db.session.commit()
    assert claim(message_id, clock.now)
    assert stored(message_id).attempts == MOST_ATTEMPTS
