"""Service rules that the pages cannot reach: permissions and the race on unique numbers."""

from __future__ import annotations

import pytest

from avvik.catalog import services
from avvik.catalog.models import Agreement, Category
from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.extensions import db
from tests.factories import (
    make_agreement,
    make_category,
    make_health_community,
    make_phase,
    make_user,
)


def test_services_refuse_non_admins(db_session):
    community = make_health_community()
    user = make_user()
    agreement = make_agreement(health_community=community)
    with pytest.raises(PermissionDenied):
        services.create_agreement(user, community, number="1", title="Oppgavefordeling")
    with pytest.raises(PermissionDenied):
        services.set_agreement_active(user, agreement, False)
    with pytest.raises(PermissionDenied):
        services.create_category(user, community, code="annet", name="Annet")
    assert agreement.is_active


def test_unique_number_lost_to_a_concurrent_request_becomes_a_field_error(
        db_session, monkeypatch):
    community = make_health_community()
    admin = make_user(is_admin=True)
    make_agreement("5a", health_community=community)
    # As if another request inserted "5a" between our check and our flush.
    monkeypatch.setattr(services, "_taken", lambda *args, **kwargs: False)
    with pytest.raises(ValidationFailed) as caught:
        services.create_agreement(admin, community, number="5a", title="Utskrivningsklare")
    assert [field for field, _ in caught.value.errors] == ["number"]
    # The savepoint took the failed insert with it; the session goes on working.
    services.create_agreement(admin, community, number="6", title="Kunnskapsoverføring")
    numbers = db.session.scalars(
        db.select(Agreement.number).filter_by(health_community_id=community.id)).all()
    assert sorted(numbers) == ["5a", "6"]


def test_unique_code_lost_on_update_becomes_a_field_error(db_session, monkeypatch):
    community = make_health_community()
    admin = make_user(is_admin=True)
    make_category("annet", health_community=community)
    other = make_category("epikrise", health_community=community)
    monkeypatch.setattr(services, "_taken", lambda *args, **kwargs: False)
    with pytest.raises(ValidationFailed) as caught:
        services.update_category(admin, other, code="annet", name="Epikrise",
                                 phase_id=None, sort_order=0)
    assert [field for field, _ in caught.value.errors] == ["code"]
    assert db.session.get(Category, other.id).code == "epikrise"


def test_an_entry_may_keep_its_inactive_phase_but_not_move_into_one(db_session):
    community = make_health_community()
    admin = make_user(is_admin=True)
    closed = make_phase("X", health_community=community, is_active=False)
    open_phase = make_phase("C", health_community=community)
    category = make_category("gammel", phase=closed)
    services.update_category(admin, category, code="gammel", name="Gammel", phase_id=closed.id,
                             sort_order=0)
    moved = make_category("ny", phase=open_phase)
    with pytest.raises(ValidationFailed) as caught:
        services.update_category(admin, moved, code="ny", name="Ny", phase_id=closed.id,
                                 sort_order=0)
    assert [field for field, _ in caught.value.errors] == ["phase_id"]


def test_legal_point_must_be_on_the_laws_list(db_session):
    admin = make_user(is_admin=True)
    with pytest.raises(ValidationFailed) as caught:
        services.create_agreement(admin, make_health_community(), number="14",
                                  title="Utenfor lista", legal_point=14)
    assert [field for field, _ in caught.value.errors] == ["legal_point"]
