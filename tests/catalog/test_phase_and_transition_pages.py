"""Phases and the finer transitions under them, through the pages."""

from __future__ import annotations

from avvik.catalog.models import Phase, Transition
from avvik.extensions import db
from tests.conftest import post_form
from tests.factories import make_health_community, make_phase, make_transition


def _phase(community_id: int, code: str) -> Phase | None:
    return db.session.execute(
        db.select(Phase).filter_by(health_community_id=community_id, code=code)
    ).scalar_one_or_none()


def _transition(phase: Phase, code: str) -> Transition | None:
    return db.session.execute(
        db.select(Transition).filter_by(phase_id=phase.id, code=code)
    ).scalar_one_or_none()


def test_admin_creates_and_edits_a_phase(admin_client, community):
    response = post_form(admin_client, f"/catalog/phases/new?community={community.id}",
                         {"code": "C", "name": "Utskrivning", "sort_order": "3"})
    assert response.status_code == 302
    phase = _phase(community.id, "C")
    assert (phase.name, phase.sort_order, phase.is_active) == ("Utskrivning", 3, True)

    response = post_form(admin_client, f"/catalog/phases/{phase.id}/edit",
                         {"code": "C", "name": "Utskriving", "sort_order": ""})
    assert response.status_code == 302
    db.session.refresh(phase)
    assert (phase.name, phase.sort_order) == ("Utskriving", 0)


def test_admin_deactivates_and_reactivates_a_phase(admin_client, community):
    phase = make_phase("B", health_community=community)
    edit = f"/catalog/phases/{phase.id}/edit"
    post_form(admin_client, f"/catalog/phases/{phase.id}/active", {"active": "0"},
              token_from=edit)
    db.session.refresh(phase)
    assert not phase.is_active
    assert "Inactive" in admin_client.get(edit).get_data(as_text=True)
    post_form(admin_client, f"/catalog/phases/{phase.id}/active", {"active": "1"},
              token_from=edit)
    db.session.refresh(phase)
    assert phase.is_active


def test_duplicate_phase_code_is_refused_and_input_kept(admin_client, community):
    make_phase("A", health_community=community)
    response = post_form(admin_client, f"/catalog/phases/new?community={community.id}",
                         {"code": "a", "name": "Innleggelse på nytt", "sort_order": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="code-error"' in html and 'value="Innleggelse på nytt"' in html
    assert _phase(community.id, "a") is None


def test_admin_creates_edits_and_moves_a_transition(admin_client, community):
    discharge = make_phase("C", health_community=community)
    admission = make_phase("A", health_community=community)
    response = post_form(admin_client,
                         f"/catalog/transitions/new?community={community.id}",
                         {"phase_id": str(discharge.id), "code": "C1",
                          "name": "Melding om utskrivningsklar pasient", "sort_order": "1"})
    assert response.status_code == 302
    transition = _transition(discharge, "C1")
    assert transition.name == "Melding om utskrivningsklar pasient"

    response = post_form(admin_client, f"/catalog/transitions/{transition.id}/edit",
                         {"phase_id": str(admission.id), "code": "A1",
                          "name": "Innleggelsesrapport", "sort_order": "2"})
    assert response.status_code == 302
    db.session.refresh(transition)
    assert (transition.phase_id, transition.code, transition.sort_order) == (
        admission.id, "A1", 2)


def test_admin_deactivates_and_reactivates_a_transition(admin_client, community):
    transition = make_transition("C2", phase=make_phase(health_community=community))
    url = f"/catalog/transitions/{transition.id}/active"
    index = f"/catalog/?community={community.id}"
    assert post_form(admin_client, url, {"active": "0"}, token_from=index).status_code == 302
    db.session.refresh(transition)
    assert not transition.is_active
    post_form(admin_client, url, {"active": "1"}, token_from=index)
    db.session.refresh(transition)
    assert transition.is_active


def test_transition_with_a_phase_of_another_community_is_refused(admin_client, community):
    make_phase("C", health_community=community)
    foreign = make_phase("C", health_community=make_health_community())
    response = post_form(admin_client,
                         f"/catalog/transitions/new?community={community.id}",
                         {"phase_id": str(foreign.id), "code": "C9", "name": "Epikrise"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "belongs to another health community" in html and 'id="phase_id-error"' in html
    assert 'value="Epikrise"' in html
    assert _transition(foreign, "C9") is None


def test_transition_needs_a_phase(admin_client, community):
    make_phase("C", health_community=community)
    response = post_form(admin_client,
                         f"/catalog/transitions/new?community={community.id}",
                         {"phase_id": "", "code": "C9", "name": "Epikrise"})
    assert 'id="phase_id-error"' in response.get_data(as_text=True)


def test_duplicate_transition_code_in_a_phase_is_refused(admin_client, community):
    phase = make_phase("C", health_community=community)
    make_transition("C1", phase=phase)
    response = post_form(admin_client,
                         f"/catalog/transitions/new?community={community.id}",
                         {"phase_id": str(phase.id), "code": "c1", "name": "Epikrise"})
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html and 'value="Epikrise"' in html
    assert _transition(phase, "c1") is None
