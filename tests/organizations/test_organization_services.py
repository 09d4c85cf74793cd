"""The organisation services called directly: what the pages cannot easily show."""

from __future__ import annotations

import pytest

from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.extensions import db
from avvik.organizations import services
from avvik.organizations.models import Organization, Unit
from tests.factories import make_health_community, make_organization, make_unit, make_user


@pytest.fixture
def actor(db_session):
    return make_user(is_admin=True)


def test_services_refuse_a_non_admin_actor(db_session):
    clerk = make_user()
    community = make_health_community()
    with pytest.raises(PermissionDenied):
        services.create_health_community(clerk, name="Nytt fellesskap")
    with pytest.raises(PermissionDenied):
        services.create_organization(clerk, name="X", kind="kommune",
                                     health_community_id=community.id)
    with pytest.raises(PermissionDenied):
        services.deactivate_unit(clerk, make_unit())


def test_a_duplicate_the_checks_missed_becomes_a_form_error(actor, monkeypatch):
    # Two administrators saving at once: both pass the check, the database refuses one.
    community = make_health_community()
    make_organization("Fjordby kommune", health_community=community, org_number="974760673")
    monkeypatch.setattr(services, "_organization_by", lambda *args: None)
    with pytest.raises(ValidationFailed) as refused:
        services.create_organization(actor, name="Fjordby kommune", kind="kommune",
                                     health_community_id=community.id,
                                     org_number="974760673")
    assert refused.value.as_dict().keys() == {"name"}
    # The session is still usable: the SAVEPOINT took the failed insert with it.
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 1


def test_a_unit_never_ends_up_in_a_cycle(actor):
    top = make_unit("Topp")
    middle = make_unit("Midt", parent=top)
    bottom = make_unit("Bunn", parent=middle)
    for new_parent in (top, bottom):
        with pytest.raises(ValidationFailed) as refused:
            services.update_unit(actor, top, name="Topp", parent_id=new_parent.id)
        assert refused.value.as_dict().keys() == {"parent_id"}
    assert top.parent_id is None


def test_a_missing_parent_is_refused_not_taken_as_top(actor):
    org = make_organization()
    with pytest.raises(ValidationFailed) as refused:
        services.create_unit(actor, org, name="Sengepost", parent_id=987654)
    assert refused.value.as_dict().keys() == {"parent_id"}


def test_no_units_are_created_in_an_inactive_organization(actor):
    org = make_organization(is_active=False)
    with pytest.raises(ValidationFailed):
        services.create_unit(actor, org, name="Sengepost")
    assert db.session.scalar(db.select(db.func.count(Unit.id))) == 0


def test_deactivating_an_organization_keeps_its_units_flags(actor):
    unit = make_unit()
    services.deactivate_organization(actor, unit.organization)
    services.reactivate_organization(actor, unit.organization)
    assert unit.is_active and unit.organization.is_active


def test_a_new_community_takes_the_default_deadlines_and_keeps_them_in_order(actor):
    community = services.create_health_community(actor, name="Fjordby")
    assert (community.reminder_days_before, community.escalation_level2_days,
            community.escalation_level3_days, community.identity_retention_days) == (
        5, 5, 10, 30)
    with pytest.raises(ValidationFailed) as refused:  # level 2 stays at its default, 5
        services.create_health_community(actor, name="Nordby", escalation_level3_days=4)
    assert refused.value.as_dict().keys() == {"escalation_level3_days"}
    with pytest.raises(TypeError):
        services.create_health_community(actor, name="Sørby", answer_days=3)
