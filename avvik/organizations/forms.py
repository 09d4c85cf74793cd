"""Forms for health communities, organisations, units and unit leaders.

They parse input only. Choices that point at other rows (community, parent unit) are not
checked here (``validate_choice=False``): the services check them and say why a choice
is refused, which "Not a valid choice" would not.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import Length, Optional

from avvik.core.forms import AppForm, select_choices
from avvik.core.ids import row_id_or_none
from avvik.organizations.labels import ORGANIZATION_KIND_LABELS
from avvik.organizations.models import HealthCommunity


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class CheckedByService:
    """Marks a field required (its label, the ``required`` attribute) while leaving the
    check to the service, so a form's problems all show in one round, not two."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


class ServiceForm(AppForm):
    """A form whose fields are named like its service's keyword arguments."""

    def values(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token"}


def _days(column: str, label: object, description: object) -> IntegerField:
    # Optional() lets an empty box through to the service, which says what is allowed.
    return IntegerField(label, [CheckedByService(), Optional()], description=description,
                        default=HealthCommunity.__table__.c[column].default.arg)


class HealthCommunityForm(ServiceForm):
    name = StringField(_l("Name"), [CheckedByService(), Length(max=200)], filters=[strip])
    committee_name = StringField(
        _l("Name of the joint committee"), [CheckedByService(), Length(max=100)],
        filters=[strip], default=HealthCommunity.__table__.c["committee_name"].default.arg,
        description=_l("What the community calls it: LSU, SSU, OSU, Samarbeidsutvalget."))
    reminder_days_before = _days(
        "reminder_days_before",
        _l("Reminder before the answer deadline (working days)"),
        _l("The responsible unit is reminded this many working days before the deadline."))
    escalation_level2_days = _days(
        "escalation_level2_days",
        _l("Escalation to the coordinators (working days after level 1)"),
        _l("Level 1, the leader of the unit above, is reached when the deadline passes."))
    escalation_level3_days = _days(
        "escalation_level3_days",
        _l("Escalation to the joint committee (working days after level 1)"),
        _l("The case is put on the joint committee's agenda."))
    identity_retention_days = _days(
        "identity_retention_days",
        _l("Delete the patient identity after (calendar days)"),
        _l("Counted from when the case closes, or a draft was last changed."))
    serious_acknowledge_days = _days(
        "serious_acknowledge_days",
        _l("Serious events: acknowledge within (working days)"),
        _l("Consequence significant or death, or potential consequence death. 1 is the "
           "next working day."))
    serious_answer_days = _days(
        "serious_answer_days",
        _l("Serious events: answer within (working days)"),
        _l("Used instead of the agreement's answer deadline when it is shorter."))


class OrganizationForm(ServiceForm):
    name = StringField(_l("Name"), [CheckedByService(), Length(max=200)], filters=[strip])
    kind = SelectField(_l("Kind"), [CheckedByService()], validate_choice=False)
    health_community_id = SelectField(_l("Health community"), [CheckedByService()],
                                      coerce=row_id_or_none, validate_choice=False)
    org_number = StringField(_l("Organisation number"), [Length(max=20)], filters=[strip])
    is_approval_required = BooleanField(
        _l("Outgoing reports need the reporting unit leader's approval"))
    is_patient_identity_wanted = BooleanField(
        _l("Reporters are asked for the patient's identity (kept apart, encrypted)"))

    def __init__(self, *args: Any, communities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = select_choices(
            ((kind.value, label) for kind, label in ORGANIZATION_KIND_LABELS.items()),
            _l("Choose a kind"))
        self.health_community_id.choices = select_choices(communities,
                                                          _l("Choose a health community"))


class UnitForm(ServiceForm):
    name = StringField(_l("Name"), [CheckedByService(), Length(max=200)], filters=[strip])
    parent_id = SelectField(_l("Parent unit"), coerce=row_id_or_none, validate_choice=False)

    def __init__(self, *args: Any, parents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_id.choices = select_choices(parents,
                                                _l("None: a top unit of the organisation"))


class LeaderForm(ServiceForm):
    username = StringField(_l("User name of the new leader"),
                           [CheckedByService(), Length(max=80)], filters=[strip])
