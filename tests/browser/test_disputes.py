"""Disputes about responsibility and forwarding in the real browser, at desktop and phone
size with axe at each page: the hospital's leader declines a case to another
municipality with a reason and a proposal, reads where it went (again on a reload,
instead of "not found"), and the reporter finds the redirect on the timeline; a forward
inside the hospital shows its new owner at once to those who still see the case."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import ReportInput
from avvik.reports.services.drafting import file_report
from avvik.routing.services import route_report
from avvik.users.models import User
from tests.browser.test_case_lists import DESKTOP, PHONE
from tests.browser.test_start_page import overflow_free

pytestmark = pytest.mark.slow

LEADER, REPORTER, COORDINATOR = "leder.sykehus", "melder.kommune", "koordinator.sykehus"
HOSPITAL, WARD = "Fjordvik sykehus HF", "Indremedisinsk avdeling"
TARGET, TARGET_UNIT = "Sørdal kommune", "Forvaltningskontoret"
FORWARD_UNIT = "Ortopedisk avdeling"
REASON = "Pasienten bor i Sørdal og fikk tjenestene der; oppfølgingen er deres."
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def a_case_at_the_ward(live_server: Any) -> tuple[int, str]:
    """The municipality's reporter files a case naming the leader's ward, routed there as
    the worker would; (id, case number)."""
    with live_server.app.app_context():
        reporter = db.session.scalars(select(User).filter_by(username=REPORTER)).one()
        ward = db.session.scalars(select(Unit).filter_by(name=WARD)).one()
        template = db.session.scalars(select(Report).where(
            Report.reporter_id == reporter.id, Report.status != ReportStatus.DRAFT,
            Report.receiving_organization_id == ward.organization_id)
            .order_by(Report.id)).first()
        assert template is not None, "the demo has a report of the reporter to the hospital"
        report = file_report(reporter, ReportInput(
            reporting_unit_id=reporter.memberships[0].unit_id,
            receiving_organization_id=ward.organization_id, receiving_unit_id=ward.id,
            agreement_id=template.agreement_id, transition_id=template.transition_id,
            category_id=template.category_id, event_date=template.event_date,
            discovered_date=template.discovered_date,
            description="Utskrevet uten oppdatert legemiddelliste.",
            consequence=template.consequence,
            potential_consequence=template.potential_consequence))
        db.session.flush()
        assert route_report(report) and report.responsible_unit_id == ward.id
        db.session.commit()
        found = report.id, report.case_number
        db.session.remove()
    return found


def open_case(new_page: Any, user: str, viewport: dict[str, int], report_id: int) -> Any:
    page = new_page(user)
    page.set_viewport_size(viewport)
    page.goto(f"/reports/{report_id}")
    return page


def expect_moved(page: Any, number: str, where: str, check_accessibility: Any) -> None:
    """The readable page of someone who sent the case away: where it is, nothing more."""
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {number} has moved")
    expect(page.get_by_text(f"It is now with {where}, and no longer in your lists.")
           ).to_be_visible()
    expect(page.get_by_text("Utskrevet uten")).to_have_count(0)
    assert overflow_free(page)
    check_accessibility(page)


@VIEWPORTS
def test_the_leader_declines_a_case_to_another_municipality(
        live_server, new_page, check_accessibility, viewport):
    report_id, number = a_case_at_the_ward(live_server)
    page = open_case(new_page, LEADER, viewport, report_id)
    page.get_by_text("Not yours to answer? Decline the case with a reason and a "
                     "proposal").click()
    form = page.locator("form[action$='/decline']")
    form.get_by_label("What do you propose?").select_option("other_organization")
    form.get_by_label("The organisation you propose").select_option(label=TARGET)
    form.get_by_label("The unit there that should answer").select_option(
        label=f"{TARGET}: {TARGET_UNIT}")
    form.get_by_label("Why is the case not yours to answer?").fill(REASON)
    assert overflow_free(page)
    check_accessibility(page)
    form.get_by_role("button", name="Decline the case").click()

    where = f"{TARGET_UNIT} ({TARGET})"
    expect(page.get_by_text("The case is declined with your proposal; everyone involved "
                            "is told.")).to_be_visible()
    expect_moved(page, number, where, check_accessibility)
    page.reload()
    expect_moved(page, number, where, check_accessibility)

    reporter = open_case(new_page, REPORTER, viewport, report_id)
    expect(reporter.locator(".timeline")).to_contain_text(
        f"declined the case and redirected it from {HOSPITAL} to {TARGET}: {REASON}")
    expect(reporter.get_by_text(f"Redirected to {where} after a dispute about "
                                "responsibility.")).to_be_visible()
    assert overflow_free(reporter)
    check_accessibility(reporter)


@VIEWPORTS
def test_a_forward_shows_the_new_owner_at_once(
        live_server, new_page, check_accessibility, viewport):
    report_id, number = a_case_at_the_ward(live_server)
    page = open_case(new_page, LEADER, viewport, report_id)
    page.get_by_text("Forward the case to another unit").click()
    form = page.locator("form[action$='/forward']")
    form.get_by_label("Forward to unit").select_option(
        label=f"Kirurgisk klinikk / {FORWARD_UNIT}")
    form.get_by_label("Why does the case belong there?").fill("Gjelder hoftebruddet.")
    form.get_by_role("button", name="Forward").click()

    where = f"{FORWARD_UNIT} ({HOSPITAL})"
    expect_moved(page, number, where, check_accessibility)
    page.reload()
    expect_moved(page, number, where, check_accessibility)

    # Before any worker has routed it: the hospital's coordinator sees the new owner.
    coordinator = open_case(new_page, COORDINATOR, viewport, report_id)
    facts = coordinator.get_by_role("region", name="Responsibility and deadlines")
    expect(facts).to_contain_text(FORWARD_UNIT)
    expect(facts).to_contain_text(f"Forwarded to {FORWARD_UNIT}.")
    check_accessibility(coordinator)

    reporter = open_case(new_page, REPORTER, viewport, report_id)
    expect(reporter.locator(".timeline")).to_contain_text(
        f"forwarded the case from {WARD} to {FORWARD_UNIT}: Gjelder hoftebruddet.")
    assert overflow_free(reporter)
    check_accessibility(reporter)
