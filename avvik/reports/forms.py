"""Forms for cases: the report form and one small form per step (the list's filters are
avvik.reports.list_forms).

They parse input only. What must be filled in to submit, and whether the choices fit
together, is decided by the services (avvik.reports.services.validation), so a draft can
be saved half-filled and the API follows the very same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from avvik.catalog import queries as catalog
from avvik.core.day_field import DayField
from avvik.core.errors import ValidationFailed
from avvik.core.forms import AppForm, select_choices
from avvik.core.timeutil import oslo_today
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.reports.labels import CONSEQUENCE_LEVELS
from avvik.reports.models import Consequence
from avvik.reports.services.validation import PatientIdentityInput, ReportInput
from avvik.reports.suggestions import agreements_by_transition, usual_receiver_id

#: (group key, group label, [(value, label)]) for a select with <optgroup>s.
Groups = list[tuple[str, str, list[tuple[int, str]]]]


def _id(value: Any) -> int | None:
    """A select's value: "" means nothing chosen; anything else must be a whole number."""
    if value in ("", None):
        return None
    return int(value)


def _consequence(value: Any) -> Consequence | None:
    if value in ("", None):
        return None
    return Consequence(value)


class NeededToSubmit:
    """Marks a field as required for submission (a draft may leave it empty); the
    services check it. Only sets the flag that labels and aria-required read."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


def _select(label: object, *needed: NeededToSubmit, **kwargs: Any) -> SelectField:
    return SelectField(label, [Optional(), *needed], coerce=_id, validate_choice=False,
                       **kwargs)


def _consequence_field(label: object, description: object) -> RadioField:
    choices = select_choices((c.value, str(level.label))
                             for c, level in CONSEQUENCE_LEVELS.items())
    return RadioField(label, [Optional(), NeededToSubmit()], coerce=_consequence,
                      choices=choices, validate_choice=False, description=description)


class ReportForm(AppForm):
    reporting_unit_id = _select(_l("Reporting unit"), NeededToSubmit())
    receiving_organization_id = _select(_l("Receiving organisation"), NeededToSubmit())
    receiving_unit_id = _select(
        _l("Receiving unit"),
        description=_l("Only if you know it; otherwise the case is routed for you."))
    agreement_id = _select(_l("Agreement"), NeededToSubmit())
    transition_id = _select(_l("Transition"), NeededToSubmit())
    category_id = _select(
        _l("Category"), NeededToSubmit(),
        description=_l("The categories offered depend on the phase of the transition."))
    # Text fields read as dd.mm.yyyy whatever the browser's locale (avvik.core.day_field).
    event_date = DayField(_l("Date of the event"), [Optional(), NeededToSubmit()])
    discovered_date = DayField(_l("Date discovered"), [Optional()])
    #: Shown with the warning about an event long ago (services.validation.OLD_EVENT_DAYS).
    event_date_confirmed = BooleanField(_l("The date is right"))
    description = TextAreaField(
        _l("What happened?"), [NeededToSubmit()], render_kw={"rows": 6},
        description=_l("Describe the deviation. Never write the patient's name or national "
                       "identity number here."))
    immediate_measures = TextAreaField(_l("Immediate measures"), render_kw={"rows": 3},
                                       description=_l("What you did at once, if anything."))
    suggestion = TextAreaField(_l("Suggestion for improvement"), render_kw={"rows": 3})
    consequence = _consequence_field(_l("Actual consequence"),
                                     _l("What actually happened to the patient."))
    potential_consequence = _consequence_field(
        _l("Potential consequence"),
        _l("The worst that could credibly have happened if it had not been caught."))
    # Never kept in the browser's storage (data-keep="no"), never offered by autocomplete.
    patient_name = StringField(_l("Patient's name"), [Length(max=200)],
                               render_kw={"autocomplete": "off", "data-keep": "no"})
    patient_national_id = StringField(
        _l("National identity number"), [Length(max=20)], description=_l("11 digits."),
        render_kw={"autocomplete": "off", "data-keep": "no", "inputmode": "numeric"})
    submit = SubmitField(_l("Submit report"))
    save_draft = SubmitField(_l("Save as draft"))
    #: New on every page of the form (avvik.reports.submissions): a second post of the same
    #: page finds the report the first one saved. Not named like the report's column, so
    #: that the form never takes a saved report's token as its own.
    form_token = HiddenField()

    #: Set by ``offer_choices`` for the grouped selects and the identity section.
    receiving_unit_groups: Groups
    transition_groups: Groups
    category_groups: Groups
    identity_org_ids: list[int]
    identity_org_names: list[str]
    #: Transition id -> the agreements usually chosen with it, most used first.
    agreement_hints: dict[int, list[int]]
    receivers: Sequence[Organization]
    today: date  #: in Norway, for the date fields' "Today" and "Yesterday"

    def offer_choices(self, units: Sequence[Unit], default_unit_id: int | None) -> None:
        """Fill the selects with what a reporter of ``units`` may choose."""
        if self.reporting_unit_id.data is None:
            self.reporting_unit_id.data = default_unit_id
        self.reporting_unit_id.choices = select_choices(
            (u.id, f"{u.name} ({u.organization.name})") for u in units)
        chosen = next((u for u in units if u.id == self.reporting_unit_id.data), None)
        own = chosen or (units[0] if units else None)
        community_id = own.organization.health_community_id if own else None
        orgs = _receiving_organizations(community_id, own.organization_id if own else None)
        self.identity_org_ids = [o.id for o in orgs if o.is_patient_identity_wanted]
        self.identity_org_names = [o.name for o in orgs if o.is_patient_identity_wanted]
        self.receivers = orgs
        self.today = oslo_today()
        self.receiving_organization_id.choices = select_choices(
            [(o.id, o.name) for o in orgs], _l("Choose organisation"))
        self.receiving_unit_groups = [
            (str(o.id), o.name, [(u.id, u.name) for u in _active_units(o.id)]) for o in orgs]
        agreements = catalog.active_agreements(community_id) if community_id else []
        self.agreement_id.choices = select_choices(
            [(a.id, f"{a.number} {a.title}") for a in agreements], _l("Choose agreement"))
        self.transition_groups, self.category_groups = _phase_groups(community_id)
        self.agreement_hints = agreements_by_transition(
            [o.id for o in orgs] + ([own.organization_id] if own else []),
            [a.id for a in agreements])
        # A draft opened again shows the usual agreement for its transition, as the script
        # would; a post is never given an agreement the reporter did not send.
        hints = self.agreement_hints.get(self.transition_id.data or 0)
        if not self.is_submitted() and self.agreement_id.data is None and hints:
            self.agreement_id.data = hints[0]

    def suggest(self, reporter_id: int) -> None:
        """A new form's defaults: the usual receiving organisation, the event today."""
        if self.is_submitted():
            return
        if self.receiving_organization_id.data is None:
            self.receiving_organization_id.data = usual_receiver_id(
                reporter_id, self.reporting_unit_id.data, self.receivers)
        if self.event_date.data is None:
            self.event_date.data = self.today

    def issue_token(self, token: str) -> None:
        """Give a page of the form its token; a post shown again keeps the one it sent."""
        if not self.is_submitted() or not self.form_token.data:
            self.form_token.data = token

    def wants_identity(self) -> bool:
        return self.receiving_organization_id.data in self.identity_org_ids

    def to_input(self) -> ReportInput:
        identity = PatientIdentityInput(self.patient_name.data or "",
                                        self.patient_national_id.data or "")
        return ReportInput(
            reporting_unit_id=self.reporting_unit_id.data,
            receiving_organization_id=self.receiving_organization_id.data,
            receiving_unit_id=self.receiving_unit_id.data,
            agreement_id=self.agreement_id.data, transition_id=self.transition_id.data,
            category_id=self.category_id.data, event_date=self.event_date.data,
            discovered_date=self.discovered_date.data,
            description=self.description.data or "",
            immediate_measures=self.immediate_measures.data or "",
            suggestion=self.suggestion.data or "", consequence=self.consequence.data,
            potential_consequence=self.potential_consequence.data,
            patient_identity=identity if identity.name or identity.national_id else None,
            event_date_confirmed=bool(self.event_date_confirmed.data),
        )

    def apply_errors(self, error: ValidationFailed) -> None:
        # "The receiving organisation does not ask for the identity" belongs to the section.
        renamed = [("patient_name" if field == "patient_identity" else field, reason)
                   for field, reason in error.errors]
        super().apply_errors(ValidationFailed(renamed))


