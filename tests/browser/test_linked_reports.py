"""One event, two reports, in the real browser at desktop and phone size: the hospital's
coordinator is offered the municipality's and the hospital's reports of one discharge,
is refused without a reason (the typed text kept), links them, and the municipality's
reporter learns that a linked report exists without seeing it.

Every page on the way passes axe-core with no serious or critical violation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import ReportInput
from avvik.reports.services.drafting import file_report
from avvik.routing.services import route_report
from avvik.users.models import User

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
REASON = "Samme utskrivning, meldt fra begge sider."


def _input(template: Report, user: User, receiver_id: int, days_ago: int,
           today: Any) -> ReportInput:
    return ReportInput(
        reporting_unit_id=user.memberships[0].unit_id, receiving_organization_id=receiver_id,
        agreement_id=template.agreement_id, transition_id=template.transition_id,
        category_id=template.category_id, event_date=today - timedelta(days=days_ago),
        discovered_date=today - timedelta(days=days_ago), description="Utskrevet uten "
        "legemiddelliste.", consequence=template.consequence,
        potential_consequence=template.potential_consequence)


def one_event_from_both_sides(live_server: Any, days_ago: int, today: Any
                              ) -> tuple[tuple[int, str], tuple[int, str]]:
    """The municipality's and the hospital's report of one discharge, filed and routed
    as the workers would; (id, case number) of each."""
    with live_server.app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User).where(
            User.username.in_(("melder.kommune", "melder.sykehus"))))}
        ours_by, theirs_by = users["melder.kommune"], users["melder.sykehus"]
        template = db.session.scalars(select(Report).where(
            Report.reporter_id == ours_by.id, Report.status != ReportStatus.DRAFT)
            .order_by(Report.id)).first()
        ours = file_report(ours_by, _input(template, ours_by,
                                           template.receiving_organization_id, days_ago,
                                           today))
        theirs = file_report(theirs_by, _input(template, theirs_by,
                                               template.reporting_organization_id,
                                               days_ago - 1, today))
        db.session.flush()
        for report in (ours, theirs):
            route_report(report)
        db.session.commit()
        found = (ours.id, ours.case_number), (theirs.id, theirs.case_number)
        db.session.remove()
    return found


@pytest.mark.parametrize(("viewport", "days_ago"), [(DESKTOP, 20), (PHONE, 40)],
                         ids=["desktop", "phone"])
def test_a_coordinator_links_the_two_reports_of_one_discharge(
        new_page, live_server, check_accessibility, system_clock, viewport, days_ago):
    (ours_id, ours_number), (_, theirs_number) = one_event_from_both_sides(
        live_server, days_ago, system_clock.today)
    page = new_page("koordinator.sykehus")
    page.set_viewport_size(viewport)
    page.goto(f"/reports/{ours_id}")
    section = page.get_by_role("region", name="Reports of the same event")
    suggestion = section.locator("[data-suggestion]").filter(has_text=theirs_number)
    expect(suggestion.get_by_role("link", name=theirs_number)).to_be_visible()
    check_accessibility(page)

    # Without a reason: refused, the number kept in the form that opens with the reason.
    suggestion.get_by_role("button", name=f"Link {theirs_number}").click()
    form = page.get_by_role("region", name="Reports of the same event").locator(
        "form[data-keep-key]")
    expect(form.get_by_label("The other side's case number")).to_have_value(theirs_number)
    expect(page.get_by_role("alert")).to_contain_text("Why are the two reports")
    check_accessibility(page)
    form.get_by_label("Why are the two reports of the same event?").fill(REASON)
    form.get_by_role("button", name="Link the reports").click()

    expect(page.get_by_text("The two reports are linked as one event.")).to_be_visible()
    section = page.get_by_role("region", name="Reports of the same event")
    expect(section.locator("[data-linked-case]").get_by_role(
        "link", name=theirs_number)).to_be_visible()
    expect(section.locator("[data-suggestion]")).to_have_count(0)
    expect(page.get_by_text("linked the case with a report of the same event")).to_be_visible()
    check_accessibility(page)

    reporter = new_page("melder.kommune")
    reporter.set_viewport_size(viewport)
    reporter.goto(f"/reports/{ours_id}")
    expect(reporter.get_by_text("A report of the same event from the other side is "
                                "linked to this case.")).to_be_visible()
    expect(reporter.get_by_text(theirs_number)).to_have_count(0)
    expect(reporter.get_by_role("heading", level=1)).to_contain_text(ours_number)
    check_accessibility(reporter)
