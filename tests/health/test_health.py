"""/health tells monitoring whether the database, broker and worker are alive."""

from __future__ import annotations

import json
import socket
import subprocess
from datetime import timedelta

from avvik.core.heartbeat import WORKER, record_heartbeat
from avvik.health.cli import worker_status_command
from avvik.health.services import check_broker
from avvik.outbox.services import enqueue
from avvik.serving.state import state_path, write_state


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


SERVED = [
    {"name": "web", "pid": 101, "running": True, "restarts": 0, "last_exit": None,
     "since": "2026-03-02T08:00:00+00:00"},
    {"name": "worker", "pid": 102, "running": False, "restarts": 2, "last_exit": -9,
     "since": "2026-03-02T08:05:00+00:00"},
]


def test_health_shows_the_processes_of_avvik_serve_and_is_503_while_one_is_down(
        app, client, db_session, clock, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    record_heartbeat(WORKER, clock.now - timedelta(seconds=10))
    write_state(state_path(tmp_path), SERVED)  # written by this process, which is alive

    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["processes"] == SERVED

    write_state(state_path(tmp_path), [{**p, "running": True} for p in SERVED])
    assert client.get("/health").status_code == 200


def test_health_leaves_processes_out_when_no_avvik_serve_runs(
        app, client, db_session, clock, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    record_heartbeat(WORKER, clock.now - timedelta(seconds=10))
    assert "processes" not in client.get("/health").get_json()

    ended = subprocess.Popen(["true"])  # a supervisor that no longer runs left its file
    ended.wait()
    state_path(tmp_path).write_text(json.dumps({"supervisor_pid": ended.pid,
                                                "processes": SERVED}))
    response = client.get("/health")
    assert response.status_code == 200 and "processes" not in response.get_json()



def test_a_broker_that_accepts_but_never_answers_is_reported_not_waited_for(
        app, tmp_path, monkeypatch):
    path = tmp_path / "hung.sock"
    with socket.socket(socket.AF_UNIX) as hung:  # listens, never reads: a stopped broker
        hung.bind(str(path))
        hung.listen()
        monkeypatch.setattr(app.extensions["celery"].conf, "broker_url",
                            f"redis+socket://{path}")
        with app.app_context():
            assert check_broker().startswith("error: ")
