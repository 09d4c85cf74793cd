"""The user services called directly: what the pages cannot easily show."""

from __future__ import annotations

import pytest

from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.extensions import db
from avvik.users import services
from avvik.users.models import User
from tests.factories import make_unit, make_user

STRONG = "blå-fjord-sykkel-91"


def test_services_refuse_a_non_admin_actor(db_session):
    clerk, kari = make_user(), make_user()
    with pytest.raises(PermissionDenied):
        services.create_user(clerk, username="ny", full_name="Ny Bruker",
                             email="ny@example.org", locale=None, is_admin=True,
                             password=STRONG)
    with pytest.raises(PermissionDenied):
        services.deactivate_user(clerk, kari)
    with pytest.raises(PermissionDenied):
        services.add_membership(clerk, clerk, unit_id=make_unit().id, role="leader")
    assert kari.is_active and clerk.memberships == []


def test_a_duplicate_user_name_the_check_missed_becomes_a_form_error(db_session,
                                                                     monkeypatch):
    admin = make_user(is_admin=True)
    make_user("kari")
    monkeypatch.setattr(services, "_username_taken", lambda *args, **kwargs: False)
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(admin, username="kari", full_name="Kari To",
                             email="kari2@example.org", locale="", is_admin=False,
                             password=STRONG)
    assert refused.value.as_dict().keys() == {"username"}
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_all_problems_are_reported_at_once(db_session):
    admin = make_user(is_admin=True)
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(admin, username="x", full_name=" ", email="nope",
                             locale="sv", is_admin=False, password="kort")
    assert refused.value.as_dict().keys() == {"username", "full_name", "email", "locale",
                                              "password"}
