"""The secretariat's forms on an agenda item; the agenda's community filter."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from avvik.core.day_field import DayField
from avvik.core.forms import AppForm


def _id(value: Any) -> int | None:
    if value in ("", None):
        return None
    return int(value)


def _select(label: object, **kwargs: Any) -> SelectField:
    return SelectField(label, [Optional()], coerce=_id, validate_choice=False, **kwargs)


class ItemForm(AppForm):
    """``version``: the item as the page showed it; a change since refuses the step."""

    version = HiddenField()


class MeetingForm(ItemForm):
    meeting_id = _select(_l("Meeting"))
    held_on = DayField(_l("Or a new meeting on"), [Optional()],
                       description=_l("dd.mm.yyyy, for example 05.12.2026"))
    title = StringField(_l("Title of the new meeting"), [Optional(), Length(max=200)])


class ConclusionForm(ItemForm):
    conclusion = TextAreaField(_l("The committee's conclusion"), render_kw={"rows": 5},
                               description=_l("Both parties read it on the case's timeline. "
                                              "Never the patient's identity."))
    follow_up_organization_id = _select(_l("Organisation that follows up"))
    follow_up_unit_id = _select(_l("Unit that follows up"))
    follow_up_note = TextAreaField(_l("Who follows up, in words"), render_kw={"rows": 2},
                                   description=_l("A person, a working group, a deadline."))


class ResolveForm(ItemForm):
    outcome = RadioField(_l("What happens to the case"), choices=[
        SelectChoice("closed", _l("Close: the conclusion settles the matter")),
        SelectChoice("returned", _l("Return to the parties to follow up")),
    ], validate_choice=False)


class AgendaFilterForm(AppForm):
    community = _select(_l("Health community"))
