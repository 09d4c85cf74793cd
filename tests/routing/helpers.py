"""Form data and counts shared by the routing tests."""

from __future__ import annotations

from sqlalchemy import func, select

from avvik.extensions import db
from avvik.routing.models import RoutingRule
from tests.reports.world import World


def rule_count() -> int:
    return db.session.scalar(select(func.count()).select_from(RoutingRule))


def rule_form(world: World, **overrides: object) -> dict[str, object]:
    """A valid new rule for the hospital: agreement 5 + discharge → the surgical ward."""
    values: dict[str, object] = {
        "name": "Epikriser til kirurgisk sengepost", "agreement_id": world.agreement.id,
        "transition_id": world.discharge.id, "category_id": "",
        "target_unit_id": world.other_ward.id, "action": "save",
    }
    values.update(overrides)
    return values


def sample(world: World, **overrides: object) -> dict[str, object]:
    """A sample case: agreement 5, discharge (phase C), medication list missing."""
    values: dict[str, object] = {
        "sample_agreement_id": world.agreement.id,
        "sample_transition_id": world.discharge.id,
        "sample_category_id": world.medication.id, "action": "test",
    }
    values.update(overrides)
    return values
