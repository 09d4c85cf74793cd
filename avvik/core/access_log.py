"""One log line and one metric observation per request, and the request id on both ends.

The line names the URL rule (``/reports/<int:report_id>``), never the path asked for or
its query string: those carry ids and, in a search, typed free text.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request
from sqlalchemy import inspect
from werkzeug.wrappers import Response

from avvik.core.metrics import observe_request
from avvik.core.request_ids import HEADER, accept_or_new, connect_task_signals, current

log = logging.getLogger("avvik.access")
#: The path of a request that matched no route (a 404): the path itself is not logged.
UNMATCHED = "<unmatched>"


def init_access_log(app: Flask) -> None:
    """First of the before_request functions, so that a request refused by a later one
    (sign-in, CSRF) is logged and timed all the same."""
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)
    app.teardown_request(forget_request_id)
    connect_task_signals()


def start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = accept_or_new(request.headers.get(HEADER))
    current.set(g.request_id)


def finish_request(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a response made before start_request (none so far)
        return response
    seconds = time.perf_counter() - started
    endpoint = request.endpoint or "none"
    path = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    observe_request(request.method, endpoint, response.status_code, seconds)
    response.headers[HEADER] = g.request_id
    log.info("request", extra={
        "method": request.method, "path": path, "endpoint": endpoint,
        "status": response.status_code, "duration_ms": round(seconds * 1000, 1),
        "user_id": _user_id(), "request_id": g.request_id})
    return response


def forget_request_id(_error: BaseException | None = None) -> None:
    current.set(None)


def _user_id() -> int | None:
    """The id of the user this request loaded, if any: asking Flask-Login now would cost
    a query on requests that never needed the user (static files, /health). Read from
    the row's identity, not its attributes: after a rollback (a refused request) those
    are expired, and reading one would load the user again."""
    user = g.get("api_user") or g.get("_login_user")
    state = inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else None
