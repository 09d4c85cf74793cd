"""Forms for users and their memberships. They parse input; the services hold the rules
(user name pattern, e-mail, password policy, duplicates), so each rule lives once."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import (
    BooleanField,
    Choice,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Length
from wtforms.widgets import Select, html_params

from avvik.core.forms import select_choices
from avvik.core.ids import row_id_or_none
from avvik.organizations.forms import CheckedByService, ServiceForm, strip
from avvik.users.labels import ROLE_LABELS

LANGUAGE_CHOICES = select_choices([("nb", "Norsk (bokmål)"), ("en", "English")],
                                  _l("As the browser asks"))


class UserForm(ServiceForm):
    username = StringField(_l("User name"), [CheckedByService(), Length(max=80)],
                           filters=[strip])
    full_name = StringField(_l("Full name"), [CheckedByService(), Length(max=200)],
                            filters=[strip])
    email = EmailField(_l("E-mail"), [CheckedByService(), Length(max=254)], filters=[strip])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validate_choice=False)
    external_id = StringField(_l("Identifier at the sign-in service"),
                              [CheckedByService(), Length(max=200)], filters=[strip],
                              render_kw={"autocomplete": "off", "spellcheck": "false"})
    is_admin = BooleanField(_l("Administrator (maintains organisations, users and "
                               "reference data)"))


class NewUserForm(UserForm):
    password = PasswordField(_l("Initial password"), [CheckedByService(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})


class EditUserForm(UserForm):
    password = PasswordField(_l("New password"), [Length(max=200)],
                             render_kw={"autocomplete": "new-password"})


class PromptedGroupSelect(Select):
    """Option groups (one per organisation) after one ungrouped "choose" prompt."""

    def __init__(self, prompt: object) -> None:
        super().__init__()
        self.prompt = prompt

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        prompt = Choice("", str(self.prompt), field.data is None, {})
        html = [f"<select {html_params(name=field.name, **kwargs)}>",
                self.render_option(prompt)]
        for group, choices in field.iter_groups():
            html.append(f"<optgroup {html_params(label=group)}>")
            html.extend(self.render_option(choice) for choice in choices)
            html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))


class MembershipForm(ServiceForm):
    role = SelectField(_l("Role"), [CheckedByService()], validate_choice=False)
    unit_id = SelectField(_l("Unit"), [CheckedByService()], coerce=row_id_or_none,
                          validate_choice=False, widget=PromptedGroupSelect(_l("Choose a unit")))

    def __init__(self, *args: Any, units: dict[str, list[tuple[int, str]]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = select_choices(
            ((role.value, label) for role, label in ROLE_LABELS.items()), _l("Choose a role"))
        # Option groups, one per organisation.
        self.unit_id.choices = [SelectChoice(value, label, optgroup=organization)
                                for organization, pairs in units.items()
                                for value, label in pairs]
