"""The dashboards' filter: a GET form whose query string is the view (bookmarkable).

The form only renders the fields and carries the errors back to them; the filter itself is
parsed and checked by ``avvik.stats.filters.StatsFilter.from_query``, the same parser as
the JSON API's. A GET form changes nothing, so it has no CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectField, StringField

from avvik.core.errors import ValidationFailed
from avvik.core.forms import AppForm, select_choices
from avvik.dashboards.queries import FilterChoices
from avvik.reports.labels import consequence_label, direction_label
from avvik.reports.models import Consequence, Direction

#: The parser's query keys that are Python keywords, and the form attributes they fill.
ATTRIBUTES = {"from": "period_from", "to": "period_to"}


def _any(choices: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    return select_choices(choices, str(_l("All")))


class FilterForm(AppForm):
    class Meta:
        csrf = False

    period_from = StringField(_l("From month"), name="from")
    period_to = StringField(_l("To month"), name="to")
    direction = SelectField(_l("Direction"))
    organization_id = SelectField(_l("Organisation"))
    unit_id = SelectField(_l("Unit"))
    agreement_id = SelectField(_l("Agreement"))
    transition_id = SelectField(_l("Transition"))
    category_id = SelectField(_l("Category"))
    consequence = SelectField(_l("Consequence"))
    potential_consequence = SelectField(_l("Potential consequence"))

    def __init__(self, args: Mapping[str, Any], choices: FilterChoices,
                 defaults: Mapping[str, str] | None = None) -> None:
        """``args``: the request's query; ``defaults``: the parsed filter's values, shown
        where the query left a field empty (the period the page counts)."""
        data = MultiDict(dict(defaults or {}))
        for key, value in args.items():
            if str(value).strip():
                data[key] = value
        super().__init__(formdata=data)
        self.direction.choices = _any([(d.value, direction_label(d)) for d in Direction])
        self.consequence.choices = _any([(c.value, str(consequence_label(c)))
                                         for c in Consequence])
        self.potential_consequence.choices = self.consequence.choices
        self.organization_id.choices = _any(choices.organizations)
        self.unit_id.choices = _any(choices.units)
        self.agreement_id.choices = _any(choices.agreements)
        self.transition_id.choices = _any(choices.transitions)
        self.category_id.choices = _any(choices.categories)

    def apply_errors(self, error: ValidationFailed) -> None:
        super().apply_errors(ValidationFailed(
            [(ATTRIBUTES.get(key, key), reason) for key, reason in error.errors]))
