"""A measure in the real browser: a hospital leader starts one on two cases, finds one of
them does not belong, and takes it off again; the case's timeline says so.

Every page on the way passes axe-core with no serious or critical violation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.extensions import db
from avvik.measures.services import NOT_A_CASE
from avvik.organizations.models import Unit
from avvik.reports.models import Report
from avvik.users.models import Membership, Role, User

pytestmark = pytest.mark.slow

LEADER = "leder.sykehus"
TITLE = "Sjekkliste for legemiddelliste ved utskrivning"


def two_cases_the_leader_receives(live_server: Any) -> tuple[str, list[tuple[int, str]]]:
    """The name of a unit the leader leads, and two sent cases of the demo history it
    received."""
    with live_server.app.app_context():
        unit_id, unit_name = db.session.execute(
            select(Unit.id, Unit.name).join(Membership).join(User)
            .where(User.username == LEADER, Membership.role == Role.LEADER)
            .order_by(Unit.id)).first()
        cases = db.session.execute(
            select(Report.id, Report.case_number)
            .where(Report.receiving_unit_id == unit_id, Report.status.not_in(NOT_A_CASE))
            .order_by(Report.id).limit(2)).all()
        db.session.remove()
    assert len(cases) == 2, "the demo history gives the leader's ward cases"
    return unit_name, [tuple(case) for case in cases]


def test_a_leader_takes_a_case_off_a_measure_and_its_timeline_says_so(
        new_page, live_server, check_accessibility, system_clock):
    ward, [(first_id, first_number), (second_id, second_number)] = \
        two_cases_the_leader_receives(live_server)
    page = new_page(LEADER)
    page.goto(f"/measures/new?report_id={first_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("New measure")
    page.get_by_label("Title").fill(TITLE)
    owner = page.get_by_label("Owning unit")
    owner.select_option(value=owner.locator("option", has_text=ward).first.get_attribute("value"))
    page.get_by_label("Due date").fill((system_clock.today + timedelta(days=60)).isoformat())
    page.get_by_label("Further cases").fill(second_number)
    page.get_by_role("button", name="Create measure").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    cases = page.get_by_role("region", name="Cases")
    expect(cases.get_by_role("link", name=second_number)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name=f"Unlink case {second_number}").click()
    expect(page.get_by_text(f"Case {second_number} is no longer linked")).to_be_visible()
    expect(cases.get_by_role("link", name=second_number)).to_have_count(0)
    expect(cases.get_by_role("link", name=first_number)).to_be_visible()
    # The last case stays: no button offers to take it off.
    expect(cases.get_by_role("button", name=f"Unlink case {first_number}")).to_have_count(0)
    check_accessibility(page)

    page.goto(f"/reports/{second_id}")
    expect(page.get_by_text("took the case off a measure")).to_be_visible()
