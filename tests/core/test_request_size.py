"""A request body larger than the limit is refused with a clear 413, before it is read."""

from __future__ import annotations

import io

import pytest

from avvik.api.services import create_token
from tests.conftest import csrf_token_from, login
from tests.factories import DEFAULT_PASSWORD

TOO_MUCH = "x" * (1024 * 1024 + 1)


@pytest.fixture
def signed_in(client, world):
    world.reporter.locale = "en"
    assert login(client, world.reporter.username, DEFAULT_PASSWORD).status_code == 302
    return client


def test_a_form_post_over_the_limit_gets_a_page_that_says_what_to_do(signed_in):
    token = csrf_token_from(signed_in.get("/reports/new").get_data(as_text=True))
    response = signed_in.post("/reports/new", data={"csrf_token": token,
                                                    "description": TOO_MUCH})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "What you sent is too large" in page
    assert "at most 1024 kB" in page and "Nothing was saved" in page


def test_an_api_body_over_the_limit_is_a_json_413(client, world):
    _row, token = create_token(world.kommune_coordinator, "test")
    response = client.post("/api/v1/reports", data=f'{{"description": "{TOO_MUCH}"}}',
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    assert response.json["status"] == 413
    assert "1048576 bytes" in response.json["detail"]


def test_the_limit_is_read_before_the_body(signed_in):
    """Werkzeug refuses on the declared length: a 100 MB body is never read."""
    body = io.BytesIO(b"x" * 1024)  # declares far more than it sends
    response = signed_in.post("/reports/new", input_stream=body,
                              content_type="application/x-www-form-urlencoded",
                              environ_overrides={"CONTENT_LENGTH": str(100 * 1024 * 1024)})
    assert response.status_code == 413


def test_a_post_within_the_limit_is_read(signed_in):
    token = csrf_token_from(signed_in.get("/reports/new").get_data(as_text=True))
    response = signed_in.post("/reports/new", data={"csrf_token": token,
                                                    "description": "x" * 50_000})
    assert response.status_code != 413
