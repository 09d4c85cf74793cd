"""A typical report is filed the short way, on a phone and at a desktop, in Chromium whose
locale is en-US (where a date input would have asked for mm/dd/yyyy on a bokmål page).

The reporter makes only the choices that have no default (transition, category, the two
consequences), writes the text and submits: the receiving organisation, the agreement and
the event date are offered. How long that takes is measured in bench/filing.py, not here.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.extensions import db
from avvik.reports.models import Report
from avvik.reports.services.validation import OLD_EVENT_DAYS
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.filing import (
    CATEGORY,
    DESCRIPTION,
    HOSPITAL,
    PHONE,
    REPORTER,
    TRANSITION,
    choose,
    context_for,
    fill_the_short_way,
    form_height,
)
from tests.clock import Clock

pytestmark = pytest.mark.slow

CASE_NUMBER = re.compile(r"SA-\d{4}-\d{5}")
#: Transition, category, two consequences, the text, the button.
MOST_STEPS = 6
#: The whole form at most about three phone screens tall (it was 5.6).
MOST_SCREENS = 3


def filed(live_server: LiveServer, case_number: str) -> Report:
    with live_server.app.app_context():
        report = db.session.scalar(select(Report).filter_by(case_number=case_number))
        db.session.expunge(report)
        db.session.remove()
    return report


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_typical_report_is_filed_the_short_way(browser, live_server: LiveServer,
                                                 check_accessibility, system_clock: Clock,
                                                 size):
    context = context_for(browser, live_server.url, size)
    try:
        page = context.new_page()
        sign_in(page, REPORTER)
        page.goto("/reports/new")
        expect(page.get_by_label("Receiving organisation").locator("option:checked")
               ).to_have_text(HOSPITAL)
        today = system_clock.today
        expect(page.get_by_label("Date of the event")).to_have_value(f"{today:%d.%m.%Y}")
        check_accessibility(page)
        if size == "phone":
            height = form_height(page)
            assert height <= MOST_SCREENS * PHONE["height"], f"form {height:.0f} px tall"

        way = fill_the_short_way(page)
        assert len(way.steps) <= MOST_STEPS, way.steps
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text(CASE_NUMBER)
        check_accessibility(page)
        report = filed(live_server, CASE_NUMBER.search(heading.inner_text()).group(0))
        assert report.event_date == today
        assert report.agreement_id is not None  # offered from the transition
        assert report.consequence.value == "minor"
    finally:
        context.close()
    assert not live_server.errors


def test_a_date_typed_day_first_is_read_so_whatever_the_browsers_locale(
        browser, live_server: LiveServer, check_accessibility, system_clock: Clock):
    context = context_for(browser, live_server.url, "desktop", locale="en-US")
    try:
        page = context.new_page()
        sign_in(page, REPORTER)
        page.goto("/reports/new")
        date_field = page.get_by_label("Date of the event")
        page.get_by_role("button", name="Yesterday").click()
        yesterday = system_clock.today - timedelta(days=1)
        expect(date_field).to_have_value(f"{yesterday:%d.%m.%Y}")
        # Day first, the way a Norwegian writes it: not read as month first.
        day = system_clock.today - timedelta(days=5)
        date_field.fill(f"{day.day}.{day.month}.{day.year}")
        expect(page.locator("#event_date-words")).to_have_text(
            re.compile(rf"(?=.*\b{day.day}\b)(?=.*{day:%B})(?=.*{day.year})"))
        way = fill_the_short_way(page)
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text(CASE_NUMBER)
        report = filed(live_server, CASE_NUMBER.search(heading.inner_text()).group(0))
        assert report.event_date == day, way.steps
    finally:
        context.close()


def test_an_event_long_ago_is_asked_about_and_nothing_typed_is_lost(
        browser, live_server: LiveServer, check_accessibility, system_clock: Clock):
    context = context_for(browser, live_server.url, "phone")
    try:
        page = context.new_page()
        sign_in(page, REPORTER)
        page.goto("/reports/new")
        day = system_clock.today - timedelta(days=OLD_EVENT_DAYS + 10)
        page.get_by_label("Date of the event").fill(f"{day:%d.%m.%Y}")
        fill_the_short_way(page)
        expect(page.get_by_role("alert")).to_contain_text(
            f"The event was {OLD_EVENT_DAYS + 10} days ago")
        expect(page.get_by_label("What happened?")).to_have_value(DESCRIPTION)
        expect(page.get_by_label("Date of the event")).to_have_value(f"{day:%d.%m.%Y}")
        check_accessibility(page)
        page.get_by_label("The date is right").check()
        page.get_by_role("button", name="Submit report").click()
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text(CASE_NUMBER)
        assert filed(live_server, CASE_NUMBER.search(heading.inner_text()).group(0)
                     ).event_date == day
    finally:
        context.close()


def test_without_the_script_the_form_still_files(browser, live_server: LiveServer,
                                                  system_clock: Clock):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  timezone_id="Europe/Oslo", viewport=PHONE, has_touch=True,
                                  is_mobile=True, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, REPORTER)
        page.goto("/reports/new")
        expect(page.get_by_role("button", name="Today")).to_be_hidden()
        choose(page, "Agreement", "Utskrivningsklare pasienter")
        choose(page, "Transition", TRANSITION)
        # Every phase's categories are offered: take the one of the transition's phase.
        phase = page.get_by_label("Transition", exact=True).locator(
            "option:checked").evaluate("option => option.parentNode.dataset.group")
        category = page.get_by_label("Category", exact=True)
        category.select_option(value=category.locator(
            f'optgroup[data-group="{phase}"] option', has_text=CATEGORY
        ).get_attribute("value"))
        page.get_by_role("group", name="Actual consequence", exact=True).get_by_label(
            "None", exact=True).check()
        page.get_by_role("group", name="Potential consequence", exact=True).get_by_label(
            "Minor", exact=True).check()
        page.get_by_label("What happened?").fill(DESCRIPTION)
        page.get_by_role("button", name="Submit report").click()
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text(CASE_NUMBER)
        assert filed(live_server, CASE_NUMBER.search(heading.inner_text()).group(0)
                     ).event_date == system_clock.today
    finally:
        context.close()
