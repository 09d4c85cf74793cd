"""Filing quickly: the form's defaults from history, dates typed day first, and the
warnings and refusals of an event date that is doubtful or impossible."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import date, timedelta

import pytest

from avvik.core.day_field import NotADay, parse_day
from avvik.extensions import db
from avvik.reports.services.drafting import file_report
from avvik.reports.services.validation import OLD_EVENT_DAYS
from avvik.users.models import Role
from tests.api.conftest import bearer, report_body
from tests.conftest import post_form
from tests.factories import make_agreement, make_user
from tests.reports.test_pages_form import browser_for, form_data, reports_of

TEXT = "Pasienten kom hjem uten legemiddelliste."


@pytest.mark.parametrize("typed", ["05.12.2026", "5.12.2026", "5.12.26", "05122026", "051226",
                                   "5,12,2026", "5-12-2026", " 5. 12. 2026 ", "2026-12-05"])
def test_a_date_is_read_day_first_or_iso(typed):
    assert parse_day(typed) == date(2026, 12, 5)


@pytest.mark.parametrize(("typed", "reason"), [
    ("12/05/2026", "Write the date as dd.mm.yyyy"),  # May here, December in the US: refused
    ("31.02.2026", "There is no such day as 31.02.2026"),
    ("29.02.2027", "There is no such day as 29.02.2027"),
    ("00.12.2026", "There is no such day"),
    ("i går", "Write the date as dd.mm.yyyy"),
])
def test_a_date_that_is_not_one_is_refused_saying_why(app, typed, reason):
    with app.test_request_context(), pytest.raises(NotADay, match=reason):
        parse_day(typed)


def selected(html: str, field: str) -> str | None:
    select_box = re.search(rf'<select[^>]*id="{field}".*?</select>', html, re.S).group(0)
    match = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected',
                      select_box)
    return next(v for v in match.groups() if v) if match else None


@pytest.mark.clock
def test_a_new_form_offers_the_only_hospital_and_today(app, world, clock):
    html = browser_for(app, world.reporter).get("/reports/new").get_data(as_text=True)
    assert selected(html, "receiving_organization_id") == str(world.hospital.id)
    assert re.search(rf'id="event_date"[^>]*value="{clock.today:%d.%m.%Y}"', html)
    assert 'inputmode="numeric"' in html and 'type="date"' not in html
    assert 'id="event_date-hint">dd.mm.yyyy<' in html


@pytest.mark.clock
def test_the_receiver_is_the_one_the_reporter_filed_to_most(app, world, clock):
    for receiver in (world.other_kommune, world.other_kommune, world.hospital):
        file_report(world.reporter, world.report_input(receiving_organization_id=receiver.id))
    html = browser_for(app, world.reporter).get("/reports/new").get_data(as_text=True)
    assert selected(html, "receiving_organization_id") == str(world.other_kommune.id)


@pytest.mark.clock
def test_a_newcomer_gets_the_receiver_their_unit_files_to(app, world, clock):
    for _ in range(2):
        file_report(world.reporter,
                    world.report_input(receiving_organization_id=world.other_kommune.id))
    newcomer = make_user("ny", roles=[(Role.REPORTER, world.home_care_district)])
    html = browser_for(app, newcomer).get("/reports/new").get_data(as_text=True)
    assert selected(html, "receiving_organization_id") == str(world.other_kommune.id)


@pytest.mark.clock
def test_the_agreement_is_offered_from_the_transition(app, world, clock):
    usual = make_agreement("2", title="Innleggelse og utskrivning",
                           health_community=world.kommune.health_community)
    for agreement in (usual, usual, world.agreement):
        file_report(world.reporter, world.report_input(agreement_id=agreement.id))
    browser = browser_for(app, world.reporter)
    html = browser.get("/reports/new").get_data(as_text=True)
    hints = json.loads(html_lib.unescape(
        re.search(r'data-agreement-hints="([^"]*)"', html).group(1)))
    assert hints == {str(world.discharge.id): [usual.id, world.agreement.id]}
    assert selected(html, "agreement_id") is None  # no transition chosen yet
    # The server never files an agreement the reporter did not send.
    response = post_form(browser, "/reports/new", form_data(world, agreement_id=""))
    assert response.status_code == 422
    assert "Choose the agreement." in response.get_data(as_text=True)
    # A draft with a transition and no agreement opens with the usual one offered.
    response = post_form(browser, "/reports/new", form_data(
        world, agreement_id="", submit=None, save_draft="1"))
    html = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert selected(html, "agreement_id") == str(usual.id)


@pytest.mark.clock
@pytest.mark.parametrize("style", ["%d.%m.%Y", "%Y-%m-%d", "%d%m%Y"])
def test_a_date_typed_day_first_or_iso_is_filed_as_that_day(app, world, clock, style):
    day = clock.today - timedelta(days=3)
    response = post_form(browser_for(app, world.reporter), "/reports/new", form_data(
        world, event_date=day.strftime(style), discovered_date=""))
    assert response.status_code == 302
    assert reports_of(world.reporter)[0].event_date == day


@pytest.mark.parametrize(("typed", "reason"), [
    ("12/05/2026", "Write the date as dd.mm.yyyy, for example 05.12.2026."),
    ("31.02.2026", "There is no such day as 31.02.2026: check the day and the month."),
])
def test_a_date_that_cannot_be_read_is_refused_and_the_text_survives(app, world, typed,
                                                                      reason):
    response = post_form(browser_for(app, world.reporter), "/reports/new",
                         form_data(world, event_date=typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert reason in html and 'href="#event_date"' in html
    assert f'value="{typed}"' in html and TEXT in html
    assert reports_of(world.reporter) == []


@pytest.mark.clock
def test_an_event_long_ago_is_asked_about_once_then_filed(app, world, clock):
    browser = browser_for(app, world.reporter)
    day = clock.today - timedelta(days=OLD_EVENT_DAYS + 30)
    data = form_data(world, event_date=f"{day:%d.%m.%Y}", discovered_date="")
    response = post_form(browser, "/reports/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"The event was {OLD_EVENT_DAYS + 30} days ago." in html
    assert 'name="event_date_confirmed"' in html and "The date is right" in html
    assert TEXT in html and re.search(r'value="minor"[^>]*checked', html)
    assert reports_of(world.reporter) == []
    response = post_form(browser, "/reports/new", {**data, "event_date_confirmed": "y"})
    assert response.status_code == 302
    assert reports_of(world.reporter)[0].event_date == day


@pytest.mark.clock
def test_a_draft_with_an_old_event_is_saved_without_asking(app, world, clock):
    day = clock.today - timedelta(days=OLD_EVENT_DAYS + 1)
    response = post_form(browser_for(app, world.reporter), "/reports/new", form_data(
        world, event_date=f"{day:%d.%m.%Y}", discovered_date="", submit=None,
        save_draft="1"))
    assert response.status_code == 302
    assert reports_of(world.reporter)[0].event_date == day


@pytest.mark.clock
@pytest.mark.parametrize(("changes", "reason"), [
    ({"event_date": "31.12.1999"}, "The date of the event cannot be before 2000."),
    ({"event_date": "01.01.1900"}, "The date of the event cannot be before 2000."),
    ({"event_date": "01.01.0001"}, "The date of the event cannot be before 2000."),
    ({"event_date": "0001-01-01"}, "The date of the event cannot be before 2000."),
    ({"event_date": "tomorrow"}, "The date of the event cannot be in the future."),
    ({"discovered_date": "before"}, "The date discovered cannot be before the event."),
])
def test_an_impossible_event_date_is_refused_and_the_text_survives(app, world, clock,
                                                                    changes, reason):
    days = {"tomorrow": clock.today + timedelta(days=1),
            "before": clock.today - timedelta(days=3)}
    typed = {k: f"{days[v]:%d.%m.%Y}" if v in days else v for k, v in changes.items()}
    response = post_form(browser_for(app, world.reporter), "/reports/new", form_data(
        world, **{"event_date": f"{clock.today - timedelta(days=2):%d.%m.%Y}", **typed}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert reason in html and TEXT in html
    assert reports_of(world.reporter) == []


@pytest.mark.clock
def test_the_api_refuses_an_event_before_2000_and_files_an_old_one_unasked(
        client, world, clock):
    auth = bearer(world.reporter)
    old = clock.today - timedelta(days=OLD_EVENT_DAYS + 30)
    response = client.post("/api/v1/reports", headers=auth, json=report_body(
        world, event_date="1999-12-31", discovered_date=None))
    assert response.status_code == 422
    assert "event_date" in json.dumps(response.get_json())
    response = client.post("/api/v1/reports", headers=auth, json=report_body(
        world, event_date=old.isoformat(), discovered_date=None))
    assert response.status_code == 201, response.get_json()


@pytest.mark.clock
@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "1999-12-31", "tomorrow"])
def test_the_api_refuses_an_impossible_event_date(client, world, clock, day):
    typed = (clock.today + timedelta(days=1)).isoformat() if day == "tomorrow" else day
    response = client.post("/api/v1/reports", headers=bearer(world.reporter),
                           json=report_body(world, event_date=typed, discovered_date=None))
    assert response.status_code == 422
    assert "event_date" in response.get_json()["errors"]["json"]
    assert reports_of(world.reporter) == []


@pytest.mark.clock
def test_the_bokmal_form_asks_for_dd_mm_aaaa(app, world, clock):
    browser = browser_for(app, world.reporter)
    world.reporter.locale = "nb"
    db.session.flush()
    html = browser.get("/reports/new").get_data(as_text=True)
    assert 'id="event_date-hint">dd.mm.åååå<' in html and 'placeholder="dd.mm.åååå"' in html
    assert ">I dag</button>" in html and ">I går</button>" in html
    assert f'value="{clock.today:%d.%m.%Y}"' in html
