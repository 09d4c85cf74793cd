"""Forms for measures. They parse input; the services check the rules and say why.

Choices that point at rows (the owning unit) are not checked here
(``validate_choice=False``): the service explains a refused unit better than
"Not a valid choice".
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from avvik.core.day_field import DAY_FORMAT_HINT, DayField
from avvik.core.forms import AppForm, select_choices
from avvik.core.ids import row_id_or_none
from avvik.measures.labels import STATUS_LABELS
from avvik.measures.models import MeasureStatus
from avvik.measures.services import TEXT_LIMIT, TITLE_LIMIT, MeasureInput


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def int_or_none(value: Any) -> int | None:
    """A filter's id: what cannot be a row's id filters nothing."""
    try:
        return row_id_or_none(value)
    except (TypeError, ValueError):
        return None


def status_or_none(value: Any) -> MeasureStatus | None:
    try:
        return MeasureStatus(value)
    except ValueError:
        return None


class Required:
    """Marks a field as required without checking it here: the service reports what is
    missing together with every other problem, so the user gets all of them at once."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        if field.raw_data and field.raw_data[0].strip() == "":
            field.errors[:] = []  # an empty date is "missing" (the service), not "invalid"
            raise StopValidation()


class MeasureForm(AppForm):
    title = StringField(_l("Title"), [Required(), Length(max=TITLE_LIMIT)],
                        filters=[strip])
    description = TextAreaField(
        _l("Description"), [Length(max=TEXT_LIMIT)], filters=[strip],
        description=_l("What will be done. Never write anything that identifies a patient."))
    owning_unit_id = SelectField(_l("Owning unit"), [Required()], coerce=int_or_none,
                                 validate_choice=False)
    due_date = DayField(_l("Due date"), [Required()], description=DAY_FORMAT_HINT)
    status = SelectField(_l("Status"), coerce=status_or_none, validate_choice=False)
    start_date = DayField(
        _l("Start date"), [Optional()],
        description=_l("When the measure took effect; the evaluation compares the months "
                       "before and after it. Set to today when work starts if left empty. "
                       "dd.mm.yyyy, for example 05.12.2026"))

    def __init__(self, *args: Any, units: list[tuple[int, str]],
                 statuses: list[MeasureStatus], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owning_unit_id.choices = select_choices(units, _l("Choose a unit"))
        self.status.choices = select_choices((s.value, STATUS_LABELS[s]) for s in statuses)

    def to_input(self) -> MeasureInput:
        return MeasureInput(
            title=self.title.data or "", description=self.description.data or "",
            owning_unit_id=self.owning_unit_id.data, due_date=self.due_date.data,
            start_date=self.start_date.data, status=self.status.data)


class NewMeasureForm(MeasureForm):
    case_numbers = StringField(
        _l("Further cases"), [Length(max=2_000)], filters=[strip],
        description=_l("Case numbers of other cases this measure answers, such as "
                       "SA-2026-00012, separated by commas."))


class EvaluateForm(AppForm):
    start_date = DayField(_l("Start date"), [Required()],
                          description=_l("When the measure took effect. dd.mm.yyyy, for "
                                         "example 05.12.2026"))
    evaluation_note = TextAreaField(
        _l("Evaluation"), [Required(), Length(max=TEXT_LIMIT)], filters=[strip],
        description=_l("Did deviations of that kind drop afterwards? What did you learn?"))


class LinkForm(AppForm):
    case_number = StringField(_l("Case number"), [InputRequired(), Length(max=20)],
                              filters=[strip], description=_l("For example SA-2026-00012."))


class UnlinkForm(AppForm):
    """A case's "unlink" button: nothing to type, the case is in the address."""


class CancelForm(AppForm):
    """The cancel button: nothing to type. A measure is cancelled, never deleted."""
