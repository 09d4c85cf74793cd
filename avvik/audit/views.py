"""The audit trail for administrators: search it, page through it, export it.

    GET  /audit/?user=&action=&object_type=&object_id=&client_address=&date_from=&date_to=
                              index: the matching entries, newest first, 50 a page
    GET  /audit/export.<fmt>  export: the same search as CSV or XLSX (itself audited)

Every route is for administrators only: the trail names who read which case.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.audit import queries
from avvik.audit.actions import action_label, object_type_label
from avvik.audit.exports import FORMATS, export_trail
from avvik.audit.forms import AuditFilterForm
from avvik.core.permissions import admin_required
from avvik.core.transactions import transactional

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.after_request
def _never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # who read which case
    return response


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"action_label": action_label, "object_type_label": object_type_label,
            "formats": FORMATS, "export_limit": queries.EXPORT_LIMIT}


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    form = AuditFilterForm(formdata=request.args, meta={"csrf": False})
    filters = form.to_filter()
    if filters is None:
        return render_template("audit/index.html", form=form, page=None, names={}), 400
    page = queries.search_page(filters, page=form.page.data or 1)
    about_users = {e.object_id for e in page.items
                   if e.object_type == "user" and e.object_id is not None}
    return render_template("audit/index.html", form=form, page=page,
                           names=queries.usernames(about_users))


@bp.get("/export.<fmt>")
@admin_required
@transactional
def export(fmt: str) -> ResponseReturnValue:
    form = AuditFilterForm(formdata=request.args, meta={"csrf": False})
    filters = form.to_filter()
    if filters is None:
        return render_template("audit/index.html", form=form, page=None, names={}), 400
    trail = export_trail(current_user._get_current_object(), filters, fmt)
    response = Response(trail.content, content_type=trail.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{trail.filename}"'
    return response
