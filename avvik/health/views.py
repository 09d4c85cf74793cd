"""``GET /health``: for load balancers and monitoring; no login, no case data."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from avvik.health.services import health

bp = Blueprint("health", __name__)


@bp.get("/health")
def check() -> tuple[Response, int]:
    status = health()
    return jsonify(status.as_dict()), 200 if status.healthy else 503
