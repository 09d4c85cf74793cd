"""Writing work into the outbox: once per dedup key, and stamped only where a ring follows."""

from __future__ import annotations

from sqlalchemy import func, select

from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.services import NEW_MESSAGES_KEY, enqueue


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_same_work_is_queued_once_however_often_asked(db_session):
    first = enqueue("reports.route", {"report_id": 7}, dedup_key="route:7:1")
    again = enqueue("reports.route", {"report_id": 7}, dedup_key="route:7:1")
    assert again.id == first.id and rows() == 1
    assert (first.task, first.payload, first.state, first.attempts) == (
        "reports.route", {"report_id": 7}, OutboxState.PENDING, 0)
    # Only the row actually written waits for the ring.
    assert db.session.info[NEW_MESSAGES_KEY] == [(first.id, "reports.route", False)]


def test_work_without_a_key_is_queued_every_time(db_session):
    enqueue("mail.send", {"n": 1})
    enqueue("mail.send", {"n": 1})
    assert rows() == 2


def test_the_returned_row_is_the_stored_one(db_session):
    message = enqueue("mail.routed", {"report_id": 3}, dedup_key="routed:3")
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.payload == {"report_id": 3} and stored.dedup_key == "routed:3"
    assert stored.available_at is not None and stored.created_at is not None


def test_outside_a_request_a_row_is_not_stamped_as_dispatched(app, db_session):
    # No after_request follows here (a worker, a command): the ring writes dispatched_at
    # once it has published, or the sweep sends the row.
    app.config["OUTBOX_PUBLISH"] = True
    try:
        message = enqueue("reports.route", {"report_id": 9})
    finally:
        app.config["OUTBOX_PUBLISH"] = False
    assert message.dispatched_at is None


def test_in_a_request_with_the_ring_on_a_row_is_stamped_when_written(app, db_session):
    app.config["OUTBOX_PUBLISH"] = True
    try:
        with app.test_request_context():
            message = enqueue("reports.route", {"report_id": 9})
    finally:
        app.config["OUTBOX_PUBLISH"] = False
    assert message.dispatched_at is not None
    assert db.session.info[NEW_MESSAGES_KEY] == [(message.id, "reports.route", True)]
