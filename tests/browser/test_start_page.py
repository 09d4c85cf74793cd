"""The start page in the real browser: the reporter sees an answer as new, opens it, and
it is no longer marked; at a desktop's width and a phone's, with axe at both."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import answer_report
from avvik.users.models import User
from tests.browser.test_case_lists import DESKTOP, PHONE

pytestmark = pytest.mark.slow


def answer_a_case_of(live_server: Any, reporter: str, answerer: str) -> str:
    """As the receiving organisation's coordinator would: answer one of the reporter's
    open cases that their organisation received; its case number."""
    with live_server.app.app_context():
        users = {u.username: u for u in db.session.scalars(
            select(User).where(User.username.in_((reporter, answerer))))}
        coordinated = {m.unit.organization_id for m in users[answerer].memberships}
        report = db.session.scalars(select(Report).where(
            Report.reporter_id == users[reporter].id,
            Report.status.in_((ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)),
            Report.receiving_organization_id.in_(coordinated)).order_by(Report.id)).first()
        assert report is not None, "the demo history has an open case to answer"
        answer_report(users[answerer], report, "Listen ble ikke skrevet ut.",
                      "Sjekkliste ved utskrivning fra neste uke.")
        db.session.commit()
        number = report.case_number
        db.session.remove()
    return number


def marker_beside(page: Any, case_number: str) -> Any:
    link = page.get_by_role("link", name=case_number, exact=True).first
    return link.locator("xpath=following-sibling::span[contains(@class, 'unread-tag')]")


def test_the_reporter_sees_the_answer_as_unread_until_opened(live_server, new_page,
                                                            check_accessibility):
    number = answer_a_case_of(live_server, "melder.kommune", "koordinator.sykehus")
    page = new_page("melder.kommune")
    section = page.locator("[data-section='unread_mine']")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto("/")
        expect(page.get_by_role("heading", name="Your work")).to_be_visible()
        expect(section.get_by_role("link", name=number, exact=True)).to_be_visible()
        expect(marker_beside(section, number)).to_have_text(
            "Updated (changed since you opened it)")
        expect(marker_beside(section, number).locator(".unread-dot")).to_be_visible()
        assert overflow_free(page), viewport
        check_accessibility(page)

    page.goto("/reports/?view=mine&unread=1")
    expect(marker_beside(page, number)).to_contain_text("Updated")
    check_accessibility(page)
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)

    page.goto("/")
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    decide = page.locator("[data-section='decide']")
    expect(section.get_by_role("link", name=number, exact=True)).to_have_count(0)
    if decide.get_by_role("link", name=number, exact=True).count():
        expect(marker_beside(decide, number)).to_have_count(0)
    page.goto("/reports/?view=mine&unread=1")
    expect(page.get_by_role("link", name=number, exact=True)).to_have_count(0)


def overflow_free(page: Any) -> bool:
    """The start page is no wider than the screen (it has no table frame to measure)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

