"""Single sign-on against a real OpenID provider (oidc-provider, started by the tests).

The app's side runs in the Flask test client; the browser's visit to the provider is an
HTTP session of its own (tests/oidc_provider.py). The provider holds the client as HelseID
would: private_key_jwt, PKCE required, pushed authorization requests offered.
tests/browser/test_single_sign_on.py walks the same way in Chromium. The fixtures
``provider``, ``sso`` and ``http`` are in tests/auth/conftest.py.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from avvik.audit.models import AuditEntry
from avvik.auth.models import LoginSession
from avvik.auth.oidc.services import DEACTIVATED_USER, UNKNOWN_PERSON
from avvik.extensions import db
from avvik.users.models import User
from tests.clock import Clock
from tests.conftest import csrf_token_from, login
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.oidc_provider import Provider, sign_in_at_provider, single_sign_on

HPR_CLAIM = "helseid://claims/hpr/hpr_number"


def start(client: FlaskClient) -> str:
    """Press "Sign in with single sign-on"; the address the app sends the browser to."""
    response = client.get("/auth/oidc/login")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def come_back(client: FlaskClient, url: str):
    """The browser arrives at the app's callback with the provider's answer."""
    parts = urlsplit(url)
    assert parts.path == "/auth/oidc/callback", url
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: FlaskClient, http: requests.Session, account: str):
    return come_back(client, sign_in_at_provider(http, start(client), account))


def test_the_sign_in_page_offers_single_sign_on_only_when_it_is_configured(
        app: Flask, client: FlaskClient, provider: Provider) -> None:
    assert "/auth/oidc/login" not in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/auth/oidc/login").status_code == 404

    with single_sign_on(app, provider, OIDC_NAME="HelseID"):
        page = client.get("/auth/login?next=/reports/").get_data(as_text=True)

    assert 'href="/auth/oidc/login?next=/reports/"' in page
    assert "Sign in with HelseID" in page
    assert 'name="password"' in page  # password sign-in stays unless turned off


def test_a_known_person_signs_in_through_the_provider_with_a_pushed_request(
        client: FlaskClient, http: requests.Session, sso: Provider, db_session: object) -> None:
    kari = make_user("kari", email="kari.nordmann@example.test")  # the case differs

    destination = start(client)
    # The parameters went to the provider from server to server; the browser carries
    # only a reference to them.
    query = parse_qs(urlsplit(destination).query)
    assert destination.startswith(f"{sso.metadata['authorization_endpoint']}?")
    assert set(query) == {"client_id", "request_uri"}
    answer = come_back(client, sign_in_at_provider(http, destination, "kari"))

    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert client.get("/auth/profile").status_code == 200
    sessions = db.session.execute(db.select(LoginSession).filter_by(user_id=kari.id)).scalars()
    assert [s.ended_at for s in sessions] == [None]
    assert db.session.scalar(db.select(User.last_login_at).filter_by(id=kari.id)) is not None


def test_the_person_returns_to_the_page_they_asked_for(
        client: FlaskClient, http: requests.Session, sso: Provider, db_session: object) -> None:
    make_user("kari", email="kari.nordmann@example.test")
    response = client.get("/auth/oidc/login?next=/auth/profile")

    answer = come_back(client, sign_in_at_provider(http, response.headers["Location"], "kari"))

    assert answer.headers["Location"] == "/auth/profile"


def test_pressing_the_button_again_keeps_only_the_latest_attempt(
        client: FlaskClient, http: requests.Session, sso: Provider, db_session: object) -> None:
    make_user("kari", email="kari.nordmann@example.test")
    first, latest = start(client), start(client)
    with client.session_transaction() as session:
        attempts = [key for key in session if key.startswith("_state_")]

    assert len(attempts) == 1  # the session cookie does not grow with every press
    assert come_back(client, sign_in_at_provider(http, latest, "kari")).status_code == 302
    with requests.Session() as another_visit:
        assert come_back(client, sign_in_at_provider(another_visit, first, "kari")
                         ).status_code == 400


def test_the_hpr_number_finds_the_user_the_administrator_recorded_it_on(
        app: Flask, client: FlaskClient, http: requests.Session, provider: Provider,
        db_session: object) -> None:
    # Another e-mail than the provider's: only the HPR number can match.
    make_user("kari", email="kari@kommune.example", external_id="9144900")

    with single_sign_on(app, provider, OIDC_USER_CLAIM=HPR_CLAIM,
                        OIDC_SCOPES="openid profile helseid://scopes/identity/hpr_number"):
        answer = sign_in(client, http, "kari")

    assert answer.status_code == 302
    assert client.get("/auth/profile").status_code == 200


def test_an_unknown_person_gets_a_clear_page_an_audit_entry_and_no_account(
        client: FlaskClient, http: requests.Session, sso: Provider, db_session: object) -> None:
    users_before = db.session.scalar(db.select(db.func.count(User.id)))

    answer = sign_in(client, http, "ukjent")

    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "you are not a user of Avvik" in page
    assert "Ask your organisation's administrator" in page
    assert db.session.scalar(db.select(db.func.count(User.id))) == users_before
    entry = db.session.execute(db.select(AuditEntry).filter_by(action=UNKNOWN_PERSON)
                               ).scalar_one()
    assert entry.reason == f"email: ukjent.person@example.test; issuer: {sso.issuer}"
    assert client.get("/auth/profile").status_code == 302  # still not signed in


def test_the_page_for_an_unknown_person_is_in_bokmal_for_a_norwegian_browser(
        client: FlaskClient, http: requests.Session, sso: Provider, db_session: object) -> None:
    back = sign_in_at_provider(http, start(client), "ukjent")
    parts = urlsplit(back)

    answer = client.get(f"{parts.path}?{parts.query}", headers={"Accept-Language": "nb"})

    page = answer.get_data(as_text=True)
    assert "Ingen tilgang til Avvik" in page
    assert "men du er ikke bruker av Avvik" in page


def test_an_unknown_hpr_number_is_audited_without_the_number_itself(
        app: Flask, client: FlaskClient, http: requests.Session, provider: Provider,
        db_session: object) -> None:
    with single_sign_on(app, provider, OIDC_USER_CLAIM=HPR_CLAIM,
                        OIDC_SCOPES="openid helseid://scopes/identity/hpr_number"):
        answer = sign_in(client, http, "ukjent")

    assert answer.status_code == 403
    entry = db.session.execute(db.select(AuditEntry).filter_by(action=UNKNOWN_PERSON)
                               ).scalar_one()
    assert entry.reason.startswith(f"{HPR_CLAIM}: sha256:")
    assert "9100001" not in entry.reason


def test_a_deactivated_user_is_refused_and_audited(
        client: FlaskClient, http: requests.Session, sso: Provider, db_session: object) -> None:
    kari = make_user("kari", email="kari.nordmann@example.test", is_active=False)

    answer = sign_in(client, http, "kari")

    assert answer.status_code == 403
    assert "your user in Avvik is deactivated" in answer.get_data(as_text=True)
    entry = db.session.execute(db.select(AuditEntry).filter_by(action=DEACTIVATED_USER)
                               ).scalar_one()
    assert entry.object_id == kari.id
    assert db.session.execute(db.select(LoginSession).filter_by(user_id=kari.id)).first() is None


def test_a_tampered_state_is_refused(client: FlaskClient, http: requests.Session,
                                     sso: Provider, caplog: pytest.LogCaptureFixture,
                                     db_session: object) -> None:
    make_user("kari", email="kari.nordmann@example.test")
    back = sign_in_at_provider(http, start(client), "kari")
    query = {key: values[0] for key, values in parse_qs(urlsplit(back).query).items()}

    answer = client.get("/auth/oidc/callback?" + urlencode({**query, "state": "forged"}))

    assert answer.status_code == 400
    assert "could not be verified" in answer.get_data(as_text=True)
    assert "single sign-on failed: mismatching_state" in caplog.text
    assert client.get("/auth/profile").status_code == 302


def test_an_expired_id_token_is_refused(client: FlaskClient, http: requests.Session,
                                        sso: Provider, system_clock: Clock,
                                        caplog: pytest.LogCaptureFixture,
                                        db_session: object) -> None:
    """The provider's own ID token, checked two hours after it was made: long expired.
    (The provider accepts our client assertion still: it was made then too.)"""
    make_user("kari", email="kari.nordmann@example.test")
    back = sign_in_at_provider(http, start(client), "kari")

    with time_machine.travel(system_clock.now + timedelta(hours=2), tick=True):
        answer = come_back(client, back)

    assert answer.status_code == 400
    assert "could not be verified" in answer.get_data(as_text=True)
    assert "the ID token failed verification: expired_token" in caplog.text
    assert client.get("/auth/profile").status_code == 302


def test_an_answer_is_used_once(client: FlaskClient, http: requests.Session, sso: Provider,
                                db_session: object) -> None:
    make_user("kari", email="kari.nordmann@example.test")
    back = sign_in_at_provider(http, start(client), "kari")
    assert come_back(client, back).status_code == 302
    client.post("/auth/logout", data={"csrf_token": _csrf(client)})

    assert come_back(client, back).status_code == 400  # its state is spent


def test_an_answer_naming_another_issuer_is_refused(
        client: FlaskClient, http: requests.Session, sso: Provider, db_session: object) -> None:
    make_user("kari", email="kari.nordmann@example.test")
    back = sign_in_at_provider(http, start(client), "kari")
    query = {key: values[0] for key, values in parse_qs(urlsplit(back).query).items()}
    assert query["iss"] == sso.issuer  # RFC 9207: the provider names itself

    answer = client.get("/auth/oidc/callback?" + urlencode(
        {**query, "iss": "https://idp.example.test"}))

    assert answer.status_code == 400


def _csrf(client: FlaskClient) -> str:
    return csrf_token_from(client.get("/auth/profile").get_data(as_text=True))


def test_sign_out_ends_the_session_here_and_goes_on_to_the_providers_sign_out(
        app: Flask, client: FlaskClient, http: requests.Session, sso: Provider,
        db_session: object) -> None:
    kari = make_user("kari", email="kari.nordmann@example.test")
    sign_in(client, http, "kari")
    page = client.get("/auth/profile")
    end_session = sso.metadata["end_session_endpoint"]
    # The sign-out form's redirect to the provider must be allowed by the page's policy.
    assert f"form-action 'self' {sso.issuer};" in page.headers["Content-Security-Policy"]

    answer = client.post("/auth/logout", data={"csrf_token": csrf_token_from(
        page.get_data(as_text=True))})

    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(f"{end_session}?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == [f"{app.config['BASE_URL']}/auth/login"]
    assert query["client_id"] == [sso.client_id]
    assert query["id_token_hint"][0].count(".") == 2
    assert db.session.execute(db.select(LoginSession.ended_at).filter_by(user_id=kari.id)
                              ).scalar_one() is not None
    # The provider accepts the hint and the return address: it asks to confirm, no error.
    confirm = http.get(location, timeout=10)
    assert confirm.status_code == 200 and "logoutForm" in confirm.text


def test_password_sign_out_stays_here(client: FlaskClient, sso: Provider,
                                      db_session: object) -> None:
    make_user("kari")
    login(client, "kari", DEFAULT_PASSWORD)

    answer = client.post("/auth/logout", data={"csrf_token": _csrf(client)})

    assert answer.headers["Location"] == "/auth/login"


def test_with_password_sign_in_off_only_single_sign_on_is_offered(
        app: Flask, client: FlaskClient, provider: Provider, db_session: object) -> None:
    make_user("kari")
    with single_sign_on(app, provider, PASSWORD_SIGNIN=False):
        page = client.get("/auth/login").get_data(as_text=True)
        answer = client.post("/auth/login", data={
            "csrf_token": csrf_token_from(page), "username": "kari",
            "password": DEFAULT_PASSWORD})

    assert 'name="password"' not in page
    assert "/auth/oidc/login" in page
    assert answer.status_code == 200
    assert "Sign-in with a password is turned off" in answer.get_data(as_text=True)
    assert client.get("/auth/profile").status_code == 302


def test_a_provider_that_does_not_answer_gives_a_clear_page(
        app: Flask, client: FlaskClient, provider: Provider) -> None:
    silent = Provider("http://127.0.0.1:9", provider.client_id, provider.client_key_file,
                      provider.signing_key)
    with single_sign_on(app, silent):
        answer = client.get("/auth/oidc/login")

    assert answer.status_code == 503
    assert "does not answer" in answer.get_data(as_text=True)
