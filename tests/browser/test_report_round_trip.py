"""A case's round trip in the real browser: filed by the municipality through the form,
acknowledged and answered by the hospital's handler, the answer read by the reporter.

Every page on the way passes axe-core with no serious or critical violation. Routing is
a worker's job: the workers do not run here, so the test runs the routing task itself on
the server's database, the way the worker would.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.models import Report
from avvik.users.models import Membership, Role
from tests.clock import Clock
from workers.outbox import route

pytestmark = pytest.mark.slow

REPORTER = "melder.kommune"
#: The hospital's leader and handler of Indremedisinsk avdeling, where the demo's rule
#: sends medication-list cases; the test asks the database to be sure.
EXPECTED_HANDLER = "leder.sykehus"
CASE_NUMBER = re.compile(r"SA-\d{4}-\d{5}")

DESCRIPTION = ("Pasienten kom hjem fra sykehuset uten oppdatert legemiddelliste. "
               "Hjemmetjenesten måtte ringe avdelingen for å få riktig liste.")
MEASURES = "Ringte avdelingen og fikk listen tilsendt samme kveld."
CAUSE = "Legemiddellisten ble ikke lagt ved utskrivningsrapporten på grunn av en feil i malen."
ANSWER_MEASURES = "Malen er rettet, og sjekklisten for utskrivning er oppdatert."


def choose(page: Any, label: str, text: str) -> None:
    """Pick the option that reads ``text`` in the select labelled ``label``."""
    select_box = page.get_by_label(label, exact=True)
    option = select_box.locator("option", has_text=text).first
    select_box.select_option(value=option.get_attribute("value"))


def consequence(page: Any, scale: str, level: str) -> None:
    page.get_by_role("group", name=scale, exact=True).get_by_label(level, exact=True).check()


def file_report(page: Any, check_accessibility: Any, today: date) -> str:
    """As the reporter: the form, one refusal, the fix, the case page; the case number."""
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="New report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New report")
    check_accessibility(page)

    expect(page.get_by_label("Reporting unit")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Reporting unit").locator("option:checked")).to_contain_text(
        "Hjemmetjenesten sone nord")
    choose(page, "Receiving organisation", "Fjordvik sykehus HF")
    choose(page, "Agreement", "Utskrivningsklare pasienter")
    choose(page, "Transition", "Legemiddelsamstemming")
    choose(page, "Category", "Legemiddelliste mangler eller er feil")
    page.get_by_label("Date of the event").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Date discovered").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("What happened?").fill(DESCRIPTION)
    page.get_by_label("Immediate measures").fill(MEASURES)
    consequence(page, "Actual consequence", "Minor")
    # The potential consequence is forgotten: the form comes back with what was typed.
    page.get_by_role("button", name="Submit report").click()

    summary = page.get_by_role("alert").filter(has_text="Please correct the following")
    expect(summary).to_contain_text("Potential consequence")
    expect(page.get_by_label("What happened?")).to_have_value(DESCRIPTION)
    expect(page.get_by_label("Category").locator("option:checked")).to_have_text(
        "Legemiddelliste mangler eller er feil")
    check_accessibility(page)

    consequence(page, "Potential consequence", "Significant")
    page.get_by_role("button", name="Submit report").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(CASE_NUMBER)
    case_number = CASE_NUMBER.search(heading.inner_text()).group(0)
    expect(page.get_by_role("status").filter(has_text="is submitted")).to_contain_text(
        case_number)
    expect(heading.locator(".ds-tag")).to_have_text("Submitted")
    expect(page.get_by_text(DESCRIPTION)).to_be_visible()
    check_accessibility(page)
    return case_number


def route_as_the_worker_would(live_server: Any, case_number: str) -> str:
    """Run the case's routing task; the username of a leader or handler who has it now."""
    with live_server.app.app_context():
        report = db.session.scalar(select(Report).filter_by(case_number=case_number))
        outbox_id = db.session.scalar(
            select(OutboxMessage.id).filter_by(task="reports.route")
            .where(OutboxMessage.payload["report_id"].as_integer() == report.id))
        assert outbox_id is not None, "submitting wrote no routing work to the outbox"
        db.session.remove()  # the task works in a session of its own, as in the worker
        assert route.run(outbox_id) == "done"
        report = db.session.scalar(select(Report).filter_by(case_number=case_number))
        assert report.responsible_unit is not None, report.routing_basis
        usernames = sorted(db.session.scalars(
            select(Membership).filter(Membership.unit_id == report.responsible_unit_id,
                                      Membership.role.in_((Role.LEADER, Role.HANDLER)))),
            key=lambda m: m.user.username != EXPECTED_HANDLER)
        username = usernames[0].user.username
        db.session.remove()
    return username


