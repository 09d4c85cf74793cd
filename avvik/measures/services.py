"""State changes of measures. Every function takes the acting user, flushes, never commits.

Who may do what:
- create a measure on cases: leaders and coordinators who are on the reporting or the
  receiving side of every one of those cases;
- change, evaluate, link further cases and unlink them: the owning unit's leaders and
  handlers
  (a leader of a unit above the owning unit counts, as for cases); leaders and
  coordinators on a side of a case may also link a measure they can see to that case.
A case the actor may not see is NotFound, as everywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from avvik.core.errors import NotFound, PermissionDenied, ValidationFailed
from avvik.core.timeutil import oslo_today, utcnow
from avvik.extensions import db
from avvik.measures.labels import status_label
from avvik.measures.models import FINISHED, Measure, MeasureReport, MeasureStatus
from avvik.organizations.models import Unit
from avvik.reports import scope
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services.validation import identity_errors
from avvik.users.models import Role, User

TITLE_LIMIT = 200
TEXT_LIMIT = 5_000
#: Cases that were never sent, or were taken back, get no measures.
NOT_A_CASE = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL, ReportStatus.WITHDRAWN)
#: Which status may follow which; a cancelled measure can be taken up again as planned.
NEXT_STATUSES = {
    MeasureStatus.PLANNED: {MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED,
                            MeasureStatus.CANCELLED},
    MeasureStatus.IN_PROGRESS: {MeasureStatus.PLANNED, MeasureStatus.COMPLETED,
                                MeasureStatus.CANCELLED},
    MeasureStatus.COMPLETED: {MeasureStatus.IN_PROGRESS},
    MeasureStatus.CANCELLED: {MeasureStatus.PLANNED},
}
MAX_FURTHER_CASES = 50
CASE_NUMBER = re.compile(r"SA-\d{4}-\d{5}")


@dataclass
class MeasureInput:
    """What a measure's form supplies; ``status`` None keeps the current one."""

    title: str = ""
    description: str = ""
    owning_unit_id: int | None = None
    due_date: date | None = None
    start_date: date | None = None
    status: MeasureStatus | None = None


def may_create_on(user: User, report: Report) -> bool:
    """Leaders and coordinators on either side of a sent case may start a measure on it."""
    if report.status in NOT_A_CASE or not user.has_role(Role.LEADER, Role.COORDINATOR):
        return False
    return scope.is_on_reporting_side(user, report) or scope.is_on_receiving_side(user, report)


def may_manage(user: User, measure: Measure) -> bool:
    """The owning unit's leaders and handlers (and leaders above it) run the measure."""
    return measure.owning_unit_id in scope.reach_of(user).handled_units


def involved_organization_ids(reports: Iterable[Report]) -> set[int]:
    """The reporting and receiving organisations of the cases: where an owner may sit."""
    ids = set()
    for report in reports:
        ids.add(report.reporting_organization_id)
        if report.receiving_organization_id is not None:
            ids.add(report.receiving_organization_id)
    return ids


def reports_by_case_numbers(actor: User, text: str, field: str = "case_numbers"
                            ) -> list[Report]:
    """The cases named in ``text`` (case numbers, any separators) that ``actor`` may see.

    A number that does not exist and one the actor may not see get the same message.
    """
    numbers = list(dict.fromkeys(CASE_NUMBER.findall((text or "").upper())))
    leftover = CASE_NUMBER.sub("", (text or "").upper())
    if re.sub(r"[\s,;]", "", leftover) or len(numbers) > MAX_FURTHER_CASES:
        raise ValidationFailed([(field, str(_l(
            "Write at most %(n)d case numbers like SA-2026-00012, separated by commas or "
            "spaces.", n=MAX_FURTHER_CASES)))])
    reports, errors = [], []
    for number in numbers:
        report = db.session.execute(
            db.select(Report).where(Report.case_number == number)).scalar_one_or_none()
        if report is None or not scope.can_view(actor, report):
            errors.append((field, str(_l("No case %(number)s that you can see.",
                                         number=number))))
        else:
            reports.append(report)
    if errors:
        raise ValidationFailed(errors)
    return reports