def _receiving_organizations(community_id: int | None, own_org_id: int | None
                             ) -> Sequence[Organization]:
    if community_id is None:
        return []
    return db.session.scalars(
        db.select(Organization)
        .where(Organization.health_community_id == community_id, Organization.is_active,
               Organization.id != own_org_id)
        .order_by(Organization.name)
    ).all()


def _active_units(org_id: int) -> Sequence[Unit]:
    return db.session.scalars(
        db.select(Unit).filter_by(organization_id=org_id, is_active=True).order_by(Unit.name)
    ).all()


def _phase_groups(community_id: int | None) -> tuple[Groups, Groups]:
    """Transitions and categories grouped by phase ("any" holds every-phase categories)."""
    if community_id is None:
        return [], []
    phases = catalog.active_phases(community_id)
    transitions = catalog.active_transitions(community_id)
    categories = [c for c in catalog.all_categories(community_id) if c.is_active]
    transition_groups = [
        (str(p.id), f"{p.code} {p.name}",
         [(t.id, t.name) for t in transitions if t.phase_id == p.id]) for p in phases]
    category_groups = [
        (str(p.id), f"{p.code} {p.name}",
         [(c.id, c.name) for c in categories if c.phase_id == p.id]) for p in phases]
    category_groups.append(("any", str(_l("Any phase")),
                            [(c.id, c.name) for c in categories if c.phase_id is None]))
    return ([g for g in transition_groups if g[2]], [g for g in category_groups if g[2]])


# The steps on a case. Each form is rendered with its step as prefix ("answer-cause"), so
# several sit on one page without clashing ids; the services' field names still match.


class StepForm(AppForm):
    """A step with nothing to type. ``version`` is the case's version the page showed:
    if the case has changed since, the step is refused instead of acting on old facts."""

    version = HiddenField()


class AnswerForm(StepForm):
    cause = TextAreaField(_l("What did you find? (cause)"), [NeededToSubmit()],
                          render_kw={"rows": 5})
    measures = TextAreaField(_l("Measures taken and planned"), [NeededToSubmit()],
                             render_kw={"rows": 5})


class ReasonForm(StepForm):
    reason = TextAreaField(_l("Reason"), [NeededToSubmit()], render_kw={"rows": 3})


class ForwardForm(StepForm):
    unit_id = _select(_l("Forward to unit"), NeededToSubmit())
    reason = TextAreaField(_l("Why does the case belong there?"), [NeededToSubmit()],
                           render_kw={"rows": 3})


class CommentForm(StepForm):
    text = TextAreaField(_l("Comment"), [NeededToSubmit()], render_kw={"rows": 4},
                         description=_l("Both sides of the case read the comments."))


class IdentityForm(AppForm):
    reason = StringField(_l("Why do you need the patient's identity?"), [NeededToSubmit()],
                         description=_l("Your reason and the time are logged on the case."))
