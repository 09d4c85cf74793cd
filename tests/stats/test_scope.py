"""Who counts what: leaders their units' subtree, advisers and coordinators their
organisation, the secretariat its whole health community, administrators everything."""

from __future__ import annotations

from datetime import date

import pytest

from avvik.organizations.models import OrganizationKind
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import Dimension, breakdown, total_count
from avvik.stats.scope import may_view_stats
from avvik.users.models import Role
from tests.factories import make_health_community, make_organization, make_unit, make_user
from tests.stats.data import make_case

PERIOD = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def cases(world):
    """Cases of every kind of involvement, and one in another health community."""
    other_town_unit = world.other_kommune.units[0]
    foreign_community = make_health_community("Et annet helsefellesskap")
    foreign_hf = make_organization("Fjernt HF", kind=OrganizationKind.HOSPITAL_TRUST,
                                   health_community=foreign_community)
    foreign_kommune = make_organization("Fjern kommune", health_community=foreign_community)
    foreign_ward = make_unit("Fjern sengepost", organization=foreign_hf)
    foreign_district = make_unit("Fjern sone", organization=foreign_kommune)
    return {
        "district_to_ward": make_case(world),
        "district_to_other_ward": make_case(world, receiving_unit=world.other_ward),
        "ward_to_home_care": make_case(world, reporting_unit=world.ward,
                                       receiving_unit=world.home_care),
        "other_town_to_other_ward": make_case(world, reporting_unit=other_town_unit,
                                              receiving_unit=world.other_ward),
        "other_town_to_coordinators": make_case(world, reporting_unit=other_town_unit,
                                                responsible=False),
        "foreign": make_case(world, reporting_unit=foreign_district,
                             receiving_unit=foreign_ward),
        "foreign_community": foreign_community,
        "foreign_top": foreign_ward,
    }


def test_administrators_count_everything(world, cases):
    assert total_count(world.admin, PERIOD) == 6


def test_a_leader_counts_their_units_subtree_on_either_side_only(world, cases):
    # The ward's leader: cases the ward answers or reports, nothing of the other ward.
    assert total_count(world.ward_leader, PERIOD) == 2
    # The clinic's leader: both wards below the clinic.
    assert total_count(world.clinic_leader, PERIOD) == 4
    # The home care leader: the district's reports and what home care must answer.
    assert total_count(world.kommune_leader, PERIOD) == 3


def test_a_leader_never_sees_another_organisations_numbers(world, cases):
    rows = breakdown(world.ward_leader, PERIOD, Dimension.REPORTING_ORGANIZATION)
    assert {r.organization_id for r in rows} == {world.kommune.id, world.hospital.id}
    assert sum(r.count for r in rows) == 2
    assert total_count(world.ward_leader, StatsFilter(
        PERIOD.period_from, PERIOD.period_to, organization_id=world.other_kommune.id)) == 0


def test_coordinators_and_quality_advisers_count_their_whole_organisation(world, cases):
    hospital_top = world.clinic.parent
    adviser = make_user("kvalitet", roles=[(Role.QUALITY_ADVISER, hospital_top)])
    # Every case with the hospital on either side, the coordinators' case included.
    assert total_count(world.hospital_coordinator, PERIOD) == 5
    assert total_count(adviser, PERIOD) == 5
    # The kommune coordinator: the district's two reports and the case to home care.
    assert total_count(world.kommune_coordinator, PERIOD) == 3


def test_a_quality_adviser_in_a_unit_still_counts_the_whole_organisation(world, cases):
    adviser = make_user("kvalitet2", roles=[(Role.QUALITY_ADVISER, world.home_care_district)])
    assert total_count(adviser, PERIOD) == 3


def test_the_secretariat_counts_its_whole_health_community_and_nothing_else(world, cases):
    secretariat = make_user("sekretariat", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    assert total_count(secretariat, PERIOD) == 5
    foreign = make_user("fjernsekretariat",
                        roles=[(Role.SECRETARIAT, cases["foreign_top"])])
    assert total_count(foreign, PERIOD) == 1


def test_reporters_and_handlers_have_no_dashboards(world, cases):
    assert total_count(world.reporter, PERIOD) == 0
    assert total_count(world.ward_handler, PERIOD) == 0
    assert not may_view_stats(world.reporter)
    assert not may_view_stats(world.ward_handler)
    assert may_view_stats(world.ward_leader)
    assert may_view_stats(world.admin)


def test_several_memberships_add_up(world, cases):
    both = make_user("begge", roles=[(Role.LEADER, world.other_ward),
                                     (Role.COORDINATOR, world.home_care.parent)])
    # other ward: 2 cases; the kommune: 3 cases, one of them to the other ward
    assert total_count(both, PERIOD) == 4
