"""What saving a rule refuses: each reason on its field, the input kept, nothing saved."""

from __future__ import annotations

from html import unescape

import pytest

from avvik.extensions import db
from avvik.routing.models import RoutingRule
from tests.conftest import post_form
from tests.factories import (
    make_agreement,
    make_category,
    make_phase,
    make_transition,
    make_unit,
)
from tests.routing.helpers import rule_count, rule_form

NAME = "Regel som skal avvises"


def refused(client, url, data, field, reason):
    """Post ``data``; the page comes back with ``reason`` on ``field`` and the input."""
    before = rule_count()
    response = post_form(client, url, {**data, "name": NAME})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, "the form should come back, not redirect"
    assert f'id="{field}-error"' in html, f"no error on {field}"
    error = html[html.index(f'id="{field}-error"'):]
    assert reason in unescape(error[:error.index("</div>")])
    assert f'value="{NAME}"' in html  # what was typed is still there
    assert rule_count() == before
    return html


def new_url(world):
    return f"/routing/new?organization={world.hospital.id}"


def test_an_inactive_target_unit_is_refused(admin_client, world):
    closed = make_unit("Nedlagt post", parent=world.clinic, is_active=False)
    refused(admin_client, new_url(world), rule_form(world, target_unit_id=closed.id),
            "target_unit_id", "This unit is deactivated")


def test_a_unit_of_another_organisation_is_refused(admin_client, world):
    refused(admin_client, new_url(world), rule_form(world, target_unit_id=world.home_care.id),
            "target_unit_id", "belongs to another organisation")


def test_a_rule_without_target_unit_or_name_is_refused(admin_client, world):
    html = refused(admin_client, new_url(world), rule_form(world, target_unit_id=""),
                   "target_unit_id", "Choose the unit")
    assert "Please correct the following" in html
    response = post_form(admin_client, new_url(world), rule_form(world, name="  "))
    assert "Give the rule a name." in response.get_data(as_text=True)


def other_community_rows():
    phase = make_phase("C")
    return {"agreement_id": make_agreement("5"),
            "transition_id": make_transition("C1", phase=phase),
            "category_id": make_category("LM", phase=phase)}


@pytest.mark.parametrize("field", ["agreement_id", "transition_id", "category_id"])
def test_keys_of_another_health_community_are_refused(admin_client, world, field):
    foreign = other_community_rows()[field]
    # Transition "any", so a foreign category is not also refused for its phase.
    data = rule_form(world, **{"transition_id": "", field: foreign.id})
    refused(admin_client, new_url(world), data, field, "health community")


@pytest.mark.parametrize("field", ["agreement_id", "transition_id", "category_id"])
def test_inactive_keys_are_refused(admin_client, world, field):
    row = {"agreement_id": world.agreement, "transition_id": world.discharge,
           "category_id": world.other}[field]
    row.is_active = False
    db.session.flush()
    data = rule_form(world, **{field: row.id})
    refused(admin_client, new_url(world), data, field, "This entry is inactive")


def test_a_transition_under_an_inactive_phase_is_refused(admin_client, world):
    world.discharge.phase.is_active = False
    db.session.flush()
    refused(admin_client, new_url(world), rule_form(world), "transition_id",
            "This entry is inactive")


def test_a_category_the_transitions_phase_does_not_offer_is_refused(admin_client, world):
    # Discharge is in phase C; "missing in the admission report" is offered in phase A only.
    refused(admin_client, new_url(world),
            rule_form(world, category_id=world.admission_only.id), "category_id",
            "not offered in the transition's phase (C)")


def test_a_category_for_every_phase_fits_any_transition(admin_client, world):
    response = post_form(admin_client, new_url(world), rule_form(world, category_id=world.other.id))
    assert response.status_code == 302


def test_the_same_keys_as_another_active_rule_are_refused(admin_client, world):
    # world.rule: any agreement, any transition, category LM.
    data = rule_form(world, agreement_id="", transition_id="", category_id=world.medication.id)
    refused(admin_client, new_url(world), data, "agreement_id",
            "“Legemidler til medisinsk sengepost” has exactly these keys already")


def test_the_same_keys_as_an_inactive_rule_or_another_organisations_are_allowed(
        admin_client, world):
    db.session.add(RoutingRule(name="I kommunen", receiving_organization=world.kommune,
                               agreement=world.agreement, transition=world.discharge,
                               target_unit=world.home_care))
    world.rule.is_active = False
    db.session.flush()
    data = rule_form(world, agreement_id="", transition_id="", category_id=world.medication.id)
    assert post_form(admin_client, new_url(world), data).status_code == 302
    assert post_form(admin_client, new_url(world), rule_form(world, name="Ny")).status_code == 302


def test_editing_a_rule_into_the_keys_of_another_is_refused_but_keeping_its_own_is_not(
        admin_client, world):
    other = RoutingRule(name="Epikriser", receiving_organization=world.hospital,
                        transition=world.discharge, target_unit=world.clinic)
    db.session.add(other)
    db.session.flush()
    url = f"/routing/{other.id}/edit"
    refused(admin_client, url, rule_form(world, agreement_id="", transition_id="",
                                         category_id=world.medication.id),
            "agreement_id", "has exactly these keys already")
    db.session.refresh(other)
    assert other.category_id is None and other.transition_id == world.discharge.id
    same = rule_form(world, agreement_id="", target_unit_id=world.ward.id)
    assert post_form(admin_client, url, same).status_code == 302


def test_editing_a_rule_whose_unit_was_deactivated_asks_for_another_unit(admin_client, world):
    world.ward.is_active = False
    db.session.flush()
    url = f"/routing/{world.rule.id}/edit"
    html = admin_client.get(url).get_data(as_text=True)
    assert "Medisinsk sengepost (inactive)" in html  # the current target stays visible
    refused(admin_client, url, rule_form(world, agreement_id="", transition_id="",
                                         category_id=world.medication.id,
                                         target_unit_id=world.ward.id),
            "target_unit_id", "This unit is deactivated")
    db.session.refresh(world.rule)
    assert world.rule.name == "Legemidler til medisinsk sengepost"
