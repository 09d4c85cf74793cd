"""The start page: each person's work queue, and what their roles let them do."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.core.transactions import transactional
from avvik.core.urls import page_to_return_to
from avvik.reports.queue import work_queue

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """The person's work queue, what is new to them, their units' figures, their roles."""
    me = current_user._get_current_object()
    return render_template("home/index.html", memberships=me.memberships,
                           queue=work_queue(me))


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers and bookmark tools ask for at the root whatever the page links."""
    return current_app.send_static_file("favicon.ico")


@bp.post("/language")
@transactional
def set_language() -> Response:
    """Switch the interface language (saved on the user when signed in) and go back to
    the page, or the nearest one a browser can load when that page was a form's result."""
    locale = request.form.get("locale")
    if locale in ("nb", "en"):
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
    return redirect(page_to_return_to(request.form.get("next")))
