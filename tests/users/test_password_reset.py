"""An administrator's password reset ends every session of the user and revokes their
API tokens; an edit that leaves the password alone ends nothing."""

from __future__ import annotations

from sqlalchemy import select

from avvik.api.models import ApiToken
from avvik.api.services import create_token
from avvik.audit.models import AuditEntry
from avvik.auth.access import PASSWORD_RESET
from avvik.auth.models import LoginSession
from avvik.extensions import db
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "fjell-bris-kanelbolle-9"
CATALOG = "/api/v1/catalog"


def _form(user, password: str) -> dict:
    return {"username": user.username, "full_name": user.full_name, "email": user.email,
            "locale": "nb", "password": password, **({"is_admin": "y"} if user.is_admin
                                                     else {})}


def _browser(app, username: str):
    browser = new_browser(app)
    assert login(browser, username, DEFAULT_PASSWORD).status_code == 302
    return browser


def _works(client, plain: str) -> bool:
    return client.get(CATALOG, headers={"Authorization": f"Bearer {plain}"}
                      ).status_code == 200


def test_a_reset_ends_every_session_and_token_of_the_user(app, admin, admin_client, clock):
    kari = make_user("kari")
    token, plain = create_token(kari, "Kvalitetssystem")
    db.session.commit()
    first, second = _browser(app, "kari"), _browser(app, "kari")
    assert _works(first, plain)
    response = post_form(admin_client, f"/users/{kari.id}/edit", _form(kari, NEW_PASSWORD),
                         follow_redirects=True)
    assert "revoked their API tokens" in response.get_data(as_text=True)
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302
    assert not _works(first, plain)
    assert admin_client.get("/users/").status_code == 200  # the administrator stays in
    db.session.expire_all()
    assert db.session.scalars(select(LoginSession).filter_by(user_id=kari.id, ended_at=None)
                              ).all() == []
    assert token.revoked_at == clock.now
    [entry] = db.session.scalars(select(AuditEntry).filter_by(action=PASSWORD_RESET)).all()
    assert (entry.object_id, entry.actor_id) == (kari.id, admin.id)
    assert entry.detail == {"sessions_ended": 2, "tokens_revoked": 1}
    assert login(new_browser(app), "kari", NEW_PASSWORD).status_code == 302


def test_an_edit_without_a_new_password_ends_nothing(app, admin_client):
    kari = make_user("kari")
    _token, plain = create_token(kari, "Kvalitetssystem")
    db.session.commit()
    browser = _browser(app, "kari")
    response = post_form(admin_client, f"/users/{kari.id}/edit", _form(kari, ""))
    assert response.status_code == 302
    assert browser.get("/").status_code == 200 and _works(browser, plain)
    assert db.session.scalars(select(AuditEntry).filter_by(action=PASSWORD_RESET)).all() == []


def test_an_administrator_resetting_their_own_password_stays_signed_in_here(app, admin,
                                                                            admin_client):
    _token, plain = create_token(admin, "Eget skript")
    db.session.commit()
    elsewhere = _browser(app, admin.username)
    response = post_form(admin_client, f"/users/{admin.id}/edit", _form(admin, NEW_PASSWORD))
    assert response.status_code == 302
    assert admin_client.get("/users/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert not _works(elsewhere, plain)
    assert db.session.scalars(select(ApiToken).filter_by(revoked_at=None)).all() == []
