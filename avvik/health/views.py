"""Health for load balancers, monitoring and people; metrics for Prometheus. No login.

``/health/live``: the process answers (restart it if not). ``/health/ready``: it can
serve, the database and the broker answer (send it traffic if so). ``/health``: the
whole picture for a person or for monitoring, worker and outbox included; a silent
worker makes it 503, which is why a load balancer asks ``/health/ready`` instead.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from avvik.core.metrics import scrape_registry
from avvik.core.outage import retry_after
from avvik.health.metrics import DatabaseCollector, may_scrape
from avvik.health.services import check_broker, check_database, health

bp = Blueprint("health", __name__)


@bp.get("/health")
def check() -> tuple[Response, int, dict[str, str]]:
    status = health()
    if status.healthy:
        return jsonify(status.as_dict()), 200, {}
    return jsonify(status.as_dict()), 503, retry_after()


@bp.get("/health/live")
def live() -> Response:
    return jsonify(live=True)


@bp.get("/health/ready")
def ready() -> tuple[Response, int, dict[str, str]]:
    found = {"database": check_database(), "broker": check_broker()}
    if all(state == "ok" for state in found.values()):
        return jsonify({**found, "ready": True}), 200, {}
    return jsonify({**found, "ready": False}), 503, retry_after()


@bp.get("/metrics")
def metrics() -> tuple[bytes, int, dict[str, str]]:
    if not may_scrape():
        abort(404)  # as if there were none: a stranger learns nothing
    body = generate_latest(scrape_registry(DatabaseCollector()))
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}
