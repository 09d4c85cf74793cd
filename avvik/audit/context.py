"""The client address of the request an audit entry is written in.

Kept in a context variable beside the request id (avvik/core/request_ids.py), so that the
services that audit never read ``flask.request``. Outside a request (a Celery task, a
command) there is none.
"""

from __future__ import annotations

from contextvars import ContextVar

from flask import Flask, request

client_address: ContextVar[str | None] = ContextVar("avvik_client_address", default=None)


def init_audit_context(app: Flask) -> None:
    # First among the before_request functions: sign-in and the API's token check run
    # later and may write entries.
    app.before_request_funcs.setdefault(None, []).insert(0, remember_client)
    app.teardown_request(forget_client)


def remember_client() -> None:
    """The address as the app determines it (``remote_addr``: the peer, or what a
    configured proxy fix made of the forwarded headers)."""
    client_address.set(request.remote_addr or None)


def forget_client(_error: BaseException | None = None) -> None:
    client_address.set(None)
