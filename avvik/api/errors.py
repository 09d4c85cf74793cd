"""Errors of the API as problem details (RFC 9457, avvik/core/problems.py).

Validation errors of the services take the same shape as the schemas' ones, in the
extension member ``errors``: ``{"errors": {"json": {"field": ["message", ...]}}}``, so a
client reads both alike. A database outage is the app's handler's (avvik/core/outage.py):
503 with Retry-After, saying whether the request may have been saved.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, UnsupportedMediaType
from werkzeug.wrappers import Response

from avvik.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from avvik.core.problems import problem
from avvik.extensions import db

#: Service field names that belong inside the nested "patient_identity" object.
NESTED_FIELDS = {"patient_name": ("patient_identity", "name"),
                 "patient_national_id": ("patient_identity", "national_id")}

#: Methods whose body the API reads, as JSON only.
BODY_METHODS = ("POST", "PUT", "PATCH")


def error_reply(code: int, message: str | None = None, errors: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, *, slug: str | None = None) -> Response:
    """An error of the API: problem details with ``message`` as the detail."""
    return problem(code, message, slug=slug, errors=errors, headers=headers)


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


def error_headers(error: HTTPException) -> dict[str, str]:
    """The exception's own headers (``Allow`` of a 405, say), without its Content-Type."""
    return {k: v for k, v in error.get_headers() if k.lower() != "content-type"}


def refuse_other_media_types() -> None:
    """``before_request``: a body that is not JSON is 415, not a 422 about missing fields."""
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if request.method in BODY_METHODS and (request.content_length or chunked) \
            and not request.is_json:
        raise UnsupportedMediaType()


def _http_error(error: HTTPException) -> Response:
    # The API's own handler: the app's HTTPException handler (HTML pages) is registered
    # later and would otherwise win.
    data = getattr(error, "data", None) or {}
    errors = data.get("errors", data.get("messages"))
    message = data.get("message")
    headers = error_headers(error) | dict(data.get("headers") or {})
    slug = data.get("slug")
    if error.code == 413:
        message = _("The request is larger than the %(limit)s bytes accepted.",
                    limit=current_app.config["MAX_CONTENT_LENGTH"])
    elif error.code == 415:
        message = _("Send the request's body as JSON (Content-Type: application/json).")
        headers["Accept-Post"] = "application/json"
    elif error.code == 422 and errors:
        slug = slug or "validation-failed"
        message = message or _("The input is not valid.")
    elif error.code == 400 and errors:
        message = message or _("The request could not be read.")
    return error_reply(error.code or 500, message, errors, headers, slug=slug)


def _validation_failed(error: ValidationFailed) -> Response:
    db.session.rollback()  # nothing half-saved
    return error_reply(422, _("The input is not valid."), {"json": field_errors(error)},
                       slug="validation-failed")


def _illegal_step(error: IllegalTransition) -> Response:
    db.session.rollback()
    return error_reply(409, str(error), slug="illegal-step")


def _stale(_error: StaleDataError) -> Response:
    db.session.rollback()
    return error_reply(409, _("Someone else changed the case at the same moment. "
                              "Load it again and retry."), slug="concurrent-edit")


def _permission_denied(_error: PermissionDenied) -> Response:
    # Only for cases the caller may see: cases out of scope are 404 before any service runs.
    db.session.rollback()
    return error_reply(403, _("You may not take this step on this case."))


def _not_found(_error: NotFound) -> Response:
    db.session.rollback()
    return error_reply(404, _("Not found."))


def init_api_errors(bp: Blueprint) -> None:
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(ValidationFailed, _validation_failed)
    bp.register_error_handler(IllegalTransition, _illegal_step)
    bp.register_error_handler(StaleDataError, _stale)
    bp.register_error_handler(PermissionDenied, _permission_denied)
    bp.register_error_handler(NotFound, _not_found)
