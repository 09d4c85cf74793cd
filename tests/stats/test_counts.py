"""Known cases in, exact counts out: months, years, directions and every breakdown."""

from __future__ import annotations

from datetime import date

import pytest

from avvik.reports.models import Consequence, Direction, ReportStatus
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import (
    Dimension,
    breakdown,
    counts_per_month,
    counts_per_year,
    pareto,
    total_count,
)
from tests.factories import make_agreement, make_category
from tests.stats.data import make_case

M2H = Direction.MUNICIPALITY_TO_HOSPITAL
H2M = Direction.HOSPITAL_TO_MUNICIPALITY
OTHER = Direction.OTHER
PERIOD = StatsFilter(date(2025, 11, 1), date(2026, 2, 28))


def test_only_submitted_cases_are_counted(world):
    for status in ReportStatus:
        make_case(world, status=status)
    assert total_count(world.admin, PERIOD) == 5  # submitted, routed, ack., answered, closed


def test_counts_per_month_are_stacked_by_direction_with_every_month_present(world):
    make_case(world, event_date=date(2025, 11, 30))
    make_case(world, event_date=date(2026, 1, 1))
    make_case(world, event_date=date(2026, 1, 31))
    make_case(world, event_date=date(2026, 1, 2), reporting_unit=world.ward,
              receiving_unit=world.home_care)
    make_case(world, event_date=date(2026, 1, 3), receiving_unit=world.other_kommune.units[0])
    make_case(world, event_date=date(2026, 3, 1))  # after the period
    make_case(world, event_date=date(2025, 10, 31))  # before it

    months = counts_per_month(world.admin, PERIOD)

    assert [m.period for m in months] == [date(2025, 11, 1), date(2025, 12, 1),
                                          date(2026, 1, 1), date(2026, 2, 1)]
    assert [m.by_direction for m in months] == [
        {M2H: 1, H2M: 0, OTHER: 0},
        {M2H: 0, H2M: 0, OTHER: 0},
        {M2H: 2, H2M: 1, OTHER: 1},
        {M2H: 0, H2M: 0, OTHER: 0},
    ]
    assert [m.total for m in months] == [1, 0, 4, 0]


def test_counts_per_year_cover_every_year_of_the_period(world):
    for day in (date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 1), date(2026, 5, 5)):
        make_case(world, event_date=day)
    years = counts_per_year(world.admin, StatsFilter(date(2024, 7, 1), date(2026, 6, 30)))
    assert [(y.period.year, y.total, y.by_direction[M2H]) for y in years] == [
        (2024, 1, 1), (2025, 2, 2), (2026, 1, 1)]


def test_a_filter_on_direction_keeps_only_that_direction(world):
    make_case(world)
    make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care)
    only = StatsFilter(PERIOD.period_from, PERIOD.period_to, direction=H2M)
    assert total_count(world.admin, only) == 1


def test_breakdowns_by_agreement_transition_and_consequence(world):
    second = make_agreement("3", title="Innleggelse", health_community=world.agreement
                            .health_community)
    make_case(world)
    make_case(world, consequence=Consequence.NONE)
    make_case(world, agreement_id=second.id, transition_id=world.admission.id,
              consequence=Consequence.DEATH)

    agreements = breakdown(world.admin, PERIOD, Dimension.AGREEMENT)
    assert [(r.key, r.label, r.count) for r in agreements] == [
        (world.agreement.id, "5 Utskrivningsklare pasienter", 2),
        (second.id, "3 Innleggelse", 1)]
    transitions = breakdown(world.admin, PERIOD, Dimension.TRANSITION)
    assert [(r.label, r.count) for r in transitions] == [("C1 Epikrise", 2),
                                                         ("A1 Innleggelsesrapport", 1)]
    consequences = breakdown(world.admin, PERIOD, Dimension.CONSEQUENCE)
    assert [(r.key, r.count) for r in consequences] == [
        ("none", 1), ("minor", 1), ("moderate", 0), ("significant", 0), ("death", 1)]


