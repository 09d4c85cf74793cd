"""An address that keeps sending tokens that are not valid gets 429, as problem details."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import bearer
from tests.factories import make_user

CATALOG = "/api/v1/catalog"
WRONG = {"Authorization": "Bearer not-a-token-of-ours"}


def test_guessing_tokens_from_one_address_is_answered_429_with_retry_after(client, clock):
    for _ in range(20):  # API_AUTH_FAILURE_LIMIT: 20 a minute
        assert client.get(CATALOG, headers=WRONG).status_code == 401
    response = client.get(CATALOG, headers=WRONG)
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    body = response.get_json()
    assert body["type"] == "https://avvik.no/problems/too-many-requests"
    assert body["status"] == 429 and "Retry-After" in body["detail"]
    clock.shift(timedelta(seconds=int(response.headers["Retry-After"]), milliseconds=1))
    assert client.get(CATALOG, headers=WRONG).status_code == 401  # heard again


def test_another_address_and_a_request_without_a_token_are_not_held_up(app, client, clock):
    for _ in range(21):
        client.get(CATALOG, headers=WRONG)
    assert client.get(CATALOG).status_code == 401  # no token sent: nothing guessed
    elsewhere = client.get(CATALOG, headers=WRONG,
                           environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert elsewhere.status_code == 401


def test_a_valid_token_never_counts_as_a_failure(client, db_session, clock):
    headers = bearer(make_user())
    for _ in range(30):
        assert client.get(CATALOG, headers=headers).status_code == 200
