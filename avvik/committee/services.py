"""Putting a case on the joint committee's agenda, and the committee's steps on it.

Each function changes rows and flushes; the request or task boundary commits. Who may
take the secretariat's steps is ``avvik.committee.access``.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from avvik.audit.services import audit
from avvik.committee.models import AgendaItem, AgendaSource, AgendaStatus, Meeting
from avvik.core.errors import IllegalTransition, ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.notifications.services import queue_email
from avvik.organizations.models import Organization
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services.validation import identity_errors
from avvik.reports.workflow import Step, check
from avvik.users.models import User

REASON_LIMIT = 5_000
#: A case not yet sent to the receiver has no committee to go to.
NOT_PLACEABLE = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL, ReportStatus.WITHDRAWN)


def open_item_of(report: Report) -> AgendaItem | None:
    """The case's open agenda item, if it is on the agenda now."""
    return db.session.execute(
        select(AgendaItem).where(AgendaItem.report_id == report.id,
                                 AgendaItem.status == AgendaStatus.OPEN)
    ).scalar_one_or_none()


def place_on_agenda(report: Report, *, reason: str, source: AgendaSource,
                    actor: User | None, now: datetime | None = None) -> AgendaItem:
    """Put ``report`` on its community's committee agenda; a case already open there
    is not added twice (the existing item is returned, nothing is written).

    The reason is required when a person flags the case; the other sources say why
    themselves and may add one. Writes a timeline line ("committee_placed"), e-mails the
    secretariat unless escalation brought it (its own e-mail tells them), and e-mails the
    coordinators of both organisations (not the one who flagged it). Flush only.
    """
    existing = open_item_of(report)
    if existing is not None:
        return existing
    reason = (reason or "").replace("\x00", "").strip()
    errors = identity_errors("reason", reason)
    if not reason and source == AgendaSource.FLAGGED:
        errors.append(("reason", str(_l("Say why the case goes to the joint committee."))))
    elif len(reason) > REASON_LIMIT:
        errors.append(("reason", str(_l("At most %(n)d characters (now %(m)d).",
                                        n=REASON_LIMIT, m=len(reason)))))
    if errors:
        raise ValidationFailed(errors)
    if report.status in NOT_PLACEABLE or report.receiving_organization_id is None:
        raise IllegalTransition(str(_l("Only a case sent to the receiving side can go to "
                                       "the joint committee.")))
    community_id = db.session.get(Organization,
                                  report.receiving_organization_id).health_community_id
    item = AgendaItem(report_id=report.id, health_community_id=community_id,
                      source=source, reason=reason, placed_at=now or utcnow(),
                      placed_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():  # two paths at once: the unique index decides
            db.session.add(item)
    except IntegrityError:
        winner = open_item_of(report)
        if winner is None:
            raise
        return winner
    record_event(report, "committee_placed", actor, reason, source=source.value,
                 item_id=item.id)
    told = {actor.id} if actor else set()
    if source != AgendaSource.ESCALATION:
        for person in recipients.secretariat(community_id):
            queue_email(person, "committee_placed", f"committee_placed:{item.id}",
                        report=report, extra={"item_id": item.id, "source": source.value})
            told.add(person.id)
    for person in party_coordinators(report):
        if person.id not in told:
            queue_email(person, "committee_placed_party", f"committee_placed_party:{item.id}",
                        report=report, extra={"item_id": item.id, "source": source.value})
    return item


def party_coordinators(report: Report) -> list[User]:
    """The coordinators of the organisations the case concerns (reporting, receiving, and
    one asked for a joint answer), each once."""
    organizations = dict.fromkeys(o for o in (report.reporting_organization_id,
                                              report.receiving_organization_id,
                                              report.joint_organization_id) if o)
    people: dict[int, User] = {}
    for organization_id in organizations:
        for person in recipients.coordinators(organization_id):
            people.setdefault(person.id, person)
    return list(people.values())


def add_meeting(actor: User, community_id: int, held_on: date, title: str) -> Meeting:
    """A new meeting of the community's committee (the caller checked ``actor`` may)."""
    title = (title or "").strip()
    if len(title) > 200:
        raise ValidationFailed([("title", str(_l("At most %(n)d characters (now %(m)d).",
                                                 n=200, m=len(title))))])
    meeting = Meeting(health_community_id=community_id, held_on=held_on, title=title)
    db.session.add(meeting)
    db.session.flush()
    audit("meeting.created", "meeting", meeting.id, actor=actor,
          detail={"health_community_id": community_id, "held_on": held_on.isoformat()})
    return meeting


def flag_for_committee(actor: User, report: Report, reason: str) -> AgendaItem:
    """A coordinator of either side puts the case on the agenda, with a reason."""
    check(actor, report, Step.FLAG)
    return place_on_agenda(report, reason=reason, source=AgendaSource.FLAGGED, actor=actor)
