"""``GET /health``: for load balancers and monitoring; no login, no case data."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from avvik.core.outage import retry_after
from avvik.health.services import health

bp = Blueprint("health", __name__)


@bp.get("/health")
def check() -> tuple[Response, int, dict[str, str]]:
    status = health()
    if status.healthy:
        return jsonify(status.as_dict()), 200, {}
    return jsonify(status.as_dict()), 503, retry_after()
