"""What a reporter may choose: active rows only, every-phase categories in every phase."""

from __future__ import annotations

from avvik.catalog.queries import (
    active_agreements,
    active_phases,
    active_transitions,
    categories_for_phase,
)
from tests.factories import (
    make_agreement,
    make_category,
    make_health_community,
    make_phase,
    make_transition,
)


def _codes(rows) -> list[str]:
    return [getattr(r, "code", None) or r.number for r in rows]


def test_active_agreements_leave_out_inactive_and_foreign_ones(db_session):
    community = make_health_community()
    for number in ("12", "L1", "5b", "2", "5a"):
        make_agreement(number, health_community=community)
    make_agreement("7", health_community=community, is_active=False)
    make_agreement("3", health_community=make_health_community())
    assert _codes(active_agreements(community.id)) == ["2", "5a", "5b", "12", "L1"]


def test_active_transitions_leave_out_inactive_ones_and_inactive_phases(db_session):
    community = make_health_community()
    admission = make_phase("A", health_community=community, sort_order=1)
    discharge = make_phase("C", health_community=community, sort_order=3)
    closed = make_phase("X", health_community=community, is_active=False)
    make_transition("C2", phase=discharge, sort_order=2)
    make_transition("C1", phase=discharge, sort_order=1)
    make_transition("A1", phase=admission)
    make_transition("C3", phase=discharge, is_active=False)
    make_transition("X1", phase=closed)
    make_transition("F1", phase=make_phase("C", health_community=make_health_community()))
    assert _codes(active_transitions(community.id)) == ["A1", "C1", "C2"]
    assert _codes(active_transitions(community.id, discharge.id)) == ["C1", "C2"]
    assert _codes(active_phases(community.id)) == ["A", "C"]


def test_categories_for_phase_include_every_phase_categories(db_session):
    community = make_health_community()
    admission = make_phase("A", health_community=community)
    discharge = make_phase("C", health_community=community)
    make_category("epikrise", phase=discharge, sort_order=1)
    make_category("innleggelsesrapport", phase=admission, sort_order=1)
    make_category("annet", health_community=community, sort_order=99)
    make_category("gammel", phase=discharge, is_active=False)
    make_category("gammel-alle", health_community=community, is_active=False)
    make_category("fremmed", health_community=make_health_community())
    assert _codes(categories_for_phase(community.id, discharge.id)) == ["epikrise", "annet"]
    assert _codes(categories_for_phase(community.id, admission.id)) == [
        "innleggelsesrapport", "annet"]
    assert _codes(categories_for_phase(community.id, None)) == ["annet"]
