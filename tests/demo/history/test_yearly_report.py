"""The demo year's report for the joint committee, as the secretariat hands it over: the
PDF made on the server, its length and its text."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask, render_template
from pypdf import PdfReader
from sqlalchemy import select

from avvik.core.timeutil import oslo_today
from avvik.dashboards import yearly
from avvik.dashboards.views import _yearly_context
from avvik.dashboards.yearly_pdf import render_pdf
from avvik.demo.services import DemoSummary
from avvik.extensions import db
from avvik.measures.models import Measure
from avvik.users.models import User
from tests.demo.clock import NOW

TODAY = oslo_today(NOW)
#: What the committee can be handed: about 30 A4 pages at most.
MAX_PAGES = 30


def _user(name: str) -> User:
    return db.session.scalars(select(User).where(User.username == name)).one()


def _pdf(app: Flask, report: yearly.YearlyReport) -> PdfReader:
    with app.test_request_context("/"):
        html = render_template("dashboards/yearly_pdf.html",
                               **{**_yearly_context(report), "pdf": True})
    return PdfReader(io.BytesIO(render_pdf(html)))


@pytest.fixture(scope="module")
def report_2025(demo_history: DemoSummary) -> yearly.YearlyReport:
    return yearly.build_yearly_report(_user("sekretariat"), TODAY.year - 1, now=NOW)


def test_the_demo_years_pdf_is_short_enough_to_hand_over(app: Flask, report_2025) -> None:
    pdf = _pdf(app, report_2025)
    pages = len(pdf.pages)
    print(f"yearly report {report_2025.year}: {pages} pages")  # read in the test log
    assert 5 <= pages <= MAX_PAGES
    first = pdf.pages[0].extract_text()
    assert f"yearly report\n{report_2025.year}" in first and "Summary" in first
    assert "Page 1 / " in first
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for heading in ("Compared with earlier years", "Cases per month and trends",
                    "Agreements, transitions and categories", "Organisations",
                    "Answer performance and feedback",
                    "Escalations and the committee's conclusions",
                    "Measures and their effect", "About the figures"):
        assert heading in text, heading
    assert "Counts from 1 to 4 are shown as" in text
    assert "Incomplete year" not in text


def test_run_charts_start_at_the_first_month_with_data(report_2025) -> None:
    first = db.session.scalar(select(db.func.min(Measure.start_date)))  # any data at all
    assert first is not None
    assert report_2025.first_month >= "2024-01"
    for view in report_2025.run_charts:
        assert view.months[0] == report_2025.first_month
    # No signal counts months before the data began.
    for s in report_2025.signals:
        assert s.signal.since is None or f"{s.signal.since:%Y-%m}" >= report_2025.first_month


def test_the_report_lists_the_measures_that_started_in_its_year(report_2025) -> None:
    started = {m.id for m in db.session.scalars(select(Measure).where(
        Measure.start_date.between(date(report_2025.year, 1, 1),
                                   date(report_2025.year, 12, 31))))}
    listed = {e.measure_id for e in report_2025.evaluations}
    assert listed and listed <= started
    assert all(e.start_date.year == report_2025.year for e in report_2025.evaluations)
    # Some owning units registered their discharges: their measures show rates.
    assert any(e.uses_rates for e in report_2025.evaluations)


def test_the_current_year_is_marked_incomplete_and_no_empty_year_is_offered(
        app: Flask, demo_history: DemoSummary) -> None:
    secretariat = _user("sekretariat")
    offered = yearly.years_with_data(secretariat, yearly.Scope(), TODAY)
    assert offered[0] == TODAY.year and TODAY.year + 1 not in offered
    report = yearly.build_yearly_report(secretariat, TODAY.year, now=NOW)
    assert report.incomplete
    text = _pdf(app, report).pages[0].extract_text()
    assert "Incomplete year" in text


def test_the_report_can_be_limited_to_one_municipality(app, report_2025) -> None:
    secretariat = _user("sekretariat")
    value, label = next(c for c in yearly.scope_choices(secretariat)
                        if c[0].startswith("organization-"))
    scope = yearly.scope_of(secretariat, value)
    limited = yearly.build_yearly_report(secretariat, report_2025.year, scope=scope, now=NOW)
    assert 0 < limited.total < report_2025.total
    assert f"Limited to: {label}" in _pdf(app, limited).pages[0].extract_text()
