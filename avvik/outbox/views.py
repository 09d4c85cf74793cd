"""Administration of the outbox: the work that is failing or has failed, and re-queueing.

    GET   /outbox/?page=             index: failed and failing rows, oldest first
    POST  /outbox/<id>/requeue       requeue: one row, tried again at once
    POST  /outbox/requeue            requeue_all: every failed and failing row

Every route is for administrators only. A row shows its task, tries, last error and age,
never its payload, which names people and cases.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.core.formviews import ButtonForm
from avvik.core.ids import page_number
from avvik.core.permissions import admin_required
from avvik.core.timeutil import utcnow
from avvik.core.transactions import transactional
from avvik.organizations.queries import get_or_404
from avvik.outbox import queries, services
from avvik.outbox.models import OutboxMessage

bp = Blueprint("outbox", __name__, url_prefix="/outbox")


@bp.get("/")
@admin_required
def index() -> str:
    page = queries.troubled_page(page=request.args.get("page", 1, type=page_number))
    return render_template("outbox/index.html", page=page, now=utcnow(),
                           alarm=current_app.config["OUTBOX_ALARM_ATTEMPTS"])


@bp.post("/<int:message_id>/requeue")
@admin_required
@transactional
def requeue(message_id: int) -> Response:
    message = get_or_404(OutboxMessage, message_id)
    return _requeued(lambda: int(services.requeue_message(current_user, message)))


@bp.post("/requeue")
@admin_required
@transactional
def requeue_all() -> Response:
    return _requeued(lambda: services.requeue_troubled(current_user))


def _requeued(action: Callable[[], int]) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    count = action()
    if count:
        flash(ngettext("%(num)d was put back in the queue and is tried again at once.",
                       "%(num)d were put back in the queue and are tried again at once.",
                       count), "success")
    else:
        flash(_("Nothing was re-queued: it is done, or being tried this moment."), "warning")
    return redirect(url_for(".index"))
