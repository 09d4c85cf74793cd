"""One event, two reports: likely matches, linking and unlinking with a reason, and what a
link lets each person see (never more than they may read)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from avvik.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from avvik.extensions import db
from avvik.reports import links
from avvik.reports.models import Report, ReportLink
from avvik.reports.services import create_draft, submit_report, withdraw_report
from avvik.reports.services.linking import link_reports, unlink_reports
from avvik.routing.services import route_report
from avvik.users.models import Role, User
from tests.api.conftest import bearer
from tests.conftest import csrf_token_from, login, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.reports.world import EVENT_DAY, World

REASON = "Samme utskrivning 18.11, meldt fra begge sider."


def filed(world: World, reporter: User, route: bool = True, **overrides: object) -> Report:
    report = create_draft(reporter, world.report_input(**overrides))
    submit_report(reporter, report)
    if route:
        assert route_report(report)
    db.session.flush()
    return report


@pytest.fixture
def hospital_reporter(world: World) -> User:
    return make_user("hmelder", roles=[(Role.REPORTER, world.ward)])


def from_hospital(world: World, reporter: User, days: int = 0, **overrides: object) -> Report:
    """The hospital's report of the discharge, to the municipality, ``days`` after."""
    values = dict(reporting_unit_id=world.ward.id, receiving_organization_id=world.kommune.id,
                  receiving_unit_id=world.home_care_district.id, category_id=world.other.id,
                  event_date=EVENT_DAY + timedelta(days=days),
                  discovered_date=EVENT_DAY + timedelta(days=days))
    values.update(overrides)
    return filed(world, reporter, **values)


@pytest.fixture
def pair(world: World, hospital_reporter: User) -> tuple[Report, Report]:
    return filed(world, world.reporter), from_hospital(world, hospital_reporter)


# Likely matches --------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "matches"), [(0, True), (3, True), (-3, True),
                                               (4, False), (-4, False)])
def test_a_match_is_the_other_way_within_three_days(world, hospital_reporter, days, matches,
                                                    clock):
    ours = filed(world, world.reporter)
    theirs = from_hospital(world, hospital_reporter, days)
    assert (links.likely_matches(ours, world.hospital_coordinator) == [theirs]) is matches
    assert (links.likely_matches(theirs, world.kommune_coordinator) == [ours]) is matches
    assert links.has_likely_match(ours) is matches


def test_the_same_direction_another_transition_or_party_is_no_match(world, hospital_reporter,
                                                                    clock):
    ours = filed(world, world.reporter)
    filed(world, world.reporter)  # the same direction: a second report, not the other side
    from_hospital(world, hospital_reporter, transition_id=world.admission.id,
                  category_id=world.admission_only.id)
    from_hospital(world, hospital_reporter, receiving_organization_id=world.other_kommune.id,
                  receiving_unit_id=None)
    assert links.likely_matches(ours, world.admin) == []


def test_drafts_withdrawn_and_linked_reports_are_not_suggested(world, hospital_reporter,
                                                               clock):
    ours = filed(world, world.reporter)
    create_draft(hospital_reporter, world.report_input(
        reporting_unit_id=world.ward.id, receiving_organization_id=world.kommune.id))
    taken_back = from_hospital(world, hospital_reporter, route=False)
    withdraw_report(hospital_reporter, taken_back)
    theirs = from_hospital(world, hospital_reporter, 1)
    assert links.likely_matches(ours, world.admin) == [theirs]
    link_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    assert links.likely_matches(ours, world.admin) == []
    assert links.likely_matches(theirs, world.admin) == []


def test_matches_are_only_those_the_viewer_may_read(world, pair, clock):
    ours, theirs = pair
    # The ward's handler answers the municipality's case, but the hospital's own report is
    # its reporter's and the leaders' and coordinators'.
    assert links.likely_matches(ours, world.ward_handler) == []
    assert links.likely_matches(ours, world.ward_leader) == [theirs]
    assert links.case_links(ours, world.reporter, frozenset()).suggestions == []


# Linking and unlinking ---------------------------------------------------------------------


def test_link_and_unlink_with_a_reason_on_both_timelines(world, pair, clock):
    ours, theirs = pair
    link = link_reports(world.hospital_coordinator, ours, f" {theirs.case_number.lower()} ",
                        REASON)
    assert (link.report_a_id, link.report_b_id) == (ours.id, theirs.id)
    assert [c.report for c in links.linked_reports(theirs, world.admin)] == [ours]
    for case in (ours, theirs):
        assert [(e.kind, e.text) for e in case.events][-1] == ("linked", REASON)
    unlink_reports(world.kommune_coordinator, theirs, ours.case_number, "Ulike pasienter.")
    assert links.live_links(ours) == [] and link.unlinked_at == clock.now
    assert link.unlink_reason == "Ulike pasienter." and link.reason == REASON
    assert ours.events[-1].kind == theirs.events[-1].kind == "unlinked"
    again = link_reports(world.kommune_coordinator, theirs, ours.case_number, "Likevel.")
    assert again.id != link.id and db.session.query(ReportLink).count() == 2


