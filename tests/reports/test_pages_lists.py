"""The case lists: my reports, my unit's inbox, my organisation; filters in the URL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from avvik.extensions import db
from avvik.reports.services import (
    acknowledge_report,
    answer_report,
    create_draft,
    submit_report,
)
from avvik.routing.services import route_report
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD


def browser_for(app, user):
    user.locale = "en"
    db.session.flush()
    browser = new_browser(app)
    assert login(browser, user.username, DEFAULT_PASSWORD).status_code == 302
    return browser


def routed_case(world, *, routed_at=None, **overrides):
    report = create_draft(world.reporter, world.report_input(**overrides))
    submit_report(world.reporter, report)
    route_report(report, now=routed_at)
    db.session.flush()
    return report


def case_numbers(html: str) -> list[str]:
    return re.findall(r'href="/reports/\d+">(SA-\d{4}-\d{5})</a>', html)


def test_lists_offer_the_views_of_the_users_roles(app, world):
    reporter = browser_for(app, world.reporter).get("/reports/").get_data(as_text=True)
    assert "My reports" in reporter and "?view=inbox" not in reporter
    handler = browser_for(app, world.ward_handler).get("/reports/").get_data(as_text=True)
    assert 'href="/reports/?view=inbox" aria-current="page"' in handler  # their default
    assert "?view=organization" not in handler
    coordinator = browser_for(app, world.hospital_coordinator).get("/reports/").get_data(
        as_text=True)
    assert '"/reports/?view=organization">My organisation' in coordinator
    assert '"/reports/?view=all">All cases I can see' in coordinator  # where figures lead


def test_each_side_lists_the_case_and_an_outsider_does_not(app, world):
    report = routed_case(world)
    draft = create_draft(world.reporter, world.report_input())
    db.session.flush()
    mine = browser_for(app, world.reporter).get("/reports/?view=mine").get_data(as_text=True)
    assert case_numbers(mine) == [report.case_number]
    assert f'href="/reports/{draft.id}/edit"' in mine  # drafts are in "my reports"
    inbox = browser_for(app, world.ward_handler).get("/reports/?view=inbox").get_data(
        as_text=True)
    assert case_numbers(inbox) == [report.case_number]
    organisation = browser_for(app, world.hospital_coordinator).get(
        "/reports/?view=organization").get_data(as_text=True)
    assert case_numbers(organisation) == [report.case_number]
    outsider = browser_for(app, world.outsider).get("/reports/?view=mine").get_data(
        as_text=True)
    assert case_numbers(outsider) == [] and "0 cases" in outsider


@pytest.mark.clock
def test_filters_are_query_parameters(app, world, clock):
    medication = routed_case(world, event_date=clock.today - timedelta(days=1),
                             discovered_date=clock.today)
    other = routed_case(world, category_id=world.other.id,
                        event_date=clock.today - timedelta(days=40), discovered_date=None)
    acknowledge_report(world.ward_handler, medication)
    db.session.flush()
    browser = browser_for(app, world.hospital_coordinator)
    base = "/reports/?view=organization"
    assert case_numbers(browser.get(f"{base}&status=acknowledged").get_data(as_text=True)) \
        == [medication.case_number]
    assert case_numbers(browser.get(f"{base}&category={world.other.id}").get_data(
        as_text=True)) == [other.case_number]
    since = (clock.today - timedelta(days=10)).isoformat()
    html = browser.get(f"{base}&date_from={since}&agreement={world.agreement.id}"
                       f"&transition={world.discharge.id}").get_data(as_text=True)
    assert case_numbers(html) == [medication.case_number]
    assert 'value="acknowledged" checked' not in html
    html = browser.get(f"{base}&status=acknowledged&status=routed&sort=case_number&order=asc"
                       ).get_data(as_text=True)
    assert case_numbers(html) == [medication.case_number, other.case_number]
    assert 'value="routed" checked' in html


def test_the_period_filter_reads_dates_day_first_in_any_browser(app, world, clock):
    recent = routed_case(world, event_date=clock.today - timedelta(days=1),
                         discovered_date=clock.today)
    routed_case(world, event_date=clock.today - timedelta(days=40), discovered_date=None)
    browser = browser_for(app, world.hospital_coordinator)
    since = (clock.today - timedelta(days=10)).strftime("%d.%m.%Y")
    html = browser.get(f"/reports/?view=organization&date_from={since}").get_data(as_text=True)
    assert case_numbers(html) == [recent.case_number]
    # A text field showing the day as typed: no browser's date picker in its own locale.
    field = re.search(r'<input[^>]*id="date_from"[^>]*>', html).group(0)
    assert 'type="text"' in field and f'value="{since}"' in field


def test_bad_filter_values_give_a_message_not_an_error(app, world):
    report = routed_case(world)
    browser = browser_for(app, world.ward_handler)
    response = browser.get("/reports/?view=everything&status=lost&category=abc"
                           "&date_from=yesterday&sort=colour&order=sideways&page=-2"
                           f"&agreement={world.agreement.id + 1000}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Some filters were not understood and are left out" in html
    for label in ("List", "Status", "Category", "Event from", "Sort by", "Order", "Page",
                  "Agreement"):
        assert f"<li>{label}: " in html, label
    assert case_numbers(html) == [report.case_number]  # the rest of the list still shows


def test_the_dashboards_filters_are_the_lists_too_and_bad_ones_are_left_out(app, world):
    report = routed_case(world)
    browser = browser_for(app, world.hospital_coordinator)
    html = browser.get(f"/reports/?view=all&unit={world.clinic.id}&direction="
                       f"municipality_to_hospital&potential_consequence=moderate"
                       f"&receiving_organization={world.hospital.id}").get_data(as_text=True)
    assert case_numbers(html) == [report.case_number]
    assert case_numbers(browser.get(f"/reports/?view=all&organization="
                                    f"{world.other_kommune.id}").get_data(as_text=True)) == []
    response = browser.get("/reports/?view=all&direction=sideways&unit=abc&escalation=9"
                           f"&organization={world.hospital.id + 1000}&consequence=awful")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for label in ("Direction", "Unit, with the units below it, either side", "Escalation",
                  "Organisation, either side", "Actual consequence"):
        assert f"<li>{label}: " in html, label
    assert case_numbers(html) == [report.case_number]


def test_long_lists_are_paginated_and_keep_their_filters(app, world):
    reports = [routed_case(world) for _ in range(27)]
    browser = browser_for(app, world.ward_handler)
    first = browser.get("/reports/?view=inbox&status=routed&sort=case_number&order=asc"
                        ).get_data(as_text=True)
    assert "27 cases" in first and "Page 1 of 2" in first
    assert case_numbers(first) == [r.case_number for r in reports[:25]]
    next_link = re.search(r'<a class="ds-link" rel="next" href="([^"]+)"', first).group(1)
    assert "status=routed" in next_link and "page=2" in next_link
    second = browser.get(next_link.replace("&amp;", "&")).get_data(as_text=True)
    assert case_numbers(second) == [r.case_number for r in reports[25:]]
    assert 'rel="prev"' in second


@pytest.mark.clock
def test_overdue_cases_stand_out_in_words(app, world, clock):
    late = routed_case(world, routed_at=clock.now - timedelta(days=40))
    on_time = routed_case(world)
    browser = browser_for(app, world.ward_handler)
    html = browser.get("/reports/?view=inbox").get_data(as_text=True)
    rows = {number: row for row in re.findall(r"<tr.*?</tr>", html, re.S)
            for number in case_numbers(row)}
    assert "Acknowledgement overdue" in rows[late.case_number]
    assert "Answer overdue" in rows[late.case_number]
    assert "data-overdue" in rows[late.case_number]
    assert "overdue" not in rows[on_time.case_number].lower()
    only_late = browser.get("/reports/?view=inbox&overdue=y").get_data(as_text=True)
    assert case_numbers(only_late) == [late.case_number]
    page = browser.get(f"/reports/{late.id}").get_data(as_text=True)
    assert "working days past the deadline" in page


@pytest.mark.clock
def test_a_late_acknowledgement_is_not_shown_as_a_late_answer(app, world, clock):
    # Ten days back: past the 2 working days to acknowledge on any date (holidays and
    # all), well before the 15 to answer.
    case = routed_case(world, routed_at=clock.now - timedelta(days=10))
    assert case.acknowledge_due_at < clock.now < case.answer_due_at
    browser = browser_for(app, world.ward_handler)
    html = browser.get("/reports/?view=inbox").get_data(as_text=True)
    [row] = [row for row in re.findall(r"<tr.*?</tr>", html, re.S)
             if case.case_number in row]
    assert "Acknowledgement overdue" in row and "Answer overdue" not in row
    page = browser.get(f"/reports/{case.id}").get_data(as_text=True)
    heading = re.search(r"<h1.*?</h1>", page, re.S).group(0)
    assert "Acknowledgement overdue" in heading and "Answer overdue" not in heading
    acknowledge_report(world.ward_handler, case)
    db.session.flush()
    html = browser.get("/reports/?view=inbox").get_data(as_text=True)
    assert "overdue" not in html.split(case.case_number, 1)[1].split("</tr>", 1)[0]


@pytest.mark.clock
def test_the_inbox_opens_on_the_open_cases_nearest_deadline_first(app, world, clock):
    later = routed_case(world)
    # A week back is always working days sooner; three days back may not be, over a
    # weekend and a holiday.
    sooner = routed_case(world, routed_at=clock.now - timedelta(days=7))
    done = routed_case(world)
    acknowledge_report(world.ward_handler, done)
    answer_report(world.ward_handler, done, "Rutinesvikt.", "Ny sjekkliste.")
    db.session.flush()
    browser = browser_for(app, world.ward_handler)
    html = browser.get("/reports/?view=inbox").get_data(as_text=True)
    assert case_numbers(html) == [sooner.case_number, later.case_number]
    assert "Showing the open cases." in html and 'selected value="answer_due"' in html
    everything = re.search(r'<a class="ds-link" href="([^"]+)">Show all cases in the inbox',
                           html).group(1).replace("&amp;", "&")
    html = browser.get(everything).get_data(as_text=True)
    assert sorted(case_numbers(html)) == sorted(r.case_number for r in (later, sooner, done))
    assert '<input type="hidden" name="cases" value="all">' in html  # filtering keeps "all"
    assert "Show only the open cases" in html
    chosen = browser.get("/reports/?view=inbox&status=answered").get_data(as_text=True)
    assert case_numbers(chosen) == [done.case_number]  # a chosen status wins over "open"


def test_a_long_list_says_more_than_and_links_the_pages_it_knows(app, world, monkeypatch):
    monkeypatch.setattr("avvik.reports.paging.COUNT_CAP", 30)
    reports = [routed_case(world) for _ in range(57)]
    browser = browser_for(app, world.ward_handler)
    base = "/reports/?view=inbox&status=routed&sort=case_number&order=asc"
    first = browser.get(base).get_data(as_text=True)
    assert "More than 30 cases" in first and "<span>Page 1</span>" in first
    assert case_numbers(first) == [r.case_number for r in reports[:25]]
    assert re.findall(r'aria-label="Page (\d+)"', first) == ["1", "2"]
    third = browser.get(f"{base}&page=3").get_data(as_text=True)
    assert "57 cases" in third and "Page 3 of 3" in third and 'rel="next"' not in third
    assert case_numbers(third) == [r.case_number for r in reports[50:]]
    assert re.findall(r'aria-label="Page (\d+)"', third) == ["1", "2", "3"]


@pytest.mark.clock
def test_a_period_lists_its_events_newest_first_unless_sorted_otherwise(app, world, clock):
    today = clock.today
    earlier_event = routed_case(world, event_date=today - timedelta(days=9),
                                discovered_date=None)
    later_event = routed_case(world, event_date=today - timedelta(days=2),
                              discovered_date=None)
    browser = browser_for(app, world.hospital_coordinator)
    base = f"/reports/?view=organization&date_from={(today - timedelta(days=30)).isoformat()}"
    html = browser.get(base).get_data(as_text=True)
    assert case_numbers(html) == [later_event.case_number, earlier_event.case_number]
    assert 'selected value="event"' in html
    by_creation = browser.get(f"{base}&sort=created&order=asc").get_data(as_text=True)
    assert case_numbers(by_creation) == [earlier_event.case_number, later_event.case_number]
