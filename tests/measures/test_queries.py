"""Who sees which measure, overdue marking, and the counts issue 5 builds on."""

from __future__ import annotations

from datetime import date

from avvik.measures.models import MeasureStatus
from avvik.measures.queries import (
    MeasureFilter,
    counts_shown_in_full,
    get_measure,
    is_overdue,
    list_measures,
    measure_counts,
    measures_for_report,
    visible_reports,
)
from avvik.measures.services import create_measure, evaluate_measure, update_measure
from tests.measures.conftest import MONDAY, measure_input, routed_case

TODAY = date(2026, 11, 23)


def titles(user, **filters) -> list[str]:
    return [m.title for m in list_measures(user, MeasureFilter(**filters), today=TODAY).items]


def test_everyone_who_sees_a_case_sees_its_measures_and_no_one_else(world, measure):
    for who in ("reporter", "kommune_leader", "kommune_coordinator", "ward_handler",
                "ward_leader", "clinic_leader", "hospital_coordinator", "admin"):
        assert titles(getattr(world, who)) == [measure.title], who
        assert get_measure(getattr(world, who), measure.id) is measure
    for who in ("outsider", "other_ward_handler"):
        assert titles(getattr(world, who)) == [], who


def test_the_owning_unit_sees_its_measure_but_not_the_cases_it_cannot_see(world, case):
    measure = create_measure(world.ward_leader, [case], measure_input(world.other_ward.id))
    assert titles(world.other_ward_handler) == [measure.title]
    assert visible_reports(world.other_ward_handler, measure) == []
    assert visible_reports(world.ward_handler, measure) == [case]


def test_a_measure_out_of_sight_is_not_found(world, measure):
    import pytest

    from avvik.core.errors import NotFound

    with pytest.raises(NotFound):
        get_measure(world.outsider, measure.id)
    with pytest.raises(NotFound):
        get_measure(world.ward_leader, measure.id + 1000)


def test_overdue_means_due_date_passed_and_not_finished(world, case):
    late = create_measure(world.ward_leader, [case],
                          measure_input(world.ward.id, title="Sen", due_date=date(2026, 11, 1)))
    on_time = create_measure(world.ward_leader, [case],
                             measure_input(world.ward.id, title="I tide", due_date=TODAY))
    done = create_measure(world.ward_leader, [case],
                          measure_input(world.ward.id, title="Ferdig", due_date=date(2026, 1, 1)))
    update_measure(world.ward_leader, done,
                   measure_input(world.ward.id, title="Ferdig", due_date=date(2026, 1, 1),
                                 status=MeasureStatus.COMPLETED), now=MONDAY)
    assert is_overdue(late, TODAY) and not is_overdue(on_time, TODAY)
    assert not is_overdue(done, TODAY)
    assert titles(world.ward_handler, overdue=True) == ["Sen"]
    assert titles(world.ward_handler) == ["Ferdig", "Sen", "I tide"]  # earliest due first
    assert titles(world.ward_handler, status=MeasureStatus.COMPLETED) == ["Ferdig"]


def test_measure_counts_give_open_overdue_and_evaluated(world, case):
    create_measure(world.ward_leader, [case],
                   measure_input(world.ward.id, due_date=date(2026, 11, 1)))
    evaluated = create_measure(world.ward_leader, [case], measure_input(
        world.ward.id, status=MeasureStatus.IN_PROGRESS, start_date=date(2026, 5, 4)))
    evaluate_measure(world.ward_leader, evaluated, "Færre avvik.", None, now=MONDAY)
    counts = measure_counts(world.ward_handler, today=TODAY)
    assert (counts.open, counts.overdue, counts.evaluated) == (2, 1, 1)
    assert measure_counts(world.outsider, today=TODAY).open == 0
    assert titles(world.ward_handler, evaluated=True) == [evaluated.title]


def test_measures_for_report_lists_the_measures_linked_to_that_case(world, case, measure):
    other_case = routed_case(world)
    other = create_measure(world.ward_leader, [case, other_case],
                           measure_input(world.ward.id, title="Begge"))
    assert measures_for_report(case.id) == [measure, other]
    assert measures_for_report(other_case.id) == [other]


def test_small_counts_are_exact_only_inside_the_receiving_organisation(world, measure):
    assert counts_shown_in_full(world.ward_handler, measure)
    assert counts_shown_in_full(world.admin, measure)
    assert not counts_shown_in_full(world.kommune_leader, measure)


def test_each_role_sees_exactly_its_measures_and_the_pages_count_them(world, case):
    """The visibility rule as one condition in SQL: the owning unit's people, whoever may
    see a case of the measure to or from the owner's organisation (readers too), and
    administrators; a case linked between other parties widens nothing."""
    from avvik.committee.models import AgendaSource
    from avvik.committee.services import place_on_agenda
    from avvik.extensions import db
    from avvik.measures.models import Measure, MeasureReport
    from avvik.users.models import Role
    from tests.factories import make_user

    ward = create_measure(world.ward_leader, [case],
                          measure_input(world.ward.id, title="Avdelingens"))
    district = create_measure(world.ward_leader, [case], measure_input(
        world.home_care_district.id, title="Sonens", due_date=date(2027, 3, 1)))
    # Owned by the other kommune, yet linked to a case between the kommune and the hospital
    # (as before links were held to the owner's organisation).
    stray = Measure(title="Annenbys", owning_unit_id=world.outsider.memberships[0].unit_id,
                    due_date=date(2027, 4, 1), created_by_id=world.admin.id)
    db.session.add(stray)
    db.session.flush()
    db.session.add(MeasureReport(measure_id=stray.id, report_id=case.id,
                                 linked_by_id=world.admin.id))
    db.session.flush()
    adviser = make_user("kvalitet", roles=[(Role.QUALITY_ADVISER, world.clinic.parent)])
    secretary = make_user("sekretariat", roles=[(Role.SECRETARIAT, world.home_care.parent)])
    both = [ward.title, district.title]
    expected = {"reporter": both, "kommune_leader": both, "kommune_coordinator": both,
                "ward_handler": both, "ward_leader": both, "clinic_leader": both,
                "hospital_coordinator": both, "other_ward_handler": [],
                "outsider": [stray.title], "admin": [*both, stray.title]}
    for who, titles_seen in expected.items():
        assert titles(getattr(world, who)) == titles_seen, who
    assert titles(adviser) == both
    assert titles(secretary) == []
    place_on_agenda(case, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    db.session.flush()
    assert titles(secretary) == both

    # The total comes with the page's rows, and is still counted past the last page.
    second = list_measures(world.admin, page=2, per_page=2, today=TODAY)
    assert ([m.title for m in second.items], second.total, second.pages) == (
        [stray.title], 3, 2)
    beyond = list_measures(world.admin, page=5, per_page=2, today=TODAY)
    assert (beyond.items, beyond.total) == ([], 3)
    assert list_measures(world.outsider, MeasureFilter(overdue=True), today=TODAY).total == 0