def test_linking_is_refused_with_reasons_for_the_form(world, pair, hospital_reporter, clock):
    ours, theirs = pair
    elsewhere = from_hospital(world, hospital_reporter,
                              receiving_organization_id=world.other_kommune.id,
                              receiving_unit_id=None)
    cases = {"": "Give the number", "SA-1999-00001": "There is no case",
             ours.case_number: "cannot be linked to itself",
             elsewhere.case_number: "same two organisations"}
    for number, said in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            link_reports(world.hospital_coordinator, ours, number, REASON)
        assert said in refused.value.as_dict()["case_number"][0], number
    with pytest.raises(ValidationFailed) as refused:
        link_reports(world.hospital_coordinator, ours, theirs.case_number, " ")
    assert set(refused.value.as_dict()) == {"reason"}
    link_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    with pytest.raises(ValidationFailed, match="linked already"):
        link_reports(world.kommune_coordinator, theirs, ours.case_number, REASON)


def test_the_wrong_person_or_state_is_refused(world, pair, clock):
    ours, theirs = pair
    for person in (world.reporter, world.outsider, world.other_ward_handler):
        with pytest.raises(PermissionDenied):
            link_reports(person, ours, theirs.case_number, REASON)
    # The ward's handler handles our case but may not read theirs: as if it did not exist.
    with pytest.raises(ValidationFailed, match="no case"):
        link_reports(world.ward_handler, ours, theirs.case_number, REASON)
    with pytest.raises(IllegalTransition, match="not linked"):
        unlink_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    draft = create_draft(world.reporter, world.report_input())
    with pytest.raises(IllegalTransition):
        link_reports(world.hospital_coordinator, draft, theirs.case_number, REASON)


def test_a_link_never_shows_a_case_the_viewer_may_not_read(world, pair, clock):
    ours, theirs = pair
    link_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    shown = {role: [c.report for c in links.linked_reports(ours, getattr(world, role))]
             for role in ("reporter", "ward_handler", "kommune_coordinator",
                          "hospital_coordinator")}
    assert shown == {"reporter": [None], "ward_handler": [None],
                     "kommune_coordinator": [theirs], "hospital_coordinator": [theirs]}
    # The handler may not undo a link whose other case it may not read.
    with pytest.raises(PermissionDenied):
        unlink_reports(world.ward_handler, ours, theirs.case_number, "Feil.")


# The case page and the API -----------------------------------------------------------------


def page_of(app, user: User, report: Report):
    browser = new_browser(app)
    assert login(browser, user.username, DEFAULT_PASSWORD).status_code == 302
    return browser, browser.get(f"/reports/{report.id}").get_data(as_text=True)


def test_the_case_page_suggests_links_and_links(app, world, pair, clock):
    ours, theirs = pair
    browser, html = page_of(app, world.hospital_coordinator, ours)
    assert "Possible reports of the same event from the other side" in html
    assert f'value="{theirs.case_number}"' in html
    response = browser.post(f"/reports/{ours.id}/link", data={
        "csrf_token": csrf_token_from(html), "link-case_number": theirs.case_number,
        "link-reason": REASON})
    assert response.status_code == 302
    html = browser.get(f"/reports/{ours.id}").get_data(as_text=True)
    assert "The two reports are linked as one event." in html
    assert f">{theirs.case_number}</a>" in html and "Possible reports" not in html
    assert "linked the case with a report of the same event" in html


def test_the_case_page_keeps_the_typed_text_when_refused(app, world, pair, clock):
    ours, theirs = pair
    browser, html = page_of(app, world.hospital_coordinator, ours)
    response = browser.post(f"/reports/{ours.id}/link", data={
        "csrf_token": csrf_token_from(html), "link-case_number": "SA-1999-00001",
        "link-reason": "Skrevet med omhu."})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is no case SA-1999-00001 that you may read." in html
    assert "Skrevet med omhu." in html and 'value="SA-1999-00001"' in html
    reporter, html = page_of(app, world.reporter, ours)
    assert f'action="/reports/{ours.id}/link"' not in html
    assert "Those who may read both reports" in html
    refused = reporter.post(f"/reports/{ours.id}/link", data={
        "csrf_token": csrf_token_from(html), "link-case_number": theirs.case_number,
        "link-reason": REASON}, follow_redirects=True)
    assert "You cannot take this step on this case." in refused.get_data(as_text=True)
    assert links.live_links(ours) == []


def test_the_reporter_sees_that_a_linked_report_exists_without_details(app, world, pair,
                                                                        clock):
    ours, theirs = pair
    link_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    _, html = page_of(app, world.reporter, ours)
    assert "A report of the same event from the other side is linked" in html
    assert theirs.case_number not in html and f"/reports/{theirs.id}" not in html


