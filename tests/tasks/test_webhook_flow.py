"""A case filed and routed: its organisation's webhook hears of both, signed, through a
real Celery worker (with beat, which sends the retry) and a real HTTP receiver that
fails the first call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from avvik.extensions import db
from avvik.integrations.models import DeliveryState, WebhookDelivery
from avvik.integrations.webhooks import register_webhook
from avvik.organizations.models import Organization
from avvik.users.models import User
from tests.integrations.receiver import running_receiver, verify
from tests.tasks.processes import redis_broker_url, wait_for
from tests.tasks.system import System, database_url, start_system  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           database_url: str) -> Iterator[System]:  # noqa: F811
    # Retries a second apart, and beat looking for them every second.
    yield from start_system(tmp_path, monkeypatch, database_url, redis_broker_url(),
                            OUTBOX_RETRY_CAP_SECONDS="1", OUTBOX_RESEND_SECONDS="1")


def test_a_failed_call_is_retried_by_the_worker_and_every_call_is_signed(
        system: System) -> None:
    with running_receiver(500, 200) as receiver:
        admin = db.session.scalar(select(User).filter_by(is_admin=True))
        kommune = _reporting_org(system)
        _hook, secret = register_webhook(admin, kommune, receiver.url)
        db.session.commit()
        db.session.remove()
        system.start_worker(beat=True)
        report_id = system.file_case()

        def settled() -> list[WebhookDelivery] | None:
            rows = system.read(lambda: [
                (d.event, d.state, d.attempts, d.last_status) for d in db.session.scalars(
                    select(WebhookDelivery).order_by(WebhookDelivery.id))])
            done = len(rows) == 2 and all(r[1] == DeliveryState.DELIVERED for r in rows)
            return rows if done else None

        try:
            rows = wait_for(settled, 60, "both deliveries to be made", interval=0.25)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{system.outbox()}\n{system.worker_logs()}") \
                from None
    assert [r[0] for r in rows] == ["case.filed", "case.changed"]  # filed, then routed
    assert sorted(r[2] for r in rows) == [1, 2]  # the one that met the 500 was tried again
    assert all(r[3] == 200 for r in rows)
    assert len(receiver.calls) == 3
    for call in receiver.calls:
        verify(secret, call.headers["Avvik-Signature"], call.body)
        assert f'"id":{report_id}' in call.body.decode()
    assert all(r["state"] == "done" for r in system.outbox())


def _reporting_org(system: System) -> Organization:
    reporter = db.session.get(User, system.cast.reporter.id)
    return reporter.memberships[0].unit.organization
