"""The quality dashboards: pages, downloads and the yearly report.

    GET /dashboards/                      index: counts per month and year, run charts, signals
    GET /dashboards/breakdowns            agreement, transition, category (Pareto), ...
    GET /dashboards/performance           answer performance, open per unit, escalations, ...
    GET /dashboards/measures              measures and their before/after evaluation
    GET /dashboards/export/<name>.<fmt>   one aggregate as csv or xlsx
    GET /dashboards/cases.<fmt>           the de-identified case list as csv or xlsx
    GET /dashboards/yearly/               the latest whole year's report
    GET /dashboards/yearly/<year>         the joint committee's yearly report (web page)
    GET /dashboards/yearly/<year>.pdf     the same report as a PDF made on the server

The filter is the query string (avvik.stats.filters), the same on every page, download
and ``/api/v1/stats/<name>``; a bad one gives the page with the message and status 400.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from avvik.audit.services import audit
from avvik.core.errors import NotFound, PermissionDenied, ValidationFailed
from avvik.core.timeutil import oslo_today, utcnow
from avvik.core.transactions import transactional
from avvik.dashboards import formatting, services, yearly
from avvik.dashboards.forms import FilterForm
from avvik.dashboards.queries import filter_choices
from avvik.dashboards.yearly_pdf import render_pdf as yearly_pdf_render
from avvik.stats import anhoej
from avvik.stats.filters import StatsFilter
from avvik.stats.scope import may_view_stats
from avvik.stats.services import Export, build_table, export_case_list, export_table
from avvik.stats.tables import MAX_EVALUATIONS
from avvik.users.models import User

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")


def _viewer() -> User:
    me = current_user._get_current_object()
    if not may_view_stats(me):
        raise PermissionDenied()
    return me


def _bad_filter(me: User, section: str, error: ValidationFailed) -> ResponseReturnValue:
    form = FilterForm(request.args, filter_choices(me))
    form.apply_errors(error)
    return render_template("dashboards/section.html", section=section, form=form,
                           page=None), 400


def _section(section: str) -> ResponseReturnValue:
    me = _viewer()
    try:
        filters = StatsFilter.from_query(request.args)
    except ValidationFailed as error:
        return _bad_filter(me, section, error)
    form = FilterForm(request.args, filter_choices(me), defaults=filters.to_dict())
    page = services.build_dashboard(me, filters, section)
    return render_template("dashboards/section.html", section=section, form=form, page=page,
                           may_list_cases=services.may_list_cases(me),
                           with_free_text=services.may_read_free_text(me),
                           max_evaluations=MAX_EVALUATIONS)


@bp.get("/")
def index() -> ResponseReturnValue:
    return _section("overview")


@bp.get("/breakdowns")
def breakdowns() -> ResponseReturnValue:
    return _section("breakdowns")


@bp.get("/performance")
def performance() -> ResponseReturnValue:
    return _section("performance")


@bp.get("/measures")
def measures() -> ResponseReturnValue:
    return _section("measures")


def _download(export: Export) -> Response:
    # Streamed within the request's context: the case list is read as it is sent.
    response = Response(stream_with_context(iter(export.content)),
                        content_type=export.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "no-store"  # figures of a health community
    return response


@bp.get("/export/<name>.<fmt>")
@transactional
def export(name: str, fmt: str) -> ResponseReturnValue:
    me = _viewer()
    try:
        filters = StatsFilter.from_query(request.args)
    except ValidationFailed as error:
        return _bad_filter(me, "overview", error)
    download = export_table(build_table(name, me, filters), fmt, me, filters, utcnow())
    audit("stats.exported", "export", None, actor=me,
          detail={"table": name, "format": fmt, **filters.to_dict()})
    return _download(download)


@bp.get("/cases.<fmt>")
@transactional
def cases(fmt: str) -> ResponseReturnValue:
    me = _viewer()
    if not services.may_list_cases(me):
        raise PermissionDenied()
    try:
        filters = StatsFilter.from_query(request.args)
    except ValidationFailed as error:
        return _bad_filter(me, "overview", error)
    free_text = services.may_read_free_text(me)
    download = export_case_list(me, filters, fmt, utcnow(), include_free_text=free_text)
    # Access to case data is logged (Normen): who took which list, with or without text.
    audit("cases.exported", "export", None, actor=me,
          detail={"format": fmt, "free_text": free_text, **filters.to_dict()})
    return _download(download)


@bp.get("/yearly/")
def yearly_latest() -> ResponseReturnValue:
    """The year chosen in the form (``?year=``), else the latest whole year with data;
    the scope (``?scope=``) goes along."""
    me = _viewer()
    scope = request.args.get("scope", "")
    year = request.args.get("year", type=int)
    if not year:
        today = oslo_today()
        offered = yearly.years_with_data(me, yearly.scope_of(me, scope) or yearly.Scope(),
                                         today)
        year = next((y for y in offered if y < today.year), offered[0] if offered
                    else today.year - 1)
    return redirect(url_for(".yearly_report", year=year, **({"scope": scope} if scope else {})))


def _yearly(year: int) -> tuple[User, yearly.YearlyReport, str]:
    me = _viewer()
    value = request.args.get("scope", "")
    scope = yearly.scope_of(me, value)
    if not yearly.is_report_year(year) or scope is None:
        raise NotFound()
    return me, yearly.build_yearly_report(me, year, scope=scope), value


def _yearly_context(report: yearly.YearlyReport) -> dict[str, object]:
    return {"report": report, "now_oslo": oslo_today(), "pdf": False,
            "top_categories": yearly.TOP_CATEGORIES, "top_rows": yearly.TOP_ROWS}


@bp.get("/yearly/<int:year>")
def yearly_report(year: int) -> ResponseReturnValue:
    me, report, value = _yearly(year)
    today = oslo_today()
    years = sorted({year, *yearly.years_with_data(me, report.scope, today)}, reverse=True)
    return render_template("dashboards/yearly.html", years=years,
                           scopes=yearly.scope_choices(me), scope_value=value,
                           **_yearly_context(report))


@bp.get("/yearly/<int:year>.pdf")
@transactional
def yearly_pdf(year: int) -> ResponseReturnValue:
    me, report, value = _yearly(year)
    html = render_template("dashboards/yearly_pdf.html", **{**_yearly_context(report),
                                                            "pdf": True})
    suffix = f"-{value}" if value else ""
    response = Response(yearly_pdf_render(html), content_type="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="avvik-arsrapport-{year}{suffix}.pdf"')
    response.headers["Cache-Control"] = "no-store"  # figures of a health community
    audit("stats.exported", "export", None, actor=me,
          detail={"table": "yearly_report", "format": "pdf", "year": year, "scope": value})
    return response


@bp.app_template_global("stats_query")
def stats_query(filters: dict[str, str]) -> str:
    """A table's filter as a query string, for its download links."""
    return urlencode(filters)


bp.add_app_template_global(formatting.row_cells, "stats_row_cells")
bp.add_app_template_global(formatting.shown_columns, "stats_columns")
bp.add_app_template_global(formatting.cell_text, "stats_number")
bp.add_app_template_global(anhoej.MIN_USEFUL, "min_useful")
