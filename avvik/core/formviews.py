"""The three moves every administration view makes, so the views stay a few lines each.

``saved``: validate a form, call one service, flash, redirect; or hand back None so the
view shows the form again with the service's reasons on its fields.
``toggled``: the deactivate / reactivate button. ``removed``: a remove button; ``acted``:
any other button.

They never commit: a view using them is ``@transactional(refused=shown_again)``
(avvik/core/transactions.py). A service's refusal is rolled back there, and the view runs
once more on the same post, rows as they are now: the helpers then answer with the
reasons (on the form, which keeps what was typed, or flashed) instead of acting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields import HiddenField
from wtforms.validators import AnyOf

from avvik.core.errors import ValidationFailed
from avvik.core.forms import AppForm


class ActiveForm(AppForm):
    """The deactivate / reactivate button: nothing to type, only the wish."""

    active = HiddenField(validators=[AnyOf(["0", "1"])])


class ButtonForm(AppForm):
    """A button that acts (remove a leader, a membership): only the CSRF token."""


def shown_again(error: Exception) -> ResponseReturnValue:
    """The ``refused`` handler of a view built on these helpers: a ``ValidationFailed``,
    rolled back, shows the same page again with the reasons (the view runs once more,
    its helper answering instead of acting). Any other refusal goes on to the app."""
    if not isinstance(error, ValidationFailed) or "refusal" in g:
        raise error
    g.refusal = error
    try:
        return current_app.view_functions[request.endpoint or ""](**(request.view_args or {}))
    finally:
        g.pop("refusal", None)  # g can outlive the request (a test's app context)


def shows_refusal(form: AppForm) -> bool:
    """Whether this run of the view shows a refused post again (``shown_again``); the
    service's reasons are then on ``form``'s fields."""
    refusal = g.get("refusal")
    if refusal is not None:
        form.apply_errors(refusal)
    return refusal is not None


def saved(form: AppForm, action: Callable[[], Any], message: object,
          target: Callable[[Any], str]) -> Response | None:
    """Run ``action`` (one service call) if ``form`` is valid; flash and redirect to
    ``target(result)``. None means: render the form again, its errors are on it."""
    if not form.validate_on_submit() or shows_refusal(form):
        return None
    result = action()
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
    return acted(lambda: (reactivate if active else deactivate)(current_user, row),
                  message, back)


def removed(action: Callable[[], None], message: object, back: str) -> Response:
    """Handle a ``ButtonForm`` post that removes something."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    return acted(action, message, back)


def acted(action: Callable[[], Any], message: object, back: str) -> Response:
    """A button's post, its form checked: act, flash ``message`` and go ``back``; shown
    again after a refusal, the reasons are flashed instead."""
    refusal = g.get("refusal")
    if refusal is not None:  # shown again: why the service refused
        for _field, reason in refusal.errors:
            flash(reason, "error")
    else:
        action()
        flash(str(message), "success")
    return redirect(back)

