"""The routing rule pages: list, create, edit, deactivate, reactivate; CSRF on every form."""

from __future__ import annotations

from sqlalchemy import select

from avvik.extensions import db
from avvik.routing.models import RoutingRule
from tests.conftest import post_form
from tests.factories import make_unit
from tests.routing.helpers import rule_count, rule_form


def rule_named(name: str) -> RoutingRule:
    return db.session.scalars(select(RoutingRule).filter_by(name=name)).one()


def test_the_list_shows_keys_any_for_empty_ones_target_and_status(admin_client, world):
    inactive = RoutingRule(name="Gammel regel", receiving_organization=world.hospital,
                           agreement=world.agreement, target_unit=world.clinic,
                           is_active=False)
    db.session.add(inactive)
    db.session.flush()
    html = admin_client.get(f"/routing/?organization={world.hospital.id}").get_data(
        as_text=True)
    row = html[html.index("Legemidler til medisinsk sengepost"):]
    row = row[:row.index("</tr>")]
    assert row.count("Any") == 2  # agreement and transition left empty
    assert "LM Legemiddelliste mangler" in row and "Medisinsk sengepost" in row
    assert "Active" in row
    old = html[html.index("Gammel regel"):]
    old = old[:old.index("</tr>")]
    assert "5 Utskrivningsklare pasienter" in old and "Inactive" in old
    assert "Reactivate" in old


def test_the_filter_shows_one_organisations_rules(admin_client, world):
    other_top = world.kommune.units[0]
    db.session.add(RoutingRule(name="Til kommunen", receiving_organization=world.kommune,
                               target_unit=other_top))
    db.session.flush()
    everything = admin_client.get("/routing/").get_data(as_text=True)
    assert "Til kommunen" in everything and "Legemidler til medisinsk" in everything
    hospital = admin_client.get(f"/routing/?organization={world.hospital.id}")
    assert "Til kommunen" not in hospital.get_data(as_text=True)
    assert "Legemidler til medisinsk" in hospital.get_data(as_text=True)
    assert admin_client.get("/routing/?organization=999999").status_code == 404


def test_an_administrator_creates_a_rule_through_the_page(admin_client, world):
    before = rule_count()
    response = post_form(admin_client, f"/routing/new?organization={world.hospital.id}",
                         rule_form(world))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/routing/?organization={world.hospital.id}")
    assert rule_count() == before + 1
    rule = rule_named("Epikriser til kirurgisk sengepost")
    assert (rule.receiving_organization_id, rule.agreement_id, rule.transition_id,
            rule.category_id, rule.target_unit_id, rule.is_active) == (
        world.hospital.id, world.agreement.id, world.discharge.id, None,
        world.other_ward.id, True)
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The routing rule was created." in page


def test_the_new_rule_page_needs_an_existing_organisation(admin_client, world):
    assert admin_client.get("/routing/new").status_code == 404
    assert admin_client.get("/routing/new?organization=999999").status_code == 404


def test_an_administrator_edits_a_rule_and_the_form_shows_its_values(admin_client, world):
    url = f"/routing/{world.rule.id}/edit"
    form = admin_client.get(url).get_data(as_text=True)
    assert 'value="Legemidler til medisinsk sengepost"' in form
    assert f'<option selected value="{world.medication.id}">' in form
    response = post_form(admin_client, url, rule_form(
        world, name="Legemidler i epikrise", agreement_id="",
        category_id=world.medication.id, target_unit_id=world.clinic.id))
    assert response.status_code == 302
    db.session.refresh(world.rule)
    assert (world.rule.name, world.rule.agreement_id, world.rule.transition_id,
            world.rule.category_id, world.rule.target_unit_id) == (
        "Legemidler i epikrise", None, world.discharge.id, world.medication.id,
        world.clinic.id)


def test_deactivate_and_reactivate_keep_the_rule(admin_client, world):
    url = f"/routing/{world.rule.id}/active"
    list_url = f"/routing/?organization={world.hospital.id}"
    response = post_form(admin_client, url, {"active": "0"}, token_from=list_url)
    assert response.status_code == 302
    db.session.refresh(world.rule)
    assert world.rule.is_active is False
    assert "was deactivated" in admin_client.get(list_url).get_data(as_text=True)
    response = post_form(admin_client, url, {"active": "1"}, token_from=list_url)
    assert response.status_code == 302
    db.session.refresh(world.rule)
    assert world.rule.is_active is True


def test_reactivating_a_rule_whose_unit_was_deactivated_is_refused(admin_client, world):
    world.rule.is_active = False
    world.ward.is_active = False
    db.session.flush()
    list_url = f"/routing/?organization={world.hospital.id}"
    response = post_form(admin_client, f"/routing/{world.rule.id}/active", {"active": "1"},
                         token_from=list_url, follow_redirects=True)
    assert "This unit is deactivated" in response.get_data(as_text=True)
    db.session.refresh(world.rule)
    assert world.rule.is_active is False


def test_reactivating_a_rule_with_the_keys_of_an_active_one_is_refused(admin_client, world):
    twin = RoutingRule(name="Tvilling", receiving_organization=world.hospital,
                       category=world.medication, target_unit=world.clinic, is_active=False)
    db.session.add(twin)
    db.session.flush()
    response = post_form(admin_client, f"/routing/{twin.id}/active", {"active": "1"},
                         token_from="/routing/", follow_redirects=True)
    assert "has exactly these keys already" in response.get_data(as_text=True)
    db.session.refresh(twin)
    assert twin.is_active is False


def test_a_post_without_csrf_token_keeps_the_input_and_saves_nothing(admin_client, world):
    before = rule_count()
    response = admin_client.post(f"/routing/new?organization={world.hospital.id}",
                                 data=rule_form(world, name="Uten token"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Uten token"' in html and "The page had expired" in html
    assert rule_count() == before


def test_set_active_without_csrf_token_changes_nothing(admin_client, world):
    response = admin_client.post(f"/routing/{world.rule.id}/active", data={"active": "0"})
    assert response.status_code == 400
    db.session.refresh(world.rule)
    assert world.rule.is_active is True


def test_the_unit_choices_are_the_receiving_organisations_active_units(admin_client, world):
    make_unit("Nedlagt post", parent=world.clinic, is_active=False)
    html = admin_client.get(f"/routing/new?organization={world.hospital.id}").get_data(
        as_text=True)
    choices = html[html.index('id="target_unit_id"'):]
    choices = choices[:choices.index("</select>")]
    assert "Testvik sykehus / Medisinsk klinikk / Medisinsk sengepost" in choices
    assert "Nedlagt post" not in choices and "Hjemmetjenesten" not in choices
