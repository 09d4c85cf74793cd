"""The secretariat's steps on an agenda item: the meeting, the conclusion, close or return.

Each step is refused on a resolved item (``IllegalTransition``) and for anyone but the
community's secretariat (``PermissionDenied``); typed text is checked like the case's
(required, no national identity number). Flush only; the boundary commits.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from avvik.committee.access import require_act
from avvik.committee.models import AgendaItem, AgendaStatus, Meeting
from avvik.committee.services import add_meeting
from avvik.core.errors import IllegalTransition, ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.notifications.services import queue_email
from avvik.organizations.models import Organization, Unit
from avvik.reports.events import record_event
from avvik.reports.services.validation import identity_errors
from avvik.users.models import User

TEXT_LIMIT = 10_000
RESOLVED = _l("The case has left the agenda already: the committee's handling is done.")


def _require_open(actor: User, item: AgendaItem) -> None:
    require_act(actor, item.health_community_id)
    if not item.is_open:
        raise IllegalTransition(str(RESOLVED))


def _text_errors(field: str, text: str, *, required: object | None) -> list[tuple[str, str]]:
    if not text:
        return [(field, str(required))] if required else []
    errors = identity_errors(field, text)
    if len(text) > TEXT_LIMIT:
        errors.append((field, str(_l("At most %(n)d characters (now %(m)d).",
                                     n=TEXT_LIMIT, m=len(text)))))
    return errors


def set_meeting(actor: User, item: AgendaItem, meeting: Meeting | None) -> AgendaItem:
    """Put the item on a meeting of its community's committee (None: not yet scheduled)."""
    _require_open(actor, item)
    if meeting is not None and meeting.health_community_id != item.health_community_id:
        raise ValidationFailed([("meeting_id", str(_l("Choose a meeting of this committee.")))])
    item.meeting = meeting
    db.session.flush()
    record_event(item.report, "committee_scheduled", actor,
                 held_on=meeting.held_on.isoformat() if meeting else None)
    return item


def record_conclusion(actor: User, item: AgendaItem, conclusion: str, *,
                      follow_up_organization_id: int | None, follow_up_unit_id: int | None,
                      follow_up_note: str, now: datetime | None = None) -> AgendaItem:
    """The committee's conclusion and who follows it up (an organisation, a unit of it,
    or in words); recorded again it replaces the earlier one, both on the timeline."""
    _require_open(actor, item)
    conclusion, note = (conclusion or "").strip(), (follow_up_note or "").strip()
    errors = _text_errors("conclusion", conclusion,
                          required=_l("Write the committee's conclusion."))
    errors += _text_errors("follow_up_note", note, required=None)
    organization = (db.session.get(Organization, follow_up_organization_id)
                    if follow_up_organization_id else None)
    unit = db.session.get(Unit, follow_up_unit_id) if follow_up_unit_id else None
    if organization is not None and (
            organization.health_community_id != item.health_community_id):
        errors.append(("follow_up_organization_id",
                       str(_l("Choose an organisation of this health community."))))
    if unit is not None and (organization is None or unit.organization_id != organization.id):
        errors.append(("follow_up_unit_id",
                       str(_l("Choose a unit of the organisation that follows up."))))
    if organization is None and not note:
        errors.append(("follow_up_organization_id",
                       str(_l("Say who follows up: an organisation, or in words."))))
    if errors:
        raise ValidationFailed(errors)
    item.conclusion, item.follow_up_note = conclusion, note
    item.follow_up_organization, item.follow_up_unit = organization, unit
    item.concluded_at, item.concluded_by_id = now or utcnow(), actor.id
    db.session.flush()
    record_event(item.report, "committee_concluded", actor, conclusion, item_id=item.id)
    return item


def resolve_item(actor: User, item: AgendaItem, outcome: AgendaStatus, *,
                 now: datetime | None = None) -> AgendaItem:
    """Close the item (the conclusion settles the matter) or return the case to the
    parties; either way the parties are e-mailed. The case's own status is theirs."""
    _require_open(actor, item)
    if outcome == AgendaStatus.OPEN:
        raise ValueError("resolve_item closes or returns an item")
    if not item.conclusion:
        raise IllegalTransition(str(_l("Record the committee's conclusion first.")))
    item.status, item.resolved_at, item.resolved_by_id = outcome, now or utcnow(), actor.id
    db.session.flush()
    report = item.report
    record_event(report, f"committee_{outcome.value}", actor, item_id=item.id)
    for person in parties(item):
        queue_email(person, "committee_resolved", f"committee_resolved:{item.id}",
                    report=report, extra={"outcome": outcome.value, "item_id": item.id})
    return item


def parties(item: AgendaItem) -> list[User]:
    """Who hears the committee's outcome: the reporter, the responsible unit's leaders,
    both organisations' coordinators; each once."""
    report = item.report
    people = [report.reporter]
    if report.responsible_unit is not None:
        people += recipients.nearest_leaders(report.responsible_unit)
    people += recipients.coordinators(report.reporting_organization_id)
    if report.receiving_organization_id is not None:
        people += recipients.coordinators(report.receiving_organization_id)
    seen: dict[int, User] = {}
    for person in people:
        if person.is_active:
            seen.setdefault(person.id, person)
    return list(seen.values())


def schedule_item(actor: User, item: AgendaItem, *, meeting_id: int | None,
                  held_on: date | None, title: str = "") -> AgendaItem:
    """Set the meeting the item belongs to: an existing one, or a new one on ``held_on``;
    with neither, the item waits unscheduled."""
    _require_open(actor, item)
    if held_on is not None:
        meeting: Meeting | None = add_meeting(actor, item.health_community_id, held_on, title)
    else:
        meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
        if meeting_id and meeting is None:
            raise ValidationFailed([("meeting_id",
                                     str(_l("Choose a meeting of this committee.")))])
    return set_meeting(actor, item, meeting)
