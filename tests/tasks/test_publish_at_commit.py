"""The publishing after a request's commit, against a real broker: a private redis-server that
the tests stop and start (never the machine's shared one).

A request publishes its outbox rows on a connection its process keeps; the rows were
stamped ``dispatched_at`` when written, so a published row needs no second write. A
connection the broker dropped is replaced at once; a broker that is away costs the
request no wait, and the row loses its stamp so that the sweep sends it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_client
from flask import Flask

from avvik.app import create_app
from avvik.extensions import db
from avvik.outbox.dispatch import publish_committed, resend_due
from avvik.outbox.models import OutboxMessage
from avvik.outbox.services import enqueue
from tests.conftest import make_test_config
from tests.sql_log import data_verbs, recorded_sql
from tests.tasks.private_redis import PrivateRedis

QUEUE = "publish-test"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ring_app(tmp_path: Path, broker: PrivateRedis, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[Flask]:
    monkeypatch.setenv("AVVIK_OUTBOX_PUBLISH", "on")
    monkeypatch.setenv("AVVIK_BROKER_URL", broker.url)
    monkeypatch.setenv("AVVIK_CELERY_QUEUE", QUEUE)
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'publish.sqlite3'}", tmp_path))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def file_in_a_request(app: Flask, report_id: int) -> tuple[int, list[str]]:
    """Queue work and commit as a view does, then publish as ``after_request`` does.
    Returns the row's id and the statements the publishing ran."""
    with app.test_request_context():
        message_id = enqueue("reports.route", {"report_id": report_id}).id
        db.session.commit()
        with recorded_sql() as ran:
            publish_committed()
        db.session.remove()
    return message_id, data_verbs(ran)  # not SQLite's BEGIN


def dispatched_at(app: Flask, message_id: int):
    with app.app_context():
        try:
            return db.session.get(OutboxMessage, message_id).dispatched_at
        finally:
            db.session.remove()


def test_a_published_row_is_not_written_again(ring_app: Flask, broker: PrivateRedis) -> None:
    first, ran = file_in_a_request(ring_app, 1)
    assert broker.queue_length(QUEUE) == 1 and ran == []
    assert dispatched_at(ring_app, first) is not None
    before = broker.connections_made()
    _second, ran = file_in_a_request(ring_app, 2)
    assert broker.connections_made() == before + 1  # only the question: the publishing kept its
    assert broker.queue_length(QUEUE) == 2 and ran == []


def test_a_connection_the_broker_dropped_is_replaced_at_once(ring_app: Flask,
                                                             broker: PrivateRedis) -> None:
    file_in_a_request(ring_app, 1)
    broker.stop()
    broker.start()  # every connection is gone, and the queue with it
    message_id, _ran = file_in_a_request(ring_app, 2)
    assert broker.queue_length(QUEUE) == 1
    assert dispatched_at(ring_app, message_id) is not None


def test_with_the_broker_away_the_request_does_not_wait_and_the_sweep_sends_it(
        ring_app: Flask, broker: PrivateRedis) -> None:
    file_in_a_request(ring_app, 1)  # a kept connection, which the broker then takes along
    broker.stop()
    started = time.monotonic()
    message_id, ran = file_in_a_request(ring_app, 2)
    assert time.monotonic() - started < 3
    assert ran == ["UPDATE"]  # the stamp taken off again
    assert dispatched_at(ring_app, message_id) is None

    broker.start()
    with ring_app.app_context():
        assert resend_due() == 1  # the sweep's round finds it at once
    assert broker.queue_length(QUEUE) == 1
    assert dispatched_at(ring_app, message_id) is not None


def test_every_row_is_one_message_and_every_row_is_stamped(
        ring_app: Flask, broker: PrivateRedis) -> None:
    with ring_app.test_request_context():
        ids = [enqueue(task, {"n": n}).id for n, task in enumerate(
            ["mail.send"] * 4 + ["reports.route"] + ["mail.send"])]
        db.session.commit()
        publish_committed()
        db.session.remove()
    # One message per row: a worker process sends one e-mail per task.
    client = redis_client.Redis.from_url(broker.url)
    try:
        bodies = [json.loads(raw) for raw in client.lrange(QUEUE, 0, -1)]
    finally:
        client.close()
    firsts = [json.loads(base64.b64decode(body["body"]))[0][0] for body in bodies]
    assert sorted(firsts) == ids
    assert all(dispatched_at(ring_app, i) is not None for i in ids)
