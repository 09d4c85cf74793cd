"""The routing rule form: the rule's keys and target, and a sample case to test it on.

It parses input only. Choices that point at other rows are not checked here
(``validate_choice=False``): the services say why a choice is refused, which "Not a valid
choice" would not. Choices come from avvik.routing.queries.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length

from avvik.core.forms import AppForm, select_choices
from avvik.core.ids import row_id_or_none
from avvik.organizations.forms import CheckedByService, strip
from avvik.routing.admin import RuleValues

Choices = list[tuple[int, str]]


def _key(label: object, description: object) -> SelectField:
    return SelectField(label, coerce=row_id_or_none, validate_choice=False,
                       description=description)


def _sample(label: object) -> SelectField:
    # Needed by the Test button (the service checks it); saving ignores the sample.
    return SelectField(label, [CheckedByService()], coerce=row_id_or_none,
                       validate_choice=False)


class RuleForm(AppForm):
    name = StringField(_l("Name"), [CheckedByService(), Length(max=200)], filters=[strip],
                       description=_l("Say what the rule is for, such as “Medication "
                                      "lists to the medical ward”."))
    agreement_id = _key(_l("Agreement"), _l("“Any” matches every agreement."))
    transition_id = _key(_l("Transition"), _l("“Any” matches every transition."))
    category_id = _key(_l("Category"), _l("“Any” matches every category."))
    target_unit_id = SelectField(_l("Send the cases to"), [CheckedByService()],
                                 coerce=row_id_or_none, validate_choice=False)
    sample_agreement_id = _sample(_l("Agreement of the sample case"))
    sample_transition_id = _sample(_l("Transition of the sample case"))
    sample_category_id = _sample(_l("Category of the sample case"))
    #: Set by the button pressed: "test" tests the rule, anything else saves it.
    action = HiddenField()

    def __init__(self, *args: Any, agreements: Choices, transitions: Choices,
                 categories: Choices, units: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything, choose = _l("Any"), _l("Choose")
        self.agreement_id.choices = select_choices(agreements, anything)
        self.transition_id.choices = select_choices(transitions, anything)
        self.category_id.choices = select_choices(categories, anything)
        self.target_unit_id.choices = select_choices(units, _l("Choose a unit"))
        self.sample_agreement_id.choices = select_choices(agreements, choose)
        self.sample_transition_id.choices = select_choices(transitions, choose)
        self.sample_category_id.choices = select_choices(categories, choose)

    @property
    def wants_test(self) -> bool:
        return self.action.data == "test"

    def values(self) -> RuleValues:
        return RuleValues(self.name.data or "", self.target_unit_id.data,
                          self.agreement_id.data, self.transition_id.data,
                          self.category_id.data)

    def sample(self) -> dict[str, int | None]:
        return {"agreement_id": self.sample_agreement_id.data,
                "transition_id": self.sample_transition_id.data,
                "category_id": self.sample_category_id.data}