def report_by_case_number(actor: User, text: str, field: str = "case_number") -> Report:
    """The one case named by ``text`` that ``actor`` may see (else an error on ``field``)."""
    reports = reports_by_case_numbers(actor, text, field)
    if len(reports) != 1:
        raise ValidationFailed([(field, str(_l("Write one case number, such as "
                                               "SA-2026-00012.")))])
    return reports[0]


def create_measure(actor: User, reports: list[Report], data: MeasureInput, *,
                   case_numbers: str = "", now: datetime | None = None) -> Measure:
    """A new measure on one or several cases, owned by a unit of an involved organisation.

    ``reports`` are cases the caller has loaded (out of sight: NotFound; no right:
    PermissionDenied); ``case_numbers`` names further cases typed into the form, whose
    problems come back as errors on that field together with the others.
    """
    for report in reports:
        if not scope.can_view(actor, report):
            raise NotFound()
        if not may_create_on(actor, report):
            raise PermissionDenied()
    errors: list[tuple[str, str]] = []
    try:
        further = reports_by_case_numbers(actor, case_numbers)
    except ValidationFailed as error:
        errors, further = error.errors, []
    for report in further:
        if not may_create_on(actor, report):
            errors.append(("case_numbers", str(_l(
                "You cannot start a measure on case %(number)s.",
                number=report.case_number))))
    reports = list(dict.fromkeys([*reports, *further]))
    if not reports:
        errors.append(("case_numbers", str(_l("Choose at least one case."))))
    errors += _errors(data, reports, creating=True)
    if errors:
        raise ValidationFailed(errors)
    measure = Measure(
        title=data.title, description=data.description, owning_unit_id=data.owning_unit_id,
        due_date=data.due_date, start_date=data.start_date, status=MeasureStatus.PLANNED,
        created_by_id=actor.id, created_at=now or utcnow(),
    )
    db.session.add(measure)
    _set_status(measure, data.status or MeasureStatus.PLANNED, now)
    db.session.flush()
    for report in reports:
        _link(actor, measure, report, now)
    db.session.flush()
    return measure


def update_measure(actor: User, measure: Measure, data: MeasureInput, *,
                   now: datetime | None = None) -> Measure:
    """Change a measure's text, owner, dates and status (the owning unit's people)."""
    _require_manager(actor, measure)
    errors = _errors(data, measure.reports, creating=False, current=measure.status)
    if errors:
        raise ValidationFailed(errors)
    measure.title, measure.description = data.title, data.description
    measure.owning_unit_id = data.owning_unit_id
    measure.due_date, measure.start_date = data.due_date, data.start_date
    if data.status is not None:
        _set_status(measure, data.status, now)
    db.session.flush()
    return measure


def cancel_measure(actor: User, measure: Measure, *, now: datetime | None = None) -> Measure:
    """Cancel rather than delete: the measure and its history stay."""
    _require_manager(actor, measure)
    _check_status(measure.status, MeasureStatus.CANCELLED)
    _set_status(measure, MeasureStatus.CANCELLED, now)
    db.session.flush()
    return measure


def evaluate_measure(actor: User, measure: Measure, note: str, start_date: date | None, *,
                     now: datetime | None = None) -> Measure:
    """Record whether the deviations the measure aimed at dropped after it started."""
    _require_manager(actor, measure)
    note = _clean(note)
    errors = []
    if measure.status not in (MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED):
        errors.append(("evaluation_note", str(_l(
            "Only a measure in progress or completed can be evaluated."))))
    start_date = start_date or measure.start_date
    if start_date is None:
        errors.append(("start_date", str(_l("Give the date the measure took effect."))))
    elif start_date > oslo_today(now):
        errors.append(("start_date", str(_l(
            "A measure that has not started yet cannot be evaluated."))))
    errors += _text_errors("evaluation_note", note, TEXT_LIMIT, required=True)
    if errors:
        raise ValidationFailed(errors)
    measure.start_date = start_date
    measure.evaluation_note = note
    measure.evaluated_at, measure.evaluated_by_id = now or utcnow(), actor.id
    db.session.flush()
    return measure


