"""Creating, changing, evaluating and linking measures through the services."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from avvik.core.errors import NotFound, PermissionDenied, ValidationFailed
from avvik.extensions import db
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.measures.queries import get_measure
from avvik.measures.services import (
    cancel_measure,
    create_measure,
    evaluate_measure,
    link_report,
    unlink_report,
    update_measure,
)
from avvik.reports import scope
from avvik.reports.models import ReportEvent
from avvik.reports.services import create_draft, submit_report, withdraw_report
from avvik.users.models import Role
from tests.factories import make_user
from tests.measures.conftest import MONDAY, measure_input, routed_case

VALID_ID = "150172 10049"  # a synthetic fødselsnummer with valid check digits


def fields_of(failure: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {field for field, _ in failure.value.errors}


def test_a_receiving_leader_creates_a_measure_on_one_case(world, case):
    measure = create_measure(world.ward_leader, [case], measure_input(world.ward.id),
                             now=MONDAY)
    assert measure.status == MeasureStatus.PLANNED
    assert [r.id for r in measure.reports] == [case.id]
    assert measure.owning_unit_id == world.ward.id and measure.start_date is None
    assert measure.links[0].linked_by_id == world.ward_leader.id
    event = db.session.execute(select(ReportEvent).where(
        ReportEvent.report_id == case.id, ReportEvent.kind == "measure_linked")).scalar_one()
    assert event.data == {"measure_id": measure.id}


def test_a_reporting_coordinator_creates_one_measure_for_several_cases(world):
    first, second, third = (routed_case(world) for _ in range(3))
    measure = create_measure(
        world.kommune_coordinator, [first], measure_input(world.home_care.id),
        case_numbers=f"{second.case_number}, {third.case_number.lower()} {second.case_number}",
        now=MONDAY)
    assert sorted(r.id for r in measure.reports) == sorted([first.id, second.id, third.id])


def test_a_measure_created_in_progress_starts_today(world, case):
    measure = create_measure(world.ward_leader, [case],
                             measure_input(world.ward.id, status=MeasureStatus.IN_PROGRESS),
                             now=MONDAY)
    assert measure.start_date == date(2026, 11, 23)


@pytest.mark.parametrize("who", ["ward_handler", "reporter"])
def test_people_without_a_leading_role_cannot_create(world, case, who):
    with pytest.raises(PermissionDenied):
        create_measure(getattr(world, who), [case], measure_input(world.ward.id))


def test_an_outsider_cannot_create_on_a_case_they_cannot_see(world, case):
    with pytest.raises(NotFound):
        create_measure(world.outsider, [case], measure_input(world.ward.id))
    assert db.session.execute(select(Measure)).first() is None


def test_a_further_case_out_of_sight_or_misspelt_is_refused_on_its_field(world, case):
    hidden = create_draft(world.reporter, world.report_input(), now=MONDAY)  # no number
    assert hidden.case_number is None
    with pytest.raises(ValidationFailed) as failure:
        create_measure(world.ward_leader, [case], measure_input(world.ward.id),
                       case_numbers="SA-2026-99999")
    assert fields_of(failure) == {"case_numbers"}
    with pytest.raises(ValidationFailed) as failure:
        create_measure(world.ward_leader, [case], measure_input(world.ward.id, title=""),
                       case_numbers="case one")
    assert fields_of(failure) == {"case_numbers", "title"}  # every problem at once


def test_the_owning_unit_must_belong_to_an_involved_organisation(world, case):
    other_top = world.outsider.memberships[0].unit  # a unit of a third organisation
    with pytest.raises(ValidationFailed) as failure:
        create_measure(world.ward_leader, [case], measure_input(other_top.id))
    assert fields_of(failure) == {"owning_unit_id"}
    # Either party's units will do: the kommune's home care owns this one.
    measure = create_measure(world.ward_leader, [case], measure_input(world.home_care.id))
    assert measure.owning_unit_id == world.home_care.id


def test_identity_numbers_in_free_text_are_refused_where_they_stand(world, case):
    with pytest.raises(ValidationFailed) as failure:
        create_measure(world.ward_leader, [case], measure_input(
            world.ward.id, description=f"Gjelder pasient {VALID_ID}."))
    (field, reason), = failure.value.errors
    assert field == "description" and "17" in reason and VALID_ID in reason


def test_required_fields_and_a_finished_status_are_refused_on_create(world, case):
    with pytest.raises(ValidationFailed) as failure:
        create_measure(world.ward_leader, [case], measure_input(
            None, title="  ", due_date=None, status=MeasureStatus.COMPLETED))
    assert fields_of(failure) == {"title", "owning_unit_id", "due_date", "status"}


def test_the_owning_units_handler_moves_the_status_on(world, measure):
    update_measure(world.ward_handler, measure,
                   measure_input(world.ward.id, status=MeasureStatus.IN_PROGRESS), now=MONDAY)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.start_date == date(2026, 11, 23)
    update_measure(world.ward_handler, measure,
                   measure_input(world.ward.id, status=MeasureStatus.COMPLETED,
                                 start_date=date(2026, 11, 2)))
    assert measure.status == MeasureStatus.COMPLETED and measure.start_date == date(2026, 11, 2)


def test_a_leader_above_the_owning_unit_may_update_but_others_may_not(world, measure):
    update_measure(world.clinic_leader, measure, measure_input(world.ward.id, title="Ny"))
    assert measure.title == "Ny"
    for who in (world.kommune_leader, world.other_ward_handler, world.reporter):
        with pytest.raises(PermissionDenied):
            update_measure(who, measure, measure_input(world.ward.id, title="Nei"))
    assert measure.title == "Ny"


def test_a_status_may_not_jump_where_it_is_not_allowed(world, measure):
    cancel_measure(world.ward_handler, measure)
    with pytest.raises(ValidationFailed) as failure:
        update_measure(world.ward_handler, measure,
                       measure_input(world.ward.id, status=MeasureStatus.COMPLETED))
    assert fields_of(failure) == {"status"}
    assert measure.status == MeasureStatus.CANCELLED


def test_cancelling_keeps_the_measure_and_cannot_be_done_twice(world, measure):
    cancel_measure(world.ward_leader, measure)
    db.session.expire_all()
    kept = db.session.get(Measure, measure.id)
    assert kept.status == MeasureStatus.CANCELLED and kept.links
    with pytest.raises(ValidationFailed):
        cancel_measure(world.ward_leader, kept)


def test_evaluation_needs_a_started_measure_a_note_and_no_identity(world, measure):
    with pytest.raises(ValidationFailed) as failure:
        evaluate_measure(world.ward_handler, measure, "Færre avvik.", None, now=MONDAY)
    assert fields_of(failure) == {"evaluation_note", "start_date"}  # still planned
    update_measure(world.ward_handler, measure,
                   measure_input(world.ward.id, status=MeasureStatus.COMPLETED), now=MONDAY)
    with pytest.raises(ValidationFailed) as failure:
        evaluate_measure(world.ward_handler, measure, f"Se {VALID_ID}", None, now=MONDAY)
    assert fields_of(failure) == {"evaluation_note"}
    with pytest.raises(ValidationFailed) as failure:
        evaluate_measure(world.ward_handler, measure, "Ok", date(2026, 12, 1), now=MONDAY)
    assert fields_of(failure) == {"start_date"}  # not in the future
    assert measure.evaluated_at is None

    evaluate_measure(world.ward_handler, measure, "Færre avvik etter oppstart.",
                     date(2026, 6, 1), now=MONDAY)
    assert measure.evaluation_note == "Færre avvik etter oppstart."
    assert measure.evaluated_at == MONDAY and measure.evaluated_by_id == world.ward_handler.id
    assert measure.start_date == date(2026, 6, 1)


def test_only_the_owning_unit_evaluates(world, measure):
    update_measure(world.ward_handler, measure,
                   measure_input(world.ward.id, status=MeasureStatus.IN_PROGRESS), now=MONDAY)
    with pytest.raises(PermissionDenied):
        evaluate_measure(world.kommune_coordinator, measure, "Nei", None, now=MONDAY)


def test_a_further_case_is_linked_once_by_someone_who_may(world, measure):
    second = routed_case(world)
    link_report(world.ward_handler, measure, second)
    assert {r.id for r in measure.reports} == {measure.reports[0].id, second.id}
    with pytest.raises(ValidationFailed) as failure:
        link_report(world.ward_handler, measure, second)
    assert fields_of(failure) == {"case_number"}
    # A leader on the reporting side of a case may tie it to a measure they can see.
    third = routed_case(world)
    link_report(world.kommune_leader, measure, third)
    assert third.id in {r.id for r in measure.reports}


def test_linking_a_case_out_of_sight_is_not_found_and_a_draft_is_refused(world, measure):
    with pytest.raises(NotFound):
        link_report(world.outsider, measure, routed_case(world))
    draft = create_draft(world.reporter, world.report_input(), now=MONDAY)
    with pytest.raises(NotFound):
        link_report(world.ward_leader, measure, draft)  # a draft is the reporter's alone
    with pytest.raises(PermissionDenied):
        link_report(world.reporter, measure, draft)  # sees it, but runs no measure


def test_a_withdrawn_case_cannot_be_linked(world, case):
    kommune_measure = create_measure(world.kommune_leader, [case],
                                     measure_input(world.home_care.id), now=MONDAY)
    withdrawn = create_draft(world.reporter, world.report_input(), now=MONDAY)
    submit_report(world.reporter, withdrawn, now=MONDAY)
    withdraw_report(world.reporter, withdrawn, now=MONDAY)
    with pytest.raises(ValidationFailed) as failure:
        link_report(world.kommune_leader, kommune_measure, withdrawn)
    assert fields_of(failure) == {"case_number"}


def test_a_case_linked_by_mistake_is_taken_off_and_its_timeline_says_so(world, measure):
    first = measure.reports[0]
    second = routed_case(world)
    link_report(world.ward_leader, measure, second)
    unlink_report(world.ward_handler, measure, second)
    assert [r.id for r in measure.reports] == [first.id]
    assert db.session.execute(select(MeasureReport).where(
        MeasureReport.report_id == second.id)).first() is None
    event = db.session.execute(select(ReportEvent).where(
        ReportEvent.report_id == second.id, ReportEvent.kind == "measure_unlinked")
    ).scalar_one()
    assert event.data == {"measure_id": measure.id}
    # Linked again later, it is a link like any other.
    link_report(world.ward_leader, measure, second)
    assert {r.id for r in measure.reports} == {first.id, second.id}


def test_a_measure_keeps_its_last_case(world, measure):
    with pytest.raises(ValidationFailed) as failure:
        unlink_report(world.ward_leader, measure, measure.reports[0])
    assert fields_of(failure) == {"case_number"}
    assert len(measure.links) == 1


def test_only_those_who_manage_the_measure_unlink(world, measure):
    second = routed_case(world)
    link_report(world.kommune_leader, measure, second)  # may link, but runs no measure here
    with pytest.raises(PermissionDenied):
        unlink_report(world.kommune_leader, measure, second)
    with pytest.raises(NotFound):
        unlink_report(world.outsider, measure, second)
    with pytest.raises(NotFound):  # a case the measure does not have
        unlink_report(world.ward_leader, measure, routed_case(world))
    assert second.id in {r.id for r in measure.reports}


def test_a_case_between_other_parties_never_shows_a_measure_to_a_third_organisation(
        world, measure):
    """The probe's path: a coordinator who can see the hospital ward's measure linked a
    case of their own with a third organisation to it, and that organisation then saw
    the measure. Such a link is refused, and one made before widens nothing."""
    annenby_unit = world.outsider.memberships[0].unit
    annenby_coordinator = make_user("akoord", roles=[(Role.COORDINATOR, annenby_unit)])
    to_annenby = routed_case(world, receiving_organization_id=world.other_kommune.id)
    assert get_measure(world.kommune_coordinator, measure.id) is measure
    with pytest.raises(ValidationFailed) as failure:
        link_report(world.kommune_coordinator, measure, to_annenby)
    assert fields_of(failure) == {"case_number"}

    db.session.add(MeasureReport(measure=measure, report=to_annenby,
                                 linked_by_id=world.kommune_coordinator.id, linked_at=MONDAY))
    db.session.flush()
    assert scope.can_view(annenby_coordinator, to_annenby)  # the case is theirs to see
    with pytest.raises(NotFound):
        get_measure(annenby_coordinator, measure.id)
    assert get_measure(world.kommune_coordinator, measure.id) is measure
