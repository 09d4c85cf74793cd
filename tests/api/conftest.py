"""Fixtures for the API tests: the cases' ``world``, tokens, and a case in any state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from avvik.api.services import create_token
from avvik.extensions import db
from avvik.reports.models import Report
from avvik.reports.services import (
    acknowledge_report,
    answer_report,
    create_draft,
    mark_answer_delivered,
    submit_report,
)
from avvik.routing.services import route_report
from avvik.users.models import User
from tests.reports.world import EVENT_DAY, World


def bearer(user: User, name: str = "test") -> dict[str, str]:
    """Headers that authenticate as ``user`` with a fresh token."""
    _token, plain = create_token(user, name)
    return {"Authorization": f"Bearer {plain}"}


def report_body(world: World, **overrides: Any) -> dict[str, Any]:
    """A valid body for ``POST /api/v1/reports``."""
    body: dict[str, Any] = {
        "receiving_organization_id": world.hospital.id, "agreement_id": world.agreement.id,
        "transition_id": world.discharge.id, "category_id": world.medication.id,
        "event_date": EVENT_DAY.isoformat(),
        "discovered_date": (EVENT_DAY + timedelta(days=1)).isoformat(),
        "description": "Pasienten kom hjem uten legemiddelliste.",
        "consequence": "minor", "potential_consequence": "moderate",
    }
    body.update(overrides)
    return body


def case_in(world: World, state: str) -> Report:
    """A case of ``world.reporter`` to the hospital, brought to ``state`` by the services:
    draft, submitted, routed (to the ward), acknowledged, answered, delivered."""
    data = world.report_input(event_date=EVENT_DAY, discovered_date=EVENT_DAY)
    report = create_draft(world.reporter, data)
    steps = ["draft", "submitted", "routed", "acknowledged", "answered", "delivered"]
    target = steps.index(state)
    if target >= 1:
        submit_report(world.reporter, report)
    if target >= 2:
        assert route_report(report)
    if target >= 3:
        acknowledge_report(world.ward_handler, report)
    if target >= 4:
        answer_report(world.ward_handler, report, "Rutinesvikt.", "Ny sjekkliste.")
    if target >= 5:
        assert mark_answer_delivered(report)
    db.session.commit()
    return report


@pytest.fixture
def reporter_auth(world: World) -> dict[str, str]:
    return bearer(world.reporter)


@pytest.fixture
def handler_auth(world: World) -> dict[str, str]:
    return bearer(world.ward_handler)


@pytest.fixture
def outsider_auth(world: World) -> dict[str, str]:
    return bearer(world.outsider)