def test_the_potential_consequence_is_a_breakdown_and_a_filter(world):
    make_case(world)
    make_case(world, potential_consequence=Consequence.DEATH)
    make_case(world, potential_consequence=Consequence.DEATH, consequence=Consequence.NONE)
    potential = breakdown(world.admin, PERIOD, Dimension.POTENTIAL_CONSEQUENCE)
    assert [(r.key, r.count) for r in potential] == [
        ("none", 0), ("minor", 0), ("moderate", 1), ("significant", 0), ("death", 2)]
    worst = StatsFilter(PERIOD.period_from, PERIOD.period_to,
                        potential_consequence=Consequence.DEATH)
    assert total_count(world.admin, worst) == 2
    actual = breakdown(world.admin, worst, Dimension.CONSEQUENCE)
    assert {r.key: r.count for r in actual if r.count} == {"none": 1, "minor": 1}


def test_categories_make_a_pareto_largest_first_with_cumulative_share(world):
    community = world.agreement.health_community
    rare = make_category("SJ", name="Sjelden", health_community=community)
    for _ in range(5):
        make_case(world, category_id=world.other.id)
    for _ in range(3):
        make_case(world)  # medication list
    make_case(world, category_id=rare.id)
    make_case(world, category_id=world.admission_only.id)

    rows = pareto(world.admin, PERIOD)

    assert [(r.label, r.count) for r in rows] == [
        ("Annet", 5), ("Legemiddelliste mangler", 3), ("Mangler i innleggelse", 1),
        ("Sjelden", 1)]  # a tie goes by name
    assert [r.share for r in rows] == [0.5, 0.3, 0.1, 0.1]
    assert [r.cumulative_share for r in rows] == pytest.approx([0.5, 0.8, 0.9, 1.0])


def test_breakdowns_by_reporting_and_receiving_organisation(world):
    make_case(world)
    make_case(world)
    make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care)

    reporting = breakdown(world.admin, PERIOD, Dimension.REPORTING_ORGANIZATION)
    receiving = breakdown(world.admin, PERIOD, Dimension.RECEIVING_ORGANIZATION)

    assert [(r.label, r.count, r.organization_id) for r in reporting] == [
        ("Testvik kommune", 2, world.kommune.id), ("Testvik sykehus HF", 1, world.hospital.id)]
    assert [(r.label, r.count) for r in receiving] == [
        ("Testvik sykehus HF", 2), ("Testvik kommune", 1)]


def test_breakdown_by_responsible_unit_keeps_cases_with_the_coordinators_apart(world):
    make_case(world)
    make_case(world)
    make_case(world, receiving_unit=world.other_ward)
    make_case(world, responsible=False)  # with the hospital's coordinators
    make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care,
              responsible=False)

    rows = breakdown(world.admin, PERIOD, Dimension.UNIT)

    assert [(r.key, r.label, r.count, r.organization_id) for r in rows] == [
        (world.ward.id, "Testvik sykehus HF: Medisinsk sengepost", 2, world.hospital.id),
        # ties by label
        (None, "Testvik kommune: no unit (with the coordinators)", 1, world.kommune.id),
        (world.other_ward.id, "Testvik sykehus HF: Kirurgisk sengepost", 1, world.hospital.id),
        (None, "Testvik sykehus HF: no unit (with the coordinators)", 1, world.hospital.id),
    ]


def test_filters_on_organisation_unit_agreement_category_and_consequence(world):
    make_case(world)
    make_case(world, receiving_unit=world.other_ward, category_id=world.other.id)
    make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care,
              consequence=Consequence.SIGNIFICANT)
    base = (PERIOD.period_from, PERIOD.period_to)

    def count(**kwargs):
        return total_count(world.admin, StatsFilter(*base, **kwargs))

    assert count(organization_id=world.kommune.id) == 3  # either side
    assert count(unit_id=world.clinic.id) == 3  # the clinic's wards, reporting or answering
    assert count(unit_id=world.other_ward.id) == 1
    assert count(unit_id=world.home_care.id) == 3
    assert count(agreement_id=world.agreement.id) == 3
    assert count(category_id=world.other.id) == 1
    assert count(transition_id=world.admission.id) == 0
    assert count(consequence=Consequence.SIGNIFICANT) == 1
    assert count(organization_id=world.other_kommune.id) == 0


def test_an_empty_selection_counts_nothing(world):
    assert total_count(world.admin, PERIOD) == 0
    assert breakdown(world.admin, PERIOD, Dimension.CATEGORY) == []
    assert all(m.total == 0 for m in counts_per_month(world.admin, PERIOD))
