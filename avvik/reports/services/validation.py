"""The rules a report's fields must meet, shared by the form and the API.

A draft needs only what it has to be right (no identity numbers in the text, no dates in
the future, choices that fit together); a submission needs everything.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import aliased, joinedload

from avvik.catalog.models import Agreement, Category, Transition
from avvik.core.errors import ValidationFailed
from avvik.core.identity_guard import find_identity_numbers, is_national_id
from avvik.core.timeutil import oslo_today
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.reports.models import Consequence
from avvik.users.models import User

#: Free-text fields and their longest allowed length in characters.
TEXT_LIMITS = {"description": 10_000, "immediate_measures": 5_000, "suggestion": 5_000}
CONSEQUENCE_ORDER = list(Consequence)
#: No case reaches back further: a year before this is a slip of the keyboard.
EARLIEST_EVENT_DATE = date(2000, 1, 1)
#: An event older than this is asked about once (``event_date_confirmed``) before it is
#: filed: most such dates are a typing slip, a few are late reports.
OLD_EVENT_DAYS = 90


@dataclass
class PatientIdentityInput:
    name: str = ""
    national_id: str = ""


@dataclass
class ReportInput:
    """What a reporter supplies; ``None`` means not given (allowed in a draft)."""

    reporting_unit_id: int | None = None
    receiving_organization_id: int | None = None
    receiving_unit_id: int | None = None
    agreement_id: int | None = None
    transition_id: int | None = None
    category_id: int | None = None
    event_date: date | None = None
    discovered_date: date | None = None
    description: str = ""
    immediate_measures: str = ""
    suggestion: str = ""
    consequence: Consequence | None = None
    potential_consequence: Consequence | None = None
    patient_identity: PatientIdentityInput | None = None
    #: The reporter has seen the warning about an old event date and kept the date. The
    #: API's callers are not asked (True); the form asks.
    event_date_confirmed: bool = True
    errors: list[tuple[str, str]] = field(default_factory=list, repr=False)

    def clean_texts(self) -> None:
        # PostgreSQL cannot store NUL; every other character is kept and shown escaped.
        for name in TEXT_LIMITS:
            setattr(self, name, (getattr(self, name) or "").replace("\x00", "").strip())


def identity_errors(field_name: str, text: str) -> list[tuple[str, str]]:
    """An error for each national identity number in ``text``, saying where it stands."""
    return [
        (field_name, str(_l(
            "The text contains what looks like a national identity number at character "
            "%(position)d (“%(number)s”). Remove it: the patient must not be identifiable "
            "in the text.", position=hit.position, number=hit.text)))
        for hit in find_identity_numbers(text)
    ]


@dataclass(frozen=True)
class Choices:
    """The rows the input names, as the validation loaded them (None: not given).

    A service that goes on to write the report sets them on it instead of loading them
    again: one query each per request, and the answer built from them needs none.
    """

    reporting_unit: Unit | None = None
    receiving_organization: Organization | None = None
    receiving_unit: Unit | None = None
    agreement: Agreement | None = None
    transition: Transition | None = None
    category: Category | None = None


def validate_report(data: ReportInput, reporter: User, *, complete: bool,
                    now: datetime | None = None) -> Choices:
    """Raise ``ValidationFailed`` with every problem at once; ``complete`` for submission.

    Returns the rows the (valid) input names.
    """
    data.clean_texts()
    errors: list[tuple[str, str]] = []
    today = oslo_today(now)
    errors += _text_errors(data, complete)
    errors += _date_errors(data, today, complete)
    choice_errors, choices = _choice_errors(data, reporter, complete)
    errors += choice_errors
    errors += _consequence_errors(data, complete)
    errors += _identity_section_errors(data, choices.receiving_organization)
    if errors:
        raise ValidationFailed(errors)
    return choices


def _text_errors(data: ReportInput, complete: bool) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for name, limit in TEXT_LIMITS.items():
        text = getattr(data, name)
        if len(text) > limit:
            errors.append((name, str(_l("At most %(n)d characters (now %(m)d).",
                                        n=limit, m=len(text)))))
        errors += identity_errors(name, text)
    if complete and not data.description:
        errors.append(("description", str(_l("Describe what happened."))))
    return errors


def _date_errors(data: ReportInput, today: date, complete: bool) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if data.event_date is None:
        if complete:
            errors.append(("event_date", str(_l("Give the date of the event."))))
    elif data.event_date > today:
        errors.append(("event_date", str(_l("The date of the event cannot be in the future."))))
    elif data.event_date < EARLIEST_EVENT_DATE:
        errors.append(("event_date", str(_l("The date of the event cannot be before %(year)d.",
                                            year=EARLIEST_EVENT_DATE.year))))
    elif complete and not data.event_date_confirmed \
            and (today - data.event_date).days > OLD_EVENT_DAYS:
        errors.append(("event_date", str(_l(
            "The event was %(days)d days ago. Check the date; if it is right, tick "
            "“The date is right” and submit again.", days=(today - data.event_date).days))))
    if data.discovered_date is not None:
        if data.discovered_date > today:
            errors.append(("discovered_date",
                           str(_l("The date discovered cannot be in the future."))))
        elif data.event_date and data.discovered_date < data.event_date:
            errors.append(("discovered_date",
                           str(_l("The date discovered cannot be before the event."))))
    return errors


def _choice_errors(data: ReportInput, reporter: User, complete: bool
                   ) -> tuple[list[tuple[str, str]], Choices]:
    errors: list[tuple[str, str]] = []
    required = {
        "receiving_organization_id": _l("Choose the receiving organisation."),
        "agreement_id": _l("Choose the agreement."),
        "transition_id": _l("Choose the transition."),
        "category_id": _l("Choose the category."),
    }
    for name, message in required.items():
        if complete and getattr(data, name) is None:
            errors.append((name, str(message)))

    choices = _load_choices(data)
    unit = choices.reporting_unit
    # An organisation's service account files from any unit of its organisation.
    if unit is None or not unit.is_active or (all(
            m.unit_id != unit.id for m in reporter.memberships)
            and unit.organization_id != reporter.service_organization_id):
        errors.append(("reporting_unit_id", str(_l("Choose one of your own units."))))
        return errors, Choices()
    community_id = unit.organization.health_community_id

    receiver = choices.receiving_organization
    if data.receiving_organization_id is not None:
        if receiver is None or not receiver.is_active \
                or receiver.health_community_id != community_id:
            errors.append(("receiving_organization_id",
                           str(_l("Choose an organisation of your health community."))))
        elif receiver.id == unit.organization_id:
            errors.append(("receiving_organization_id", str(_l(
                "Report to the other party: your own organisation's deviations belong in "
                "its own quality system."))))
    receiving_unit = choices.receiving_unit
    if data.receiving_unit_id is not None and (
            receiving_unit is None or not receiving_unit.is_active or receiver is None
            or receiving_unit.organization_id != receiver.id):
        errors.append(("receiving_unit_id",
                       str(_l("The unit must belong to the receiving organisation."))))

    agreement = choices.agreement
    if data.agreement_id is not None and (
            agreement is None or not agreement.is_active
            or agreement.health_community_id != community_id):
        errors.append(("agreement_id", str(_l("Choose an agreement from the list."))))
    transition = choices.transition
    if data.transition_id is not None and (
            transition is None or not transition.is_active
            or transition.phase.health_community_id != community_id):
        errors.append(("transition_id", str(_l("Choose a transition from the list."))))
        transition = None
    category = choices.category
    if data.category_id is not None:
        if category is None or not category.is_active \
                or category.health_community_id != community_id:
            errors.append(("category_id", str(_l("Choose a category from the list."))))
        elif transition is not None and category.phase_id not in (None, transition.phase_id):
            errors.append(("category_id", str(_l(
                "This category does not belong to the phase of the chosen transition."))))
    return errors, choices


def _load_choices(data: ReportInput) -> Choices:
    """The rows the input names, in one query instead of one each: the reporting unit
    (no row without it), and the others joined to it by their ids."""
    row = db.session.execute(_choices_query(), {
        "unit_id": _id(data.reporting_unit_id),
        "receiver_id": _id(data.receiving_organization_id),
        "receiving_unit_id": _id(data.receiving_unit_id),
        "agreement_id": _id(data.agreement_id), "transition_id": _id(data.transition_id),
        "category_id": _id(data.category_id),
    }).first()
    return Choices(*row) if row else Choices()


@functools.cache
def _choices_query() -> Select:
    # Built once: making the aliased joins costs more than running the query.
    receiver, receiving_unit = aliased(Organization), aliased(Unit)
    return (
        select(Unit, receiver, receiving_unit, Agreement, Transition, Category)
        .select_from(Unit)
        .outerjoin(receiver, receiver.id == bindparam("receiver_id"))
        .outerjoin(receiving_unit, receiving_unit.id == bindparam("receiving_unit_id"))
        .outerjoin(Agreement, Agreement.id == bindparam("agreement_id"))
        .outerjoin(Transition, Transition.id == bindparam("transition_id"))
        .outerjoin(Category, Category.id == bindparam("category_id"))
        .where(Unit.id == bindparam("unit_id"))
        # What the checks read of the unit's and the transition's parents.
        .options(joinedload(Unit.organization), joinedload(Transition.phase))
    )


def _id(object_id: int | None) -> int:
    # 0 is no row's id: a choice not given joins no row.
    return object_id if object_id is not None else 0


def _consequence_errors(data: ReportInput, complete: bool) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if complete and data.consequence is None:
        errors.append(("consequence", str(_l("Choose the actual consequence."))))
    if complete and data.potential_consequence is None:
        errors.append(("potential_consequence", str(_l("Choose the potential consequence."))))
    if data.consequence and data.potential_consequence and \
            CONSEQUENCE_ORDER.index(data.potential_consequence) < \
            CONSEQUENCE_ORDER.index(data.consequence):
        errors.append(("potential_consequence", str(_l(
            "The worst credible consequence cannot be milder than what actually happened."))))
    return errors


def _identity_section_errors(data: ReportInput, receiver: Organization | None
                             ) -> list[tuple[str, str]]:
    identity = data.patient_identity
    if identity is None or not (identity.name.strip() or identity.national_id.strip()):
        data.patient_identity = None
        return []
    receiver = receiver or _get(Organization, data.receiving_organization_id)
    if receiver is None or not receiver.is_patient_identity_wanted:
        return [("patient_identity", str(_l(
            "The receiving organisation does not ask for the patient's identity; "
            "leave it out.")))]
    errors = []
    if not identity.name.strip():
        errors.append(("patient_name", str(_l("Give the patient's name."))))
    if not is_national_id(identity.national_id):
        errors.append(("patient_national_id", str(_l(
            "Not a valid national identity number (11 digits, check digits must match)."))))
    return errors


def _get(model: type, object_id: int | None) -> Any:
    return db.session.get(model, object_id) if object_id is not None else None
