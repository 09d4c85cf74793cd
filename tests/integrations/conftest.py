"""Fixtures of the integration tests: service tokens of the world's organisations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from avvik.extensions import db
from avvik.integrations.accounts import READ, issue_service_token
from avvik.organizations.models import Organization
from avvik.reports.models import Report
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from avvik.users.models import User
from tests.reports.world import World

#: How long the feed waits for a change to settle (FEED_SETTLE_SECONDS's default).
SETTLE = timedelta(seconds=60)


def service_auth(world: World, organization: Organization, scope: str = READ
                 ) -> dict[str, str]:
    """Headers with a new service token of ``organization``, issued by the admin."""
    _token, plain = issue_service_token(world.admin, organization, "Kvalitetssystem", scope)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def file_case(world: World, reporter: User | None = None, **overrides: object) -> Report:
    """A case sent and routed, committed."""
    reporter = reporter or world.reporter
    if reporter is world.outsider:
        overrides.setdefault("reporting_unit_id", world.outsider.memberships[0].unit_id)
        overrides.setdefault("receiving_unit_id", world.other_ward.id)
        overrides.setdefault("category_id", world.other.id)
    report = create_draft(reporter, world.report_input(**overrides))
    submit_report(reporter, report)
    route_report(report)
    db.session.commit()
    return report


@pytest.fixture
def kommune_auth(world: World) -> dict[str, str]:
    return service_auth(world, world.kommune)


@pytest.fixture
def hospital_auth(world: World) -> dict[str, str]:
    return service_auth(world, world.hospital)
