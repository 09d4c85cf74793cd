"""The cases: ``/api/v1/reports`` and one POST per step of the registry
(avvik/reports/steps.py), the same as the pages'.

A case the caller may not see is 404, exactly like one that does not exist. Services
flush; each POST commits once, in ``answered_once``, which also honours an
``Idempotency-Key`` (avvik/api/idempotency.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_smorest import abort

from avvik.api.auth import api_user
from avvik.api.blueprint import bp
from avvik.api.idempotency import answered_once
from avvik.api.queries import MAX_ID
from avvik.api.schemas import (
    ReportIn,
    ReportListArgs,
    ReportOut,
    ReportPageOut,
    known_identity,
)
from avvik.audit.services import audit
from avvik.core.transactions import transactional
from avvik.extensions import db
from avvik.integrations.feed import Position, read_changes, since
from avvik.reports import scope
from avvik.reports.models import Report
from avvik.reports.queries import ReportFilter, default_sort, list_reports
from avvik.reports.services import ReportInput
from avvik.reports.services.drafting import file_report
from avvik.reports.services.validation import PatientIdentityInput
from avvik.reports.steps import STEPS, CaseStep

TAGS = ["reports"]


def visible_report(report_id: int) -> Report:
    """The case if the caller may see it; otherwise 404, whether it exists or not."""
    report = db.session.get(Report, report_id) if 0 < report_id <= MAX_ID else None
    if report is None or not scope.can_view(api_user(), report):
        abort(404, message=str(_l("Not found.")))
    return report


def _documented(*statuses: int):  # the error answers a route may give, for the spec
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT"}

    def decorate(view):
        for status in statuses:
            view = bp.alt_response(status, response=names[status])(view)
        return view
    return decorate


@bp.route("/reports", methods=["GET"], tags=TAGS)
@bp.arguments(ReportListArgs, location="query", as_kwargs=True)
@bp.response(200, ReportPageOut)
@_documented(401)
def list_cases(status: list, order: str, page: int, per_page: int, q: str | None,
               sort: str | None, updated_since: datetime | None, cursor: Position | None,
               **filters: Any) -> Any:
    """The caller's cases (those they may see), filtered, searched, sorted, one page at a
    time; or, with ``updated_since`` or ``cursor``, the feed of changes to them."""
    if updated_since is not None or cursor is not None:
        return _feed(cursor or since(updated_since), per_page)
    result = list_reports(api_user(), ReportFilter(
        statuses=status, descending=order == "desc", search=q, sort=sort or default_sort(q),
        **filters), page=page, per_page=per_page)
    return {"items": result.items, "total": result.total, "total_is_exact": result.total_is_exact,
            "has_next": result.has_next, "page": result.page, "per_page": result.per_page,
            "pages": result.pages, "next_cursor": None}


def _feed(after: Position, per_page: int) -> dict[str, Any]:
    # Only the order and the position apply: the feed is every change, or it misleads.
    feed = read_changes(api_user(), after, limit=per_page)
    return {"items": feed.items, "total": len(feed.items), "total_is_exact": not feed.has_more,
            "has_next": feed.has_more, "page": 1, "per_page": per_page, "pages": None,
            "next_cursor": feed.next_cursor}


LOCATION = {"Location": {"description": "The case's URL.", "schema": {"type": "string"}}}


@bp.route("/reports", methods=["POST"], tags=TAGS)
@bp.arguments(ReportIn)
@bp.response(201, ReportOut, headers=LOCATION)
@_documented(401)
# The answer is built from what was just written, still in memory: no reloading.
@answered_once(201, visible_report, keep_loaded=True, location=True)
def create(body: dict[str, Any]) -> Report:
    """File a report: submitted at once, or kept a draft when "draft" is true."""
    keep_draft = body.pop("draft")
    identity = body.pop("patient_identity")
    data = ReportInput(**{k: ("" if v is None and k in ("immediate_measures", "suggestion")
                              else v) for k, v in body.items()},
                       patient_identity=PatientIdentityInput(**identity) if identity else None)
    report = file_report(api_user(), data, draft=keep_draft)
    known_identity(report, data.patient_identity is not None)
    return report


@bp.route("/reports/<id:report_id>", methods=["GET"], tags=TAGS)
# Outside the answer: the read's audit entry is committed once the case is serialised.
@transactional
@bp.response(200, ReportOut)
@_documented(401, 404)
def detail(report_id: int) -> Report:
    """One case with its timeline."""
    report = visible_report(report_id)
    audit("report.read", "report", report.id, actor=api_user(), detail={"via": "api"})
    return report


def _add_step(step: CaseStep) -> None:
    """Register ``POST /reports/<id>/<rule>`` for a step of the registry: load the
    visible case, take the step, commit (in ``answered_once``)."""
    def view(*body: dict[str, Any], report_id: int) -> Report:
        report = visible_report(report_id)
        step.run(api_user(), report, body[0] if body else {})
        return report

    view.__name__ = view.__qualname__ = step.api_rule or step.name
    view.__doc__ = step.api_summary
    created = step.api_status == 201  # a comment, a flag: Location is the case's URL
    view = answered_once(step.api_status, visible_report, location=created)(view)
    if step.schema is not None:
        view = bp.arguments(step.schema)(view)
    view = _documented(401, 403, 404, 409)(bp.response(
        step.api_status, ReportOut, headers=LOCATION if created else None)(view))
    bp.route(f"/reports/<id:report_id>/{step.api_rule}", methods=["POST"], tags=TAGS)(view)


for _case_step in STEPS.values():
    if _case_step.api_rule is not None:
        _add_step(_case_step)


@bp.route("/reports/<id:report_id>", methods=["DELETE"], tags=TAGS)
@bp.response(204)
@_documented(401, 404, 409)
@transactional
def delete_draft(report_id: int) -> None:
    """Delete a draft, the caller's own, with its patient identity: nothing of it is kept.
    A report that has been sent is withdrawn instead (409 here)."""
    STEPS["delete_draft"].run(api_user(), visible_report(report_id), {})
