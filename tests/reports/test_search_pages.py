"""The search box on the case lists, and ``q`` on GET /api/v1/reports."""

from __future__ import annotations

import re

from avvik.extensions import db
from avvik.reports.services import acknowledge_report
from tests.api.conftest import bearer
from tests.reports.test_pages_lists import browser_for, case_numbers, routed_case


def search_form(html: str) -> str:
    return re.search(r'<form[^>]*role="search".*?</form>', html, re.S).group(0)


def test_the_list_searches_and_keeps_the_words_and_filters_in_the_url(app, world):
    catheter = routed_case(world, description="Katetret ble ikke skiftet før utreise.")
    routed_case(world, description="Pasienten kom hjem uten legemiddelliste.")
    both = routed_case(world, description="Katetret og legemiddellisten manglet.")
    acknowledge_report(world.ward_handler, both)
    db.session.flush()
    browser = browser_for(app, world.hospital_coordinator)
    html = browser.get("/reports/?view=organization&q=katetret").get_data(as_text=True)
    assert set(case_numbers(html)) == {catheter.case_number, both.case_number}
    assert 'name="q"' in html and 'value="katetret"' in html and 'type="search"' in html
    assert '<option selected value="relevance">Relevance</option>' in html
    form = search_form(html)
    assert 'name="view" value="organization"' in form and 'name="sort"' not in form
    html = browser.get("/reports/?view=organization&q=katetret&status=acknowledged"
                       ).get_data(as_text=True)
    assert case_numbers(html) == [both.case_number]
    assert 'name="status" value="acknowledged"' in search_form(html)
    # The filters' form keeps the search too.
    assert '<input type="hidden" name="q" value="katetret">' in html
    html = browser.get(f"/reports/?view=organization&q={catheter.case_number}"
                       ).get_data(as_text=True)
    assert case_numbers(html) == [catheter.case_number]
    html = browser.get('/reports/?view=organization&q="katetret AND (ikke*'
                       ).get_data(as_text=True)
    assert "No cases match" in html or case_numbers(html)


def test_a_search_finds_nothing_outside_the_persons_cases(app, world):
    routed_case(world, description="Katetret ble ikke skiftet.")
    html = browser_for(app, world.other_ward_handler).get("/reports/?view=all&q=katetret"
                                                          ).get_data(as_text=True)
    assert case_numbers(html) == [] and "0 cases" in html


def test_the_search_box_speaks_bokmal(app, world):
    browser = browser_for(app, world.reporter)
    world.reporter.locale = "nb"
    db.session.flush()
    html = browser.get("/reports/?view=mine&q=sonde").get_data(as_text=True)
    assert ">Søk</label>" in html and ">Søk</button>" in html and "Relevans" in html


def test_the_api_searches_with_q(client, world):
    catheter = routed_case(world, description="Katetret ble ikke skiftet.")
    routed_case(world, description="Pasienten kom hjem uten legemiddelliste.")
    auth = bearer(world.reporter)
    found = client.get("/api/v1/reports?q=katetret", headers=auth).get_json()
    assert [item["id"] for item in found["items"]] == [catheter.id]
    by_number = client.get(f"/api/v1/reports?q={catheter.case_number[-5:]}&sort=relevance",
                           headers=auth).get_json()
    assert [item["id"] for item in by_number["items"]] == [catheter.id]
    assert client.get("/api/v1/reports?q=" + "x" * 201, headers=auth).status_code == 422
    spec = client.get("/api/openapi.json").get_json()
    parameters = spec["paths"]["/api/v1/reports"]["get"]["parameters"]
    assert any(p["name"] == "q" and "case number" in p["description"] for p in parameters)


def test_odd_characters_in_the_search_box_are_no_error(app, world):
    routed_case(world, description="Katetret ble ikke skiftet.")
    browser = browser_for(app, world.hospital_coordinator)
    for typed in ("katetret\x00", "\x00", "%00", "🙂 katetret", "a" * 201):
        response = browser.get("/reports/", query_string={"view": "organization", "q": typed})
        assert response.status_code == 200, typed
    assert browser.get("/reports/?q=%ED%A0%80%FF").status_code == 200  # not UTF-8
