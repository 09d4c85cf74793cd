"""The three moves every administration view makes, so the views stay a few lines each.

``saved``: validate a form, call one service, commit, flash, redirect; or hand back None
so the view shows the form again with the service's reasons on its fields.
``toggled``: the deactivate / reactivate button. ``removed``: a remove button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields import HiddenField
from wtforms.validators import AnyOf

from avvik.core.errors import ValidationFailed
from avvik.core.forms import AppForm
from avvik.extensions import db


class ActiveForm(AppForm):
    """The deactivate / reactivate button: nothing to type, only the wish."""

    active = HiddenField(validators=[AnyOf(["0", "1"])])


class ButtonForm(AppForm):
    """A button that acts (remove a leader, a membership): only the CSRF token."""


def saved(form: AppForm, action: Callable[[], Any], message: object,
          target: Callable[[Any], str]) -> Response | None:
    """Run ``action`` (one service call) if ``form`` is valid; commit and redirect to
    ``target(result)``. None means: render the form again, its errors are on it."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except ValidationFailed as error:
        # The services check before they change anything, so there is nothing to undo.
        form.apply_errors(error)
        return None
    db.session.commit()
    flash(str(message), "success")
    return redirect(target(result))


def toggled(row: Any, name: str, deactivate: Callable[[Any, Any], None],
            reactivate: Callable[[Any, Any], None], back: str) -> Response:
    """Handle an ``ActiveForm`` post for ``row`` (called ``name`` in the message); a
    refusal is flashed with its reason."""
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    message = (_l("%(name)s was reactivated.", name=name) if active
               else _l("%(name)s was deactivated.", name=name))
    return _acted(lambda: (reactivate if active else deactivate)(current_user, row),
                  message, back)


def removed(action: Callable[[], None], message: object, back: str) -> Response:
    """Handle a ``ButtonForm`` post that removes something."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _acted(action, message, back)


def _acted(action: Callable[[], None], message: object, back: str) -> Response:
    try:
        action()
    except ValidationFailed as error:
        for _field, reason in error.errors:
            flash(reason, "error")
    else:
        db.session.commit()
        flash(str(message), "success")
    return redirect(back)

