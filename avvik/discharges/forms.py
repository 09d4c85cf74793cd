"""Forms for discharges: one month of one unit, or many lines pasted from a spreadsheet.
They parse input; the services check the rules and say why."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from avvik.core.forms import AppForm, select_choices
from avvik.core.ids import row_id_or_none


def _int_or_none(value: Any) -> int | None:
    try:
        return row_id_or_none(value)
    except (TypeError, ValueError):
        return None


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class DischargeForm(AppForm):
    unit_id = SelectField(_l("Unit"), [InputRequired()], coerce=_int_or_none,
                          validate_choice=False)
    month = StringField(_l("Month"), [InputRequired(), Length(max=7)], filters=[_strip],
                        description=_l("YYYY-MM, for example 2026-03"))
    count = StringField(_l("Discharges"), [InputRequired(), Length(max=9)],
                        filters=[_strip],
                        description=_l("Patients the unit discharged in the month."))

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit_id.choices = select_choices(units, _l("Choose a unit"))


class DischargeFileForm(AppForm):
    lines = TextAreaField(
        _l("Lines to register"), [InputRequired(), Length(max=200_000)],
        description=_l("One line per unit and month: unit id; month (YYYY-MM); discharges. "
                       "Paste from a spreadsheet or a CSV file; a header line is skipped."))
