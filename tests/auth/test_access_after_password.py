"""A changed password ends what the old one opened: the other browsers and the API tokens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from avvik.api.models import ApiToken
from avvik.api.services import create_token, revoke_token
from avvik.audit.models import AuditEntry
from avvik.auth.access import PASSWORD_CHANGED, end_access_after_new_password
from avvik.auth.models import LoginSession
from avvik.extensions import db
from tests.auth.conftest import signed_in_client
from tests.conftest import post_form
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "fjell-bris-kanelbolle-9"
CATALOG = "/api/v1/catalog"


def change(client, current: str, new: str):
    return post_form(client, "/auth/profile/password",
                     {"current_password": current, "new_password": new,
                      "confirm_password": new}, token_from="/auth/profile")


def works(client, plain: str) -> bool:
    status = client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"}).status_code
    assert status in (200, 401)
    return status == 200


def test_own_change_signs_out_the_other_browser_and_revokes_the_tokens(app, kari, clock):
    _token, plain = create_token(kari, "Kvalitetssystem")
    _second, second_plain = create_token(kari, "Skript")
    db.session.commit()
    here, elsewhere = signed_in_client(app, "kari"), signed_in_client(app, "kari")
    assert works(here, plain) and works(here, second_plain)
    response = change(here, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert response.headers["Location"] == "/auth/profile"
    profile = here.get("/auth/profile")  # still signed in here
    assert "your API tokens are revoked" in profile.get_data(as_text=True)
    assert elsewhere.get("/").status_code == 302  # signed out
    assert not works(here, plain) and not works(here, second_plain)
    db.session.expire_all()
    tokens = db.session.scalars(select(ApiToken).filter_by(user_id=kari.id)).all()
    assert {token.revoked_at for token in tokens} == {clock.now}


def test_own_change_is_audited_with_what_it_ended(app, kari, clock):
    token, _plain = create_token(kari, "Kvalitetssystem")
    db.session.commit()
    here, _elsewhere = signed_in_client(app, "kari"), signed_in_client(app, "kari")
    change(here, DEFAULT_PASSWORD, NEW_PASSWORD)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    changed = [e for e in entries if e.action == PASSWORD_CHANGED]
    assert [(e.object_type, e.object_id, e.actor_id) for e in changed] == [
        ("user", kari.id, kari.id)]
    assert changed[0].detail == {"sessions_ended": 1, "tokens_revoked": 1}
    revoked = [e for e in entries if e.action == "api_token.revoked"]
    assert [(e.object_id, e.actor_id, e.detail) for e in revoked] == [
        (token.id, kari.id, {"owner_id": kari.id, "because": PASSWORD_CHANGED})]


def test_a_refused_change_leaves_sessions_and_tokens_alone(app, kari):
    _token, plain = create_token(kari, "Kvalitetssystem")
    db.session.commit()
    here, elsewhere = signed_in_client(app, "kari"), signed_in_client(app, "kari")
    response = change(here, "ikke-mitt-passord", NEW_PASSWORD)
    assert response.status_code == 200
    assert elsewhere.get("/").status_code == 200
    assert works(here, plain)


def test_only_the_users_own_sessions_and_tokens_end(app, kari):
    ola = make_user("ola")
    _token, olas_plain = create_token(ola, "Ola's")
    db.session.commit()
    olas_browser = signed_in_client(app, "ola")
    change(signed_in_client(app, "kari"), DEFAULT_PASSWORD, NEW_PASSWORD)
    assert olas_browser.get("/").status_code == 200
    assert works(olas_browser, olas_plain)


def test_tokens_already_revoked_or_expired_are_left_as_they_were(app, kari, clock):
    revoked, _ = create_token(kari, "revoked")
    revoke_token(kari, revoked)
    expired, _ = create_token(kari, "expired")
    expired.expires_at = clock.now - timedelta(seconds=1)
    working, _ = create_token(kari, "working")
    first_revocation = revoked.revoked_at
    clock.shift(timedelta(minutes=5))
    sessions, tokens = end_access_after_new_password(kari, actor=kari,
                                                     action=PASSWORD_CHANGED)
    assert (sessions, tokens) == (0, 1)
    db.session.expire_all()
    assert revoked.revoked_at == first_revocation and expired.revoked_at is None
    assert working.revoked_at == clock.now
    still_open = db.session.scalars(select(LoginSession).filter_by(ended_at=None)).all()
    assert still_open == []
