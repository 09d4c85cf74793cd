"""Error pages in the site's layout, the CSRF failure that keeps what was typed, and the
503 of a database outage (avvik/core/outage.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from avvik.core.errors import NotFound, PermissionDenied
from avvik.core.outage import (
    DATABASE_ERRORS,
    is_outage,
    outage_problem,
    recover_from_outage,
    retry_after,
    track_commits,
)
from avvik.core.problems import problem

F = TypeVar("F", bound=Callable[..., Any])


def keeps_input_on_csrf_failure(view: F) -> F:
    """Mark a form view as safe to re-render when its CSRF token is missing or stale.

    The view then runs with ``g.csrf_failed`` set; its ``AppForm`` refuses to validate and
    shows a message, so the page comes back with everything the user typed and a fresh
    token. Views without the mark get the plain CSRF error page: running them could act.
    """
    view.keeps_input_on_csrf_failure = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _json_error(status: int, headers: dict[str, str] | None = None) -> Response:
    # Outside the API's blueprint (an unknown /api/ path, a wrong method): problem
    # details like the API's own errors, in the request's language.
    return problem(status, headers=headers)


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> Any:
        view = app.view_functions.get(request.endpoint or "")
        user_may_see = current_user.is_authenticated or request.endpoint in (
            "auth.login", "auth.code")
        if view is not None and getattr(view, "keeps_input_on_csrf_failure", False) \
                and user_may_see:
            g.csrf_failed = True
            try:
                response = app.make_response(view(**(request.view_args or {})))
            except Exception as raised:
                # A 403/404 (or a domain error) of the view itself: answer as it would.
                return app.handle_user_exception(raised)
            response.status_code = 400
            return response
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(PermissionDenied)
    def permission_denied(_error: PermissionDenied) -> Any:
        return _render_status(403)

    @app.errorhandler(NotFound)
    def not_found(_error: NotFound) -> Any:
        return _render_status(404)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        if wants_json():
            return _json_error(error.code or 500, headers)
        if error.code in (403, 404, 405, 413, 500):
            return _render_status(error.code, headers)
        return error

    @app.errorhandler(500)
    def server_error(_error: Exception) -> Any:
        return _render_status(500)

    track_commits()
    for database_error in DATABASE_ERRORS:
        app.register_error_handler(database_error, database_unavailable)


def database_unavailable(error: Exception) -> Any:
    """503 for an outage, in the browser and on the API alike; any other error a 500."""
    if not is_outage(error):
        raise error
    outcome = recover_from_outage(error)
    if wants_json():
        return outage_problem(outcome)
    return render_template("errors/503.html", outcome=outcome), 503, retry_after()


def _render_status(code: int, headers: dict[str, str] | None = None) -> Any:
    if wants_json():
        return _json_error(code, headers)
    return render_template(f"errors/{code}.html",
                           limit=current_app.config.get("MAX_CONTENT_LENGTH")), code, \
        headers or {}
