"""Every error of the API is problem details (RFC 9457), in bokmål or English."""

from __future__ import annotations

from avvik.core.problems import MEDIA_TYPE, TYPE_BASE
from tests.api.conftest import bearer, report_body

URL = "/api/v1/reports"


def problem_of(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == MEDIA_TYPE
    body = response.get_json()
    assert body["type"] == TYPE_BASE + slug and body["status"] == status
    assert body["title"] and body["detail"]
    return body


def test_an_unknown_route_is_a_problem(client, reporter_auth):
    problem_of(client.get("/api/v1/nothing", headers=reporter_auth), 404, "not-found")
    problem_of(client.get("/api/v2/reports"), 404, "not-found")


def test_a_wrong_method_is_405_with_allow(client, reporter_auth):
    response = client.put(URL, json={}, headers=reporter_auth)
    problem_of(response, 405, "method-not-allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_body_that_is_not_json_is_415(client, reporter_auth):
    response = client.post(URL, data="description=x", content_type="text/plain",
                           headers=reporter_auth)
    problem_of(response, 415, "unsupported-media-type")


def test_no_token_is_401_with_a_challenge(client):
    response = client.get(URL)
    problem_of(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_field_errors_are_in_the_errors_member(client, world, reporter_auth):
    response = client.post(URL, json=report_body(world, description=None),
                           headers=reporter_auth)
    body = problem_of(response, 422, "validation-failed")
    assert "description" in body["errors"]["json"]


def test_an_empty_description_is_refused_by_the_schema(client, world, reporter_auth):
    response = client.post(URL, json=report_body(world, description=" "),
                           headers=reporter_auth)
    assert "description" in problem_of(response, 422, "validation-failed")["errors"]["json"]


def test_titles_and_details_follow_accept_language(client, world):
    english = client.get(URL, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    bokmal = client.get(URL, headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"}).get_json()
    assert english["type"] == bokmal["type"]
    assert english["title"] == "Authentication required"
    assert bokmal["title"] != english["title"] and bokmal["detail"] != english["detail"]
    missing = client.get("/api/v1/nothing", headers={**bearer(world.reporter),
                                                     "Accept-Language": "nb"}).get_json()
    assert missing["title"] == "Ikke funnet"


def test_a_new_case_answers_201_with_its_location(client, world, reporter_auth):
    response = client.post(URL, json=report_body(world), headers=reporter_auth)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{URL}/{response.get_json()['id']}")


def test_the_429_helper_says_when_to_retry(app):
    from avvik.core.problems import too_many_requests

    with app.test_request_context("/api/v1/reports", headers={"Accept-Language": "en"}):
        response = too_many_requests(30)
    assert response.status_code == 429 and response.headers["Retry-After"] == "30"
    assert response.get_json()["type"] == TYPE_BASE + "too-many-requests"
