"""/health/live, /health/ready and /metrics: for load balancers and Prometheus."""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_network

import pytest

from avvik.core.heartbeat import WORKER, record_heartbeat
from avvik.outbox.services import enqueue
from tests.conftest import new_browser
from tests.core.test_database_outage import down_app  # noqa: F401  (a fixture)

FAMILIES = ("avvik_http_requests_total", "avvik_http_request_duration_seconds_bucket",
            "avvik_outbox_pending", "avvik_outbox_failing", "avvik_outbox_failed",
            "avvik_outbox_oldest_age_seconds", "avvik_emails_total",
            "avvik_escalated_cases", "avvik_worker_heartbeat_age_seconds",
            "avvik_database_up 1.0")


def test_live_is_200_even_while_the_worker_is_silent(client):
    response = client.get("/health/live")
    assert response.status_code == 200 and response.get_json() == {"live": True}
    assert client.get("/health").status_code == 503  # the page for people says why


def test_ready_is_200_with_the_database_and_broker_up(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "broker": "ok", "ready": True}


def test_ready_is_503_and_live_200_while_the_database_is_down(down_app):  # noqa: F811
    browser = new_browser(down_app)
    response = browser.get("/health/ready")
    assert response.status_code == 503 and "Retry-After" in response.headers
    body = response.get_json()
    assert body["ready"] is False and body["database"].startswith("error")
    assert browser.get("/health/live").status_code == 200


def test_metrics_are_served_to_the_allowed_address_with_every_family(client, db_session,
                                                                     clock):
    record_heartbeat(WORKER, clock.now - timedelta(seconds=10))
    enqueue("reports.route", {"report_id": 1})
    client.get("/health/live")
    response = client.get("/metrics")  # the test client comes from 127.0.0.1
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    for family in FAMILIES:
        assert family in body
    assert 'endpoint="health.live"' in body
    assert "avvik_outbox_pending 1.0" in body
    assert "/health/live" not in body  # endpoints, never paths


@pytest.fixture
def elsewhere(app, monkeypatch):
    """Scrapes from 10.1.2.3, an address not on the default allow-list."""
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token-for-prometheus")
    return {"REMOTE_ADDR": "10.1.2.3"}


def test_metrics_are_hidden_from_another_address_without_the_token(client, elsewhere):
    assert client.get("/metrics", environ_base=elsewhere).status_code == 404
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/metrics", environ_base=elsewhere, headers=wrong).status_code == 404


def test_an_allowed_address_behind_a_proxy_is_not_believed(client):
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert client.get("/metrics", headers={header: "127.0.0.1"}).status_code == 404


def test_metrics_are_served_with_the_token(client, elsewhere):
    right = {"Authorization": "Bearer s3cret-token-for-prometheus"}
    response = client.get("/metrics", environ_base=elsewhere, headers=right)
    assert response.status_code == 200 and "avvik_outbox_pending" in response.text


def test_metrics_are_served_to_an_allowed_network(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOW", (ip_network("10.0.0.0/8"),))
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}
                      ).status_code == 200
    assert client.get("/metrics").status_code == 404  # 127.0.0.1 is no longer on it


def test_no_token_configured_lets_no_bearer_in(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", None)
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                      headers={"Authorization": "Bearer "}).status_code == 404
