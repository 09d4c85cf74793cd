"""Counts below 5 hidden from viewers outside the organisation the row is about."""

from __future__ import annotations

from datetime import date

from avvik.stats.filters import StatsFilter
from avvik.stats.queries import Dimension, breakdown, open_and_overdue_per_unit
from avvik.stats.suppression import HIDDEN, any_suppressed, suppress_small
from avvik.users.models import Role
from tests.factories import make_user
from tests.stats.data import make_case, oslo

PERIOD = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))


def _cases(world):
    for _ in range(6):
        make_case(world)  # the kommune reports 6 to the hospital's ward
    for _ in range(3):
        make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care)
    make_case(world, reporting_unit=world.other_kommune.units[0])  # one from Annenby


def test_other_organisations_small_counts_are_hidden_with_their_shares(world):
    _cases(world)
    secretariat = make_user("sekr", roles=[(Role.SECRETARIAT, world.home_care.parent)])

    rows = suppress_small(breakdown(secretariat, PERIOD, Dimension.REPORTING_ORGANIZATION),
                          secretariat)

    assert [(r.label, r.count, r.share) for r in rows] == [
        ("Testvik kommune", 6, 0.6),  # the viewer's own organisation: exact
        ("Testvik sykehus HF", HIDDEN, None),  # 3
        ("Annenby kommune", HIDDEN, None),  # 1
    ]
    # the running share would give a hidden count away
    assert all(r.cumulative_share is None for r in rows)
    assert any_suppressed(rows)


def test_the_viewers_own_organisation_is_exact_even_when_small(world):
    _cases(world)
    rows = suppress_small(breakdown(world.hospital_coordinator, PERIOD,
                                    Dimension.REPORTING_ORGANIZATION),
                          world.hospital_coordinator)
    assert {r.label: r.count for r in rows} == {
        "Testvik kommune": 6, "Testvik sykehus HF": 3, "Annenby kommune": HIDDEN}


def test_large_counts_zeros_and_administrators_are_never_hidden(world):
    _cases(world)
    rows = breakdown(world.admin, PERIOD, Dimension.REPORTING_ORGANIZATION)
    assert suppress_small(rows, world.admin) == rows
    consequences = breakdown(world.admin, PERIOD, Dimension.CONSEQUENCE)
    assert [r.count for r in suppress_small(consequences, world.outsider)] == [0, 10, 0, 0, 0]
    assert not any_suppressed(suppress_small(
        [r for r in rows if r.count >= 5], world.outsider))


def test_unit_rows_follow_their_organisation(world):
    _cases(world)
    rows = suppress_small(breakdown(world.kommune_coordinator, PERIOD, Dimension.UNIT),
                          world.kommune_coordinator)
    assert {r.label: r.count for r in rows} == {
        "Testvik sykehus HF: Medisinsk sengepost": 6,
        "Testvik kommune: Hjemmetjenesten": 3,
    }
    rows = suppress_small(breakdown(world.hospital_coordinator, PERIOD, Dimension.UNIT),
                          world.hospital_coordinator)
    assert {r.label: r.count for r in rows} == {
        "Testvik sykehus HF: Medisinsk sengepost": 7,
        "Testvik kommune: Hjemmetjenesten": HIDDEN,
    }


def test_open_and_overdue_counts_are_hidden_one_by_one(world):
    due = oslo(2026, 2, 1, 12)
    for index in range(6):
        make_case(world, answer_due_at=due if index < 2 else oslo(2026, 9, 1, 12))
    loads = suppress_small(open_and_overdue_per_unit(world.admin, PERIOD, oslo(2026, 3, 1)),
                           world.kommune_coordinator)
    assert [(u.open, u.overdue) for u in loads] == [(6, HIDDEN)]
