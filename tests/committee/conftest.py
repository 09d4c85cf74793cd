"""A routed case in the test world, a secretary and a committee member of its community."""

from __future__ import annotations

from datetime import datetime

import pytest

from avvik.core.timeutil import OSLO
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from avvik.users.models import Role
from tests.factories import make_user

ROUTED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


@pytest.fixture
def case(world):
    report = create_draft(world.reporter, world.report_input(), now=ROUTED_AT)
    submit_report(world.reporter, report, now=ROUTED_AT)
    route_report(report, now=ROUTED_AT)
    return report


@pytest.fixture
def secretary(world):
    return make_user("secretary", roles=[(Role.SECRETARIAT, world.clinic.parent)])


@pytest.fixture
def member(world):
    return make_user("member", roles=[(Role.COMMITTEE_MEMBER, world.clinic.parent)])
