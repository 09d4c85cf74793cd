"""The filter lives in the URL: the form shows it, the links keep it, bad ones are explained."""

from __future__ import annotations

import re
from datetime import date

import pytest

from avvik.reports.models import Consequence
from tests.dashboards import pages
from tests.stats.data import make_case


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                       select.group(1))
    return next((g for g in chosen.groups() if g is not None), None) if chosen else None


def _input_value(html: str, name: str) -> str:
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert field, name
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else ""


def test_the_filter_in_the_url_narrows_the_numbers_and_fills_the_form(world, browser_for):
    make_case(world, event_date=date(2026, 3, 1), consequence=Consequence.MODERATE)
    make_case(world, event_date=date(2026, 3, 2), consequence=Consequence.MINOR)
    make_case(world, event_date=date(2026, 3, 3), consequence=Consequence.MODERATE,
              category_id=world.other.id)
    query = (f"from=2026-02&to=2026-04&consequence=moderate&category_id={world.other.id}"
             f"&organization_id={world.hospital.id}")
    html = browser_for(world.admin).get(f"/dashboards/?{query}").get_data(as_text=True)
    assert pages.column(html, "table-per_month", "Total") == {
        "2026-02": "0", "2026-03": "1", "2026-04": "0"}
    assert (_input_value(html, "from"), _input_value(html, "to")) == ("2026-02", "2026-04")
    assert _selected(html, "consequence") == "moderate"
    assert _selected(html, "category_id") == str(world.other.id)
    assert _selected(html, "organization_id") == str(world.hospital.id)


def test_every_link_of_the_page_carries_the_same_filter(world, browser_for):
    make_case(world, event_date=date(2026, 3, 1))
    query = "from=2026-02&to=2026-04&direction=municipality_to_hospital"
    html = browser_for(world.admin).get(f"/dashboards/?{query}").get_data(as_text=True)
    normalised = "from=2026-02&amp;to=2026-04&amp;direction=municipality_to_hospital"
    for href in ("/dashboards/breakdowns?", "/dashboards/performance?",
                 "/dashboards/export/per_month.csv?", "/dashboards/export/per_year.xlsx?",
                 "/dashboards/cases.csv?"):
        assert f'href="{href}{normalised}"' in html, href


def test_a_bookmarked_view_shows_the_same_numbers_again(world, browser_for):
    make_case(world, event_date=date(2026, 3, 1))
    browser = browser_for(world.admin)
    first = browser.get(f"/dashboards/breakdowns?from=2026-03&to=2026-03&unit_id="
                        f"{world.ward.id}").get_data(as_text=True)
    link = re.search(r'href="(/dashboards/breakdowns\?[^"]+)"', first).group(1)
    again = browser.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert pages.table(first, "table-by_category") == pages.table(again, "table-by_category")
    assert _selected(again, "unit_id") == str(world.ward.id)


@pytest.mark.clock
def test_the_default_period_is_the_last_24_months(world, browser_for, clock):
    html = browser_for(world.admin).get("/dashboards/").get_data(as_text=True)
    start, end = _input_value(html, "from"), _input_value(html, "to")
    assert re.fullmatch(r"\d{4}-\d{2}", start)
    assert end == clock.today.isoformat()[:7]  # this month in Norway
    first, last = date.fromisoformat(f"{start}-01"), date.fromisoformat(f"{end}-01")
    assert (last.year - first.year) * 12 + last.month - first.month == 23


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-05&to=2026-01", "The period ends before it starts."),
    ("from=2000-01&to=2026-01", "The period may be at most 20 years."),
    ("from=januar", "Give a month as YYYY-MM or a day as YYYY-MM-DD."),
    ("to=2026-13", "Give a month as YYYY-MM or a day as YYYY-MM-DD."),
    ("direction=sideways", "Unknown direction."),
    ("consequence=bad", "Unknown consequence."),
    ("organization_id=999999", "Unknown organisation."),
    ("unit_id=abc", "Unknown unit."),
    ("category_id=%C2%B2", "Unknown category."),  # "²" is a digit to str.isdigit()
    ("agreement_id=99999999999999999999", "Unknown agreement."),
    ("transition_id=-1", "Unknown transition."),
])
def test_a_bad_filter_gives_a_clear_message_never_a_500(world, browser_for, query,
                                                        message):
    browser = browser_for(world.admin)
    for path in ("/dashboards/", "/dashboards/breakdowns", "/dashboards/performance",
                 "/dashboards/measures", "/dashboards/export/per_month.csv"):
        response = browser.get(f"{path}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert message in html and 'class="ds-error-summary"' in html
        assert "table-per_month" not in html


def test_a_bad_filter_keeps_what_was_typed(world, browser_for):
    html = browser_for(world.admin).get("/dashboards/?from=2026-05&to=2026-01").get_data(
        as_text=True)
    assert (_input_value(html, "from"), _input_value(html, "to")) == ("2026-05", "2026-01")
    assert 'aria-invalid="true"' in html
