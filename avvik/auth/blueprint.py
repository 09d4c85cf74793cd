"""The ``auth`` blueprint, shared by the modules whose routes join it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
