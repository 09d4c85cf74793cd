"""Personal bearer tokens: the only way into the API; created, shown once, revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from avvik.api.models import ApiToken
from avvik.api.services import authenticate_token, create_token, hash_token, revoke_token
from avvik.audit.models import AuditEntry
from avvik.core.errors import NotFound, ValidationFailed
from avvik.core.timeutil import OSLO, as_utc
from avvik.extensions import db
from avvik.users.models import Role, User
from tests.api.conftest import bearer
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import DEFAULT_PASSWORD, make_unit, make_user

CATALOG = "/api/v1/catalog"


def integration_user(username: str, role: Role = Role.QUALITY_ADVISER) -> User:
    """Someone the token page is for: a role that sets up integrations."""
    return make_user(username, roles=[(role, make_unit())])


def test_only_a_hash_and_a_prefix_of_the_token_are_stored(db_session):
    user = make_user()
    token, plain = create_token(user, "  Kvalitetssystem  ")
    assert len(plain) >= 43 and token.name == "Kvalitetssystem"
    assert token.token_hash == hash_token(plain) != plain
    assert token.prefix == plain[:8] and plain not in token.token_hash
    assert authenticate_token(plain) is user


def test_a_token_needs_a_name_of_sensible_length(db_session):
    user = make_user()
    for name in ("", "   ", "\x00", "x" * 101):
        with pytest.raises(ValidationFailed) as failure:
            create_token(user, name)
        assert failure.value.errors[0][0] == "name"


def test_only_the_owner_revokes_a_token(db_session):
    owner, other = make_user(), make_user()
    token, plain = create_token(owner, "t")
    with pytest.raises(NotFound):
        revoke_token(other, token)
    assert authenticate_token(plain) is owner
    revoke_token(owner, token)
    assert token.revoked_at is not None and authenticate_token(plain) is None


def test_the_api_answers_401_json_without_a_valid_token(client, db_session):
    user = make_user()
    _token, plain = create_token(user, "t")
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer nonsense"},
                    {"Authorization": f"Basic {plain}"}, {"Authorization": plain},
                    {"Authorization": "Bearer " + "x" * 5000}):
        response = client.get(CATALOG, headers=headers)
        assert response.status_code == 401, headers
        assert response.get_json()["status"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(CATALOG, headers={"Authorization": f"bearer {plain}"}).status_code == 200


def test_a_revoked_token_or_an_inactive_user_gets_401(client, db_session):
    user = make_user()
    headers = bearer(user)
    assert client.get(CATALOG, headers=headers).status_code == 200
    for token in db.session.scalars(select(ApiToken).filter_by(user_id=user.id)):
        revoke_token(user, token)
    db.session.commit()
    assert client.get(CATALOG, headers=headers).status_code == 401
    other = make_user()
    other_headers = bearer(other)
    other.is_active = False
    db.session.commit()
    assert client.get(CATALOG, headers=other_headers).status_code == 401


def test_posts_without_a_token_get_401_not_a_csrf_error(client, db_session):
    response = client.post("/api/v1/reports", json={})
    assert response.status_code == 401 and response.is_json


def test_the_session_cookie_of_a_signed_in_browser_does_not_open_the_api(client, db_session):
    integration_user("kari")
    assert login(client, "kari", DEFAULT_PASSWORD).status_code == 302
    assert client.get("/api-tokens/").status_code == 200  # signed in for pages
    assert client.get(CATALOG).status_code == 401
    assert client.post("/api/v1/reports", json={}).status_code == 401


def test_using_a_token_records_when_it_was_last_used(client, db_session, clock):
    user = make_user()
    token, plain = create_token(user, "t")
    assert token.last_used_at is None
    client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"})
    db.session.refresh(token)  # the request had a session of its own
    first = token.last_used_at
    assert first is not None and as_utc(first) == clock.now


def test_the_token_page_needs_a_signed_in_user(client, db_session):
    response = client.get("/api-tokens/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_token_created_on_the_page_is_shown_once_and_works(client, db_session):
    integration_user("kari")
    login(client, "kari", DEFAULT_PASSWORD)
    response = post_form(client, "/api-tokens/", {"name": "Kvalitetssystem"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    token = db.session.scalars(select(ApiToken).filter_by(name="Kvalitetssystem")).one()
    plain = html.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert hash_token(plain) == token.token_hash
    assert client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    listing = client.get("/api-tokens/").get_data(as_text=True)
    assert "Kvalitetssystem" in listing and token.prefix in listing and plain not in listing


def test_a_token_without_a_name_is_refused_on_the_page(client, db_session):
    integration_user("kari")
    login(client, "kari", DEFAULT_PASSWORD)
    response = post_form(client, "/api-tokens/", {"name": ""})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(
        as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_token_is_revoked_on_the_page_by_its_owner_only(client, db_session):
    kari = integration_user("kari")
    other = make_user("ola")
    mine, my_plain = create_token(kari, "min")
    theirs, their_plain = create_token(other, "deres")
    db.session.commit()
    login(client, "kari", DEFAULT_PASSWORD)
    page = client.get("/api-tokens/").get_data(as_text=True)
    csrf = csrf_token_from(page)
    response = client.post(f"/api-tokens/{theirs.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 404
    response = client.post(f"/api-tokens/{mine.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 302
    db.session.expire_all()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert client.get(CATALOG, headers={"Authorization": f"Bearer {their_plain}"}
                      ).status_code == 200
    assert client.get(CATALOG, headers={"Authorization": f"Bearer {my_plain}"}
                      ).status_code == 401
    assert client.post(f"/api-tokens/{2**40}/revoke", data={"csrf_token": csrf}
                       ).status_code == 404


def test_revoking_on_the_page_needs_the_csrf_token(client, db_session):
    kari = integration_user("kari")
    token, _plain = create_token(kari, "min")
    db.session.commit()
    login(client, "kari", DEFAULT_PASSWORD)
    response = client.post(f"/api-tokens/{token.id}/revoke")
    db.session.refresh(token)
    assert response.status_code == 400 and token.revoked_at is None


def test_create_token_command_prints_a_working_token(app, client, db_session):
    make_user("kari")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["create-token", "kari", "--name", "Skript"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip()
    token = db.session.scalars(select(ApiToken).filter_by(name="Skript")).one()
    assert token.token_hash == hash_token(plain)
    assert client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"}).status_code == 200


def test_create_token_command_refuses_an_unknown_user(app, db_session):
    result = app.test_cli_runner().invoke(args=["create-token", "nobody"])
    assert result.exit_code == 1 and "nobody" in result.output


def test_the_profile_section_links_to_the_token_page(app, client, db_session):
    integration_user("kari")
    login(client, "kari", DEFAULT_PASSWORD)
    html = client.get("/auth/profile").get_data(as_text=True)
    assert 'href="/api-tokens/"' in html


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.QUALITY_ADVISER, Role.SECRETARIAT,
                                  "admin"])
def test_the_roles_that_set_up_integrations_are_offered_tokens(client, db_session, role):
    if role == "admin":
        make_user("kari", is_admin=True)
    else:
        integration_user("kari", role)
    login(client, "kari", DEFAULT_PASSWORD)
    assert "API tokens" in client.get("/auth/profile").get_data(as_text=True)
    assert client.get("/api-tokens/").status_code == 200


@pytest.mark.parametrize("role", [Role.REPORTER, Role.HANDLER, Role.LEADER, None])
def test_clinicians_are_not_offered_tokens(client, db_session, role):
    make_user("kari", roles=[(role, make_unit())] if role else [])
    login(client, "kari", DEFAULT_PASSWORD)
    profile = client.get("/auth/profile").get_data(as_text=True)
    assert "API tokens" not in profile and "/api-tokens/" not in profile
    assert client.get("/api-tokens/").status_code == 403
    assert post_form(client, "/api-tokens/", {"name": "Eget skript"},
                     token_from="/auth/profile").status_code == 403
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_token_an_operator_made_works_and_its_owner_may_revoke_it(client, db_session):
    nurse = make_user("kari", roles=[(Role.REPORTER, make_unit())])
    token, plain = create_token(nurse, "Journalsystem")  # as avvik create-token makes it
    db.session.commit()
    assert client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    login(client, "kari", DEFAULT_PASSWORD)
    csrf = csrf_token_from(client.get("/auth/profile").get_data(as_text=True))
    revoked = client.post(f"/api-tokens/{token.id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 302 and revoked.headers["Location"] == "/auth/profile"
    assert client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_a_token_expires_after_the_configured_days(app, client, db_session, clock):
    user = make_user()
    token, _plain = create_token(user, "t")
    assert token.expires_at == clock.now + timedelta(days=90)
    app.config["API_TOKEN_DAYS"] = 7
    try:
        assert create_token(user, "u")[0].expires_at == clock.now + timedelta(days=7)
    finally:
        app.config["API_TOKEN_DAYS"] = 90


def test_an_expired_token_is_refused_from_its_expiry_on(client, db_session, clock):
    user = make_user()
    token, plain = create_token(user, "t")
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    clock.shift(as_utc(token.expires_at) - clock.now - timedelta(microseconds=1))
    assert client.get(CATALOG, headers=headers).status_code == 200
    clock.shift(timedelta(microseconds=1))  # the very moment it expires
    response = client.get(CATALOG, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("/unauthorized") and problem["status"] == 401
    assert "expired" in problem["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert authenticate_token(plain) is None


def test_the_page_shows_when_each_token_was_created_last_used_and_expires(client, db_session,
                                                                          clock):
    kari = integration_user("kari")
    kari.locale = "en"
    _used, plain = create_token(kari, "Brukt")
    create_token(kari, "Ubrukt")
    expired, _ = create_token(kari, "Utgått")
    expired.expires_at = clock.now - timedelta(days=1)
    db.session.commit()
    client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"})
    login(client, "kari", DEFAULT_PASSWORD)
    html = client.get("/api-tokens/").get_data(as_text=True)
    rows = {name: html.split(f"<td>{name}</td>")[1].split("</tr>")[0]
            for name in ("Brukt", "Ubrukt", "Utgått")}
    when = clock.now.astimezone(OSLO)
    expires = (clock.now + timedelta(days=90)).astimezone(OSLO)
    assert rows["Brukt"].count(f"<td>{when:%d/%m/%Y, %H:%M}</td>") == 2  # created, used
    assert f"<td>{expires:%d/%m/%Y, %H:%M}</td>" in rows["Brukt"] and "Revoke" in rows["Brukt"]
    assert "Never" in rows["Ubrukt"] and "Revoke" in rows["Ubrukt"]
    assert "Expired" in rows["Utgått"] and "Revoke" not in rows["Utgått"]
    assert "90 days" in html


def test_revoking_on_the_page_is_audited(client, db_session):
    kari = integration_user("kari")
    token, _plain = create_token(kari, "min")
    db.session.commit()
    login(client, "kari", DEFAULT_PASSWORD)
    post_form(client, f"/api-tokens/{token.id}/revoke", {}, token_from="/api-tokens/")
    entries = db.session.scalars(select(AuditEntry).filter_by(object_type="api_token")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        ("api_token.created", token.id, kari.id), ("api_token.revoked", token.id, kari.id)]
    page = client.get("/api-tokens/").get_data(as_text=True)
    assert "is revoked and no longer works" in page and "Revoked" in page


def test_an_owner_without_a_token_role_sees_their_token_but_cannot_create_one(client,
                                                                           db_session):
    kari = make_user("kari", roles=[(Role.REPORTER, make_unit())])
    create_token(kari, "Journalsystem", by_operator=True)
    db.session.commit()
    login(client, "kari", DEFAULT_PASSWORD)
    profile = client.get("/auth/profile").get_data(as_text=True)
    assert 'href="/api-tokens/"' in profile and "revokes your API tokens" in profile
    page = client.get("/api-tokens/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Journalsystem" in html and "Revoke" in html
    assert "Create token" not in html
    assert post_form(client, "/api-tokens/", {"name": "Eget"}).status_code == 403
