"""A serious event in the real browser: the hospital's coordinator sees the duty to notify
Helsetilsynet on the case, is refused without a sender (what was typed kept), records it,
and the notice gives way to the record; the list marks the case. Desktop and phone size,
axe at each."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.core.timeutil import oslo_today
from avvik.extensions import db
from avvik.reports.models import Consequence, Report, ReportStatus
from avvik.users.models import User
from tests.browser.test_case_lists import DESKTOP, PHONE
from tests.browser.test_start_page import overflow_free
from tests.clock import Clock

pytestmark = pytest.mark.slow

COORDINATOR = "koordinator.sykehus"


def a_serious_open_case(live_server: Any) -> tuple[int, str]:
    """One of the hospital's open cases, made a death: the consequences a reporter gave."""
    with live_server.app.app_context():
        user = db.session.scalars(select(User).filter_by(username=COORDINATOR)).one()
        organizations = {m.unit.organization_id for m in user.memberships}
        report = db.session.scalars(select(Report).where(
            Report.status.in_((ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)),
            Report.receiving_organization_id.in_(organizations),
            Report.consequence.in_((Consequence.NONE, Consequence.MINOR)))
            .order_by(Report.id)).first()
        assert report is not None, "the demo history has an open case at the hospital"
        report.consequence = report.potential_consequence = Consequence.DEATH
        db.session.commit()
        found = report.id, report.case_number
        db.session.remove()
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coordinator_records_the_notice_to_helsetilsynet(
        live_server, new_page, check_accessibility, system_clock: Clock, viewport):
    report_id, number = a_serious_open_case(live_server)
    page = new_page(COORDINATOR)
    page.set_viewport_size(viewport)
    page.goto(f"/reports/{report_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Serious")
    duty = page.locator("#duty-to-notify")
    expect(duty).to_contain_text("Duty to notify Helsetilsynet at once.")
    expect(duty).to_contain_text("§ 3-3a")
    expect(duty).to_contain_text("§ 12-3a")
    assert overflow_free(page), viewport
    check_accessibility(page)

    section = page.locator("#serious")
    section.get_by_label("Has the notice to Helsetilsynet been sent?").select_option("yes")
    today = oslo_today(system_clock.now).strftime("%d.%m.%Y")
    section.get_by_label("Date sent").fill(today)
    section.locator("#notified-note").fill("Sendt via Altinn.")
    section.get_by_role("button", name="Record the notice").click()
    expect(page.locator("#error-summary")).to_contain_text("Say who sent it")
    expect(section.get_by_label("Date sent")).to_have_value(today)
    expect(section.locator("#notified-note")).to_have_value("Sendt via Altinn.")
    check_accessibility(page)

    section.get_by_label("Sent by (name or role) (optional)").fill("Klinikkleder")
    section.get_by_role("button", name="Record the notice").click()
    expect(page.get_by_text("The notice to Helsetilsynet is recorded.")).to_be_visible()
    expect(page.locator("#duty-to-notify")).to_have_count(0)
    expect(page.locator("#authority-notice")).to_contain_text("by Klinikkleder")
    expect(page.locator(".timeline")).to_contain_text("Helsetilsynet was notified on")
    assert overflow_free(page), viewport
    check_accessibility(page)

    page.goto("/reports/?view=organization&serious=y")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))
    expect(row.locator("[data-serious]")).to_contain_text("Serious")
    check_accessibility(page)
