"""The Test button: which rule would route a sample case, with the draft as if saved."""

from __future__ import annotations

from datetime import datetime
from html import unescape

from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.reports.services import create_draft, submit_report
from avvik.routing.models import RoutingRule
from avvik.routing.services import route_report
from tests.conftest import post_form
from tests.routing.helpers import rule_count, rule_form, sample

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


def result_of(response) -> str:
    """The text of the test result box, or "" when there is none."""
    html = unescape(response.get_data(as_text=True))
    if 'id="test-result"' not in html:
        return ""
    box = html[html.index('id="test-result"'):]
    return " ".join(box[:box.index("</div>")].split())


def press_test(client, world, url, **values):
    return post_form(client, url, {**rule_form(world), **sample(world), **values})


def new_url(world):
    return f"/routing/new?organization={world.hospital.id}"


def test_the_new_rule_wins_when_more_specific_and_nothing_is_saved(admin_client, world):
    before = rule_count()
    response = press_test(admin_client, world, new_url(world))
    assert response.status_code == 200
    text = result_of(response)
    assert ("A case with these values would go to Kirurgisk sengepost by rule "
            "“Epikriser til kirurgisk sengepost”.") in text
    assert "That is this rule." in text
    # The saved rule (one key) matches too and is listed after the winner (two keys).
    assert text.index("Epikriser til kirurgisk sengepost (this rule)") < text.index(
        "Legemidler til medisinsk sengepost")
    assert rule_count() == before
    db.session.expire_all()
    assert rule_count() == before


def test_the_most_specific_saved_rule_beats_a_less_specific_draft(admin_client, world):
    db.session.add(RoutingRule(
        name="Alt om legemidler i epikrise", receiving_organization=world.hospital,
        agreement=world.agreement, transition=world.discharge, category=world.medication,
        target_unit=world.clinic))
    db.session.flush()
    text = result_of(press_test(admin_client, world, new_url(world)))
    assert ("would go to Medisinsk klinikk by rule “Alt om legemidler i epikrise”."
            in text)
    assert "That is this rule." not in text


def test_on_a_tie_the_older_rule_wins_over_a_new_one(admin_client, world):
    # One key each: the saved category rule is older than any new rule.
    text = result_of(press_test(admin_client, world, new_url(world), transition_id=""))
    assert "would go to Medisinsk sengepost by rule “Legemidler til medisinsk sengepost”" in text


def test_without_a_matching_rule_the_fallback_is_said_in_words(admin_client, world):
    text = result_of(press_test(admin_client, world, new_url(world),
                          transition_id=world.admission.id,
                          sample_category_id=world.other.id))
    assert ("For a case with these values no rule matches: the case would go to the unit "
            "the reporter named, else to the coordinators of Testvik sykehus HF.") in text


def test_testing_an_edit_counts_the_changed_rule_and_leaves_the_saved_one(admin_client, world):
    url = f"/routing/{world.rule.id}/edit"
    text = result_of(press_test(admin_client, world, url, name=world.rule.name, agreement_id="",
                          transition_id="", category_id=world.medication.id,
                          target_unit_id=world.other_ward.id))
    assert ("would go to Kirurgisk sengepost by rule “Legemidler til medisinsk sengepost”. "
            "That is this rule.") in text
    db.session.expire_all()
    assert world.rule.target_unit_id == world.ward.id


def test_an_edit_whose_keys_no_longer_match_drops_the_saved_version(admin_client, world):
    url = f"/routing/{world.rule.id}/edit"
    text = result_of(press_test(admin_client, world, url, agreement_id="", transition_id="",
                          category_id=world.other.id, target_unit_id=world.ward.id))
    assert "no rule matches" in text


def test_an_inactive_rule_takes_no_part_in_the_test(admin_client, world):
    world.rule.is_active = False
    db.session.flush()
    url = f"/routing/{world.rule.id}/edit"
    text = result_of(press_test(admin_client, world, url, agreement_id="", transition_id="",
                          category_id=world.medication.id, target_unit_id=world.ward.id))
    assert "no rule matches" in text
    assert "This rule is inactive" in text


def test_the_test_needs_a_whole_sample_case(admin_client, world):
    before = rule_count()
    response = press_test(admin_client, world, new_url(world), sample_agreement_id="",
                    sample_category_id=world.admission_only.id)
    html = unescape(response.get_data(as_text=True))
    assert result_of(response) == ""
    assert 'id="sample_agreement_id-error"' in html
    assert "cannot have this category in the transition's phase" not in html
    response = press_test(admin_client, world, new_url(world),
                    sample_category_id=world.admission_only.id)
    assert 'id="sample_category_id-error"' in response.get_data(as_text=True)
    assert rule_count() == before


def test_a_rule_that_could_not_be_saved_cannot_be_tested(admin_client, world):
    response = press_test(admin_client, world, new_url(world), target_unit_id=world.home_care.id)
    assert result_of(response) == ""
    assert 'id="target_unit_id-error"' in response.get_data(as_text=True)


def test_the_test_agrees_with_the_routing_worker(admin_client, world):
    """Save what was tested, then route a real case: the same rule decides it."""
    text = result_of(press_test(admin_client, world, new_url(world)))
    assert "by rule “Epikriser til kirurgisk sengepost”" in text
    assert post_form(admin_client, new_url(world), rule_form(world)).status_code == 302
    report = create_draft(world.reporter, world.report_input(), now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    assert route_report(report, now=MONDAY)
    assert report.routing_basis == "rule"
    rule = db.session.get(RoutingRule, report.routing_rule_id)
    assert rule.name == "Epikriser til kirurgisk sengepost"
    assert report.responsible_unit_id == world.other_ward.id


def test_an_edited_rule_keeps_its_age_on_a_tie(admin_client, world):
    # A newer rule with one key, like world.rule: the older one still wins once edited.
    db.session.add(RoutingRule(name="Avtale 5", receiving_organization=world.hospital,
                               agreement=world.agreement, target_unit=world.clinic))
    db.session.flush()
    url = f"/routing/{world.rule.id}/edit"
    text = result_of(press_test(admin_client, world, url, name="Legemidler (endret)",
                                agreement_id="", transition_id="",
                                category_id=world.medication.id,
                                target_unit_id=world.other_ward.id))
    assert "would go to Kirurgisk sengepost by rule “Legemidler (endret)”" in text
