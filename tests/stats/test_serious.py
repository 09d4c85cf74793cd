"""Serious events in the statistics: how many, and what their parties recorded, in the
performance dashboard, its table and ``GET /api/v1/stats/serious_events``."""

from __future__ import annotations

from datetime import date

from avvik.extensions import db
from avvik.reports.models import Consequence, ReportStatus
from avvik.reports.notices import CaseNotice
from avvik.stats.filters import StatsFilter
from avvik.stats.services import build_table
from tests.api.conftest import bearer
from tests.conftest import login, new_browser
from tests.dashboards import pages
from tests.factories import DEFAULT_PASSWORD
from tests.stats.data import make_case

YEAR = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))
C = Consequence


def record(world, report, kind, answer, on_date=date(2026, 3, 5)):
    db.session.add(CaseNotice(report_id=report.id, kind=kind, answer=answer,
                              on_date=on_date if answer == "yes" else None,
                              recorded_by_id=world.ward_leader.id))
    db.session.flush()


def serious_world(world):
    death = make_case(world, consequence=C.DEATH, potential_consequence=C.DEATH)
    harm = make_case(world, consequence=C.SIGNIFICANT, potential_consequence=C.SIGNIFICANT)
    could_die = make_case(world, consequence=C.MINOR, potential_consequence=C.DEATH)
    make_case(world, consequence=C.MODERATE, potential_consequence=C.SIGNIFICANT)
    make_case(world)
    # Not counted: a withdrawn report, and a serious event of another year.
    make_case(world, status=ReportStatus.WITHDRAWN, consequence=C.DEATH)
    make_case(world, event_date=date(2025, 6, 1), consequence=C.DEATH)
    record(world, death, "authority", "yes")
    record(world, harm, "authority", "no")
    record(world, death, "patient", "yes")
    record(world, could_die, "patient", "not_applicable")


def values(table):
    return {r["key"]: r["value"] for r in table.records()}


def test_the_serious_events_table_counts_the_records(world):
    serious_world(world)
    assert values(build_table("serious_events", world.admin, YEAR)) == {
        "serious": 3, "notice_recorded": 2, "notified": 1, "notified_share": 1 / 3,
        "patient_recorded": 2, "patient_informed": 1, "informed_share": 1 / 3}


def test_no_serious_event_gives_zeros_and_no_share(world):
    make_case(world)
    assert values(build_table("serious_events", world.admin, YEAR)) == {
        "serious": 0, "notice_recorded": 0, "notified": 0, "notified_share": None,
        "patient_recorded": 0, "patient_informed": 0, "informed_share": None}


def test_the_performance_page_and_the_api_show_the_same_figures(world, client):
    serious_world(world)
    body = client.get("/api/v1/stats/serious_events?from=2026-01&to=2026-12",
                      headers=bearer(world.admin)).get_json()
    assert {r["key"]: r["value"] for r in body["rows"]}["serious"] == 3
    world.admin.locale = "en"
    db.session.flush()
    browser = new_browser(client.application)
    assert login(browser, world.admin.username, DEFAULT_PASSWORD).status_code == 302
    html = browser.get("/dashboards/performance?from=2026-01&to=2026-12").get_data(
        as_text=True)
    figures = pages.column(html, "table-serious_events", "Value")
    assert figures["Serious events"] == "3"
    assert figures["Recorded as notified to Helsetilsynet"] == "1"


def test_a_coordinator_counts_only_the_serious_events_in_scope(world):
    serious_world(world)
    other = make_case(world, reporting_unit=world.home_care_district,
                      receiving_unit=world.other_kommune.units[0],
                      consequence=C.DEATH)
    assert other.receiving_organization_id == world.other_kommune.id
    hospital = values(build_table("serious_events", world.hospital_coordinator, YEAR))
    assert hospital["serious"] == 3
