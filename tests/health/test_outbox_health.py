"""/health is not healthy while outbox work is failing or the oldest unfinished work is
old, and says why; work failed for good is counted but left to the administrators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from avvik.core.heartbeat import WORKER, record_heartbeat
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.services import enqueue


@pytest.fixture
def beating(db_session, clock):
    record_heartbeat(WORKER, clock.now - timedelta(seconds=10))


def queued(**values: object) -> int:
    message_id = enqueue("mail.send", {"user_id": 1}).id
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(**values))
    db.session.commit()
    return message_id


def test_failing_work_makes_it_503_and_says_so(client, beating, clock):
    queued(attempts=9, alarmed_at=clock.now)
    body = client.get("/health").get_json()
    assert (body["healthy"], body["outbox_failing"], body["outbox_pending"]) == (False, 1, 1)
    assert body["problems"] == ["outbox: 1 message(s) failing, still retried (see /outbox/)"]


def test_work_older_than_the_alarms_age_makes_it_503_and_says_so(client, app, beating,
                                                                 clock, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_ALARM_AGE_SECONDS", 600)
    queued(created_at=clock.now - timedelta(seconds=590))
    assert client.get("/health").get_json()["healthy"] is True
    queued(created_at=clock.now - timedelta(seconds=700))
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["problems"] == [
        "outbox: the oldest message not done is 700 s old (more than 600 s)"]


def test_work_failed_for_good_is_counted_not_alarmed(client, beating):
    queued(state=OutboxState.FAILED, attempts=1, last_error="recipient refused (550)")
    body = client.get("/health").get_json()
    assert (body["healthy"], body["outbox_failed"], body["problems"]) == (True, 1, [])


def test_every_reason_is_named(client, db_session):
    body = client.get("/health").get_json()
    assert body["problems"] == ["worker: no heartbeat"]