def answer_case(page: Any, case_number: str, check_accessibility: Any) -> None:
    """As the handler: the inbox, the case, acknowledge, answer."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My unit's inbox")
    check_accessibility(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=case_number))
    expect(row.locator(".ds-tag").first).to_have_text("Routed")
    row.get_by_role("link", name=case_number).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(case_number)
    expect(page.get_by_text(DESCRIPTION)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Acknowledge the case").click()
    expect(page.get_by_role("status").filter(has_text="The case is acknowledged.")
           ).to_be_visible()
    expect(page.get_by_role("heading", level=1).locator(".ds-tag")).to_have_text(
        "Acknowledged")

    page.get_by_label("What did you find? (cause)").fill(CAUSE)
    page.get_by_label("Measures taken and planned").fill(ANSWER_MEASURES)
    check_accessibility(page)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status").filter(has_text="The answer is saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1).locator(".ds-tag")).to_have_text("Answered")
    check_accessibility(page)


def read_answer(page: Any, case_number: str, check_accessibility: Any) -> None:
    """As the reporter again: My reports, the case, the answer."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My reports")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=case_number))
    expect(row.locator(".ds-tag").first).to_have_text("Answered")
    check_accessibility(page)
    row.get_by_role("link", name=case_number).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(case_number)
    expect(page.get_by_role("heading", level=1).locator(".ds-tag")).to_have_text("Answered")
    answer = page.get_by_role("region", name="Answer", exact=True)
    expect(answer).to_contain_text(CAUSE)
    expect(answer).to_contain_text(ANSWER_MEASURES)
    expect(answer).to_contain_text("Reached the reporting side")
    expect(page.get_by_role("button", name="Close the case")).to_be_visible()
    check_accessibility(page)


def test_reporter_files_a_case_the_handler_answers_and_the_reporter_reads_the_answer(
        live_server: Any, new_page: Any, check_accessibility: Any,
        system_clock: Clock) -> None:
    reporter = new_page()
    reporter.goto("/")
    expect(reporter).to_have_url(re.compile(r"/auth/login"))
    check_accessibility(reporter)
    reporter.get_by_label("User name").fill(REPORTER)
    reporter.get_by_label("Password").fill("avvik-demo-2026")
    reporter.get_by_role("button", name="Sign in").click()
    expect(reporter.get_by_role("heading", level=1)).to_contain_text("Welcome, Ingrid Solheim")
    secure = [c for c in reporter.context.cookies() if c["name"] == "session"]
    assert secure and secure[0]["secure"], "the session cookie must be marked Secure"
    check_accessibility(reporter)

    # The server and the browser run on the real clock: a recent event, as the lists show.
    case_number = file_report(reporter, check_accessibility, system_clock.today)
    reporter.context.close()

    handler_name = route_as_the_worker_would(live_server, case_number)
    assert handler_name == EXPECTED_HANDLER
    answer_case(new_page(handler_name), case_number, check_accessibility)

    read_answer(new_page(REPORTER), case_number, check_accessibility)
