"""The start page, which shows each user what their roles let them do."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.core.urls import safe_next_url
from avvik.extensions import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    return render_template("home/index.html", memberships=current_user.memberships)


@bp.post("/language")
def set_language() -> Response:
    """Switch the interface language; saved on the user when signed in."""
    locale = request.form.get("locale")
    if locale in ("nb", "en"):
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")))