def test_the_api_links_unlinks_and_hides_what_the_caller_may_not_read(client, world, pair,
                                                                       clock):
    ours, theirs = pair
    url = f"/api/v1/reports/{ours.id}"
    body = {"case_number": theirs.case_number, "reason": REASON}
    refused = client.post(f"{url}/link", json=body, headers=bearer(world.reporter))
    assert refused.status_code == 403 and refused.get_json()["detail"]
    bad = client.post(f"{url}/link", json={**body, "case_number": "SA-1999-00001"},
                      headers=bearer(world.hospital_coordinator))
    assert bad.status_code == 422 and "case_number" in str(bad.get_json()["errors"])
    done = client.post(f"{url}/link", json=body, headers=bearer(world.hospital_coordinator))
    assert done.status_code == 200
    assert [c["case_number"] for c in done.get_json()["linked_cases"]] == [theirs.case_number]
    seen = client.get(url, headers=bearer(world.reporter)).get_json()["linked_cases"]
    assert seen == [{"case_number": None, "report_id": None, "readable": False,
                     "reason": REASON, "linked_at": seen[0]["linked_at"]}]
    undone = client.post(f"{url}/unlink", json={**body, "reason": "Ulike hendelser."},
                         headers=bearer(world.kommune_coordinator))
    assert undone.status_code == 200 and undone.get_json()["linked_cases"] == []


# Statistics: events as well as reports --------------------------------------------------


def test_the_statistics_count_events_as_well_as_reports(app, client, world, pair,
                                                        hospital_reporter, clock):
    from datetime import date

    from avvik.stats.filters import StatsFilter
    from avvik.stats.services import build_table

    ours, theirs = pair
    second = filed(world, world.reporter)  # a colleague's report of the same discharge
    filed(world, world.reporter, event_date=EVENT_DAY - timedelta(days=10))
    link_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    link_reports(world.hospital_coordinator, second, theirs.case_number, REASON)
    unlinked = from_hospital(world, hospital_reporter, 2)
    link_reports(world.hospital_coordinator, unlinked, ours.case_number, REASON)
    unlink_reports(world.hospital_coordinator, unlinked, ours.case_number, "Feil.")
    month = StatsFilter(date(2026, 11, 1), date(2026, 11, 30))
    table = build_table("events", world.hospital_coordinator, month)
    assert {r["key"]: r["value"] for r in table.records()} == {
        "reports": 5, "events": 3, "linked_reports": 3}
    # A link whose other case is outside the selection joins nothing in it.
    municipality_only = StatsFilter(month.period_from, month.period_to,
                                    direction="municipality_to_hospital")
    assert {r["key"]: r["value"] for r in build_table(
        "events", world.hospital_coordinator, municipality_only).records()} == {
        "reports": 3, "events": 3, "linked_reports": 0}
    api = client.get("/api/v1/stats/events", query_string={"from": "2026-11", "to": "2026-11"},
                     headers=bearer(world.kommune_coordinator)).get_json()
    assert {r["key"]: r["value"] for r in api["rows"]}["events"] == 3
    browser = new_browser(app)
    login(browser, world.kommune_coordinator.username, DEFAULT_PASSWORD)
    html = browser.get("/dashboards/?from=2026-11&to=2026-11").get_data(as_text=True)
    assert "Events: 3 (reports of one event from both sides" in html


# The committee's view ------------------------------------------------------------------


def test_the_committee_item_lists_the_linked_case_only_if_it_may_read_it(app, world, pair,
                                                                         clock):
    from avvik.committee.models import AgendaSource
    from avvik.committee.services import place_on_agenda

    ours, theirs = pair
    link_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    secretary = make_user("sekretar", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    item = place_on_agenda(ours, reason="Uenighet.", source=AgendaSource.FLAGGED,
                           actor=world.hospital_coordinator)
    db.session.flush()
    browser = new_browser(app)
    login(browser, secretary.username, DEFAULT_PASSWORD)
    html = browser.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert "Reports of the same event" in html and "it is not on the committee" in html
    assert theirs.case_number not in html
    other = place_on_agenda(theirs, reason="Samme hendelse.", source=AgendaSource.FLAGGED,
                            actor=world.hospital_coordinator)
    db.session.flush()
    html = browser.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert f'href="/committee/items/{other.id}">{theirs.case_number}</a>' in html


def test_a_pair_linked_meanwhile_by_someone_else_is_refused_not_an_error(world, pair, clock,
                                                                         monkeypatch):
    ours, theirs = pair
    link_reports(world.hospital_coordinator, ours, theirs.case_number, REASON)
    # The second person's check ran before the first one's link was written.
    monkeypatch.setattr(links, "link_between", lambda first, second: None)
    with pytest.raises(ValidationFailed, match="linked already"):
        link_reports(world.kommune_coordinator, theirs, ours.case_number, REASON)
    assert len(links.live_links(ours)) == 1