def link_report(actor: User, measure: Measure, report: Report, *,
                now: datetime | None = None) -> Measure:
    """Add a further case the actor may see to the measure."""
    if not scope.can_view(actor, report):
        raise NotFound()
    if not (may_manage(actor, measure) or may_create_on(actor, report)):
        raise PermissionDenied()
    if report.status in NOT_A_CASE:
        raise ValidationFailed([("case_number", str(_l(
            "Only a sent case can be linked to a measure.")))])
    if measure.owning_unit.organization_id not in involved_organization_ids([report]):
        # A measure is its owner's: a case between other parties would show it to them.
        raise ValidationFailed([("case_number", str(_l(
            "Only a case to or from the organisation that owns the measure can be "
            "linked to it.")))])
    if any(link.report_id == report.id for link in measure.links):
        raise ValidationFailed([("case_number", str(_l(
            "The case is linked to this measure already.")))])
    _link(actor, measure, report, now)
    db.session.flush()
    return measure


def unlink_report(actor: User, measure: Measure, report: Report) -> Measure:
    """Take a case off the measure, as when it was linked by mistake.

    Only those who manage the measure may, and a measure keeps at least one case: one
    whose cases are all wrong is cancelled instead. The case's timeline says so, as it
    said when the case was linked.
    """
    link = next((link for link in measure.links if link.report_id == report.id), None)
    if link is None or not scope.can_view(actor, report):
        raise NotFound()
    _require_manager(actor, measure)
    if len(measure.links) == 1:
        raise ValidationFailed([("case_number", str(_l(
            "A measure keeps at least one case: cancel the measure instead.")))])
    measure.links.remove(link)
    record_event(report, "measure_unlinked", actor, measure_id=measure.id)
    db.session.flush()
    return measure


def _link(actor: User, measure: Measure, report: Report, now: datetime | None) -> None:
    measure.links.append(MeasureReport(report=report, linked_by_id=actor.id,
                                       linked_at=now or utcnow()))
    # Both sides see on the case's timeline that improvement work is tied to it.
    record_event(report, "measure_linked", actor, measure_id=measure.id)


def _require_manager(actor: User, measure: Measure) -> None:
    if not may_manage(actor, measure):
        raise PermissionDenied()


def _errors(data: MeasureInput, reports: list[Report], *, creating: bool,
            current: MeasureStatus | None = None) -> list[tuple[str, str]]:
    data.title, data.description = _clean(data.title), _clean(data.description)
    errors = _text_errors("title", data.title, TITLE_LIMIT, required=True)
    errors += _text_errors("description", data.description, TEXT_LIMIT, required=False)
    unit = db.session.get(Unit, data.owning_unit_id) if data.owning_unit_id else None
    if unit is None or not unit.is_active:
        errors.append(("owning_unit_id", str(_l("Choose the unit that owns the measure."))))
    elif unit.organization_id not in involved_organization_ids(reports):
        errors.append(("owning_unit_id", str(_l(
            "The owning unit must belong to the reporting or the receiving organisation "
            "of the cases."))))
    if data.due_date is None:
        errors.append(("due_date", str(_l("Give the due date."))))
    if creating and data.status in FINISHED:
        errors.append(("status", str(_l("A new measure is planned or in progress."))))
    elif current is not None and data.status is not None and data.status != current \
            and data.status not in NEXT_STATUSES[current]:
        errors.append(("status", _status_message(current, data.status)))
    return errors


def _check_status(current: MeasureStatus, wanted: MeasureStatus) -> None:
    if wanted not in NEXT_STATUSES[current]:
        raise ValidationFailed([("status", _status_message(current, wanted))])


def _status_message(current: MeasureStatus, wanted: MeasureStatus) -> str:
    return str(_l("A measure that is %(current)s cannot become %(wanted)s.",
                  current=status_label(current), wanted=status_label(wanted)))


def _set_status(measure: Measure, status: MeasureStatus, now: datetime | None) -> None:
    # Work that starts or ends has taken effect: the evaluation needs that date.
    if status in (MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED) \
            and measure.start_date is None:
        measure.start_date = oslo_today(now)
    measure.status = status


def _clean(text: str | None) -> str:
    # PostgreSQL cannot store NUL; every other character is kept and shown escaped.
    return (text or "").replace("\x00", "").strip()


def _text_errors(field: str, text: str, limit: int, *, required: bool
                 ) -> list[tuple[str, str]]:
    if required and not text:
        return [(field, str(_l("This field is required.")))]
    errors = identity_errors(field, text)
    if len(text) > limit:
        errors.append((field, str(_l("At most %(n)d characters (now %(m)d).",
                                     n=limit, m=len(text)))))
    return errors
