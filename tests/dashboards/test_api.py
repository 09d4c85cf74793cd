"""``GET /api/v1/stats/<name>``: the page's numbers as JSON, with a bearer token."""

from __future__ import annotations

from datetime import date

from avvik.extensions import db
from avvik.stats.services import table_names
from tests.api.conftest import bearer
from tests.dashboards import pages
from tests.dashboards.conftest import YEAR
from tests.stats.data import make_case


def test_the_api_gives_the_numbers_of_the_page(world, people, client, browser_for):
    for day in (1, 2, 3):
        make_case(world, event_date=date(2026, 3, day))
    make_case(world, event_date=date(2026, 5, 1), reporting_unit=world.ward,
              receiving_unit=world.home_care)
    # The hospital's coordinator may open every case of the selection and gets the exact
    # count; the secretariat may not (none is on its agenda), and gets the small-count
    # rule's "<5" (README, "Small counts in statistics"). Either way the API says what the
    # page says.
    for viewer, march in ((world.hospital_coordinator, 3), (people.secretariat, "<5")):
        headers = bearer(viewer)
        body = client.get(f"/api/v1/stats/per_month?{YEAR}", headers=headers).get_json()
        html = browser_for(viewer).get(f"/dashboards/?{YEAR}").get_data(as_text=True)
        page = pages.column(html, "table-per_month", "Total")
        assert {row["month"]: str(row["total"]) for row in body["rows"]} == page
        assert body["rows"][2] == {"month": "2026-03", "municipality_to_hospital": march,
                                   "hospital_to_municipality": 0, "other": 0, "total": march}
        assert body["filters"] == {"from": "2026-01", "to": "2026-12"}
        assert body["name"] == "per_month" and body["suppressed"] is (march == "<5")


def test_the_api_applies_the_filters_and_the_suppression(world, people, client):
    make_case(world, event_date=date(2026, 3, 1))
    make_case(world, event_date=date(2026, 3, 2), category_id=world.other.id)
    response = client.get(
        f"/api/v1/stats/by_reporting_organization?from=2026-03&to=2026-03"
        f"&category_id={world.other.id}", headers=bearer(people.secretariat))
    body = response.get_json()
    assert response.status_code == 200
    assert body["suppressed"] is True
    assert [(r["label"], r["count"], r["share"]) for r in body["rows"]] == [
        ("Testvik kommune", "<5", None)]
    assert body["filters"]["category_id"] == str(world.other.id)


def test_every_table_is_served(world, client):
    headers = bearer(world.admin)
    for name in table_names():
        response = client.get(f"/api/v1/stats/{name}?{YEAR}", headers=headers)
        assert response.status_code == 200, name
        assert response.get_json()["columns"], name


def test_without_a_token_the_api_answers_401(world, client):
    response = client.get("/api/v1/stats/per_month")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cookie_is_not_enough(world, browser_for):
    assert browser_for(world.admin).get("/api/v1/stats/per_month").status_code == 401


def test_a_bad_filter_is_422_naming_the_parameter(world, client):
    headers = bearer(world.admin)
    response = client.get("/api/v1/stats/per_month?from=2026-05&to=2026-01&direction=x",
                          headers=headers)
    body = response.get_json()
    assert response.status_code == 422
    assert body["errors"]["query"] == {"to": ["The period ends before it starts."],
                                       "direction": ["Unknown direction."]}


def test_an_unknown_table_is_404(world, client):
    response = client.get("/api/v1/stats/nothing", headers=bearer(world.admin))
    assert response.status_code == 404
    assert "per_month" in response.get_json()["detail"]


def test_users_without_dashboards_get_403(world, client):
    response = client.get("/api/v1/stats/per_month", headers=bearer(world.reporter))
    assert response.status_code == 403


def test_the_endpoint_is_in_the_openapi_spec(world, client):
    db.session.flush()
    spec = client.get("/api/openapi.json").get_json()
    path = spec["paths"]["/api/v1/stats/{name}"]
    operation = path["get"]
    names = {p["name"] for p in [*path.get("parameters", []), *operation["parameters"]]}
    assert {"from", "to", "direction", "organization_id", "unit_id", "agreement_id",
            "transition_id", "category_id", "consequence", "name"} <= names
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
