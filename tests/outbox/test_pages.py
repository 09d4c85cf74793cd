"""The administrators' outbox page: failing and failed work, without its payload, and a
re-queue that has it tried again at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.services import enqueue
from avvik.users.models import User
from tests.conftest import csrf_token_from, login
from tests.factories import DEFAULT_PASSWORD, make_user

#: A payload value that must never reach the page (payloads name people and cases).
SECRET = "kari.nordmann@example.org"


@pytest.fixture
def admin(db_session: object) -> User:
    return make_user(is_admin=True)


@pytest.fixture
def admin_client(client: FlaskClient, admin: User) -> FlaskClient:
    assert login(client, admin.username, DEFAULT_PASSWORD).status_code == 302
    return client


def row(task: str, clock, **values: object) -> int:
    message_id = enqueue(task, {"to": SECRET}).id
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(**values))
    db.session.commit()
    return message_id


@pytest.fixture
def rows(db_session: object, clock) -> dict[str, int]:
    later = clock.now + timedelta(minutes=5)
    return {
        "failing": row("mail.send", clock, attempts=9, alarmed_at=clock.now,
                       available_at=later, last_error="SMTP unavailable: refused"),
        "failed": row("reports.route", clock, state=OutboxState.FAILED, attempts=8,
                      last_error="KeyError: 'report_id'"),
        "waiting": row("mail.send", clock, attempts=2, available_at=later),
        "done": row("mail.send", clock, state=OutboxState.DONE, attempts=1),
    }


def stored(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_the_page_lists_failing_and_failed_work_without_its_payload(admin_client, rows):
    page = admin_client.get("/outbox/").get_data(as_text=True)
    assert "SMTP unavailable: refused" in page and "KeyError: &#39;report_id&#39;" in page
    assert "<td>9</td>" in page and "<td>8</td>" in page
    assert "Failing, still tried" in page and "Failed" in page
    assert f'action="/outbox/{rows["waiting"]}/requeue"' not in page
    assert f'action="/outbox/{rows["done"]}/requeue"' not in page
    assert SECRET not in page


def test_requeue_has_one_row_tried_again_at_once(admin_client, rows, clock):
    page = admin_client.get("/outbox/").get_data(as_text=True)
    response = admin_client.post(f"/outbox/{rows['failed']}/requeue",
                                 data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    again = stored(rows["failed"])
    assert (again.state, again.attempts, again.alarmed_at, again.dispatched_at) == (
        OutboxState.PENDING, 0, None, None)
    assert again.available_at <= clock.now
    assert stored(rows["failing"]).attempts == 9  # only the one asked for


def test_requeue_all_takes_every_failing_and_failed_row_and_nothing_else(admin_client, rows):
    page = admin_client.get("/outbox/").get_data(as_text=True)
    admin_client.post("/outbox/requeue", data={"csrf_token": csrf_token_from(page)})
    assert {stored(rows[name]).attempts for name in ("failing", "failed")} == {0}
    assert stored(rows["waiting"]).attempts == 2
    assert stored(rows["done"]).state == OutboxState.DONE
    after = admin_client.get("/outbox/").get_data(as_text=True)
    assert "Nothing is failing" in after


def test_a_requeue_without_the_forms_token_changes_nothing(admin_client, rows):
    response = admin_client.post(f"/outbox/{rows['failed']}/requeue")
    assert response.status_code == 400
    assert stored(rows["failed"]).state == OutboxState.FAILED


def test_the_page_is_for_administrators_only(client, rows, db_session):
    clinician = make_user("sykepleier")
    login(client, clinician.username, DEFAULT_PASSWORD)
    assert client.get("/outbox/").status_code == 403
