"""/health tells monitoring whether the database, broker and worker are alive."""

from __future__ import annotations

from datetime import timedelta

from avvik.core.heartbeat import WORKER, record_heartbeat
from avvik.health.cli import worker_status_command
from avvik.outbox.services import enqueue


def test_health_is_503_while_no_worker_has_beaten(client):
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok" and body["worker_heartbeat_at"] is None
    assert body["healthy"] is False


def test_health_is_200_with_a_fresh_heartbeat_and_reports_the_backlog(client, db_session,
                                                                      clock):
    record_heartbeat(WORKER, clock.now - timedelta(seconds=10))
    enqueue("reports.route", {"report_id": 1})
    response = client.get("/health")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["broker"] == "ok" and body["outbox_pending"] == 1
    assert 9 <= body["worker_silent_seconds"] < 60


def test_a_silent_worker_makes_it_503(client, db_session, clock):
    record_heartbeat(WORKER, clock.now - timedelta(minutes=10))
    assert client.get("/health").status_code == 503


def test_worker_status_prints_the_same_and_exits_non_zero_when_unhealthy(app, db_session):
    result = app.test_cli_runner().invoke(worker_status_command)
    assert result.exit_code == 1
    assert "database" in result.output and "outbox_pending" in result.output
