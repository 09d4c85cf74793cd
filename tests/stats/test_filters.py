"""The filter from the query string: defaults, clear errors, and a bookmarkable round trip."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

import pytest

from avvik.core.errors import ValidationFailed
from avvik.reports.models import Consequence, Direction
from avvik.stats.filters import StatsFilter

TODAY = date(2026, 5, 14)


def parse(**args: str) -> StatsFilter:
    return StatsFilter.from_query(args, today=TODAY)


def errors_of(**args: str) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        parse(**args)
    return caught.value.as_dict()


def test_the_default_period_is_the_current_month_and_the_23_before(db_session):
    f = parse()
    assert (f.period_from, f.period_to) == (date(2024, 6, 1), date(2026, 5, 31))
    assert f.direction is None and f.organization_id is None


def test_months_mean_their_first_and_last_days(db_session):
    f = parse(**{"from": "2024-02", "to": "2024-02"})
    assert (f.period_from, f.period_to) == (date(2024, 2, 1), date(2024, 2, 29))


def test_days_are_taken_as_given(db_session):
    f = parse(**{"from": "2025-03-15", "to": "2025-04-02"})
    assert (f.period_from, f.period_to) == (date(2025, 3, 15), date(2025, 4, 2))


def test_one_end_alone_gets_a_24_month_period(db_session):
    assert parse(to="2020-12").period_from == date(2019, 1, 1)
    assert parse(**{"from": "2025-01"}).period_to == date(2026, 5, 31)
    assert parse(**{"from": "2027-01"}).period_to == date(2028, 12, 31)


def test_every_filter_is_parsed(world):
    f = parse(direction="hospital_to_municipality", consequence="death",
              organization_id=str(world.hospital.id), unit_id=str(world.ward.id),
              agreement_id=str(world.agreement.id), transition_id=str(world.discharge.id),
              category_id=str(world.medication.id))
    assert f.direction == Direction.HOSPITAL_TO_MUNICIPALITY
    assert f.consequence == Consequence.DEATH
    assert (f.organization_id, f.unit_id, f.agreement_id, f.transition_id, f.category_id) == (
        world.hospital.id, world.ward.id, world.agreement.id, world.discharge.id,
        world.medication.id)


def test_empty_values_count_as_not_given(db_session):
    assert parse(direction="", unit_id=" ", **{"from": ""}) == parse()


def test_unknown_values_are_named_with_their_field(world):
    errors = errors_of(direction="sideways", consequence="catastrophic",
                       potential_consequence="fatal",
                       organization_id="999999", unit_id="abc", agreement_id="-1",
                       transition_id="1" * 30, category_id="999999")
    assert errors == {
        "direction": ["Unknown direction."], "consequence": ["Unknown consequence."],
        "potential_consequence": ["Unknown consequence."],
        "organization_id": ["Unknown organisation."], "unit_id": ["Unknown unit."],
        "agreement_id": ["Unknown agreement."], "transition_id": ["Unknown transition."],
        "category_id": ["Unknown category."],
    }


@pytest.mark.parametrize("bad", ["2026-13", "2026-02-30", "26-01", "januar", "2026/01",
                                 "2026-1"])
def test_malformed_dates_say_which_format_is_wanted(db_session, bad):
    assert errors_of(**{"from": bad}) == {
        "from": ["Give a month as YYYY-MM or a day as YYYY-MM-DD."]}


def test_far_years_are_refused_before_any_arithmetic(db_session):
    assert errors_of(to="9999-12") == {"to": ["Give a year between 1900 and 2200."]}


def test_a_period_that_ends_before_it_starts(db_session):
    assert errors_of(**{"from": "2026-03", "to": "2026-02"}) == {
        "to": ["The period ends before it starts."]}


def test_a_period_of_more_than_20_years(db_session):
    assert parse(**{"from": "2000-01", "to": "2019-12"}).period_to == date(2019, 12, 31)
    assert errors_of(**{"from": "2000-01", "to": "2020-01"}) == {
        "to": ["The period may be at most 20 years."]}
    assert errors_of(**{"from": "1990-01"}) == {"from": ["The period may be at most 20 years."]}


def test_several_errors_come_together(db_session):
    assert set(errors_of(**{"from": "x", "direction": "y"})) == {"from", "direction"}


def test_to_query_round_trips(world):
    original = parse(**{"from": "2025-03-15", "to": "2026-02"}, direction="other",
                     consequence="minor", unit_id=str(world.ward.id),
                     category_id=str(world.other.id))
    query = original.to_query()
    assert dict(parse_qsl(query)) == {
        "from": "2025-03-15", "to": "2026-02", "direction": "other",
        "unit_id": str(world.ward.id), "category_id": str(world.other.id),
        "consequence": "minor"}
    assert StatsFilter.from_query(dict(parse_qsl(query)), today=date(2030, 1, 1)) == original


def test_the_default_period_is_written_out_so_a_link_shows_the_same_months(db_session):
    assert parse().to_query() == "from=2024-06&to=2026-05"


def test_a_bad_date_is_not_also_compared_with_a_default(db_session):
    assert errors_of(**{"from": "2026-99", "to": "2001-01"}) == {
        "from": ["Give a month as YYYY-MM or a day as YYYY-MM-DD."]}
