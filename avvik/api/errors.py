"""Errors of the API as JSON, in flask-smorest's shape: {"code", "status", "message", "errors"}.

Validation errors of the services take the same shape as the schemas' ones,
``{"errors": {"json": {"field": ["message", ...]}}}``, so a client reads both alike.
A database outage is the app's handler's (avvik/core/outage.py): 503 with Retry-After,
as problem details (RFC 9457) saying whether the request may have been saved.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Blueprint, current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from avvik.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from avvik.extensions import db

#: Service field names that belong inside the nested "patient_identity" object.
NESTED_FIELDS = {"patient_name": ("patient_identity", "name"),
                 "patient_national_id": ("patient_identity", "national_id")}

Reply = tuple[dict[str, Any], int, dict[str, str]]


def error_reply(code: int, message: str | None = None, errors: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None) -> Reply:
    body: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase}
    if message is not None:
        body["message"] = message
    if errors is not None:
        body["errors"] = errors
    return body, code, headers or {}


def field_errors(error: ValidationFailed) -> dict[str, Any]:
    """The service's ``(field, reason)`` pairs as marshmallow-style nested messages."""
    out: dict[str, Any] = {}
    for field, reason in error.errors:
        outer, inner = NESTED_FIELDS.get(field, (field, None))
        if inner is None:
            messages = out.setdefault(outer, [])
        else:
            nested = out.setdefault(outer, {})
            messages = nested.setdefault(inner, []) if isinstance(nested, dict) else nested
        messages.append(reason)
    return out


def _http_error(error: HTTPException) -> Reply:
    # flask-smorest's handler, kept for this blueprint: the app's own HTTPException handler
    # (HTML pages) is registered later and would otherwise win.
    data = getattr(error, "data", None) or {}
    errors = data.get("errors", data.get("messages"))
    message = data.get("message")
    if error.code == 413:
        message = _("The request is larger than the %(limit)s bytes accepted.",
                    limit=current_app.config["MAX_CONTENT_LENGTH"])
    return error_reply(error.code or 500, message, errors, data.get("headers"))


def _validation_failed(error: ValidationFailed) -> Reply:
    db.session.rollback()  # nothing half-saved
    return error_reply(422, _("The input is not valid."), {"json": field_errors(error)})


def _illegal_step(error: IllegalTransition) -> Reply:
    db.session.rollback()
    return error_reply(409, str(error))


def _stale(_error: StaleDataError) -> Reply:
    db.session.rollback()
    return error_reply(409, _("Someone else changed the case at the same moment. "
                              "Load it again and retry."))


def _permission_denied(_error: PermissionDenied) -> Reply:
    # Only for cases the caller may see: cases out of scope are 404 before any service runs.
    db.session.rollback()
    return error_reply(403, _("You may not take this step on this case."))


def _not_found(_error: NotFound) -> Reply:
    db.session.rollback()
    return error_reply(404, _("Not found."))


def init_api_errors(bp: Blueprint) -> None:
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(ValidationFailed, _validation_failed)
    bp.register_error_handler(IllegalTransition, _illegal_step)
    bp.register_error_handler(StaleDataError, _stale)
    bp.register_error_handler(PermissionDenied, _permission_denied)
    bp.register_error_handler(NotFound, _not_found)
